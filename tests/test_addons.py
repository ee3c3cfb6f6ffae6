"""Mock-plan tests of the add-on components: exact child contracts, dependencies, CR validity."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import pytest
import yaml

from llmd_infra import pins
from llmd_infra.addons import (
    AmdGpuOperator,
    GatewayApiCrds,
    GatewayApiCrdsArgs,
    LeaderWorkerSet,
    NodeFeatureDiscovery,
    NvidiaDraDriver,
    NvidiaGpuOperator,
    NvidiaNetworkOperator,
)
from llmd_infra.errors import ConfigError, ProgramError
from llmd_infra.plan.engine import run_callable
from llmd_infra.plan.graph import Plan, PlannedResource
from llmd_infra.plan.values import to_engine

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
VALIDATOR = SHARED / "tools" / "validate_crs.py"

RELEASE = "kubernetes:helm.sh/v3:Release"
NAMESPACE = "kubernetes:core/v1:Namespace"
CONFIG_FILE = "kubernetes:yaml/v2:ConfigFile"
CRD_PATCH = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinitionPatch"
SUBSCRIPTION = "kubernetes:operators.coreos.com/v1alpha1:Subscription"
OPERATOR_GROUP = "kubernetes:operators.coreos.com/v1:OperatorGroup"

Build = Callable[[pulumi.ResourceOptions], None]


def record(build: Build) -> Plan:
    """Run ``build`` with a provider, a system pool stand-in and an accelerator pool stand-in."""

    def program() -> None:
        provider = k8s.Provider("k8s", kubeconfig="apiVersion: v1\nkind: Config\n")
        system_pool = k8s.core.v1.Namespace(
            "system-pool",
            metadata=k8s.meta.v1.ObjectMetaArgs(name="stand-in-system-pool"),
            opts=pulumi.ResourceOptions(provider=provider),
        )
        k8s.core.v1.Namespace(
            "accelerator-pool",
            metadata=k8s.meta.v1.ObjectMetaArgs(name="stand-in-accelerator-pool"),
            opts=pulumi.ResourceOptions(provider=provider),
        )
        build(pulumi.ResourceOptions(provider=provider, depends_on=[system_pool]))

    return run_callable(program, preview=True)


def addon_resources(plan: Plan) -> list[PlannedResource]:
    return [r for r in plan.resources if r.name not in ("k8s", "system-pool", "accelerator-pool")]


def transitive_deps(plan: Plan, resource: PlannedResource) -> set[str]:
    by_urn = {r.urn: r for r in plan.resources}
    seen: set[str] = set()
    frontier = [*resource.dependencies, *(u for us in resource.property_dependencies.values() for u in us)]
    while frontier:
        urn = frontier.pop()
        if urn in seen:
            continue
        seen.add(urn)
        dep = by_urn.get(urn)
        if dep is not None:
            frontier += dep.dependencies
            frontier += [u for us in dep.property_dependencies.values() for u in us]
            if dep.parent in by_urn:
                frontier.append(dep.parent)
        # a resource also waits for what its parent component was told to wait for
    return seen


def assert_dependency_contract(plan: Plan) -> None:
    """Every add-on resource waits for the system pool and never for the accelerator pool."""
    system = plan.named("system-pool").urn
    accel = plan.named("accelerator-pool").urn
    k8s_provider = plan.named("k8s").urn
    resources = addon_resources(plan)
    assert resources
    for r in resources:
        deps = transitive_deps(plan, r)
        for ancestor in plan.ancestors(r):
            deps |= transitive_deps(plan, ancestor)
        assert accel not in deps, f"{r.name} depends on the accelerator pool"
        assert system in deps, f"{r.name} does not wait for the system pool"
        if r.custom:
            assert r.provider_ref_urn == k8s_provider, f"{r.name} does not use the caller's provider"
            assert r.parent != plan.stack_urn


def children_summary(plan: Plan, component: str) -> list[tuple[str, str]]:
    comp = plan.named(component)
    return sorted((r.type, r.name) for r in plan.descendants(comp.urn))


def release_contract(r: PlannedResource) -> dict[str, Any]:
    keys = ("name", "chart", "version", "namespace", "repositoryOpts", "skipCrds", "atomic", "skipAwait",
            "cleanupOnFail", "timeout", "createNamespace")
    return {k: r.inputs.get(k) for k in keys}


def custom_resources(plan: Plan) -> list[dict[str, Any]]:
    """Every custom resource (``kubernetes:<group>/<ver>:<Kind>``) the add-ons emit, as plain objects."""
    out = []
    for r in addon_resources(plan):
        if not r.custom or not r.type.startswith("kubernetes:") or "." not in r.type.split(":")[1].split("/")[0]:
            continue
        if r.type in (RELEASE, CRD_PATCH) or r.type.startswith("kubernetes:apiextensions.k8s.io/"):
            continue
        inputs = to_engine(r.inputs)
        out.append({k: inputs[k] for k in ("apiVersion", "kind", "metadata", "spec") if k in inputs})
    return out


def validate(objects: list[dict[str, Any]], tmp_path: Path) -> list[str]:
    if not SHARED.is_dir():
        pytest.skip(f"upstream CRDs not available: {SHARED} is absent")
    file = tmp_path / "crs.yaml"
    file.write_text(yaml.safe_dump_all(objects, sort_keys=False))
    proc = subprocess.run([sys.executable, str(VALIDATOR), str(file)], capture_output=True, text=True, check=False)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == len(objects), proc.stdout + proc.stderr
    return lines


# ---------------------------------------------------------------- LeaderWorkerSet


def lws_plan(version: str | None = None, disagg: bool = False) -> Plan:
    args: dict[str, Any] = {"enable_disaggregated_set": disagg}
    if version is not None:
        args["version"] = version
    return record(lambda o: LeaderWorkerSet("lws", args, o))  # type: ignore[arg-type]


def test_lws_child_contract() -> None:
    plan = lws_plan()
    comp = plan.named("lws")
    assert comp.type == "llmd-infra:addons:LeaderWorkerSet"
    assert children_summary(plan, "lws") == [
        (CRD_PATCH, "lws-crd-guard"),
        (NAMESPACE, "lws-namespace"),
        (RELEASE, "lws-release"),
    ]
    assert plan.named("lws-namespace").inputs["metadata"]["name"] == "lws-system"
    rel = plan.named("lws-release")
    assert release_contract(rel) == {
        "name": "lws",
        "chart": "oci://registry.k8s.io/lws/charts/lws",
        "version": pins.LWS.version,
        "namespace": "lws-system",
        "repositoryOpts": None,
        "skipCrds": False,
        "atomic": True,
        "skipAwait": False,
        "cleanupOnFail": True,
        "timeout": 600,
        "createNamespace": False,
    }
    assert rel.inputs["values"] == {}
    assert rel.protect is True
    assert plan.named("lws-namespace").urn in rel.dependencies
    assert comp.outputs["crdName"] == "leaderworkersets.leaderworkerset.x-k8s.io"
    assert_dependency_contract(plan)


def test_lws_release_protection_can_be_turned_off_for_dev_stacks() -> None:
    from llmd_infra.addons import LeaderWorkerSet

    plan = run_callable(lambda: LeaderWorkerSet("lws", {"protect": False}))
    assert plan.named("lws-release").protect is False
    assert plan.named("lws-crd-guard").protect is True


def test_lws_disaggregated_set_value() -> None:
    plan = lws_plan("0.11.1", disagg=True)
    rel = plan.named("lws-release")
    assert rel.inputs["version"] == "0.11.1"
    assert rel.inputs["values"] == {"enableDisaggregatedSet": True}


def test_lws_version_below_requirement_is_a_config_error() -> None:
    with pytest.raises((ConfigError, ProgramError)) as info:
        lws_plan("0.6.0")
    assert "older than llm-d's minimum 0.7.0 (requirement lws-version)" in str(info.value)


def test_lws_upgrade_cannot_delete_the_crd() -> None:
    """lws#880: the plan at 0.7.0 and at 0.9.0 differ only in the Release's chart version."""
    before, after = lws_plan("0.7.0"), lws_plan("0.9.0")
    # Nothing is added or removed: the version change deletes no resource, the CRD guard included.
    assert {r.urn for r in before} == {r.urn for r in after}
    guard_a, guard_b = before.named("lws-crd-guard"), after.named("lws-crd-guard")
    assert guard_a.urn == guard_b.urn and guard_a.inputs == guard_b.inputs
    assert guard_a.inputs["metadata"] == {
        "name": "leaderworkersets.leaderworkerset.x-k8s.io",
        "annotations": {"helm.sh/resource-policy": "keep", "pulumi.com/patchForce": "true"},
    }
    for guard in (guard_a, guard_b):
        assert guard.protect and guard.retain_on_delete
        # applied after the first install, so the annotation is on the live CRD before any upgrade
        assert before.named("lws-release").urn in guard_a.dependencies
    rel_a, rel_b = before.named("lws-release"), after.named("lws-release")
    assert rel_a.urn == rel_b.urn
    changed = {k for k in {*rel_a.inputs, *rel_b.inputs} if rel_a.inputs.get(k) != rel_b.inputs.get(k)}
    assert changed == {"version"}
    # an update (helm upgrade), never a replace (helm uninstall): no replace triggers on the Release
    assert not rel_b.replace_on_changes and not rel_b.delete_before_replace
    # every other resource is unchanged
    for r in before:
        if r.name != "lws-release" and r.custom:
            assert after.by_urn(r.urn).inputs == r.inputs, r.name


