"""Topology-aware scheduling: companions of the ``multi-host-placement`` requirement.

Compact placement keeps a multi-host pool's nodes in one network domain; the scheduler must still put
one LeaderWorkerSet group's pods on nodes of the same domain. Kueue's topology-aware scheduling (TAS)
does that, through a ``Topology`` (levels = node labels, broadest first) bound to a ``ResourceFlavor``
that selects the pool's nodes.

* ``topology-aware-scheduling`` (advisory): a stack with multi-host pools and no Topology bound to a
  ResourceFlavor leaves the grouping to chance.
* ``kueue-topology-levels`` (mandatory): Kueue counts a node for a flavor only when it carries every
  level of the flavor's topology (``NodeMatchesFlavor``, kubernetes-sigs/kueue pkg/util/tas/node.go
  @v0.19.2). A level no pool's nodes carry, or that the pools a flavor selects lack, makes every
  workload of that flavor wait forever. A node carries its pool's own labels, the labels its platform
  puts on every node (the room's ``PlatformProfile.topology_labels``) and ``kubernetes.io/hostname``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from llmd_infra import registry
from llmd_infra.config.platform import platform_profile
from llmd_infra.contract import HOSTNAME_LABEL
from llmd_infra.policy.common import (
    STACK,
    Finding,
    PolicySpec,
    StackResource,
    as_list,
    as_mapping,
    as_str,
    get,
)
from llmd_infra.policy.pools import Pool
from llmd_infra.policy.requirements import stack_pools
from llmd_infra.policy.specs import MULTI_HOST_POOLS, requirement_policy
from llmd_infra.requirements import MULTI_HOST_PLACEMENT

KUEUE_GROUP = "kueue.x-k8s.io"
TOPOLOGY_TYPES = frozenset(f"kubernetes:{KUEUE_GROUP}/{v}:Topology" for v in ("v1alpha1", "v1beta1", "v1beta2"))
FLAVOR_TYPES = frozenset(f"kubernetes:{KUEUE_GROUP}/{v}:ResourceFlavor" for v in ("v1beta1", "v1beta2"))


@dataclass(frozen=True)
class _Topology:
    resource: StackResource
    name: str
    levels: list[str]


@dataclass(frozen=True)
class _Flavor:
    resource: StackResource
    name: str
    node_labels: Mapping[str, Any]
    topology: str | None


def _name(res: StackResource) -> str:
    return as_str(get(res.props, "metadata", "name")) or res.name


def topologies(resources: Sequence[StackResource]) -> dict[str, _Topology]:
    """Kueue Topologies of the stack, by object name."""
    out: dict[str, _Topology] = {}
    for res in resources:
        if res.type in TOPOLOGY_TYPES:
            levels = [as_str(get(level, "nodeLabel")) for level in as_list(get(res.props, "spec", "levels"))]
            out[_name(res)] = _Topology(res, _name(res), [level for level in levels if level])
    return out


def flavors(resources: Sequence[StackResource]) -> list[_Flavor]:
    """Kueue ResourceFlavors of the stack."""
    return [
        _Flavor(
            res,
            _name(res),
            as_mapping(get(res.props, "spec", "nodeLabels")),
            as_str(get(res.props, "spec", "topologyName")),
        )
        for res in resources
        if res.type in FLAVOR_TYPES
    ]


def node_labels(pool: Pool) -> set[str]:
    """Label keys every node of the pool carries: its own, its platform's and the hostname."""
    platform = platform_profile(pool.provider) if pool.provider in registry.PROVIDERS else None
    return {str(k) for k in pool.labels} | set(platform.topology_labels if platform else ()) | {HOSTNAME_LABEL}


def _selects(flavor: _Flavor, pool: Pool) -> bool:
    """Whether the flavor's node labels are labels the pool sets (platform-set labels are not seen)."""
    return bool(flavor.node_labels) and all(
        key in pool.labels and str(pool.labels[key]) == str(value) for key, value in flavor.node_labels.items()
    )


# --- topology-aware-scheduling ------------------------------------------------------------------------


