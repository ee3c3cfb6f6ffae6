"""Networks of a DOKS cluster: its VPC, and pod networking over the RDMA fabric of multi-host pools.

The fabric path follows DigitalOcean's multi-node guide
(docs.digitalocean.com/products/kubernetes/how-to/configure-multinode-gpus/): DOKS itself installs the
Mellanox RDMA shared device plugin on fabric nodes (resources ``rdma/fabric0``..``rdma/fabric7``); the
user installs Multus (thick plugin) and one ``host-device`` NetworkAttachmentDefinition per fabric NIC,
named ``roce-net-fabric<N>``, which moves NIC ``fabric<N>`` into the pod. :class:`FabricNetwork` does
that, and adds what the guide leaves out: an IPAM (whereabouts) that gives each pod an address on every
fabric NIC, one disjoint /24 per NIC as DigitalOcean asks for rail-only fabrics
(docs.digitalocean.com/products/droplets/how-to/gpu/configure-multi-node/).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_digitalocean as do
import pulumi_kubernetes as k8s

from llmd_infra.addons._common import custom_resource, helm_release
from llmd_infra.pins import Pin
from llmd_infra.providers.doks.config import DoksClusterConfig

MULTUS = Pin(
    name="multus-cni",
    version="v4.3.0",
    # DigitalOcean's guide applies deployments/multus-daemonset-thick.yml from the master branch; the
    # same file at a release tag is immutable. Note: the manifest at every v4.x tag still names the
    # image ghcr.io/k8snetworkplumbingwg/multus-cni:snapshot-thick.
    source="k8snetworkplumbingwg/multus-cni tag v4.3.0 (2026-05-29), deployments/multus-daemonset-thick.yml",
    chart="https://raw.githubusercontent.com/k8snetworkplumbingwg/multus-cni/{version}/deployments/"
    "multus-daemonset-thick.yml",
    namespace="kube-system",
)

WHEREABOUTS = Pin(
    name="whereabouts",
    version="0.9.4",
    # .github/workflows/chart-push-release.yml pushes deployment/whereabouts-chart on every tag, with
    # the chart version = the tag without "v" and the image tag = the release tag (hack/release).
    source="k8snetworkplumbingwg/whereabouts tag v0.9.4 (2026-06-02), deployment/whereabouts-chart",
    chart="oci://ghcr.io/k8snetworkplumbingwg/whereabouts-chart",
    namespace="kube-system",
)

NAD_API = "k8s.cni.cncf.io/v1"
NAD_PREFIX = "roce-net-fabric"
"""NetworkAttachmentDefinition names as DigitalOcean's multi-node guide writes them."""
MANAGED_BY = {"app.kubernetes.io/managed-by": "llmd-infra"}


def fabric_nic(index: int) -> str:
    """Host interface name of a fabric NIC (``fabric0``..)."""
    return f"fabric{index}"


def rdma_resource(index: int) -> str:
    """The extended resource DOKS's RDMA shared device plugin advertises for a fabric NIC."""
    return f"rdma/{fabric_nic(index)}"


def nad_config(index: int, ipam_range: str | None) -> str:
    """CNI config of the NetworkAttachmentDefinition for fabric NIC ``index``.

    ``host-device`` moves the NIC into the pod (one pod per NIC and node at a time); with a range,
    whereabouts assigns the pod an address from it, unique across the cluster.
    """
    plugin: dict[str, Any] = {
        "cniVersion": "0.3.1",
        "name": f"{NAD_PREFIX}{index}",
        "type": "host-device",
        "device": fabric_nic(index),
    }
    if ipam_range is not None:
        plugin["ipam"] = {"type": "whereabouts", "range": ipam_range}
    return json.dumps(plugin, sort_keys=True)


def pod_annotation(namespace: str, count: int) -> str:
    """The ``k8s.v1.cni.cncf.io/networks`` value that attaches every fabric NIC to a pod."""
    return ", ".join(f"{namespace}/{NAD_PREFIX}{i}@{fabric_nic(i)}" for i in range(count))


