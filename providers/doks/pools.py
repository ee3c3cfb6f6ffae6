"""DOKS node pools: the CPU system pool (the cluster's ``node_pool``) and GPU pools (``KubernetesNodePool``).

DOKS labels every GPU node ``doks.digitalocean.com/gpu-brand`` / ``gpu-model`` and taints it
``nvidia.com/gpu:NoSchedule`` or ``amd.com/gpu:NoSchedule`` itself
(docs.digitalocean.com/products/kubernetes/details/managed/), so the pools here add only llm-d's own
labels and the user's labels and taints.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_digitalocean as do

from llmd_infra.contract import MULTI_HOST_LABEL, AcceleratorPoolSummary
from llmd_infra.providers.doks.catalog import GPU_BRAND_LABEL, GPU_NODES
from llmd_infra.providers.doks.config import AcceleratorPoolConfig, Autoscaling, DoksClusterConfig

SYSTEM_POOL_NAME = "system"
SYSTEM_LABELS = {"llm-d.ai/role": "system"}
MANAGED_TAG = "llmd-infra"
NODE_COUNT_FIELDS = ["nodeCount"]
"""What an autoscaled pool ignores: DOKS's autoscaler moves ``node_count``."""
SYSTEM_NODE_COUNT_FIELDS = ["nodePool.nodeCount"]



def tags_for(config: DoksClusterConfig, extra: list[str] | None = None) -> list[str]:
    """DigitalOcean tags: ``llmd-infra``, the cluster's, then ``extra`` (first occurrence wins)."""
    return list(dict.fromkeys([MANAGED_TAG, *config.tags, *(extra or [])]))


def _sizing(lo: int, hi: int, autoscaling: Autoscaling | None) -> dict[str, Any]:
    """Node-count arguments: a fixed ``node_count``, or ``auto_scale`` with bounds and no count (the
    provider would otherwise reset the autoscaler's count on every update)."""
    if autoscaling is None:
        return {"node_count": lo}
    return {"auto_scale": True, "min_nodes": lo, "max_nodes": hi}


def size_warnings(pool: AcceleratorPoolConfig) -> list[str]:
    """What ``pulumi up`` should say about a size before DigitalOcean does: contract-only slugs, and sizes
    no DigitalOcean source confirms for DOKS node pools."""
    row = pool.machine()
    out = []
    if row.contract_only:
        out.append(f"pool '{pool.name}': {row.name} is contract-only; DigitalOcean must enable it for your team")
    if row.doks_supported is None:
        out.append(
            f"pool '{pool.name}': no DigitalOcean source confirms DOKS node pools of {row.name}; "
            "the DigitalOcean API decides at pulumi up"
        )
    return out


def system_node_pool(config: DoksClusterConfig) -> do.KubernetesClusterNodePoolArgs:
    """The cluster's default node pool: CPU only, what the add-ons wait for."""
    sp = config.system_pool
    lo, hi = sp.node_range()
    return do.KubernetesClusterNodePoolArgs(
        name=SYSTEM_POOL_NAME,
        size=sp.size,
        labels=dict(SYSTEM_LABELS),
        tags=tags_for(config),
        **_sizing(lo, hi, sp.autoscaling),
    )


class AcceleratorPool(pulumi.ComponentResource):
    """One GPU node pool."""

    summary: AcceleratorPoolSummary

    def __init__(
        self,
        name: str,
        pool: AcceleratorPoolConfig,
        config: DoksClusterConfig,
        cluster: do.KubernetesCluster,
        protect: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        row = pool.machine()
        lo, hi = pool.node_range()
        autoscaled = pool.autoscaling is not None
        self.summary = AcceleratorPoolSummary(
            name=pool.name,
            machineType=row.name,
            accelerator=row.accelerator or "",
            acceleratorsPerNode=row.accelerator_count,
            minNodes=lo,
            maxNodes=hi,
            autoscaling=autoscaled,
            multiHost=pool.multi_host,
            interconnect=pool.interconnect().value,
            zones=[config.region],
        )
        vendor = pool.vendor()
        facts = GPU_NODES.get(vendor) if vendor is not None else None
        super().__init__(
            "llmd-infra:doks:AcceleratorPool",
            name,
            {**self.summary, "gpuTaint": facts.taint if facts else None,
             "gpuNodeSelector": {GPU_BRAND_LABEL: facts.brand} if facts else None,
             "gpuPartitionMode": pool.gpu_partition_mode},
            opts,
        )
        for warning in size_warnings(pool):
            pulumi.log.warn(warning, resource=self)
        labels: dict[str, str] = {"llm-d.ai/pool": pool.name}
        if pool.multi_host:
            labels[MULTI_HOST_LABEL] = "true"
        labels.update(pool.labels)
        taints = [do.KubernetesNodePoolTaintArgs(key=t.key, value=t.value, effect=t.effect) for t in pool.taints]
        self.node_pool = do.KubernetesNodePool(
            f"{name}-nodes",
            do.KubernetesNodePoolArgs(
                cluster_id=cluster.id,
                name=pool.name,
                size=row.name,
                labels=labels,
                taints=taints or None,
                tags=tags_for(config, pool.tags),
                gpu_partition_mode=pool.gpu_partition_mode,
                **_sizing(lo, hi, pool.autoscaling),
            ),
            # delete_before_replace: a replacement would otherwise need a second pool's worth of GPUs
            # (scarce, often contracted) next to the old one; it removes every node first instead, and
            # protect makes any replacement an explicit step.
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=protect,
                delete_before_replace=True,
                ignore_changes=NODE_COUNT_FIELDS if autoscaled else None,
            ),
        )
        self.register_outputs({"nodePoolName": self.node_pool.name, "summary": dict(self.summary)})
