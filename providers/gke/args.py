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
    value: str
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
    name: str


class ExistingNetworkArgs(TypedDict):
    """An existing VPC/subnet with secondary ranges for pods and services."""

    network: str
    subnetwork: str
    pods_range_name: str
    services_range_name: str


class NetworkArgs(TypedDict, total=False):
    """The cluster network (a new VPC-native network unless ``existing`` is given)."""

    master_authorized_networks: Required[list[AuthorizedNetworkArgs]]
    """CIDRs allowed to reach the control plane (at least one; never 0.0.0.0/0)."""
    existing: ExistingNetworkArgs
    node_cidr: str
    pods_cidr: str
    services_cidr: str
    master_cidr: str
    """Control-plane /28."""
    proxy_cidr: str
    """Proxy-only subnet (regional Gateway classes)."""
    private_endpoint: bool
    """Make the control-plane endpoint private too (default false)."""
    gvnic_cidr: str
    """Second gVNIC network of the multi-network RDMA path."""
    rdma_cidr: str
    """Range carved into one /24 per RDMA NIC on the multi-network path."""


class SystemPoolArgs(TypedDict, total=False):
    """The CPU pool add-ons, the router and the EPP run on."""

    machine_type: str
    """Default ``e2-standard-16`` (llm-d's router recommendation)."""
    node_count: int
    """Total nodes (default: one per zone)."""
    autoscaling: AutoscalingArgs
    disk_size_gb: int
    zones: list[str]


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
    """Total nodes of a fixed-size pool."""
    autoscaling: AutoscalingArgs
    multi_host: bool
    """Labels the pool ``llm-d.ai/multi-host=true`` and places it compactly in one zone."""
    zones: list[str]
    rdma: Literal["none", "dranet", "multi-network"]
    gpu_driver: Literal["default", "latest", "disabled"]
    reservation: ReservationArgs
    spot: bool
    flex_start: bool
    compact_placement: bool
    disk_size_gb: int
    disk_type: Literal["pd-balanced", "pd-ssd", "hyperdisk-balanced"]
    labels: dict[str, str]
    taints: list[TaintArgs]


class LwsArgs(TypedDict, total=False):
    """LeaderWorkerSet add-on."""

    enabled: bool
    version: str
    enable_disaggregated_set: bool


class GkeClusterArgs(TypedDict, total=False):
    """Arguments of :class:`~llmd_infra.providers.gke.GkeCluster`."""

    region: Required[str]
    """Region of the (regional, HA) control plane."""
    zones: Required[list[str]]
    """Default node zones (all in ``region``)."""
    network: Required[NetworkArgs]
    cluster_name: str
    """GKE cluster name (default: the component's resource name)."""
    project: str
    """Default: the gcp provider's project."""
    kubernetes_version: str
    """``min_master_version`` (>= llm-d's minimum)."""
    release_channel: Literal["RAPID", "REGULAR", "STABLE", "EXTENDED"]
    deletion_protection: bool
    labels: dict[str, str]
    system_pool: SystemPoolArgs
    accelerator_pools: list[AcceleratorPoolArgs]
    lws: LwsArgs
    """LeaderWorkerSet add-on (default: installed at the pinned version)."""
    protect: bool
    """Pulumi ``protect`` on the cluster and the accelerator pools (default true)."""


__all__ = [
    "AcceleratorPoolArgs",
    "AuthorizedNetworkArgs",
    "AutoscalingArgs",
    "ExistingNetworkArgs",
    "GkeClusterArgs",
    "LwsArgs",
    "NetworkArgs",
    "ReservationArgs",
    "SystemPoolArgs",
    "TaintArgs",
]
