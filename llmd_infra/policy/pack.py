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

from llmd_infra.policy import doks_security, gke_security, requirements, stack
from llmd_infra.policy.common import (
    CLUSTER_TYPES,
    DOKS_CLUSTER,
    GKE_CLUSTER,
    GKE_NODE_POOL,
    POOL_TYPES,
    STACK,
    PolicySpec,
    Resource,
    ResourceCheck,
    StackCheck,
    StackResource,
)
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
PACK_DESCRIPTION = "llm-d infrastructure prerequisites plus GKE/DOKS security and reliability rules."

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


_POOLS = POOL_TYPES
# Thresholds in remediation text come from the requirement records, never restated here.
_K8S = KUBERNETES_VERSION.min_version().minor_str()
_LWS = str(LWS_VERSION.min_version())
_OPENSHIFT = requirements.oldest_openshift_meeting(KUBERNETES_VERSION.min_version())
_GKE = frozenset({GKE_CLUSTER, GKE_NODE_POOL})

REQUIREMENT_POLICIES: tuple[PolicySpec, ...] = (
    _requirement(
        KUBERNETES_VERSION,
        requirements.check_kubernetes_version,
        requirements.KUBERNETES_VERSION_TYPES,
        f"Set min_master_version / node_version / version to {_K8S} or newer (or leave them unset and let the "
        f"release channel choose); DOKS: a version slug {_K8S}.x-do.N or newer; minikube: --kubernetes-version "
        f"v{_K8S} or newer; OpenShift: {_OPENSHIFT} or newer.",
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
        "Pin multi-host pools to one zone (nodeLocations with one zone) with placement_policy type COMPACT "
        "or a SPECIFIC reservation (GKE GPUs), a placement policy / TPU topology (GKE TPUs), or a "
        "placementGroupName in the MachineSet's providerSpec (AWS).",
        config=_MULTI_HOST_POOLS,
        severity="high",
    ),
    _requirement(
        ACCELERATOR_INTERCONNECT,
        requirements.check_accelerator_interconnect,
        _POOLS,
        "Use RDMA-capable machines for multi-host pools: GKE a3-ultragpu-8g / a4-highgpu-8g / a4x with "
        'network_config accelerator_network_profile "auto" (or one additional_node_network_configs entry per '
        "RDMA NIC), TPU slices, DOKS fabric sizes, or AWS EFA instances with networkInterfaceType EFA.",
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
        "Keep the provider's driver installation (GKE gpu_driver_version DEFAULT/LATEST, DOKS device plugins) or "
        "install the NVIDIA/AMD GPU Operator or a DRA driver in the stack.",
        kind="stack",
        severity="low",
    ),
)


def _security(
    name: str,
    description: str,
    check: ResourceCheck | StackCheck,
    types: frozenset[str],
    enforcement: str,
    remediation: str,
    anchors: tuple[str, ...],
    family: str,
    *,
    severity: str = "high",
    kind: str = "resource",
    config: Mapping[str, Mapping[str, Any]] | None = None,
    remediate: Any = None,
    harness_only: bool = False,
) -> PolicySpec:
    return PolicySpec(
        name=name,
        description=description,
        enforcement=cast(Any, enforcement),
        remediation=remediation,
        kind=cast(Any, kind),
        types=types,
        check=check,
        anchors=anchors,
        severity=cast(Any, severity),
        config_properties=config or {},
        remediate=remediate,
        family=family,
        harness_only=harness_only,
    )


_CLUSTER = frozenset({GKE_CLUSTER})
_DOKS = frozenset({DOKS_CLUSTER})

