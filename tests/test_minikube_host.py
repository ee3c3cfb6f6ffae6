"""minikube's record of a profile, as the downgrade detection reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmd_infra.providers.minikube.host import (
    is_downgrade,
    kubeconfig_file,
    minikube_home,
    profile_config_file,
    recorded_kubernetes_version,
)


def test_minikube_home_follows_minikubes_rules(tmp_path: Path) -> None:
    assert minikube_home({}) == Path.home() / ".minikube"
    assert minikube_home({"MINIKUBE_HOME": ""}) == Path.home() / ".minikube"
    assert minikube_home({"MINIKUBE_HOME": str(tmp_path)}) == tmp_path / ".minikube"
    assert minikube_home({"MINIKUBE_HOME": str(tmp_path / ".minikube")}) == tmp_path / ".minikube"
    assert profile_config_file("llmd", {"MINIKUBE_HOME": str(tmp_path)}) == (
        tmp_path / ".minikube" / "profiles" / "llmd" / "config.json"
    )


def write_profile(home: Path, profile: str, content: str) -> None:
    path = home / ".minikube" / "profiles" / profile / "config.json"
    path.parent.mkdir(parents=True)
    path.write_text(content)


def test_recorded_version_is_read_from_the_profile_config(tmp_path: Path) -> None:
    env = {"MINIKUBE_HOME": str(tmp_path)}
    doc = {"Name": "llmd", "Driver": "docker",
           "KubernetesConfig": {"KubernetesVersion": "v1.35.1", "ClusterName": "llmd"}}
    write_profile(tmp_path, "llmd", json.dumps(doc))
    assert recorded_kubernetes_version("llmd", env) == "v1.35.1"
    assert recorded_kubernetes_version("other", env) is None


@pytest.mark.parametrize("content", ["", "not json", "[]", '{"KubernetesConfig": {}}', '{"KubernetesConfig": "x"}',
                                     '{"KubernetesConfig": {"KubernetesVersion": ""}}'])
def test_unreadable_records_are_no_record(tmp_path: Path, content: str) -> None:
    write_profile(tmp_path, "llmd", content)
    assert recorded_kubernetes_version("llmd", {"MINIKUBE_HOME": str(tmp_path)}) is None


@pytest.mark.parametrize(
    ("configured", "recorded", "expected"),
    [
        ("v1.34.0", "v1.35.1", True),
        ("v1.34.0", "v1.34.1", True),
        ("v1.34.0", "v1.34.0", False),
        ("v1.35.0", "v1.34.2", False),
        ("v1.34.0", None, False),
        ("v1.34.0", "garbage", False),
    ],
)
def test_is_downgrade(configured: str, recorded: str | None, expected: bool) -> None:
    assert is_downgrade(configured, recorded) is expected


def test_kubeconfig_file_is_per_profile_and_never_kube_config() -> None:
    assert kubeconfig_file("llmd") == "$HOME/.llmd-infra/minikube/llmd.kubeconfig"
    assert ".kube/config" not in kubeconfig_file("config")
