"""DOKS provider room: ``DoksCluster`` and ``cluster_from_config`` (see README.md).

Lazy: ``import llmd_infra.providers.doks`` imports nothing heavy, and its SDK-free parts
(``catalog``, ``config``, ``platform``, ``resources``, ``policies``, ``fakes``) never import
``pulumi_digitalocean``. The component names below import ``pulumi_digitalocean`` and
``pulumi_kubernetes`` on first use — never another cloud's SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmd_infra.registry import lazy_exports

if TYPE_CHECKING:  # the lazily exported names, typed for checkers
    from llmd_infra.providers.doks.args import (
        AcceleratorPoolArgs,
        AutoscalingArgs,
        ControlPlaneFirewallArgs,
        DoksAutoscaling,
        DoksClusterArgs,
        DoksControlPlaneFirewall,
        DoksFabric,
        DoksFabricIpam,
        DoksGatewayCrds,
        DoksGpuOperator,
        DoksGpuPath,
        DoksGpuPool,
        DoksKueue,
        DoksLws,
        DoksMaintenanceWindow,
        DoksNetwork,
        DoksSystemPool,
        DoksTaint,
        DoksTaintEffect,
        DoksWeekday,
        FabricArgs,
        GatewayCrdsArgs,
        GpuOperatorArgs,
        LwsArgs,
        MaintenanceWindowArgs,
        NetworkArgs,
        SystemPoolArgs,
        TaintArgs,
    )
    from llmd_infra.providers.doks.cluster import TYPE, DoksCluster, cluster_from_config
    from llmd_infra.providers.doks.network import ClusterNetwork, FabricNetwork
    from llmd_infra.providers.doks.pools import AcceleratorPool

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "args": (
            "AcceleratorPoolArgs",
            "AutoscalingArgs",
            "ControlPlaneFirewallArgs",
            "DoksAutoscaling",
            "DoksClusterArgs",
            "DoksControlPlaneFirewall",
            "DoksFabric",
            "DoksFabricIpam",
            "DoksGatewayCrds",
            "DoksGpuOperator",
            "DoksGpuPath",
            "DoksGpuPool",
            "DoksKueue",
            "DoksLws",
            "DoksMaintenanceWindow",
            "DoksNetwork",
            "DoksSystemPool",
            "DoksTaint",
            "DoksTaintEffect",
            "DoksWeekday",
            "FabricArgs",
            "GatewayCrdsArgs",
            "GpuOperatorArgs",
            "LwsArgs",
            "MaintenanceWindowArgs",
            "NetworkArgs",
            "SystemPoolArgs",
            "TaintArgs",
        ),
        "cluster": ("TYPE", "DoksCluster", "cluster_from_config"),
        "network": ("ClusterNetwork", "FabricNetwork"),
        "pools": ("AcceleratorPool",),
    },
)
