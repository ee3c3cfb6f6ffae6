"""GKE's COS NVIDIA driver installer: the pinned upstream DaemonSet, field by field."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from llmd_infra.plan.engine import run_callable
from llmd_infra.plan.graph import Plan
from llmd_infra.providers.gke.driver_installer import (
    INSTALL_COMMAND,
    OLD_TYPE,
    REVISION,
    TYPE,
    CosNvidiaDriverInstaller,
)
from tests.test_addons import assert_dependency_contract, children_summary


def record() -> Plan:
    def program() -> None:
        provider = k8s.Provider("k8s", kubeconfig="apiVersion: v1\nkind: Config\n")
        system_pool = k8s.core.v1.Namespace(
            "system-pool", metadata=k8s.meta.v1.ObjectMetaArgs(name="stand-in-system-pool"),
            opts=pulumi.ResourceOptions(provider=provider),
        )
        k8s.core.v1.Namespace(
            "accelerator-pool", metadata=k8s.meta.v1.ObjectMetaArgs(name="stand-in-accelerator-pool"),
            opts=pulumi.ResourceOptions(provider=provider),
        )
        CosNvidiaDriverInstaller("cos", {}, pulumi.ResourceOptions(provider=provider, depends_on=[system_pool]))

    return run_callable(program, preview=True)


def test_pinned_revision_is_the_current_upstream_file() -> None:
    assert REVISION == "f2cf4197a5c3f0f20133be15d5fad8b7453beed5"
    assert TYPE == "llmd-infra:gke:CosNvidiaDriverInstaller"
    assert OLD_TYPE == "llmd-infra:addons:CosNvidiaDriverInstaller"


def test_daemonset_matches_daemonset_preloaded_yaml() -> None:
    plan = record()
    assert plan.named("cos").type == TYPE
    assert children_summary(plan, "cos") == [("kubernetes:apps/v1:DaemonSet", "cos-daemonset")]
    ds = plan.named("cos-daemonset").inputs
    assert ds["metadata"] == {
        "name": "nvidia-driver-installer",
        "namespace": "kube-system",
        "labels": {"k8s-app": "nvidia-driver-installer"},
        "annotations": {
            "llmd-infra/source": "GoogleCloudPlatform/container-engine-accelerators "
            "nvidia-driver-installer/cos/daemonset-preloaded.yaml @f2cf419",
            "pulumi.com/skipAwait": "true",
        },
    }
    assert ds["spec"]["updateStrategy"] == {"type": "RollingUpdate"}
    pod = ds["spec"]["template"]["spec"]
    assert pod["priorityClassName"] == "system-node-critical"
    assert pod["hostPID"] is True and pod["hostNetwork"] is True
    assert pod["tolerations"] == [{"operator": "Exists"}]
    terms = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert terms == [{"matchExpressions": [
        {"key": "cloud.google.com/gke-accelerator", "operator": "Exists"},
        {"key": "cloud.google.com/gke-gpu-driver-version", "operator": "DoesNotExist"},
        {"key": "cloud.google.com/gke-confidential-nodes-instance-type", "operator": "DoesNotExist"},
    ]}]
    installer, partition = pod["initContainers"]
    assert installer["name"] == "nvidia-driver-installer"
    assert installer["image"] == "cos-nvidia-installer:fixed" and installer["imagePullPolicy"] == "Never"
    assert installer["resources"] == {"requests": {"cpu": "150m"}}
    # skip-if-loaded: a node whose NVIDIA module is already loaded is left alone.
    assert installer["command"] == ["bash", "-c", INSTALL_COMMAND]
    assert INSTALL_COMMAND.splitlines()[1:3] == ["if lsmod | grep nvidia; then", (
        '  echo "GPU driver is already installed, the installed version may or may not be the driver version being '
        'tried to install, skipping installation"'
    )]
    assert "  /cos-gpu-installer install || exit 1" in INSTALL_COMMAND.splitlines()
    assert {e["name"]: e["value"] for e in installer["env"]}["NVIDIA_INSTALL_DIR_HOST"] == "/home/kubernetes/bin/nvidia"
    # the multi-arch partition image (amd64 and arm64 A4X), with H200 support
    assert partition["name"] == "partition-gpus"
    assert partition["image"] == (
        "gcr.io/gke-release/nvidia-partition-gpu@sha256:de12f85ebfb4fb6c1893cd30c23aab662a72fa0448f97ef74fccb82d7522ef17"
    )
    assert pod["containers"] == [{
        "name": "pause",
        "image": "gke.gcr.io/pause:3.8@sha256:880e63f94b145e46f1b1082bb71b85e21f16b99b180b9996407d61240ceb9830",
    }]
    assert_dependency_contract(plan)


def test_moved_component_keeps_its_old_urn_as_an_alias() -> None:
    # Same name and parent, the type it had in llmd_infra.addons: `pulumi up` renames, never replaces.
    assert record().named("cos").aliases == [{"spec": {"type": OLD_TYPE, "parentUrn": ""}}]
