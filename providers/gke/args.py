"""The ``GkeCluster`` arguments: the contract every Pulumi language consumes.

Keys are the snake_case names of the ``llmd-infra:cluster`` config keys (see
:mod:`llmd_infra.providers.gke.config` for the YAML shape and every rule); the component validates them with
the same pydantic model, so a component built from code fails exactly like a stack file would
(``tests/test_args_shape.py`` keeps these TypedDicts and the models from drifting apart).

The same classes are the source of the ``llmd-infra`` package schema (``llmd-infra schema``): the
SDK's analyzer reads their annotations and docstrings at run time, so this module must not use
``from __future__ import annotations`` (string annotations cannot be analyzed), and every type
name here is unique across providers (the analyzer puts all types in one ``index`` module) —
hence the ``Gke`` prefix. The names without it (``AcceleratorPoolArgs``, ...) stay as aliases.

A choice between fixed strings is an ``Enum`` at run time (the schema gets an enum type, so other
languages offer the values) and, for type checkers, the plain string ``Literal`` a Python caller
writes or the enum member: see the ``*Value`` aliases below. ``TypedDict`` is ``typing``'s: the
analyzer reads optional keys only from it (``typing_extensions.TypedDict`` would make every key required).
"""

from enum import Enum
from typing import TYPE_CHECKING, Literal, TypedDict

from typing_extensions import Required


class GkeReleaseChannel(str, Enum):
    """GKE release channel of the cluster."""

    RAPID = "RAPID"
    """Newest GKE versions first."""
    REGULAR = "REGULAR"
    """Versions a few weeks after RAPID (the default)."""
    STABLE = "STABLE"
    """Versions after REGULAR has proven them."""
    EXTENDED = "EXTENDED"
    """A minor version kept for up to 24 months (extended support charges apply)."""


class GkeTaintEffect(str, Enum):
    """Kubernetes taint effect."""

    NO_SCHEDULE = "NoSchedule"
    """New pods without a toleration are not scheduled."""
    PREFER_NO_SCHEDULE = "PreferNoSchedule"
    """The scheduler avoids the node for pods without a toleration."""
    NO_EXECUTE = "NoExecute"
    """Pods without a toleration are evicted too."""


class GkeRdmaPath(str, Enum):
    """GPUDirect-RDMA path of a GPU pool."""

    NONE = "none"
    """No RDMA between hosts."""
    DRANET = "dranet"
    """llm-d's path: DRA with GKE's managed DRANET and the NVIDIA DRA driver."""
    MULTI_NETWORK = "multi-network"
    """The manual multi-network path: one RoCE VPC per RDMA NIC and GKE network objects (gIB)."""


class GkeGpuDriver(str, Enum):
    """How GKE installs the NVIDIA driver on a GPU pool."""

    DEFAULT = "default"
    """GKE's default driver version."""
    LATEST = "latest"
    """GKE's latest driver version."""
    DISABLED = "disabled"
    """No GKE installation (the ``dranet`` path installs the driver itself)."""


class GkeDiskType(str, Enum):
    """Boot disk type of a node pool."""

    PD_BALANCED = "pd-balanced"
    """Balanced persistent disk."""
    PD_SSD = "pd-ssd"
    """SSD persistent disk."""
    HYPERDISK_BALANCED = "hyperdisk-balanced"
    """Hyperdisk Balanced (the only boot disk of A3 Ultra, A4 and A4X)."""


class GkeExclusionScope(str, Enum):
    """Which automatic upgrades a maintenance exclusion holds back."""

    NO_UPGRADES = "NO_UPGRADES"
    """No upgrades at all (at most 30 days)."""
    NO_MINOR_UPGRADES = "NO_MINOR_UPGRADES"
    """No minor-version upgrades (patches still come)."""
    NO_MINOR_OR_NODE_UPGRADES = "NO_MINOR_OR_NODE_UPGRADES"
    """No minor-version or node upgrades (the default; keeps multi-host slices intact)."""


