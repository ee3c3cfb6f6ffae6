"""How the policy pack reads raw ``gcp:container`` resources: node pools, zones, RDMA networking, versions.

A GKE ``Cluster`` carries inline ``nodePools`` (and a default pool unless ``removeDefaultNodePool``),
a GKE ``NodePool`` is one pool. Property names are the engine's (camelCase) spelling of
``pulumi_gcp.container`` inputs (https://www.pulumi.com/registry/packages/gcp/api-docs/container/cluster/,
.../container/nodepool/).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from llmd_infra.catalog.types import MachineShape, RdmaKind
from llmd_infra.policy.common import (
    Deferred,
    Resource,
    StackResource,
    as_list,
    as_mapping,
    as_str,
    get,
    is_true,
)
from llmd_infra.policy.pools import Pool
from llmd_infra.policy.resources import ResourceReader, VersionField
from llmd_infra.providers.gke.catalog import gke_rdma_nic_count, tpu_topology_hosts

GKE_CLUSTER = "gcp:container/cluster:Cluster"
GKE_NODE_POOL = "gcp:container/nodePool:NodePool"

_GKE_ZONE_RE = re.compile(r"^[a-z]+-[a-z]+\d+-[a-z]$")


def is_gke_zone(location: str | None) -> bool:
    return location is not None and _GKE_ZONE_RE.match(location) is not None


def tpu_hosts(machine: str, topology: str) -> int | None:
    """Hosts of a TPU slice, ``None`` when the machine or topology is not a valid TPU slice."""
    try:
        return tpu_topology_hosts(machine, topology)
    except (ValueError, KeyError):
        return None


@dataclass
class GkePool(Pool):
    """A GKE node pool: a ``NodePool``, an inline ``nodePools[]`` entry or the kept default pool."""

    provider = "gke"

    location: str | None = None
    """The pool's (or its cluster's) ``location`` — a zone or a region."""
    cluster_props: Mapping[str, Any] | None = None
    """Inline and default pools: the cluster's properties (a pool without ``nodeLocations`` takes the
    cluster's); ``None`` for a standalone ``NodePool``, which cannot see its cluster."""

    def node_zones(self) -> tuple[list[str] | None, str]:
        """The zones the pool's nodes go to, and where that comes from.

        ``nodeLocations`` of the pool; else the cluster's (inline and default pools), which for a
        zonal cluster also include the cluster's own zone; else the pool's zonal location. ``None``
        when no property says it: a standalone ``NodePool`` without ``nodeLocations`` inherits the
        cluster's ``node_locations``, which it cannot see. Read lazily (values may be unknown).
        """
        own = sorted({str(z) for z in as_list(get(self.props, "nodeLocations"))})
        if own:
            return own, "nodeLocations"
        if self.cluster_props is not None:
            inherited = {str(z) for z in as_list(get(self.cluster_props, "nodeLocations"))}
            cluster_location = as_str(get(self.cluster_props, "location"))
            if inherited:
                if is_gke_zone(cluster_location):
                    inherited.add(str(cluster_location))
                    return sorted(inherited), "the zonal cluster's location and nodeLocations, which it inherits"
                return sorted(inherited), "the cluster's nodeLocations, which it inherits"
            if is_gke_zone(self.location):
                return [str(self.location)], "location"
            return None, ""
        return None, ""

    @property
    def tpu_topology(self) -> str | None:
        return as_str(get(self.props, "placementPolicy", "tpuTopology"))

    def intrinsic_multi_host(self) -> str | None:
        if self.machine and self.tpu_topology:
            hosts = tpu_hosts(self.machine, self.tpu_topology)
            if hosts is not None and hosts > 1:
                return f"TPU topology {self.tpu_topology} spans {hosts} hosts"
        return None

    def _zone_problem(self) -> str | None:
        zones, source = self.node_zones()
        if zones is not None:
            if len(zones) > 1:
                return f"it spreads over {len(zones)} zones ({source} {', '.join(zones)})"
            return None
        if self.location and not is_gke_zone(self.location):
            return (
                f'it has no nodeLocations in the regional location "{self.location}", so its nodes spread '
                "over the region's zones"
            )
        return (
            "it sets no nodeLocations, so it takes its cluster's node_locations, which may span several zones: "
            "set nodeLocations to one zone"
        )

    def _policy_problem(self) -> str | None:
        if self.is_tpu:
            if self.tpu_topology or as_str(get(self.props, "placementPolicy", "policyName")):
                return None
            return "it has neither placementPolicy.tpuTopology nor a placementPolicy.policyName"
        if as_str(get(self.props, "placementPolicy", "type")) == "COMPACT":
            return None
        affinity = as_str(get(self.props, "nodeConfig", "reservationAffinity", "consumeReservationType"))
        if affinity == "SPECIFIC_RESERVATION":
            return None
        return (
            'it has no COMPACT placement (placementPolicy.type "COMPACT") and no SPECIFIC reservation '
            'affinity (nodeConfig.reservationAffinity.consumeReservationType "SPECIFIC_RESERVATION")'
        )

    def placement_problems(self, deferred: Deferred) -> list[str]:
        parts = (deferred.run(self._zone_problem), deferred.run(self._policy_problem))
        return [p for p in parts if p]

    def interconnect_problem(self, shape: MachineShape) -> str | None:
        if shape.rdma == RdmaKind.ICI:
            return None
        if not shape.rdma.is_rdma_class:
            return (
                f'machine type "{self.machine}" has {shape.rdma.value} GPU networking, not an RDMA-class '
                "interconnect (RoCE/InfiniBand NICs or TPU ICI)"
            )
        network = as_mapping(get(self.props, "networkConfig"))
        if as_str(get(network, "acceleratorNetworkProfile")) == "auto":
            return None
        given = len(as_list(get(network, "additionalNodeNetworkConfigs")))
        needed = (gke_rdma_nic_count(self.machine) if self.machine else None) or shape.rdma_nic_count
        if needed is not None and given >= needed:
            return None
        return (
            f'machine type "{self.machine}" has RDMA NICs but the pool configures no RDMA networking: set '
            'networkConfig.acceleratorNetworkProfile "auto", or one networkConfig.additionalNodeNetworkConfigs '
            f"entry per RDMA NIC ({given} given, {needed if needed is not None else 'unknown'} needed)"
        )

    def driver_problem(self, resources: Sequence[StackResource]) -> str | None:
        versions = [
            as_str(get(a, "gpuDriverInstallationConfig", "gpuDriverVersion"))
            for a in as_list(get(self.props, "nodeConfig", "guestAccelerators"))
        ]
        if "INSTALLATION_DISABLED" in versions:
            return "GKE driver installation is disabled (gpuDriverVersion INSTALLATION_DISABLED)"
        return None


