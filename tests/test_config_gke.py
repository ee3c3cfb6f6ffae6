"""GKE stack configuration: every invalid value gives one exact message at its config key path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from llmd_infra.cli import main
from llmd_infra.config.stack import settings_from_values
from llmd_infra.errors import ConfigError
from llmd_infra.plan.engine import run_program
from llmd_infra.providers.gke.config import GkeClusterConfig, meets_version_floors, version_at_least

BASE: dict[str, Any] = {
    "provider": "gke",
    "name": "llmd-test",
    "region": "us-central1",
    "zones": ["us-central1-b"],
    "network": {"masterAuthorizedNetworks": [{"cidr": "203.0.113.0/24"}]},
}
P = "llmd-infra:cluster."


def settings(**over: Any) -> Any:
    data = copy.deepcopy(BASE)
    data.update(over)
    return settings_from_values({"gcp:project": "my-project", "llmd-infra:cluster": json.dumps(data)})


def problems(**over: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        settings(**over)
    return [str(p) for p in info.value.problems]


def pool(**fields: Any) -> dict[str, Any]:
    return {"name": "gpu", "machineType": "g2-standard-24", **fields}


def test_minimal_config_is_valid_and_defaults_are_secure() -> None:
    cluster = settings().cluster
    assert isinstance(cluster, GkeClusterConfig)
    assert cluster.release_channel == "REGULAR"
    assert cluster.system_pool.machine_type == "e2-standard-16"
    assert cluster.network.private_endpoint is False


def test_kubernetes_too_old() -> None:
    assert problems(kubernetesVersion="1.28") == [
        f"{P}kubernetesVersion: Kubernetes 1.28 is older than llm-d's minimum 1.29 (requirement kubernetes-version)"
    ]


def test_kubernetes_not_a_version() -> None:
    assert problems(kubernetesVersion="latest") == [
        f"{P}kubernetesVersion: 'latest' is not a version (expected MAJOR.MINOR[.PATCH])"
    ]


def test_unknown_machine_type_lists_allowed() -> None:
    [message] = problems(acceleratorPools=[pool(machineType="a9-megagpu-8g")])
    assert message.startswith(
        f"{P}acceleratorPools[0].machineType: unknown GKE accelerator machine type 'a9-megagpu-8g'; allowed: "
        "a2-highgpu-1g, "
    )
    assert "a3-ultragpu-8g" in message and "ct6e-standard-4t" in message and "tpu7x-standard-4t" in message


def test_unknown_accelerator_lists_allowed() -> None:
    [message] = problems(acceleratorPools=[pool(accelerator="nvidia-h900")])
    assert message == (
        f"{P}acceleratorPools[0].accelerator: unknown accelerator 'nvidia-h900'; allowed: nvidia-a100-80gb, "
        "nvidia-b200, nvidia-gb200, nvidia-gb300, nvidia-h100-80gb, nvidia-h100-mega-80gb, nvidia-h200-141gb, "
        "nvidia-l4, nvidia-rtx-pro-6000, nvidia-tesla-a100, tpu-v5-lite-podslice, tpu-v5p-slice, tpu-v6e-slice, tpu7x"
    )


def test_accelerator_not_offered_on_machine_type() -> None:
    assert problems(acceleratorPools=[pool(machineType="a3-ultragpu-8g", accelerator="nvidia-b200")]) == [
        f"{P}acceleratorPools[0].accelerator: 'nvidia-b200' is not offered on a3-ultragpu-8g; a3-ultragpu-8g "
        "carries nvidia-h200-141gb (H200)"
    ]


def test_accelerator_family_name_is_accepted() -> None:
    cfg = settings(acceleratorPools=[pool(machineType="a3-ultragpu-8g", accelerator="H200")]).cluster
    assert cfg.accelerator_pools[0].accelerator == "H200"


def test_gpu_count_must_match_machine_type() -> None:
    assert problems(acceleratorPools=[pool(acceleratorCount=4)]) == [
        f"{P}acceleratorPools[0].acceleratorCount: g2-standard-24 has 2 GPUs, not 4"
    ]


def test_tpu_chip_count_must_match() -> None:
    assert problems(acceleratorPools=[pool(machineType="ct6e-standard-4t", acceleratorCount=8)]) == [
        f"{P}acceleratorPools[0].acceleratorCount: ct6e-standard-4t has 4 TPU chips, not 8"
    ]


def test_tpu_topology_invalid_for_machine_type() -> None:
    assert problems(acceleratorPools=[pool(machineType="ct6e-standard-4t", tpuTopology="2x2x2")]) == [
        f"{P}acceleratorPools[0].tpuTopology: '2x2x2' is not a valid topology for ct6e-standard-4t; allowed: "
        "2x2, 2x4, 4x4, 4x8, 8x8, 8x16, 16x16"
    ]


def test_tpu_topology_on_gpu_machine() -> None:
    assert problems(acceleratorPools=[pool(tpuTopology="2x2")]) == [
        f"{P}acceleratorPools[0].tpuTopology: tpuTopology applies to TPU machine types only; g2-standard-24 "
        "is a GPU machine type"
    ]


@pytest.mark.parametrize("key", ["nodeCount", "acceleratorCount"])
@pytest.mark.parametrize("value", [0, -2])
def test_zero_or_negative_counts(key: str, value: int) -> None:
    assert problems(acceleratorPools=[pool(**{key: value})]) == [
        f"{P}acceleratorPools[0].{key}: Input should be greater than or equal to 1 (got {value})"
    ]


def test_negative_autoscaling_minimum() -> None:
    assert problems(acceleratorPools=[pool(autoscaling={"minNodes": -1, "maxNodes": 2})]) == [
        f"{P}acceleratorPools[0].autoscaling.minNodes: Input should be greater than or equal to 0 (got -1)"
    ]


def test_min_greater_than_max() -> None:
    assert problems(acceleratorPools=[pool(autoscaling={"minNodes": 3, "maxNodes": 1})]) == [
        f"{P}acceleratorPools[0].autoscaling: minNodes (3) must not exceed maxNodes (1)"
    ]


def test_unknown_keys_are_typos() -> None:
    [message] = problems(acceleratorPools=[pool(nodeCont=2)])
    assert message == (
        f"{P}acceleratorPools[0].nodeCont: unknown key 'nodeCont'; allowed keys: name, machineType, accelerator, "
        "acceleratorCount, tpuTopology, nodeCount, autoscaling, multiHost, zones, rdma, gpuDriver, reservation, "
        "spot, flexStart, compactPlacement, diskSizeGb, diskType, labels, taints, localSsdEphemeralStorage"
    )
    [top] = problems(releaseChanel="RAPID")
    assert top.startswith(f"{P}releaseChanel: unknown key 'releaseChanel'; allowed keys: provider, name, project,")


def test_rdma_path_on_machine_without_rdma_nics() -> None:
    assert problems(acceleratorPools=[pool(machineType="a3-highgpu-8g", rdma="dranet")]) == [
        f"{P}acceleratorPools[0].rdma: 'dranet' needs GPUDirect-RDMA NICs and a3-highgpu-8g has none (its GPU "
        "NICs use TCPX); machine types with RDMA NICs: a3-ultragpu-8g, a4-highgpu-8g, a4x-highgpu-4g, "
        "a4x-maxgpu-4g-metal"
    ]


def test_rdma_path_on_tpu() -> None:
    assert problems(acceleratorPools=[pool(machineType="ct6e-standard-4t", rdma="multi-network")]) == [
        f"{P}acceleratorPools[0].rdma: 'multi-network' needs GPUDirect-RDMA NICs; ct6e-standard-4t is a TPU "
        "(hosts talk over ICI); allowed: none"
    ]


def test_unknown_rdma_path() -> None:
    assert problems(acceleratorPools=[pool(rdma="roce")]) == [
        f"{P}acceleratorPools[0].rdma: 'roce' is not allowed; allowed: 'none', 'dranet', 'multi-network'"
    ]


def test_dranet_with_gke_driver() -> None:
    assert problems(acceleratorPools=[pool(machineType="a3-ultragpu-8g", rdma="dranet", gpuDriver="latest")]) == [
        f"{P}acceleratorPools[0].gpuDriver: 'latest' is not allowed with rdma 'dranet': the NVIDIA DRA driver "
        "path needs the GKE driver installation disabled; allowed: disabled"
    ]


def test_multi_host_pool_across_zones() -> None:
    assert problems(
        zones=["us-central1-b", "us-central1-c"],
        systemPool={"nodeCount": 2},
        acceleratorPools=[pool(machineType="a3-ultragpu-8g", rdma="dranet", multiHost=True, nodeCount=2)],
    ) == [
        f"{P}acceleratorPools[0].zones: a multi-host pool must stay in one zone (one network domain), got 2: "
        "us-central1-b, us-central1-c"
    ]


def test_multi_host_gpu_pool_needs_rdma() -> None:
    assert problems(acceleratorPools=[pool(multiHost=True)]) == [
        f"{P}acceleratorPools[0].multiHost: a multi-host GPU pool needs RDMA between hosts (llm-d: NVLink, "
        "InfiniBand or RoCE NICs); set rdma to dranet or multi-network on a machine type with RDMA NICs "
        "(a3-ultragpu-8g, a4-highgpu-8g, a4x-highgpu-4g, a4x-maxgpu-4g-metal)"
    ]


def test_tpu_multi_host_flag_must_match_topology() -> None:
    assert problems(acceleratorPools=[pool(machineType="ct6e-standard-4t", tpuTopology="4x4", multiHost=False)]) == [
        f"{P}acceleratorPools[0].multiHost: topology 4x4 on ct6e-standard-4t is a multi-host slice; multiHost "
        "must be true"
    ]


def test_tpu_slice_node_count_and_autoscaling() -> None:
    assert problems(acceleratorPools=[pool(machineType="ct6e-standard-4t", tpuTopology="4x4", nodeCount=2)]) == [
        f"{P}acceleratorPools[0].nodeCount: topology 4x4 on ct6e-standard-4t is 4 nodes, not 2"
    ]
    assert problems(
        acceleratorPools=[pool(machineType="ct6e-standard-4t", tpuTopology="4x4",
                               autoscaling={"minNodes": 0, "maxNodes": 4})]
    ) == [
        f"{P}acceleratorPools[0].autoscaling: a multi-host TPU slice cannot be resized; drop autoscaling "
        "(topology 4x4 = 4 nodes)"
    ]


def test_tpu_slice_derives_nodes() -> None:
    p = settings(acceleratorPools=[pool(machineType="tpu7x-standard-4t", tpuTopology="4x4x4")]).cluster
    assert p.accelerator_pools[0].node_range() == (16, 16)
    assert p.accelerator_pools[0].is_multi_host()


def test_zone_outside_region() -> None:
    assert problems(acceleratorPools=[pool(zones=["europe-west4-a"])]) == [
        f"{P}acceleratorPools[0].zones[0]: zone 'europe-west4-a' is not in region 'us-central1' (e.g. us-central1-b)"
    ]


def test_provisioning_rules() -> None:
    assert problems(acceleratorPools=[pool(machineType="a3-highgpu-1g")]) == [
        f"{P}acceleratorPools[0].spot: a3-highgpu-1g is offered only as Spot or Flex-start; set spot or flexStart"
    ]
    assert problems(acceleratorPools=[pool(machineType="a4x-highgpu-4g")]) == [
        f"{P}acceleratorPools[0].reservation: a4x-highgpu-4g is reservation-bound; set reservation: {{name: ...}}"
    ]
    assert problems(acceleratorPools=[pool(spot=True, flexStart=True, autoscaling={"minNodes": 0, "maxNodes": 1})]) == [
        f"{P}acceleratorPools[0].flexStart: spot and flexStart are mutually exclusive"
    ]
    assert problems(acceleratorPools=[pool(flexStart=True)]) == [
        f"{P}acceleratorPools[0].flexStart: flex-start pools must autoscale (set autoscaling: {{minNodes: 0, "
        "maxNodes: N})"
    ]
    assert problems(acceleratorPools=[pool(spot=True, reservation={"name": "r"})]) == [
        f"{P}acceleratorPools[0].reservation: spot and flex-start nodes cannot consume a reservation"
    ]


def test_rdma_needs_new_enough_gke() -> None:
    assert problems(
        kubernetesVersion="1.30", acceleratorPools=[pool(machineType="a3-ultragpu-8g", rdma="dranet")]
    ) == [
        f"{P}kubernetesVersion: GPUDirect-RDMA on a3-ultragpu-8g (acceleratorPools[0]) needs GKE "
        "1.31.4-gke.1183000 or newer, got 1.30",
        f"{P}kubernetesVersion: managed DRANET (acceleratorPools[0]) needs GKE 1.34.1-gke.1829001 or newer, "
        "got 1.30",
    ]


@pytest.mark.parametrize("version", ["1.33", "1.34.0-gke.9999999", "1.34.1-gke.1829000"])
def test_dranet_needs_its_gke_floor(version: str) -> None:
    # GoogleCloudPlatform/cluster-toolkit gke-node-pool/gpu_direct.tf: dranet_min_version = "1.34.1-gke.1829001".
    a3u = pool(machineType="a3-ultragpu-8g", rdma="dranet")
    assert problems(kubernetesVersion=version, acceleratorPools=[a3u]) == [
        f"{P}kubernetesVersion: managed DRANET (acceleratorPools[0]) needs GKE 1.34.1-gke.1829001 or newer, "
        f"got {version}"
    ]


@pytest.mark.parametrize("version", ["1.34", "1.34.1-gke.1829001", "1.35", "1.35.0-gke.1"])
def test_dranet_floor_met_by_a_minor_only_version(version: str) -> None:
    # "1.34" means the newest 1.34 patch the channel offers, which is past the floor within 1.34.
    cluster = settings(kubernetesVersion=version, acceleratorPools=[pool(machineType="a3-ultragpu-8g", rdma="dranet")])
    assert cluster.cluster.accelerator_pools[0].rdma == "dranet"


@pytest.mark.parametrize(("machine", "version"), [("ct6e-standard-8t", "1.30"), ("ct6e-standard-4t", "1.31.1"),
                                                   ("tpu7x-standard-4t", "1.33")])
def test_accelerator_gke_floor_without_rdma(machine: str, version: str) -> None:
    row_floor = {"ct6e-standard-8t": "1.31.2-gke.1115000", "ct6e-standard-4t": "1.31.2-gke.1115000",
                 "tpu7x-standard-4t": "1.34.0-gke.2201000"}[machine]
    family = "TPU7x" if machine.startswith("tpu7x") else "TPU v6e"
    assert problems(kubernetesVersion=version, acceleratorPools=[pool(machineType=machine)]) == [
        f"{P}kubernetesVersion: {family} on {machine} (acceleratorPools[0]) needs GKE {row_floor} or newer, "
        f"got {version}"
    ]
    assert settings(kubernetesVersion="1.34", acceleratorPools=[pool(machineType=machine)]).cluster


A4X_RDMA = {"name": "gpu", "machineType": "a4x-highgpu-4g", "rdma": "multi-network", "reservation": {"name": "r"}}


@pytest.mark.parametrize("version", ["1.33.1-gke.1000", "1.31", "1.32.7-gke.9999999"])
def test_rdma_floor_is_per_minor_line(version: str) -> None:
    # A4X: 1.33.4-gke.1036000+ or 1.32.8-gke.1108000+
    # (https://cloud.google.com/ai-hypercomputer/docs/create/gke-ai-hypercompute). 1.33.1 is newer than the
    # oldest floor but older than its own line's, so it must fail.
    assert problems(kubernetesVersion=version, acceleratorPools=[A4X_RDMA]) == [
        f"{P}kubernetesVersion: GPUDirect-RDMA on a4x-highgpu-4g (acceleratorPools[0]) needs GKE "
        "1.32.8-gke.1108000 or newer on 1.32, 1.33.4-gke.1036000 or newer on 1.33 or a newer minor, "
        f"got {version}"
    ]


@pytest.mark.parametrize("version", ["1.33.4-gke.1036000", "1.32.9-gke.1", "1.32", "1.34", "1.35.0-gke.1"])
def test_rdma_floor_met(version: str) -> None:
    assert settings(kubernetesVersion=version, acceleratorPools=[A4X_RDMA]).cluster.accelerator_pools[0].rdma == (
        "multi-network"
    )


def test_meets_version_floors() -> None:
    metal = ("1.35.0-gke.2745000", "1.34.3-gke.1318000")
    assert meets_version_floors("1.35.0-gke.2745000", metal)
    assert not meets_version_floors("1.35.0-gke.100", metal)
    assert meets_version_floors("1.34.3-gke.1318000", metal)
    assert not meets_version_floors("1.34.2-gke.9", metal)
    assert meets_version_floors("1.36.0-gke.1", metal)
    assert not meets_version_floors("1.33", metal)
    assert meets_version_floors("1.35", metal)


def test_hyperdisk_only_machines_refuse_other_boot_disks() -> None:
    assert problems(acceleratorPools=[pool(machineType="a3-ultragpu-8g", diskType="pd-balanced")]) == [
        f"{P}acceleratorPools[0].diskType: 'pd-balanced' cannot be the boot disk of a3-ultragpu-8g; allowed: "
        "hyperdisk-balanced"
    ]
    [a3u] = settings(acceleratorPools=[pool(machineType="a3-ultragpu-8g")]).cluster.accelerator_pools
    assert a3u.boot_disk_type() == "hyperdisk-balanced"
    # A4 boots from hyperdisk-balanced by default, but no catalog source forbids another type.
    [a4] = settings(acceleratorPools=[pool(machineType="a4-highgpu-8g")]).cluster.accelerator_pools
    assert a4.boot_disk_type() == "hyperdisk-balanced"
    a4_cluster = settings(acceleratorPools=[pool(machineType="a4-highgpu-8g", diskType="pd-ssd")]).cluster
    [a4_pd] = a4_cluster.accelerator_pools
    assert a4_pd.boot_disk_type() == "pd-ssd"


def test_compact_placement_needs_one_zone() -> None:
    assert problems(
        zones=["us-central1-b", "us-central1-c"],
        systemPool={"nodeCount": 2},
        acceleratorPools=[pool(compactPlacement=True, nodeCount=2)],
    ) == [
        f"{P}acceleratorPools[0].zones: compact placement keeps a pool in one zone; pick one zone or set "
        "compactPlacement: false, got 2: us-central1-b, us-central1-c"
    ]


def test_tpu7x_workload_policy_name_fits() -> None:
    long_pool = "p" * 32
    assert problems(
        name="a" * 40,
        zones=["us-central1-c"],
        acceleratorPools=[pool(name=long_pool, machineType="tpu7x-standard-4t", tpuTopology="4x4x4")],
    ) == [
        f"{P}acceleratorPools[0].name: the workload policy name '{'a' * 40}-{long_pool}' (cluster name-pool name) "
        "is longer than 63 characters; shorten the cluster or pool name"
    ]


def test_open_control_plane_is_refused() -> None:
    assert problems(network={"masterAuthorizedNetworks": [{"cidr": "0.0.0.0/0"}]}) == [
        f"{P}network.masterAuthorizedNetworks[0].cidr: '0.0.0.0/0' opens the control plane to the whole internet; "
        "list the CIDRs that run kubectl/pulumi instead"
    ]
    assert problems(network={"masterAuthorizedNetworks": []}) == [
        f"{P}network.masterAuthorizedNetworks: List should have at least 1 item after validation, not 0"
    ]


def test_overlapping_ranges() -> None:
    assert problems(
        network={"masterAuthorizedNetworks": [{"cidr": "203.0.113.0/24"}], "servicesCidr": "10.4.0.0/20"}
    ) == [f"{P}network.servicesCidr: '10.4.0.0/20' overlaps podsCidr '10.4.0.0/14'"]


def test_duplicate_pool_names() -> None:
    assert problems(acceleratorPools=[pool(), pool()]) == [
        f"{P}acceleratorPools[1].name: 'gpu' is already the name of acceleratorPools[0]"
    ]


def test_several_problems_each_reported() -> None:
    found = problems(
        acceleratorPools=[pool(machineType="a3-ultragpu-8g", accelerator="nvidia-l4", acceleratorCount=2)]
    )
    assert [m.split(":")[1] for m in found] == [
        "cluster.acceleratorPools[0].accelerator",
        "cluster.acceleratorPools[0].acceleratorCount",
    ]


def test_system_pool_must_be_cpu() -> None:
    assert problems(systemPool={"machineType": "g2-standard-8"}) == [
        f"{P}systemPool.machineType: 'g2-standard-8' carries accelerators (L4); the system pool needs a CPU "
        "machine type such as e2-standard-16"
    ]


def test_gateway_crds_only_before_gke_installs_them() -> None:
    assert settings(kubernetesVersion="1.33").cluster.needs_gateway_crds()
    assert settings(kubernetesVersion="1.34.0-gke.1000000").cluster.needs_gateway_crds()
    assert not settings(kubernetesVersion="1.34").cluster.needs_gateway_crds()
    assert not settings().cluster.needs_gateway_crds()
    assert version_at_least("1.35", "1.34.3-gke.1318000")


# --- limits the cloud APIs enforce -----------------------------------------------------------------


def test_project_must_be_a_project_id_and_present() -> None:
    assert problems(project="My_Project") == [
        f"{P}project: 'My_Project' is not a Google Cloud project id (6 to 30 lowercase letters, digits and '-', "
        "starting with a letter and not ending with '-')"
    ]
    with pytest.raises(ConfigError) as info:
        settings_from_values({"llmd-infra:cluster": json.dumps(BASE)})
    assert [str(p) for p in info.value.problems] == [
        f"{P}project: required when gcp:project is not set (pulumi config set gcp:project <project-id>)"
    ]
    with pytest.raises(ConfigError) as info:
        settings_from_values({"gcp:project": "x", "llmd-infra:cluster": json.dumps(BASE)})
    assert [str(p) for p in info.value.problems] == [
        f"{P}project: gcp:project 'x' is not a Google Cloud project id (6 to 30 lowercase letters, digits and '-', "
        "starting with a letter and not ending with '-')"
    ]


@pytest.mark.parametrize("version", ["v1.34", "1.34.1-gke", "1.34.1.2", "1.34-gke.1"])
def test_kubernetes_version_is_written_as_gke_writes_it(version: str) -> None:
    assert problems(kubernetesVersion=version) == [
        f"{P}kubernetesVersion: '{version}' is not a GKE version; write it as GKE does: MAJOR.MINOR (1.34), "
        "MAJOR.MINOR.PATCH (1.34.1) or MAJOR.MINOR.PATCH-gke.BUILD (1.34.1-gke.1829001)"
    ]


@pytest.mark.parametrize("number", [1.3, 1.34, 2])
def test_unquoted_number_version_is_refused_with_a_hint(number: float) -> None:
    assert problems(kubernetesVersion=number) == [
        f"{P}kubernetesVersion: {number} is a number, not a version: YAML reads an unquoted 1.30 as 1.3; write the "
        'version in quotes as you mean it (e.g. "1.30")'
    ]


def test_zones_are_a_set() -> None:
    assert problems(zones=["us-central1-b", "us-central1-c", "us-central1-b"], systemPool={"nodeCount": 3}) == [
        f"{P}zones[2]: zone 'us-central1-b' is already zones[0]; list each zone once"
    ]
    assert problems(acceleratorPools=[pool(zones=["us-central1-b", "us-central1-b"], nodeCount=2)]) == [
        f"{P}acceleratorPools[0].zones[1]: zone 'us-central1-b' is already acceleratorPools[0].zones[0]; "
        "list each zone once"
    ]


def test_gcp_labels_follow_the_label_rules() -> None:
    assert problems(labels={"Team": "ok", "cost-center": "Has Space", "x" * 64: "v"}) == [
        f"{P}labels.Team: 'Team' is not a GCP label key (1 to 63 lowercase letters, digits, '_' and '-', starting "
        "with a lowercase letter)",
        f"{P}labels.cost-center: 'Has Space' is not a GCP label value (0 to 63 lowercase letters, digits, '_' and '-')",
        f"{P}labels.{'x' * 64}: '{'x' * 64}' is not a GCP label key (1 to 63 lowercase letters, digits, '_' and '-', "
        "starting with a lowercase letter)",
    ]
    assert problems(labels={f"k{i}": "v" for i in range(65)}) == [f"{P}labels: 65 labels; GCP allows at most 64"]


def test_node_labels_and_taints_follow_kubernetes_rules() -> None:
    bad_labels = {"team/": "a", "node-role.kubernetes.io/gpu": "", "ok": "-bad-"}
    assert problems(acceleratorPools=[pool(labels=bad_labels)]) == [
        f"{P}acceleratorPools[0].labels.team/: 'team/' is not a Kubernetes label key: the name part must be 1 to 63 "
        "letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
        f"{P}acceleratorPools[0].labels.node-role.kubernetes.io/gpu: 'node-role.kubernetes.io/gpu' is in a namespace "
        "reserved for Kubernetes (kubernetes.io, k8s.io); node labels there must be under kubelet.kubernetes.io or "
        "node.kubernetes.io",
        f"{P}acceleratorPools[0].labels.ok: '-bad-' is not a Kubernetes label value (at most 63 letters, digits, '-', "
        "'_' or '.', starting and ending with a letter or digit, or empty)",
    ]
    assert settings(acceleratorPools=[pool(labels={"node.kubernetes.io/role": "gpu"})]).cluster
    assert problems(acceleratorPools=[pool(taints=[
        {"key": "nvidia.com/gpu"}, {"key": "dedicated", "value": "llm-d"}, {"key": "dedicated", "value": "x"},
    ])]) == [
        f"{P}acceleratorPools[0].taints[0].key: 'nvidia.com/gpu' with effect NoSchedule is the taint every "
        "g2-standard-24 pool already carries; remove it or use another key or effect",
        f"{P}acceleratorPools[0].taints[2].key: 'dedicated' with effect NoSchedule is already taints[1]",
    ]
    assert problems(acceleratorPools=[pool(taints=[{"key": "a b"}])]) == [
        f"{P}acceleratorPools[0].taints[0].key: 'a b' is not a Kubernetes label key: the name part must be 1 to 63 "
        "letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
    ]


def test_reservation_and_existing_network_names() -> None:
    assert problems(acceleratorPools=[pool(reservation={"name": "My_Res", "project": "p"})]) == [
        f"{P}acceleratorPools[0].reservation.name: 'My_Res' is not a reservation name (1 to 63 lowercase letters, "
        "digits and '-', starting with a letter and not ending with '-')",
        f"{P}acceleratorPools[0].reservation.project: 'p' is not a Google Cloud project id (6 to 30 lowercase "
        "letters, digits and '-', starting with a letter and not ending with '-')",
    ]
    existing = {"network": "projects/p1/global/networks/vpc", "subnetwork": "Sub Net",
                "podsRangeName": "pods", "servicesRangeName": "svc_range"}
    assert problems(network={"masterAuthorizedNetworks": [{"cidr": "203.0.113.0/24"}], "existing": existing}) == [
        f"{P}network.existing.subnetwork: 'Sub Net' is neither a network/subnetwork name (RFC 1035, at most 63 "
        "characters) nor its projects/<project>/(global|regions/<region>)/(networks|subnetworks)/<name> path or URL",
        f"{P}network.existing.servicesRangeName: 'svc_range' is not a secondary range name (1 to 63 lowercase "
        "letters, digits and '-', starting with a letter and not ending with '-')",
    ]


def test_address_ranges_fit_what_they_serve() -> None:
    net = {"masterAuthorizedNetworks": [{"cidr": "203.0.113.0/24"}]}
    assert problems(network={**net, "podsCidr": "fd00::/64"}) == [
        f"{P}network.podsCidr: 'fd00::/64' is an IPv6 block; GKE subnet and cluster ranges here are IPv4"
    ]
    assert problems(network={**net, "proxyCidr": "10.9.0.0/27"}) == [
        f"{P}network.proxyCidr: '10.9.0.0/27' is too small for a proxy-only subnet; allowed: /26 or larger "
        "(/23 recommended)"
    ]
    assert problems(network={**net, "nodeCidr": "10.0.0.0/29"}, acceleratorPools=[pool(nodeCount=4)]) == [
        f"{P}network.nodeCidr: '10.0.0.0/29' addresses 4 nodes (less the 4 addresses every subnet reserves), but the "
        "pools reach 5; use a larger range"
    ]
    assert problems(network={**net, "podsCidr": "10.4.0.0/22"}, acceleratorPools=[pool(nodeCount=4)]) == [
        f"{P}network.podsCidr: '10.4.0.0/22' serves 4 nodes at one /24 per node (110 pods each), but the pools "
        "reach 5; use a larger range"
    ]
    a4 = pool(machineType="a4-highgpu-8g", rdma="multi-network", multiHost=True, nodeCount=2)
    assert problems(network={**net, "rdmaCidr": "192.168.64.0/22"}, acceleratorPools=[a4]) == [
        f"{P}network.rdmaCidr: '192.168.64.0/22' holds 4 /24 subnets, but the multi-network pools have 8 RDMA NICs "
        "(one /24 each); allowed: /21 or larger"
    ]
    assert problems(network={**net, "gvnicCidr": "192.168.0.0/30"}, acceleratorPools=[a4]) == [
        f"{P}network.gvnicCidr: '192.168.0.0/30' addresses 0 nodes, but the multi-network pools reach 2"
    ]


def test_machine_shapes_disks_and_pool_sizes_are_real() -> None:
    assert problems(systemPool={"machineType": "e2-standard-6"}) == [
        f"{P}systemPool.machineType: 'e2-standard-6' does not exist: e2-standard comes with 2, 4, 8, 16, 32 vCPUs"
    ]
    assert settings(systemPool={"machineType": "n2-standard-48"}).cluster.system_pool.machine_type == "n2-standard-48"
    assert problems(acceleratorPools=[pool(diskSizeGb=70000)]) == [
        f"{P}acceleratorPools[0].diskSizeGb: Input should be less than or equal to 65536 (got 70000)"
    ]
    assert problems(acceleratorPools=[pool(nodeCount=1001)]) == [
        f"{P}acceleratorPools[0].nodeCount: 1001 nodes exceed GKE's 1000 nodes per node pool per zone (1 zone: at "
        "most 1000)"
    ]
    assert problems(acceleratorPools=[pool(autoscaling={"minNodes": 0, "maxNodes": 2500})]) == [
        f"{P}acceleratorPools[0].autoscaling.maxNodes: 2500 nodes exceed GKE's 1000 nodes per node pool per zone "
        "(1 zone: at most 1000)",
        # ... and the default pods range (/14: 1024 nodes at a /24 each) could not serve them either.
        f"{P}network.podsCidr: '10.4.0.0/14' serves 1024 nodes at one /24 per node (110 pods each), but the pools "
        "reach 2501; use a larger range",
    ]


# --- maintenance exclusions ---------------------------------------------------------------------------


def test_maintenance_exclusion_defaults_and_dates() -> None:
    cluster = settings(maintenanceExclusions=[{"name": "hold", "startTime": "2026-01-01"}]).cluster
    [exclusion] = cluster.maintenance_exclusions
    assert (exclusion.start_time, exclusion.end_time, exclusion.scope) == (
        "2026-01-01T00:00:00Z", None, "NO_MINOR_OR_NODE_UPGRADES"
    )


def test_maintenance_exclusion_rules() -> None:
    assert problems(maintenanceExclusions=[
        {"name": "a", "startTime": "next monday"},
        {"name": "b", "startTime": "2026-01-01T00:00:00"},
        {"name": "c", "startTime": "2026-02-01T00:00:00Z", "endTime": "2026-01-01T00:00:00Z"},
        {"name": "d", "startTime": "2026-01-01T00:00:00Z", "scope": "NO_UPGRADES"},
        {"name": "e", "startTime": "2026-01-01T00:00:00Z", "endTime": "2026-03-01T00:00:00Z", "scope": "NO_UPGRADES"},
    ], maintenanceStartTime="25:00") == [
        f"{P}maintenanceExclusions[0].startTime: 'next monday' is not an RFC 3339 timestamp (e.g. "
        "2026-01-01T00:00:00Z) or a date (2026-01-01)",
        f"{P}maintenanceExclusions[1].startTime: '2026-01-01T00:00:00' has no time zone; write it as an RFC 3339 "
        "timestamp, e.g. 2026-01-01T00:00:00Z",
        f"{P}maintenanceExclusions[2].endTime: '2026-01-01T00:00:00Z' is not after startTime '2026-02-01T00:00:00Z'",
        f"{P}maintenanceExclusions[3].endTime: scope NO_UPGRADES needs an endTime at most 30 days after startTime "
        "(it cannot last until end of support); allowed without endTime: NO_MINOR_UPGRADES, NO_MINOR_OR_NODE_UPGRADES",
        f"{P}maintenanceExclusions[4].endTime: '2026-03-01T00:00:00Z' is more than 30 days after startTime; scope "
        "NO_UPGRADES lasts at most 30 days",
        f"{P}maintenanceStartTime: '25:00' is not a time of day HH:MM (00:00 to 23:59, GMT)",
    ]
    assert problems(maintenanceExclusions=[{"name": "x", "startTime": "2026-01-01"}] * 2) == [
        f"{P}maintenanceExclusions[1].name: 'x' is already the name of maintenanceExclusions[0]"
    ]
    many = [{"name": f"x{i}", "startTime": "2026-01-01"} for i in range(21)]
    [message] = problems(maintenanceExclusions=many)
    assert message.startswith(f"{P}maintenanceExclusions: List should have at most 20 items after validation")


# --- item 4, 5, 7: A4X on DRANET, local SSDs, flex-start ----------------------------------------------


def test_a4x_dranet_keeps_the_gke_driver_and_device_plugin() -> None:
    a4x = {"name": "gb200", "machineType": "a4x-highgpu-4g", "rdma": "dranet", "reservation": {"name": "r"}}
    [nic_only] = settings(kubernetesVersion="1.34", acceleratorPools=[a4x]).cluster.accelerator_pools
    assert (nic_only.driver(), nic_only.dra_gpus(), nic_only.ephemeral_local_ssds()) == ("default", False, 0)
    full_dra = {**a4x, "gpuDriver": "disabled"}
    [full] = settings(kubernetesVersion="1.34", acceleratorPools=[full_dra]).cluster.accelerator_pools
    assert (full.driver(), full.dra_gpus()) == ("disabled", True)
    [a3u] = settings(acceleratorPools=[pool(machineType="a3-ultragpu-8g", rdma="dranet")]).cluster.accelerator_pools
    assert (a3u.driver(), a3u.dra_gpus(), a3u.ephemeral_local_ssds()) == ("disabled", True, 32)


def test_local_ssd_ephemeral_storage_needs_the_machines_ssds() -> None:
    assert problems(acceleratorPools=[pool(localSsdEphemeralStorage=True)]) == [
        f"{P}acceleratorPools[0].localSsdEphemeralStorage: true needs the local SSDs of the machine type, and the "
        "catalog knows none for g2-standard-24; allowed: false"
    ]
    a4_off = pool(machineType="a4-highgpu-8g", localSsdEphemeralStorage=False)
    [off] = settings(acceleratorPools=[a4_off]).cluster.accelerator_pools
    assert off.ephemeral_local_ssds() is None


def test_flex_start_with_compact_placement_only_on_a3_ultra_and_a4() -> None:
    flex = {"flexStart": True, "autoscaling": {"minNodes": 0, "maxNodes": 2}, "compactPlacement": True}
    assert problems(acceleratorPools=[pool(**flex)]) == [
        f"{P}acceleratorPools[0].flexStart: flex-start with compact placement is offered on A3 Ultra and A4 only, "
        "not g2-standard-24; set compactPlacement: false (single-host pools) or use a reservation"
    ]
    assert settings(acceleratorPools=[pool(machineType="a4-highgpu-8g", **flex)]).cluster


# --- every problem of a file at once -------------------------------------------------------------------


def test_every_problem_of_a_file_comes_out_at_once() -> None:
    found = problems(
        name="Bad_Name",
        kubernetesVersion=1.3,
        zones=["us-central1-b", "us-east1-b"],
        labels={"Team": "x"},
        acceleratorPools=[pool(machineType="a9-megagpu-8g", nodeCount=5000)],
    )
    assert [m.split(": ")[0] for m in found] == [
        f"{P}name", f"{P}kubernetesVersion", f"{P}labels.Team", f"{P}acceleratorPools[0].machineType",
        f"{P}zones[1]", f"{P}acceleratorPools[0].nodeCount",
    ]


# --- stack files as a user writes them (llmd-infra preview: exit 2, one line per problem, no traceback) ---

REPO = Path(__file__).resolve().parents[1]
A3U = (REPO / "stacks" / "Pulumi.gke-a3-ultra.yaml").read_text(encoding="utf-8")


def preview(capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | bytes) -> tuple[int, str]:
    target = tmp_path / "Pulumi.edge.yaml"
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    code = main(["preview", str(target), "--project-dir", str(REPO)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, " ".join(captured.err.split())


@pytest.mark.parametrize(("content", "expected"), [
    ("- config: {}\n", "the top level is a list; a stack file is a mapping with a 'config' key"),
    ("just text\n", "the top level is the text 'just text'; a stack file is a mapping with a 'config' key"),
    ("config:\n  - gcp:project: p\n", "'config' is a list; it must be a mapping of <namespace>:<key> to values"),
    (b"config:\n  gcp:project: caf\xe9\n",
     "is not UTF-8 text: byte 0xe9 on line 2 cannot be decoded; save the file as UTF-8"),
    ("config:\n  gcp:project: a\n  gcp:project: b\n", "key 'gcp:project' appears twice in one mapping"),
])
def test_stack_files_that_are_not_a_config_mapping(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | bytes, expected: str
) -> None:
    code, err = preview(capsys, tmp_path, content)
    assert code == 2
    assert err.startswith("error: ") and expected in err, err


def test_unquoted_dates_stay_text_as_pulumi_keeps_them(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    content = A3U.replace('startTime: "2026-01-01T00:00:00Z"', "startTime: 2026-01-01T00:00:00Z")
    assert "startTime: 2026-01-01T00:00:00Z\n" in content
    code, _ = preview(capsys, tmp_path, content)
    assert code == 0
    plan = run_program(REPO, "edge", config_file=tmp_path / "Pulumi.edge.yaml")
    [cluster] = plan.of_type("gcp:container/cluster:Cluster")
    assert cluster.inputs["maintenancePolicy"]["maintenanceExclusions"][0]["startTime"] == "2026-01-01T00:00:00Z"
    dated = A3U.replace('startTime: "2026-01-01T00:00:00Z"', "startTime: 2026-01-01")
    plan = run_program(REPO, "edge", config={}, config_file=_write(tmp_path, dated))
    [cluster] = plan.of_type("gcp:container/cluster:Cluster")
    assert cluster.inputs["maintenancePolicy"]["maintenanceExclusions"][0]["startTime"] == "2026-01-01T00:00:00Z"


def _write(tmp_path: Path, content: str) -> Path:
    target = tmp_path / "Pulumi.dated.yaml"
    target.write_text(content, encoding="utf-8")
    return target


def test_unquoted_version_number_is_refused_before_anything_is_registered(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    content = A3U.replace('kubernetesVersion: "1.34"', "kubernetesVersion: 1.30")
    code, err = preview(capsys, tmp_path, content)
    assert code == 2
    assert err == (
        f"error: invalid configuration in {tmp_path / 'Pulumi.edge.yaml'} (1 problem): - "
        "llmd-infra:cluster.kubernetesVersion: 1.3 "
        'is a number, not a version: YAML reads an unquoted 1.30 as 1.3; write the version in quotes as you mean it '
        '(e.g. "1.30")'
    )
    with pytest.raises(ConfigError) as info:
        run_program(REPO, "edge", config_file=tmp_path / "Pulumi.edge.yaml")
    assert [r for r in info.value.plan.resources if r.custom or r.type.startswith("llmd-infra:")] == []


def test_every_problem_of_a_stack_file_at_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    content = (
        A3U.replace("name: llmd-a3-ultra", "name: LLMD")
        .replace("zones: [us-central1-b]", "zones: [us-central1-b, us-east1-b]")
        .replace("machineType: a3-ultragpu-8g", "machineType: a3-ultragpu-9g")
        .replace("  gcp:project: my-gcp-project", "  gcp:project: X")
        + "    lws:\n      version: 0.9\n"
    ).replace("  llmd-infra:addons:\n    lws:\n      enabled: true\n    lws:\n", "  llmd-infra:addons:\n    lws:\n")
    code, err = preview(capsys, tmp_path, content)
    assert code == 2
    assert err.startswith(f"error: invalid configuration in {tmp_path / 'Pulumi.edge.yaml'} (5 problems): ")
    for path in ("llmd-infra:cluster.name:", "llmd-infra:cluster.acceleratorPools[0].machineType:",
                 "llmd-infra:cluster.zones[1]:", "llmd-infra:cluster.project: gcp:project 'X'",
                 "llmd-infra:addons.lws.version: 0.9 is a number"):
        assert f"- {path}" in err, (path, err)
