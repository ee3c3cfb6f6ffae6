"""Run the policy pack over a recorded plan, as ``pulumi preview --policy-pack policies`` would.

The verdict is the one pulumi_policy's analyzer reaches when the engine drives it
(:mod:`llmd_infra.plan.servicer` does exactly that, with protobuf requests, and stays the
reference): the same enforcement levels (configured, ``remediate`` reported as ``mandatory``), the
same messages, config values as the ``Configure`` request carries them (numbers as doubles), and
the same preview downgrade of a policy that reads an unknown value to an advisory "can't run
policy" diagnostic. The order is the CLI's: per resource in registration order ``Analyze`` on the
**inputs**, then ``AnalyzeStack`` once on the **outputs** (the Stack resource first, with the stack
outputs), then the harness-only checks.

What differs is the cost. pulumi_policy converts a resource's protobuf properties and builds its
unknown-checking proxies once per policy, and every resource's once per stack policy; here each
resource is converted once (:func:`llmd_infra.plan.props.engine_props`) and one lazily wrapping
proxy (:class:`~llmd_infra.plan.props.PropsProxy`) serves every policy of that resource, stack
policies get one shared resource list whose properties are converted only when a policy reads
them, and resource types no resource policy judges are not converted at all. Resources whose type
has a policy at level ``remediate`` go through the servicer (``Remediate`` rewrites their
properties before ``Analyze``). ``tests/test_perf_policy.py`` compares both paths on every ready
stack and on a generated large plan.

Harness-only checks (``PolicySpec.harness_only``) need what packs cannot see — secretness, which
pulumi_policy strips before a policy runs — and are judged here from the plan. Notes carry facts
the catalog does not know, remediations applied, and config entries naming no policy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from pulumi_policy.proxy import UnknownValueError

from llmd_infra.errors import ConfigError, LlmdInfraError, Problem
from llmd_infra.plan.collector import collector_paused
from llmd_infra.plan.graph import STACK_TYPE, Plan, PlannedResource
from llmd_infra.plan.props import PropsProxy, engine_props
from llmd_infra.plan.servicer import (
    Servicers,
    analyze_request,
    configure_request,
    judge_resource,
    judge_stack,
    new_servicer,
    specs_for_type,
    stack_request,
    violations_from,
)
from llmd_infra.plan.values import to_engine
from llmd_infra.policy import config as pack_config
from llmd_infra.policy.common import PolicySpec, Resource, ResourceCheck, StackCheck, StackResource
from llmd_infra.policy.pack import ALL_POLICIES, PACK_NAME, PACK_POLICIES, SERVED_PACK_VERSION
from llmd_infra.report.model import Analysis, Note, Violation

__all__ = [
    "analyze_plan",
    "analyze_plan_by_servicer",
    "analyze_request",
    "configure_request",
    "load_policy_config",
    "new_servicer",
    "stack_request",
    "violations_from",
]

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


def _reconciled(given: Mapping[str, pack_config.PolicyConfig]) -> dict[str, pack_config.PolicyConfig]:
    """The reconciled config; the pack's own defaults need no schema validation (a test validates
    them), so JSON-schema runs only when a config file gave something."""
    if not given:
        return pack_config.defaults(ALL_POLICIES)
    return pack_config.reconcile(ALL_POLICIES, given, source="policy config")


class _Verdicts:
    """Levels and configs exactly as the servicer holds them after ``Configure``."""

    def __init__(self, reconciled: Mapping[str, pack_config.PolicyConfig], harness: set[str]) -> None:
        from google.protobuf import json_format

        configure = configure_request({k: v for k, v in reconciled.items() if k not in harness})
        self.configure = configure
        self.level: dict[str, str] = {}
        self.config: dict[str, dict[str, Any]] = {}
        for name in configure.policyConfig:
            entry = configure.policyConfig[name]
            self.level[name] = _proto_level(entry.enforcementLevel)
            self.config[name] = json_format.MessageToDict(entry.properties)

    def enforcement(self, spec: PolicySpec) -> str:
        return self.level.get(spec.name, spec.enforcement)

    def config_of(self, spec: PolicySpec) -> dict[str, Any]:
        """``args.get_config()``: a copy of the configured properties (``{}`` when none)."""
        return dict(self.config.get(spec.name) or {})


def _proto_level(value: Any) -> str:
    from llmd_infra.plan.servicer import PROTO_TO_LEVEL

    level: str = PROTO_TO_LEVEL.get(value, "advisory")
    return level


def _violation(spec: PolicySpec, level: str, urn: str, message: str) -> Violation:
    """A reported finding as the servicer words it (and :func:`violations_from` reads it back)."""
    description = spec.full_description
    text = description + (f"\n{message}" if message else "")
    prefix = description + "\n"
    if description and text.startswith(prefix):
        text = text[len(prefix) :]
    return Violation(policy=spec.name, enforcement=level, urn=urn, message=text, description=description,
                     severity=spec.severity)


def _cannot_run(spec: PolicySpec, urn: str, error: UnknownValueError) -> Violation:
    """The servicer's advisory diagnostic for a policy that read a value unknown in preview."""
    return Violation(
        policy=spec.name,
        enforcement="advisory",
        urn=urn,
        message=(
            f"can't run policy '{spec.name}' from policy pack '{PACK_NAME}@v{SERVED_PACK_VERSION}' "
            f"during preview: {error.message}"
        ),
        description=spec.full_description,
        severity="",
    )