def test_lws_default_is_llm_d_current_install() -> None:
    """llm-d's wide-EP and P/D guides: LWS 0.11.1 with --set enableDisaggregatedSet=true."""
    plan = record(lambda o: LeaderWorkerSet("lws", {}, o))
    rel = plan.named("lws-release")
    assert pins.LWS.version == "0.11.1"
    assert rel.inputs["version"] == "0.11.1"
    assert rel.inputs["values"] == {"enableDisaggregatedSet": True}


@pytest.mark.parametrize(
    ("version", "values"), [("0.7.0", {}), ("0.8.0", {}), ("0.9.0", {"enableDisaggregatedSet": True})]
)
def test_lws_pinned_older_chart_drops_the_default_on_option(version: str, values: dict[str, bool]) -> None:
    # The chart has the value since kubernetes-sigs/lws v0.9.0 (charts/lws/values.yaml, #871).
    rel = record(lambda o: LeaderWorkerSet("lws", {"version": version}, o)).named("lws-release")
    assert rel.inputs["version"] == version and rel.inputs["values"] == values


def test_lws_option_the_version_lacks_is_refused() -> None:
    with pytest.raises((ConfigError, ProgramError)) as info:
        lws_plan("0.7.0", disagg=True)
    # The component's argument is named as the program author writes it; the chart value as the chart does.
    assert (
        "enable_disaggregated_set: true needs LWS 0.9.0 or newer (the chart's enableDisaggregatedSet value arrived "
        "in kubernetes-sigs/lws v0.9.0), got version 0.7.0; allowed: false, or a version >= 0.9.0"
    ) in str(info.value)


