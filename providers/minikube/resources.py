"""How the policy pack reads a minikube cluster: the commands that create it.

A minikube cluster is a set of ``command:local:Command``s (pulumi-command):

* the one whose ``create`` string runs ``minikube start``; its ``--kubernetes-version`` flag is the
  cluster's version (https://minikube.sigs.k8s.io/docs/commands/start/);
* the host prerequisite check, whose ``environment`` carries the profile and the GPUs the stack declares
  for the host (``LLMD_INFRA_PROFILE``, ``LLMD_INFRA_ACCELERATOR``, ``LLMD_INFRA_ACCELERATOR_COUNT``;
  :mod:`llmd_infra.providers.minikube.commands`). minikube cannot know them before it runs, so that
  declaration is the one node pool the requirement policies judge: one host (never multi-host, no
  inter-host interconnect), its machine the catalog's unknown-facts ``minikube`` host, and a driver path
  by construction (the check demands the host's NVIDIA driver and Container Toolkit, and ``--gpus all``
  enables minikube's NVIDIA device plugin).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from llmd_infra.policy.common import Deferred, Resource, as_mapping, as_str, get
from llmd_infra.policy.pools import Pool
from llmd_infra.policy.resources import ResourceReader, VersionField
from llmd_infra.providers.minikube.catalog import HOST
from llmd_infra.providers.minikube.commands import ACCELERATOR_ENV, PROFILE_ENV, start_version

LOCAL_COMMAND = "command:local:Command"
REMOTE_COMMAND = "command:remote:Command"


@dataclass
class MinikubePool(Pool):
    """The single minikube node, with the GPUs the stack declares for its host."""

    provider = "minikube"


def read_pools(resource_type: str, name: str, props: Mapping[str, Any], deferred: Deferred | None) -> list[Pool]:
    """The declared host of a prerequisite check; nothing for any other command."""
    environment = as_mapping(get(props, "environment"))
    accelerator = as_str(environment.get(ACCELERATOR_ENV))
    if not accelerator:
        return []
    return [
        MinikubePool(
            name=as_str(environment.get(PROFILE_ENV)) or name,
            where=f"environment.{ACCELERATOR_ENV}",
            machine=HOST,
            props=props,
            accelerator_types=[accelerator],
        )
    ]


def read_versions(r: Resource) -> list[VersionField]:
    """The ``--kubernetes-version`` of a ``minikube start`` command (the other commands have none)."""
    return [
        VersionField("create (minikube --kubernetes-version)", lambda: start_version(as_str(get(r.props, "create"))))
    ]


READER = ResourceReader(
    provider="minikube",
    pool_types=frozenset({LOCAL_COMMAND}),
    pools=read_pools,
    version_types=frozenset({LOCAL_COMMAND, REMOTE_COMMAND}),
    versions=read_versions,
    remediation={"kubernetes-version": "minikube: --kubernetes-version v{kubernetes} or newer"},
)
