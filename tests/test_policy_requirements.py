"""Requirement policies on RAW provider programs: exact verdicts and messages, compliant and not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_digitalocean as do
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s
import pytest

from llmd_infra.plan.analyze import analyze_plan
from llmd_infra.plan.engine import run_callable
from llmd_infra.policy import requirements as req
from llmd_infra.policy.common import Resource
from llmd_infra.providers.gke.resources import GKE_NODE_POOL

GKE = gcp.container
REQUIREMENT_IDS = {
    "kubernetes-version", "accelerator-supported", "multi-host-placement", "multi-host-placement-cluster",
    "accelerator-interconnect",
    "host-network-bandwidth", "host-cpu-cores", "host-memory", "host-pcie-generation", "lws-version",
    "lws-installed", "gpu-driver-path",
}  # fmt: skip


class Unordered(list[tuple[str, str, str, str]]):
    """Verdicts compared without order: resources register concurrently, so their order varies."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, list) and sorted(self) == sorted(other)

    __hash__ = None  # type: ignore[assignment]


def verdicts(
    program: Callable[[], None], config: dict[str, Any] | None = None, only: set[str] | None = None
) -> list[tuple[str, str, str, str]]:
    """(policy, enforcement, resource name, message) of the requirement policies, in report order."""
    analysis = analyze_plan(run_callable(program), config)
    return Unordered(
        (v.policy, v.enforcement, v.urn.rsplit("::", 1)[-1] if v.urn else "", v.message)
        for v in analysis.violations
        if v.policy in (only or REQUIREMENT_IDS)
    )


def notes(program: Callable[[], None]) -> list[tuple[str, str]]:
    return sorted((n.policy, n.message) for n in analyze_plan(run_callable(program)).notes)


def gpu_pool(
    name: str, machine: str, accelerator: str | None, *, labels: dict[str, str] | None = None, **kw: Any
) -> Any:
    accelerators = [GKE.NodePoolNodeConfigGuestAcceleratorArgs(type=accelerator, count=8)] if accelerator else None
    location = kw.pop("location", "us-central1-a")
    if location == "us-central1-a":  # a standalone pool pins its zone (else it inherits the cluster's)
        kw.setdefault("node_locations", [location])
    return GKE.NodePool(
        name,
        cluster="c",
        location=location,
        node_count=2,
        node_config=GKE.NodePoolNodeConfigArgs(
            machine_type=machine,
            guest_accelerators=accelerators,
            labels=labels,
            reservation_affinity=kw.pop("reservation_affinity", None),
        ),
        **kw,
    )


MULTI = {"llm-d.ai/multi-host": "true"}


# --- kubernetes-version ---------------------------------------------------------------------------


def test_kubernetes_version_flags_old_explicit_versions_on_gke_and_doks() -> None:
    def program() -> None:
        GKE.Cluster(
            "old",
            location="us-central1-a",
            min_master_version="1.28",
            node_version="1.28.9-gke.100",
            node_pools=[GKE.ClusterNodePoolArgs(name="p", version="1.27")],
        )
        GKE.NodePool("np", cluster="c", version="1.28.15-gke.1000")
        do.KubernetesCluster(
            "doks",
            region="nyc2",
            version="1.28.2-do.0",
            node_pool=do.KubernetesClusterNodePoolArgs(name="sys", size="s-4vcpu-8gb", node_count=1),
        )

    msg = "is older than Kubernetes 1.29; llm-d needs 1.29 or newer"
    assert verdicts(program) == [
        ("kubernetes-version", "mandatory", "old", f'minMasterVersion "1.28" {msg}'),
        ("kubernetes-version", "mandatory", "old", f'nodeVersion "1.28.9-gke.100" {msg}'),
        ("kubernetes-version", "mandatory", "old", f'nodePools[0].version "1.27" {msg}'),
        ("kubernetes-version", "mandatory", "np", f'version "1.28.15-gke.1000" {msg}'),
        ("kubernetes-version", "mandatory", "doks", f'version "1.28.2-do.0" {msg}'),
    ]


