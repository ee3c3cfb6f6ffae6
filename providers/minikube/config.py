"""minikube cluster configuration (``llmd-infra:cluster`` with ``provider: minikube``).

YAML shape (camelCase keys)::

    llmd-infra:cluster:
      provider: minikube
      name: llmd                   # the minikube profile (required)
      kubernetesVersion: v1.34.0   # an exact release; >= llm-d's minimum (default below)
      cpus: no-limit               # a number >= 2, "max" or "no-limit" (default: no-limit)
      memory: no-limit             # MB as a number, "<n>m"/"<n>g", "max" or "no-limit" (default: no-limit)
      accelerator: L40S            # the host's NVIDIA GPU family (required)
      acceleratorCount: 4          # how many of them the host has (required)

minikube cannot know the host's GPUs before it runs, and the offline preview never runs it, so the
stack *declares* them: the accelerator pool summary and the policies judge the declared family and
count, the host prerequisite check confirms the count with ``nvidia-smi`` before minikube starts,
and ``llmd-infra node-check`` can confirm the family on the host.

Nothing here imports an SDK: the config validates before any provider package is loaded.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from llmd_infra.catalog.accelerators import ACCELERATOR_FAMILIES, accelerator_family
from llmd_infra.catalog.types import Vendor
from llmd_infra.config.addons import AddonSupport
from llmd_infra.config.base import ClusterConfigBase
from llmd_infra.requirements import KUBERNETES_VERSION
from llmd_infra.versions import Version, parse_version

DEFAULT_KUBERNETES_VERSION = "v1.34.0"
"""minikube v1.37.0's default Kubernetes (``DefaultKubernetesVersion`` in
https://github.com/kubernetes/minikube/blob/v1.37.0/pkg/minikube/constants/constants.go); minikube
v1.38 still supports it (its ``OldestKubernetesVersion`` is v1.28.0)."""

RESOURCE_KEYWORDS = ("max", "no-limit")
"""minikube's ``--cpus``/``--memory`` keywords: ``max`` uses all the host has, ``no-limit`` sets no
container limit (docker driver only). https://minikube.sigs.k8s.io/docs/commands/start/"""

MIN_CPUS = 2
"""minikube refuses fewer: "Kubernetes requires at least 2" (``validateCPUCount``,
cmd/minikube/cmd/start.go)."""

MIN_MEMORY_MIB = 1800
"""minikube's ``minUsableMem``: "Kubernetes (kubeadm) will not start with less"
(cmd/minikube/cmd/start_flags.go)."""

RESERVED_PROFILES = ("start", "stop", "status", "delete", "config", "open", "profile", "addons", "cache", "logs")
"""Profile names minikube refuses (``keywords`` in pkg/minikube/config/profile.go)."""

_PROFILE_RE = re.compile(
    r"^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9])$"
)
"""``ProfileNameValid`` of minikube (pkg/minikube/config/profile.go): DNS-label friendly, for the
docker container and the kubeconfig context named after the profile; longer than one character."""

