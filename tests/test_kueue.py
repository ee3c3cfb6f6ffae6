"""The Kueue add-on (exact child contracts, CRD validity, bad input) and its config section."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from llmd_infra import pins
from llmd_infra.addons import Kueue, TopologyPool
from llmd_infra.addons.kueue import FRAMEWORKS, digest
from llmd_infra.addons.wiring import wants_kueue
from llmd_infra.config.addons import KueueConfig
from llmd_infra.config.base import validate_model
from llmd_infra.errors import ConfigError, ProgramError
from llmd_infra.plan.graph import Plan
from tests.test_addons import (
    NAMESPACE,
    OPERATOR_GROUP,
    RELEASE,
    SUBSCRIPTION,
    assert_dependency_contract,
    children_summary,
    custom_resources,
    record,
    release_contract,
    validate,
)

API = "kubernetes:kueue.x-k8s.io/v1beta2"
VALID = re.compile(r".*: OK( \(warnings: \d+ CEL rule\(s\) not evaluated \(pip install cel-python\)\))?")
"""A validator verdict of OK; Kueue's CRDs carry CEL rules, checked only where cel-python is installed."""
BLOCK = "cloud.google.com/gce-topology-block"
HOST = "kubernetes.io/hostname"

GPU_POOL: TopologyPool = {
    "name": "h200",
    "node_labels": {"llm-d.ai/pool": "h200"},
    "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
    "resource": "nvidia.com/gpu",
    "quota": 16,
    "topology": "blocks",
    "levels": [BLOCK, HOST],
}
TPU_POOL: TopologyPool = {
    "name": "v6e",
    "node_labels": {"llm-d.ai/pool": "v6e"},
    "tolerations": [{"key": "google.com/tpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}],
    "resource": "google.com/tpu",
    "quota": 16,
    "topology": "slices",
    "levels": ["cloud.google.com/gke-nodepool", HOST],
}


def kueue_plan(**args: Any) -> Plan:
    return record(lambda o: Kueue("kq", args, o))  # type: ignore[arg-type]


def spec(plan: Plan, name: str) -> Any:
    return plan.named(name).inputs["spec"]


def meta(plan: Plan, name: str) -> Any:
    return plan.named(name).inputs["metadata"]


# --- Helm path -------------------------------------------------------------------------------------


def test_helm_child_contract() -> None:
    plan = kueue_plan(pools=[GPU_POOL, TPU_POOL], local_queue_namespaces=["default", "llm-d"])
    assert plan.named("kq").type == "llmd-infra:addons:Kueue"
    assert children_summary(plan, "kq") == [
        (NAMESPACE, "kq-namespace"),
        (RELEASE, "kq-release"),
        (f"{API}:ClusterQueue", "kq-cluster-queue"),
        (f"{API}:LocalQueue", "kq-local-queue-default"),
        (f"{API}:LocalQueue", "kq-local-queue-llm-d"),
        (f"{API}:ResourceFlavor", "kq-flavor-h200"),
        (f"{API}:ResourceFlavor", "kq-flavor-v6e"),
        (f"{API}:Topology", "kq-topology-blocks"),
        (f"{API}:Topology", "kq-topology-slices"),
    ]
    assert meta(plan, "kq-namespace")["name"] == "kueue-system"
    release = plan.named("kq-release")
    assert release_contract(release) == {
        "name": "kueue",
        "chart": "oci://registry.k8s.io/kueue/charts/kueue",
        "version": pins.KUEUE.version,
        "namespace": "kueue-system",
        "repositoryOpts": None,
        "skipCrds": False,
        "atomic": True,  # waits until the controller is available, which is when its webhook serves
        "skipAwait": False,
        "cleanupOnFail": True,
        "timeout": 600,
        "createNamespace": False,
    }
    assert release.protect is True
    assert list(release.inputs["values"]) == ["managerConfig"]  # no feature gate: TAS is on by default
    config = yaml.safe_load(release.inputs["values"]["managerConfig"]["controllerManagerConfigYaml"])
    assert config["apiVersion"] == "config.kueue.x-k8s.io/v1beta2" and config["kind"] == "Configuration"
    assert config["integrations"] == {"frameworks": list(FRAMEWORKS)}
    assert "leaderworkerset.x-k8s.io/leaderworkerset" in config["integrations"]["frameworks"]
    assert config["resources"] == {"quotaCheckStrategy": "IgnoreUndeclared"}
    assert "manageJobsWithoutQueueName" not in config  # only workloads with a queue-name label are managed
    assert_dependency_contract(plan)


def test_tas_objects_are_exact_and_wait_for_the_install() -> None:
    plan = kueue_plan(pools=[GPU_POOL, TPU_POOL], local_queue_namespaces=["default", "llm-d"])
    blocks = {"levels": [{"nodeLabel": BLOCK}, {"nodeLabel": HOST}]}
    slices = {"levels": [{"nodeLabel": "cloud.google.com/gke-nodepool"}, {"nodeLabel": HOST}]}
    assert spec(plan, "kq-topology-blocks") == blocks
    assert spec(plan, "kq-topology-slices") == slices
    assert meta(plan, "kq-topology-blocks") == {"name": f"blocks-{digest(blocks)}"}
    gpu_flavor = {
        "nodeLabels": {"llm-d.ai/pool": "h200"},
        "topologyName": f"blocks-{digest(blocks)}",
        "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
    }
    assert spec(plan, "kq-flavor-h200") == gpu_flavor
    assert meta(plan, "kq-flavor-h200") == {"name": f"h200-{digest(gpu_flavor)}"}
    assert spec(plan, "kq-flavor-v6e")["tolerations"] == [
        {"key": "google.com/tpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}
    ]
    tpu_flavor = meta(plan, "kq-flavor-v6e")["name"]
    assert meta(plan, "kq-cluster-queue") == {"name": "llm-d"}
    assert spec(plan, "kq-cluster-queue") == {
        "namespaceSelector": {},
        "resourceGroups": [
            {"coveredResources": ["nvidia.com/gpu"],
             "flavors": [{"name": f"h200-{digest(gpu_flavor)}",
                          "resources": [{"name": "nvidia.com/gpu", "nominalQuota": 16}]}]},
            {"coveredResources": ["google.com/tpu"],
             "flavors": [{"name": tpu_flavor, "resources": [{"name": "google.com/tpu", "nominalQuota": 16}]}]},
        ],
    }
    for ns in ("default", "llm-d"):
        assert meta(plan, f"kq-local-queue-{ns}") == {"name": "default", "namespace": ns}
        assert spec(plan, f"kq-local-queue-{ns}") == {"clusterQueue": "llm-d"}
    release = plan.named("kq-release").urn
    deps = {r.name: set(r.dependencies) for r in plan.resources}
    assert release in deps["kq-topology-blocks"]
    assert {release, plan.named("kq-topology-blocks").urn} <= deps["kq-flavor-h200"]
    assert {plan.named("kq-flavor-h200").urn, plan.named("kq-flavor-v6e").urn} <= deps["kq-cluster-queue"]
    assert plan.named("kq-cluster-queue").urn in deps["kq-local-queue-llm-d"]
    outputs = plan.named("kq").outputs
    assert (outputs["clusterQueue"], outputs["localQueue"]) == ("llm-d", "default")
    assert outputs["namespace"] == "kueue-system"


def test_every_tas_object_validates_against_the_upstream_crds(tmp_path: Path) -> None:
    plan = kueue_plan(pools=[GPU_POOL, TPU_POOL], local_queue_namespaces=["default", "llm-d"])
    lines = validate(custom_resources(plan), tmp_path)
    assert len(lines) == 7
    assert all(VALID.fullmatch(line) for line in lines), lines


def test_a_changed_immutable_spec_gets_a_new_object_name() -> None:
    """Kueue forbids changing Topology levels and a bound flavor's labels and tolerations: a change renames
    the object, so Pulumi creates the new one, moves the ClusterQueue to it and deletes the old one last."""
    before = kueue_plan(pools=[GPU_POOL])
    after = kueue_plan(pools=[{**GPU_POOL, "tolerations": []}])
    assert before.named("kq-flavor-h200").urn == after.named("kq-flavor-h200").urn
    old, new = meta(before, "kq-flavor-h200")["name"], meta(after, "kq-flavor-h200")["name"]
    assert old != new and old.startswith("h200-") and new.startswith("h200-")
    assert spec(after, "kq-cluster-queue")["resourceGroups"][0]["flavors"][0]["name"] == new
    assert meta(before, "kq-topology-blocks") == meta(after, "kq-topology-blocks")
    assert not after.named("kq-flavor-h200").delete_before_replace  # create the new one first


def test_dra_device_classes_are_mapped_in_the_manager_config() -> None:
    pool: TopologyPool = {**GPU_POOL, "device_classes": {"gpu.nvidia.com": "nvidia.com/gpu",
                                                         "mrdma.google.com": "google.com/mrdma"}}
    plan = kueue_plan(pools=[pool])
    values = plan.named("kq-release").inputs["values"]
    config = yaml.safe_load(values["managerConfig"]["controllerManagerConfigYaml"])
    assert config["resources"] == {
        "quotaCheckStrategy": "IgnoreUndeclared",
        "deviceClassMappings": [
            {"name": "nvidia.com/gpu", "deviceClassNames": ["gpu.nvidia.com"]},
            {"name": "google.com/mrdma", "deviceClassNames": ["mrdma.google.com"]},
        ],
    }


def test_extra_quota_puts_every_pool_in_one_resource_group() -> None:
    plan = kueue_plan(pools=[{**GPU_POOL, "extra_quota": {"cpu": "384", "memory": "4096Gi"}}, TPU_POOL])
    groups = spec(plan, "kq-cluster-queue")["resourceGroups"]
    gpu, tpu = meta(plan, "kq-flavor-h200")["name"], meta(plan, "kq-flavor-v6e")["name"]
    assert groups == [{
        "coveredResources": ["nvidia.com/gpu", "cpu", "memory", "google.com/tpu"],
        "flavors": [
            {"name": gpu, "resources": [{"name": "nvidia.com/gpu", "nominalQuota": 16},
                                        {"name": "cpu", "nominalQuota": "384"},
                                        {"name": "memory", "nominalQuota": "4096Gi"},
                                        {"name": "google.com/tpu", "nominalQuota": 0}]},
            {"name": tpu, "resources": [{"name": "nvidia.com/gpu", "nominalQuota": 0},
                                        {"name": "cpu", "nominalQuota": 0},
                                        {"name": "memory", "nominalQuota": 0},
                                        {"name": "google.com/tpu", "nominalQuota": 16}]},
        ],
    }]


def test_without_pools_only_kueue_is_installed() -> None:
    plan = kueue_plan()
    assert children_summary(plan, "kq") == [(NAMESPACE, "kq-namespace"), (RELEASE, "kq-release")]
    assert plan.named("kq").outputs["clusterQueue"] == ""


def test_protection_can_be_turned_off() -> None:
    assert kueue_plan(protect=False).named("kq-release").protect is False


# --- OLM path (Red Hat build of Kueue) ----------------------------------------------------------------


def test_openshift_gets_the_red_hat_build_through_olm(tmp_path: Path) -> None:
    plan = kueue_plan(platform="openshift", pools=[GPU_POOL], local_queue_namespaces=["llm-d"])
    assert children_summary(plan, "kq") == [
        (NAMESPACE, "kq-namespace"),
        ("kubernetes:core/v1:NamespacePatch", "kq-managed-llm-d"),
        ("kubernetes:kueue.openshift.io/v1:Kueue", "kq-instance"),
        (f"{API}:ClusterQueue", "kq-cluster-queue"),
        (f"{API}:LocalQueue", "kq-local-queue-llm-d"),
        (f"{API}:ResourceFlavor", "kq-flavor-h200"),
        (f"{API}:Topology", "kq-topology-blocks"),
        (OPERATOR_GROUP, "kq-operator-group"),
        (SUBSCRIPTION, "kq-subscription"),
    ]
    assert meta(plan, "kq-namespace")["name"] == "openshift-kueue-operator"
    assert spec(plan, "kq-operator-group") == {}  # AllNamespaces: the only install mode of its CSV
    assert spec(plan, "kq-subscription") == {
        "name": "kueue-operator", "channel": "stable-v1.3", "source": "redhat-operators",
        "sourceNamespace": "openshift-marketplace", "installPlanApproval": "Automatic",
    }
    instance = plan.named("kq-instance")
    assert instance.inputs["metadata"] == {"name": "cluster"}  # cluster-scoped, named cluster
    assert instance.inputs["spec"] == {
        "managementState": "Managed",
        "config": {"integrations": {"frameworks": ["BatchJob", "LeaderWorkerSet"]}},
    }
    assert instance.protect is True
    assert plan.named("kq-subscription").urn in instance.dependencies
    assert meta(plan, "kq-managed-llm-d") == {
        "name": "llm-d", "labels": {"kueue.openshift.io/managed": "true"},
        "annotations": {"pulumi.com/patchForce": "true"},
    }
    assert instance.urn in plan.named("kq-topology-blocks").dependencies
    assert_dependency_contract(plan)
    lines = validate(custom_resources(plan), tmp_path)
    # ../shared/crds carries no kueue.openshift.io CRD: only that object cannot be checked offline.
    assert [line.split("] ", 1)[1] for line in lines if not VALID.fullmatch(line)] == [
        "kueue.openshift.io/v1 Kueue cluster: no CRD"
    ]


def test_olm_approval_and_starting_csv() -> None:
    plan = kueue_plan(platform="openshift", olm_approval="Manual", olm_starting_csv="kueue-operator.v1.3.1")
    sub = spec(plan, "kq-subscription")
    assert (sub["installPlanApproval"], sub["startingCSV"]) == ("Manual", "kueue-operator.v1.3.1")
    with pytest.raises((ConfigError, ProgramError)) as info:
        kueue_plan(platform="openshift", olm_starting_csv="kueue-operator.v1.3.1")
    assert "olm_starting_csv needs olm_approval 'Manual'" in str(info.value)


# --- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"version": "0.18.2"}, "Kueue('kq').args.version: Kueue 0.18.2 is older than 0.19.0, the first release "
                                "that can ignore resources the ClusterQueue does not cover without a feature gate "
                                "(resources.quotaCheckStrategy: IgnoreUndeclared)"),
        ({"pools": [GPU_POOL, GPU_POOL]}, "Kueue('kq').args: pool 'h200' is described twice"),
        ({"pools": [GPU_POOL, {**TPU_POOL, "topology": "blocks"}]},
         "Kueue('kq').args: Topology 'blocks' is given two level lists: "
         f"{BLOCK}, {HOST} and cloud.google.com/gke-nodepool, {HOST}"),
        ({"pools": [{**GPU_POOL, "levels": [HOST, BLOCK]}]},
         "Kueue('kq').args.pools[0].levels: kubernetes.io/hostname can only be the lowest (last) level"),
        ({"pools": [{**GPU_POOL, "node_labels": {}}]},
         "Kueue('kq').args.pools[0].node_labels: Dictionary should have at least 1 item after validation, not 0"),
        ({"pools": [{**GPU_POOL, "levels": ["bad key/x/y"]}]},
         "Kueue('kq').args.pools[0].levels: 'bad key/x/y' is not a node label key ([prefix/]name)"),
        ({"pools": [{**GPU_POOL, "device_classes": {"gpu.nvidia.com": "nvidia.com/gpu"}},
                    {**TPU_POOL, "device_classes": {"gpu.nvidia.com": "google.com/tpu"}}]},
         "Kueue('kq').args: DeviceClass 'gpu.nvidia.com' is counted as both nvidia.com/gpu and "
         "google.com/tpu"),
        ({"local_queue_namespaces": ["Bad_NS"]},
         "Kueue('kq').args.local_queue_namespaces: 'Bad_NS' is not a namespace name (lowercase letters, digits and "
         "'-', at most 63 characters)"),
        ({"platform": "nomad"}, "Kueue('kq').args.platform"),
    ],
)
def test_bad_args_are_one_clear_error(args: dict[str, Any], message: str) -> None:
    with pytest.raises((ConfigError, ProgramError)) as info:
        kueue_plan(**args)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("version", "registered"), [("0.1.0", []), (pins.KUEUE.version, [NAMESPACE, RELEASE, "llmd-infra:addons:Kueue"])]
)
def test_nothing_is_registered_for_bad_args(version: str, registered: list[str]) -> None:
    from llmd_infra.plan.engine import run_callable

    def program() -> None:
        try:
            Kueue("kq", {"version": version})
        except ConfigError:
            pulumi.export("refused", True)

    plan = run_callable(program)
    assert sorted(r.type for r in plan.resources) == registered


