"""Run the policy pack over a recorded plan, as ``pulumi preview --policy-pack policies`` would.

The bridge drives pulumi_policy's own analyzer servicer (``_PolicyAnalyzerServicer``, the object
``PolicyPack`` serves over gRPC) in-process, so enforcement levels, the description prefix of
messages, config handling and the preview downgrade of policies that read unknown values are the
engine's, not a re-implementation. The order is the CLI's:

1. ``Configure`` with the config reconciled like ``ReconcilePolicyPackConfig`` (defaults, then the
   ``--policy-config`` file, JSON-schema validated) — :mod:`llmd_infra.policy.config`;
2. per resource, in registration order: ``Remediate`` (only when a policy runs at level
   ``remediate``; the remediated properties replace the inputs), then ``Analyze`` on the **inputs**
   (``values.to_engine``: secrets unwrapped as pulumi_policy unwraps them, unknowns as the engine's
   unknown sentinel);
3. ``AnalyzeStack`` once, on **outputs** (the mock state; components: what they registered; the
   Stack resource: the stack outputs), with parent, dependencies and property dependencies.

What ``Analyze`` sees: custom resources and components with the inputs they registered, providers
(``pulumi:providers:*``) with their inputs; the default providers the engine would create are not
in the plan, so resources using them carry no provider reference. Resource types that no resource
policy judges are not sent (every pack validation begins with the same type test, so the verdict
is unchanged), and each resource goes to a servicer holding only the policies for its type: the
servicer deserializes the properties once per policy, so this keeps 10,000 resources fast.
``tests/test_policy_grpc.py`` proves the verdicts equal the pack served as a subprocess that gets
every resource.

Harness-only checks (``PolicySpec.harness_only``) need what packs cannot see — secretness, which
pulumi_policy strips before a policy runs — and are judged here from the plan. Notes carry facts
the catalog does not know, remediations applied, and config entries naming no policy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from llmd_infra.errors import ConfigError, LlmdInfraError, Problem
from llmd_infra.plan.graph import STACK_TYPE, Plan, PlannedResource
from llmd_infra.plan.values import to_engine
from llmd_infra.policy import config as pack_config
from llmd_infra.policy.common import PolicySpec, Resource, ResourceCheck, StackCheck, StackResource
from llmd_infra.policy.pack import ALL_POLICIES, PACK_NAME, PACK_POLICIES, SERVED_PACK_VERSION, build_policy
from llmd_infra.report.model import Analysis, Note, Violation

_LEVEL_TO_PROTO = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "remediate": analyzer_pb2.REMEDIATE,
    "disabled": analyzer_pb2.DISABLED,
}
_PROTO_TO_LEVEL = {v: k for k, v in _LEVEL_TO_PROTO.items()}
_SEVERITY = {
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}
_NOTE_POLICIES = (
    "accelerator-supported",
    "host-network-bandwidth",
    "host-cpu-cores",
    "host-memory",
    "host-pcie-generation",
    "lws-version",
)
"""Resource policies whose checks also return notes (facts the catalog does not know, an unknown
accelerator, an LWS install whose version is not stated): a pack can only report violations."""


# --- configuration --------------------------------------------------------------------------------


def load_policy_config(path: str | Path) -> dict[str, Any]:
    """Read a ``--policy-config`` file (the CLI's ``--policy-pack-config`` format) and validate it.

    Returns the JSON document; raises :class:`~llmd_infra.errors.ConfigError` naming each invalid
    entry (bad JSON, bad enforcement level, a property its policy's schema rejects).
    """
    import json

    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise LlmdInfraError(f"cannot read the policy config {file}: {exc.strerror or exc}") from exc
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            [Problem(f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}")], str(file)
        ) from exc
    # Every problem at once: bad enforcement levels and properties their policy's schema rejects.
    problems: list[Problem] = []
    given = pack_config.parse_config(data, str(file), collect=problems)
    try:
        pack_config.reconcile(ALL_POLICIES, given, source=str(file))
    except ConfigError as exc:
        problems += exc.problems
    if problems:
        raise ConfigError(problems, str(file))
    return dict(data)


def configure_request(reconciled: Mapping[str, pack_config.PolicyConfig]) -> Any:
    """The ``ConfigureAnalyzerRequest`` the CLI sends for a reconciled config."""
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, value in reconciled.items():
        entry = analyzer_pb2.PolicyConfig(
            enforcementLevel=_LEVEL_TO_PROTO.get(value.enforcement or "advisory", analyzer_pb2.ADVISORY)
        )
        if value.properties:
            entry.properties.update(value.properties)
        request.policyConfig[name].CopyFrom(entry)
    return request


# --- requests --------------------------------------------------------------------------------------


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    if values:
        struct.update(to_engine(dict(values)))
    return struct


def _options(resource: PlannedResource) -> Any:
    options = analyzer_pb2.AnalyzerResourceOptions(
        protect=resource.protect,
        ignoreChanges=resource.ignore_changes,
        deleteBeforeReplace=resource.delete_before_replace,
        deleteBeforeReplaceDefined=resource.delete_before_replace,
        additionalSecretOutputs=resource.additional_secret_outputs,
        parent=resource.parent,
    )
    return options


def _provider(resource: PlannedResource, providers: Mapping[str, PlannedResource]) -> Any:
    record = providers.get(resource.provider_ref_urn) if resource.provider else None
    if record is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(
        type=record.type, name=record.name, urn=record.urn, properties=_struct(record.inputs)
    )


def analyze_request(resource: PlannedResource, providers: Mapping[str, PlannedResource]) -> Any:
    """The ``AnalyzeRequest`` the engine sends for a resource (inputs)."""
    request = analyzer_pb2.AnalyzeRequest(
        type=resource.type,
        urn=resource.urn,
        name=resource.name,
        properties=_struct(resource.inputs),
        options=_options(resource),
    )
    provider = _provider(resource, providers)
    if provider is not None:
        request.provider.CopyFrom(provider)
    return request


def stack_request(plan: Plan) -> Any:
    """The ``AnalyzeStackRequest``: every resource with its outputs, plus the Stack resource."""
    providers = {r.urn: r for r in plan.resources if r.is_provider}
    items: list[Any] = []
    if plan.stack_urn:
        items.append(
            analyzer_pb2.AnalyzerResource(
                type=STACK_TYPE,
                urn=plan.stack_urn,
                name=plan.stack_urn.rsplit("::", 1)[-1],
                properties=_struct(plan.outputs),
            )
        )
    for resource in plan.resources:
        item = analyzer_pb2.AnalyzerResource(
            type=resource.type,
            urn=resource.urn,
            name=resource.name,
            properties=_struct(resource.outputs),
            options=_options(resource),
            parent=resource.parent,
            dependencies=resource.dependencies,
        )
        for key, urns in resource.property_dependencies.items():
            if urns:
                item.propertyDependencies[key].urns.extend(urns)
        provider = _provider(resource, providers)
        if provider is not None:
            item.provider.CopyFrom(provider)
        items.append(item)
    return analyzer_pb2.AnalyzeStackRequest(resources=items)


# --- servicers ------------------------------------------------------------------------------------


@cache
def _policy_objects() -> dict[str, Any]:
    return {spec.name: build_policy(spec) for spec in PACK_POLICIES}


def new_servicer(specs: Sequence[PolicySpec]) -> Any:
    """A pulumi_policy analyzer servicer for these policies, as ``PolicyPack`` builds it."""
    objects = _policy_objects()
    return _PolicyAnalyzerServicer(
        PACK_NAME, SERVED_PACK_VERSION, [objects[s.name] for s in specs], _advisory_level(), None, None
    )


def _advisory_level() -> Any:
    from pulumi_policy import EnforcementLevel

    return EnforcementLevel.ADVISORY


@cache
def _specs_for_type(resource_type: str) -> tuple[PolicySpec, ...]:
    return tuple(s for s in PACK_POLICIES if s.kind == "resource" and resource_type in s.types)


def _violation(diagnostic: Any, fallback_urn: str) -> Violation:
    message = diagnostic.message
    prefix = diagnostic.description + "\n"
    if diagnostic.description and message.startswith(prefix):
        message = message[len(prefix) :]
    return Violation(
        policy=diagnostic.policyName,
        enforcement=_PROTO_TO_LEVEL.get(diagnostic.enforcementLevel, "advisory"),
        urn=diagnostic.urn or fallback_urn,
        message=message,
        description=diagnostic.description,
        severity=_SEVERITY.get(diagnostic.severity, ""),
    )


def violations_from(response: Any, fallback_urn: str) -> list[Violation]:
    return [_violation(d, fallback_urn) for d in response.diagnostics]


# --- the run --------------------------------------------------------------------------------------


def analyze_plan(plan: Plan, policy_config: Mapping[str, Any] | None = None) -> Analysis:
    """Judge a recorded plan with the pack; see the module docstring for the protocol followed."""
    given = pack_config.parse_config(policy_config, "policy config") if policy_config else {}
    reconciled = pack_config.reconcile(ALL_POLICIES, given, source="policy config")
    harness_names = {s.name for s in ALL_POLICIES if s.harness_only}
    configure = configure_request({k: v for k, v in reconciled.items() if k not in harness_names})
    levels = {name: value.enforcement for name, value in reconciled.items()}

    analysis = Analysis(policy_pack=PACK_NAME)
    for spec in ALL_POLICIES:
        analysis.policies.append({**spec.metadata(), "enforcement": levels.get(spec.name, spec.enforcement)})
    for name in pack_config.unknown_policies(ALL_POLICIES, given):
        analysis.notes.append(Note(name, "", f"the policy config names '{name}', which is no policy of this pack"))

    servicers: dict[tuple[str, ...], Any] = {}

    def servicer_for(specs: Sequence[PolicySpec]) -> Any:
        key = tuple(s.name for s in specs)
        if key not in servicers:
            servicers[key] = new_servicer(specs)
            servicers[key].Configure(configure, None)
        return servicers[key]

    providers = {r.urn: r for r in plan.resources if r.is_provider}
    for resource in plan.resources:
        specs = _specs_for_type(resource.type)
        if not specs:
            continue
        servicer = servicer_for(specs)
        request = analyze_request(resource, providers)
        if any(levels.get(s.name) == "remediate" for s in specs):
            remediated = servicer.Remediate(request, None)
            for remediation in remediated.remediations:
                if remediation.HasField("properties") and remediation.properties.fields:
                    request.properties.CopyFrom(remediation.properties)
                    analysis.notes.append(
                        Note(
                            remediation.policyName,
                            resource.urn,
                            "remediated: the resource's properties were rewritten by the policy",
                        )
                    )
                if remediation.diagnostic:
                    analysis.notes.append(Note(remediation.policyName, resource.urn, remediation.diagnostic))
        analysis.violations += violations_from(servicer.Analyze(request, None), resource.urn)
        analysis.notes += _resource_notes(resource, specs, levels, reconciled)

    stack_specs = tuple(s for s in PACK_POLICIES if s.kind == "stack")
    if stack_specs:
        response = servicer_for(stack_specs).AnalyzeStack(stack_request(plan), None)
        analysis.violations += violations_from(response, "")

    analysis.violations += _harness_violations(plan, levels, reconciled)
    return analysis


def _resource_notes(
    resource: PlannedResource,
    specs: Sequence[PolicySpec],
    levels: Mapping[str, str],
    reconciled: Mapping[str, pack_config.PolicyConfig],
) -> list[Note]:
    """Notes of the resource policies that have some (:data:`_NOTE_POLICIES`) — packs cannot emit notes."""
    noting = [s for s in specs if s.name in _NOTE_POLICIES and levels.get(s.name) != "disabled"]
    if not noting:
        return []
    notes: list[Note] = []
    props = unknown_checking_proxy(to_engine(resource.inputs))
    view = Resource(resource.type, resource.name, resource.urn, props, resource.protect)
    for spec in noting:
        check: ResourceCheck = spec.check  # type: ignore[assignment]
        try:
            findings = check(view, reconciled[spec.name].properties)
        except UnknownValueError:
            continue
        notes += [Note(spec.name, resource.urn, f.message) for f in findings if f.note]
    return notes


def _harness_violations(
    plan: Plan, levels: Mapping[str, str], reconciled: Mapping[str, pack_config.PolicyConfig]
) -> list[Violation]:
    resources = [StackResource(STACK_TYPE, plan.stack, plan.stack_urn, plan.outputs)]
    resources += [
        StackResource(r.type, r.name, r.urn, r.outputs, r.protect, r.parent) for r in plan.resources if not r.custom
    ]
    out: list[Violation] = []
    for spec in ALL_POLICIES:
        level = levels.get(spec.name, spec.enforcement)
        if not spec.harness_only or level == "disabled":
            continue
        check: StackCheck = spec.check  # type: ignore[assignment]
        for finding in check(resources, reconciled[spec.name].properties):
            if finding.note:
                continue
            out.append(
                Violation(
                    policy=spec.name,
                    enforcement="mandatory" if level == "remediate" else level,
                    urn=finding.urn or "",
                    message=finding.message,
                    description=spec.full_description,
                    severity=spec.severity,
                )
            )
    return out
