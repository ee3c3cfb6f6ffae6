"""The real minikube lifecycle, run exactly as ``command.local.Command`` runs it (``/bin/sh -c``).

Prerequisite check, ``minikube start`` (create), the kubeconfig command, ``minikube start`` again (what
an update runs), then ``minikube delete`` (destroy), on a throwaway profile. It needs minikube, docker
and an NVIDIA GPU on this host, and is skipped, with the reason, where they are missing.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from llmd_infra.config.base import validate_model
from llmd_infra.providers.minikube.commands import (
    PREREQUISITES,
    delete_command,
    kubeconfig_command,
    prerequisites_environment,
    start_command,
)
from llmd_infra.providers.minikube.config import MinikubeClusterConfig

pytestmark = [
    pytest.mark.skipif(
        shutil.which("minikube") is None or shutil.which("docker") is None,
        reason="the real minikube lifecycle needs minikube and docker on PATH",
    ),
    pytest.mark.skipif(
        shutil.which("nvidia-smi") is None, reason="the real minikube lifecycle needs an NVIDIA GPU (nvidia-smi)"
    ),
]

PROFILE = "llmd-infra-it"


def sh(script: str, env: dict[str, str] | None = None, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["/bin/sh", "-c", script], env={**os.environ, **(env or {})}, capture_output=True,
                          text=True, timeout=timeout, check=False)


def profiles() -> list[str]:
    listed = sh("minikube profile list -o json", timeout=120)
    data = json.loads(listed.stdout or "{}")
    return [p["Name"] for p in data.get("valid", []) + data.get("invalid", [])]


def test_real_lifecycle() -> None:
    config = validate_model(
        MinikubeClusterConfig,
        {"provider": "minikube", "name": PROFILE, "accelerator": "L4", "acceleratorCount": 1, "cpus": 2,
         "memory": "4g"},
        "llmd-infra:cluster",
    )
    file = Path.home() / ".llmd-infra" / "minikube" / f"{PROFILE}.kubeconfig"
    assert PROFILE not in profiles(), f"profile {PROFILE} exists already; delete it first"
    checked = sh(PREREQUISITES, prerequisites_environment(config), timeout=60)
    assert checked.returncode == 0, checked.stderr
    try:
        started = sh(start_command(config))
        assert started.returncode == 0, started.stderr
        printed = sh(kubeconfig_command(PROFILE), timeout=120)
        assert printed.returncode == 0, printed.stderr
        doc = yaml.safe_load(printed.stdout)
        assert doc["current-context"] == PROFILE
        assert doc["clusters"][0]["cluster"]["certificate-authority-data"]
        assert doc["users"][0]["user"]["client-key-data"]
        assert file.read_text().rstrip("\n") == printed.stdout.rstrip("\n")
        assert stat.S_IMODE(file.stat().st_mode) == 0o600

        # minikube's device plugin advertises the GPUs (no GPU operator is installed).
        deadline = time.monotonic() + 300
        allocatable: dict[str, str] = {}
        while time.monotonic() < deadline:
            nodes = sh(f'kubectl --kubeconfig "{file}" get nodes -o json', timeout=60)
            if nodes.returncode == 0:
                allocatable = json.loads(nodes.stdout)["items"][0]["status"]["allocatable"]
                if int(allocatable.get("nvidia.com/gpu", "0")) >= 1:
                    break
            time.sleep(10)
        assert int(allocatable.get("nvidia.com/gpu", "0")) >= 1, allocatable

        again = sh(start_command(config))  # what an update runs: minikube start on the existing profile
        assert again.returncode == 0, again.stderr
    finally:
        deleted = sh(delete_command(PROFILE), timeout=300)
    assert deleted.returncode == 0, deleted.stderr
    assert PROFILE not in profiles()
    assert not file.exists()