SECURITY_POLICIES: tuple[PolicySpec, ...] = (
    _security(
        "gke-private-nodes",
        "GKE nodes have no public IP addresses.",
        gke_security.check_private_nodes,
        _GKE,
        "mandatory",
        "Set private_cluster_config.enable_private_nodes=True (and give nodes egress through Cloud NAT); drop "
        "enable_private_nodes=False from pool network configs.",
        ("CIS GKE 5.6.5", "CKV_GCP_25", "CKV_GCP_64", "Trivy GCP-0059", "KICS f9905dd3"),
        "gke",
    ),
    _security(
        "gke-master-authorized-networks",
        "The GKE control plane is private or limited to authorized networks (no 0.0.0.0/0).",
        gke_security.check_master_authorized_networks,
        _CLUSTER,
        "mandatory",
        "Set master_authorized_networks_config with your admin CIDRs (never 0.0.0.0/0), or "
        "private_cluster_config.enable_private_endpoint=True.",
        ("CIS GKE 5.6.3", "CIS GKE 5.6.4", "CKV_GCP_20", "CKV_GCP_18", "Trivy GCP-0061", "Trivy GCP-0053"),
        "gke",
    ),
    _security(
        "gke-workload-identity",
        "Workload Identity is on and every node pool uses the GKE metadata server.",
        gke_security.check_workload_identity,
        _GKE,
        "mandatory",
        'Set workload_identity_config.workload_pool="<project>.svc.id.goog" on the cluster and '
        'node_config.workload_metadata_config.mode="GKE_METADATA" on every pool.',
        ("CIS GKE 5.2.2", "CIS GKE 5.4.1", "CKV_GCP_69", "Trivy GCP-0057", "KICS e858428b", "KICS edea054b"),
        "gke",
    ),
    _security(
        "gke-shielded-nodes",
        "Shielded GKE nodes with Secure Boot and integrity monitoring.",
        gke_security.check_shielded_nodes,
        _GKE,
        "mandatory",
        "Keep enable_shielded_nodes (default true) and set node_config.shielded_instance_config "
        "enable_secure_boot=True (integrity monitoring stays on by default).",
        (
            "CIS GKE 5.5.5",
            "CIS GKE 5.5.6",
            "CIS GKE 5.5.7",
            "CKV_GCP_71",
            "CKV_GCP_68",
            "CKV_GCP_72",
            "Trivy GCP-0055",
            "KICS 579a0727",
        ),
        "gke",
    ),
    _security(
        "gke-legacy-abac-disabled",
        "Legacy ABAC is disabled on GKE clusters.",
        gke_security.check_legacy_abac,
        _CLUSTER,
        "mandatory",
        "Remove enable_legacy_abac (or set it False); authorize with RBAC.",
        ("CIS GKE 5.8.3", "CKV_GCP_7", "Trivy GCP-0062", "KICS 5baa92d2"),
        "gke",
        remediate=gke_security.remediate_legacy_abac,
    ),
    _security(
        "gke-legacy-auth-disabled",
        "GKE client certificates and basic authentication are off.",
        gke_security.check_legacy_auth,
        _CLUSTER,
        "mandatory",
        "Set master_auth.client_certificate_config.issue_client_certificate=False and no basic-auth credentials.",
        ("CIS GKE 5.8.1", "CKV_GCP_13", "Trivy GCP-0064", "KICS 73fb21a1", "KICS 70cdf849"),
        "gke",
        remediate=gke_security.remediate_legacy_auth,
    ),
    _security(
        "gke-network-policy",
        "Network policy enforcement (network_policy or Dataplane V2) is on.",
        gke_security.check_network_policy,
        _CLUSTER,
        "mandatory",
        'Set datapath_provider="ADVANCED_DATAPATH" (Dataplane V2, also needed for llm-d\'s RDMA/DRANET paths) '
        "or network_policy.enabled=True with addons_config.network_policy_config not disabled.",
        ("CKV_GCP_12", "Trivy GCP-0056", "KICS 11e7550e"),
        "gke",
        severity="medium",
    ),
    _security(
        "gke-node-service-account",
        "GKE nodes run as a dedicated service account, not the Compute Engine default.",
        gke_security.check_node_service_account,
        _GKE,
        "mandatory",
        "Create a least-privilege service account and set node_config.service_account on every pool.",
        ("CIS GKE 5.2.1", "CKV2_GCP_1", "Trivy GCP-0050", "KICS 8ef3f681", "KICS 1c8eef02"),
        "gke",
        severity="medium",
    ),
    _security(
        "gke-release-channel",
        "GKE clusters are enrolled in a release channel.",
        gke_security.check_release_channel,
        _CLUSTER,
        "advisory",
        'Set release_channel.channel (e.g. "REGULAR"; TPU dynamic slicing needs "RAPID").',
        ("CIS GKE 5.5.4", "CKV_GCP_70", "KICS c1701dcf"),
        "gke",
        severity="low",
        config={
            "allowedChannels": {
                "type": "array",
                "items": {"enum": ["RAPID", "REGULAR", "STABLE", "EXTENDED"]},
                "default": ["RAPID", "REGULAR", "STABLE", "EXTENDED"],
                "description": "Release channels accepted.",
            }
        },
    ),
    _security(
        "gke-auto-repair",
        "GKE node pools keep auto-repair on.",
        gke_security.check_auto_repair,
        _GKE,
        "advisory",
        "Remove management.auto_repair=False (auto-repair is on by default).",
        ("CIS GKE 5.5.2", "CKV_GCP_9", "Trivy GCP-0063", "KICS acfdbec6"),
        "gke",
        severity="low",
    ),
    _security(
        "gke-deletion-protection",
        "GKE clusters keep deletion protection on.",
        gke_security.check_deletion_protection,
        _CLUSTER,
        "advisory",
        "Remove deletion_protection=False (the provider default is True).",
        ("pulumi-gcp#1394", "policy-anchors §9.2"),
        "gke",
        severity="medium",
    ),
    _security(
        "doks-surge-upgrade",
        "DOKS clusters upgrade with surge nodes.",
        doks_security.check_surge_upgrade,
        _DOKS,
        "advisory",
        "Set surge_upgrade=True (the default).",
        ("Trivy DIG-0005",),
        "doks",
        severity="medium",
        remediate=doks_security.remediate_surge_upgrade,
    ),
    _security(
        "doks-auto-upgrade-or-maintenance",
        "DOKS clusters auto-upgrade, or upgrade in a set maintenance window.",
        doks_security.check_auto_upgrade_or_maintenance,
        _DOKS,
        "mandatory",
        "Set auto_upgrade=True with a maintenance_policy (day, start_time), or at least a maintenance_policy.",
        ("Trivy DIG-0008",),
        "doks",
        severity="high",
    ),
    _security(
        "doks-vpc-native",
        "DOKS clusters sit in an explicit VPC.",
        doks_security.check_vpc_native,
        _DOKS,
        "advisory",
        "Create a digitalocean.Vpc and pass vpc_uuid.",
        ("DO kubernetes_cluster vpc_uuid",),
        "doks",
        severity="low",
    ),
    _security(
        "cluster-protected",
        "Clusters carry Pulumi's protect option.",
        stack.check_cluster_protected,
        frozenset({STACK}),
        "advisory",
        "Create clusters with opts=pulumi.ResourceOptions(protect=True) (llmd-infra:protect, default on).",
        ("policy-anchors §9.1",),
        "stack",
        severity="medium",
        kind="stack",
    ),
    _security(
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
    _security(
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

ALL_POLICIES: tuple[PolicySpec, ...] = REQUIREMENT_POLICIES + SECURITY_POLICIES
PACK_POLICIES: tuple[PolicySpec, ...] = tuple(p for p in ALL_POLICIES if not p.harness_only)
"""The policies the CrossGuard pack registers (harness-only ones need what packs cannot see)."""

BY_NAME: dict[str, PolicySpec] = {p.name: p for p in ALL_POLICIES}
CLUSTER_TOKENS = CLUSTER_TYPES


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
