"""The exact shell commands a ``MinikubeCluster`` runs, as plain strings (known in preview).

Each is what a user would type; the component hands them to ``command.local.Command`` (``/bin/sh -c``),
and tests run them against stub binaries. Facts about minikube come from its source at v1.38.1
(https://github.com/kubernetes/minikube) and its GPU tutorial
(https://minikube.sigs.k8s.io/docs/tutorials/nvidia/):

* ``--gpus all`` (docker driver and docker runtime only) runs the node container with ``--gpus all``
  and enables minikube's ``nvidia-device-plugin`` add-on by default (pkg/drivers/kic/oci/oci.go,
  pkg/minikube/cruntime/docker.go) — so no GPU operator is installed;
* ``--cpus``/``--memory`` cannot change on an existing profile: minikube only warns "You cannot change
  the CPUs for an existing minikube cluster. Please first delete the cluster." (cmd/minikube/cmd/start.go);
* a newer ``--kubernetes-version`` on an existing profile upgrades it in place; an older one exits with
  ``K8S_DOWNGRADE_UNSUPPORTED`` "Unable to safely downgrade existing Kubernetes ..." (same file);
* ``minikube start``, ``update-context`` and ``delete`` write the kubeconfig named by ``$KUBECONFIG``
  (``PathFromEnv``, pkg/minikube/kubeconfig/kubeconfig.go), so ``~/.kube/config`` is never touched.
"""

from __future__ import annotations

import re

from llmd_infra.providers.minikube.config import MinikubeClusterConfig
from llmd_infra.providers.minikube.host import KUBECONFIG_DIR, kubeconfig_file

DRIVER = "docker"
CONTAINER_RUNTIME = "docker"
GPUS = "all"

PROFILE_ENV = "LLMD_INFRA_PROFILE"
"""Environment variable of the prerequisite check carrying the profile whose host it checks."""
ACCELERATOR_ENV = "LLMD_INFRA_ACCELERATOR"
"""Environment variable of the prerequisite check carrying the declared GPU family."""
ACCELERATOR_COUNT_ENV = "LLMD_INFRA_ACCELERATOR_COUNT"
"""Environment variable of the prerequisite check carrying the declared GPU count."""

INSTALL = {
    "minikube": "https://minikube.sigs.k8s.io/docs/start/",
    "docker": "https://docs.docker.com/engine/install/",
    "docker-user": "https://docs.docker.com/engine/install/linux-postinstall/",
    "kubectl": "https://kubernetes.io/docs/tasks/tools/",
    "driver": "https://docs.nvidia.com/datacenter/tesla/tesla-installation-notes/index.html",
    "toolkit": "https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html",
}
"""Where to install each prerequisite (the driver link is the one minikube's GPU tutorial gives)."""

MISSING = "llmd-infra: minikube host prerequisite missing:"
"""Prefix of every line the prerequisite check prints for something missing."""

PREREQUISITES = f"""\
status=0
missing() {{ printf '{MISSING} %s\\n' "$1" >&2; status=1; }}
command -v minikube >/dev/null 2>&1 || missing "minikube; install it: {INSTALL['minikube']}"
if ! command -v docker >/dev/null 2>&1; then
  missing "docker; install Docker Engine: {INSTALL['docker']}"
elif ! docker info >/dev/null 2>&1; then
  missing "a docker daemon this user can use; start it and add the user to the docker group: {INSTALL['docker-user']}"
fi
command -v kubectl >/dev/null 2>&1 || missing "kubectl (it flattens the kubeconfig); install it: {INSTALL['kubectl']}"
if ! command -v nvidia-smi >/dev/null 2>&1; then
  missing "the NVIDIA driver (nvidia-smi); install it: {INSTALL['driver']}"
else
  gpus="$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ')"
  [ "$gpus" -ge "${ACCELERATOR_COUNT_ENV}" ] || missing "GPUs: llmd-infra:cluster declares \
${ACCELERATOR_COUNT_ENV} x ${ACCELERATOR_ENV} (acceleratorCount), nvidia-smi -L lists $gpus"
fi
if ! command -v nvidia-ctk >/dev/null 2>&1 && ! docker info --format '{{{{json .Runtimes}}}}' 2>/dev/null \
| grep -q nvidia; then
  missing "the NVIDIA Container Toolkit; install it ({INSTALL['toolkit']}), then run: \
sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker"
fi
harden="$(sysctl -n net.core.bpf_jit_harden 2>/dev/null || echo 0)"
[ "$harden" = 0 ] || missing "net.core.bpf_jit_harden=0 for minikube GPUs (it is $harden); run: \
echo net.core.bpf_jit_harden=0 | sudo tee -a /etc/sysctl.conf && sudo sysctl -p"
[ "$status" = 0 ] && echo "llmd-infra: minikube host prerequisites met for profile ${PROFILE_ENV}"
exit "$status"
"""
"""The host check (POSIX sh). It names every missing piece and how to get it, then exits 1; the GPU count
it compares against comes from the declared config through the command's environment, which also makes
the command the policy pack's record of the declared host (``resources.py``)."""


