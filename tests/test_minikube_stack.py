"""The ready stack ``minikube`` under the offline plan engine, and how the policy pack reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmd_infra.plan.analyze import analyze_plan
from llmd_infra.plan.engine import run_program
from llmd_infra.plan.graph import Plan
from llmd_infra.plan.values import Secret
from llmd_infra.policy.common import Resource, StackResource
from llmd_infra.policy.pools import pools_of
from llmd_infra.policy.requirements import check_accelerator_supported, check_gpu_driver_path
from llmd_infra.providers.minikube.commands import prerequisites_environment, start_command
from llmd_infra.providers.minikube.config import MinikubeClusterConfig
from llmd_infra.providers.minikube.fakes import fake_kubeconfig
from llmd_infra.providers.minikube.resources import LOCAL_COMMAND

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_minikube_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The host's own minikube profiles never change these plans."""
    monkeypatch.setenv("MINIKUBE_HOME", str(tmp_path))


def plan(preview: bool = True) -> Plan:
    return run_program(REPO, "minikube", preview=preview)


def test_stack_builds_the_declared_l40s_host() -> None:
    p = plan()
    profile = p.named("llmd-profile")
    assert profile.inputs["create"] == (
        'mkdir -p "$HOME/.llmd-infra/minikube" && KUBECONFIG="$HOME/.llmd-infra/minikube/llmd.kubeconfig" '
        "minikube start -p llmd --driver docker --container-runtime docker --gpus all --kubernetes-version=v1.34.0 "
        "--cpus no-limit --memory no-limit"
    )
    assert profile.protect is False
    assert p.named("llmd-prerequisites").inputs["environment"] == {
        "LLMD_INFRA_PROFILE": "llmd", "LLMD_INFRA_ACCELERATOR": "L40S", "LLMD_INFRA_ACCELERATOR_COUNT": "4"
    }
    assert p.outputs["provider"] == "minikube"
    assert p.outputs["clusterName"] == "llmd"


def test_policy_verdict_of_the_stack() -> None:
    analysis = analyze_plan(plan())
    assert analysis.mandatory == []
    advisory = sorted((v.policy, v.message) for v in analysis.advisory)
    assert advisory == [
        (
            "lws-crd-protected",
            "the LeaderWorkerSet install is not protected: deleting or replacing it deletes the leaderworkersets "
            "CRD and, with it, every LeaderWorkerSet in the cluster",
        )
    ]


def test_update_run_renders_the_fake_kubeconfig_as_a_secret() -> None:
    p = plan(preview=False)
    assert p.outputs["kubeconfig"] == Secret(fake_kubeconfig("llmd"))
    assert p.named("llmd-k8s").inputs["kubeconfig"] == Secret(fake_kubeconfig("llmd"))
    assert "server: https://127.0.0.1:" in fake_kubeconfig("llmd")


def prerequisites(accelerator: str, count: int = 2) -> Resource:
    data = {"provider": "minikube", "name": "dev", "accelerator": accelerator, "acceleratorCount": count}
    config = MinikubeClusterConfig.model_validate(data)
    return Resource(LOCAL_COMMAND, "dev-prerequisites", "urn", {"environment": prerequisites_environment(config)})


def test_the_declared_host_is_the_pool_the_policies_judge() -> None:
    [pool] = pools_of(LOCAL_COMMAND, "dev-prerequisites", prerequisites("H100").props, {})
    assert (pool.name, pool.machine, pool.accelerators, pool.multi_host) == ("dev", "minikube", ["H100"], False)
    shape = pool.shape()
    assert shape is not None and shape.physical_cores is None and shape.memory_gib is None
    # The other commands carry no declaration, so they are no pool.
    start = {"create": start_command(MinikubeClusterConfig.model_validate(
        {"provider": "minikube", "name": "dev", "accelerator": "H100", "acceleratorCount": 2}))}
    assert pools_of(LOCAL_COMMAND, "dev-profile", start, {}) == []


def test_an_older_declared_gpu_is_flagged_best_effort() -> None:
    assert [f.message for f in check_accelerator_supported(prerequisites("T4"), {})] == [
        "pool 'dev' (environment.LLMD_INFRA_ACCELERATOR): accelerator \"T4\" is older than the generations llm-d "
        "tests (MI250X, TPU v5e, TPU v6e, L4, A100, H100, H200, B200, and newer); it may work, but support is "
        "best-effort"
    ]
    assert check_accelerator_supported(prerequisites("L40S"), {}) == []


def test_the_gpus_have_a_driver_path_without_an_operator() -> None:
    res = prerequisites("L40S")
    stack = [StackResource(res.type, res.name, res.urn, res.props)]
    assert check_gpu_driver_path(stack, {}) == []


def test_sdk_free_parts_import_no_sdk() -> None:
    """Config, catalog, resources, fakes, commands and host load without pulumi_command (or any cloud SDK)."""
    import subprocess
    import sys

    parts = ("config", "catalog", "resources", "fakes", "commands", "host")
    code = (
        "import importlib, sys\n"
        f"for p in {parts!r}: importlib.import_module('llmd_infra.providers.minikube.' + p)\n"
        "import llmd_infra.providers.minikube\n"
        "bad = [m for m in ('pulumi_command', 'pulumi_kubernetes', 'pulumi_gcp', 'pulumi_aws', 'pulumi_digitalocean')"
        " if m in sys.modules]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
