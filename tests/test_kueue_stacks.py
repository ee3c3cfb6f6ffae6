"""Kueue's TAS objects in every ready stack with multi-host pools: exact, valid, and true to the pools' nodes."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmd_infra.addons.kueue import digest
from llmd_infra.config.platform import platform_profile
from llmd_infra.plan.analyze import analyze_plan
from llmd_infra.plan.engine import run_program
from llmd_infra.plan.graph import Plan, PlannedResource
from llmd_infra.plan.values import to_engine
from llmd_infra.providers.doks.catalog import GPU_NODES
from tests.test_kueue import VALID

REPO = Path(__file__).resolve().parents[1]
VALIDATOR = REPO.parent / "shared" / "tools" / "validate_crs.py"
KUEUE = "kubernetes:kueue.x-k8s.io/v1beta2"
HOST = "kubernetes.io/hostname"
GPU_LEVELS = ["cloud.google.com/gce-topology-block", "cloud.google.com/gce-topology-subblock",
              "cloud.google.com/gce-topology-host", HOST]
GPU_TOLERATION = [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]

# stack -> (provider, cluster name, pool, topology name, levels, resource, quota, tolerations, extra quota)
EXPECTED: dict[str, tuple[str, str, str, str, list[str], str, int, list[dict[str, str]], dict[str, str]]] = {
    "gke-a3-ultra": ("gke", "llmd-a3-ultra", "a3u-h200", "gke-default", GPU_LEVELS, "nvidia.com/gpu", 16,
                     GPU_TOLERATION, {}),
    "gke-a4-rdma": ("gke", "llmd-a4-rdma", "a4-b200", "gke-default", GPU_LEVELS, "nvidia.com/gpu", 32,
                    GPU_TOLERATION, {}),
    "gke-tpu-v6e": ("gke", "llmd-tpu-v6e", "v6e-4x4", "gke-tpu-slice", ["cloud.google.com/gke-nodepool", HOST],
                    "google.com/tpu", 16, [{"key": "google.com/tpu", "operator": "Exists", "effect": "NoSchedule"}],
                    {}),
    "doks-fabric": ("doks", "llmd-fabric", "mi300x-fabric", "doks-hostname", [HOST], "amd.com/gpu", 16,
                    [{"key": "amd.com/gpu", "operator": "Exists", "effect": "NoSchedule"}], {}),
    "ocp-aws-p5": ("openshift", "ocp-aws-p5", "h100", "openshift-hostname", [HOST], "nvidia.com/gpu", 16,
                   [{"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}],
                   {"cpu": "384", "memory": "4096Gi", "vpc.amazonaws.com/efa": "2"}),
}
SINGLE_HOST = ("gke-l4-dev", "doks-h100", "doks-mi300x", "ocp-l40s", "minikube")


@cache
def plan(stack: str, preview: bool = False) -> Plan:
    return run_program(REPO, stack, preview=preview)


def body(r: PlannedResource) -> dict[str, Any]:
    inputs = to_engine(r.inputs)
    return {k: inputs[k] for k in ("apiVersion", "kind", "metadata", "spec") if k in inputs}


def kueue_objects(p: Plan) -> dict[str, dict[str, Any]]:
    return {r.type.rsplit(":", 1)[1]: body(r) for r in p.resources if r.type.startswith(KUEUE)}


def raw_pool(stack: str, pool: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The node labels and taints the pool's raw resource gives its nodes (the platform's own taint added)."""
    provider = EXPECTED[stack][0]
    p = plan(stack)
    if provider == "gke":
        config = to_engine(p.named(f"{EXPECTED[stack][1]}-{pool}-nodes").inputs)["nodeConfig"]
        effects = {"NO_SCHEDULE": "NoSchedule", "PREFER_NO_SCHEDULE": "PreferNoSchedule", "NO_EXECUTE": "NoExecute"}
        return config["labels"], [{**t, "effect": effects[t["effect"]]} for t in config["taints"]]
    if provider == "doks":
        inputs = to_engine(p.named(f"{EXPECTED[stack][1]}-{pool}-nodes").inputs)
        # DOKS taints GPU nodes itself (the catalog's GpuNodeFacts); the pool resource lists only extra taints.
        facts = next(f for f in GPU_NODES.values() if f.resource == EXPECTED[stack][5])
        return inputs["labels"], [{"key": facts.taint, "effect": "NoSchedule"}, *(inputs.get("taints") or [])]
    template = to_engine(p.named(f"{EXPECTED[stack][1]}-{pool}-machineset").inputs)["spec"]["template"]["spec"]
    return template["metadata"]["labels"], template["taints"]


