"""Kubernetes add-ons llm-d needs, each a ComponentResource taking a ``pulumi_kubernetes.Provider``.

Callers pass ``opts=ResourceOptions(provider=k8s_provider, depends_on=[system_pool], parent=...)``;
every child repeats exactly those dependencies, so no add-on waits for an accelerator pool.
"""

from llmd_infra.addons.amd import AmdGpuOperator, AmdGpuOperatorArgs
from llmd_infra.addons.dra import NvidiaDraDriver, NvidiaDraDriverArgs
from llmd_infra.addons.gateway_crds import GatewayApiCrds, GatewayApiCrdsArgs
from llmd_infra.addons.gpu_operator import NvidiaGpuOperator, NvidiaGpuOperatorArgs
from llmd_infra.addons.kueue import Kueue, KueueArgs, TopologyPool
from llmd_infra.addons.lws import LeaderWorkerSet, LeaderWorkerSetArgs
from llmd_infra.addons.network_operator import (
    NetworkAttachmentArgs,
    NvidiaNetworkOperator,
    NvidiaNetworkOperatorArgs,
)
from llmd_infra.addons.nfd import NodeFeatureDiscovery, NodeFeatureDiscoveryArgs

__all__ = [
    "AmdGpuOperator",
    "AmdGpuOperatorArgs",
    "GatewayApiCrds",
    "GatewayApiCrdsArgs",
    "Kueue",
    "KueueArgs",
    "LeaderWorkerSet",
    "LeaderWorkerSetArgs",
    "NetworkAttachmentArgs",
    "NodeFeatureDiscovery",
    "NodeFeatureDiscoveryArgs",
    "NvidiaDraDriver",
    "NvidiaDraDriverArgs",
    "NvidiaGpuOperator",
    "NvidiaGpuOperatorArgs",
    "NvidiaNetworkOperator",
    "NvidiaNetworkOperatorArgs",
    "TopologyPool",
]