def test_kubernetes_version_passes_new_unset_and_channel_chosen_versions() -> None:
    def program() -> None:
        GKE.Cluster("new", location="us-central1-a", min_master_version="1.31.4-gke.1183000")
        GKE.Cluster("unset", location="us-central1-a")
        GKE.Cluster("latest", location="us-central1-a", min_master_version="latest")
        do.KubernetesCluster(
            "doks",
            region="nyc2",
            version="1.33.1-do.3",
            node_pool=do.KubernetesClusterNodePoolArgs(name="sys", size="s-4vcpu-8gb", node_count=1),
        )

    assert verdicts(program) == []


def test_kubernetes_version_reads_minikube_and_openshift_and_config_minimum() -> None:
    def program() -> None:
        k8s.apiextensions.CustomResource(
            "version",
            api_version="config.openshift.io/v1",
            kind="ClusterVersion",
            spec={"channel": "stable-4.15", "desiredUpdate": {"version": "4.19.3"}},
        )

    assert verdicts(program) == [
        (
            "kubernetes-version",
            "mandatory",
            "version",
            'spec.channel "stable-4.15" is Kubernetes 1.28, older than 1.29; llm-d needs Kubernetes 1.29 or newer',
        ),
    ]
    check = req.check_kubernetes_version
    minikube = Resource("command:local:Command", "mk", "urn", {"create": "minikube start --kubernetes-version=v1.28.3"})
    assert [f.message for f in check(minikube, {})] == [
        'create (minikube --kubernetes-version) "v1.28.3" is older than Kubernetes 1.29; llm-d needs 1.29 or newer'
    ]
    pool = Resource(GKE_NODE_POOL, "np", "urn", {"version": "1.30"})
    assert check(pool, {}) == []
    assert [f.message for f in check(pool, {"minimumVersion": "1.31"})] == [
        'version "1.30" is older than Kubernetes 1.31; llm-d needs 1.31 or newer'
    ]


# --- accelerator-supported ------------------------------------------------------------------------


def test_accelerator_supported_is_advisory_for_older_and_a_note_for_unknown_accelerators() -> None:
    def program() -> None:
        gpu_pool("t4", "n1-standard-8", "nvidia-tesla-t4")
        gpu_pool("mystery", "n1-standard-8", "nvidia-zz-9000")
        gpu_pool("h200", "a3-ultragpu-8g", "nvidia-h200-141gb")
        do.KubernetesNodePool("mi300", cluster_id="c", name="mi300", size="gpu-mi300x8-1536gb", node_count=1)

    tested = "MI250X, TPU v5e, TPU v6e, L4, A100, H100, H200, B200, and newer"
    assert verdicts(program, only={"accelerator-supported"}) == [
        (
            "accelerator-supported",
            "advisory",
            "t4",
            f"pool 't4': accelerator \"nvidia-tesla-t4\" (T4) is older than the generations llm-d tests ({tested}); "
            "it may work, but support is best-effort",
        ),
    ]
    assert [n for n in notes(program) if n[0] == "accelerator-supported"] == [
        (
            "accelerator-supported",
            f"pool 'mystery': accelerator \"nvidia-zz-9000\" is not in the accelerator catalog, so whether llm-d "
            f"supports it is unknown (llm-d tests {tested})",
        ),
    ]
    allow = {"accelerator-supported": {"allowOlderAccelerators": True}}
    assert verdicts(program, allow, only={"accelerator-supported"}) == []


# --- multi-host-placement and accelerator-interconnect -------------------------------------------


def test_multi_host_gke_gpu_pool_spread_without_compact_placement_or_rdma() -> None:
    def program() -> None:
        gpu_pool(
            "spread",
            "a3-highgpu-8g",
            "nvidia-h100-80gb",
            labels=MULTI,
            location="us-central1",
            node_locations=["us-central1-a", "us-central1-b"],
        )

    why = "pool 'spread' is meant for multi-host inference (label llm-d.ai/multi-host=\"true\") but"
    assert verdicts(program)[:2] == [
        (
            "multi-host-placement",
            "mandatory",
            "spread",
            f"{why} is not confined to one network domain: it spreads over 2 zones (nodeLocations us-central1-a, "
            'us-central1-b); it has no COMPACT placement (placementPolicy.type "COMPACT") and no SPECIFIC '
            'reservation affinity (nodeConfig.reservationAffinity.consumeReservationType "SPECIFIC_RESERVATION")',
        ),
        (
            "accelerator-interconnect",
            "mandatory",
            "spread",
            f'{why} machine type "a3-highgpu-8g" has TCPX GPU networking, not an RDMA-class interconnect '
            "(RoCE/InfiniBand NICs or TPU ICI)",
        ),
    ]


