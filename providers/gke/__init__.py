"""GKE provider room: ``GkeCluster`` and ``cluster_from_config`` (see README.md).

Lazy: ``import llmd_infra.providers.gke`` imports nothing heavy, and its SDK-free parts
(``catalog``, ``config``, ``resources``, ``policies``, ``fakes``) never import ``pulumi_gcp``. The
component names below import ``pulumi_gcp`` and ``pulumi_kubernetes`` on first use — never another
cloud's SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmd_infra.registry import lazy_exports

if TYPE_CHECKING:  # the lazily exported names, typed for checkers
    from llmd_infra.providers.gke.args import (
        AcceleratorPoolArgs,
        AuthorizedNetworkArgs,
        AutoscalingArgs,
        DraDriverArgs,
        ExistingNetworkArgs,
        GatewayCrdsArgs,
        GkeAcceleratorPool,
        GkeAuthorizedNetwork,
        GkeAutoscaling,
        GkeClusterArgs,
        GkeDiskType,
        GkeDraDriver,
        GkeExistingNetwork,
        GkeGatewayCrds,
        GkeGpuDriver,
        GkeKueue,
        GkeLws,
        GkeNetwork,
        GkeRdmaPath,
        GkeReleaseChannel,
        GkeReservation,
        GkeSystemPool,
        GkeTaint,
        GkeTaintEffect,
        LwsArgs,
        MaintenanceExclusionArgs,
        NetworkArgs,
        ReservationArgs,
        SystemPoolArgs,
        TaintArgs,
    )
    from llmd_infra.providers.gke.cluster import TYPE, GkeCluster, cluster_from_config
    from llmd_infra.providers.gke.driver_installer import CosNvidiaDriverInstaller, CosNvidiaDriverInstallerArgs
    from llmd_infra.providers.gke.network import ClusterNetwork, RdmaNetwork
    from llmd_infra.providers.gke.pools import AcceleratorPool, SystemPool

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "args": (
            "AcceleratorPoolArgs",
            "AuthorizedNetworkArgs",
            "AutoscalingArgs",
            "DraDriverArgs",
            "ExistingNetworkArgs",
            "GatewayCrdsArgs",
            "GkeAcceleratorPool",
            "GkeAuthorizedNetwork",
            "GkeAutoscaling",
            "GkeClusterArgs",
            "GkeDiskType",
            "GkeDraDriver",
            "GkeExistingNetwork",
            "GkeGatewayCrds",
            "GkeGpuDriver",
            "GkeKueue",
            "GkeLws",
            "GkeNetwork",
            "GkeRdmaPath",
            "GkeReleaseChannel",
            "GkeReservation",
            "GkeSystemPool",
            "GkeTaint",
            "GkeTaintEffect",
            "LwsArgs",
            "MaintenanceExclusionArgs",
            "NetworkArgs",
            "ReservationArgs",
            "SystemPoolArgs",
            "TaintArgs",
        ),
        "cluster": ("TYPE", "GkeCluster", "cluster_from_config"),
        "driver_installer": ("CosNvidiaDriverInstaller", "CosNvidiaDriverInstallerArgs"),
        "network": ("ClusterNetwork", "RdmaNetwork"),
        "pools": ("AcceleratorPool", "SystemPool"),
    },
)
