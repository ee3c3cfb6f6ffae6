"""The llmd-infra policy pack: every policy as a :class:`PolicySpec`, and the pulumi_policy adapters.

``ALL_POLICIES`` is data (reports and docs read it); :func:`build_policies` wraps each pack policy
in a pulumi_policy ``ResourceValidationPolicy`` / ``StackValidationPolicy``; :func:`build_pack`
calls ``PolicyPack(...)``, which starts the analyzer's gRPC server and blocks — only
``policies/__main__.py`` calls it. Nothing here starts a server at import.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any, cast

import yaml

from llmd_infra import registry
from llmd_infra.policy import requirements, stack, topology
from llmd_infra.policy.common import PolicySpec, Resource, ResourceCheck, StackCheck, StackResource
from llmd_infra.policy.resources import cluster_types

PACK_NAME = "llmd-infra"
PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
"""The CrossGuard pack folder of a checkout (absent from a wheel install)."""


def _pack_version() -> str:
    """``version`` of ``policies/PulumiPolicy.yaml`` (the pack's version as the CLI shows it); the
    project version where the pack folder is not installed (a test keeps the two equal)."""
    try:
        data = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    except OSError:
        data = None
    if isinstance(data, dict) and data.get("version"):
        return str(data["version"])
    try:
        return metadata.version("llmd-infra")
    except metadata.PackageNotFoundError:
        return "0+unknown"


PACK_VERSION = _pack_version()
"""The pack's version, read once from ``PulumiPolicy.yaml``: the CLI reports the pack as
``llmd-infra@v<PACK_VERSION>``, and so do ``llmd-infra preview``'s reports."""
SERVED_PACK_VERSION = "0.0.1"
"""The version ``PolicyPack`` hands its servicer (always ``0.0.1``, pulumi_policy 1.21): the text of
the servicer's own diagnostics ("can't run policy ... from policy pack 'llmd-infra@v0.0.1' during
preview") carries it under the CLI too, so the in-process servicer uses it to match them exactly."""
PACK_DESCRIPTION = "llm-d infrastructure prerequisites plus security and reliability rules for each well-lit provider."

REQUIREMENT_POLICIES: tuple[PolicySpec, ...] = requirements.POLICIES + topology.POLICIES
"""llm-d's prerequisites, each policy named by its requirement id (specs beside their checks)."""
STACK_POLICIES: tuple[PolicySpec, ...] = stack.POLICIES
"""Policies for every provider (protected clusters and LWS installs, secret kubeconfigs)."""
PROVIDER_POLICIES: tuple[PolicySpec, ...] = tuple(
    spec for _, room in registry.parts("policies") for spec in room.POLICIES
)
"""Every room's security and reliability policies, in registry order."""
SECURITY_POLICIES: tuple[PolicySpec, ...] = PROVIDER_POLICIES + STACK_POLICIES

ALL_POLICIES: tuple[PolicySpec, ...] = REQUIREMENT_POLICIES + SECURITY_POLICIES
PACK_POLICIES: tuple[PolicySpec, ...] = tuple(p for p in ALL_POLICIES if not p.harness_only)
"""The policies the CrossGuard pack registers (harness-only ones need what packs cannot see)."""

BY_NAME: dict[str, PolicySpec] = {p.name: p for p in ALL_POLICIES}
CLUSTER_TOKENS = cluster_types()


# --- pulumi_policy adapters ----------------------------------------------------------------------


def _resource_validate(spec: PolicySpec) -> Any:
    check = cast(ResourceCheck, spec.check)
    types = spec.types

    def validate(args: Any, report_violation: Any) -> None:
        if args.resource_type not in types:
            return
        resource = Resource(args.resource_type, args.name, args.urn, args.props, bool(args.opts.protect))
        for finding in check(resource, args.get_config()):
            if not finding.note:
                report_violation(finding.message, None)

    return validate


def _stack_validate(spec: PolicySpec) -> Any:
    check = cast(StackCheck, spec.check)

    def validate(args: Any, report_violation: Any) -> None:
        resources = [
            StackResource(
                r.resource_type,
                r.name,
                r.urn,
                r.props,
                bool(r.opts.protect),
                r.parent.urn if r.parent else None,
                {key: tuple(dep.urn for dep in deps) for key, deps in r.property_dependencies.items()},
            )
            for r in args.resources
        ]
        for finding in check(resources, args.get_config()):
            if not finding.note:
                report_violation(finding.message, finding.urn)

    return validate


def build_policy(spec: PolicySpec) -> Any:
    """The pulumi_policy ``Policy`` object for one spec."""
    import pulumi_policy as pp

    schema = (
        pp.PolicyConfigSchema(properties={k: dict(v) for k, v in spec.config_properties.items()})
        if spec.config_properties
        else None
    )
    common: dict[str, Any] = {
        "name": spec.name,
        "description": spec.full_description,
        "enforcement_level": pp.EnforcementLevel(spec.enforcement),
        "config_schema": schema,
        "severity": pp.Severity(spec.severity),
        "tags": [spec.family] if spec.family else None,
        "remediation_steps": spec.remediation,
    }
    if spec.kind == "stack":
        return pp.StackValidationPolicy(validate=_stack_validate(spec), **common)
    remediate = spec.remediate
    adapter = (lambda args: remediate(args.props)) if remediate is not None else None
    return pp.ResourceValidationPolicy(validate=_resource_validate(spec), remediate=adapter, **common)


def build_policies(specs: tuple[PolicySpec, ...] = PACK_POLICIES) -> list[Any]:
    return [build_policy(spec) for spec in specs]


def build_pack() -> None:
    """Serve the pack (``PolicyPack(...)`` prints the port and blocks): ``policies/__main__.py`` only."""
    import pulumi_policy as pp

    pp.PolicyPack(
        name=PACK_NAME,
        policies=build_policies(),
        enforcement_level=pp.EnforcementLevel.ADVISORY,
        description=PACK_DESCRIPTION,
    )


def relevant_types() -> frozenset[str]:
    """Resource types some pack resource policy judges."""
    out: set[str] = set()
    for spec in PACK_POLICIES:
        if spec.kind == "resource":
            out |= spec.types
    return frozenset(out)