def test_multi_host_gke_rdma_pool_needs_rdma_networking() -> None:
    def program() -> None:
        gpu_pool(
            "ultra",
            "a3-ultragpu-8g",
            "nvidia-h200-141gb",
            labels=MULTI,
            placement_policy=GKE.NodePoolPlacementPolicyArgs(type="COMPACT"),
            network_config=GKE.NodePoolNetworkConfigArgs(
                additional_node_network_configs=[
                    GKE.NodePoolNetworkConfigAdditionalNodeNetworkConfigArgs(network="gvnic-1", subnetwork="s")
                ]
            ),
        )

    assert verdicts(program) == [
        (
            "accelerator-interconnect",
            "mandatory",
            "ultra",
            "pool 'ultra' is meant for multi-host inference (label llm-d.ai/multi-host=\"true\") but machine type "
            '"a3-ultragpu-8g" has RDMA NICs but the pool configures no RDMA networking: set '
            'networkConfig.acceleratorNetworkProfile "auto", or one networkConfig.additionalNodeNetworkConfigs '
            "entry per RDMA NIC (1 given, 8 needed)",
        ),
        (
            "lws-installed",
            "advisory",
            "",
            "the stack has multi-host pools ('ultra') but installs no LeaderWorkerSet; llm-d deploys multi-host "
            "inference with LWS 0.7.0 or newer",
        ),
    ]


@pytest.mark.parametrize(
    "network",
    [
        {"accelerator_network_profile": "auto"},
        {
            "additional_node_network_configs": [
                GKE.NodePoolNetworkConfigAdditionalNodeNetworkConfigArgs(network=f"rdma-{i}", subnetwork=f"s{i}")
                for i in range(8)
            ]
        },
    ],
)
def test_multi_host_gke_rdma_pool_compliant(network: dict[str, Any]) -> None:
    def program() -> None:
        gpu_pool(
            "ultra",
            "a3-ultragpu-8g",
            "nvidia-h200-141gb",
            labels=MULTI,
            reservation_affinity=GKE.NodePoolNodeConfigReservationAffinityArgs(
                consume_reservation_type="SPECIFIC_RESERVATION",
                key="compute.googleapis.com/reservation-name",
                values=["r"],
            ),
            network_config=GKE.NodePoolNetworkConfigArgs(**network),
        )
        k8s.helm.v3.Release(
            "lws",
            chart="oci://registry.k8s.io/lws/charts/lws",
            version="0.7.0",
            opts=pulumi.ResourceOptions(protect=True),
        )

    assert verdicts(program) == []


def test_multi_host_tpu_slice_from_topology_passes_in_one_zone_and_fails_spread() -> None:
    def program() -> None:
        GKE.NodePool(
            "v6e",
            cluster="c",
            location="us-east5-b",
            node_locations=["us-east5-b"],
            node_count=4,
            node_config=GKE.NodePoolNodeConfigArgs(machine_type="ct6e-standard-4t"),
            placement_policy=GKE.NodePoolPlacementPolicyArgs(type="COMPACT", tpu_topology="4x4"),
        )
        GKE.NodePool(
            "v6e-regional",
            cluster="c",
            location="us-east5",
            node_count=4,
            node_config=GKE.NodePoolNodeConfigArgs(machine_type="ct6e-standard-4t"),
            placement_policy=GKE.NodePoolPlacementPolicyArgs(type="COMPACT", tpu_topology="4x4"),
        )
        k8s.helm.v3.Release(
            "lws",
            chart="lws",
            version="0.9.0",
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo="https://example/lws"),
        )

    assert verdicts(program) == [
        (
            "multi-host-placement-cluster",
            "mandatory",
            "v6e-regional",
            "pool 'v6e-regional' is meant for multi-host inference (TPU topology 4x4 spans 4 hosts) but is not "
            'confined to one network domain: it has no nodeLocations in the regional location "us-east5", so its '
            "nodes spread over the region's zones unless its cluster (not in this stack) pins one zone: set "
            "nodeLocations to one zone",
        ),
    ]