def _pool(
    name: str, where: str, pool: Mapping[str, Any], location: str | None, cluster: Mapping[str, Any] | None = None
) -> GkePool:
    node_config = as_mapping(get(pool, "nodeConfig"))
    accelerators = [
        str(t) for t in (as_str(get(a, "type")) for a in as_list(get(node_config, "guestAccelerators"))) if t
    ]
    return GkePool(
        name=as_str(get(pool, "name")) or name,
        where=where,
        machine=as_str(get(node_config, "machineType")),
        props=pool,
        labels=as_mapping(get(node_config, "labels")),
        accelerator_types=accelerators,
        location=as_str(get(pool, "location")) or location,
        cluster_props=cluster,
    )


def read_pools(resource_type: str, name: str, props: Mapping[str, Any], deferred: Deferred | None) -> list[Pool]:
    if resource_type == GKE_NODE_POOL:
        return [_pool(name, "", props, None)]
    location = as_str(get(props, "location"))
    entries = as_list(get(props, "nodePools"))
    pools: list[Pool] = []
    for i, entry in enumerate(entries):

        def build(i: int = i, entry: Any = entry) -> Pool:
            return _pool(f"{name}.nodePools[{i}]", f"nodePools[{i}]", as_mapping(entry), location, props)

        built = deferred.run(build) if deferred is not None else build()
        if built is not None:
            pools.append(built)
    # The default pool exists unless removed; it only matters when its nodeConfig says something.
    # Its nodes go where the cluster's nodeLocations say (read through cluster_props).
    if not is_true(get(props, "removeDefaultNodePool")) and not entries and "nodeConfig" in props:
        pools.append(_pool("default-pool", "nodeConfig", {"nodeConfig": props["nodeConfig"]}, location, props))
    return pools


def read_versions(r: Resource) -> list[VersionField]:
    """``minMasterVersion``, ``nodeVersion`` and each inline pool's ``version`` of a cluster; a pool's ``version``."""
    props = r.props
    if r.type == GKE_NODE_POOL:
        return [VersionField("version", lambda: as_str(get(props, "version")))]
    fields = [VersionField(key, partial(_str_at, props, key)) for key in ("minMasterVersion", "nodeVersion")]
    for i in range(len(as_list(get(props, "nodePools")))):
        fields.append(VersionField(f"nodePools[{i}].version", partial(_str_at, props, "nodePools", i, "version")))
    return fields


def _str_at(props: Mapping[str, Any], *path: str | int) -> str | None:
    return as_str(get(props, *path))


READER = ResourceReader(
    provider="gke",
    pool_types=frozenset({GKE_CLUSTER, GKE_NODE_POOL}),
    pools=read_pools,
    version_types=frozenset({GKE_CLUSTER, GKE_NODE_POOL}),
    versions=read_versions,
    cluster_types=frozenset({GKE_CLUSTER}),
    remediation={
        "kubernetes-version": (
            "GKE: set min_master_version / node_version / version to {kubernetes} or newer (or leave them unset "
            "and let the release channel choose)"
        ),
        "multi-host-placement": (
            "GKE GPUs: pin the pool to one zone (nodeLocations with one zone) with placement_policy type COMPACT "
            "or a SPECIFIC reservation; GKE TPUs: a placement policy / TPU topology"
        ),
        "accelerator-interconnect": (
            "GKE: RDMA machine types (a3-ultragpu-8g, a4-highgpu-8g, a4x) with network_config "
            'accelerator_network_profile "auto" or one additional_node_network_configs entry per RDMA NIC, '
            "or TPU slices"
        ),
        "gpu-driver-path": "GKE: keep gpu_driver_version DEFAULT/LATEST",
    },
)
