"""OpenShift provider room: ``OpenShiftCluster`` and ``cluster_from_config`` (see README.md).

Lazy: ``import llmd_infra.providers.openshift`` imports nothing heavy, and its SDK-free parts
(``catalog``, ``config``, ``resources``, ``policies``, ``fakes``, ``platform``) never import ``pulumi_aws``.
The component names below import ``pulumi_aws`` and ``pulumi_kubernetes`` on first use (and
``pulumi_command`` only to read an ambient kubeconfig) — never another cloud's SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmd_infra.registry import lazy_exports

if TYPE_CHECKING:  # the lazily exported names, typed for checkers
    from llmd_infra.providers.openshift.args import (
        AcceleratorPoolArgs,
        AutoscalingArgs,
        AwsArgs,
        GatewayCrdsArgs,
        GpuOperatorArgs,
        KubeconfigArgs,
        LwsArgs,
        NetworkOperatorArgs,
        NfdArgs,
        OlmArgs,
        OpenShiftApproval,
        OpenShiftAutoscaling,
        OpenShiftAws,
        OpenShiftClusterArgs,
        OpenShiftGatewayCrds,
        OpenShiftGpuOperator,
        OpenShiftGpuPool,
        OpenShiftInfrastructure,
        OpenShiftKubeconfigOrigin,
        OpenShiftKubeconfigSource,
        OpenShiftKueue,
        OpenShiftLinkType,
        OpenShiftLws,
        OpenShiftNadCni,
        OpenShiftNetworkAttachment,
        OpenShiftNetworkOperator,
        OpenShiftNfd,
        OpenShiftOlm,
        OpenShiftRdmaPods,
        OpenShiftRootVolume,
        OpenShiftTaint,
        RdmaPodsArgs,
        RootVolumeArgs,
        TaintArgs,
    )
    from llmd_infra.providers.openshift.cluster import TYPE, OpenShiftCluster, cluster_from_config
    from llmd_infra.providers.openshift.machinesets import AcceleratorMachineSet
    from llmd_infra.providers.openshift.operators import (
        EfaDevicePlugin,
        LeaderWorkerSetOperator,
        RdmaSecurityContext,
    )

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "args": (
            "AcceleratorPoolArgs",
            "AutoscalingArgs",
            "AwsArgs",
            "GatewayCrdsArgs",
            "GpuOperatorArgs",
            "KubeconfigArgs",
            "LwsArgs",
            "NetworkOperatorArgs",
            "NfdArgs",
            "OlmArgs",
            "OpenShiftApproval",
            "OpenShiftAutoscaling",
            "OpenShiftAws",
            "OpenShiftClusterArgs",
            "OpenShiftGatewayCrds",
            "OpenShiftGpuOperator",
            "OpenShiftGpuPool",
            "OpenShiftInfrastructure",
            "OpenShiftKubeconfigOrigin",
            "OpenShiftKubeconfigSource",
            "OpenShiftLinkType",
            "OpenShiftKueue",
            "OpenShiftLws",
            "OpenShiftNadCni",
            "OpenShiftNetworkAttachment",
            "OpenShiftNetworkOperator",
            "OpenShiftNfd",
            "OpenShiftOlm",
            "OpenShiftRdmaPods",
            "OpenShiftRootVolume",
            "OpenShiftTaint",
            "RdmaPodsArgs",
            "RootVolumeArgs",
            "TaintArgs",
        ),
        "cluster": ("TYPE", "OpenShiftCluster", "cluster_from_config"),
        "machinesets": ("AcceleratorMachineSet",),
        "operators": ("EfaDevicePlugin", "LeaderWorkerSetOperator", "RdmaSecurityContext"),
    },
)
