"""OpenShift's multi-host GPU MachineSets as Kueue's topology-aware scheduling sees them (:class:`TopologyPool`).

A pool's nodes carry the labels and taints of its MachineSet template (:mod:`.machinesets`). No OpenShift
source documents a label for a node's place in the AWS network: the upstream AWS cloud controller labels
supported instances ``topology.k8s.aws/network-node-layer-1..3`` (kubernetes/cloud-provider-aws
tests/e2e/nodes.go), but nothing confirms that OpenShift's does. The Topology is therefore hostname-only:
the flavor confines a group to its pool, which sits in one EC2 cluster placement group, and Kueue admits
the whole group or none, packed by host.
"""

from __future__ import annotations

from llmd_infra.addons.dra import Toleration
from llmd_infra.addons.kueue import TopologyPool
from llmd_infra.contract import HOSTNAME_LABEL, POOL_LABEL
from llmd_infra.providers.openshift.config import AcceleratorPoolConfig, OpenShiftClusterConfig
from llmd_infra.providers.openshift.machinesets import node_labels, node_taints

TOPOLOGY = ("openshift-hostname", [HOSTNAME_LABEL])
GPU_RESOURCE = "nvidia.com/gpu"
"""What the GPU Operator's device plugin advertises (the provider's instance catalog is NVIDIA only)."""
EFA_RESOURCE = "vpc.amazonaws.com/efa"
"""What AWS's EFA device plugin advertises: one per node here (only the primary interface is an EFA)."""


def topology_pool(pool: AcceleratorPoolConfig) -> TopologyPool:
    """One multi-host MachineSet: its ``llm-d.ai/pool`` label, its taints as tolerations, its GPUs."""
    tolerations: list[Toleration] = []
    for taint in node_taints(pool):
        toleration: Toleration = {"key": taint["key"], "operator": "Exists", "effect": taint["effect"]}
        if taint.get("value"):
            toleration["operator"] = "Equal"
            toleration["value"] = taint["value"]
        tolerations.append(toleration)
    _, most = pool.node_range()
    topology, levels = TOPOLOGY
    row = pool.instance()
    # The Red Hat build (Kueue 0.16) checks every resource a workload requests against the ClusterQueue:
    # the pool's CPUs, memory and EFA devices are quota too.
    extra: dict[str, str] = {"cpu": str(most * (row.vcpus or 0))}
    if row.memory_gib:
        extra["memory"] = f"{int(most * row.memory_gib)}Gi"
    if pool.uses_efa():
        extra[EFA_RESOURCE] = str(most)
    return {
        "name": pool.name,
        "node_labels": {POOL_LABEL: node_labels(pool)[POOL_LABEL]},
        "tolerations": tolerations,
        "resource": GPU_RESOURCE,
        "quota": most * pool.instance().accelerator_count,
        "topology": topology,
        "levels": list(levels),
        "extra_quota": extra,
    }


def topology_pools(config: OpenShiftClusterConfig) -> list[TopologyPool]:
    """Every multi-host pool of the cluster, in config order."""
    return [topology_pool(pool) for pool in config.accelerator_pools if pool.multi_host]