class GkeBinauthzEvaluationMode(str, Enum):
    """Binary Authorization evaluation mode of the cluster."""

    DISABLED = "DISABLED"
    """No Binary Authorization check."""
    PROJECT_SINGLETON_POLICY_ENFORCE = "PROJECT_SINGLETON_POLICY_ENFORCE"
    """Enforce the project's Binary Authorization policy (the default; a project's policy allows every image
    until its default rule is changed, and a stricter one must admit llm-d's images)."""


if TYPE_CHECKING:
    BinauthzEvaluationModeValue = (
        Literal["DISABLED", "PROJECT_SINGLETON_POLICY_ENFORCE"] | GkeBinauthzEvaluationMode
    )
    ExclusionScopeValue = (
        Literal["NO_UPGRADES", "NO_MINOR_UPGRADES", "NO_MINOR_OR_NODE_UPGRADES"] | GkeExclusionScope
    )
    ReleaseChannelValue = Literal["RAPID", "REGULAR", "STABLE", "EXTENDED"] | GkeReleaseChannel
    TaintEffectValue = Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | GkeTaintEffect
    RdmaPathValue = Literal["none", "dranet", "multi-network"] | GkeRdmaPath
    GpuDriverValue = Literal["default", "latest", "disabled"] | GkeGpuDriver
    DiskTypeValue = Literal["pd-balanced", "pd-ssd", "hyperdisk-balanced"] | GkeDiskType
else:
    BinauthzEvaluationModeValue = GkeBinauthzEvaluationMode
    ExclusionScopeValue = GkeExclusionScope
    ReleaseChannelValue = GkeReleaseChannel
    TaintEffectValue = GkeTaintEffect
    RdmaPathValue = GkeRdmaPath
    GpuDriverValue = GkeGpuDriver
    DiskTypeValue = GkeDiskType


class GkeAutoscaling(TypedDict):
    """Autoscaling bounds (total nodes of the pool)."""

    min_nodes: int
    """Fewest nodes (0 allowed)."""
    max_nodes: int
    """Most nodes (>= min_nodes)."""


class GkeTaint(TypedDict, total=False):
    """A node taint."""

    key: Required[str]
    """Taint key (the pool always carries ``nvidia.com/gpu`` or ``google.com/tpu`` as well)."""
    value: str
    """Taint value (default empty)."""
    effect: TaintEffectValue
    """Default ``NoSchedule``."""


class GkeReservation(TypedDict, total=False):
    """A specific Compute Engine reservation to consume."""

    name: Required[str]
    """Reservation name."""
    block: str
    """A reservation block (``<name>/reservationBlocks/<block>``)."""
    project: str
    """Project owning a shared reservation (default: the cluster's)."""


class GkeAuthorizedNetwork(TypedDict, total=False):
    """A CIDR allowed to reach the control plane."""

    cidr: Required[str]
    """An IPv4/IPv6 CIDR; a /0 is refused."""
    name: str
    """Display name (default: the CIDR)."""


class GkeExistingNetwork(TypedDict):
    """An existing VPC/subnet with secondary ranges for pods and services."""

    network: str
    """VPC name or self link."""
    subnetwork: str
    """Subnet name or self link, in the cluster's region."""
    pods_range_name: str
    """Secondary range of ``subnetwork`` for pods."""
    services_range_name: str
    """Secondary range of ``subnetwork`` for services."""