def prerequisites_environment(config: MinikubeClusterConfig) -> dict[str, str]:
    """The profile and its declared GPUs, handed to :data:`PREREQUISITES`."""
    return {
        PROFILE_ENV: config.name,
        ACCELERATOR_ENV: config.accelerator,
        ACCELERATOR_COUNT_ENV: str(config.accelerator_count),
    }


def start_flags(config: MinikubeClusterConfig) -> list[str]:
    """The ``minikube start`` arguments, in the order they are written."""
    return [
        "-p", config.name,
        "--driver", DRIVER,
        "--container-runtime", CONTAINER_RUNTIME,
        "--gpus", GPUS,
        f"--kubernetes-version={config.kubernetes_version}",
        "--cpus", config.cpus_flag(),
        "--memory", config.memory_flag(),
    ]  # fmt: skip


def start_command(config: MinikubeClusterConfig) -> str:
    """``minikube start`` with the profile's own kubeconfig (also the in-place upgrade command)."""
    return (
        f'mkdir -p "{KUBECONFIG_DIR}" && KUBECONFIG="{kubeconfig_file(config.name)}" '
        f"minikube start {' '.join(start_flags(config))}"
    )


_VERSION_FLAG = re.compile(r"--kubernetes-version[= ]+[\"']?(v?[0-9][^\s\"']*)")


def start_version(command: str | None) -> str | None:
    """The ``--kubernetes-version`` of a ``minikube start`` command line (any spelling), else ``None``."""
    if not command or "minikube" not in command:
        return None
    match = _VERSION_FLAG.search(command)
    return match.group(1) if match else None


def start_triggers(config: MinikubeClusterConfig) -> list[str]:
    """What minikube cannot change on an existing profile: a change replaces it (delete, then start).

    The Kubernetes version is not here: a newer one upgrades in place (an update of the command); an
    older one is handled by the component (a replacement when minikube's record says it goes down).
    """
    return [
        f"profile={config.name}",
        f"driver={DRIVER}",
        f"container-runtime={CONTAINER_RUNTIME}",
        f"gpus={GPUS}",
        f"cpus={config.cpus_flag()}",
        f"memory={config.memory_flag()}",
    ]


def delete_command(profile: str) -> str:
    """``minikube delete`` of the profile, then its kubeconfig file (kept if the delete fails)."""
    file = kubeconfig_file(profile)
    return f'KUBECONFIG="{file}" minikube delete -p {profile} && rm -f "{file}"'


def kubeconfig_command(profile: str) -> str:
    """Print the profile's kubeconfig with embedded certificates, and keep it in its file (mode 0600).

    minikube writes a kubeconfig that points at certificate files; ``update-context`` into an empty
    scratch file writes a fresh entry for the running profile (endpoint and certificate paths), and
    ``kubectl config view --flatten --minify`` embeds the certificates.
    """
    file = kubeconfig_file(profile)
    return (
        "set -e\n"
        'scratch="$(mktemp)"\n'
        "trap 'rm -f \"$scratch\"' EXIT\n"
        f'KUBECONFIG="$scratch" minikube update-context -p {profile} >&2\n'
        "umask 077\n"
        f'mkdir -p "{KUBECONFIG_DIR}"\n'
        f'KUBECONFIG="$scratch" kubectl config view --flatten --minify --context {profile} > "{file}.new"\n'
        f'mv "{file}.new" "{file}"\n'
        f'cat "{file}"\n'
    )


__all__ = [
    "ACCELERATOR_COUNT_ENV",
    "ACCELERATOR_ENV",
    "CONTAINER_RUNTIME",
    "DRIVER",
    "GPUS",
    "MISSING",
    "PREREQUISITES",
    "PROFILE_ENV",
    "delete_command",
    "kubeconfig_command",
    "prerequisites_environment",
    "start_command",
    "start_flags",
    "start_triggers",
    "start_version",
]
