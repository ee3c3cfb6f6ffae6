"""The ``DoksCluster`` arguments: the contract every Pulumi language consumes.

Keys are the snake_case names of the ``llmd-infra:cluster`` config keys (see
:mod:`llmd_infra.providers.doks.config` for the YAML shape and every rule); the component validates
them with the same pydantic models, so a component built from code fails exactly like a stack file
(``tests/test_args_shape.py`` keeps these TypedDicts and the models from drifting apart).

The same classes are the source of the ``llmd-infra`` package schema (``llmd-infra schema``): the
SDK's analyzer reads their annotations and docstrings at run time, so this module must not use
``from __future__ import annotations``, ``TypedDict`` is ``typing``'s (the analyzer reads optional
keys only from it), and every type name is unique across providers (the analyzer puts all types in
one ``index`` module) — hence the ``Doks`` prefix. The names without it (``AcceleratorPoolArgs``,
...) stay as aliases.

A choice between fixed strings is an ``Enum`` at run time (the schema gets an enum type, so other
languages offer the values) and, for type checkers, the plain string ``Literal`` a Python caller
writes or the enum member: see the ``*Value`` aliases below.
"""

from enum import Enum
from typing import TYPE_CHECKING, Literal, TypedDict

from typing_extensions import Required


class DoksTaintEffect(str, Enum):
    """Kubernetes taint effect."""

    NO_SCHEDULE = "NoSchedule"
    """New pods without a toleration are not scheduled."""
    PREFER_NO_SCHEDULE = "PreferNoSchedule"
    """The scheduler avoids the node for pods without a toleration."""
    NO_EXECUTE = "NoExecute"
    """Pods without a toleration are evicted too."""


class DoksWeekday(str, Enum):
    """Day of the DOKS maintenance window."""

    MONDAY = "monday"
    """Monday."""
    TUESDAY = "tuesday"
    """Tuesday."""
    WEDNESDAY = "wednesday"
    """Wednesday."""
    THURSDAY = "thursday"
    """Thursday."""
    FRIDAY = "friday"
    """Friday."""
    SATURDAY = "saturday"
    """Saturday."""
    SUNDAY = "sunday"
    """Sunday (the default)."""
    ANY = "any"
    """Any day DOKS chooses."""


class DoksGpuPath(str, Enum):
    """How DOKS exposes one vendor's GPUs to pods (both are DOKS-managed; never both at once)."""

    DEVICE_PLUGIN = "device-plugin"
    """DOKS's device plugin (NVIDIA's, or AMD's ROCm plugin): GPUs as extended resources (the default)."""
    DRA_DRIVER = "dra-driver"
    """DOKS's DRA driver of that vendor: GPUs as DRA devices."""


class DoksFabricIpam(str, Enum):
    """Addressing of the fabric NetworkAttachmentDefinitions."""

    WHEREABOUTS = "whereabouts"
    """whereabouts hands pods an address per fabric NIC, one /24 per NIC (the default)."""
    NONE = "none"
    """DigitalOcean's NetworkAttachmentDefinitions as documented, without IPAM."""


if TYPE_CHECKING:
    TaintEffectValue = Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | DoksTaintEffect
    WeekdayValue = (
        Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "any"] | DoksWeekday
    )
    GpuPathValue = Literal["device-plugin", "dra-driver"] | DoksGpuPath
    FabricIpamValue = Literal["whereabouts", "none"] | DoksFabricIpam
else:
    TaintEffectValue = DoksTaintEffect
    WeekdayValue = DoksWeekday
    GpuPathValue = DoksGpuPath
    FabricIpamValue = DoksFabricIpam


class DoksAutoscaling(TypedDict):
    """Autoscaling bounds of a pool (DOKS keeps at least one node)."""

    min_nodes: int
    """Fewest nodes (>= 1: autoscaling to zero is a DOKS private preview)."""
    max_nodes: int
    """Most nodes (>= min_nodes)."""


class DoksTaint(TypedDict, total=False):
    """A node taint (DOKS adds ``nvidia.com/gpu`` or ``amd.com/gpu`` NoSchedule to GPU nodes itself)."""

    key: Required[str]
    """Taint key."""
    value: str
    """Taint value (default empty)."""
    effect: TaintEffectValue
    """Default ``NoSchedule``."""


class DoksMaintenanceWindow(TypedDict, total=False):
    """The weekly window DOKS applies upgrades in (UTC)."""

    day: WeekdayValue
    """Default ``sunday``."""
    start_time: str
    """``HH:MM`` (default ``04:00``)."""


