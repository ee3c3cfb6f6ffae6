"""DOKS's multi-host (fabric) pools as Kueue's topology-aware scheduling sees them (:class:`TopologyPool`).

DOKS labels every node with its node pool, node id, pool id and version, and documents no label for a
node's place in the fabric (https://docs.digitalocean.com/products/kubernetes/details/managed/,
"Automatic Application of Labels to Nodes"). The Topology is therefore hostname-only: the flavor
confines a group to its fabric pool (``llm-d.ai/pool``), and within it Kueue packs pods by host
(``kueue.x-k8s.io/podset-preferred-topology: kubernetes.io/hostname``) and admits a whole group or none.
"""

from __future__ import annotations

from llmd_infra.addons.dra import Toleration
from llmd_infra.addons.kueue import TopologyPool
from llmd_infra.catalog.types import Vendor
from llmd_infra.contract import HOSTNAME_LABEL, POOL_LABEL
from llmd_infra.providers.doks.catalog import GPU_NODES
from llmd_infra.providers.doks.config import AcceleratorPoolConfig, DoksClusterConfig

TOPOLOGY = ("doks-hostname", [HOSTNAME_LABEL])

DRA_DEVICE_CLASSES = {
    # The DeviceClass each vendor's DRA driver serves GPUs as (NVIDIA: gpu.nvidia.com, as in
    # https://cloud.google.com/kubernetes-engine/docs/how-to/set-up-dra; AMD: gpu.amd.com,
    # ROCm/k8s-gpu-dra-driver deployments/helm/k8s-gpu-dra-driver/templates/deviceclass.yaml).
    Vendor.NVIDIA: "gpu.nvidia.com",
    Vendor.AMD: "gpu.amd.com",
}


def _uses_dra(config: DoksClusterConfig, vendor: Vendor) -> bool:
    return (config.nvidia_gpu if vendor is Vendor.NVIDIA else config.amd_gpu) == "dra-driver"


def topology_pool(pool: AcceleratorPoolConfig, config: DoksClusterConfig) -> TopologyPool:
    """One fabric pool: its ``llm-d.ai/pool`` label, DOKS's GPU taint plus its own, and its GPUs."""
    vendor = pool.vendor()
    assert vendor is not None  # a multi-host pool is a fabric GPU size
    facts = GPU_NODES[vendor]
    tolerations: list[Toleration] = [{"key": facts.taint, "operator": "Exists", "effect": "NoSchedule"}]
    for taint in pool.taints:
        toleration: Toleration = {"key": taint.key, "operator": "Exists", "effect": taint.effect}
        if taint.value:
            toleration["operator"] = "Equal"
            toleration["value"] = taint.value
        tolerations.append(toleration)
    _, most = pool.node_range()
    topology, levels = TOPOLOGY
    described: TopologyPool = {
        "name": pool.name,
        "node_labels": {POOL_LABEL: pool.labels.get(POOL_LABEL, pool.name)},
        "tolerations": tolerations,
        "resource": facts.resource,
        "quota": most * pool.machine().accelerator_count,
        "topology": topology,
        "levels": list(levels),
    }
    if _uses_dra(config, vendor):
        described["device_classes"] = {DRA_DEVICE_CLASSES[vendor]: facts.resource}
    return described


def topology_pools(config: DoksClusterConfig) -> list[TopologyPool]:
    """Every multi-host pool of the cluster, in config order."""
    return [topology_pool(pool, config) for pool in config.multi_host_pools()]
