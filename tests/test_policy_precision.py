"""Issue 10, precision: raw programs judged as precisely as the cloud would, with exact verdicts.

A standalone node pool judged with its cluster (found through its ``cluster`` property dependency),
vCPU counts bounding unpublished physical cores, accelerators read from machine names the catalog
does not list, Autopilot's release channel, and the boundaries a mutation of a check would cross.
"""

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
from llmd_infra.policy.common import StackResource
from llmd_infra.policy.resources import cluster_of
from llmd_infra.providers.gke.resources import GKE_CLUSTER, GKE_NODE_POOL
from tests.raw_verdicts import verdicts

GKE = gcp.container
MULTI = {"llm-d.ai/multi-host": "true"}
PLACEMENT = {"multi-host-placement", "multi-host-placement-cluster"}
TESTED = "MI250X, TPU v5e, TPU v6e, L4, A100, H100, H200, B200, and newer"
WHY = 'is meant for multi-host inference (label llm-d.ai/multi-host="true") but is not confined to one network domain'


def notes(program: Callable[[], None], policy: str) -> list[tuple[str, str]]:
    analysis = analyze_plan(run_callable(program))
    return sorted((n.urn.rsplit("::", 1)[-1], n.message) for n in analysis.notes if n.policy == policy)


def rdma_pool(name: str, cluster: Any, **kw: Any) -> Any:
    """A compact multi-host a3-ultragpu-8g pool with RDMA networking: only its zones are in question."""
    return GKE.NodePool(
        name,
        cluster=cluster,
        node_count=2,
        placement_policy=GKE.NodePoolPlacementPolicyArgs(type="COMPACT"),
        network_config=kw.pop("network_config", GKE.NodePoolNetworkConfigArgs(accelerator_network_profile="auto")),
        node_config=GKE.NodePoolNodeConfigArgs(
            machine_type="a3-ultragpu-8g",
            labels=MULTI,
            guest_accelerators=[GKE.NodePoolNodeConfigGuestAcceleratorArgs(type="nvidia-h200-141gb", count=8)],
        ),
        **kw,
    )


# --- 1. a standalone NodePool judged with its cluster ------------------------------------------------


def test_standalone_pool_is_judged_with_the_cluster_it_links_to() -> None:
    """The pool's ``cluster`` is unknown in preview; its property dependency names the cluster."""

    def program() -> None:
        zonal = GKE.Cluster("zonal", location="us-central1-a")
        rdma_pool("in-zone", zonal.name)  # a zonal cluster keeps its pools in its zone
        spread = GKE.Cluster("spread", location="us-central1-a", node_locations=["us-central1-b"])
        rdma_pool("two-zones", spread.name)
        regional = GKE.Cluster("regional", location="us-central1")
        rdma_pool("region", regional.name, location="us-central1")
        pinned = GKE.Cluster("pinned", location="us-central1", node_locations=["us-central1-c"])
        rdma_pool("pinned-zone", pinned.id, location="us-central1")
        rdma_pool("own-zone", regional.name, location="us-central1", node_locations=["us-central1-f"])

    assert verdicts(program, PLACEMENT) == [
        (
            "multi-host-placement-cluster",
            "mandatory",
            "region",
            f"pool 'region' {WHY}: it sets no nodeLocations and its cluster 'regional' is regional (\"us-central1\") "
            "without nodeLocations, so its nodes spread over the region's zones",
        ),
        (
            "multi-host-placement-cluster",
            "mandatory",
            "two-zones",
            f"pool 'two-zones' {WHY}: it spreads over 2 zones (the location and nodeLocations of its zonal cluster "
            "'spread' us-central1-a, us-central1-b)",
        ),
    ]


def test_only_a_pool_whose_cluster_is_out_of_sight_stays_cannot_tell() -> None:
    def program() -> None:
        GKE.Cluster("named", name="llm", location="us-central1-a")
        # A plain-string link that names a cluster of the stack finds it; one that names none does not.
        rdma_pool("by-path", "projects/demo/locations/us-central1-a/clusters/llm")
        rdma_pool("elsewhere", "other-cluster", location="us-central1-a")

    assert verdicts(program, PLACEMENT) == [
        (
            "multi-host-placement-cluster",
            "mandatory",
            "elsewhere",
            f"pool 'elsewhere' {WHY}: it sets no nodeLocations, so it takes its cluster's node_locations, and its "
            "cluster is not in this stack to show they are one zone: set nodeLocations to one zone",
        ),
    ]


