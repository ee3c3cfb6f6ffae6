"""The ``DoksCluster`` arguments: the contract other Pulumi languages will consume.

Keys are the snake_case names of the ``llmd-infra:cluster`` config keys (see
:mod:`llmd_infra.providers.doks.config` for the YAML shape and every rule); the component validates
them with the same pydantic model, so a component built from code fails exactly like a stack file.
"""

from __future__ import annotations

from typing import Literal

from typing_extensions import Required, TypedDict


class AutoscalingArgs(TypedDict):
    """Autoscaling bounds of a pool (DOKS keeps at least one node)."""

    min_nodes: int
    """Fewest nodes (>= 1: autoscaling to zero is a DOKS private preview)."""
    max_nodes: int
    """Most nodes (>= min_nodes)."""


class TaintArgs(TypedDict, total=False):
    """A node taint (DOKS adds ``nvidia.com/gpu`` or ``amd.com/gpu`` NoSchedule to GPU nodes itself)."""

    key: Required[str]
    """Taint key."""
    value: str
    """Taint value (default empty)."""
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]
    """Default ``NoSchedule``."""


class MaintenanceWindowArgs(TypedDict, total=False):
    """The weekly window DOKS applies upgrades in (UTC)."""

    day: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "any"]
    """Default ``sunday``."""
    start_time: str
    """``HH:MM`` (default ``04:00``)."""


class ControlPlaneFirewallArgs(TypedDict):
    """DOKS control-plane firewall (private preview: only where the account has it)."""

    allowed_addresses: list[str]
    """Addresses or CIDRs allowed to reach the API server (never 0.0.0.0/0); worker nodes always are."""


class NetworkArgs(TypedDict, total=False):
    """The VPC and the VPC-native ranges."""

    vpc_cidr: str
    """``ip_range`` of the new VPC (RFC 1918, /16 to /24; default: DigitalOcean picks one)."""
    existing_vpc_uuid: str
    """Use this VPC instead of creating one."""
    cluster_subnet: str
    """Pod range of the VPC-native cluster (default: DOKS picks)."""
    service_subnet: str
    """Service range (default: DOKS picks)."""
    control_plane_firewall: ControlPlaneFirewallArgs
    """Restrict the API server to these addresses (omit where the account lacks the feature)."""


class SystemPoolArgs(TypedDict, total=False):
    """The CPU pool (the cluster's ``node_pool``) add-ons, the router and the EPP run on."""

    size: str
    """CPU Droplet size slug (default ``s-8vcpu-16gb``)."""
    node_count: int
    """Nodes (default 2)."""
    autoscaling: AutoscalingArgs
    """Instead of ``node_count``."""


class FabricArgs(TypedDict, total=False):
    """Pod networking over the RDMA fabric NICs of multi-host pools."""

    cidr: str
    """IPv4 range carved into one /24 per fabric NIC (default ``192.168.64.0/21``)."""
    namespace: str
    """Namespace of the ``roce-net-fabric<N>`` NetworkAttachmentDefinitions (default ``default``)."""
    ipam: Literal["whereabouts", "none"]
    """``whereabouts`` (default: pods get an address per fabric NIC) or ``none`` (DigitalOcean's NADs as
    documented, no IPAM)."""


class AcceleratorPoolArgs(TypedDict, total=False):
    """A GPU node pool."""

    name: Required[str]
    """DOKS node pool name."""
    size: Required[str]
    """A GPU size slug of the llmd-infra catalog (``gpu-h100x1-80gb``, ``gpu-mi300x8-1536gb``, ...)."""
    node_count: int
    """Nodes of a fixed-size pool (default 1)."""
    autoscaling: AutoscalingArgs
    """Instead of ``node_count``; DOKS's node-count drift is then ignored."""
    multi_host: bool
    """Labels the pool ``llm-d.ai/multi-host=true`` and wires the RDMA fabric; fabric sizes only."""
    gpu_partition_mode: Literal["AMD_PARTITION_MODE_SPX_NPS1", "AMD_PARTITION_MODE_DPX_NPS2"]
    """AMD sizes only; set at pool creation."""
    labels: dict[str, str]
    """Extra Kubernetes node labels (not ``doks.digitalocean.com/*``, which DOKS owns)."""
    taints: list[TaintArgs]
    """Extra node taints."""
    tags: list[str]
    """Extra DigitalOcean tags of the pool's Droplets."""


