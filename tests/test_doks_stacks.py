"""The exact contract of each ready DOKS stack, under the offline plan engine."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmd_infra.contract import MULTI_HOST_LABEL
from llmd_infra.errors import ConfigError
from llmd_infra.plan.analyze import analyze_plan
from llmd_infra.plan.engine import run_program
from llmd_infra.plan.graph import Plan
from llmd_infra.plan.values import UNKNOWN, Secret, to_engine
from llmd_infra.providers.doks.network import pod_annotation

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
STACKS = ("doks-h100", "doks-mi300x", "doks-fabric")
NAMES = {"doks-h100": "llmd-h100", "doks-mi300x": "llmd-mi300x", "doks-fabric": "llmd-fabric"}
CLUSTER = "digitalocean:index/kubernetesCluster:KubernetesCluster"
NODE_POOL = "digitalocean:index/kubernetesNodePool:KubernetesNodePool"
NAD = "kubernetes:k8s.cni.cncf.io/v1:NetworkAttachmentDefinition"
CLUSTER_INVOKE = "digitalocean:index/getKubernetesCluster:getKubernetesCluster"


@cache
def plan(stack: str, preview: bool = True) -> Plan:
    return run_program(REPO, stack, preview=preview)


def stack_cluster(stack: str) -> dict[str, Any]:
    doc = yaml.safe_load((REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text())
    cluster: dict[str, Any] = doc["config"]["llmd-infra:cluster"]
    return cluster


def shape(p: Plan) -> set[tuple[str, str, str]]:
    names = {r.urn: r.name for r in p.resources}
    return {(r.type, r.name, names.get(r.parent, "<stack>")) for r in p.resources}


def common(name: str, pool: str) -> set[tuple[str, str, str]]:
    return {
        ("llmd-infra:doks:DoksCluster", name, "<stack>"),
        ("llmd-infra:doks:ClusterNetwork", f"{name}-network", name),
        ("digitalocean:index/vpc:Vpc", f"{name}-network-vpc", f"{name}-network"),
        (CLUSTER, f"{name}-cluster", name),
        ("llmd-infra:doks:AcceleratorPool", f"{name}-{pool}", name),
        (NODE_POOL, f"{name}-{pool}-nodes", f"{name}-{pool}"),
        ("pulumi:providers:kubernetes", f"{name}-k8s", name),
        ("llmd-infra:addons:LeaderWorkerSet", f"{name}-lws", name),
        ("kubernetes:core/v1:Namespace", f"{name}-lws-namespace", f"{name}-lws"),
        ("kubernetes:helm.sh/v3:Release", f"{name}-lws-release", f"{name}-lws"),
        ("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinitionPatch", f"{name}-lws-crd-guard", f"{name}-lws"),
        ("llmd-infra:addons:GatewayApiCrds", f"{name}-gateway-crds", name),
        ("kubernetes:yaml/v2:ConfigFile", f"{name}-gateway-crds-gateway-api", f"{name}-gateway-crds"),
        ("kubernetes:yaml/v2:ConfigFile", f"{name}-gateway-crds-inference-extension", f"{name}-gateway-crds"),
    }


# --- resource graph -----------------------------------------------------------------------------


def test_h100_and_mi300x_resources() -> None:
    assert shape(plan("doks-h100")) == common("llmd-h100", "h100")
    assert shape(plan("doks-mi300x")) == common("llmd-mi300x", "mi300x")


def test_fabric_resources() -> None:
    name, fabric = "llmd-fabric", "llmd-fabric-fabric"
    kueue, api = f"{name}-kueue", "kubernetes:kueue.x-k8s.io/v1beta2"
    assert shape(plan("doks-fabric")) == common(name, "mi300x-fabric") | {
        ("llmd-infra:addons:Kueue", kueue, name),  # tests/test_kueue_stacks.py asserts the Kueue inputs
        ("kubernetes:core/v1:Namespace", f"{kueue}-namespace", kueue),
        ("kubernetes:helm.sh/v3:Release", f"{kueue}-release", kueue),
        (f"{api}:Topology", f"{kueue}-topology-doks-hostname", kueue),
        (f"{api}:ResourceFlavor", f"{kueue}-flavor-mi300x-fabric", kueue),
        (f"{api}:ClusterQueue", f"{kueue}-cluster-queue", kueue),
        (f"{api}:LocalQueue", f"{kueue}-local-queue-default", kueue),
        ("llmd-infra:doks:FabricNetwork", fabric, name),
        ("kubernetes:yaml/v2:ConfigFile", f"{fabric}-multus", fabric),
        ("kubernetes:helm.sh/v3:Release", f"{fabric}-whereabouts", fabric),
        *((NAD, f"{fabric}-roce-net-fabric{i}", fabric) for i in range(8)),
    }


# --- cluster ------------------------------------------------------------------------------------

GPU_COMPONENTS = {
    "doks-h100": {"nvidiaGpuDevicePlugin": {"enabled": True}},
    "doks-mi300x": {"amdGpuDevicePlugin": {"enabled": True}, "amdGpuDeviceMetricsExporterPlugin": {"enabled": True}},
    "doks-fabric": {"amdGpuDevicePlugin": {"enabled": True}, "rdmaSharedDevicePlugin": {"enabled": True}},
}


@pytest.mark.parametrize("stack", STACKS)
def test_cluster_contract(stack: str) -> None:
    p = plan(stack)
    [cluster] = p.of_type(CLUSTER)
    name, region = NAMES[stack], stack_cluster(stack)["region"]
    assert cluster.protect is True and cluster.ignore_changes == []
    assert cluster.inputs == {
        "name": name,
        "region": region,
        "version": "1.33.1-do.0",
        "vpcUuid": UNKNOWN,
        "ha": True,
        "autoUpgrade": True,
        "surgeUpgrade": True,
        "maintenancePolicy": {"day": "sunday", "startTime": "04:00"},
        "registryIntegration": False,
        "destroyAllAssociatedResources": False,
        "tags": ["llmd-infra"],
        "nodePool": {"name": "system", "size": "s-8vcpu-16gb", "nodeCount": 2,
                     "labels": {"llm-d.ai/role": "system"}, "tags": ["llmd-infra"]},
        **GPU_COMPONENTS[stack],
    }
    assert p.named(f"{name}-network-vpc").inputs == {
        "name": f"{name}-vpc", "region": region, "description": f"llmd-infra: VPC of DOKS cluster {name}"
    }
    versions = [i.args for i in p.invokes if i.token.endswith("getKubernetesVersions")]
    assert versions == [{"versionPrefix": "1.33."}, {"versionPrefix": "1.33."}]


POOLS = {
    "doks-h100": ("h100", {"size": "gpu-h100x1-80gb", "nodeCount": 2, "labels": {"llm-d.ai/pool": "h100"}}),
    "doks-mi300x": ("mi300x", {"size": "gpu-mi300x8-1536gb", "nodeCount": 1, "labels": {"llm-d.ai/pool": "mi300x"}}),
    "doks-fabric": ("mi300x-fabric", {"size": "gpu-mi300x8-1536gb-fabric-contracted", "nodeCount": 2,
                                      "labels": {"llm-d.ai/pool": "mi300x-fabric", MULTI_HOST_LABEL: "true"}}),
}


@pytest.mark.parametrize("stack", STACKS)
def test_gpu_pool_contract(stack: str) -> None:
    pool_name, expected = POOLS[stack]
    p = plan(stack)
    pool = p.named(f"{NAMES[stack]}-{pool_name}-nodes")
    assert pool.protect is True and pool.delete_before_replace is True and pool.ignore_changes == []
    assert pool.inputs == {"clusterId": UNKNOWN, "name": pool_name, "tags": ["llmd-infra"], **expected}


def test_pool_summaries() -> None:
    assert plan("doks-h100", False).outputs["acceleratorPools"] == [{
        "name": "h100", "machineType": "gpu-h100x1-80gb", "accelerator": "H100", "acceleratorsPerNode": 1,
        "minNodes": 2, "maxNodes": 2, "autoscaling": False, "multiHost": False, "interconnect": "none",
        "zones": ["tor1"],
    }]
    assert plan("doks-fabric", False).outputs["acceleratorPools"] == [{
        "name": "mi300x-fabric", "machineType": "gpu-mi300x8-1536gb-fabric-contracted", "accelerator": "MI300X",
        "acceleratorsPerNode": 8, "minNodes": 2, "maxNodes": 2, "autoscaling": False, "multiHost": True,
        "interconnect": "RoCE", "zones": ["atl1"],
    }]


# --- credentials --------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_kubeconfig_carries_the_credential_minted_in_this_run(stack: str) -> None:
    p = plan(stack, False)
    kubeconfig = p.outputs["kubeconfig"]
    assert isinstance(kubeconfig, Secret)
    user = yaml.safe_load(kubeconfig.value)["users"][0]["user"]
    # The lookup's credential, not the one the cluster resource keeps in state ("offline-token").
    assert user == {"token": "offline-fresh-token"}
    [provider] = p.of_type("pulumi:providers:kubernetes")
    assert provider.inputs["kubeconfig"] == kubeconfig
    [lookup] = [i for i in p.invokes if i.token == CLUSTER_INVOKE]
    assert lookup.args == {"name": NAMES[stack]}
    assert plan(stack).outputs["kubeconfig"] == Secret(UNKNOWN)


def test_kubeconfig_lifetime_reaches_the_cluster_and_the_lookup() -> None:
    cfg = {**stack_cluster("doks-h100"), "kubeconfigExpireSeconds": 3600}
    p = run_program(REPO, "doks-h100", config={"llmd-infra:cluster": json.dumps(cfg)}, preview=False)
    assert p.named("llmd-h100-cluster").inputs["kubeconfigExpireSeconds"] == 3600
    [lookup] = [i for i in p.invokes if i.token == CLUSTER_INVOKE]
    assert lookup.args == {"name": "llmd-h100", "kubeconfigExpireSeconds": 3600}


# --- fabric -------------------------------------------------------------------------------------


def test_fabric_objects() -> None:
    p = plan("doks-fabric")
    nads = sorted((r.inputs["metadata"]["name"], json.loads(r.inputs["spec"]["config"])) for r in p.of_type(NAD))
    assert nads == [
        (f"roce-net-fabric{i}", {"cniVersion": "0.3.1", "name": f"roce-net-fabric{i}", "type": "host-device",
                                 "device": f"fabric{i}",
                                 "ipam": {"type": "whereabouts", "range": f"192.168.{64 + i}.0/24"}})
        for i in range(8)
    ]
    component = p.named("llmd-fabric").outputs
    assert component["fabricPodAnnotation"] == pod_annotation("default", 8)
    assert component["fabricRdmaResources"] == [f"rdma/fabric{i}" for i in range(8)]
    multus = p.named("llmd-fabric-fabric-multus")
    assert multus.protect is True and multus.retain_on_delete is True


def test_fabric_custom_resources_validate_against_the_upstream_crd(tmp_path: Path) -> None:
    validator = SHARED / "tools" / "validate_crs.py"
    if not validator.is_file():
        pytest.skip(f"CR validator not found at {validator} (../shared is absent)")
    docs = []
    for r in plan("doks-fabric", False).of_type(NAD):
        body = to_engine(r.inputs)
        docs.append({k: body[k] for k in ("apiVersion", "kind", "metadata", "spec")})
    target = tmp_path / "doks-fabric-crs.yaml"
    target.write_text(yaml.safe_dump_all(docs))
    result = subprocess.run([sys.executable, str(validator), str(target)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == 8


# --- add-ons ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "reason"),
    [
        ("nfd", "no add-on on DOKS needs Node Feature Discovery (the GPU Operator brings its own)"),
        ("draDriver", "DOKS provides the NVIDIA DRA driver; set llmd-infra:cluster.nvidiaGpu: dra-driver"),
        ("networkOperator", "DOKS installs the RDMA shared device plugin on fabric nodes itself, and the doks "
                            "provider adds Multus, whereabouts and the fabric NetworkAttachmentDefinitions"),
        ("amdGpuOperator", "DOKS installs the AMD GPU driver stack and the ROCm device plugin (or its AMD DRA "
                           "driver) on AMD nodes itself"),
    ],
)
def test_addons_doks_provides_are_refused_with_the_reason(section: str, reason: str) -> None:
    with pytest.raises(ConfigError) as info:
        run_program(REPO, "doks-h100", config={"llmd-infra:addons": json.dumps({section: {"enabled": True}})})
    assert [str(p) for p in info.value.problems] == [
        f"llmd-infra:addons.{section}: not used by the doks provider: {reason}; remove this key"
    ]
    assert info.value.plan.resources == []


def test_gpu_operator_is_llm_ds_fallback() -> None:
    p = run_program(REPO, "doks-h100", config={"llmd-infra:addons": '{"gpuOperator": {"enabled": true}}'})
    assert p.named("llmd-h100-cluster").inputs["nvidiaGpuDevicePlugin"] == {"enabled": False}
    values = p.named("llmd-h100-gpu-operator-release").inputs["values"]
    assert (values["driver"]["enabled"], values["toolkit"]["enabled"]) == (False, False)
    analysis = analyze_plan(p)
    assert [v.policy for v in analysis.mandatory] == []
    assert "gpu-driver-path" not in {v.policy for v in analysis.advisory}


def test_gpu_operator_next_to_the_dra_driver_is_rejected() -> None:
    cfg = {**stack_cluster("doks-h100"), "nvidiaGpu": "dra-driver"}
    with pytest.raises(ConfigError) as info:
        run_program(REPO, "doks-h100", config={"llmd-infra:cluster": json.dumps(cfg),
                                               "llmd-infra:addons": '{"gpuOperator": {"enabled": true}}'})
    assert [str(p) for p in info.value.problems] == [
        "llmd-infra:addons.gpuOperator.enabled: the GPU Operator replaces DOKS's NVIDIA device plugin and cannot "
        "run next to DOKS's NVIDIA DRA driver (llmd-infra:cluster.nvidiaGpu: dra-driver); allowed: false, or "
        "nvidiaGpu: device-plugin"
    ]
    assert info.value.plan.resources == []


def test_multi_host_on_a_regular_size_is_a_config_error() -> None:
    cfg = stack_cluster("doks-fabric")
    cfg["acceleratorPools"][0]["size"] = "gpu-mi300x8-1536gb"
    with pytest.raises(ConfigError) as info:
        run_program(REPO, "doks-fabric", config={"llmd-infra:cluster": json.dumps(cfg)})
    assert [str(p) for p in info.value.problems] == [
        "llmd-infra:cluster.acceleratorPools[0].multiHost: a multi-host pool needs RDMA between hosts, and "
        "gpu-mi300x8-1536gb has only 25 Gbps VPC networking without RDMA; multi-host pools need a fabric size "
        "(contract only): gpu-h200x8-1128gb-fabric-contracted, gpu-mi300x8-1536gb-fabric-contracted, "
        "gpu-mi325x8-2048gb-fabric-contracted"
    ]
    assert info.value.plan.resources == []


def test_a_minor_doks_no_longer_offers_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import pulumi_digitalocean as do

    from llmd_infra.config.base import validate_model
    from llmd_infra.providers.doks import cluster
    from llmd_infra.providers.doks.config import DoksClusterConfig

    class _NoRelease:
        latest_version = ""

    monkeypatch.setattr(do, "get_kubernetes_versions", lambda **kwargs: _NoRelease())
    config = validate_model(DoksClusterConfig, {**stack_cluster("doks-h100"), "kubernetesVersion": "1.30"}, "x")
    with pytest.raises(ConfigError) as info:
        cluster.resolve_version(config, "llmd-infra:cluster.kubernetesVersion")
    assert [str(p) for p in info.value.problems] == [
        "llmd-infra:cluster.kubernetesVersion: DOKS offers no 1.30 release; choose a minor DOKS supports "
        "(doctl kubernetes options versions)"
    ]
    pinned = validate_model(DoksClusterConfig, {**stack_cluster("doks-h100"), "kubernetesVersion": "1.33.1-do.3"}, "x")
    assert cluster.resolve_version(pinned, "unused") == "1.33.1-do.3"


# --- policy verdict -----------------------------------------------------------------------------

NIC = ('pool \'{pool}\': "{size}" has 25 Gbps NIC bandwidth; llm-d asks for "Fast (100Gbps+ aggregate throughput) '
       'datacenter NICs" (>= 100 Gbps)')
ADVISORIES = {
    "doks-h100": {
        ("host-network-bandwidth", NIC.format(pool="h100", size="gpu-h100x1-80gb")),
        ("host-memory", 'pool \'h100\': "gpu-h100x1-80gb" has 240 GiB memory; llm-d asks for "500GiB or more of '
                        'memory" (>= 500 GiB)'),
        ("host-cpu-cores", 'pool \'h100\': "gpu-h100x1-80gb" has 20 vCPUs, so at most 20 physical cores; llm-d asks '
                           'for "80+ x86 or ARM cores per machine" (>= 80)'),
    },
    "doks-mi300x": {("host-network-bandwidth", NIC.format(pool="mi300x", size="gpu-mi300x8-1536gb"))},
    "doks-fabric": {("host-network-bandwidth", NIC.format(pool="mi300x-fabric",
                                                         size="gpu-mi300x8-1536gb-fabric-contracted"))},
}


@pytest.mark.parametrize("stack", STACKS)
def test_policy_verdict(stack: str) -> None:
    analysis = analyze_plan(plan(stack))
    assert [(v.policy, v.message) for v in analysis.mandatory] == []
    assert {(v.policy, v.message) for v in analysis.advisory} == ADVISORIES[stack]
    pool, size = POOLS[stack][0], POOLS[stack][1]["size"]
    assert {(n.policy, n.message) for n in analysis.notes} >= {
        ("host-pcie-generation", f'pool \'{pool}\': the catalog does not know the PCIe generation of "{size}"; '
                                 "not judged"),
    }


# --- README, stack files, imports ---------------------------------------------------------------


def test_readme_documents_the_steps_and_the_fabric_contract() -> None:
    readme = (REPO / "providers" / "doks" / "README.md").read_text()
    flat = " ".join(readme.split())
    assert "pulumi stack select doks-h100 --create\n" in readme and "export DIGITALOCEAN_TOKEN=<token>\n" in readme
    assert "pulumi preview --policy-pack policies\n" in readme and "pulumi destroy --run-program" in readme
    assert "pulumi config set llmd-infra:protect false" in readme
    for i in range(8):
        assert f"default/roce-net-fabric{i}@fabric{i}" in flat
        assert f"rdma/fabric{i}: 1" in readme
    assert "kubectl get nodes -l doks.digitalocean.com/gpu-brand=nvidia" in readme
    for stack in STACKS:
        assert f"`{stack}`" in readme


def test_fabric_stack_says_why_mi300x() -> None:
    text = (REPO / "stacks" / "Pulumi.doks-fabric.yaml").read_text()
    assert "Why MI300X" in text and "gpu-mi300x8-1536gb-fabric-contracted" in text


def test_room_imports_no_sdk_until_the_component_is_used() -> None:
    code = (
        "import sys, llmd_infra.providers.doks as room; "
        "import llmd_infra.providers.doks.config, llmd_infra.providers.doks.fakes; "
        "assert 'pulumi_digitalocean' not in sys.modules, 'room import'; "
        "room.cluster_from_config; "
        "assert 'pulumi_digitalocean' in sys.modules; "
        "bad = [m for m in ('pulumi_gcp', 'pulumi_aws', 'pulumi_command') if m in sys.modules]; "
        "sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