def test_cluster_of_follows_the_property_dependency_before_any_name() -> None:
    cluster = StackResource(GKE_CLUSTER, "c", "urn:c", {"name": "x"})
    decoy = StackResource(GKE_CLUSTER, "d", "urn:d", {"name": "llm"})
    pool = StackResource(GKE_NODE_POOL, "p", "urn:p", {"cluster": "llm"}, property_dependencies={"cluster": ("urn:c",)})
    assert cluster_of(pool, [decoy, cluster]) is cluster
    unlinked = StackResource(GKE_NODE_POOL, "p", "urn:p", {"cluster": "llm"})
    assert cluster_of(unlinked, [cluster, decoy]) is decoy
    assert cluster_of(StackResource(GKE_NODE_POOL, "p", "urn:p", {"cluster": "nope"}), [cluster, decoy]) is None


def test_the_resource_policy_still_judges_what_the_pool_shows_alone() -> None:
    """Placement type and the pool's own nodeLocations need no cluster: ``multi-host-placement`` keeps them."""

    def program() -> None:
        zonal = GKE.Cluster("zonal", location="us-central1-a")
        GKE.NodePool(
            "loose",
            cluster=zonal.name,
            node_count=2,
            node_locations=["us-central1-a", "us-central1-b"],
            node_config=GKE.NodePoolNodeConfigArgs(machine_type="a3-ultragpu-8g", labels=MULTI),
        )

    assert verdicts(program, PLACEMENT) == [
        (
            "multi-host-placement",
            "mandatory",
            "loose",
            f"pool 'loose' {WHY}: it spreads over 2 zones (nodeLocations us-central1-a, us-central1-b); it has no "
            'COMPACT placement (placementPolicy.type "COMPACT") and no SPECIFIC reservation affinity '
            '(nodeConfig.reservationAffinity.consumeReservationType "SPECIFIC_RESERVATION")',
        ),
    ]


# --- 2. a machine's vCPUs bound its physical cores ------------------------------------------------


def doks_pool(name: str, size: str) -> None:
    do.KubernetesNodePool(name, cluster_id="c", name=name, size=size, node_count=1)


def test_vcpus_bound_unpublished_physical_cores() -> None:
    """DigitalOcean publishes vCPUs only: 20 vCPUs are at most 20 cores (fails 80); 160 vCPUs are at least
    80 cores (two hardware threads per core at most), so they meet 80 without a note."""

    def program() -> None:
        doks_pool("h100x1", "gpu-h100x1-80gb")
        doks_pool("h100x8", "gpu-h100x8-640gb")
        GKE.NodePool("a4x", cluster="c", node_config=GKE.NodePoolNodeConfigArgs(machine_type="a4x-highgpu-4g"))

    asks = 'llm-d asks for "80+ x86 or ARM cores per machine" (>= 80)'
    assert verdicts(program, {"host-cpu-cores"}) == [
        ("host-cpu-cores", "advisory", "h100x1", f'pool \'h100x1\': "gpu-h100x1-80gb" has 20 vCPUs, so at most 20 '
         f"physical cores; {asks}"),
    ]  # fmt: skip
    assert notes(program, "host-cpu-cores") == [
        (
            "a4x",
            "pool 'a4x': the catalog does not know the physical cores of \"a4x-highgpu-4g\" (its 140 vCPUs mean 70 to "
            "140); not judged",
        )
    ]