def test_lws_upgrade_to_the_new_default_keeps_the_guard() -> None:
    """A stack pinned at 0.7.0 moving to the 0.11.1 default: a helm upgrade (version and values), the guard
    untouched, nothing replaced or deleted."""
    before = record(lambda o: LeaderWorkerSet("lws", {"version": "0.7.0"}, o))
    after = record(lambda o: LeaderWorkerSet("lws", {}, o))
    assert {r.urn for r in before} == {r.urn for r in after}
    assert before.named("lws-crd-guard").inputs == after.named("lws-crd-guard").inputs
    rel_a, rel_b = before.named("lws-release"), after.named("lws-release")
    changed = {k for k in {*rel_a.inputs, *rel_b.inputs} if rel_a.inputs.get(k) != rel_b.inputs.get(k)}
    assert changed == {"version", "values"}
    assert rel_b.inputs["values"] == {"enableDisaggregatedSet": True}
    assert not rel_b.replace_on_changes and not rel_b.delete_before_replace and rel_b.protect


# ---------------------------------------------------------------- Gateway API CRDs


def test_gateway_crds_child_contract() -> None:
    plan = record(lambda o: GatewayApiCrds("gw", {}, o))
    assert plan.named("gw").type == "llmd-infra:addons:GatewayApiCrds"
    assert children_summary(plan, "gw") == [(CONFIG_FILE, "gw-gateway-api"), (CONFIG_FILE, "gw-inference-extension")]
    assert plan.named("gw-gateway-api").inputs["file"] == (
        "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml"
    )
    gaie = plan.named("gw-inference-extension")
    assert gaie.inputs["file"] == (
        "https://github.com/kubernetes-sigs/gateway-api-inference-extension/releases/download/v1.5.0/v1-manifests.yaml"
    )
    assert plan.named("gw-gateway-api").urn in gaie.dependencies
    assert plan.named("gw").outputs["skipped"] is False
    # CRDs own user objects: never deleted when the bundles leave the program, protected by default.
    for bundle in ("gw-gateway-api", "gw-inference-extension"):
        assert (plan.named(bundle).retain_on_delete, plan.named(bundle).protect) == (True, True)
    assert_dependency_contract(plan)


