"""Networks of a GKE cluster: the VPC-native cluster network and the manual multi-network RDMA path."""

from __future__ import annotations

from typing import Any

import pulumi

from llmd_infra.addons.sdk import k8s
from llmd_infra.providers.gke.config import GkeClusterConfig
from llmd_infra.providers.gke.sdk import gcp

RDMA_MTU = 8896
"""MTU of the gVNIC and RoCE VPCs (GoogleCloudPlatform/cluster-toolkit modules/network/gpu-rdma-vpc and
examples/gke-a4/gke-a4.yaml; https://docs.cloud.google.com/ai-hypercomputer/docs/create/gke-ai-hypercompute)."""
GVNIC_DEVICE_MODE = "NetDevice"
"""``deviceMode`` of the second gVNIC network: Cluster Toolkit gives every non-RDMA additional network
``NetDevice`` (modules/scheduler/gke-cluster/main.tf @1047080), and the GKENetworkParamSet CRD requires a
device mode for networks of type Device (GoogleCloudPlatform/gke-networking-api
config/crds/networking.gke.io_gkenetworkparamsets.yaml @34c617f)."""
RDMA_DEVICE_MODE = "RDMA"
PODS_RANGE = "pods"
SERVICES_RANGE = "services"
GKE_NETWORKING_GROUP = "networking.gke.io"
GKE_NETWORKING_API = "networking.gke.io/v1"
MANAGED_BY = {"app.kubernetes.io/managed-by": "llmd-infra"}


class ClusterNetwork(pulumi.ComponentResource):
    """A new VPC with one regional node subnet (secondary ranges for pods and services), a proxy-only
    subnet for GKE's regional Gateway classes, and Cloud NAT so private nodes can pull images."""

    network_name: pulumi.Output[str]
    subnetwork_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        config: GkeClusterConfig,
        project: pulumi.Input[str] | None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        net = config.network
        super().__init__(
            "llmd-infra:gke:ClusterNetwork",
            name,
            {"region": config.region, "nodeCidr": net.node_cidr, "podsCidr": net.pods_cidr,
             "servicesCidr": net.services_cidr, "proxyCidr": net.proxy_cidr},
            opts,
        )
        child = pulumi.ResourceOptions(parent=self)
        self.vpc = gcp.compute.Network(
            f"{name}-vpc",
            gcp.compute.NetworkArgs(
                name=config.name,
                project=project,
                auto_create_subnetworks=False,
                routing_mode="REGIONAL",
                description=f"llmd-infra: network of GKE cluster {config.name}",
            ),
            opts=child,
        )
        self.subnet = gcp.compute.Subnetwork(
            f"{name}-subnet",
            gcp.compute.SubnetworkArgs(
                name=f"{config.name}-nodes",
                project=project,
                region=config.region,
                network=self.vpc.id,
                ip_cidr_range=net.node_cidr,
                private_ip_google_access=True,
                secondary_ip_ranges=[
                    gcp.compute.SubnetworkSecondaryIpRangeArgs(range_name=PODS_RANGE, ip_cidr_range=net.pods_cidr),
                    gcp.compute.SubnetworkSecondaryIpRangeArgs(
                        range_name=SERVICES_RANGE, ip_cidr_range=net.services_cidr
                    ),
                ],
                log_config=gcp.compute.SubnetworkLogConfigArgs(
                    aggregation_interval="INTERVAL_5_SEC", flow_sampling=0.5, metadata="INCLUDE_ALL_METADATA"
                ),
            ),
            opts=child,
        )
        self.proxy_subnet = gcp.compute.Subnetwork(
            f"{name}-proxy-subnet",
            gcp.compute.SubnetworkArgs(
                name=f"{config.name}-proxy-only",
                project=project,
                region=config.region,
                network=self.vpc.id,
                ip_cidr_range=net.proxy_cidr,
                purpose="REGIONAL_MANAGED_PROXY",
                role="ACTIVE",
            ),
            opts=child,
        )
        self.router = gcp.compute.Router(
            f"{name}-router",
            gcp.compute.RouterArgs(
                name=f"{config.name}-router", project=project, region=config.region, network=self.vpc.id
            ),
            opts=child,
        )
        self.nat = gcp.compute.RouterNat(
            f"{name}-nat",
            gcp.compute.RouterNatArgs(
                name=f"{config.name}-nat",
                project=project,
                region=config.region,
                router=self.router.name,
                nat_ip_allocate_option="AUTO_ONLY",
                source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
                log_config=gcp.compute.RouterNatLogConfigArgs(enable=True, filter="ERRORS_ONLY"),
            ),
            opts=child,
        )
        self.network_name = self.vpc.name
        self.subnetwork_name = self.subnet.name
        self.register_outputs({"networkName": self.network_name, "subnetworkName": self.subnetwork_name})