class DoksControlPlaneFirewall(TypedDict):
    """DOKS control-plane firewall (private preview: only where the account has it)."""

    allowed_addresses: list[str]
    """Addresses or CIDRs allowed to reach the API server (never 0.0.0.0/0); worker nodes always are."""


class DoksNetwork(TypedDict, total=False):
    """The VPC and the VPC-native ranges."""

    vpc_cidr: str
    """``ip_range`` of the new VPC (RFC 1918, /16 to /24; default: DigitalOcean picks one)."""
    existing_vpc_uuid: str
    """Use this VPC instead of creating one."""
    cluster_subnet: str
    """Pod range of the VPC-native cluster (default: DOKS picks)."""
    service_subnet: str
    """Service range (default: DOKS picks)."""
    control_plane_firewall: DoksControlPlaneFirewall
    """Restrict the API server to these addresses (omit where the account lacks the feature)."""


class DoksSystemPool(TypedDict, total=False):
    """The CPU pool (the cluster's ``node_pool``) add-ons, the router and the EPP run on."""

    size: str
    """CPU Droplet size slug (default ``s-8vcpu-16gb``)."""
    node_count: int
    """Nodes (default 2)."""
    autoscaling: DoksAutoscaling
    """Instead of ``node_count``."""


class DoksFabric(TypedDict, total=False):
    """Pod networking over the RDMA fabric NICs of multi-host pools."""

    cidr: str
    """IPv4 range carved into one /24 per fabric NIC (default ``192.168.64.0/21``)."""
    namespace: str
    """Namespace of the ``roce-net-fabric<N>`` NetworkAttachmentDefinitions (default ``default``)."""
    ipam: FabricIpamValue
    """``whereabouts`` (default: pods get an address per fabric NIC) or ``none`` (DigitalOcean's NADs as
    documented, no IPAM)."""


class DoksGpuPool(TypedDict, total=False):
    """A GPU node pool."""

    name: Required[str]
    """DOKS node pool name."""
    size: Required[str]
    """A GPU size slug of the llmd-infra catalog (``gpu-h100x1-80gb``, ``gpu-mi300x8-1536gb``, ...)."""
    node_count: int
    """Nodes of a fixed-size pool (default 1)."""
    autoscaling: DoksAutoscaling
    """Instead of ``node_count``; DOKS's node-count drift is then ignored."""
    multi_host: bool
    """Labels the pool ``llm-d.ai/multi-host=true`` and wires the RDMA fabric; fabric sizes only."""
    gpu_partition_mode: str
    """``AMD_PARTITION_MODE_SPX_NPS1`` or ``AMD_PARTITION_MODE_DPX_NPS2``; AMD sizes only, set at pool creation."""
    labels: dict[str, str]
    """Extra Kubernetes node labels (not ``doks.digitalocean.com/*``, which DOKS owns)."""
    taints: list[DoksTaint]
    """Extra node taints."""
    tags: list[str]
    """Extra DigitalOcean tags of the pool's Droplets."""


class DoksLws(TypedDict, total=False):
    """LeaderWorkerSet add-on."""

    enabled: bool
    """Install LWS (default true)."""
    version: str
    """LWS chart version (default: the pinned one; >= llm-d's minimum)."""
    enable_disaggregated_set: bool
    """Install the DisaggregatedSet webhook (LWS >= 0.11; default false)."""


class DoksGatewayCrds(TypedDict, total=False):
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


class DoksGpuOperator(TypedDict, total=False):
    """NVIDIA GPU Operator in place of DOKS's NVIDIA device plugin (llm-d's fallback on DOKS)."""

    enabled: bool
    """Install the operator (driver and toolkit off: DOKS ships both) and turn DOKS's NVIDIA device plugin
    off (default false)."""
    version: str
    """gpu-operator chart version (default: the pinned one)."""
    driver_enabled: bool
    """Let the operator install the NVIDIA driver (default false on DOKS, whose GPU nodes ship one)."""
    driver_version: str
    """Driver the operator installs when ``driver_enabled`` (default: the pinned one)."""
    allow_driver_r580: bool
    """Accept a driver >= R580 (llm-d's CUDA 12.9 images do not run on it; default false)."""
    toolkit_enabled: bool
    """Let the operator install the container toolkit (default false on DOKS, whose GPU nodes ship one)."""
    nfd_enabled: bool
    """Deploy the chart's bundled Node Feature Discovery (default true)."""
    rdma_enabled: bool
    """GPUDirect RDMA through the operator's ``driver.rdma`` (default false)."""
    use_host_mofed: bool
    """MOFED/DOCA is preinstalled on the host (default false)."""
    cdi_enabled: bool
    """Container Device Interface (default true)."""