@pytest.mark.parametrize(
    ("version", "skipped"),
    [("1.34.0-gke.1626000", True), ("1.35.1-gke.100", True), ("1.34.0-gke.1625999", False), ("1.33.5-gke.9", False)],
)
def test_gateway_crds_skipped_where_gke_installs_them(version: str, skipped: bool) -> None:
    plan = record(lambda o: GatewayApiCrds("gw", {"platform": "gke", "cluster_version": version}, o))
    assert plan.named("gw").outputs["skipped"] is skipped
    assert len(plan.descendants(plan.named("gw").urn)) == (0 if skipped else 2)


def test_gateway_crds_version_override() -> None:
    args: GatewayApiCrdsArgs = {"gateway_api_version": "1.4.0", "install_inference_extension": False}
    plan = record(lambda o: GatewayApiCrds("gw", args, o))
    assert children_summary(plan, "gw") == [(CONFIG_FILE, "gw-gateway-api")]
    assert "/v1.4.0/standard-install.yaml" in plan.named("gw-gateway-api").inputs["file"]


# ---------------------------------------------------------------- DRA driver + COS installer


def test_dra_driver_child_contract() -> None:
    plan = record(lambda o: NvidiaDraDriver("dra", {}, o))
    assert plan.named("dra").type == "llmd-infra:addons:NvidiaDraDriver"
    assert children_summary(plan, "dra") == [(NAMESPACE, "dra-namespace"), (RELEASE, "dra-release")]
    rel = plan.named("dra-release")
    assert release_contract(rel) == {
        "name": "nvidia-dra-driver-gpu",
        "chart": "nvidia-dra-driver-gpu",
        "version": "25.8.0",
        "namespace": "nvidia-dra-driver-gpu",
        "repositoryOpts": {"repo": "https://helm.ngc.nvidia.com/nvidia"},
        "skipCrds": False,
        "atomic": False,
        "skipAwait": True,
        "cleanupOnFail": True,
        "timeout": 600,
        "createNamespace": False,
    }
    assert rel.inputs["values"] == {
        "nvidiaDriverRoot": "/home/kubernetes/bin/nvidia/",
        "gpuResourcesEnabledOverride": True,
        "resources": {"computeDomains": {"enabled": False}},
        "kubeletPlugin": {
            "priorityClassName": "",
            "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
        },
    }
    assert_dependency_contract(plan)


# ---------------------------------------------------------------- GPU Operator


def test_gpu_operator_gke_values() -> None:
    plan = record(lambda o: NvidiaGpuOperator("gpu", {"platform": "gke"}, o))
    assert plan.named("gpu").type == "llmd-infra:addons:NvidiaGpuOperator"
    assert children_summary(plan, "gpu") == [(NAMESPACE, "gpu-namespace"), (RELEASE, "gpu-release")]
    rel = plan.named("gpu-release")
    contract = release_contract(rel)
    assert contract["chart"] == "gpu-operator" and contract["version"] == "v26.7.0"
    assert contract["namespace"] == "gpu-operator" and contract["name"] == "gpu-operator"
    assert contract["repositoryOpts"] == {"repo": "https://helm.ngc.nvidia.com/nvidia"}
    assert rel.inputs["values"] == {
        "operator": {"defaultRuntime": "containerd"},
        "driver": {"enabled": False},
        "toolkit": {"enabled": True, "installDir": "/home/kubernetes/bin/nvidia"},
        "nfd": {"enabled": True},
        "cdi": {"enabled": True, "default": True},
        "hostPaths": {"driverInstallDir": "/home/kubernetes/bin/nvidia"},
    }
    assert_dependency_contract(plan)


