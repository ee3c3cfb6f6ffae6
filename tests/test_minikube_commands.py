"""The minikube commands: exact strings, and what they do when run by ``/bin/sh`` against stub binaries.

The stubs stand in for minikube, docker, kubectl, nvidia-smi, nvidia-ctk and sysctl; PATH holds only
them and the few POSIX tools the scripts use, so a host's real binaries never leak into a result.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from llmd_infra.config.base import validate_model
from llmd_infra.policy.common import Resource
from llmd_infra.policy.requirements import check_kubernetes_version
from llmd_infra.providers.minikube.commands import (
    MISSING,
    PREREQUISITES,
    delete_command,
    kubeconfig_command,
    prerequisites_environment,
    start_command,
    start_flags,
    start_triggers,
)
from llmd_infra.providers.minikube.config import MinikubeClusterConfig
from llmd_infra.providers.minikube.resources import LOCAL_COMMAND

TOOLS = ("grep", "cat", "mv", "mkdir", "rm", "mktemp", "chmod")
KUBECONFIG = "$HOME/.llmd-infra/minikube/llmd.kubeconfig"


def config(**over: Any) -> MinikubeClusterConfig:
    data = {"provider": "minikube", "name": "llmd", "accelerator": "L40S", "acceleratorCount": 4, **over}
    return validate_model(MinikubeClusterConfig, data, "llmd-infra:cluster")


# --- exact strings --------------------------------------------------------------------------------


def test_start_command_and_triggers() -> None:
    c = config(kubernetesVersion="v1.34.0", cpus=32, memory="196g")
    assert start_command(c) == (
        f'mkdir -p "$HOME/.llmd-infra/minikube" && KUBECONFIG="{KUBECONFIG}" minikube start -p llmd --driver docker '
        "--container-runtime docker --gpus all --kubernetes-version=v1.34.0 --cpus 32 --memory 196g"
    )
    assert start_triggers(c) == [
        "profile=llmd", "driver=docker", "container-runtime=docker", "gpus=all", "cpus=32", "memory=196g"
    ]


def test_only_the_kubernetes_version_is_left_out_of_the_triggers() -> None:
    """A version change is an update (in-place upgrade); CPUs or memory replace the profile."""
    base = config(kubernetesVersion="v1.33.5")
    upgraded = config(kubernetesVersion="v1.34.0")
    assert start_triggers(base) == start_triggers(upgraded)
    assert start_command(base) != start_command(upgraded)
    assert start_triggers(config(cpus=16)) != start_triggers(base)
    assert start_triggers(config(memory=65536)) != start_triggers(base)
    assert start_triggers(config(name="other")) != start_triggers(base)
    # The declared GPUs are not minikube inputs: declaring them differently re-runs only the check.
    assert start_triggers(config(accelerator="H100", acceleratorCount=8)) == start_triggers(base)


def test_delete_and_kubeconfig_commands() -> None:
    assert delete_command("llmd") == f'KUBECONFIG="{KUBECONFIG}" minikube delete -p llmd && rm -f "{KUBECONFIG}"'
    assert kubeconfig_command("llmd") == (
        "set -e\n"
        'scratch="$(mktemp)"\n'
        "trap 'rm -f \"$scratch\"' EXIT\n"
        'KUBECONFIG="$scratch" minikube update-context -p llmd >&2\n'
        "umask 077\n"
        'mkdir -p "$HOME/.llmd-infra/minikube"\n'
        f'KUBECONFIG="$scratch" kubectl config view --flatten --minify --context llmd > "{KUBECONFIG}.new"\n'
        f'mv "{KUBECONFIG}.new" "{KUBECONFIG}"\n'
        f'cat "{KUBECONFIG}"\n'
    )


def test_kubernetes_version_policy_reads_the_start_command() -> None:
    """The kubernetes-version policy parses ``--kubernetes-version=`` out of the create string."""
    fine = Resource(LOCAL_COMMAND, "llmd-profile", "urn", {"create": start_command(config())})
    assert check_kubernetes_version(fine, {}) == []
    old = config().model_copy(update={"kubernetes_version": "v1.28.3"})  # bypasses validation on purpose
    resource = Resource(LOCAL_COMMAND, "llmd-profile", "urn", {"create": start_command(old)})
    findings = check_kubernetes_version(resource, {})
    assert [f.message for f in findings] == [
        'create (minikube --kubernetes-version) "v1.28.3" is older than Kubernetes 1.29; llm-d needs 1.29 or newer'
    ]


def test_start_flags_use_the_docker_driver_runtime_and_all_gpus() -> None:
    flags = start_flags(config())
    assert flags[flags.index("--driver") + 1] == "docker"
    assert flags[flags.index("--container-runtime") + 1] == "docker"
    assert flags[flags.index("--gpus") + 1] == "all"


# --- running them against stubs -------------------------------------------------------------------


class Host:
    """A fake host: HOME, a stub bin directory and a log of stub invocations."""

    def __init__(self, root: Path) -> None:
        self.home = root / "home"
        self.home.mkdir()
        self.bin = root / "bin"
        self.bin.mkdir()
        self.log = root / "calls.log"
        self.log.touch()
        for tool in TOOLS:
            found = shutil.which(tool)
            assert found, tool
            (self.bin / tool).symlink_to(found)

    def stub(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(f'#!/bin/sh\necho "{name} KUBECONFIG=${{KUBECONFIG:-}} $*" >> "{self.log}"\n{body}\n')
        path.chmod(path.stat().st_mode | stat.S_IXUSR)

    def gpu_host(self, gpus: int = 4, runtimes: str = '{"nvidia":{},"runc":{}}', harden: str = "0") -> None:
        """Every prerequisite present: ``gpus`` L40S, docker with ``runtimes``, bpf_jit_harden=``harden``."""
        self.stub("minikube", "exit 0")
        self.stub("docker", f"""[ "$1" = info ] && [ "$2" = --format ] && echo '{runtimes}'; exit 0""")
        self.stub("kubectl", "exit 0")
        lines = "\n".join(f"echo 'GPU {i}: NVIDIA L40S (UUID: GPU-{i})'" for i in range(gpus))
        self.stub("nvidia-smi", lines)
        self.stub("nvidia-ctk", "exit 0")
        self.stub("sysctl", f"echo {harden}")

    def run(self, script: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        environ = {"PATH": str(self.bin), "HOME": str(self.home), **(env or {})}
        return subprocess.run(["/bin/sh", "-c", script], env=environ, capture_output=True, text=True, check=False)

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines()


@pytest.fixture
def host(tmp_path: Path) -> Host:
    return Host(tmp_path)


def check(host: Host, count: int = 4) -> subprocess.CompletedProcess[str]:
    env = prerequisites_environment(config(acceleratorCount=count))
    return host.run(PREREQUISITES, env)


def missing(stderr: str) -> list[str]:
    return [line.removeprefix(MISSING + " ") for line in stderr.splitlines() if line.startswith(MISSING)]


def test_prerequisites_met(host: Host) -> None:
    host.gpu_host()
    result = check(host)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "llmd-infra: minikube host prerequisites met for profile llmd\n"


def test_prerequisites_name_everything_missing_and_how_to_install_it(host: Host) -> None:
    result = check(host)
    assert result.returncode == 1
    assert result.stdout == ""
    assert missing(result.stderr) == [
        "minikube; install it: https://minikube.sigs.k8s.io/docs/start/",
        "docker; install Docker Engine: https://docs.docker.com/engine/install/",
        "kubectl (it flattens the kubeconfig); install it: https://kubernetes.io/docs/tasks/tools/",
        "the NVIDIA driver (nvidia-smi); install it: "
        "https://docs.nvidia.com/datacenter/tesla/tesla-installation-notes/index.html",
        "the NVIDIA Container Toolkit; install it "
        "(https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html), then run: "
        "sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker",
    ]


def test_prerequisites_docker_daemon_unreachable(host: Host) -> None:
    host.gpu_host()
    host.stub("docker", "echo 'permission denied' >&2; exit 1")
    assert missing(check(host).stderr) == [
        "a docker daemon this user can use; start it and add the user to the docker group: "
        "https://docs.docker.com/engine/install/linux-postinstall/"
    ]


def test_prerequisites_compare_the_declared_gpu_count(host: Host) -> None:
    host.gpu_host(gpus=2)
    result = check(host, count=4)
    assert result.returncode == 1
    assert missing(result.stderr) == [
        "GPUs: llmd-infra:cluster declares 4 x L40S (acceleratorCount), nvidia-smi -L lists 2"
    ]
    assert check(host, count=2).returncode == 0


def test_prerequisites_toolkit_found_through_docker_runtimes(host: Host) -> None:
    host.gpu_host()
    (host.bin / "nvidia-ctk").unlink()
    assert check(host).returncode == 0
    host.gpu_host(runtimes='{"runc":{}}')
    (host.bin / "nvidia-ctk").unlink()
    assert missing(check(host).stderr)[0].startswith("the NVIDIA Container Toolkit; install it")


def test_prerequisites_bpf_jit_harden(host: Host) -> None:
    host.gpu_host(harden="2")
    assert missing(check(host).stderr) == [
        "net.core.bpf_jit_harden=0 for minikube GPUs (it is 2); run: "
        "echo net.core.bpf_jit_harden=0 | sudo tee -a /etc/sysctl.conf && sudo sysctl -p"
    ]


def test_start_and_delete_use_the_profile_kubeconfig(host: Host) -> None:
    host.gpu_host()
    c = config(cpus=8, memory=65536)
    file = host.home / ".llmd-infra" / "minikube" / "llmd.kubeconfig"
    assert host.run(start_command(c)).returncode == 0
    assert host.calls() == [
        f"minikube KUBECONFIG={file} start -p llmd --driver docker --container-runtime docker --gpus all "
        "--kubernetes-version=v1.34.0 --cpus 8 --memory 65536"
    ]
    assert file.parent.is_dir()
    file.write_text("kubeconfig")
    assert host.run(delete_command("llmd")).returncode == 0
    assert host.calls()[-1] == f"minikube KUBECONFIG={file} delete -p llmd"
    assert not file.exists()
    assert not (host.home / ".kube").exists()


def test_a_failed_delete_keeps_the_kubeconfig(host: Host) -> None:
    host.stub("minikube", "exit 1")
    file = host.home / ".llmd-infra" / "minikube" / "llmd.kubeconfig"
    file.parent.mkdir(parents=True)
    file.write_text("kubeconfig")
    assert host.run(delete_command("llmd")).returncode == 1
    assert file.read_text() == "kubeconfig"


FLAT = "apiVersion: v1\nkind: Config\nusers:\n- name: llmd\n  user:\n    client-key-data: S0VZ\n"


def test_kubeconfig_is_flattened_into_the_profile_file(host: Host) -> None:
    # update-context writes path-based entries into $KUBECONFIG; kubectl --flatten embeds them.
    host.stub("minikube", 'echo "server: https://127.0.0.1:32771" > "$KUBECONFIG"; echo updated')
    host.stub("kubectl", f"""[ -s "$KUBECONFIG" ] || exit 3; printf '{FLAT}'""")
    result = host.run(kubeconfig_command("llmd"))
    file = host.home / ".llmd-infra" / "minikube" / "llmd.kubeconfig"
    assert result.returncode == 0, result.stderr
    assert result.stdout == FLAT
    assert result.stderr == "updated\n"  # minikube's chatter never reaches the output
    assert file.read_text() == FLAT
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    [update, view] = host.calls()
    scratch = update.split()[1].removeprefix("KUBECONFIG=")
    assert update == f"minikube KUBECONFIG={scratch} update-context -p llmd"
    assert view == f"kubectl KUBECONFIG={scratch} config view --flatten --minify --context llmd"
    assert scratch != str(file) and not os.path.exists(scratch)
    assert not (host.home / ".kube").exists()


def test_kubeconfig_fails_when_the_profile_is_not_running(host: Host) -> None:
    host.stub("minikube", "echo 'profile \"llmd\" not found' >&2; exit 85")
    host.stub("kubectl", "exit 0")
    result = host.run(kubeconfig_command("llmd"))
    assert result.returncode == 85
    assert not (host.home / ".llmd-infra" / "minikube" / "llmd.kubeconfig").exists()