class ClusterNetwork(pulumi.ComponentResource):
    """The cluster's own VPC in its region (DOKS clusters are VPC-native)."""

    vpc_id: pulumi.Output[str]

    def __init__(self, name: str, config: DoksClusterConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(
            "llmd-infra:doks:ClusterNetwork",
            name,
            {"region": config.region, "ipRange": config.network.vpc_cidr},
            opts,
        )
        self.vpc = do.Vpc(
            f"{name}-vpc",
            do.VpcArgs(
                name=f"{config.name}-vpc",
                region=config.region,
                ip_range=config.network.vpc_cidr,
                description=f"llmd-infra: VPC of DOKS cluster {config.name}",
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.vpc_id = self.vpc.id
        self.register_outputs({"vpcId": self.vpc_id})


class FabricNetwork(pulumi.ComponentResource):
    """Multus, whereabouts and the ``roce-net-fabric<N>`` NetworkAttachmentDefinitions.

    Created with the cluster's Kubernetes provider and waiting only for the system pool (never for a
    GPU pool): Multus and whereabouts are DaemonSets that also land on GPU nodes as they join, so
    neither waits for its pods (``skip_await`` / no Helm wait). The Multus manifest is ``protect``-ed
    with the cluster and ``retain_on_delete``: it carries the NetworkAttachmentDefinition CRD.
    """

    annotation: pulumi.Output[str]
    resources: pulumi.Output[list[str]]

    def __init__(
        self,
        name: str,
        config: DoksClusterConfig,
        depends_on: Sequence[pulumi.Resource],
        protect: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        fabric = config.fabric
        count = config.fabric_nic_count()
        ranges: list[str | None] = (
            list(fabric.nic_cidrs(count)) if fabric.ipam == "whereabouts" else [None] * count
        )
        super().__init__(
            "llmd-infra:doks:FabricNetwork",
            name,
            {"nics": count, "namespace": fabric.namespace, "ipam": fabric.ipam, "ranges": ranges,
             "multusVersion": MULTUS.version},
            opts,
        )
        deps = list(depends_on)
        self.multus = k8s.yaml.v2.ConfigFile(
            f"{name}-multus",
            k8s.yaml.v2.ConfigFileArgs(file=MULTUS.chart.format(version=MULTUS.version), skip_await=True),
            # The manifest carries the NetworkAttachmentDefinition CRD, which owns every NAD on the cluster
            # (the user's too): removing Multus from the program must never delete it.
            opts=pulumi.ResourceOptions(parent=self, depends_on=deps, protect=protect, retain_on_delete=True),
        )
        self.whereabouts: k8s.helm.v3.Release | None = None
        if fabric.ipam == "whereabouts":
            self.whereabouts = helm_release(
                f"{name}-whereabouts",
                release_name="whereabouts",
                chart=WHEREABOUTS.chart,
                version=WHEREABOUTS.version,
                namespace=WHEREABOUTS.namespace,
                values={},
                wait=False,
                parent=self,
                depends_on=deps,
            )
        nad_deps = [*deps, self.multus, *([self.whereabouts] if self.whereabouts is not None else [])]
        self.attachments = [
            custom_resource(
                f"{name}-{NAD_PREFIX}{i}",
                api_version=NAD_API,
                kind="NetworkAttachmentDefinition",
                name=f"{NAD_PREFIX}{i}",
                namespace=fabric.namespace,
                labels=MANAGED_BY,
                spec={"config": nad_config(i, ranges[i])},
                parent=self,
                depends_on=nad_deps,
            )
            for i in range(count)
        ]
        self.annotation = pulumi.Output.from_input(pod_annotation(fabric.namespace, count))
        self.resources = pulumi.Output.from_input([rdma_resource(i) for i in range(count)])
        self.register_outputs({"podAnnotation": self.annotation, "rdmaResources": self.resources})
