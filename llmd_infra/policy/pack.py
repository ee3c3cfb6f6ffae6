"""The llmd-infra policy pack: every policy as a :class:`PolicySpec`, and the pulumi_policy adapters.

``ALL_POLICIES`` is data (reports and docs read it); :func:`build_policies` wraps each pack policy
in a pulumi_policy ``ResourceValidationPolicy`` / ``StackValidationPolicy``; :func:`build_pack`
calls ``PolicyPack(...)``, which starts the analyzer's gRPC server and blocks — only
``policies/__main__.py`` calls it. Nothing here starts a server at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any, cast

import yaml

from llmd_infra import registry
from llmd_infra.policy import requirements, stack
from llmd_infra.policy.common import (
    STACK,
    PolicySpec,
    Resource,
    ResourceCheck,
    StackCheck,
    StackResource,
    security_policy,
)
from llmd_infra.policy.resources import cluster_types, pool_types, remediation, version_types
from llmd_infra.requirements import (
    ACCELERATOR_INTERCONNECT,
    ACCELERATOR_SUPPORTED,
    GPU_DRIVER_PATH,
    HOST_CPU_CORES,
    HOST_MEMORY,
    HOST_NETWORK_BANDWIDTH,
    HOST_PCIE_GENERATION,
    KUBERNETES_VERSION,
    LWS_VERSION,
    MULTI_HOST_PLACEMENT,
    Requirement,
)

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

_MULTI_HOST_POOLS = {
    "multiHostPools": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "description": "Pool (or resource) names intended for multi-host inference, besides labelled pools.",
    }
}


def _min_version_property(record: Requirement, default: str) -> dict[str, Any]:
    return {
        "minimumVersion": {
            "type": "string",
            "pattern": r"^v?\d+(\.\d+){0,2}$",
            "default": default,
            "description": f"Oldest accepted version (llm-d: {record.threshold_text()}).",
        }
    }


def _minimum_property(record: Requirement) -> dict[str, Any]:
    return {
        "minimum": {
            "type": "integer",
            "minimum": 1,
            "default": record.min_int(),
            "description": f"Threshold ({record.unit or 'generation'}); llm-d: {record.threshold_text()}.",
        }
    }


def _requirement(
    record: Requirement,
    check: ResourceCheck | StackCheck,
    types: frozenset[str],
    remediation: str,
    *,
    kind: str = "resource",
    name: str | None = None,
    enforcement: str | None = None,
    description: str | None = None,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    severity: str = "medium",
) -> PolicySpec:
    return PolicySpec(
        name=name or record.id,
        description=description or f"{record.title}: {record.seed} (llm-d prerequisite '{record.id}').",
        enforcement=cast(Any, enforcement or record.enforcement.value),
        remediation=remediation,
        kind=cast(Any, kind),
        types=types,
        check=check,
        severity=cast(Any, severity),
        config_properties=config or {},
        family="requirements",
        requirement=record.id,
    )


_POOLS = pool_types()
# Thresholds in remediation text come from the requirement records, never restated here; each
# provider's way to meet a requirement comes from its room (``ResourceReader.remediation``).
_K8S = KUBERNETES_VERSION.min_version().minor_str()
_LWS = str(LWS_VERSION.min_version())


def _how(record: Requirement, general: str) -> str:
    """``general`` advice plus every provider's own way to meet ``record``."""
    providers = remediation(record.id, kubernetes=_K8S, lws=_LWS)
    return f"{general} {providers}." if providers else general