class RdmaNetwork(pulumi.ComponentResource):
    """The manual multi-network RDMA path (llm-d's gIB path; the networks of Cluster Toolkit's
    examples/gke-a4/gke-a4.yaml @1047080).

    A second gVNIC VPC (``gvnic-1``, with the blueprint's internal-traffic firewall rule) and a RoCE VPC
    (network profile ``<zone>-vpc-roce``, which needs no firewall rule) with one
    subnet per RDMA NIC; node pools attach them as ``additional_node_network_configs`` and
    :meth:`add_network_objects` creates the ``GKENetworkParamSet``/``Network`` objects named
    ``gvnic-1`` and ``rdma-0``..``rdma-N-1`` that llm-d's pod annotations reference.
    """

    network_names: pulumi.Output[list[str]]

    def __init__(
        self,
        name: str,
        config: GkeClusterConfig,
        project: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        zone = config.multi_network_zone()
        nics = config.multi_network_nic_count()
        assert zone is not None and nics > 0
        self.zone = zone
        self.nic_count = nics
        cidrs = config.network.rdma_subnet_cidrs(nics)
        super().__init__(
            "llmd-infra:gke:RdmaNetwork",
            name,
            {"zone": zone, "rdmaNics": nics, "gvnicCidr": config.network.gvnic_cidr, "rdmaCidrs": cidrs},
            opts,
        )
        self._name = name
        child = pulumi.ResourceOptions(parent=self)
        self.gvnic_vpc = gcp.compute.Network(
            f"{name}-gvnic-vpc",
            gcp.compute.NetworkArgs(
                name=f"{config.name}-gvnic-1",
                project=project,
                auto_create_subnetworks=False,
                mtu=RDMA_MTU,
                description=f"llmd-infra: second gVNIC network of GKE cluster {config.name}",
            ),
            opts=child,
        )
        self.gvnic_subnet = gcp.compute.Subnetwork(
            f"{name}-gvnic-subnet",
            gcp.compute.SubnetworkArgs(
                name=f"{config.name}-gvnic-1",
                project=project,
                region=config.region,
                network=self.gvnic_vpc.id,
                ip_cidr_range=config.network.gvnic_cidr,
                private_ip_google_access=True,
            ),
            opts=child,
        )
        # The blueprint lets the nodes of the second gVNIC network talk to each other (tcp, udp, icmp from
        # the network's own range: examples/gke-a4/gke-a4.yaml @1047080, firewall rule "internal-1").
        self.gvnic_firewall = gcp.compute.Firewall(
            f"{name}-gvnic-internal",
            gcp.compute.FirewallArgs(
                name=f"{config.name}-gvnic-1-internal",
                project=project,
                network=self.gvnic_vpc.name,
                direction="INGRESS",
                source_ranges=[config.network.gvnic_cidr],
                allows=[
                    gcp.compute.FirewallAllowArgs(protocol="tcp", ports=["0-65535"]),
                    gcp.compute.FirewallAllowArgs(protocol="udp", ports=["0-65535"]),
                    gcp.compute.FirewallAllowArgs(protocol="icmp"),
                ],
                description=f"llmd-infra: traffic between the nodes of {config.name}'s second gVNIC network",
            ),
            opts=child,
        )
        profile = pulumi.Output.concat("projects/", project, f"/global/networkProfiles/{zone}-vpc-roce")
        self.roce_vpc = gcp.compute.Network(
            f"{name}-roce-vpc",
            gcp.compute.NetworkArgs(
                name=f"{config.name}-rdma",
                project=project,
                auto_create_subnetworks=False,
                mtu=RDMA_MTU,
                network_profile=profile,
                description=f"llmd-infra: RoCE network of GKE cluster {config.name}",
            ),
            opts=child,
        )
        self.rdma_subnets = [
            gcp.compute.Subnetwork(
                f"{name}-rdma-{i}-subnet",
                gcp.compute.SubnetworkArgs(
                    name=f"{config.name}-rdma-{i}",
                    project=project,
                    region=config.region,
                    network=self.roce_vpc.id,
                    ip_cidr_range=cidr,
                ),
                opts=child,
            )
            for i, cidr in enumerate(cidrs)
        ]
        self.network_names = pulumi.Output.from_input(["gvnic-1", *(f"rdma-{i}" for i in range(nics))])
        self.objects: list[k8s.apiextensions.CustomResource] = []

    def node_network_configs(self) -> list[gcp.container.NodePoolNetworkConfigAdditionalNodeNetworkConfigArgs]:
        """``additional_node_network_configs`` of a node pool: gvnic-1, then rdma-0..N-1."""
        pairs = [(self.gvnic_vpc, self.gvnic_subnet), *((self.roce_vpc, s) for s in self.rdma_subnets)]
        return [
            gcp.container.NodePoolNetworkConfigAdditionalNodeNetworkConfigArgs(network=vpc.name, subnetwork=sub.name)
            for vpc, sub in pairs
        ]

    def add_network_objects(self, provider: k8s.Provider, depends_on: list[pulumi.Resource]) -> None:
        """The ``GKENetworkParamSet`` and ``Network`` objects, then the component's outputs."""
        entries: list[tuple[str, gcp.compute.Network, gcp.compute.Subnetwork, str]] = [
            ("gvnic-1", self.gvnic_vpc, self.gvnic_subnet, GVNIC_DEVICE_MODE),
            *((f"rdma-{i}", self.roce_vpc, s, RDMA_DEVICE_MODE) for i, s in enumerate(self.rdma_subnets)),
        ]
        opts = pulumi.ResourceOptions(parent=self, provider=provider, depends_on=depends_on)
        for net_name, vpc, subnet, device_mode in entries:
            spec: dict[str, Any] = {"vpc": vpc.name, "vpcSubnet": subnet.name, "deviceMode": device_mode}
            params = k8s.apiextensions.CustomResource(
                f"{self._name}-{net_name}-params",
                api_version=GKE_NETWORKING_API,
                kind="GKENetworkParamSet",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=net_name, labels=MANAGED_BY),
                spec=spec,
                opts=opts,
            )
            network = k8s.apiextensions.CustomResource(
                f"{self._name}-{net_name}-network",
                api_version=GKE_NETWORKING_API,
                kind="Network",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=net_name, labels=MANAGED_BY),
                spec={
                    "type": "Device",
                    "parametersRef": {"group": GKE_NETWORKING_GROUP, "kind": "GKENetworkParamSet", "name": net_name},
                },
                opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[params])),
            )
            self.objects += [params, network]
        self.register_outputs({"networkNames": self.network_names, "zone": self.zone})
