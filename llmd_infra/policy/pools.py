"""Node pools as the requirement policies see them, read from RAW provider resources.

A GKE ``Cluster`` carries inline ``nodePools`` (and a default pool unless ``removeDefaultNodePool``),
a GKE ``NodePool`` is one pool, a DOKS cluster has exactly one ``nodePool`` and each
``KubernetesNodePool`` is one more, an OpenShift ``MachineSet`` is one pool whose machine is the AWS
``providerSpec``. :func:`pools_of` turns each into a provider-neutral :class:`Pool` with the facts the
policies need (machine name, accelerators, labels, placement), and where in the properties they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from llmd_infra import catalog
from llmd_infra.catalog.types import MachineShape
from llmd_infra.contract import MULTI_HOST_LABEL
from llmd_infra.policy.common import (
    DOKS_CLUSTER,
    DOKS_NODE_POOL,
    GKE_CLUSTER,
    GKE_NODE_POOL,
    MACHINE_SET,
    Deferred,
    as_list,
    as_mapping,
    as_str,
    config_list,
    get,
    is_true,
)

Provider = Literal["gke", "doks", "openshift"]

_GKE_ZONE_RE = re.compile(r"^[a-z]+-[a-z]+\d+-[a-z]$")


@dataclass
class Pool:
    """One node pool of a raw resource."""

    provider: Provider
    name: str
    """Pool name (``name`` property, else the resource's logical name)."""
    where: str
    """Property path of the pool inside the resource ('' when the resource is the pool)."""
    machine: str | None
    """Machine type, DOKS size slug or EC2 instance type."""
    props: Mapping[str, Any]
    """The pool's own property bag (a ``nodePools[i]`` entry, the NodePool, the providerSpec...)."""
    labels: Mapping[str, Any] = field(default_factory=dict)
    accelerator_types: list[str] = field(default_factory=list)
    """Accelerator names as written: GKE ``guestAccelerators[].type`` (TPUs: from the machine type)."""
    location: str | None = None
    """GKE: the pool's (or its cluster's) ``location`` — a zone or a region."""
    cluster_props: Mapping[str, Any] | None = None
    """GKE inline and default pools: the cluster's properties (a pool without ``nodeLocations``
    takes the cluster's); ``None`` for a standalone ``NodePool``, which cannot see its cluster."""
    multi_host: bool = False
    multi_host_reason: str = ""

    @property
    def label(self) -> str:
        """How messages name the pool."""
        return f"pool '{self.name}'" + (f" ({self.where})" if self.where else "")

    def shape(self) -> MachineShape | None:
        if self.machine is None:
            return None
        return machine_shape(self.provider, self.machine)

    def node_zones(self) -> tuple[list[str] | None, str]:
        """GKE: the zones the pool's nodes go to, and where that comes from.

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

    @property
    def accelerators(self) -> list[str]:
        """Accelerator names to judge: written ones, else the machine's built-in accelerator."""
        if self.accelerator_types:
            return list(self.accelerator_types)
        shape = self.shape()
        if shape is not None and shape.accelerator:
            return [shape.accelerator]
        return []

    @property
    def has_accelerator(self) -> bool:
        return bool(self.accelerators)

    @property
    def is_tpu(self) -> bool:
        shape = self.shape()
        if shape is not None and shape.accelerator and shape.accelerator.upper().startswith("TPU"):
            return True
        return any(a.lower().startswith("tpu") for a in self.accelerator_types)


def machine_shape(provider: Provider, name: str) -> MachineShape | None:
    if provider == "gke":
        return catalog.gke_machine_type(name)
    if provider == "doks":
        return catalog.doks_size(name)
    return catalog.aws_instance_type(name)


def is_gke_zone(location: str | None) -> bool:
    return location is not None and _GKE_ZONE_RE.match(location) is not None


def _gke_pool(
    name: str, where: str, pool: Mapping[str, Any], location: str | None, cluster: Mapping[str, Any] | None = None
) -> Pool:
    node_config = as_mapping(get(pool, "nodeConfig"))
    machine = as_str(get(node_config, "machineType"))
    accelerators = [
        str(t) for t in (as_str(get(a, "type")) for a in as_list(get(node_config, "guestAccelerators"))) if t
    ]
    return Pool(
        provider="gke",
        name=as_str(get(pool, "name")) or name,
        where=where,
        machine=machine,
        props=pool,
        labels=as_mapping(get(node_config, "labels")),
        accelerator_types=accelerators,
        location=as_str(get(pool, "location")) or location,
        cluster_props=cluster,
    )


def _raw_pools(resource_type: str, name: str, props: Mapping[str, Any], deferred: Deferred | None) -> list[Pool]:
    if resource_type == GKE_CLUSTER:
        location = as_str(get(props, "location"))
        entries = as_list(get(props, "nodePools"))
        pools: list[Pool] = []
        for i, entry in enumerate(entries):

            def build(i: int = i, entry: Any = entry) -> Pool:
                return _gke_pool(f"{name}.nodePools[{i}]", f"nodePools[{i}]", as_mapping(entry), location, props)

            built = deferred.run(build) if deferred is not None else build()
            if built is not None:
                pools.append(built)
        # The default pool exists unless removed; it only matters when its nodeConfig says something.
        # Its nodes go where the cluster's nodeLocations say (read through cluster_props).
        if not is_true(get(props, "removeDefaultNodePool")) and not entries and "nodeConfig" in props:
            default = {"nodeConfig": props["nodeConfig"]}
            pools.append(_gke_pool("default-pool", "nodeConfig", default, location, props))
        return pools
    if resource_type == GKE_NODE_POOL:
        return [_gke_pool(name, "", props, None)]
    if resource_type == DOKS_CLUSTER:
        pool = as_mapping(get(props, "nodePool"))
        if not pool:
            return []
        return [
            Pool(
                provider="doks",
                name=as_str(get(pool, "name")) or f"{name}.nodePool",
                where="nodePool",
                machine=as_str(get(pool, "size")),
                props=pool,
                labels=as_mapping(get(pool, "labels")),
            )
        ]
    if resource_type == DOKS_NODE_POOL:
        return [
            Pool(
                provider="doks",
                name=as_str(get(props, "name")) or name,
                where="",
                machine=as_str(get(props, "size")),
                props=props,
                labels=as_mapping(get(props, "labels")),
            )
        ]
    if resource_type == MACHINE_SET:
        provider_spec = as_mapping(get(props, "spec", "template", "spec", "providerSpec", "value"))
        labels: dict[str, Any] = {}
        labels.update(as_mapping(get(props, "spec", "template", "metadata", "labels")))
        labels.update(as_mapping(get(props, "spec", "template", "spec", "metadata", "labels")))
        return [
            Pool(
                provider="openshift",
                name=as_str(get(props, "metadata", "name")) or name,
                where="spec.template.spec.providerSpec.value",
                machine=as_str(get(provider_spec, "instanceType")),
                props=provider_spec,
                labels=labels,
            )
        ]
    return []


def pools_of(
    resource_type: str,
    name: str,
    props: Mapping[str, Any],
    config: Mapping[str, Any],
    deferred: Deferred | None = None,
) -> list[Pool]:
    """The node pools of a raw resource, with their multi-host intent decided.

    A pool is intended for multi-host inference when it carries the node label
    ``llm-d.ai/multi-host: "true"``, when it is a multi-host TPU slice (its ``tpuTopology`` spans
    several VMs), or when the policy config's ``multiHostPools`` names it (pool or resource name).
    With ``deferred``, a pool whose facts are unknown in preview is left out (and the error kept)
    instead of hiding the other pools of a cluster.
    """
    named = set(config_list(config, "multiHostPools"))
    pools = _raw_pools(resource_type, name, props, deferred)
    if deferred is None:
        for pool in pools:
            _decide_multi_host(pool, name, named)
        return pools
    return [pool for pool in pools if deferred.run(partial(_decide_multi_host, pool, name, named))]


def _decide_multi_host(pool: Pool, name: str, named: set[str]) -> bool:
    if is_true(pool.labels.get(MULTI_HOST_LABEL)):
        pool.multi_host, pool.multi_host_reason = True, f'label {MULTI_HOST_LABEL}="true"'
    elif pool.name in named or name in named:
        pool.multi_host, pool.multi_host_reason = True, "named in the policy config's multiHostPools"
    elif pool.provider == "gke" and pool.machine and pool.tpu_topology:
        hosts = tpu_hosts(pool.machine, pool.tpu_topology)
        if hosts is not None and hosts > 1:
            pool.multi_host = True
            pool.multi_host_reason = f"TPU topology {pool.tpu_topology} spans {hosts} hosts"
    return True


def tpu_hosts(machine: str, topology: str) -> int | None:
    """Hosts of a TPU slice, ``None`` when the machine or topology is not a valid TPU slice."""
    try:
        return catalog.tpu_topology_hosts(machine, topology)
    except (ValueError, KeyError):
        return None
