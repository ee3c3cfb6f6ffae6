"""DOKS stack configuration: every invalid value gives one exact message at its config key path."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from llmd_infra.catalog.types import RdmaKind, Vendor
from llmd_infra.config.base import validate_model
from llmd_infra.errors import ConfigError
from llmd_infra.providers.doks.config import DoksClusterConfig, fabric_sizes, gpu_sizes

BASE: dict[str, Any] = {"provider": "doks", "name": "llmd-test", "region": "tor1", "kubernetesVersion": "1.33"}
P = "llmd-infra:cluster."
POOL = f"{P}acceleratorPools[0]."
FABRIC = "gpu-mi300x8-1536gb-fabric-contracted"


def config(**over: Any) -> DoksClusterConfig:
    data = copy.deepcopy(BASE)
    data.update(over)
    return validate_model(DoksClusterConfig, data, "llmd-infra:cluster")


def problems(**over: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        config(**over)
    return [str(p) for p in info.value.problems]


def pool(**fields: Any) -> dict[str, Any]:
    return {"name": "gpu", "size": "gpu-h100x1-80gb", **fields}


def test_minimal_config_and_defaults() -> None:
    c = config()
    assert c.ha is None and c.auto_upgrade is True and c.surge_upgrade is True
    assert (c.maintenance_window.day, c.maintenance_window.start_time) == ("sunday", "04:00")
    assert (c.system_pool.size, c.system_pool.node_range()) == ("s-8vcpu-16gb", (2, 2))
    assert (c.nvidia_gpu, c.amd_gpu, c.amd_metrics_exporter) == ("device-plugin", "device-plugin", False)
    assert (c.fabric.cidr, c.fabric.namespace, c.fabric.ipam) == ("192.168.64.0/21", "default", "whereabouts")
    assert c.network.control_plane_firewall is None and c.kubeconfig_expire_seconds is None
    assert c.fabric_nic_count() == 0


@pytest.mark.parametrize(("version", "prefix"), [("1.33", "1.33."), ("1.34", "1.34."), ("v1.33", "1.33."),
                                                 ("1.33.1-do.3", None)])
def test_version_minor_or_slug(version: str, prefix: str | None) -> None:
    assert config(kubernetesVersion=version).version_prefix() == prefix


def test_pool_facts_come_from_the_catalog() -> None:
    c = config(acceleratorPools=[pool(nodeCount=2), pool(name="amd", size=FABRIC, nodeCount=2, multiHost=True),
                                 pool(name="auto", size="gpu-l40sx1-48gb", autoscaling={"minNodes": 1, "maxNodes": 3})])
    h100, amd, auto = c.accelerator_pools
    assert (h100.vendor(), h100.node_range(), h100.interconnect()) == (Vendor.NVIDIA, (2, 2), RdmaKind.NONE)
    assert (amd.vendor(), amd.interconnect()) == (Vendor.AMD, RdmaKind.ROCE)
    assert auto.node_range() == (1, 3)
    assert c.fabric_nic_count() == 8 and [p.name for p in c.multi_host_pools()] == ["amd"]
    assert c.fabric.nic_cidrs(8) == [f"192.168.{64 + i}.0/24" for i in range(8)]
    assert c.uses_vendor(Vendor.AMD) and c.uses_vendor(Vendor.NVIDIA)


def test_fabric_sizes_are_the_catalogs_multi_node_slugs() -> None:
    assert fabric_sizes() == ["gpu-h200x8-1128gb-fabric-contracted", "gpu-mi300x8-1536gb-fabric-contracted",
                              "gpu-mi325x8-2048gb-fabric-contracted"]
    assert set(fabric_sizes()) <= set(gpu_sizes())


MULTI_HOST_MESSAGE = (
    f"{POOL}multiHost: a multi-host pool needs RDMA between hosts, and gpu-h100x8-640gb has only 25 Gbps VPC "
    "networking without RDMA; multi-host pools need a fabric size (contract only): "
    "gpu-h200x8-1128gb-fabric-contracted, gpu-mi300x8-1536gb-fabric-contracted, gpu-mi325x8-2048gb-fabric-contracted"
)


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"kubernetesVersion": "1.28"},
         [f"{P}kubernetesVersion: Kubernetes 1.28 is older than llm-d's minimum 1.29 (requirement "
          "kubernetes-version)"]),
        ({"kubernetesVersion": "latest"},
         [f"{P}kubernetesVersion: 'latest' is neither a Kubernetes minor (e.g. 1.33, resolved to its newest DOKS "
          "patch at every run) nor a DOKS version slug (e.g. 1.33.1-do.3; list them with doctl kubernetes options "
          "versions)"]),
        ({"kubernetesVersion": "1.33.1"},
         [f"{P}kubernetesVersion: '1.33.1' is neither a Kubernetes minor (e.g. 1.33, resolved to its newest DOKS "
          "patch at every run) nor a DOKS version slug (e.g. 1.33.1-do.3; list them with doctl kubernetes options "
          "versions)"]),
        ({"name": "LLM_D"},
         [f"{P}name: 'LLM_D' is not a valid DOKS cluster name (lowercase letters, digits and '-', starting and "
          "ending with a letter or digit, at most 63 characters)"]),
        ({"region": "toronto"}, [f"{P}region: 'toronto' is not a DigitalOcean region slug (e.g. tor1, nyc2, atl1)"]),
        ({"acceleratorPools": [pool(size="gpu-h100x8-640gb", nodeCount=2, multiHost=True)]}, [MULTI_HOST_MESSAGE]),
        ({"acceleratorPools": [pool(size=FABRIC, multiHost=True)]},
         [f"{POOL}multiHost: a multi-host pool needs at least two nodes (nodeCount, or autoscaling.maxNodes)"]),
        ({"acceleratorPools": [pool(size=FABRIC, multiHost=True, autoscaling={"minNodes": 1, "maxNodes": 1})]},
         [f"{POOL}autoscaling.maxNodes: a multi-host pool needs at least two nodes (nodeCount, or "
          "autoscaling.maxNodes)"]),
        ({"acceleratorPools": [pool(gpuPartitionMode="AMD_PARTITION_MODE_SPX_NPS1")]},
         [f"{POOL}gpuPartitionMode: GPU partition modes are for AMD sizes; gpu-h100x1-80gb carries H100"]),
        ({"acceleratorPools": [pool(size="gpu-mi300x8-1536gb", gpuPartitionMode="CPX")]},
         [f"{POOL}gpuPartitionMode: 'CPX' is not allowed; allowed: AMD_PARTITION_MODE_SPX_NPS1, "
          "AMD_PARTITION_MODE_DPX_NPS2"]),
        ({"acceleratorPools": [pool(autoscaling={"minNodes": 0, "maxNodes": 2})]},
         [f"{POOL}autoscaling.minNodes: 0 is not allowed: a DOKS pool keeps at least one node (autoscaling to zero "
          "is a private preview); use 1"]),
        ({"acceleratorPools": [pool(autoscaling={"minNodes": 3, "maxNodes": 2})]},
         [f"{POOL}autoscaling: minNodes (3) must not exceed maxNodes (2)"]),
        ({"acceleratorPools": [pool(nodeCount=2, autoscaling={"minNodes": 1, "maxNodes": 2})]},
         [f"{POOL}autoscaling: set nodeCount or autoscaling, not both"]),
        ({"acceleratorPools": [pool(labels={"doks.digitalocean.com/gpu-brand": "nvidia"})]},
         [f"{POOL}labels: 'doks.digitalocean.com/gpu-brand': DOKS sets and reconciles the doks.digitalocean.com/* "
          "labels itself; use another key"]),
        ({"acceleratorPools": [pool(name="system")]}, [f"{POOL}name: 'system' is the name of the system pool"]),
        ({"acceleratorPools": [pool(), pool()]},
         [f"{P}acceleratorPools[1].name: 'gpu' is already the name of acceleratorPools[0]"]),
        ({"acceleratorPools": [pool(tags=["bad tag"])]},
         [f"{POOL}tags: 'bad tag' is not a DigitalOcean tag (letters, digits, ':', '-' and '_', at most 255 "
          "characters)"]),
        ({"network": {"controlPlaneFirewall": {"allowedAddresses": ["0.0.0.0/0"]}}},
         [f"{P}network.controlPlaneFirewall.allowedAddresses: '0.0.0.0/0' opens the control plane to the whole "
          "internet; list the CIDRs that run kubectl/pulumi instead"]),
        ({"network": {"controlPlaneFirewall": {"allowedAddresses": []}}},
         [f"{P}network.controlPlaneFirewall.allowedAddresses: List should have at least 1 item after validation, "
          "not 0"]),
        ({"network": {"vpcCidr": "203.0.113.0/24"}},
         [f"{P}network.vpcCidr: '203.0.113.0/24' must be an RFC 1918 IPv4 range between /16 and /24 "
          "(DigitalOcean VPC rule)"]),
        ({"network": {"vpcCidr": "10.10.0.0/25"}},
         [f"{P}network.vpcCidr: '10.10.0.0/25' must be an RFC 1918 IPv4 range between /16 and /24 "
          "(DigitalOcean VPC rule)"]),
        ({"network": {"vpcCidr": "10.10.0.0/20", "existingVpcUuid": "a-b-c"}},
         [f"{P}network.vpcCidr: set vpcCidr (a new VPC) or existingVpcUuid, not both"]),
        ({"network": {"vpcCidr": "10.10.0.0/20", "clusterSubnet": "10.10.0.0/16"}},
         [f"{P}network.clusterSubnet: '10.10.0.0/16' overlaps vpcCidr '10.10.0.0/20'"]),
        ({"network": {"serviceSubnet": "10.300.0.0/16"}},
         [f"{P}network.serviceSubnet: '10.300.0.0/16' is not a CIDR block ('10.300.0.0/16' does not appear to be an "
          "IPv4 or IPv6 network)"]),
        ({"fabric": {"cidr": "192.168.64.0/22"}, "acceleratorPools": [pool(size=FABRIC, nodeCount=2, multiHost=True)]},
         [f"{P}fabric.cidr: '192.168.64.0/22' must be an IPv4 range with room for one /24 per fabric NIC (8 NICs: /21 "
          "or larger)"]),
        ({"fabric": {"cidr": "10.200.0.0/16"}, "network": {"clusterSubnet": "10.200.0.0/16"},
          "acceleratorPools": [pool(size=FABRIC, nodeCount=2, multiHost=True)]},
         [f"{P}fabric.cidr: '10.200.0.0/16' overlaps network.clusterSubnet '10.200.0.0/16'"]),
        ({"fabric": {"ipam": "dhcp"}}, [f"{P}fabric.ipam: 'dhcp' is not allowed; allowed: 'whereabouts', 'none'"]),
        ({"systemPool": {"size": "gpu-l40sx1-48gb"}},
         [f"{P}systemPool.size: 'gpu-l40sx1-48gb' carries accelerators (L40S); the system pool needs a CPU size such "
          "as s-8vcpu-16gb"]),
        ({"systemPool": {"size": "huge"}},
         [f"{P}systemPool.size: 'huge' is not a DigitalOcean CPU Droplet size slug (e.g. s-8vcpu-16gb)"]),
        ({"maintenanceWindow": {"day": "sunday", "startTime": "4am"}},
         [f"{P}maintenanceWindow.startTime: '4am' is not a UTC time in HH:MM (24-hour) notation, e.g. 04:00"]),
        ({"nvidiaGpu": "both"}, [f"{P}nvidiaGpu: 'both' is not allowed; allowed: 'device-plugin', 'dra-driver'"]),
        ({"kubeconfigExpireSeconds": 0},
         [f"{P}kubeconfigExpireSeconds: Input should be greater than or equal to 1 (got 0)"]),
    ],
)
def test_invalid_values(over: dict[str, Any], expected: list[str]) -> None:
    assert problems(**over) == expected


def test_unknown_gpu_size_lists_the_catalog() -> None:
    [message] = problems(acceleratorPools=[pool(size="gpu-h900x1-80gb")])
    assert message == f"{POOL}size: unknown GPU size 'gpu-h900x1-80gb'; allowed: {', '.join(gpu_sizes())}"
    assert "gpu-h100x1-80gb" in message and "gpu-mi300x8-1536gb-fabric-contracted" in message


def test_cpu_size_is_not_a_gpu_pool() -> None:
    assert problems(acceleratorPools=[pool(size="s-8vcpu-16gb")]) == [
        f"{POOL}size: unknown GPU size 's-8vcpu-16gb'; allowed: {', '.join(gpu_sizes())}"
    ]


def test_unknown_key_lists_the_allowed_keys() -> None:
    [message] = problems(machineType="x")
    assert message.startswith(f"{P}machineType: unknown key 'machineType'; allowed keys: provider, name, region, ")
    assert "acceleratorPools" in message and "nvidiaGpu" in message


def test_every_problem_is_reported_at_once() -> None:
    found = problems(region="Toronto", acceleratorPools=[pool(size="gpu-h100x8-640gb", nodeCount=2, multiHost=True)])
    assert found == [f"{P}region: 'Toronto' is not a DigitalOcean region slug (e.g. tor1, nyc2, atl1)",
                     MULTI_HOST_MESSAGE]


def test_the_stack_settings_pick_the_doks_model_by_provider() -> None:
    import json

    from llmd_infra.config.stack import settings_from_values

    settings = settings_from_values({"llmd-infra:cluster": json.dumps({**BASE, "acceleratorPools": [pool()]})})
    assert isinstance(settings.cluster, DoksClusterConfig)
    assert settings.protect_for("doks-h100") is True and settings.protect_for("doks-h100-dev") is False
    with pytest.raises(ConfigError) as info:
        settings_from_values({"llmd-infra:cluster": json.dumps({**BASE, "kubernetesVersion": "1.28"})})
    assert [str(p) for p in info.value.problems] == [
        f"{P}kubernetesVersion: Kubernetes 1.28 is older than llm-d's minimum 1.29 (requirement kubernetes-version)"
    ]


def test_gpu_node_facts_per_vendor() -> None:
    from llmd_infra.providers.doks.catalog import GPU_BRAND_LABEL, GPU_NODES

    assert GPU_BRAND_LABEL == "doks.digitalocean.com/gpu-brand"
    assert {v: (f.brand, f.taint, f.resource) for v, f in GPU_NODES.items()} == {
        Vendor.NVIDIA: ("nvidia", "nvidia.com/gpu", "nvidia.com/gpu"),
        Vendor.AMD: ("amd", "amd.com/gpu", "amd.com/gpu"),
    }
    assert all("docs.digitalocean.com/products/kubernetes/details/managed/" in f.source for f in GPU_NODES.values())
