"""The topology-aware-scheduling policies on raw resources: exact verdicts, pure functions."""

from __future__ import annotations

from typing import Any

import pytest

from llmd_infra.policy.common import StackResource
from llmd_infra.policy.pack import BY_NAME
from llmd_infra.policy.topology import check_topology_aware_scheduling, check_topology_levels

GKE_POOL = "gcp:container/nodePool:NodePool"
DOKS_POOL = "digitalocean:index/kubernetesNodePool:KubernetesNodePool"
TOPOLOGY = "kubernetes:kueue.x-k8s.io/v1beta2:Topology"
FLAVOR = "kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor"
BLOCK = "cloud.google.com/gce-topology-block"
HOST = "kubernetes.io/hostname"


def res(type_: str, name: str, props: dict[str, Any]) -> StackResource:
    return StackResource(type_, name, f"urn:pulumi:s::p::{type_}::{name}", props)


def gke_pool(name: str, multi_host: bool = True) -> StackResource:
    labels = {"llm-d.ai/pool": name, **({"llm-d.ai/multi-host": "true"} if multi_host else {})}
    return res(GKE_POOL, f"{name}-nodes", {
        "name": name, "nodeLocations": ["us-central1-b"], "placementPolicy": {"type": "COMPACT"},
        "nodeConfig": {"machineType": "a3-ultragpu-8g", "labels": labels},
    })


def doks_pool(name: str) -> StackResource:
    return res(DOKS_POOL, f"{name}-nodes", {
        "name": name, "size": "gpu-mi300x8-1536gb-fabric-contracted",
        "labels": {"llm-d.ai/pool": name, "llm-d.ai/multi-host": "true"},
    })


def topology(name: str, *levels: str) -> StackResource:
    return res(TOPOLOGY, f"t-{name}", {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "Topology",
                                        "metadata": {"name": name},
                                        "spec": {"levels": [{"nodeLabel": level} for level in levels]}})


def flavor(name: str, topology_name: str, **labels: str) -> StackResource:
    return res(FLAVOR, f"f-{name}", {"metadata": {"name": name},
                                     "spec": {"nodeLabels": labels, "topologyName": topology_name}})


def pool_flavor(name: str, topology_name: str) -> StackResource:
    return flavor(name, topology_name, **{"llm-d.ai/pool": name})


# --- topology-aware-scheduling (advisory) -------------------------------------------------------------


def test_multi_host_pools_without_tas_get_the_advisory() -> None:
    findings = check_topology_aware_scheduling([gke_pool("a3u"), doks_pool("fab")], {})
    assert [f.message for f in findings] == [
        "the stack has multi-host pools ('a3u', 'fab') but no Kueue Topology bound to a ResourceFlavor: nothing "
        "keeps the pods of one LeaderWorkerSet group in one network domain"
    ]


@pytest.mark.parametrize("resources", [
    [gke_pool("l4", multi_host=False)],  # no multi-host pool
    [gke_pool("a3u"), topology("gke", BLOCK, HOST), pool_flavor("a3u", "gke")],  # TAS in place
])
def test_no_advisory(resources: list[StackResource]) -> None:
    assert check_topology_aware_scheduling(resources, {}) == []


def test_a_topology_no_flavor_binds_is_not_tas() -> None:
    findings = check_topology_aware_scheduling(
        [gke_pool("a3u"), topology("gke", BLOCK, HOST), pool_flavor("a3u", "other")], {}
    )
    assert len(findings) == 1


# --- kueue-topology-levels (mandatory) -------------------------------------------------------------------


def test_platform_labels_and_the_hostname_count_as_carried() -> None:
    # GKE puts the block label on its nodes (its platform profile says so); every node has a hostname.
    resources = [gke_pool("a3u"), topology("gke", BLOCK, HOST), pool_flavor("a3u", "gke")]
    assert check_topology_levels(resources, {}) == []
    # A label the pool sets is carried too.
    resources = [doks_pool("fab"), topology("by-pool", "llm-d.ai/pool", HOST), pool_flavor("fab", "by-pool")]
    assert check_topology_levels(resources, {}) == []


def test_a_level_no_pool_carries_is_mandatory() -> None:
    resources = [doks_pool("fab"), topology("gke", BLOCK, HOST), pool_flavor("fab", "gke")]
    findings = check_topology_levels(resources, {})
    assert [(f.message, f.urn) for f in findings] == [(
        f"Topology 'gke' level '{BLOCK}' is a label no pool's nodes carry: Kueue counts only nodes that carry every "
        "level of a flavor's topology, so no workload on it is ever admitted",
        resources[1].urn,
    )]


def test_a_flavor_selecting_a_pool_that_lacks_a_level_is_mandatory() -> None:
    # The block label exists in the stack (on GKE nodes), but the flavor selects the DOKS pool.
    resources = [gke_pool("a3u"), doks_pool("fab"), topology("gke", BLOCK, HOST), pool_flavor("fab", "gke")]
    findings = check_topology_levels(resources, {})
    assert [(f.message, f.urn) for f in findings] == [(
        f"ResourceFlavor 'fab' selects pool 'fab', whose nodes carry no '{BLOCK}' label of Topology 'gke': Kueue "
        "counts none of them for the flavor",
        resources[3].urn,
    )]


def test_no_topology_no_finding() -> None:
    assert check_topology_levels([doks_pool("fab")], {}) == []


def test_specs() -> None:
    tas, levels = BY_NAME["topology-aware-scheduling"], BY_NAME["kueue-topology-levels"]
    assert (tas.enforcement, tas.kind, tas.requirement, tas.family) == (
        "advisory", "stack", "multi-host-placement", "requirements")
    assert (levels.enforcement, levels.kind, levels.requirement, levels.severity) == (
        "mandatory", "stack", "multi-host-placement", "high")