def _not_applicable() -> type[BaseException]:
    from pulumi_policy.policy import _NotApplicableError

    return _NotApplicableError


# --- the run --------------------------------------------------------------------------------------


@cache
def _stack_specs() -> tuple[PolicySpec, ...]:
    return tuple(s for s in PACK_POLICIES if s.kind == "stack")


def analyze_plan(plan: Plan, policy_config: Mapping[str, Any] | None = None) -> Analysis:
    """Judge a recorded plan with the pack; see the module docstring for the protocol followed."""
    with collector_paused():
        return _analyze(plan, policy_config, through_servicer=False)


def analyze_plan_by_servicer(plan: Plan, policy_config: Mapping[str, Any] | None = None) -> Analysis:
    """The same verdict, every resource and the stack sent to pulumi_policy's servicer as protobuf
    requests (the reference :func:`analyze_plan` is tested against; slower by an order of magnitude)."""
    return _analyze(plan, policy_config, through_servicer=True)


def _analyze(plan: Plan, policy_config: Mapping[str, Any] | None, through_servicer: bool) -> Analysis:
    given = pack_config.parse_config(policy_config, "policy config") if policy_config else {}
    reconciled = _reconciled(given)
    harness_names = {s.name for s in ALL_POLICIES if s.harness_only}
    verdicts = _Verdicts(reconciled, harness_names)
    levels = {name: value.enforcement for name, value in reconciled.items()}

    analysis = Analysis(policy_pack=PACK_NAME)
    for spec in ALL_POLICIES:
        analysis.policies.append({**spec.metadata(), "enforcement": levels.get(spec.name, spec.enforcement)})
    for name in pack_config.unknown_policies(ALL_POLICIES, given):
        analysis.notes.append(Note(name, "", f"the policy config names '{name}', which is no policy of this pack"))

    servicers = Servicers(verdicts.configure)
    providers = {r.urn: r for r in plan.resources if r.is_provider}
    for resource in plan.resources:
        specs = specs_for_type(resource.type)
        if not specs:
            continue
        if through_servicer or any(levels.get(s.name) == "remediate" for s in specs):
            violations, notes = judge_resource(servicers, resource, providers, levels)
            analysis.violations += violations
            analysis.notes += notes
        else:
            analysis.violations += _judge_resource(resource, specs, verdicts)
        analysis.notes += _resource_notes(resource, specs, levels, reconciled)

    analysis.violations += judge_stack(servicers, plan) if through_servicer else _judge_stack(plan, verdicts)
    analysis.violations += _harness_violations(plan, levels, reconciled)
    return analysis


def _judge_resource(resource: PlannedResource, specs: Sequence[PolicySpec], verdicts: _Verdicts) -> list[Violation]:
    """``Analyze`` of one resource: its inputs converted once, one proxy for every policy."""
    view = Resource(resource.type, resource.name, resource.urn, PropsProxy(engine_props(resource.inputs)),
                    resource.protect)
    return _judge(specs, verdicts, lambda check, config: check(view, config), resource.urn)


def _judge(
    specs: Sequence[PolicySpec], verdicts: _Verdicts, run: Callable[[Any, Mapping[str, Any]], Any], urn: str
) -> list[Violation]:
    """Each enabled policy's violations, as the servicer reports them: ``run(check, config)`` calls the
    check on what it judges; a check that reads a value unknown in preview "can't run"; a finding names
    its own resource (stack policies) or ``urn``."""
    not_applicable = _not_applicable()
    out: list[Violation] = []
    for spec in specs:
        level = verdicts.enforcement(spec)
        if level == "disabled":
            continue
        if level == "remediate":
            level = "mandatory"
        try:
            findings = run(spec.check, verdicts.config_of(spec))
        except UnknownValueError as error:
            out.append(_cannot_run(spec, urn, error))
            continue
        except not_applicable:
            continue
        out += [_violation(spec, level, f.urn or urn, f.message) for f in findings if not f.note]
    return out


def stack_resources(plan: Plan) -> list[StackResource]:
    """What ``AnalyzeStack`` hands a stack policy: the Stack resource (its outputs), then every
    resource with its outputs, protect flag, parent and property dependencies (URNs in the list
    only); each resource's properties are converted when a policy first reads them."""
    urns = {r.urn for r in plan.resources}
    resources: list[StackResource] = []
    if plan.stack_urn:
        urns.add(plan.stack_urn)
        resources.append(
            StackResource(
                STACK_TYPE, plan.stack_urn.rsplit("::", 1)[-1], plan.stack_urn, _lazy(plan.outputs), False, None
            )
        )
    for r in plan.resources:
        parent = r.parent if r.parent in urns else None
        # The request carries the non-empty ones; the servicer keeps the URNs of the request's resources.
        links = {key: tuple(u for u in deps if u in urns) for key, deps in r.property_dependencies.items() if deps}
        resources.append(StackResource(r.type, r.name, r.urn, _lazy(r.outputs), r.protect, parent, links))
    return resources


def _lazy(values: Mapping[str, Any]) -> PropsProxy:
    return PropsProxy(None, source=lambda: engine_props(values))


def _judge_stack(plan: Plan, verdicts: _Verdicts) -> list[Violation]:
    specs = _stack_specs()
    if not specs:
        return []
    resources = stack_resources(plan)
    return _judge(specs, verdicts, lambda check, config: check(resources, config), "")


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
    props = PropsProxy(to_engine(resource.inputs))
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
