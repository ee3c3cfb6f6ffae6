"""NVIDIA Network Operator, its NicClusterPolicy and the NetworkAttachmentDefinitions pods attach to.

Helm everywhere except OpenShift, where OLM installs the certified operator and the NicClusterPolicy
configures it (OpenShift ships Multus, the CNI plugins and whereabouts itself).
"""

from __future__ import annotations

import json
from typing import Any, TypedDict

import pulumi
from pydantic import Field, model_validator

from llmd_infra import pins
from llmd_infra.addons._common import (
    TYPE_PREFIX,
    caller_dependencies,
    custom_resource,
    helm_release,
    namespace,
    validate_args,
)
from llmd_infra.addons.olm import Approval, olm_operator
from llmd_infra.addons.sdk import k8s
from llmd_infra.config.addons import NadConfig, NetworkOperatorSettings, Platform
from llmd_infra.config.platform import platform_profile

MELLANOX_VENDOR_ID = "15b3"
NIC_CLUSTER_POLICY_NAME = "nic-cluster-policy"
"""The operator only reconciles a NicClusterPolicy of this name."""


class NetworkAttachmentArgs(TypedDict, total=False):
    """One secondary network (Multus ``NetworkAttachmentDefinition``)."""

    name: str
    """NetworkAttachmentDefinition name (pods request it in their ``k8s.v1.cni.cncf.io/networks`` annotation)."""
    namespace: str
    """Namespace of the pods that attach to it (default ``default``)."""
    master: str
    """Host interface (e.g. ``ib0`` for IPoIB, ``ens1f0np0`` for RoCE)."""
    cni: str
    """``macvlan`` (RoCE, default) | ``ipoib`` (InfiniBand) | ``host-device``."""
    ipam_range: str
    """Whereabouts CIDR for the pods' addresses on this network."""


class NvidiaNetworkOperatorArgs(TypedDict, total=False):
    """Arguments of :class:`NvidiaNetworkOperator`."""

    version: pulumi.Input[str]
    """network-operator chart version; defaults to ``llmd_infra.pins.NETWORK_OPERATOR``."""
    nfd_enabled: pulumi.Input[bool]
    """Deploy the chart's NFD (default false: install NFD once, e.g. with :class:`NodeFeatureDiscovery`)."""
    rdma_resource_name: pulumi.Input[str]
    """Resource the RDMA shared device plugin advertises as ``rdma/<name>`` (default ``ib``)."""
    rdma_hca_max: pulumi.Input[int]
    """Pods that may share one HCA (default 8, as llm-d's AKS policy)."""
    link_types: pulumi.Input[list[str]]
    """``infiniband`` and/or ``ether`` (RoCE); default ``[infiniband]``."""
    ofed_driver: pulumi.Input[bool]
    """Install the DOCA/OFED driver container (default false: the host ships the driver)."""
    doca_driver_version: pulumi.Input[str]
    """DOCA driver image tag; default ``pins.DOCA_DRIVER``."""
    networks: pulumi.Input[list[NetworkAttachmentArgs]]
    """NetworkAttachmentDefinitions to create for the RDMA NICs."""
    platform: str
    """Where it runs: a platform whose operators come from OLM (OpenShift) gets the certified operator
    (``nvidia-network-operator``); any other (default ``generic``) the Helm chart."""
    olm_channel: str
    """OpenShift: the Subscription channel (default ``pins.NETWORK_OPERATOR_OLM``, the pinned release's)."""
    olm_approval: str
    """OpenShift: the Subscription's ``installPlanApproval``, ``Automatic`` (default) or ``Manual``."""
    olm_starting_csv: str
    """OpenShift: ``startingCSV`` (e.g. ``nvidia-network-operator.v26.4.1``); needs ``olm_approval`` ``Manual``."""


class _NetworkInput(NetworkOperatorSettings):
    platform: Platform = "generic"
    olm_channel: str = Field(default=pins.NETWORK_OPERATOR_OLM.version, min_length=1)
    olm_approval: Approval = "Automatic"
    olm_starting_csv: str | None = None

    @model_validator(mode="after")
    def _pinned_only_with_manual(self) -> _NetworkInput:
        if self.olm_starting_csv and self.olm_approval != "Manual":
            raise ValueError("olm_starting_csv needs olm_approval 'Manual' (OLM upgrades an Automatic subscription)")
        return self


def rdma_shared_device_plugin_config(cfg: NetworkOperatorSettings) -> str:
    """The plugin's ``config`` JSON (one resource over every Mellanox RDMA NIC of the link types)."""
    return json.dumps(
        {
            "configList": [
                {
                    "resourceName": cfg.rdma_resource_name,
                    "rdmaHcaMax": cfg.rdma_hca_max,
                    "selectors": {
                        "vendors": [MELLANOX_VENDOR_ID],
                        "linkTypes": list(cfg.link_types),
                        "isRdma": True,
                    },
                }
            ]
        },
        sort_keys=True,
    )


