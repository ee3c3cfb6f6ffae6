"""What the host already holds about a profile: minikube's own record of the Kubernetes it runs.

Pulumi compares a resource's old and new inputs only for equality, so "the Kubernetes version goes
down" cannot be written as a trigger: any value derived from the new version alone either changes on
upgrades too or never changes. The program therefore reads the version minikube *recorded* for the
profile and compares: minikube keeps every profile's ``ClusterConfig`` in
``<MiniPath>/profiles/<profile>/config.json`` (``profileFilePath`` in pkg/minikube/config/profile.go),
whose ``KubernetesConfig.KubernetesVersion`` is the version ``minikube start`` last brought up.
``MiniPath`` is ``$MINIKUBE_HOME`` when it ends in ``.minikube``, ``$MINIKUBE_HOME/.minikube``
otherwise, and ``~/.minikube`` without it (``MiniPath`` in pkg/minikube/localpath/localpath.go).

The program and the ``command:local:Command``s run on the same host with the same environment (the
machine running ``pulumi``), so they see the same record. Without one — a fresh host, an offline
preview, CI — nothing is a downgrade.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from llmd_infra.versions import VersionError, parse_version

KUBECONFIG_DIR = "$HOME/.llmd-infra/minikube"
"""Where the profile kubeconfigs live, as the shell expands it (never ``~/.kube/config``)."""


def kubeconfig_file(profile: str) -> str:
    """The profile's kubeconfig file, as written in the commands (``$HOME`` expands at run time)."""
    return f"{KUBECONFIG_DIR}/{profile}.kubeconfig"


def minikube_home(environ: Mapping[str, str] | None = None) -> Path:
    """minikube's state directory (``MiniPath``)."""
    env = os.environ if environ is None else environ
    home = env.get("MINIKUBE_HOME", "")
    if not home:
        return Path.home() / ".minikube"
    path = Path(home)
    return path if path.name == ".minikube" else path / ".minikube"


def profile_config_file(profile: str, environ: Mapping[str, str] | None = None) -> Path:
    """minikube's ``config.json`` of ``profile``."""
    return minikube_home(environ) / "profiles" / profile / "config.json"


def recorded_kubernetes_version(profile: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The Kubernetes version minikube recorded for ``profile``; ``None`` when there is no readable record."""
    try:
        data = json.loads(profile_config_file(profile, environ).read_text())
    except (OSError, ValueError):
        return None
    kubernetes = data.get("KubernetesConfig") if isinstance(data, dict) else None
    version = kubernetes.get("KubernetesVersion") if isinstance(kubernetes, dict) else None
    return version if isinstance(version, str) and version else None


def is_downgrade(configured: str, recorded: str | None) -> bool:
    """Whether starting ``configured`` on a profile recorded at ``recorded`` goes down a version.

    ``None`` or an unparsable record is never a downgrade.
    """
    if recorded is None:
        return False
    try:
        return parse_version(configured) < parse_version(recorded)
    except VersionError:
        return False


__all__ = [
    "KUBECONFIG_DIR",
    "is_downgrade",
    "kubeconfig_file",
    "minikube_home",
    "profile_config_file",
    "recorded_kubernetes_version",
]