@pytest.mark.parametrize(
    ("minimum", "verdict", "note"),
    [
        (80, [], []),  # lower bound 160/2 = 80 meets exactly 80
        (81, [], ['pool \'h100x8\': the catalog does not know the physical cores of "gpu-h100x8-640gb" (its 160 '
                  "vCPUs mean 80 to 160); not judged"]),
        (160, [], ['pool \'h100x8\': the catalog does not know the physical cores of "gpu-h100x8-640gb" (its 160 '
                   "vCPUs mean 80 to 160); not judged"]),  # upper bound exactly at the minimum: not a failure
        (161, ['pool \'h100x8\': "gpu-h100x8-640gb" has 160 vCPUs, so at most 160 physical cores; llm-d asks for '
               '"80+ x86 or ARM cores per machine" (>= 161)'], []),
    ],
)  # fmt: skip
def test_vcpu_bounds_at_their_boundaries(minimum: int, verdict: list[str], note: list[str]) -> None:
    def program() -> None:
        doks_pool("h100x8", "gpu-h100x8-640gb")

    config = {"host-cpu-cores": {"minimum": minimum}}
    analysis = analyze_plan(run_callable(program), config)
    assert [v.message for v in analysis.violations if v.policy == "host-cpu-cores"] == verdict
    assert [n.message for n in analysis.notes if n.policy == "host-cpu-cores"] == note


# --- 3. accelerators read from machine names; unknown ones noted -----------------------------------


def machine_set(name: str, instance: str) -> None:
    k8s.apiextensions.CustomResource(
        name,
        api_version="machine.openshift.io/v1beta1",
        kind="MachineSet",
        metadata={"name": name, "namespace": "openshift-machine-api"},
        spec={"template": {"spec": {"providerSpec": {"value": {"instanceType": instance}}}}},
    )


def test_known_older_generation_machines_get_the_advisory() -> None:
    def program() -> None:
        machine_set("p3", "p3.16xlarge")
        machine_set("g4dn", "g4dn.12xlarge")
        machine_set("p5", "p5.48xlarge")
        GKE.NodePool("v4", cluster="c", node_config=GKE.NodePoolNodeConfigArgs(machine_type="ct4p-hightpu-4t"))
        GKE.NodePool("a2", cluster="c", node_config=GKE.NodePoolNodeConfigArgs(machine_type="a2-highgpu-2g"))
        GKE.NodePool("v100", cluster="c", node_config=GKE.NodePoolNodeConfigArgs(
            machine_type="n1-standard-16",
            guest_accelerators=[GKE.NodePoolNodeConfigGuestAcceleratorArgs(type="nvidia-tesla-p100", count=2)]))
        GKE.NodePool("cpu", cluster="c", node_config=GKE.NodePoolNodeConfigArgs(machine_type="n2-highmem-8"))

    best_effort = f"is older than the generations llm-d tests ({TESTED}); it may work, but support is best-effort"
    where = "(spec.template.spec.providerSpec.value)"
    assert verdicts(program, {"accelerator-supported"}) == [
        ("accelerator-supported", "advisory", "g4dn",
         f'pool \'g4dn\' {where}: accelerator "T4" of machine "g4dn.12xlarge" {best_effort}'),
        ("accelerator-supported", "advisory", "p3",
         f'pool \'p3\' {where}: accelerator "V100" of machine "p3.16xlarge" {best_effort}'),
        ("accelerator-supported", "advisory", "v100",
         f'pool \'v100\': accelerator "nvidia-tesla-p100" (P100) {best_effort}'),
        ("accelerator-supported", "advisory", "v4",
         f'pool \'v4\': accelerator "TPU v4" of machine "ct4p-hightpu-4t" {best_effort}'),
    ]  # fmt: skip


def test_an_accelerator_the_catalog_does_not_know_gets_a_note_never_silence() -> None:
    def program() -> None:
        machine_set("trn", "trn1.32xlarge")
        doks_pool("a6000", "gpu-a6000x1-48gb")
        GKE.NodePool("zz", cluster="c", node_config=GKE.NodePoolNodeConfigArgs(
            machine_type="n1-standard-8",
            guest_accelerators=[GKE.NodePoolNodeConfigGuestAcceleratorArgs(type="nvidia-zz-9000", count=1)]))

    unknown = f"is not in the accelerator catalog, so whether llm-d supports it is unknown (llm-d tests {TESTED})"
    assert verdicts(program, {"accelerator-supported"}) == []
    assert notes(program, "accelerator-supported") == [
        ("a6000", f'pool \'a6000\': accelerator "A6000" of machine "gpu-a6000x1-48gb" {unknown}'),
        ("trn", f"pool 'trn' (spec.template.spec.providerSpec.value): accelerator \"Trainium\" of machine "
                f'"trn1.32xlarge" {unknown}'),
        ("zz", f'pool \'zz\': accelerator "nvidia-zz-9000" {unknown}'),
    ]  # fmt: skip
    # The machines are not in the catalog either: the host policies say so rather than judge.
    assert ("trn", "pool 'trn' (spec.template.spec.providerSpec.value): machine \"trn1.32xlarge\" is not in the "
            "catalog; physical cores not judged") in notes(program, "host-cpu-cores")  # fmt: skip


