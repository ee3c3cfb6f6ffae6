"""GKE's multi-host pools as Kueue's topology-aware scheduling sees them (:class:`TopologyPool`).

GPU pools: GKE labels nodes of dense, compactly placed A3/A4 capacity with their reserved block,
sub-block and host, and GKE's own TAS setup uses exactly these levels, in this order, as Topology
``gke-default`` (https://cloud.google.com/ai-hypercomputer/docs/workloads/schedule-gke-workloads-tas).
A multi-host GPU pool here always has compact placement or a specific reservation, so its nodes carry
them. TPU pools: a multi-host slice is one node pool, and its nodes share ``cloud.google.com/gke-nodepool``
(llm-d/llm-d guides/pd-disaggregation/README.ds.md @ce96515); the slice, then the host, are the levels.
"""

from __future__ import annotations

from llmd_infra.addons.dra import Toleration
from llmd_infra.addons.kueue import TopologyPool
from llmd_infra.contract import HOSTNAME_LABEL, POOL_LABEL
from llmd_infra.providers.gke.config import AcceleratorPoolConfig, GkeClusterConfig
from llmd_infra.providers.gke.platform import TOPOLOGY_LABELS
from llmd_infra.providers.gke.pools import GPU_TAINT, TPU_TAINT

BLOCK, SUBBLOCK, HOST, NODEPOOL = TOPOLOGY_LABELS
GPU_TOPOLOGY = ("gke-default", [BLOCK, SUBBLOCK, HOST, HOSTNAME_LABEL])
TPU_TOPOLOGY = ("gke-tpu-slice", [NODEPOOL, HOSTNAME_LABEL])

GPU_RESOURCE = "nvidia.com/gpu"
TPU_RESOURCE = "google.com/tpu"
"""Extended resources of GKE's GPU device plugin and TPU nodes (https://cloud.google.com/kubernetes-engine/docs/how-to/tpus)."""

# On llm-d's DRA + managed DRANET path pods claim GPUs and RDMA NICs through DeviceClasses instead of
# nvidia.com/gpu (llm-d docs/infrastructure/providers/gke/README.md: resourceslices of gpu.nvidia.com and
# mrdma.google.com; https://cloud.google.com/kubernetes-engine/docs/how-to/set-up-dra,
# https://cloud.google.com/kubernetes-engine/docs/how-to/allocate-network-resources-dra). Kueue counts a GPU
# claim as nvidia.com/gpu; NICs get a name of their own, which the accelerator-only ClusterQueue ignores.
DRA_GPU_CLASS = {"gpu.nvidia.com": GPU_RESOURCE}
DRANET_NIC_CLASS = {"mrdma.google.com": "google.com/mrdma"}

ARM_TOLERATION: Toleration = {
    "key": "kubernetes.io/arch", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"
}
"""GKE taints Arm nodes (A4X) ``kubernetes.io/arch=arm64:NoSchedule`` itself
(https://cloud.google.com/kubernetes-engine/docs/how-to/prepare-arm-workloads-for-deployment)."""


def _tolerations(pool: AcceleratorPoolConfig) -> list[Toleration]:
    key, _ = TPU_TAINT if pool.machine().is_tpu else GPU_TAINT
    out: list[Toleration] = [{"key": key, "operator": "Exists", "effect": "NoSchedule"}]
    if pool.machine().is_arm:
        out.append(ARM_TOLERATION)
    for taint in pool.taints:
        toleration: Toleration = {"key": taint.key, "operator": "Equal", "effect": taint.effect}
        if taint.value:
            toleration["value"] = taint.value
        else:
            toleration["operator"] = "Exists"
        out.append(toleration)
    return out


def topology_pool(pool: AcceleratorPoolConfig) -> TopologyPool:
    """One multi-host pool: its ``llm-d.ai/pool`` label, taints, accelerators and network levels."""
    machine = pool.machine()
    _, most = pool.node_range()
    topology, levels = TPU_TOPOLOGY if machine.is_tpu else GPU_TOPOLOGY
    described: TopologyPool = {
        "name": pool.name,
        "node_labels": {POOL_LABEL: pool.labels.get(POOL_LABEL, pool.name)},
        "tolerations": _tolerations(pool),
        "resource": TPU_RESOURCE if machine.is_tpu else GPU_RESOURCE,
        "quota": most * machine.accelerator_count,
        "topology": topology,
        "levels": list(levels),
    }
    if pool.rdma == "dranet":
        described["device_classes"] = {**(DRA_GPU_CLASS if pool.dra_gpus() else {}), **DRANET_NIC_CLASS}
    return described


def topology_pools(config: GkeClusterConfig) -> list[TopologyPool]:
    """Every multi-host pool of the cluster, in config order."""
    return [topology_pool(pool) for pool in config.accelerator_pools if pool.is_multi_host()]
