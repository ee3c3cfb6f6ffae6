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

_NO_LOCATION = (
    "it sets no nodeLocations and no location of the pool or its cluster says where its nodes go (the "
    "provider's default location decides): set nodeLocations to one zone"
)
_GKE_ZONE_RE = re.compile(r"^[a-z]+-[a-z]+\d+-[a-z]$")


def is_gke_zone(location: str | None) -> bool:
    return location is not None and _GKE_ZONE_RE.match(location) is not None


def tpu_hosts(machine: str, topology: str) -> int | None:
    """Hosts of a TPU slice, ``None`` when the machine or topology is not a valid TPU slice."""
    try:
        return tpu_topology_hosts(machine, topology)
    except (ValueError, KeyError):
        return None


# Machine-type families whose name fixes the accelerator, for machine types the catalog does not list
# (e.g. a2-highgpu-2g, ct4p-hightpu-4t). GPU families:
# https://cloud.google.com/compute/docs/accelerator-optimized-machines; TPU families (the GKE machine
# type of each TPU version): https://cloud.google.com/kubernetes-engine/docs/concepts/plan-tpus.
_MACHINE_FAMILY_ACCELERATORS: tuple[tuple[str, str], ...] = (
    ("a4x-maxgpu-", "GB300"),
    ("a4x-highgpu-", "GB200"),
    ("a4-highgpu-", "B200"),
    ("a3-ultragpu-", "H200"),
    ("a3-megagpu-", "H100"),
    ("a3-highgpu-", "H100"),
    ("a3-edgegpu-", "H100"),
    ("a2-ultragpu-", "A100"),
    ("a2-megagpu-", "A100"),
    ("a2-highgpu-", "A100"),
    ("g4-standard-", "RTX PRO 6000"),
    ("g2-standard-", "L4"),
    ("tpu7x-", "TPU7x"),
    ("ct6e-", "TPU v6e"),
    ("ct5p-", "TPU v5p"),
    ("ct5lp-", "TPU v5e"),
    ("ct5l-", "TPU v5e"),
    ("ct4p-", "TPU v4"),
)


def gke_machine_accelerator(machine: str | None) -> str | None:
    """The accelerator a Compute Engine machine type's family fixes (``None``: none, or a general-purpose
    family such as n1 whose GPUs are ``guestAccelerators``)."""
    name = (machine or "").strip().lower()
    return next((accelerator for prefix, accelerator in _MACHINE_FAMILY_ACCELERATORS if name.startswith(prefix)), None)


@dataclass
class GkePool(Pool):
    """A GKE node pool: a ``NodePool``, an inline ``nodePools[]`` entry or the kept default pool."""

    provider = "gke"

    location: str | None = None
    """The pool's (or its cluster's) ``location`` — a zone or a region."""
    cluster_props: Mapping[str, Any] | None = None
    """Inline and default pools: the cluster's properties (a pool without ``nodeLocations`` takes the
    cluster's); ``None`` for a standalone ``NodePool``, whose cluster a resource policy cannot see
    (the stack companion finds it: :meth:`cluster_placement_problems`)."""

    @property
    def standalone(self) -> bool:
        return self.cluster_props is None

    def own_zones(self) -> list[str]:
        return sorted({str(z) for z in as_list(get(self.props, "nodeLocations"))})

    def node_zones(
        self, cluster: Mapping[str, Any] | None = None, cluster_name: str = ""
    ) -> tuple[list[str] | None, str]:
        """The zones the pool's nodes go to, and where that comes from.

        ``nodeLocations`` of the pool; else its cluster's (``cluster``, default the inline pool's
        own cluster), which for a zonal cluster also include the cluster's own zone; else the zone
        of a zonal cluster. ``None`` when no property says it (a regional cluster without
        ``nodeLocations`` spreads its pools over the region; a standalone pool's cluster may be out
        of sight). Read lazily (values may be unknown).
        """
        own = self.own_zones()
        if own:
            return own, "nodeLocations"
        cluster = self.cluster_props if cluster is None else cluster
        if cluster is None:
            return None, ""
        inherited = {str(z) for z in as_list(get(cluster, "nodeLocations"))}
        cluster_location = as_str(get(cluster, "location")) or self.location
        if inherited:
            if is_gke_zone(cluster_location):
                inherited.add(str(cluster_location))
                if cluster_name:
                    return sorted(inherited), f"the location and nodeLocations of its zonal cluster '{cluster_name}'"
                return sorted(inherited), "the zonal cluster's location and nodeLocations, which it inherits"
            if cluster_name:
                return sorted(inherited), f"the nodeLocations of its cluster '{cluster_name}'"
            return sorted(inherited), "the cluster's nodeLocations, which it inherits"
        if is_gke_zone(cluster_location):
            return [str(cluster_location)], "location"
        return None, ""

    def implied_accelerator(self) -> str | None:
        return gke_machine_accelerator(self.machine)

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
        if self.standalone and not self.own_zones():
            return None  # its zones are its cluster's: judged with the cluster (cluster_placement_problems)
        zones, source = self.node_zones()
        if zones is not None:
            if len(zones) > 1:
                return f"it spreads over {len(zones)} zones ({source} {', '.join(zones)})"
            return None
        if not self.location:
            return _NO_LOCATION
        return (
            f'it has no nodeLocations in the regional location "{self.location}", so its nodes spread '
            "over the region's zones"
        )

    def _cluster_zone_problem(self, cluster: StackResource | None) -> str | None:
        if not self.standalone or self.own_zones():
            return None
        if cluster is None:
            if self.location and not is_gke_zone(self.location):
                return (
                    f'it has no nodeLocations in the regional location "{self.location}", so its nodes spread '
                    "over the region's zones unless its cluster (not in this stack) pins one zone: set "
                    "nodeLocations to one zone"
                )
            return (
                "it sets no nodeLocations, so it takes its cluster's node_locations, and its cluster is not in "
                "this stack to show they are one zone: set nodeLocations to one zone"
            )
        zones, source = self.node_zones(cluster.props, cluster.name)
        if zones is None:
            location = as_str(get(cluster.props, "location")) or self.location
            if not location:
                return _NO_LOCATION
            return (
                f"it sets no nodeLocations and its cluster '{cluster.name}' is regional "
                f'("{location}") without nodeLocations, so its nodes spread over the region\'s zones'
            )
        if len(zones) > 1:
            return f"it spreads over {len(zones)} zones ({source} {', '.join(zones)})"
        return None

    def cluster_placement_problems(self, cluster: StackResource | None, deferred: Deferred) -> list[str]:
        problem = deferred.run(partial(self._cluster_zone_problem, cluster))
        return [problem] if problem else []

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
    cluster_links={GKE_NODE_POOL: "cluster"},
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