def test_multi_host_gke_pools_inherit_the_clusters_node_locations() -> None:
    """A pool without nodeLocations takes the cluster's (plus a zonal cluster's own zone)."""
    compact = GKE.ClusterNodePoolPlacementPolicyArgs(type="COMPACT")
    ultra = GKE.ClusterNodePoolNodeConfigArgs(
        machine_type="a3-ultragpu-8g",
        labels=MULTI,
        guest_accelerators=[GKE.ClusterNodePoolNodeConfigGuestAcceleratorArgs(type="nvidia-h200-141gb", count=8)],
    )
    network = GKE.ClusterNodePoolNetworkConfigArgs(accelerator_network_profile="auto")

    def program() -> None:
        GKE.Cluster(
            "regional",
            location="us-central1",
            node_locations=["us-central1-a", "us-central1-b"],
            node_pools=[
                GKE.ClusterNodePoolArgs(
                    name="inherits", node_config=ultra, placement_policy=compact, network_config=network
                ),
                GKE.ClusterNodePoolArgs(
                    name="pinned",
                    node_locations=["us-central1-b"],
                    node_config=ultra,
                    placement_policy=compact,
                    network_config=network,
                ),
            ],
        )
        GKE.Cluster(
            "zonal",
            location="us-central1-a",
            node_locations=["us-central1-b"],
            node_config=GKE.ClusterNodeConfigArgs(machine_type="a3-ultragpu-8g", labels=MULTI),
        )
        GKE.Cluster(
            "zonal-one-zone",
            location="us-central1-a",
            node_pools=[
                GKE.ClusterNodePoolArgs(
                    name="in-zone", node_config=ultra, placement_policy=compact, network_config=network
                )
            ],
        )
        gpu_pool(
            "standalone",
            "a3-ultragpu-8g",
            "nvidia-h200-141gb",
            labels=MULTI,
            location="us-central1-c",
            placement_policy=GKE.NodePoolPlacementPolicyArgs(type="COMPACT"),
            network_config=GKE.NodePoolNetworkConfigArgs(accelerator_network_profile="auto"),
        )

    why = (
        'is meant for multi-host inference (label llm-d.ai/multi-host="true") but is not confined to one network domain'
    )
    placement = [v for v in verdicts(program) if v[0].startswith("multi-host-placement")]
    assert placement == [
        (
            "multi-host-placement",
            "mandatory",
            "regional",
            f"pool 'inherits' (nodePools[0]) {why}: it spreads over 2 zones (the cluster's nodeLocations, which it "
            "inherits us-central1-a, us-central1-b)",
        ),
        (
            "multi-host-placement",
            "mandatory",
            "zonal",
            f"pool 'default-pool' (nodeConfig) {why}: it spreads over 2 zones (the zonal cluster's location and "
            "nodeLocations, which it inherits us-central1-a, us-central1-b); it has no COMPACT placement "
            '(placementPolicy.type "COMPACT") and no SPECIFIC reservation affinity '
            '(nodeConfig.reservationAffinity.consumeReservationType "SPECIFIC_RESERVATION")',
        ),
        (
            "multi-host-placement-cluster",
            "mandatory",
            "standalone",
            f"pool 'standalone' {why}: it sets no nodeLocations, so it takes its cluster's node_locations, and its "
            "cluster is not in this stack to show they are one zone: set nodeLocations to one zone",
        ),
    ]