def test_gpu_operator_doks_and_aks_values() -> None:
    doks = record(lambda o: NvidiaGpuOperator("gpu", {"platform": "doks"}, o)).named("gpu-release")
    assert doks.inputs["values"]["driver"] == {"enabled": False}
    assert doks.inputs["values"]["toolkit"] == {"enabled": False}
    aks = record(
        lambda o: NvidiaGpuOperator("gpu", {"platform": "aks", "rdma_enabled": True, "nfd_enabled": False}, o)
    ).named("gpu-release")
    values = aks.inputs["values"]
    assert values["driver"] == {
        "enabled": True, "version": "575.57.08", "rdma": {"enabled": True, "useHostMofed": False}
    }
    assert values["nfd"] == {"enabled": False}
    assert values["migManager"] == {"enabled": False} and values["sandboxDevicePlugin"] == {"enabled": False}


def test_gpu_operator_driver_pin_respects_cuda_12_9() -> None:
    assert pins.NVIDIA_DRIVER.version.startswith("575.")
    with pytest.raises((ConfigError, ProgramError)) as info:
        record(lambda o: NvidiaGpuOperator("gpu", {"driver_version": "595.91.07"}, o))
    assert "R580 or newer" in str(info.value)
    plan = record(lambda o: NvidiaGpuOperator("gpu", {"driver_version": "580.65.06", "allow_driver_r580": True}, o))
    assert plan.named("gpu-release").inputs["values"]["driver"]["version"] == "580.65.06"


def test_gpu_operator_openshift_olm(tmp_path: Path) -> None:
    plan = record(lambda o: NvidiaGpuOperator("gpu", {"platform": "openshift"}, o))
    assert children_summary(plan, "gpu") == [
        (NAMESPACE, "gpu-namespace"),
        ("kubernetes:nvidia.com/v1:ClusterPolicy", "gpu-cluster-policy"),
        (OPERATOR_GROUP, "gpu-operator-group"),
        (SUBSCRIPTION, "gpu-subscription"),
    ]
    sub = plan.named("gpu-subscription").inputs
    assert sub["metadata"] == {"name": "gpu-operator-certified", "namespace": "nvidia-gpu-operator"}
    assert sub["spec"] == {
        "name": "gpu-operator-certified", "channel": "v25.3", "source": "certified-operators",
        "sourceNamespace": "openshift-marketplace", "installPlanApproval": "Automatic",
    }
    og = plan.named("gpu-operator-group").inputs
    assert og["metadata"]["name"] == "nvidia-gpu-operator-group"
    assert og["spec"] == {"targetNamespaces": ["nvidia-gpu-operator"]}
    cp = plan.named("gpu-cluster-policy")
    assert cp.inputs["metadata"] == {"name": "gpu-cluster-policy"}
    assert cp.inputs["spec"]["operator"] == {"defaultRuntime": "crio", "use_ocp_driver_toolkit": True}
    assert cp.inputs["spec"]["driver"]["version"] == "575.57.08"
    assert plan.named("gpu-subscription").urn in cp.dependencies
    assert_dependency_contract(plan)
    assert all(line.endswith(": OK") for line in validate(custom_resources(plan), tmp_path))


# ---------------------------------------------------------------- Network Operator


NETWORKS = [
    {"name": "rdma-ib0", "namespace": "llm-d", "master": "ib0", "cni": "ipoib", "ipam_range": "192.168.10.0/24"},
    {"name": "roce-net", "namespace": "llm-d", "master": "ens1f0np0", "ipam_range": "192.168.20.0/24"},
]


