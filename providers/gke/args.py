"""The ``GkeCluster`` arguments: the contract other Pulumi languages will consume.

Keys are the snake_case names of the ``llmd-infra:cluster`` config keys (see
:mod:`llmd_infra.config.gke` for the YAML shape and every rule); the component validates them with
the same pydantic model, so a component built from code fails exactly like a stack file would.
"""

from __future__ import annotations

from typing import Literal

from typing_extensions import Required, TypedDict


class AutoscalingArgs(TypedDict):
    """Autoscaling bounds (total nodes of the pool)."""

    min_nodes: int
    """Fewest nodes (0 allowed)."""
    max_nodes: int
    """Most nodes (>= min_nodes)."""


class TaintArgs(TypedDict, total=False):
    """A node taint."""

    key: Required[str]
    """Taint key (the pool always carries ``nvidia.com/gpu`` or ``google.com/tpu`` as well)."""
    value: str
    """Taint value (default empty)."""
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]
    """Default ``NoSchedule``."""


class ReservationArgs(TypedDict, total=False):
    """A specific Compute Engine reservation to consume."""

    name: Required[str]
    """Reservation name."""
    block: str
    """A reservation block (``<name>/reservationBlocks/<block>``)."""
    project: str
    """Project owning a shared reservation."""


class AuthorizedNetworkArgs(TypedDict, total=False):
    """A CIDR allowed to reach the control plane."""

    cidr: Required[str]
    """An IPv4/IPv6 CIDR; a /0 is refused."""
    name: str
    """Display name (default: the CIDR)."""


class ExistingNetworkArgs(TypedDict):
    """An existing VPC/subnet with secondary ranges for pods and services."""

    network: str
    """VPC name or self link."""
    subnetwork: str
    """Subnet name or self link, in the cluster's region."""
    pods_range_name: str
    """Secondary range of ``subnetwork`` for pods."""
    services_range_name: str
    """Secondary range of ``subnetwork`` for services."""


class NetworkArgs(TypedDict, total=False):
    """The cluster network (a new VPC-native network unless ``existing`` is given)."""

    master_authorized_networks: Required[list[AuthorizedNetworkArgs]]
    """CIDRs allowed to reach the control plane (at least one; never 0.0.0.0/0)."""
    existing: ExistingNetworkArgs
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


class SystemPoolArgs(TypedDict, total=False):
    """The CPU pool add-ons, the router and the EPP run on."""

    machine_type: str
    """Default ``e2-standard-16`` (llm-d's router recommendation)."""
    node_count: int
    """Total nodes (default: one per zone); spread evenly over ``zones``."""
    autoscaling: AutoscalingArgs
    """Instead of ``node_count``."""
    disk_size_gb: int
    """Boot disk size (default 200)."""
    zones: list[str]
    """Default: the cluster's ``zones``."""


class AcceleratorPoolArgs(TypedDict, total=False):
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
    autoscaling: AutoscalingArgs
    """Instead of ``node_count``; not for multi-host TPU slices."""
    multi_host: bool
    """Labels the pool ``llm-d.ai/multi-host=true`` and places it compactly in one zone (GPU pools need an
    ``rdma`` path; for TPUs it is derived from the topology)."""
    zones: list[str]
    """Default: the cluster's ``zones``; exactly one for multi-host, compact or multi-network pools."""
    rdma: Literal["none", "dranet", "multi-network"]
    """GPUDirect-RDMA path: llm-d's DRA + managed DRANET, or the manual multi-network (gIB) networks."""
    gpu_driver: Literal["default", "latest", "disabled"]
    """GKE GPU driver installation (default ``default``; ``disabled`` and only that on ``dranet``)."""
    reservation: ReservationArgs
    """Consume a specific reservation (not with ``spot``/``flex_start``)."""
    spot: bool
    """Spot VMs."""
    flex_start: bool
    """Flex-start VMs (the pool must autoscale)."""
    compact_placement: bool
    """``placement_policy.type = COMPACT`` (default: ``multi_host``); one zone."""
    disk_size_gb: int
    """Boot disk size (default 200 + 100 per accelerator)."""
    disk_type: Literal["pd-balanced", "pd-ssd", "hyperdisk-balanced"]
    """Boot disk type (default: ``hyperdisk-balanced`` on A3 Ultra/A4/A4X, which accept nothing else;
    else ``pd-balanced``)."""
    labels: dict[str, str]
    """Extra Kubernetes node labels."""
    taints: list[TaintArgs]
    """Extra node taints."""
    local_ssd_ephemeral_storage: bool
    """Back ephemeral storage with the machine's local NVMe SSDs (default: on for A3 Ultra, A4, A4X)."""