_EXACT_VERSION_RE = re.compile(r"^v?\d+\.\d+\.\d+$")
_MEMORY_RE = re.compile(r"^(\d+)(b|k|kb|m|mb|g|gb|t|tb)?$")
_MIB_PER_UNIT = {"b": 1 / (1024 * 1024), "k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024}
"""minikube parses sizes with binary units and reads a bare number as MB (``CalculateSizeInMB``,
pkg/util/utils.go)."""


def nvidia_families() -> list[str]:
    """The NVIDIA families of the accelerator catalog, in generation order."""
    return [f.name for f in ACCELERATOR_FAMILIES.values() if f.vendor is Vendor.NVIDIA]


def memory_mib(value: str) -> int | None:
    """MiB of a minikube memory size (``65536``, ``64g``, ``196gb``); ``None`` for the keywords."""
    match = _MEMORY_RE.match(value.lower())
    if match is None:
        return None
    unit = (match.group(2) or "m")[0]
    return int(int(match.group(1)) * _MIB_PER_UNIT[unit])


class MinikubeClusterConfig(ClusterConfigBase):
    """``llmd-infra:cluster`` for ``provider: minikube``: one GPU host, one node, one profile."""

    disposable: ClassVar[bool] = True
    """A minikube profile is local and disposable: not protected unless ``llmd-infra:protect`` says so."""

    provider: Literal["minikube"]
    name: str = Field(description="The minikube profile (``minikube -p <name>``) and kubeconfig context.")
    kubernetes_version: str = Field(
        default=DEFAULT_KUBERNETES_VERSION, description="``--kubernetes-version`` (an exact vMAJOR.MINOR.PATCH)."
    )
    cpus: str = Field(default="no-limit", description="``--cpus``: a number >= 2, max or no-limit.")
    memory: str = Field(default="no-limit", description="``--memory``: MB as a number, <n>m, <n>g, max or no-limit.")
    accelerator: str = Field(description="The host's NVIDIA GPU family (catalog name or alias).")
    accelerator_count: int = Field(ge=1, description="GPUs of that family on the host.")

    @field_validator("name")
    @classmethod
    def _profile(cls, value: str) -> str:
        if not _PROFILE_RE.match(value) or len(value) < 2:
            raise ValueError(
                f"'{value}' is not a minikube profile name (letters, digits and '-', dot-separated labels that "
                "start and end with a letter or digit, at least 2 characters)"
            )
        if value.lower() in RESERVED_PROFILES:
            raise ValueError(f"'{value}' is a minikube command; minikube refuses it as a profile name")
        return value

    @field_validator("kubernetes_version")
    @classmethod
    def _exact_and_supported(cls, value: str) -> str:
        if not _EXACT_VERSION_RE.match(value.strip()):
            raise ValueError(
                f"'{value}' is not an exact Kubernetes release (minikube needs vMAJOR.MINOR.PATCH, e.g. "
                f"{DEFAULT_KUBERNETES_VERSION})"
            )
        version = parse_version(value)
        minimum = KUBERNETES_VERSION.min_version()
        if version < minimum:
            raise ValueError(
                f"Kubernetes {value} is older than llm-d's minimum {minimum.minor_str()} "
                f"(requirement {KUBERNETES_VERSION.id})"
            )
        return f"v{version}"

    @field_validator("cpus", "memory", mode="before")
    @classmethod
    def _number_as_text(cls, value: object) -> object:
        """``cpus: 16`` in YAML is the flag value ``16``: numbers become their decimal text."""
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("cpus")
    @classmethod
    def _cpus(cls, value: str) -> str:
        if value in RESOURCE_KEYWORDS or (value.isdigit() and int(value) >= MIN_CPUS):
            return value
        raise ValueError(
            f"cpus must be a number >= {MIN_CPUS} (minikube refuses fewer) or one of "
            f"{', '.join(RESOURCE_KEYWORDS)} (got {value!r})"
        )

    @field_validator("memory")
    @classmethod
    def _memory(cls, value: str) -> str:
        if value in RESOURCE_KEYWORDS:
            return value
        mib = memory_mib(value)
        if mib is None:
            raise ValueError(
                f"memory must be MB as a number, a size like 65536m or 64g, or one of "
                f"{', '.join(RESOURCE_KEYWORDS)} (got {value!r})"
            )
        if mib < MIN_MEMORY_MIB:
            raise ValueError(
                f"memory {value!r} is {mib} MiB, less than the {MIN_MEMORY_MIB} MiB Kubernetes needs under minikube"
            )
        return value.lower()

    @field_validator("accelerator")
    @classmethod
    def _nvidia_family(cls, value: str) -> str:
        family = accelerator_family(value)
        allowed = ", ".join(nvidia_families())
        if family is None:
            raise ValueError(f"unknown accelerator '{value}'; allowed: {allowed}")
        if family.vendor is not Vendor.NVIDIA:
            raise ValueError(
                f"'{value}' is a {family.vendor.value} accelerator; minikube --gpus all with the NVIDIA Container "
                f"Toolkit serves NVIDIA GPUs only; allowed: {allowed}"
            )
        return family.name

    # --- the flags minikube reads ---------------------------------------------------------------

    def cpus_flag(self) -> str:
        """The ``--cpus`` value."""
        return self.cpus

    def memory_flag(self) -> str:
        """The ``--memory`` value (a bare number is MB to minikube, as here)."""
        return self.memory

    def version(self) -> Version:
        """The configured Kubernetes version, parsed."""
        return parse_version(self.kubernetes_version)


ClusterConfig = MinikubeClusterConfig
"""The room's config model under the name the core's discriminated union collects."""

ADDONS = AddonSupport(
    installs=frozenset({"lws", "gatewayApiCrds"}),
    refuses={
        "gpuOperator": "minikube --gpus all enables NVIDIA's device plugin itself, on the host's driver and container "
        "toolkit",
        "networkOperator": "a single host has no inter-node RDMA network to manage",
        "draDriver": "minikube exposes the GPUs through its NVIDIA device plugin add-on",
        "amdGpuOperator": "this provider runs minikube with NVIDIA GPUs (--gpus all)",
        "nfd": "no add-on on minikube needs Node Feature Discovery",
        "kueue": "a single node has no multi-host pool to schedule topology-aware",
    },
)
"""``llmd-infra:addons`` sections the minikube provider installs, and the ones it refuses with the reason."""


__all__ = [
    "ADDONS",
    "DEFAULT_KUBERNETES_VERSION",
    "MIN_CPUS",
    "MIN_MEMORY_MIB",
    "ClusterConfig",
    "MinikubeClusterConfig",
    "memory_mib",
    "nvidia_families",
]