def check_topology_aware_scheduling(resources: Sequence[StackResource], config: Mapping[str, Any]) -> list[Finding]:
    multi_host = [pool for _, pool in stack_pools(resources, config) if pool.multi_host]
    if not multi_host:
        return []
    known = topologies(resources)
    if any(f.topology in known for f in flavors(resources)):
        return []
    names = ", ".join(f"'{pool.name}'" for pool in multi_host)
    return [
        Finding(
            f"the stack has multi-host pools ({names}) but no Kueue Topology bound to a ResourceFlavor: nothing "
            "keeps the pods of one LeaderWorkerSet group in one network domain"
        )
    ]


TOPOLOGY_AWARE_SCHEDULING_POLICY = requirement_policy(
    MULTI_HOST_PLACEMENT,
    check_topology_aware_scheduling,
    frozenset({STACK}),
    "Install Kueue with topology-aware scheduling for the multi-host pools (llmd-infra:addons.kueue, on by "
    "default where a provider has multi-host pools), and label LeaderWorkerSets kueue.x-k8s.io/queue-name with "
    "a kueue.x-k8s.io/podset-required-topology annotation.",
    kind="stack",
    name="topology-aware-scheduling",
    enforcement="advisory",
    description=(
        "Stacks with multi-host pools schedule each LeaderWorkerSet group topology-aware (a Kueue Topology bound "
        f"to a ResourceFlavor; companion of '{MULTI_HOST_PLACEMENT.id}')."
    ),
    config=MULTI_HOST_POOLS,
    severity="low",
)


# --- kueue-topology-levels -----------------------------------------------------------------------------


def check_topology_levels(resources: Sequence[StackResource], config: Mapping[str, Any]) -> list[Finding]:
    known = topologies(resources)
    if not known:
        return []
    pools = [pool for _, pool in stack_pools(resources, config)]
    carried = set().union(*(node_labels(pool) for pool in pools)) if pools else {HOSTNAME_LABEL}
    findings: list[Finding] = []
    missing_everywhere: dict[str, set[str]] = {}
    for topo in known.values():
        missing = [level for level in topo.levels if level not in carried]
        missing_everywhere[topo.name] = set(missing)
        findings += [
            Finding(
                f"Topology '{topo.name}' level '{level}' is a label no pool's nodes carry: Kueue counts only nodes "
                "that carry every level of a flavor's topology, so no workload on it is ever admitted",
                urn=topo.resource.urn,
            )
            for level in missing
        ]
    for flavor in flavors(resources):
        bound = known.get(flavor.topology or "")
        if bound is None:
            continue
        for pool in pools:
            if not _selects(flavor, pool):
                continue
            lacking = [
                level
                for level in bound.levels
                if level not in node_labels(pool) and level not in missing_everywhere[bound.name]
            ]
            if lacking:
                findings.append(
                    Finding(
                        f"ResourceFlavor '{flavor.name}' selects {pool.label}, whose nodes carry no "
                        f"{', '.join(repr(level) for level in lacking)} label of Topology '{bound.name}': Kueue "
                        "counts none of them for the flavor",
                        urn=flavor.resource.urn,
                    )
                )
    return findings


TOPOLOGY_LEVELS_POLICY = requirement_policy(
    MULTI_HOST_PLACEMENT,
    check_topology_levels,
    frozenset({STACK}),
    "Use Topology levels the pool's nodes carry: the labels the provider puts on its nodes (its platform "
    "profile's topology_labels), a label the pool sets, or kubernetes.io/hostname.",
    kind="stack",
    name="kueue-topology-levels",
    enforcement="mandatory",
    description=(
        "Every level of a Kueue Topology is a node label the pools' nodes carry, and the nodes a topology-bound "
        f"ResourceFlavor selects carry all of its levels (companion of '{MULTI_HOST_PLACEMENT.id}')."
    ),
    severity="high",
)


POLICIES: tuple[PolicySpec, ...] = (TOPOLOGY_AWARE_SCHEDULING_POLICY, TOPOLOGY_LEVELS_POLICY)
"""The topology-aware-scheduling policies, in report order."""