class LwsArgs(TypedDict, total=False):
    """LeaderWorkerSet add-on."""

    enabled: bool
    """Install LWS (default true)."""
    version: str
    """LWS chart version (default: the pinned one; >= llm-d's minimum)."""
    enable_disaggregated_set: bool
    """Install the DisaggregatedSet webhook and RBAC (default: on where the chart version has it, 0.9.0+)."""


class GatewayCrdsArgs(TypedDict, total=False):
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


class DraDriverArgs(TypedDict, total=False):
    """NVIDIA DRA driver for GPUs, installed on the ``dranet`` path."""

    version: str
    """``nvidia-dra-driver-gpu`` chart version (default: the pinned one)."""
    cos_driver_installer: bool
    """Apply the COS driver installer DaemonSet that loads the NVIDIA driver (default true)."""


class MaintenanceExclusionArgs(TypedDict, total=False):
    """A GKE maintenance exclusion."""

    name: Required[str]
    """Exclusion name (unique in the cluster)."""
    start_time: Required[str]
    """RFC 3339 timestamp (``2026-01-01T00:00:00Z``) or a date (midnight UTC)."""
    end_time: str
    """Default: until the end of support of the cluster's minor version (not for ``NO_UPGRADES``)."""
    scope: Literal["NO_UPGRADES", "NO_MINOR_UPGRADES", "NO_MINOR_OR_NODE_UPGRADES"]
    """Default ``NO_MINOR_OR_NODE_UPGRADES``."""


class GkeClusterArgs(TypedDict, total=False):
    """Arguments of :class:`~llmd_infra.providers.gke.GkeCluster`."""

    region: Required[str]
    """Region of the (regional, HA) control plane."""
    zones: Required[list[str]]
    """Default node zones (all in ``region``)."""
    network: Required[NetworkArgs]
    """Control-plane access and the VPC."""
    cluster_name: str
    """GKE cluster name (default: the component's resource name)."""
    project: str
    """Default: the ``gcp:project`` config value (an explicit gcp provider's project is not read)."""
    kubernetes_version: str
    """``min_master_version`` (>= llm-d's minimum)."""
    release_channel: Literal["RAPID", "REGULAR", "STABLE", "EXTENDED"]
    """GKE release channel (default ``REGULAR``)."""
    deletion_protection: bool
    """GKE deletion protection (default: follows ``protect``)."""
    labels: dict[str, str]
    """GCP resource labels of the cluster (plus ``managed-by: llmd-infra``) and of its node VMs."""
    system_pool: SystemPoolArgs
    """The CPU pool (defaults: ``e2-standard-16``, one node per zone)."""
    accelerator_pools: list[AcceleratorPoolArgs]
    """GPU/TPU pools."""
    lws: LwsArgs
    """LeaderWorkerSet add-on."""
    gateway_crds: GatewayCrdsArgs
    """Gateway API / GAIE CRDs for GKE versions that do not install them."""
    dra_driver: DraDriverArgs
    """NVIDIA DRA driver settings (used by ``dranet`` pools)."""
    """LeaderWorkerSet add-on (default: installed at the pinned version)."""
    protect: bool
    """Pulumi ``protect`` on the cluster and the accelerator pools (default: the ``opts.protect`` passed
    to the component, else true)."""
    maintenance_exclusions: list[MaintenanceExclusionArgs]
    """Hold GKE upgrades (``NO_MINOR_OR_NODE_UPGRADES`` keeps node upgrades from breaking a multi-host slice)."""
    maintenance_start_time: str
    """Daily maintenance window start, ``HH:MM`` GMT (default ``09:00`` when exclusions are set)."""


__all__ = [
    "AcceleratorPoolArgs",
    "AuthorizedNetworkArgs",
    "AutoscalingArgs",
    "ExistingNetworkArgs",
    "GkeClusterArgs",
    "LwsArgs",
    "MaintenanceExclusionArgs",
    "NetworkArgs",
    "ReservationArgs",
    "SystemPoolArgs",
    "TaintArgs",
]
