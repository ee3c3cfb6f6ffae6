"""The reference bridge: pulumi_policy's own analyzer servicer, fed the requests the engine sends.

This is how ``pulumi preview --policy-pack policies`` judges a plan, driven in-process:
``_PolicyAnalyzerServicer`` (the object ``PolicyPack`` serves over gRPC) receives protobuf
``Configure`` / ``Remediate`` / ``Analyze`` / ``AnalyzeStack`` requests built here from the recorded
plan, so enforcement levels, the description prefix of messages, config handling and the preview
downgrade of policies that read unknown values are pulumi_policy's.

:func:`llmd_infra.plan.analyze.analyze_plan` reaches the same verdicts without protobuf (each
resource converted once, shared by every policy); it uses this module for resources that a policy
remediates, and ``tests/test_perf_policy.py`` compares the two on every ready stack and on a
generated large plan. The order is the CLI's:

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
is unchanged), and each resource goes to a servicer holding only the policies for its type.
``tests/test_policy_grpc.py`` proves the verdicts equal the pack served as a subprocess that gets
every resource.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy.policy import _PolicyAnalyzerServicer

from llmd_infra.plan.graph import STACK_TYPE, Plan, PlannedResource
from llmd_infra.plan.values import to_engine
from llmd_infra.policy import config as pack_config
from llmd_infra.policy.common import PolicySpec
from llmd_infra.policy.pack import PACK_NAME, PACK_POLICIES, SERVED_PACK_VERSION, build_policy
from llmd_infra.report.model import Note, Violation

LEVEL_TO_PROTO = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "remediate": analyzer_pb2.REMEDIATE,
    "disabled": analyzer_pb2.DISABLED,
}
PROTO_TO_LEVEL = {v: k for k, v in LEVEL_TO_PROTO.items()}
_SEVERITY = {
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}


def configure_request(reconciled: Mapping[str, pack_config.PolicyConfig]) -> Any:
    """The ``ConfigureAnalyzerRequest`` the CLI sends for a reconciled config."""
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, value in reconciled.items():
        entry = analyzer_pb2.PolicyConfig(
            enforcementLevel=LEVEL_TO_PROTO.get(value.enforcement or "advisory", analyzer_pb2.ADVISORY)
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
def specs_for_type(resource_type: str) -> tuple[PolicySpec, ...]:
    """The pack's resource policies that judge this type, in pack order."""
    return tuple(s for s in PACK_POLICIES if s.kind == "resource" and resource_type in s.types)


def _violation(diagnostic: Any, fallback_urn: str) -> Violation:
    message = diagnostic.message
    prefix = diagnostic.description + "\n"
    if diagnostic.description and message.startswith(prefix):
        message = message[len(prefix) :]
    return Violation(
        policy=diagnostic.policyName,
        enforcement=PROTO_TO_LEVEL.get(diagnostic.enforcementLevel, "advisory"),
        urn=diagnostic.urn or fallback_urn,
        message=message,
        description=diagnostic.description,
        severity=_SEVERITY.get(diagnostic.severity, ""),
    )


def violations_from(response: Any, fallback_urn: str) -> list[Violation]:
    return [_violation(d, fallback_urn) for d in response.diagnostics]


class Servicers:
    """One configured servicer per set of policies (per resource type), created on first use."""

    def __init__(self, configure: Any) -> None:
        self.configure = configure
        self._servicers: dict[tuple[str, ...], Any] = {}

    def get(self, specs: Sequence[PolicySpec]) -> Any:
        key = tuple(s.name for s in specs)
        if key not in self._servicers:
            servicer = new_servicer(specs)
            servicer.Configure(self.configure, None)
            self._servicers[key] = servicer
        return self._servicers[key]


def judge_resource(
    servicers: Servicers,
    resource: PlannedResource,
    providers: Mapping[str, PlannedResource],
    levels: Mapping[str, str],
) -> tuple[list[Violation], list[Note]]:
    """``Remediate`` (when a policy of the type remediates), then ``Analyze``, through the servicer."""
    specs = specs_for_type(resource.type)
    servicer = servicers.get(specs)
    request = analyze_request(resource, providers)
    notes: list[Note] = []
    if any(levels.get(s.name) == "remediate" for s in specs):
        remediated = servicer.Remediate(request, None)
        for remediation in remediated.remediations:
            if remediation.HasField("properties") and remediation.properties.fields:
                request.properties.CopyFrom(remediation.properties)
                notes.append(
                    Note(
                        remediation.policyName,
                        resource.urn,
                        "remediated: the resource's properties were rewritten by the policy",
                    )
                )
            if remediation.diagnostic:
                notes.append(Note(remediation.policyName, resource.urn, remediation.diagnostic))
    return violations_from(servicer.Analyze(request, None), resource.urn), notes


def judge_stack(servicers: Servicers, plan: Plan) -> list[Violation]:
    """``AnalyzeStack`` through the servicer holding the pack's stack policies."""
    stack_specs = tuple(s for s in PACK_POLICIES if s.kind == "stack")
    if not stack_specs:
        return []
    return violations_from(servicers.get(stack_specs).AnalyzeStack(stack_request(plan), None), "")
