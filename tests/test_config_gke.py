"""GKE stack configuration: every invalid value gives one exact message at its config key path."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from llmd_infra.config.stack import settings_from_values
from llmd_infra.errors import ConfigError
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
    return settings_from_values({"llmd-infra:cluster": json.dumps(data)})


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
        "spot, flexStart, compactPlacement, diskSizeGb, diskType, labels, taints"
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
        "1.31.4-gke.1183000 or newer, got 1.30"
    ]


A4X_DRANET = {"name": "gpu", "machineType": "a4x-highgpu-4g", "rdma": "dranet", "reservation": {"name": "r"}}


@pytest.mark.parametrize("version", ["1.33.1-gke.1000", "1.31", "1.32.7-gke.9999999"])
def test_rdma_floor_is_per_minor_line(version: str) -> None:
    # A4X: 1.33.4-gke.1036000+ or 1.32.8-gke.1108000+ (accelerator-catalog.md §3a). 1.33.1 is newer than the
    # oldest floor but older than its own line's, so it must fail.
    assert problems(kubernetesVersion=version, acceleratorPools=[A4X_DRANET]) == [
        f"{P}kubernetesVersion: GPUDirect-RDMA on a4x-highgpu-4g (acceleratorPools[0]) needs GKE "
        "1.32.8-gke.1108000 or newer on 1.32, 1.33.4-gke.1036000 or newer on 1.33 or a newer minor, "
        f"got {version}"
    ]


@pytest.mark.parametrize("version", ["1.33.4-gke.1036000", "1.32.9-gke.1", "1.32", "1.34", "1.35.0-gke.1"])
def test_rdma_floor_met(version: str) -> None:
    assert settings(kubernetesVersion=version, acceleratorPools=[A4X_DRANET]).cluster.accelerator_pools[0].rdma == (
        "dranet"
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
