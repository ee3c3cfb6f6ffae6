"""``DoksCluster`` built from code, under the offline plan engine: the exact resource contract."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from llmd_infra.contract import MULTI_HOST_LABEL
from llmd_infra.errors import ConfigError
from llmd_infra.plan.engine import run_callable
from llmd_infra.plan.graph import Plan
from llmd_infra.plan.values import UNKNOWN, Secret, to_engine
from llmd_infra.providers.doks.network import MULTUS, WHEREABOUTS, nad_config, pod_annotation

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CLUSTER = "digitalocean:index/kubernetesCluster:KubernetesCluster"
NODE_POOL = "digitalocean:index/kubernetesNodePool:KubernetesNodePool"
NAD = "kubernetes:k8s.cni.cncf.io/v1:NetworkAttachmentDefinition"
RELEASE = "kubernetes:helm.sh/v3:Release"
CONFIG_FILE = "kubernetes:yaml/v2:ConfigFile"
VERSIONS_INVOKE = "digitalocean:index/getKubernetesVersions:getKubernetesVersions"
FABRIC = "gpu-mi300x8-1536gb-fabric-contracted"

MIXED: dict[str, Any] = {
    "region": "atl1",
    "kubernetes_version": "1.33",
    "accelerator_pools": [
        {"name": "h100", "size": "gpu-h100x1-80gb", "node_count": 2},
        {"name": "l40s", "size": "gpu-l40sx1-48gb", "autoscaling": {"min_nodes": 1, "max_nodes": 4},
         "labels": {"team": "a"}, "taints": [{"key": "dedicated", "value": "llm-d"}], "tags": ["pool-tag"]},
        {"name": "mi-fabric", "size": FABRIC, "node_count": 2, "multi_host": True,
         "gpu_partition_mode": "AMD_PARTITION_MODE_SPX_NPS1"},
    ],
}


def build(args: dict[str, Any], *, preview: bool = True, protect: bool | None = None) -> Plan:
    def program() -> None:
        from llmd_infra.providers.doks.cluster import DoksCluster

        opts = None if protect is None else pulumi.ResourceOptions(protect=protect)
        cluster = DoksCluster("c", args, opts)  # type: ignore[arg-type]
        pulumi.export("kubeconfig", cluster.kubeconfig)

    return run_callable(program, project="llmd-infra", stack="t", preview=preview)


@cache
def mixed(preview: bool = True) -> Plan:
    return build(MIXED, preview=preview)


def shape(p: Plan) -> set[tuple[str, str, str]]:
    names = {r.urn: r.name for r in p.resources}
    return {(r.type, r.name, names.get(r.parent, "<stack>")) for r in p.resources}


def test_resource_graph() -> None:
    f = "c-fabric"
    assert shape(mixed()) == {
        ("llmd-infra:doks:DoksCluster", "c", "<stack>"),
        ("llmd-infra:doks:ClusterNetwork", "c-network", "c"),
        ("digitalocean:index/vpc:Vpc", "c-network-vpc", "c-network"),
        (CLUSTER, "c-cluster", "c"),
        *((("llmd-infra:doks:AcceleratorPool", f"c-{p}", "c"), (NODE_POOL, f"c-{p}-nodes", f"c-{p}"))[i]
          for p in ("h100", "l40s", "mi-fabric") for i in (0, 1)),
        ("pulumi:providers:kubernetes", "c-k8s", "c"),
        ("llmd-infra:addons:LeaderWorkerSet", "c-lws", "c"),
        ("kubernetes:core/v1:Namespace", "c-lws-namespace", "c-lws"),
        (RELEASE, "c-lws-release", "c-lws"),
        ("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinitionPatch", "c-lws-crd-guard", "c-lws"),
        ("llmd-infra:addons:GatewayApiCrds", "c-gateway-crds", "c"),
        (CONFIG_FILE, "c-gateway-crds-gateway-api", "c-gateway-crds"),
        (CONFIG_FILE, "c-gateway-crds-inference-extension", "c-gateway-crds"),
        ("llmd-infra:doks:FabricNetwork", f, "c"),
        (CONFIG_FILE, f"{f}-multus", f),
        (RELEASE, f"{f}-whereabouts", f),
        *((NAD, f"{f}-roce-net-fabric{i}", f) for i in range(8)),
        # Kueue for the fabric pool (tests/test_kueue_stacks.py asserts the Kueue inputs)
        ("llmd-infra:addons:Kueue", "c-kueue", "c"),
        ("kubernetes:core/v1:Namespace", "c-kueue-namespace", "c-kueue"),
        (RELEASE, "c-kueue-release", "c-kueue"),
        *((f"kubernetes:kueue.x-k8s.io/v1beta2:{kind}", f"c-kueue-{name}", "c-kueue") for kind, name in (
            ("Topology", "topology-doks-hostname"), ("ResourceFlavor", "flavor-mi-fabric"),
            ("ClusterQueue", "cluster-queue"), ("LocalQueue", "local-queue-default"))),
    }


def test_cluster_contract() -> None:
    p = mixed()
    cluster = p.named("c-cluster")
    assert cluster.protect is True
    assert cluster.ignore_changes == []
    assert cluster.inputs == {
        "name": "c",
        "region": "atl1",
        "version": "1.33.1-do.0",
        "vpcUuid": UNKNOWN,
        "ha": True,
        "autoUpgrade": True,
        "surgeUpgrade": True,
        "maintenancePolicy": {"day": "sunday", "startTime": "04:00"},
        "registryIntegration": False,
        "destroyAllAssociatedResources": False,
        "tags": ["llmd-infra"],
        "nodePool": {"name": "system", "size": "s-8vcpu-16gb", "nodeCount": 2, "labels": {"llm-d.ai/role": "system"},
                     "tags": ["llmd-infra"]},
        "nvidiaGpuDevicePlugin": {"enabled": True},
        "amdGpuDevicePlugin": {"enabled": True},
        "rdmaSharedDevicePlugin": {"enabled": True},
    }
    assert p.named("c-network-vpc").inputs == {
        "name": "c-vpc", "region": "atl1", "description": "llmd-infra: VPC of DOKS cluster c"
    }
    assert cluster.property_dependencies["vpcUuid"] == [p.named("c-network-vpc").urn]


def test_version_is_resolved_from_the_minor_through_the_versions_invoke() -> None:
    invokes = [i for i in mixed().invokes if i.token == VERSIONS_INVOKE]
    assert [i.args for i in invokes] == [{"versionPrefix": "1.33."}]
    p = build({**MIXED, "kubernetes_version": "1.34.1-do.2"})
    assert p.named("c-cluster").inputs["version"] == "1.34.1-do.2"
    assert not [i for i in p.invokes if i.token == VERSIONS_INVOKE]
    assert p.named("c").outputs["kubernetesVersion"] == "1.34.1-do.2"


def test_pools() -> None:
    p = mixed()
    fixed = p.named("c-h100-nodes")
    assert fixed.protect is True and fixed.delete_before_replace is True and fixed.ignore_changes == []
    assert fixed.inputs == {
        "clusterId": UNKNOWN, "name": "h100", "size": "gpu-h100x1-80gb", "nodeCount": 2,
        "labels": {"llm-d.ai/pool": "h100"}, "tags": ["llmd-infra"],
    }
    auto = p.named("c-l40s-nodes")
    assert auto.ignore_changes == ["nodeCount"]
    assert auto.inputs == {
        "clusterId": UNKNOWN, "name": "l40s", "size": "gpu-l40sx1-48gb", "autoScale": True, "minNodes": 1,
        "maxNodes": 4, "labels": {"llm-d.ai/pool": "l40s", "team": "a"},
        "taints": [{"key": "dedicated", "value": "llm-d", "effect": "NoSchedule"}], "tags": ["llmd-infra", "pool-tag"],
    }
    fabric = p.named("c-mi-fabric-nodes").inputs
    assert fabric["labels"] == {"llm-d.ai/pool": "mi-fabric", MULTI_HOST_LABEL: "true"}
    assert fabric["gpuPartitionMode"] == "AMD_PARTITION_MODE_SPX_NPS1"
    assert p.named("c-mi-fabric").inputs["gpuTaint"] == "amd.com/gpu"
    assert p.named("c-h100").inputs["gpuTaint"] == "nvidia.com/gpu"
    assert p.named("c-h100").inputs["gpuNodeSelector"] == {"doks.digitalocean.com/gpu-brand": "nvidia"}
    for pool in p.of_type(NODE_POOL):
        assert pool.property_dependencies["clusterId"] == [p.named("c-cluster").urn]


def test_pool_summaries() -> None:
    # Known in preview: the summaries are facts of the configuration and the catalog.
    assert mixed().named("c").outputs["acceleratorPools"] == [
        {"name": "h100", "machineType": "gpu-h100x1-80gb", "accelerator": "H100", "acceleratorsPerNode": 1,
         "minNodes": 2, "maxNodes": 2, "autoscaling": False, "multiHost": False, "interconnect": "none",
         "zones": ["atl1"]},
        {"name": "l40s", "machineType": "gpu-l40sx1-48gb", "accelerator": "L40S", "acceleratorsPerNode": 1,
         "minNodes": 1, "maxNodes": 4, "autoscaling": True, "multiHost": False, "interconnect": "none",
         "zones": ["atl1"]},
        {"name": "mi-fabric", "machineType": FABRIC, "accelerator": "MI300X", "acceleratorsPerNode": 8,
         "minNodes": 2, "maxNodes": 2, "autoscaling": False, "multiHost": True, "interconnect": "RoCE",
         "zones": ["atl1"]},
    ]


def test_fabric_network() -> None:
    p = mixed()
    multus = p.named("c-fabric-multus")
    assert multus.inputs == {
        "file": "https://raw.githubusercontent.com/k8snetworkplumbingwg/multus-cni/v4.3.0/deployments/"
                "multus-daemonset-thick.yml",
        "skipAwait": True,
    }
    assert MULTUS.version == "v4.3.0"
    assert multus.protect is True and multus.retain_on_delete is True
    whereabouts = p.named("c-fabric-whereabouts").inputs
    assert {k: whereabouts[k] for k in ("name", "chart", "version", "namespace", "atomic", "skipAwait")} == {
        "name": "whereabouts", "chart": "oci://ghcr.io/k8snetworkplumbingwg/whereabouts-chart",
        "version": WHEREABOUTS.version, "namespace": "kube-system", "atomic": False, "skipAwait": True,
    }
    nads = {r.inputs["metadata"]["name"]: r for r in p.of_type(NAD)}
    assert sorted(nads) == [f"roce-net-fabric{i}" for i in range(8)]
    three = nads["roce-net-fabric3"].inputs
    assert three["metadata"] == {"name": "roce-net-fabric3", "namespace": "default",
                                 "labels": {"app.kubernetes.io/managed-by": "llmd-infra"}}
    assert json.loads(three["spec"]["config"]) == {
        "cniVersion": "0.3.1", "name": "roce-net-fabric3", "type": "host-device", "device": "fabric3",
        "ipam": {"type": "whereabouts", "range": "192.168.67.0/24"},
    }
    for nad in nads.values():
        assert {multus.urn, p.named("c-fabric-whereabouts").urn} <= set(nad.dependencies)
    outputs = p.named("c").outputs
    assert outputs["fabricPodAnnotation"] == pod_annotation("default", 8)
    assert outputs["fabricPodAnnotation"].startswith("default/roce-net-fabric0@fabric0, default/roce-net-fabric1@")
    assert outputs["fabricRdmaResources"] == [f"rdma/fabric{i}" for i in range(8)]


def test_fabric_without_ipam_matches_digitaloceans_nads() -> None:
    args = {**MIXED, "fabric": {"ipam": "none", "namespace": "llm-d"}}
    p = build(args)
    assert not [r for r in p.resources if r.name.endswith("-whereabouts")]
    nad = p.named("c-fabric-roce-net-fabric0").inputs
    assert nad["metadata"]["namespace"] == "llm-d"
    assert json.loads(nad["spec"]["config"]) == {
        "cniVersion": "0.3.1", "name": "roce-net-fabric0", "type": "host-device", "device": "fabric0"
    }
    assert nad_config(0, None) == nad["spec"]["config"]


def test_no_fabric_objects_without_multi_host_pools() -> None:
    p = build({"region": "tor1", "kubernetes_version": "1.33",
               "accelerator_pools": [{"name": "h100", "size": "gpu-h100x1-80gb", "node_count": 2}]})
    assert not [r for r in p.resources if "fabric" in r.name]
    inputs = p.named("c-cluster").inputs
    assert "rdmaSharedDevicePlugin" not in inputs and "amdGpuDevicePlugin" not in inputs
    assert inputs["nvidiaGpuDevicePlugin"] == {"enabled": True}


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"nvidia_gpu": "dra-driver", "amd_gpu": "dra-driver", "amd_metrics_exporter": True},
         {"nvidiaGpuDraDriver": {"enabled": True}, "amdGpuDraDriver": {"enabled": True},
          "amdGpuDeviceMetricsExporterPlugin": {"enabled": True}, "rdmaSharedDevicePlugin": {"enabled": True}}),
        ({"gpu_operator": {"enabled": True}},
         {"nvidiaGpuDevicePlugin": {"enabled": False}, "amdGpuDevicePlugin": {"enabled": True},
          "rdmaSharedDevicePlugin": {"enabled": True}}),
    ],
)
def test_gpu_components_never_both_for_one_vendor(extra: dict[str, Any], expected: dict[str, Any]) -> None:
    inputs = build({**MIXED, **extra}).named("c-cluster").inputs
    keys = ("nvidiaGpuDevicePlugin", "nvidiaGpuDraDriver", "amdGpuDevicePlugin", "amdGpuDraDriver",
            "amdGpuDeviceMetricsExporterPlugin", "rdmaSharedDevicePlugin")
    assert {k: inputs[k] for k in keys if k in inputs} == expected


def test_gpu_operator_replaces_the_doks_device_plugin() -> None:
    p = build({**MIXED, "gpu_operator": {"enabled": True}})
    release = next(r for r in p.of_type(RELEASE) if r.name.startswith("c-gpu-operator"))
    values = release.inputs["values"]
    assert values["driver"]["enabled"] is False and values["toolkit"]["enabled"] is False
    assert p.named("c-gpu-operator").type == "llmd-infra:addons:NvidiaGpuOperator"


def test_gpu_operator_and_nvidia_dra_driver_are_exclusive() -> None:
    with pytest.raises(ConfigError) as info:
        build({**MIXED, "nvidia_gpu": "dra-driver", "gpu_operator": {"enabled": True}})
    assert [str(p) for p in info.value.problems] == [
        "DoksCluster c:gpu_operator.enabled: the GPU Operator replaces DOKS's NVIDIA device plugin and cannot run "
        "next to DOKS's NVIDIA DRA driver; set nvidia_gpu: device-plugin or turn the GPU Operator off"
    ]
    assert info.value.plan.resources == []


def test_invalid_args_register_nothing() -> None:
    with pytest.raises(ConfigError) as info:
        build({**MIXED, "accelerator_pools": [{"name": "x", "size": "gpu-h100x8-640gb", "node_count": 2,
                                                "multi_host": True}]})
    assert str(info.value.problems[0]).startswith(
        "DoksCluster c:accelerator_pools[0].multiHost: a multi-host pool needs RDMA between hosts"
    )
    assert info.value.plan.resources == []


def test_network_options() -> None:
    args = {**MIXED, "network": {"existing_vpc_uuid": "0b0f-vpc", "cluster_subnet": "10.200.0.0/16",
                                 "service_subnet": "10.201.0.0/16",
                                 "control_plane_firewall": {"allowed_addresses": ["203.0.113.0/24"]}},
            "kubeconfig_expire_seconds": 86400, "tags": ["team-inference"], "ha": False, "auto_upgrade": False,
            "maintenance_window": {"day": "any", "start_time": "22:30"},
            "system_pool": {"size": "c-16", "autoscaling": {"min_nodes": 2, "max_nodes": 4}}}
    p = build(args)
    assert not p.of_type("llmd-infra:doks:ClusterNetwork")
    cluster = p.named("c-cluster")
    i = cluster.inputs
    assert (i["vpcUuid"], i["clusterSubnet"], i["serviceSubnet"]) == ("0b0f-vpc", "10.200.0.0/16", "10.201.0.0/16")
    assert i["controlPlaneFirewall"] == {"enabled": True, "allowedAddresses": ["203.0.113.0/24"]}
    assert (i["kubeconfigExpireSeconds"], i["ha"], i["autoUpgrade"]) == (86400, False, False)
    assert i["maintenancePolicy"] == {"day": "any", "startTime": "22:30"}
    assert i["tags"] == ["llmd-infra", "team-inference"]
    assert i["nodePool"] == {"name": "system", "size": "c-16", "autoScale": True, "minNodes": 2, "maxNodes": 4,
                             "labels": {"llm-d.ai/role": "system"}, "tags": ["llmd-infra", "team-inference"]}
    assert cluster.ignore_changes == ["nodePool.nodeCount"]
    assert p.named("c-h100-nodes").inputs["tags"] == ["llmd-infra", "team-inference"]


@pytest.mark.parametrize(("opts_protect", "args_protect", "expected"),
                         [(None, None, True), (False, None, False), (True, False, False), (False, True, True)])
def test_caller_opts_protect_is_the_default(opts_protect: bool | None, args_protect: bool | None,
                                            expected: bool) -> None:
    args = dict(MIXED)
    if args_protect is not None:
        args["protect"] = args_protect
    p = build(args, protect=opts_protect)
    cluster = p.named("c-cluster")
    assert cluster.protect is expected and cluster.inputs["ha"] is expected
    assert p.named("c-h100-nodes").protect is expected
    assert p.named("c-fabric-multus").protect is expected
    assert p.named("c-lws-release").protect is expected


def test_kubeconfig_is_secret_and_unknown_until_the_cluster_exists() -> None:
    p = mixed()
    assert p.outputs["kubeconfig"] == Secret(UNKNOWN)
    [provider] = p.of_type("pulumi:providers:kubernetes")
    assert isinstance(provider.inputs["kubeconfig"], Secret)
    # The lookup needs the cluster's id: in preview it is not made at all.
    assert not [i for i in p.invokes if i.token.endswith("getKubernetesCluster")]


def test_addons_use_the_cluster_provider_and_wait_for_the_system_pool_only() -> None:
    p = mixed()
    [provider] = p.of_type("pulumi:providers:kubernetes")
    cluster = p.named("c-cluster")
    pools = {r.urn for r in p.of_type(NODE_POOL)} | {r.urn for r in p.of_type("llmd-infra:doks:AcceleratorPool")}
    for r in p.resources:
        if r.type.startswith("llmd-infra:addons:") or r.type == "llmd-infra:doks:FabricNetwork":
            assert r.providers.get("kubernetes", "").startswith(provider.urn), r.name
        if r.type.startswith("kubernetes:"):
            assert cluster.urn in r.dependencies, r.name
            assert not set(r.dependencies) & pools, r.name


def test_policy_verdict() -> None:
    from llmd_infra.plan.analyze import analyze_plan

    analysis = analyze_plan(mixed())
    assert [(v.policy, v.message) for v in analysis.mandatory] == []
    advisory = {(v.policy, v.message) for v in analysis.advisory}
    assert ("host-network-bandwidth", 'pool \'h100\': "gpu-h100x1-80gb" has 25 Gbps NIC bandwidth; llm-d asks for '
            '"Fast (100Gbps+ aggregate throughput) datacenter NICs" (>= 100 Gbps)') in advisory
    assert ("host-memory", 'pool \'h100\': "gpu-h100x1-80gb" has 240 GiB memory; llm-d asks for "500GiB or more of '
            'memory" (>= 500 GiB)') in advisory


def test_emitted_custom_resources_validate_against_upstream_crds(tmp_path: Path) -> None:
    validator = SHARED / "tools" / "validate_crs.py"
    if not validator.is_file():
        pytest.skip(f"CR validator not found at {validator} (../shared is absent)")
    docs = []
    for plan in (mixed(), build({**MIXED, "fabric": {"ipam": "none"}})):
        for r in plan.of_type(NAD):
            body = to_engine(r.inputs)
            docs.append({k: body[k] for k in ("apiVersion", "kind", "metadata", "spec")})
    assert len(docs) == 16
    target = tmp_path / "doks-crs.yaml"
    target.write_text(yaml.safe_dump_all(docs))
    result = subprocess.run([sys.executable, str(validator), str(target)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == 16


def test_imports_stay_lazy() -> None:
    code = (
        "import sys; import llmd_infra.providers.doks.cluster; "
        "bad = [m for m in ('pulumi_gcp', 'pulumi_aws', 'pulumi_command') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    config_only = (
        "import sys; import llmd_infra.providers.doks.config; "
        "sys.exit(1 if any(m in sys.modules for m in ('pulumi_digitalocean', 'pulumi_kubernetes')) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", config_only], cwd=REPO, check=False).returncode == 0


def test_contract_only_and_unconfirmed_sizes_are_warned_about() -> None:
    p = build({"region": "atl1", "kubernetes_version": "1.33",
               "accelerator_pools": [{"name": "h200", "size": "gpu-h200x8-1128gb-fabric-contracted", "node_count": 2,
                                      "multi_host": True}]})
    warnings = [message for level, message in p.logs if level == "warning"]
    assert warnings == [
        "pool 'h200': gpu-h200x8-1128gb-fabric-contracted is contract-only; DigitalOcean must enable it for your team",
        "pool 'h200': no DigitalOcean source confirms DOKS node pools of gpu-h200x8-1128gb-fabric-contracted; the "
        "DigitalOcean API decides at pulumi up",
    ]
    assert not [m for level, m in mixed().logs if level == "warning" and "h100" in m]