def test_network_operator_child_contract(tmp_path: Path) -> None:
    plan = record(lambda o: NvidiaNetworkOperator("net", {"ofed_driver": True, "networks": NETWORKS}, o))  # type: ignore[typeddict-item]
    assert plan.named("net").type == "llmd-infra:addons:NvidiaNetworkOperator"
    assert children_summary(plan, "net") == [
        (NAMESPACE, "net-namespace"),
        ("kubernetes:helm.sh/v3:Release", "net-release"),
        ("kubernetes:k8s.cni.cncf.io/v1:NetworkAttachmentDefinition", "net-nad-llm-d-rdma-ib0"),
        ("kubernetes:k8s.cni.cncf.io/v1:NetworkAttachmentDefinition", "net-nad-llm-d-roce-net"),
        ("kubernetes:mellanox.com/v1alpha1:NicClusterPolicy", "net-nic-cluster-policy"),
    ]
    rel = release_contract(plan.named("net-release"))
    assert (rel["chart"], rel["version"], rel["namespace"]) == ("network-operator", "v26.4.1", "network-operator")
    assert plan.named("net-release").inputs["values"] == {"nfd": {"enabled": False}}
    ncp = plan.named("net-nic-cluster-policy").inputs
    assert ncp["metadata"] == {"name": "nic-cluster-policy"}
    plugin = ncp["spec"]["rdmaSharedDevicePlugin"]
    assert (plugin["image"], plugin["repository"], plugin["version"]) == (
        "k8s-rdma-shared-dev-plugin", "ghcr.io/mellanox", "v1.5.3")
    assert json.loads(plugin["config"]) == {"configList": [{
        "resourceName": "ib", "rdmaHcaMax": 8,
        "selectors": {"vendors": ["15b3"], "linkTypes": ["infiniband"], "isRdma": True},
    }]}
    ofed = ncp["spec"]["ofedDriver"]
    assert (ofed["image"], ofed["repository"], ofed["version"]) == (
        "doca-driver", "nvcr.io/nvidia/mellanox", "doca3.1.0-25.07-0.9.7.0-0")
    ib = plan.named("net-nad-llm-d-rdma-ib0").inputs
    assert ib["metadata"]["annotations"] == {"k8s.v1.cni.cncf.io/resourceName": "rdma/ib"}
    assert json.loads(ib["spec"]["config"]) == {
        "cniVersion": "0.3.1", "name": "rdma-ib0", "type": "ipoib", "master": "ib0",
        "ipam": {"type": "whereabouts", "range": "192.168.10.0/24"},
    }
    assert json.loads(plan.named("net-nad-llm-d-roce-net").inputs["spec"]["config"])["mode"] == "bridge"
    assert_dependency_contract(plan)
    lines = validate(custom_resources(plan), tmp_path)
    assert len(lines) == 3 and all(line.endswith(": OK") for line in lines), lines


# ---------------------------------------------------------------- AMD


def test_amd_gpu_operator_child_contract(tmp_path: Path) -> None:
    plan = record(lambda o: AmdGpuOperator("amd", {}, o))
    assert plan.named("amd").type == "llmd-infra:addons:AmdGpuOperator"
    assert children_summary(plan, "amd") == [
        ("kubernetes:amd.com/v1alpha1:DeviceConfig", "amd-device-config"),
        (NAMESPACE, "amd-cert-manager-namespace"),
        (NAMESPACE, "amd-namespace"),
        (RELEASE, "amd-cert-manager"),
        (RELEASE, "amd-release"),
    ]
    cm = plan.named("amd-cert-manager")
    assert release_contract(cm) == {
        "name": "cert-manager", "chart": "cert-manager", "version": pins.CERT_MANAGER.version,
        "namespace": "cert-manager", "repositoryOpts": {"repo": "https://charts.jetstack.io"},
        "skipCrds": False, "atomic": True, "skipAwait": False, "cleanupOnFail": True, "timeout": 600,
        "createNamespace": False,
    }
    assert cm.inputs["values"] == {"crds": {"enabled": True}}
    op = plan.named("amd-release")
    assert (op.inputs["chart"], op.inputs["version"], op.inputs["namespace"]) == (
        "gpu-operator-charts", "v1.5.1", "kube-amd-gpu")
    assert op.inputs["repositoryOpts"] == {"repo": "https://rocm.github.io/gpu-operator"}
    assert cm.urn in op.dependencies
    dc = plan.named("amd-device-config").inputs
    assert dc["metadata"] == {"name": "llmd-amd-gpus", "namespace": "kube-amd-gpu"}
    assert dc["spec"]["selector"] == {"feature.node.kubernetes.io/amd-gpu": "true"}
    assert dc["spec"]["driver"] == {"enable": True}
    assert_dependency_contract(plan)
    assert all(line.endswith(": OK") for line in validate(custom_resources(plan), tmp_path))