class GkeNetwork(TypedDict, total=False):
    """The cluster network (a new VPC-native network unless ``existing`` is given)."""

    master_authorized_networks: Required[list[GkeAuthorizedNetwork]]
    """CIDRs allowed to reach the control plane (at least one; never 0.0.0.0/0)."""
    existing: GkeExistingNetwork
    """Use this VPC/subnet instead of creating one (the node, pods, services and proxy CIDRs are then unused)."""
    node_cidr: str
    """Node subnet of a new network (default ``10.0.0.0/20``)."""
    pods_cidr: str
    """Pods secondary range of a new network (default ``10.4.0.0/14``)."""
    services_cidr: str
    """Services secondary range of a new network (default ``10.8.0.0/20``)."""
    master_cidr: str
    """Control-plane /28 (default ``172.16.0.0/28``)."""
    proxy_cidr: str
    """Proxy-only subnet for the regional Gateway classes (default ``10.9.0.0/23``)."""
    private_endpoint: bool
    """Make the control-plane endpoint private too (default false)."""
    gvnic_cidr: str
    """Second gVNIC network of the multi-network RDMA path (default ``192.168.0.0/24``)."""
    rdma_cidr: str
    """Range carved into one /24 per RDMA NIC on the multi-network path (default ``192.168.64.0/18``)."""


class GkeSystemPool(TypedDict, total=False):
    """The CPU pool add-ons, the router and the EPP run on."""

    machine_type: str
    """Default ``e2-standard-16`` (llm-d's router recommendation)."""
    node_count: int
    """Total nodes (default: one per zone); spread evenly over ``zones``."""
    autoscaling: GkeAutoscaling
    """Instead of ``node_count``."""
    disk_size_gb: int
    """Boot disk size (default 200)."""
    zones: list[str]
    """Default: the cluster's ``zones``."""


class GkeAcceleratorPool(TypedDict, total=False):
    """A GPU or TPU node pool."""

    name: Required[str]
    """GKE node pool name."""
    machine_type: Required[str]
    """A machine type of the llmd-infra catalog (``a3-ultragpu-8g``, ``ct6e-standard-4t``, ...)."""
    accelerator: str
    """GKE accelerator string or family; must match the machine type (derived when absent)."""
    accelerator_count: int
    """Must match the machine type (derived when absent)."""
    tpu_topology: str
    """TPU slice topology (``4x4``, ``2x2x2``); multi-host topologies make a multi-host pool."""
    node_count: int
    """Total nodes of a fixed-size pool (default 1, or the hosts of a multi-host TPU topology)."""
    autoscaling: GkeAutoscaling
    """Instead of ``node_count``; not for multi-host TPU slices."""
    multi_host: bool
    """Labels the pool ``llm-d.ai/multi-host=true`` and places it compactly in one zone (GPU pools need an
    ``rdma`` path; for TPUs it is derived from the topology)."""
    zones: list[str]
    """Default: the cluster's ``zones``; exactly one for multi-host, compact or multi-network pools."""
    rdma: RdmaPathValue
    """GPUDirect-RDMA path: llm-d's DRA + managed DRANET, or the manual multi-network (gIB) networks."""
    gpu_driver: GpuDriverValue
    """GKE GPU driver installation (default ``default``; ``disabled`` and only that on ``dranet``)."""
    reservation: GkeReservation
    """Consume a specific reservation (not with ``spot``/``flex_start``)."""
    spot: bool
    """Spot VMs."""
    flex_start: bool
    """Flex-start VMs (the pool must autoscale)."""
    compact_placement: bool
    """``placement_policy.type = COMPACT`` (default: ``multi_host``); one zone."""
    disk_size_gb: int
    """Boot disk size (default 200 + 100 per accelerator)."""
    disk_type: DiskTypeValue
    """Boot disk type (default: ``hyperdisk-balanced`` on A3 Ultra/A4/A4X, which accept nothing else;
    else ``pd-balanced``)."""
    labels: dict[str, str]
    """Extra Kubernetes node labels."""
    taints: list[GkeTaint]
    """Extra node taints."""
    local_ssd_ephemeral_storage: bool
    """Back ephemeral storage with the machine's local NVMe SSDs (default: on for A3 Ultra, A4, A4X)."""