def test_mandatory_pool_checks_keep_their_teeth_when_other_values_are_unknown_in_preview() -> None:
    """A value unknown in preview downgrades a policy to "can't run" only when the verdict needs it."""

    def program() -> None:
        zone = GKE.Cluster("c", location="us-central1-a").endpoint  # unknown in preview
        gpu_pool(
            "no-compact",
            "a3-highgpu-8g",
            "nvidia-h100-80gb",
            labels=MULTI,
            node_locations=[zone],
        )
        gpu_pool(
            "compact",
            "a3-ultragpu-8g",
            "nvidia-h200-141gb",
            labels=MULTI,
            node_locations=[zone],
            placement_policy=GKE.NodePoolPlacementPolicyArgs(type="COMPACT"),
            network_config=GKE.NodePoolNetworkConfigArgs(accelerator_network_profile="auto"),
        )
        GKE.Cluster("versions", location="us-central1-a", min_master_version="1.27", node_version=zone)
        GKE.Cluster("version-unknown", location="us-central1-a", min_master_version=zone)

    only = {"multi-host-placement", "accelerator-interconnect", "kubernetes-version"}
    cant = (
        "can't run policy '{}' from policy pack 'llmd-infra@v0.0.1' during preview: string value at .{} can't be known"
    )
    got = verdicts(program, only=only)
    assert got == [
        (
            "multi-host-placement",
            "mandatory",
            "no-compact",
            "pool 'no-compact' is meant for multi-host inference (label llm-d.ai/multi-host=\"true\") but is not "
            'confined to one network domain: it has no COMPACT placement (placementPolicy.type "COMPACT") and no '
            "SPECIFIC reservation affinity (nodeConfig.reservationAffinity.consumeReservationType "
            '"SPECIFIC_RESERVATION")',
        ),
        (
            "accelerator-interconnect",
            "mandatory",
            "no-compact",
            "pool 'no-compact' is meant for multi-host inference (label llm-d.ai/multi-host=\"true\") but machine "
            'type "a3-highgpu-8g" has TCPX GPU networking, not an RDMA-class interconnect (RoCE/InfiniBand NICs or '
            "TPU ICI)",
        ),
        (
            "multi-host-placement",
            "advisory",
            "compact",
            cant.format("multi-host-placement", "nodeLocations.0") + " during preview",
        ),
        (
            "kubernetes-version",
            "mandatory",
            "versions",
            'minMasterVersion "1.27" is older than Kubernetes 1.29; llm-d needs 1.29 or newer',
        ),
        (
            "kubernetes-version",
            "advisory",
            "version-unknown",
            cant.format("kubernetes-version", "minMasterVersion") + " during preview",
        ),
    ]


def test_kubernetes_version_flags_openshift_older_than_the_mapped_releases() -> None:
    check = req.check_kubernetes_version
    old = Resource("kubernetes:config.openshift.io/v1:ClusterVersion", "v", "urn", {"spec": {"channel": "stable-4.12"}})
    assert [f.message for f in check(old, {})] == [
        'spec.channel "stable-4.12" is OpenShift older than 4.15 (Kubernetes 1.28), so older than 1.29; llm-d '
        "needs Kubernetes 1.29 or newer"
    ]
    assert check(old, {"minimumVersion": "1.27"}) == []  # 4.12 is older than 1.28, maybe not than 1.27


def test_multi_host_doks_needs_fabric_and_config_names_pools() -> None:
    def program() -> None:
        do.KubernetesNodePool("h100", cluster_id="c", name="h100", size="gpu-h100x8-640gb", node_count=2)
        do.KubernetesNodePool(
            "fabric",
            cluster_id="c",
            name="fabric",
            size="gpu-h200x8-1128gb-fabric-contracted",
            node_count=2,
            labels=MULTI,
        )

    placement = {"multi-host-placement", "accelerator-interconnect", "lws-installed"}
    assert verdicts(program, only=placement) == [
        (
            "lws-installed",
            "advisory",
            "",
            "the stack has multi-host pools ('fabric') but installs no LeaderWorkerSet; llm-d deploys multi-host "
            "inference with LWS 0.7.0 or newer",
        ),
    ]
    config = {name: {"multiHostPools": ["h100"]} for name in ("multi-host-placement", "accelerator-interconnect")}
    assert verdicts(program, config, only=placement)[0] == (
        "accelerator-interconnect",
        "mandatory",
        "h100",
        "pool 'h100' is meant for multi-host inference (named in the policy config's multiHostPools) but size "
        '"gpu-h100x8-640gb" has no multi-node RDMA fabric (only fabric sizes do)',
    )


def machine_set(name: str, instance: str, provider_spec: dict[str, Any]) -> None:
    k8s.apiextensions.CustomResource(
        name,
        api_version="machine.openshift.io/v1beta1",
        kind="MachineSet",
        metadata={"name": name, "namespace": "openshift-machine-api"},
        spec={
            "template": {
                "spec": {
                    "metadata": {"labels": MULTI},
                    "providerSpec": {"value": {"instanceType": instance, **provider_spec}},
                }
            }
        },
    )