def test_amd_without_cert_manager_or_driver() -> None:
    plan = record(lambda o: AmdGpuOperator("amd", {"install_cert_manager": False, "install_driver": False}, o))
    assert {r.name for r in plan.descendants(plan.named("amd").urn)} == {
        "amd-namespace", "amd-release", "amd-device-config"}
    assert plan.named("amd-release").inputs["values"]["kmm"] == {"enabled": False}


# ---------------------------------------------------------------- NFD


def test_nfd_helm_child_contract() -> None:
    plan = record(lambda o: NodeFeatureDiscovery("nfd", {}, o))
    assert plan.named("nfd").type == "llmd-infra:addons:NodeFeatureDiscovery"
    assert children_summary(plan, "nfd") == [(NAMESPACE, "nfd-namespace"), (RELEASE, "nfd-release")]
    rel = plan.named("nfd-release")
    assert (rel.inputs["chart"], rel.inputs["version"], rel.inputs["namespace"]) == (
        "oci://registry.k8s.io/nfd/charts/node-feature-discovery", "0.19.0", "node-feature-discovery")
    assert rel.inputs["values"]["worker"]["config"]["sources"]["pci"]["deviceClassWhitelist"] == ["0200", "03", "12"]
    assert_dependency_contract(plan)


def test_nfd_openshift_olm(tmp_path: Path) -> None:
    plan = record(lambda o: NodeFeatureDiscovery("nfd", {"platform": "openshift"}, o))
    sub = plan.named("nfd-subscription").inputs
    assert sub["spec"]["name"] == "nfd" and sub["spec"]["channel"] == "stable"
    assert sub["spec"]["source"] == "redhat-operators"
    assert plan.named("nfd-namespace").inputs["metadata"] == {
        "name": "openshift-nfd", "labels": {"openshift.io/cluster-monitoring": "true"}}
    inst = plan.named("nfd-instance").inputs
    assert inst["apiVersion"] == "nfd.openshift.io/v1" and inst["metadata"]["name"] == "nfd-instance"
    assert_dependency_contract(plan)
    lines = validate(custom_resources(plan), tmp_path)
    # The upstream CRD set (../shared/crds) has no nfd.openshift.io CRD: that one object cannot be checked offline.
    unchecked = [line for line in lines if "nfd.openshift.io/v1 NodeFeatureDiscovery" in line]
    assert [line.rsplit(": ", 1)[1] for line in unchecked] == ["no CRD"]
    assert all(line.endswith(": OK") for line in lines if line not in unchecked)


# ---------------------------------------------------------------- all together


def test_all_addons_in_one_plan_depend_only_on_the_system_pool(tmp_path: Path) -> None:
    def build(o: pulumi.ResourceOptions) -> None:
        LeaderWorkerSet("lws", {}, o)
        GatewayApiCrds("gw", {}, o)
        NvidiaDraDriver("dra", {}, o)
        NvidiaGpuOperator("gpu", {"platform": "aks", "nfd_enabled": False}, o)
        NvidiaNetworkOperator("net", {"networks": NETWORKS}, o)  # type: ignore[typeddict-item]
        AmdGpuOperator("amd", {"nfd_enabled": False}, o)
        NodeFeatureDiscovery("nfd", {}, o)

    plan = record(build)
    assert_dependency_contract(plan)
    keys = [(r.type, r.name, r.parent) for r in plan.resources]
    assert len(keys) == len(set(keys))
    lines = validate(custom_resources(plan), tmp_path)
    assert lines and all(line.endswith(": OK") for line in lines), lines


def test_bad_args_raise_config_error_before_children() -> None:
    with pytest.raises((ConfigError, ProgramError)) as info:
        record(lambda o: NvidiaGpuOperator("gpu", {"platform": "eks"}, o))  # type: ignore[typeddict-item]
    assert "NvidiaGpuOperator('gpu').args.platform" in str(info.value)


# ---------------------------------------------------------------- every custom resource, validated