# --- llmd-infra:addons.kueue ------------------------------------------------------------------------------


def test_config_section_defaults_and_keys() -> None:
    cfg = validate_model(KueueConfig, {}, "llmd-infra:addons.kueue")
    assert (cfg.enabled, cfg.version, cfg.olm_channel, cfg.local_queue_name, cfg.local_queue_namespaces) == (
        None, pins.KUEUE.version, pins.KUEUE_OLM.version, "default", ["default"]
    )
    cfg = validate_model(
        KueueConfig, {"enabled": True, "version": "v0.19.1", "localQueueNamespaces": ["llm-d", "wide-ep"]}, "x"
    )
    assert (cfg.version, cfg.local_queue_namespaces) == ("0.19.1", ["llm-d", "wide-ep"])
    with pytest.raises(ConfigError) as info:
        validate_model(KueueConfig, {"localQueueNamespaces": ["a", "a"], "localQueueName": "Default"},
                       "llmd-infra:addons.kueue")
    text = str(info.value)
    assert "llmd-infra:addons.kueue.localQueueNamespaces: namespaces listed twice: a" in text
    assert "llmd-infra:addons.kueue.localQueueName: 'Default' is not a LocalQueue name" in text


@pytest.mark.parametrize(("enabled", "pools", "expected"), [
    (None, [], False), (None, [GPU_POOL], True), (False, [GPU_POOL], False), (True, [], True),
])
def test_kueue_by_default_exactly_where_a_pool_is_multi_host(
    enabled: bool | None, pools: list[TopologyPool], expected: bool
) -> None:
    assert wants_kueue(KueueConfig(enabled=enabled), pools) is expected