def tolerates(tolerations: list[dict[str, str]], taint: dict[str, str]) -> bool:
    return any(
        t["key"] == taint["key"]
        and (t["operator"] == "Exists" or t.get("value") == taint.get("value"))
        and t.get("effect", taint["effect"]) == taint["effect"]
        for t in tolerations
    )


@pytest.mark.parametrize("stack", sorted(EXPECTED))
def test_kueue_objects_are_exact(stack: str) -> None:
    _, _, pool, topo, levels, resource, quota, tolerations, extra = EXPECTED[stack]
    objects = kueue_objects(plan(stack))
    assert sorted(objects) == ["ClusterQueue", "LocalQueue", "ResourceFlavor", "Topology"]
    topology_spec = {"levels": [{"nodeLabel": level} for level in levels]}
    topology_name = f"{topo}-{digest(topology_spec)}"
    assert objects["Topology"]["metadata"] == {"name": topology_name}
    assert objects["Topology"]["spec"] == topology_spec
    flavor_spec = {"nodeLabels": {"llm-d.ai/pool": pool}, "topologyName": topology_name, "tolerations": tolerations}
    flavor_name = f"{pool}-{digest(flavor_spec)}"
    assert objects["ResourceFlavor"] == {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ResourceFlavor",
                                         "metadata": {"name": flavor_name}, "spec": flavor_spec}
    resources = [{"name": resource, "nominalQuota": quota}, *({"name": k, "nominalQuota": v} for k, v in extra.items())]
    assert objects["ClusterQueue"]["metadata"] == {"name": "llm-d"}
    assert objects["ClusterQueue"]["spec"] == {
        "namespaceSelector": {},
        "resourceGroups": [{"coveredResources": [r["name"] for r in resources],
                            "flavors": [{"name": flavor_name, "resources": resources}]}],
    }
    assert objects["LocalQueue"] == {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "LocalQueue",
                                     "metadata": {"name": "default", "namespace": "default"},
                                     "spec": {"clusterQueue": "llm-d"}}


@pytest.mark.parametrize("stack", sorted(EXPECTED))
def test_flavors_match_the_pools_real_nodes(stack: str) -> None:
    provider, _, pool, _, levels, _, quota, _, _ = EXPECTED[stack]
    objects = kueue_objects(plan(stack))
    labels, taints = raw_pool(stack, pool)
    flavor = objects["ResourceFlavor"]["spec"]
    # the flavor selects exactly this pool's nodes, by a label the pool itself sets ...
    assert flavor["nodeLabels"].items() <= labels.items()
    # ... its admitted pods tolerate every taint those nodes carry ...
    assert taints and all(tolerates(flavor["tolerations"], taint) for taint in taints), (taints, flavor)
    # ... every topology level is a label those nodes carry (their own, their platform's, or the hostname) ...
    carried = set(labels) | set(platform_profile(provider).topology_labels) | {HOST}
    assert [level["nodeLabel"] for level in objects["Topology"]["spec"]["levels"]] == levels
    assert set(levels) <= carried
    # ... and the quota is every accelerator of the pool at its largest.
    [summary] = [s for s in plan(stack).outputs["acceleratorPools"] if s["name"] == pool]
    assert summary["maxNodes"] * summary["acceleratorsPerNode"] == quota


def test_every_kueue_object_validates_against_the_upstream_crds(tmp_path: Path) -> None:
    if not VALIDATOR.is_file():
        pytest.skip(f"CR validator not found at {VALIDATOR} (../shared is absent)")
    docs = [obj for stack in sorted(EXPECTED) for obj in kueue_objects(plan(stack)).values()]
    assert len(docs) == 20
    target = tmp_path / "kueue-crs.yaml"
    target.write_text(yaml.safe_dump_all(docs))
    result = subprocess.run([sys.executable, str(VALIDATOR), str(target)], capture_output=True, text=True, check=False)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert result.returncode == 0 and len(lines) == 20, result.stdout + result.stderr
    assert all(VALID.fullmatch(line) for line in lines), lines