# Every variant of every add-on that emits custom resources, with the (kind, name) of each CR it emits.
# LeaderWorkerSet (Helm Release + CRD patch), GatewayApiCrds (ConfigFiles) and NvidiaDraDriver (Release)
# emit none; GKE's CosNvidiaDriverInstaller (apps/v1 DaemonSet) is tested in tests/test_gke_driver_installer.py.
CR_VARIANTS: list[tuple[str, Build, list[tuple[str, str]]]] = [
    ("gpu-openshift", lambda o: NvidiaGpuOperator("gpu", {"platform": "openshift"}, o),
     [("ClusterPolicy", "gpu-cluster-policy"), ("OperatorGroup", "nvidia-gpu-operator-group"),
      ("Subscription", "gpu-operator-certified")]),
    ("gpu-openshift-no-driver", lambda o: NvidiaGpuOperator(
        "gpu", {"platform": "openshift", "driver_enabled": False, "toolkit_enabled": False, "cdi_enabled": False}, o),
     [("ClusterPolicy", "gpu-cluster-policy"), ("OperatorGroup", "nvidia-gpu-operator-group"),
      ("Subscription", "gpu-operator-certified")]),
    ("gpu-openshift-rdma", lambda o: NvidiaGpuOperator(
        "gpu", {"platform": "openshift", "rdma_enabled": True, "use_host_mofed": True, "olm_channel": "v25.10"}, o),
     [("ClusterPolicy", "gpu-cluster-policy"), ("OperatorGroup", "nvidia-gpu-operator-group"),
      ("Subscription", "gpu-operator-certified")]),
    ("net-ofed-every-cni", lambda o: NvidiaNetworkOperator("net", {  # type: ignore[typeddict-item]
        "ofed_driver": True, "link_types": ["infiniband", "ether"],
        "networks": [*NETWORKS, {"name": "hostdev", "namespace": "llm-d", "master": "0000:3b:00.1",
                                 "cni": "host-device", "ipam_range": "192.168.30.0/24"}]}, o),
     [("NetworkAttachmentDefinition", "hostdev"), ("NetworkAttachmentDefinition", "rdma-ib0"),
      ("NetworkAttachmentDefinition", "roce-net"), ("NicClusterPolicy", "nic-cluster-policy")]),
    ("net-plain", lambda o: NvidiaNetworkOperator("net", {"link_types": ["ether"]}, o),
     [("NicClusterPolicy", "nic-cluster-policy")]),
    ("amd", lambda o: AmdGpuOperator("amd", {}, o), [("DeviceConfig", "llmd-amd-gpus")]),
    ("amd-driver-version", lambda o: AmdGpuOperator("amd", {"driver_version": "6.4.1"}, o),
     [("DeviceConfig", "llmd-amd-gpus")]),
    ("amd-no-driver", lambda o: AmdGpuOperator("amd", {"install_driver": False}, o),
     [("DeviceConfig", "llmd-amd-gpus")]),
    ("amd-no-device-config", lambda o: AmdGpuOperator("amd", {"device_config": False}, o), []),
    ("nfd-openshift", lambda o: NodeFeatureDiscovery("nfd", {"platform": "openshift"}, o),
     [("NodeFeatureDiscovery", "nfd-instance"), ("OperatorGroup", "openshift-nfd"), ("Subscription", "nfd")]),
]  # fmt: skip


@pytest.mark.parametrize(("label", "build", "expected"), CR_VARIANTS, ids=[v[0] for v in CR_VARIANTS])
def test_every_custom_resource_an_addon_can_emit_validates_against_its_crd(
    label: str, build: Build, expected: list[tuple[str, str]], tmp_path: Path
) -> None:
    objects = custom_resources(record(build))
    assert sorted((o["kind"], o["metadata"]["name"]) for o in objects) == expected
    if not objects:
        return
    lines = validate(objects, tmp_path)
    # The upstream CRD set (../shared/crds) has no nfd.openshift.io CRD: the Red Hat NodeFeatureDiscovery
    # cannot be checked offline.
    checked = [line for line in lines if "nfd.openshift.io/v1 NodeFeatureDiscovery" not in line]
    assert len(lines) - len(checked) == sum(1 for kind, _ in expected if kind == "NodeFeatureDiscovery")
    assert checked and all(line.endswith(": OK") for line in checked), lines
