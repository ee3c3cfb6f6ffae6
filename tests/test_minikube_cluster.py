"""The exact contract of ``MinikubeCluster`` under the offline plan engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest

from llmd_infra import pins
from llmd_infra.config.base import validate_model
from llmd_infra.config.stack import StackSettings, settings_from_values
from llmd_infra.errors import ConfigError
from llmd_infra.plan.engine import run_callable
from llmd_infra.plan.graph import Plan, PlannedResource
from llmd_infra.plan.values import Secret
from llmd_infra.providers.minikube.args import MinikubeClusterArgs
from llmd_infra.providers.minikube.cluster import MinikubeCluster, cluster_from_config
from llmd_infra.providers.minikube.commands import PREREQUISITES, delete_command, kubeconfig_command, start_command
from llmd_infra.providers.minikube.config import MinikubeClusterConfig, nvidia_families

COMMAND = "command:local:Command"
ARGS: MinikubeClusterArgs = {"accelerator": "L40S", "accelerator_count": 4}


@pytest.fixture(autouse=True)
def minikube_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty minikube state directory, so the host's real profiles never change a plan."""
    monkeypatch.setenv("MINIKUBE_HOME", str(tmp_path))
    return tmp_path


def plan(args: MinikubeClusterArgs | None = None, *, preview: bool = True, **opts: Any) -> Plan:
    def program() -> None:
        cluster = MinikubeCluster("llmd", args or ARGS, pulumi.ResourceOptions(**opts) if opts else None)
        pulumi.export("kubeconfig", cluster.kubeconfig)
        pulumi.export("acceleratorPools", cluster.accelerator_pools)

    return run_callable(program, preview=preview)


def cfg(**over: Any) -> MinikubeClusterConfig:
    data = {"provider": "minikube", "name": "llmd", "accelerator": "L40S", "acceleratorCount": 4, **over}
    return validate_model(MinikubeClusterConfig, data, "llmd-infra:cluster")


def shape(p: Plan) -> set[tuple[str, str, str]]:
    names = {r.urn: r.name for r in p.resources}
    return {(r.type, r.name, names.get(r.parent, "<stack>")) for r in p.resources}


def test_resource_graph() -> None:
    assert shape(plan()) == {
        ("llmd-infra:minikube:MinikubeCluster", "llmd", "<stack>"),
        (COMMAND, "llmd-prerequisites", "llmd"),
        (COMMAND, "llmd-profile", "llmd"),
        (COMMAND, "llmd-kubeconfig", "llmd"),
        ("pulumi:providers:kubernetes", "llmd-k8s", "llmd"),
        ("llmd-infra:addons:LeaderWorkerSet", "llmd-lws", "llmd"),
        ("kubernetes:core/v1:Namespace", "llmd-lws-namespace", "llmd-lws"),
        ("kubernetes:helm.sh/v3:Release", "llmd-lws-release", "llmd-lws"),
        ("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinitionPatch", "llmd-lws-crd-guard", "llmd-lws"),
        ("llmd-infra:addons:GatewayApiCrds", "llmd-gateway-crds", "llmd"),
        ("kubernetes:yaml/v2:ConfigFile", "llmd-gateway-crds-gateway-api", "llmd-gateway-crds"),
        ("kubernetes:yaml/v2:ConfigFile", "llmd-gateway-crds-inference-extension", "llmd-gateway-crds"),
    }


def test_no_gpu_operator_or_device_plugin_is_installed() -> None:
    """minikube --gpus all enables NVIDIA's device plugin itself."""
    assert not [r for r in plan().resources if "gpu" in r.type.lower() or "Dra" in r.type]


def test_prerequisite_check() -> None:
    p = plan()
    check = p.named("llmd-prerequisites")
    assert check.inputs == {
        "create": PREREQUISITES,
        "environment": {
            "LLMD_INFRA_PROFILE": "llmd", "LLMD_INFRA_ACCELERATOR": "L40S", "LLMD_INFRA_ACCELERATOR_COUNT": "4"
        },
        "triggers": [start_command(cfg())],
    }
    assert check.protect is False


def test_profile_command_starts_upgrades_and_deletes() -> None:
    p = plan()
    profile = p.named("llmd-profile")
    start = start_command(cfg())
    assert profile.inputs == {
        "create": start,
        "update": start,
        "delete": delete_command("llmd"),
        "triggers": ["profile=llmd", "driver=docker", "container-runtime=docker", "gpus=all", "cpus=no-limit",
                     "memory=no-limit"],
    }
    # Any trigger change replaces the profile, and the replacement reuses its name: delete first.
    assert profile.replace_on_changes == ["triggers[*]"]
    assert profile.delete_before_replace is True
    assert profile.protect is False
    assert profile.dependencies == [p.named("llmd-prerequisites").urn]