REQUIREMENT_POLICIES: tuple[PolicySpec, ...] = (
    _requirement(
        KUBERNETES_VERSION,
        requirements.check_kubernetes_version,
        version_types(),
        _how(KUBERNETES_VERSION, f"Run Kubernetes {_K8S} or newer."),
        config=_min_version_property(KUBERNETES_VERSION, KUBERNETES_VERSION.min_version().minor_str()),
        severity="high",
    ),
    _requirement(
        ACCELERATOR_SUPPORTED,
        requirements.check_accelerator_supported,
        _POOLS,
        "Use an accelerator llm-d tests (NVIDIA L4, A100, H100, H200, B200 or newer; AMD MI250X or newer; "
        "TPU v5e, v6e or newer), or set allowOlderAccelerators to accept best-effort support.",
        config={
            "allowOlderAccelerators": {
                "type": "boolean",
                "default": False,
                "description": "Accept accelerators older than llm-d's tested ones.",
            },
            "allowUnknownAccelerators": {
                "type": "boolean",
                "default": False,
                "description": "Accept accelerators the catalog does not know.",
            },
        },
        severity="low",
    ),
    _requirement(
        MULTI_HOST_PLACEMENT,
        requirements.check_multi_host_placement,
        _POOLS,
        _how(MULTI_HOST_PLACEMENT, "Confine each multi-host pool to one network domain."),
        config=_MULTI_HOST_POOLS,
        severity="high",
    ),
    _requirement(
        ACCELERATOR_INTERCONNECT,
        requirements.check_accelerator_interconnect,
        _POOLS,
        _how(ACCELERATOR_INTERCONNECT, "Use RDMA-capable machines for multi-host pools, their RDMA networking set up."),
        config=_MULTI_HOST_POOLS,
        severity="high",
    ),
    _requirement(
        HOST_NETWORK_BANDWIDTH,
        requirements.check_host_network_bandwidth,
        _POOLS,
        f"Choose a machine type with {HOST_NETWORK_BANDWIDTH.min_int()} Gbps or more of host networking.",
        config=_minimum_property(HOST_NETWORK_BANDWIDTH),
        severity="low",
    ),
    _requirement(
        HOST_CPU_CORES,
        requirements.check_host_cpu_cores,
        _POOLS,
        f"Choose a machine type with {HOST_CPU_CORES.min_int()} or more physical cores.",
        config=_minimum_property(HOST_CPU_CORES),
        severity="low",
    ),
    _requirement(
        HOST_MEMORY,
        requirements.check_host_memory,
        _POOLS,
        f"Choose a machine type with {HOST_MEMORY.min_int()} GiB or more of memory.",
        config=_minimum_property(HOST_MEMORY),
        severity="low",
    ),
    _requirement(
        HOST_PCIE_GENERATION,
        requirements.check_host_pcie_generation,
        _POOLS,
        f"Choose a machine type with PCIe {HOST_PCIE_GENERATION.min_int()} or newer.",
        config=_minimum_property(HOST_PCIE_GENERATION),
        severity="low",
    ),
    _requirement(
        LWS_VERSION,
        requirements.check_lws_version,
        requirements.LWS_TYPES,
        f"Install LeaderWorkerSet {_LWS} or newer: helm chart oci://registry.k8s.io/lws/charts/lws with "
        f"version >= {_LWS}, or the release manifests of v{_LWS} or newer.",
        config=_min_version_property(LWS_VERSION, str(LWS_VERSION.min_version())),
        severity="high",
    ),
    _requirement(
        LWS_VERSION,
        requirements.check_lws_installed,
        frozenset({STACK}),
        "Install LeaderWorkerSet (llmd-infra's LWS add-on, or the LWS Helm chart) in stacks with multi-host pools.",
        kind="stack",
        name="lws-installed",
        enforcement="advisory",
        description=(
            "Stacks with multi-host pools install LeaderWorkerSet: llm-d deploys multi-host inference with "
            f"LWS (companion of '{LWS_VERSION.id}')."
        ),
        config=_MULTI_HOST_POOLS,
        severity="low",
    ),
    _requirement(
        GPU_DRIVER_PATH,
        requirements.check_gpu_driver_path,
        frozenset({STACK}),
        _how(GPU_DRIVER_PATH, "Keep the provider's driver installation, or install the GPU Operator or a DRA driver."),
        kind="stack",
        severity="low",
    ),
)


STACK_POLICIES: tuple[PolicySpec, ...] = (
    security_policy(
        "cluster-protected",
        "Clusters carry Pulumi's protect option.",
        stack.check_cluster_protected,
        frozenset({STACK}),
        "advisory",
        "Create clusters with opts=pulumi.ResourceOptions(protect=True) (llmd-infra:protect, default on).",
        ("https://www.pulumi.com/docs/iac/concepts/options/protect/",),
        "stack",
        severity="medium",
        kind="stack",
    ),
    security_policy(
        "lws-crd-protected",
        "LeaderWorkerSet installs are protected and cannot lose the LWS CRD in an upgrade.",
        stack.check_lws_crd_protected,
        stack.LWS_CRD_TYPES,
        "advisory",
        "Give the LWS release/manifests protect=True; move installs of chart <= 0.7.x to 0.8+ before 0.9+.",
        ("kubernetes-sigs/lws#880", "llm-d multi-node docs"),
        "stack",
        severity="medium",
    ),
    security_policy(
        "kubeconfig-output-secret",
        "Outputs holding a kubeconfig are secrets.",
        stack.check_kubeconfig_secret,
        frozenset({STACK}),
        "mandatory",
        "Export kubeconfigs as pulumi.Output.secret(...) (DOKS kube_configs are secret already).",
        ("CIS GKE 5.8.1 (credential exposure)",),
        "stack",
        severity="high",
        kind="stack",
        harness_only=True,
    ),
)

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
                r.resource_type, r.name, r.urn, r.props, bool(r.opts.protect), r.parent.urn if r.parent else None
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