def test_multi_host_machine_sets_on_aws() -> None:
    def program() -> None:
        machine_set("p5-ok", "p5.48xlarge", {"placementGroupName": "pg", "networkInterfaceType": "EFA"})
        machine_set("p5-ena", "p5.48xlarge", {})
        machine_set("g6e", "g6e.12xlarge", {"placementGroupName": "pg", "networkInterfaceType": "EFA"})
        k8s.helm.v3.Release("lws", chart="oci://registry.k8s.io/lws/charts/lws", version="0.10.0")

    why = 'is meant for multi-host inference (label llm-d.ai/multi-host="true") but'
    result = verdicts(program)
    assert result == [
        (
            "multi-host-placement",
            "mandatory",
            "p5-ena",
            f"pool 'p5-ena' (spec.template.spec.providerSpec.value) {why} is not confined to one network domain: "
            "its AWS providerSpec has no placementGroupName (use a cluster placement group)",
        ),
        (
            "accelerator-interconnect",
            "mandatory",
            "p5-ena",
            f"pool 'p5-ena' (spec.template.spec.providerSpec.value) {why} providerSpec.networkInterfaceType is "
            '"ENA"; set "EFA" to use the instance\'s EFA interconnect',
        ),
        (
            "accelerator-interconnect",
            "mandatory",
            "g6e",
            f"pool 'g6e' (spec.template.spec.providerSpec.value) {why} instance type \"g6e.12xlarge\" has no "
            "RDMA-class GPU interconnect (EFA with GPUDirect RDMA, as on p4d/p5/p6 instances)",
        ),
        (
            "host-cpu-cores",
            "advisory",
            "g6e",
            "pool 'g6e' (spec.template.spec.providerSpec.value): \"g6e.12xlarge\" has 24 physical cores; llm-d asks "
            'for "80+ x86 or ARM cores per machine" (>= 80)',
        ),
        (
            "host-memory",
            "advisory",
            "g6e",
            "pool 'g6e' (spec.template.spec.providerSpec.value): \"g6e.12xlarge\" has 384 GiB memory; llm-d asks for "
            '"500GiB or more of memory" (>= 500 GiB)',
        ),
        *[
            (
                "gpu-driver-path",
                "advisory",
                name,
                f"pool '{name}' (spec.template.spec.providerSpec.value) has GPUs but no driver path: OpenShift installs "  # noqa: E501
                "no GPU driver by itself, and the stack installs neither the GPU Operator nor a DRA driver",
            )
            for name in ("p5-ok", "p5-ena", "g6e")
        ],
    ]


# --- host-* ---------------------------------------------------------------------------------------


def test_host_policies_judge_accelerator_pools_and_note_unknown_facts() -> None:
    def program() -> None:
        gpu_pool("l4", "g2-standard-96", "nvidia-l4")
        gpu_pool("b200", "a4-highgpu-8g", "nvidia-b200")
        GKE.NodePool("cpu", cluster="c", node_config=GKE.NodePoolNodeConfigArgs(machine_type="e2-standard-4"))

    assert verdicts(program) == [
        (
            "host-cpu-cores",
            "advisory",
            "l4",
            'pool \'l4\': "g2-standard-96" has 48 physical cores; llm-d asks for "80+ x86 or ARM cores per machine" '
            "(>= 80)",
        ),
        (
            "host-memory",
            "advisory",
            "l4",
            'pool \'l4\': "g2-standard-96" has 357.6 GiB memory; llm-d asks for "500GiB or more of memory" (>= 500 GiB)',  # noqa: E501
        ),
    ]
    assert notes(program) == sorted(
        [
            (
                "host-pcie-generation",
                "pool 'l4': the catalog does not know the PCIe generation of \"g2-standard-96\"; not judged",
            ),
            (
                "host-pcie-generation",
                "pool 'b200': the catalog does not know the PCIe generation of \"a4-highgpu-8g\"; not judged",
            ),
        ]
    )


def test_host_policy_minimum_is_configurable() -> None:
    def program() -> None:
        gpu_pool("l4", "g2-standard-96", "nvidia-l4")

    config = {"host-cpu-cores": {"minimum": 48}, "host-memory": "disabled"}
    assert verdicts(program, config) == []


# --- lws-version / lws-installed ------------------------------------------------------------------