class GkeLws(TypedDict, total=False):
    """LeaderWorkerSet add-on."""

    enabled: bool
    """Install LWS (default true)."""
    version: str
    """LWS chart version (default: the pinned one; >= llm-d's minimum)."""
    enable_disaggregated_set: bool
    """Install the DisaggregatedSet webhook and RBAC (default: on where the chart version has it, 0.9.0+)."""


class GkeGatewayCrds(TypedDict, total=False):
    """Gateway API + Inference Extension CRDs (installed only while GKE does not install them itself)."""

    enabled: bool
    """Install them when the GKE version needs it (default true)."""
    gateway_api_version: str
    """Gateway API release tag (default: the pinned one)."""
    gaie_version: str
    """Gateway API Inference Extension release tag (default: the pinned one)."""
    install_gateway_api: bool
    """Install the Gateway API standard CRDs (default true)."""
    install_inference_extension: bool
    """Install the GAIE CRDs (default true)."""


class GkeDraDriver(TypedDict, total=False):
    """NVIDIA DRA driver for GPUs, installed on the ``dranet`` path."""

    version: str
    """``nvidia-dra-driver-gpu`` chart version (default: the pinned one)."""
    cos_driver_installer: bool
    """Apply the COS driver installer DaemonSet that loads the NVIDIA driver (default true)."""


class GkeKueue(TypedDict, total=False):
    """Kueue with topology-aware scheduling of the multi-host pools."""

    enabled: bool
    """Install Kueue and its TAS objects (default: when a pool is multi-host)."""
    version: str
    """Kueue Helm chart version (default: the pinned one; >= 0.19.0)."""
    olm_channel: str
    """OLM channel of the Red Hat build of Kueue (not used on GKE)."""
    local_queue_name: str
    """LocalQueue name LeaderWorkerSets name in ``kueue.x-k8s.io/queue-name`` (default ``default``)."""
    local_queue_namespaces: list[str]
    """Existing namespaces that get the LocalQueue (default ``["default"]``)."""


class GkeMaintenanceExclusion(TypedDict, total=False):
    """A GKE maintenance exclusion."""

    name: Required[str]
    """Exclusion name (unique in the cluster)."""
    start_time: Required[str]
    """RFC 3339 timestamp (``2026-01-01T00:00:00Z``) or a date (midnight UTC)."""
    end_time: str
    """Default: until the end of support of the cluster's minor version (not for ``NO_UPGRADES``)."""
    scope: ExclusionScopeValue
    """Default ``NO_MINOR_OR_NODE_UPGRADES``."""


class GkeBinaryAuthorization(TypedDict, total=False):
    """Binary Authorization of the cluster."""

    evaluation_mode: BinauthzEvaluationModeValue
    """Default ``PROJECT_SINGLETON_POLICY_ENFORCE`` (the project's policy must admit llm-d's images); or
    ``DISABLED``."""


class GkeSecretsEncryption(TypedDict, total=False):
    """Application-layer encryption of Kubernetes Secrets with a Cloud KMS key."""

    kms_key_name: Required[str]
    """``projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>``; the key ring must be in the
    cluster's region (GKE refuses the ``global`` location)."""
    create_kms_binding: bool
    """Grant the GKE service agent (``service-<PROJECT_NUMBER>@container-engine-robot.iam.gserviceaccount.com``)
    ``roles/cloudkms.cryptoKeyEncrypterDecrypter`` on the key (default false: grant it yourself; creating it
    needs ``cloudkms.cryptoKeys.setIamPolicy`` on the key)."""