# --- boundaries a mutation of a check would go unnoticed at -----------------------------------------


@pytest.mark.parametrize(
    ("version", "verdict"),
    [
        ("1.29", []),
        ("1.29.0-do.0", []),
        ("1.28.99-do.0", ['version "1.28.99-do.0" is older than Kubernetes 1.29; llm-d needs 1.29 or newer']),
    ],
)
def test_kubernetes_version_exactly_at_its_floor_passes(version: str, verdict: list[str]) -> None:
    def program() -> None:
        do.KubernetesCluster(
            "doks",
            region="nyc2",
            version=version,
            node_pool=do.KubernetesClusterNodePoolArgs(name="sys", size="s-4vcpu-8gb", node_count=1),
        )

    assert [v[3] for v in verdicts(program, {"kubernetes-version"})] == verdict


def test_gke_version_floor_and_lws_floor() -> None:
    def program() -> None:
        GKE.Cluster("floor", location="us-central1-a", min_master_version="1.29", node_version="1.29.0-gke.1")
        k8s.helm.v3.Release("lws", chart="oci://registry.k8s.io/lws/charts/lws", version="0.7.0")
        k8s.helm.v3.Release("lws-old", chart="oci://registry.k8s.io/lws/charts/lws", version="0.6.99")

    assert verdicts(program, {"kubernetes-version", "lws-version"}) == [
        (
            "lws-version",
            "mandatory",
            "lws-old",
            'Helm chart "oci://registry.k8s.io/lws/charts/lws" version "0.6.99" installs LeaderWorkerSet 0.6.99; '
            "llm-d needs LWS 0.7.0 or newer",
        )
    ]


def test_multi_host_rdma_pool_without_any_network_configuration_fails_with_0_given() -> None:
    def program() -> None:
        zonal = GKE.Cluster("zonal", location="us-central1-a")
        rdma_pool("bare", zonal.name, network_config=None)

    assert verdicts(program, {"accelerator-interconnect", *PLACEMENT}) == [
        (
            "accelerator-interconnect",
            "mandatory",
            "bare",
            "pool 'bare' is meant for multi-host inference (label llm-d.ai/multi-host=\"true\") but machine type "
            '"a3-ultragpu-8g" has RDMA NICs but the pool configures no RDMA networking: set '
            'networkConfig.acceleratorNetworkProfile "auto", or one networkConfig.additionalNodeNetworkConfigs '
            "entry per RDMA NIC (0 given, 8 needed)",
        )
    ]


def test_the_companion_keeps_its_teeth_when_another_pool_is_unknown_in_preview() -> None:
    def program() -> None:
        regional = GKE.Cluster("regional", location="us-central1")
        rdma_pool("region", regional.name, location="us-central1")
        rdma_pool("unknown", regional.name, location="us-central1", node_locations=[regional.endpoint])

    assert [v[:3] for v in verdicts(program, PLACEMENT)] == [
        ("multi-host-placement", "advisory", "unknown"),  # its own nodeLocations are unknown: "can't run"
        ("multi-host-placement-cluster", "mandatory", "region"),
    ]


def test_protected_opts_do_not_change_the_cluster_link() -> None:
    """Options (protect, parent) travel with the resource; the link is the property dependency."""

    def program() -> None:
        zonal = GKE.Cluster("zonal", location="us-central1-a", opts=pulumi.ResourceOptions(protect=True))
        rdma_pool("in-zone", zonal.name, opts=pulumi.ResourceOptions(depends_on=[zonal]))

    assert verdicts(program, PLACEMENT) == []