def nic_cluster_policy_spec(cfg: NetworkOperatorSettings) -> dict[str, Any]:
    """NicClusterPolicy spec after llm-d's AKS ``nic-cluster-policy.yaml`` (https://github.com/llm-d/llm-d/tree/main/docs/infrastructure/providers/aks)."""
    spec: dict[str, Any] = {
        "rdmaSharedDevicePlugin": {
            "image": pins.RDMA_SHARED_DEVICE_PLUGIN.chart,
            "repository": pins.RDMA_SHARED_DEVICE_PLUGIN.repository,
            "version": pins.RDMA_SHARED_DEVICE_PLUGIN.version,
            "config": rdma_shared_device_plugin_config(cfg),
        }
    }
    if cfg.ofed_driver:
        spec["ofedDriver"] = {
            "image": pins.DOCA_DRIVER.chart,
            "repository": pins.DOCA_DRIVER.repository,
            "version": cfg.doca_driver_version,
            "env": [
                {
                    "name": "OFED_BLACKLIST_MODULES_FILE",
                    "value": "/host/etc/modprobe.d/blacklist-ofed-modules.conf",
                }
            ],
            "upgradePolicy": {
                "autoUpgrade": True,
                "maxParallelUpgrades": 1,
                "drain": {"enable": True, "force": True, "deleteEmptyDir": True, "timeoutSeconds": 300},
            },
        }
    return spec


def nad_config(net: NadConfig) -> str:
    """The CNI config JSON of one NetworkAttachmentDefinition (whereabouts IPAM)."""
    ipam = {"type": "whereabouts", "range": net.ipam_range}
    plugin: dict[str, Any] = {"cniVersion": "0.3.1", "name": net.name, "type": net.cni}
    if net.cni == "host-device":
        plugin["device"] = net.master
    else:
        plugin["master"] = net.master
    if net.cni == "macvlan":
        plugin["mode"] = "bridge"
    plugin["ipam"] = ipam
    return json.dumps(plugin, sort_keys=True)


class NvidiaNetworkOperator(pulumi.ComponentResource):
    """Network Operator (Helm, or OLM on OpenShift) + ``NicClusterPolicy`` + ``NetworkAttachmentDefinition`` s.

    For clusters with InfiniBand/RoCE NICs outside GKE (GKE exposes RDMA NICs through DRANET or
    multi-networking instead). OpenShift: OLM ``nvidia-network-operator`` (``certified-operators``) into
    ``nvidia-network-operator`` with an OwnNamespace OperatorGroup; OpenShift's Multus isolates NADs by
    namespace, so a NAD must live in its pods' namespace (network-operator-docs, OpenShift deployment
    guide). Elsewhere: ``helm.v3.Release`` of ``network-operator`` from NGC into
    ``network-operator`` (CRDs from the chart's ``crds/``, upgrade hooks); it does not wait, since its
    DaemonSets run on the accelerator nodes. The RDMA shared device plugin advertises
    ``rdma/<rdma_resource_name>``; each NAD carries ``k8s.v1.cni.cncf.io/resourceName`` so Multus
    pairs it with that resource. NADs use whereabouts IPAM: Multus and whereabouts must exist on the
    cluster (OpenShift ships both; elsewhere install them, e.g. via NicClusterPolicy
    ``secondaryNetwork``, which this component does not configure).
    """

    namespace: pulumi.Output[str]
    rdma_resource: pulumi.Output[str]

    def __init__(
        self, name: str, args: NvidiaNetworkOperatorArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        cfg = validate_args(_NetworkInput, dict(args), "NvidiaNetworkOperator", name)
        super().__init__(f"{TYPE_PREFIX}NvidiaNetworkOperator", name, cfg.model_dump(by_alias=True), opts)
        deps = caller_dependencies(opts)
        self.release: k8s.helm.v3.Release | None = None
        installed: pulumi.Resource
        if platform_profile(cfg.platform).operators_via_olm:
            # The certified bundle supports OwnNamespace/SingleNamespace only (v26.4.1 CSV installModes).
            ns_name = pins.NETWORK_OPERATOR_OLM.namespace
            olm = olm_operator(
                name,
                parent=self,
                depends_on=deps,
                namespace_name=ns_name,
                operator_group_name=ns_name,
                package=pins.NETWORK_OPERATOR_OLM.chart,
                channel=cfg.olm_channel,
                source=pins.NETWORK_OPERATOR_OLM.repository,
                approval=cfg.olm_approval,
                starting_csv=cfg.olm_starting_csv,
            )
            installed = olm.subscription
        else:
            ns_name = pins.NETWORK_OPERATOR.namespace
            ns = namespace(f"{name}-namespace", ns_name, self, deps)
            self.release = helm_release(
                f"{name}-release",
                release_name="network-operator",
                chart=pins.NETWORK_OPERATOR.chart,
                repository=pins.NETWORK_OPERATOR.repository,
                version=cfg.version,
                namespace=ns_name,
                values={"nfd": {"enabled": cfg.nfd_enabled}},
                wait=False,
                parent=self,
                depends_on=[*deps, ns],
            )
            installed = self.release
        self.nic_cluster_policy = custom_resource(
            f"{name}-nic-cluster-policy",
            api_version="mellanox.com/v1alpha1",
            kind="NicClusterPolicy",
            name=NIC_CLUSTER_POLICY_NAME,
            spec=nic_cluster_policy_spec(cfg),
            parent=self,
            depends_on=[*deps, installed],
        )
        resource = f"rdma/{cfg.rdma_resource_name}"
        self.networks: list[k8s.apiextensions.CustomResource] = [
            custom_resource(
                f"{name}-nad-{net.namespace}-{net.name}",
                api_version="k8s.cni.cncf.io/v1",
                kind="NetworkAttachmentDefinition",
                name=net.name,
                namespace=net.namespace,
                annotations={"k8s.v1.cni.cncf.io/resourceName": resource},
                spec={"config": nad_config(net)},
                parent=self,
                depends_on=[*deps, self.nic_cluster_policy],
            )
            for net in cfg.networks
        ]
        self.namespace = pulumi.Output.from_input(ns_name)
        self.rdma_resource = pulumi.Output.from_input(resource)
        self.register_outputs({"namespace": self.namespace, "rdmaResource": self.rdma_resource})