class GkeClusterArgs(TypedDict, total=False):
    """Arguments of :class:`~llmd_infra.providers.gke.GkeCluster`."""

    region: Required[str]
    """Region of the (regional, HA) control plane."""
    zones: Required[list[str]]
    """Default node zones (all in ``region``)."""
    network: Required[GkeNetwork]
    """Control-plane access and the VPC."""
    cluster_name: str
    """GKE cluster name (default: the component's resource name)."""
    project: str
    """Default: the ``gcp:project`` config value (an explicit gcp provider's project is not read)."""
    kubernetes_version: str
    """``min_master_version`` (>= llm-d's minimum)."""
    release_channel: ReleaseChannelValue
    """GKE release channel (default ``REGULAR``)."""
    deletion_protection: bool
    """GKE deletion protection (default: follows ``protect``)."""
    labels: dict[str, str]
    """GCP resource labels of the cluster (plus ``managed-by: llmd-infra``) and of its node VMs."""
    system_pool: GkeSystemPool
    """The CPU pool (defaults: ``e2-standard-16``, one node per zone)."""
    accelerator_pools: list[GkeAcceleratorPool]
    """GPU/TPU pools."""
    lws: GkeLws
    """LeaderWorkerSet add-on (default: installed at the pinned version)."""
    gateway_crds: GkeGatewayCrds
    """Gateway API / GAIE CRDs for GKE versions that do not install them."""
    dra_driver: GkeDraDriver
    """NVIDIA DRA driver settings (used by ``dranet`` pools)."""
    kueue: GkeKueue
    """Kueue and the topology-aware-scheduling objects of the multi-host pools."""
    protect: bool
    """Pulumi ``protect`` on the cluster and the accelerator pools (default: the ``opts.protect`` passed
    to the component, else true)."""
    maintenance_exclusions: list[GkeMaintenanceExclusion]
    """Hold GKE upgrades (``NO_MINOR_OR_NODE_UPGRADES`` keeps node upgrades from breaking a multi-host slice)."""
    maintenance_start_time: str
    """Daily maintenance window start, ``HH:MM`` GMT (default ``09:00`` when exclusions are set)."""
    binary_authorization: GkeBinaryAuthorization
    """Binary Authorization (default: enforce the project's policy)."""
    secrets_encryption: GkeSecretsEncryption
    """Encrypt Secrets with a Cloud KMS key (default: Google-managed encryption only)."""


# The names before the schema needed unique ones (kept for existing programs).
AutoscalingArgs = GkeAutoscaling
TaintArgs = GkeTaint
ReservationArgs = GkeReservation
AuthorizedNetworkArgs = GkeAuthorizedNetwork
ExistingNetworkArgs = GkeExistingNetwork
NetworkArgs = GkeNetwork
SystemPoolArgs = GkeSystemPool
AcceleratorPoolArgs = GkeAcceleratorPool
LwsArgs = GkeLws
GatewayCrdsArgs = GkeGatewayCrds
DraDriverArgs = GkeDraDriver
MaintenanceExclusionArgs = GkeMaintenanceExclusion

__all__ = [
    "AcceleratorPoolArgs",
    "AuthorizedNetworkArgs",
    "AutoscalingArgs",
    "DraDriverArgs",
    "ExistingNetworkArgs",
    "GatewayCrdsArgs",
    "GkeAcceleratorPool",
    "GkeAuthorizedNetwork",
    "GkeAutoscaling",
    "GkeBinaryAuthorization",
    "GkeBinauthzEvaluationMode",
    "GkeClusterArgs",
    "GkeDiskType",
    "GkeDraDriver",
    "GkeExclusionScope",
    "GkeExistingNetwork",
    "GkeGatewayCrds",
    "GkeGpuDriver",
    "GkeKueue",
    "GkeLws",
    "GkeMaintenanceExclusion",
    "GkeNetwork",
    "GkeRdmaPath",
    "GkeReleaseChannel",
    "GkeReservation",
    "GkeSecretsEncryption",
    "GkeSystemPool",
    "GkeTaint",
    "GkeTaintEffect",
    "LwsArgs",
    "MaintenanceExclusionArgs",
    "NetworkArgs",
    "ReservationArgs",
    "SystemPoolArgs",
    "TaintArgs",
]
