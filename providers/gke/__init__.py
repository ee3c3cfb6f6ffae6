"""GKE provider: ``GkeCluster`` and ``cluster_from_config`` (see README.md).

Importing this package imports ``pulumi_gcp`` and ``pulumi_kubernetes`` only — never another
cloud's SDK.
"""

from llmd_infra.providers.gke.args import (
    AcceleratorPoolArgs,
    AuthorizedNetworkArgs,
    AutoscalingArgs,
    DraDriverArgs,
    ExistingNetworkArgs,
    GatewayCrdsArgs,
    GkeClusterArgs,
    LwsArgs,
    NetworkArgs,
    ReservationArgs,
    SystemPoolArgs,
    TaintArgs,
)
from llmd_infra.providers.gke.cluster import TYPE, GkeCluster, cluster_from_config
from llmd_infra.providers.gke.network import ClusterNetwork, RdmaNetwork
from llmd_infra.providers.gke.pools import AcceleratorPool, SystemPool

__all__ = [
    "TYPE",
    "AcceleratorPool",
    "AcceleratorPoolArgs",
    "AuthorizedNetworkArgs",
    "AutoscalingArgs",
    "ClusterNetwork",
    "DraDriverArgs",
    "ExistingNetworkArgs",
    "GatewayCrdsArgs",
    "GkeCluster",
    "GkeClusterArgs",
    "LwsArgs",
    "NetworkArgs",
    "RdmaNetwork",
    "ReservationArgs",
    "SystemPool",
    "SystemPoolArgs",
    "TaintArgs",
    "cluster_from_config",
]