def test_the_dranet_pool_counts_its_dra_gpus() -> None:
    release = plan("gke-a3-ultra").named("llmd-a3-ultra-kueue-release")
    config = yaml.safe_load(release.inputs["values"]["managerConfig"]["controllerManagerConfigYaml"])
    assert config["resources"]["deviceClassMappings"] == [
        {"name": "nvidia.com/gpu", "deviceClassNames": ["gpu.nvidia.com"]},
        {"name": "google.com/mrdma", "deviceClassNames": ["mrdma.google.com"]},
    ]
    other = plan("gke-a4-rdma").named("llmd-a4-rdma-kueue-release")
    assert "deviceClassMappings" not in yaml.safe_load(
        other.inputs["values"]["managerConfig"]["controllerManagerConfigYaml"])["resources"]


@pytest.mark.parametrize("stack", sorted(EXPECTED))
def test_ready_stacks_preview_with_tas_and_no_mandatory_violation(stack: str) -> None:
    analysis = analyze_plan(plan(stack, True))
    assert [(v.policy, v.message) for v in analysis.mandatory] == []
    assert "topology-aware-scheduling" not in {v.policy for v in analysis.advisory}


@pytest.mark.parametrize("stack", SINGLE_HOST)
def test_single_host_stacks_get_no_kueue(stack: str) -> None:
    p = plan(stack, True)
    assert not [r for r in p.resources if "kueue" in r.type.lower()]


def test_turning_kueue_off_leaves_the_advisory() -> None:
    addons = yaml.safe_load((REPO / "stacks" / "Pulumi.gke-a4-rdma.yaml").read_text())["config"]["llmd-infra:addons"]
    off = {"llmd-infra:addons": json.dumps({**addons, "kueue": {"enabled": False}})}
    p = run_program(REPO, "gke-a4-rdma", config=off)
    assert not [r for r in p.resources if "kueue" in r.type.lower()]
    assert [(v.policy, v.message) for v in analyze_plan(p).advisory if v.policy == "topology-aware-scheduling"] == [(
        "topology-aware-scheduling",
        "the stack has multi-host pools ('a4-b200') but no Kueue Topology bound to a ResourceFlavor: nothing keeps "
        "the pods of one LeaderWorkerSet group in one network domain",
    )]


def test_minikube_refuses_the_section() -> None:
    from llmd_infra.errors import ConfigError, ProgramError

    with pytest.raises((ConfigError, ProgramError)) as info:
        run_program(REPO, "minikube", config={"llmd-infra:addons": json.dumps({"kueue": {"enabled": True}})})
    assert ("llmd-infra:addons.kueue: not used by the minikube provider: a single node has no multi-host pool to "
            "schedule topology-aware; remove this key") in str(info.value)


def test_gke_a4x_dranet_pool_counts_device_plugin_gpus_and_tolerates_arm() -> None:
    """A4X on DRANET: GKE's device plugin serves nvidia.com/gpu (only the NICs are DRA), on Arm nodes."""
    from llmd_infra.config.base import validate_model
    from llmd_infra.providers.gke.config import GkeClusterConfig
    from llmd_infra.providers.gke.topology import topology_pools

    cluster = yaml.safe_load((REPO / "stacks" / "Pulumi.gke-a3-ultra.yaml").read_text())["config"]["llmd-infra:cluster"]
    [pool] = cluster["acceleratorPools"]
    pool.update(name="a4x", machineType="a4x-highgpu-4g", acceleratorCount=4)
    pool.pop("accelerator", None)
    config = validate_model(GkeClusterConfig, cluster, "llmd-infra:cluster")
    [described] = topology_pools(config)
    assert described["device_classes"] == {"mrdma.google.com": "google.com/mrdma"}
    assert described["tolerations"] == [
        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "kubernetes.io/arch", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"},
    ]
    assert (described["resource"], described["quota"], described["topology"]) == ("nvidia.com/gpu", 8, "gke-default")