def test_kubeconfig_command() -> None:
    for preview in (True, False):
        p = plan(preview=preview)
        kube = p.named("llmd-kubeconfig")
        profile = p.named("llmd-profile")
        assert kube.inputs["create"] == kubeconfig_command("llmd")
        assert kube.inputs["logging"] == "stderr"
        assert kube.inputs["addPreviousOutputInEnv"] is False
        assert kube.additional_secret_outputs == ["stdout"]
        assert kube.dependencies == [profile.urn]
        assert kube.replace_on_changes == ["triggers[*]"]
        # Re-created with the profile (its id) and after every other minikube start (its command).
        assert kube.inputs["triggers"][1] == start_command(cfg())
        assert kube.property_dependencies["triggers"] == [profile.urn]
    updated = plan(preview=False)
    profile_id = updated.named("llmd-profile").id
    assert profile_id and profile_id.startswith("llmd-profile")
    assert updated.named("llmd-kubeconfig").inputs["triggers"][0] == profile_id
    assert updated.named("llmd-k8s").inputs["clusterIdentifier"] == profile_id


def test_kubeconfig_is_secret_everywhere_and_feeds_the_provider() -> None:
    for preview in (True, False):
        p = plan(preview=preview)
        component = p.named("llmd")
        assert isinstance(component.outputs["kubeconfig"], Secret)
        assert isinstance(p.outputs["kubeconfig"], Secret)
        provider = p.named("llmd-k8s")
        assert isinstance(provider.inputs["kubeconfig"], Secret)
        assert provider.property_dependencies["kubeconfig"] == [p.named("llmd-kubeconfig").urn]
        # Replaced exactly when the profile is (its id), so the add-ons are re-created in a new profile.
        assert provider.property_dependencies["clusterIdentifier"] == [p.named("llmd-profile").urn]
        assert provider.inputs["deleteUnreachable"] == "true"
        assert component.outputs["clusterName"] == "llmd"


def test_accelerator_pool_summary_is_the_declared_host() -> None:
    assert plan(preview=False).outputs["acceleratorPools"] == [
        {
            "name": "llmd",
            "machineType": "minikube",
            "accelerator": "L40S",
            "acceleratorsPerNode": 4,
            "minNodes": 1,
            "maxNodes": 1,
            "autoscaling": False,
            "multiHost": False,
            "interconnect": "none",
            "zones": [],
        }
    ]


def addon_children(p: Plan, component: str) -> list[PlannedResource]:
    return [r for r in p.descendants(p.named(component).urn) if r.custom or r.remote]


def test_addons_run_on_the_profile_through_its_provider() -> None:
    p = plan()
    profile, provider = p.named("llmd-profile"), p.named("llmd-k8s")
    for name in ("llmd-lws", "llmd-gateway-crds"):
        assert p.named(name).dependencies == [profile.urn]
        for child in addon_children(p, name):
            assert profile.urn in child.dependencies, child.name
            assert child.provider.startswith(provider.urn + "::"), child.name


def test_gateway_crds_at_the_pins_and_lws_at_its_pin() -> None:
    p = plan()
    assert p.named("llmd-gateway-crds").inputs["platform"] == "minikube"
    assert p.named("llmd-gateway-crds-gateway-api").inputs["file"] == pins.GATEWAY_API.chart.format(
        version=pins.GATEWAY_API.version
    )
    assert p.named("llmd-gateway-crds-inference-extension").inputs["file"] == pins.GAIE.chart.format(
        version=pins.GAIE.version
    )
    assert p.named("llmd-lws-release").inputs["version"] == pins.LWS.version


def test_addons_can_be_turned_off() -> None:
    p = plan({**ARGS, "lws": {"enabled": False}, "gateway_crds": {"enabled": False}})
    assert {r.name for r in p.resources} == {
        "llmd", "llmd-prerequisites", "llmd-profile", "llmd-kubeconfig", "llmd-k8s"
    }


def test_flags_reach_the_start_command() -> None:
    args: MinikubeClusterArgs = {**ARGS, "profile": "gpu-dev", "kubernetes_version": "1.33.5", "cpus": "32",
                                 "memory": "196g"}
    profile = plan(args).named("llmd-profile")
    assert profile.inputs["create"] == (
        'mkdir -p "$HOME/.llmd-infra/minikube" && KUBECONFIG="$HOME/.llmd-infra/minikube/gpu-dev.kubeconfig" '
        "minikube start -p gpu-dev --driver docker --container-runtime docker --gpus all "
        "--kubernetes-version=v1.33.5 --cpus 32 --memory 196g"
    )


def record(home: Path, profile: str, version: str) -> None:
    path = home / ".minikube" / "profiles" / profile / "config.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"Name": profile, "KubernetesConfig": {"KubernetesVersion": version}}))