def test_lws_version_on_helm_release_chart_and_manifests() -> None:
    def program() -> None:
        k8s.helm.v3.Release("old-release", chart="oci://registry.k8s.io/lws/charts/lws", version="0.6.2")
        k8s.helm.v4.Chart("old-chart", chart="oci://registry.k8s.io/lws/charts/lws", version="v0.5.0")
        k8s.yaml.v2.ConfigFile(
            "old-file", file="https://github.com/kubernetes-sigs/lws/releases/download/v0.6.0/manifests.yaml"
        )
        k8s.yaml.v2.ConfigGroup(
            "new-group", files=["https://github.com/kubernetes-sigs/lws/releases/download/v0.9.0/manifests.yaml"]
        )
        k8s.helm.v3.Release("new", chart="oci://registry.k8s.io/lws/charts/lws", version="0.7.0")
        k8s.helm.v3.Release("other", chart="oci://registry.k8s.io/nfd/charts/node-feature-discovery", version="0.1.0")

    assert verdicts(program) == [
        (
            "lws-version",
            "mandatory",
            "old-release",
            'Helm chart "oci://registry.k8s.io/lws/charts/lws" version "0.6.2" installs LeaderWorkerSet 0.6.2; llm-d '
            "needs LWS 0.7.0 or newer",
        ),
        (
            "lws-version",
            "mandatory",
            "old-chart",
            'Helm chart "oci://registry.k8s.io/lws/charts/lws" version "v0.5.0" installs LeaderWorkerSet 0.5.0; llm-d '
            "needs LWS 0.7.0 or newer",
        ),
        (
            "lws-version",
            "mandatory",
            "old-file",
            'manifests "kubernetes-sigs/lws/releases/download/v0.6.0" "0.6.0" installs LeaderWorkerSet 0.6.0; llm-d '
            "needs LWS 0.7.0 or newer",
        ),
    ]


def test_lws_version_on_rendered_deployment_image() -> None:
    deployment = Resource(
        "kubernetes:apps/v1:Deployment",
        "lws-controller-manager",
        "urn",
        {"spec": {"template": {"spec": {"containers": [{"image": "registry.k8s.io/lws/lws:v0.6.1"}]}}}},
    )
    assert [f.message for f in req.check_lws_version(deployment, {})] == [
        'image "registry.k8s.io/lws/lws:v0.6.1" "0.6.1" installs LeaderWorkerSet 0.6.1; llm-d needs LWS 0.7.0 or newer'
    ]


# --- gpu-driver-path ------------------------------------------------------------------------------


def test_gpu_driver_path_needs_operator_when_gke_driver_disabled() -> None:
    def disabled_pool() -> None:
        GKE.NodePool(
            "dra",
            cluster="c",
            location="us-central1-a",
            node_config=GKE.NodePoolNodeConfigArgs(
                machine_type="a3-ultragpu-8g",
                guest_accelerators=[
                    GKE.NodePoolNodeConfigGuestAcceleratorArgs(
                        type="nvidia-h200-141gb",
                        count=8,
                        gpu_driver_installation_config=GKE.NodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfigArgs(
                            gpu_driver_version="INSTALLATION_DISABLED"
                        ),
                    )
                ],
            ),
        )

    assert verdicts(disabled_pool) == [
        (
            "gpu-driver-path",
            "advisory",
            "dra",
            "pool 'dra' has GPUs but no driver path: GKE driver installation is disabled (gpuDriverVersion "
            "INSTALLATION_DISABLED), and the stack installs neither the GPU Operator nor a DRA driver",
        ),
    ]

    def with_operator() -> None:
        disabled_pool()
        k8s.helm.v3.Release(
            "gpu-operator",
            chart="gpu-operator",
            version="v25.10.1",
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo="https://helm.ngc.nvidia.com/nvidia"),
        )

    assert verdicts(with_operator) == []


def test_policy_sources_restate_no_requirement_threshold() -> None:
    """Thresholds (also in remediation text) come from llmd_infra.requirements, never from literals."""
    from pathlib import Path

    from llmd_infra import requirements as records

    root = Path(req.__file__).parent
    thresholds = [
        records.KUBERNETES_VERSION.min_version().minor_str(),
        str(records.LWS_VERSION.min_version()),
        *(
            f"{r.min_int()} {unit}"
            for r, unit in (
                (records.HOST_CPU_CORES, "or more physical"),
                (records.HOST_MEMORY, "GiB"),
                (records.HOST_NETWORK_BANDWIDTH, "Gbps"),
            )
        ),
        f"PCIe {records.HOST_PCIE_GENERATION.min_int()}",
    ]
    for source in sorted(root.glob("*.py")):
        text = source.read_text()
        assert [t for t in thresholds if t in text] == [], source.name