class LwsArgs(TypedDict, total=False):
    """LeaderWorkerSet add-on."""

    enabled: bool
    """Install LWS (default true)."""
    version: str
    """LWS chart version (default: the pinned one; >= llm-d's minimum)."""
    enable_disaggregated_set: bool
    """Install the DisaggregatedSet webhook (LWS >= 0.11; default false)."""


class GatewayCrdsArgs(TypedDict, total=False):
    """Gateway API + Inference Extension CRDs (DOKS installs neither)."""

    enabled: bool
    """Install them (default true)."""
    gateway_api_version: str
    """Gateway API release tag (default: the pinned one)."""
    gaie_version: str
    """Gateway API Inference Extension release tag (default: the pinned one)."""
    install_gateway_api: bool
    """Install the Gateway API standard CRDs (default true)."""
    install_inference_extension: bool
    """Install the GAIE CRDs (default true)."""


class GpuOperatorArgs(TypedDict, total=False):
    """NVIDIA GPU Operator in place of DOKS's NVIDIA device plugin (llm-d's fallback on DOKS)."""

    enabled: bool
    """Install the operator (driver and toolkit off: DOKS ships both) and turn DOKS's NVIDIA device plugin
    off (default false)."""
    version: str
    """gpu-operator chart version (default: the pinned one)."""


class DoksClusterArgs(TypedDict, total=False):
    """Arguments of :class:`~llmd_infra.providers.doks.cluster.DoksCluster`."""

    region: Required[str]
    """DigitalOcean region slug (``tor1``, ``nyc2``, ``atl1``, ...)."""
    kubernetes_version: Required[str]
    """A minor (``1.33``: resolved to its newest ``1.33.x-do.N`` slug at every run) or a full slug."""
    cluster_name: str
    """DOKS cluster name (default: the component's resource name)."""
    ha: bool
    """HA control plane (default: follows ``protect``; cannot be turned off once on)."""
    auto_upgrade: bool
    """Patch upgrades in the maintenance window (default true)."""
    surge_upgrade: bool
    """Surge upgrades (default true)."""
    maintenance_window: MaintenanceWindowArgs
    """Default Sunday 04:00 UTC."""
    kubeconfig_expire_seconds: int
    """Lifetime of the credential minted at each run (default: DOKS's 7 days)."""
    tags: list[str]
    """DigitalOcean tags of the cluster and its pools (plus ``llmd-infra``)."""
    network: NetworkArgs
    """VPC and control-plane access."""
    system_pool: SystemPoolArgs
    """The CPU pool (default two ``s-8vcpu-16gb`` nodes)."""
    nvidia_gpu: Literal["device-plugin", "dra-driver"]
    """NVIDIA GPUs through DOKS's device plugin (default) or DOKS's DRA driver, never both."""
    amd_gpu: Literal["device-plugin", "dra-driver"]
    """AMD GPUs through DOKS's ROCm device plugin (default) or DOKS's DRA driver, never both."""
    amd_metrics_exporter: bool
    """DOKS's AMD GPU device metrics exporter (default false)."""
    fabric: FabricArgs
    """Fabric pod networking of multi-host pools."""
    accelerator_pools: list[AcceleratorPoolArgs]
    """GPU pools."""
    lws: LwsArgs
    """LeaderWorkerSet add-on (default: installed at the pinned version)."""
    gateway_crds: GatewayCrdsArgs
    """Gateway API / GAIE CRDs (default: installed at the pinned versions)."""
    gpu_operator: GpuOperatorArgs
    """NVIDIA GPU Operator instead of DOKS's NVIDIA device plugin (default: not installed)."""
    protect: bool
    """Pulumi ``protect`` on the cluster and the GPU pools (default: the ``opts.protect`` passed to the
    component, else true)."""


__all__ = [
    "AcceleratorPoolArgs",
    "AutoscalingArgs",
    "ControlPlaneFirewallArgs",
    "DoksClusterArgs",
    "FabricArgs",
    "GatewayCrdsArgs",
    "GpuOperatorArgs",
    "LwsArgs",
    "MaintenanceWindowArgs",
    "NetworkArgs",
    "SystemPoolArgs",
    "TaintArgs",
]