def test_a_downgrade_is_planned_as_a_replacement(minikube_home: Path) -> None:
    record(minikube_home, "llmd", "v1.35.1")
    p = plan()
    profile = p.named("llmd-profile")
    assert sorted(profile.replace_on_changes) == ["create", "triggers[*]"]
    assert profile.delete_before_replace is True
    assert (
        "warning",
        "minikube profile 'llmd' runs Kubernetes v1.35.1 and the stack asks for v1.34.0; minikube cannot downgrade "
        "in place, so the profile is replaced (minikube delete, then minikube start): everything in the cluster "
        "is lost",
    ) in p.logs


@pytest.mark.parametrize(("profile", "version"), [("llmd", "v1.33.5"), ("llmd", "v1.34.0"), ("other", "v1.35.1")])
def test_upgrades_and_other_profiles_are_updates(minikube_home: Path, profile: str, version: str) -> None:
    record(minikube_home, profile, version)
    p = plan()
    assert p.named("llmd-profile").replace_on_changes == ["triggers[*]"]
    assert not [m for level, m in p.logs if level == "warning"]


def test_protect_defaults_off_and_follows_args_then_opts() -> None:
    assert plan().named("llmd-profile").protect is False
    assert plan({**ARGS, "protect": True}).named("llmd-profile").protect is True
    assert plan(protect=True).named("llmd-profile").protect is True
    assert plan({**ARGS, "protect": False}, protect=True).named("llmd-profile").protect is False


def test_bad_args_fail_before_any_resource() -> None:
    with pytest.raises(ConfigError) as info:
        plan({"accelerator": "MI300X", "accelerator_count": 0, "cpus": "1"})
    assert [str(p) for p in info.value.problems] == [
        "MinikubeCluster llmd:cpus: cpus must be a number >= 2 (minikube refuses fewer) or one of max, no-limit "
        "(got '1')",
        "MinikubeCluster llmd:accelerator: 'MI300X' is a amd accelerator; minikube --gpus all with the NVIDIA "
        "Container Toolkit serves NVIDIA GPUs only; allowed: " + ", ".join(nvidia_families()),
        "MinikubeCluster llmd:accelerator_count: Input should be greater than or equal to 1 (got 0)",
    ]
    assert info.value.plan is not None and info.value.plan.resources == []


def stack_settings(addons: dict[str, Any] | None = None, **cluster: Any) -> StackSettings:
    data = {"provider": "minikube", "name": "llmd", "accelerator": "L40S", "acceleratorCount": 4, **cluster}
    values = {"llmd-infra:cluster": json.dumps(data)}
    if addons is not None:
        values["llmd-infra:addons"] = json.dumps(addons)
    return settings_from_values(values, "Pulumi.minikube.yaml")


def test_unused_addon_sections_are_refused_when_the_settings_load() -> None:
    with pytest.raises(ConfigError) as info:
        stack_settings({"gpuOperator": {"enabled": True}, "nfd": {}, "lws": {"enabled": True}})
    assert [str(p) for p in info.value.problems] == [
        "llmd-infra:addons.gpuOperator: not used by the minikube provider: minikube --gpus all enables NVIDIA's "
        "device plugin itself, on the host's driver and container toolkit; remove this key",
        "llmd-infra:addons.nfd: not used by the minikube provider: no add-on on minikube needs Node Feature "
        "Discovery; remove this key",
    ]


def test_stack_settings_pick_the_minikube_model_and_report_its_paths() -> None:
    settings = stack_settings()
    assert isinstance(settings.cluster, MinikubeClusterConfig)
    assert settings.protect_for("minikube") is False
    with pytest.raises(ConfigError) as info:
        stack_settings(memory="1g", acceleratorCount=0)
    assert [str(p) for p in info.value.problems] == [
        "llmd-infra:cluster.memory: memory '1g' is 1024 MiB, less than the 1800 MiB Kubernetes needs under minikube",
        "llmd-infra:cluster.acceleratorCount: Input should be greater than or equal to 1 (got 0)",
    ]


def test_stack_entry_point_is_unprotected_unless_asked() -> None:
    def run(settings: StackSettings) -> Plan:
        return run_callable(lambda: cluster_from_config(settings), stack="minikube")

    p = run(stack_settings({"lws": {"enableDisaggregatedSet": True}}))
    assert p.named("llmd-profile").protect is False
    assert p.named("llmd-lws").inputs["enableDisaggregatedSet"] is True
    cluster = json.dumps(stack_settings().cluster.model_dump(by_alias=True))
    protected = settings_from_values({"llmd-infra:cluster": cluster, "llmd-infra:protect": "true"})
    assert run(protected).named("llmd-profile").protect is True
