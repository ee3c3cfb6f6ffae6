"""minikube provider room: ``MinikubeCluster`` and ``cluster_from_config`` (see README.md).

Lazy: ``import llmd_infra.providers.minikube`` imports nothing heavy, and its SDK-free parts
(``catalog``, ``config``, ``resources``, ``fakes``, ``commands``, ``host``) never import
``pulumi_command``. The component names below import ``pulumi_command`` and ``pulumi_kubernetes`` on
first use — never a cloud's SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmd_infra.registry import lazy_exports

if TYPE_CHECKING:  # the lazily exported names, typed for checkers
    from llmd_infra.providers.minikube.args import GatewayCrdsArgs, LwsArgs, MinikubeClusterArgs
    from llmd_infra.providers.minikube.cluster import TYPE, MinikubeCluster, cluster_from_config

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "args": ("GatewayCrdsArgs", "LwsArgs", "MinikubeClusterArgs"),
        "cluster": ("TYPE", "MinikubeCluster", "cluster_from_config"),
    },
)
