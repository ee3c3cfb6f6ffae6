"""How the policy pack reads a minikube cluster: the ``minikube start`` command that creates it.

A minikube cluster is a ``command:local:Command`` (pulumi-command) whose ``create`` string runs
``minikube start``; its ``--kubernetes-version`` flag is the cluster's version
(https://minikube.sigs.k8s.io/docs/commands/start/).
"""

from __future__ import annotations

import re

from llmd_infra.policy.common import Resource, as_str, get
from llmd_infra.policy.resources import ResourceReader, VersionField

LOCAL_COMMAND = "command:local:Command"
REMOTE_COMMAND = "command:remote:Command"

_VERSION_FLAG = re.compile(r"--kubernetes-version[= ]+[\"']?(v?[0-9][^\s\"']*)")


def read_versions(r: Resource) -> list[VersionField]:
    def minikube() -> str | None:
        create = as_str(get(r.props, "create")) or ""
        match = _VERSION_FLAG.search(create) if "minikube" in create else None
        return match.group(1) if match else None

    return [VersionField("create (minikube --kubernetes-version)", minikube)]


READER = ResourceReader(
    provider="minikube",
    version_types=frozenset({LOCAL_COMMAND, REMOTE_COMMAND}),
    versions=read_versions,
    remediation={"kubernetes-version": "minikube: --kubernetes-version v{kubernetes} or newer"},
)