class DoksKueue(TypedDict, total=False):
    """Kueue with topology-aware scheduling of the multi-host (fabric) pools."""

    enabled: bool
    """Install Kueue and its TAS objects (default: when a pool is multi-host)."""
    version: str
    """Kueue Helm chart version (default: the pinned one; >= 0.19.0)."""
    olm_channel: str
    """OLM channel of the Red Hat build of Kueue (not used on DOKS)."""
    local_queue_name: str
    """LocalQueue name LeaderWorkerSets name in ``kueue.x-k8s.io/queue-name`` (default ``default``)."""
    local_queue_namespaces: list[str]
    """Existing namespaces that get the LocalQueue (default ``["default"]``)."""


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
    maintenance_window: DoksMaintenanceWindow
    """Default Sunday 04:00 UTC."""
    kubeconfig_expire_seconds: int
    """Lifetime of the credential minted at each run (default: DOKS's 7 days)."""
    tags: list[str]
    """DigitalOcean tags of the cluster and its pools (plus ``llmd-infra``)."""
    network: DoksNetwork
    """VPC and control-plane access."""
    system_pool: DoksSystemPool
    """The CPU pool (default two ``s-8vcpu-16gb`` nodes)."""
    nvidia_gpu: GpuPathValue
    """NVIDIA GPUs through DOKS's device plugin (default) or DOKS's DRA driver, never both."""
    amd_gpu: GpuPathValue
    """AMD GPUs through DOKS's ROCm device plugin (default) or DOKS's DRA driver, never both."""
    amd_metrics_exporter: bool
    """DOKS's AMD GPU device metrics exporter (default false)."""
    fabric: DoksFabric
    """Fabric pod networking of multi-host pools."""
    accelerator_pools: list[DoksGpuPool]
    """GPU pools."""
    lws: DoksLws
    """LeaderWorkerSet add-on (default: installed at the pinned version)."""
    gateway_crds: DoksGatewayCrds
    """Gateway API / GAIE CRDs (default: installed at the pinned versions)."""
    gpu_operator: DoksGpuOperator
    """NVIDIA GPU Operator instead of DOKS's NVIDIA device plugin (default: not installed)."""
    kueue: DoksKueue
    """Kueue and the topology-aware-scheduling objects of the multi-host pools."""
    protect: bool
    """Pulumi ``protect`` on the cluster and the GPU pools (default: the ``opts.protect`` passed to the
    component, else true)."""


# The names before the schema needed unique ones (kept for existing programs).
AutoscalingArgs = DoksAutoscaling
TaintArgs = DoksTaint
MaintenanceWindowArgs = DoksMaintenanceWindow
ControlPlaneFirewallArgs = DoksControlPlaneFirewall
NetworkArgs = DoksNetwork
SystemPoolArgs = DoksSystemPool
FabricArgs = DoksFabric
AcceleratorPoolArgs = DoksGpuPool
LwsArgs = DoksLws
GatewayCrdsArgs = DoksGatewayCrds
GpuOperatorArgs = DoksGpuOperator
KueueArgs = DoksKueue

__all__ = [
    "AcceleratorPoolArgs",
    "AutoscalingArgs",
    "ControlPlaneFirewallArgs",
    "DoksAutoscaling",
    "DoksClusterArgs",
    "DoksControlPlaneFirewall",
    "DoksFabric",
    "DoksFabricIpam",
    "DoksGatewayCrds",
    "DoksGpuOperator",
    "DoksGpuPath",
    "DoksGpuPool",
    "DoksKueue",
    "DoksLws",
    "DoksMaintenanceWindow",
    "DoksNetwork",
    "DoksSystemPool",
    "DoksTaint",
    "DoksTaintEffect",
    "DoksWeekday",
    "FabricArgs",
    "GatewayCrdsArgs",
    "GpuOperatorArgs",
    "KueueArgs",
    "LwsArgs",
    "MaintenanceWindowArgs",
    "NetworkArgs",
    "SystemPoolArgs",
    "TaintArgs",
]
