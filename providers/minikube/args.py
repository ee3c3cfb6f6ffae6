"""The ``MinikubeCluster`` arguments: the contract every Pulumi language would consume.

Keys are the snake_case names of the ``llmd-infra:cluster`` config keys (see
:mod:`llmd_infra.providers.minikube.config` for the YAML shape and every rule); the component validates
them with the same pydantic model, so a component built from code fails exactly like a stack file would
(``tests/test_minikube_config.py`` keeps these TypedDicts and the models from drifting apart).

Written as the package schema's analyzer reads them (see ``providers/gke/args.py``): no
``from __future__ import annotations``, ``typing.TypedDict``, and type names unique across providers
(the ``Minikube`` prefix); ``LwsArgs``/``GatewayCrdsArgs`` stay as aliases.
"""

from typing import TypedDict

from typing_extensions import Required


class MinikubeLws(TypedDict, total=False):
    """LeaderWorkerSet add-on."""

    enabled: bool
    """Install LWS (default true)."""
    version: str
    """LWS chart version (default: the pinned one; >= llm-d's minimum)."""
    enable_disaggregated_set: bool
    """Install the DisaggregatedSet webhook (LWS >= 0.11; default false)."""


class MinikubeGatewayCrds(TypedDict, total=False):
    """Gateway API + Inference Extension CRDs (minikube installs neither)."""

    enabled: bool
    """Install them (default true)."""
    gateway_api_version: str
    """Gateway API release tag (default: the pinned one)."""
    gaie_version: str
    """Gateway API Inference Extension release tag (default: the pinned one)."""
    install_gateway_api: bool
    """Install the Gateway API standard CRDs (default true)."""
    install_inference_extension: bool
    """Install the GAIE CRDs (default true)."""


class MinikubeClusterArgs(TypedDict, total=False):
    """Arguments of :class:`~llmd_infra.providers.minikube.MinikubeCluster`."""

    accelerator: Required[str]
    """The host's NVIDIA GPU family (``L40S``, ``H100``, ...); minikube cannot know it, the stack declares it."""
    accelerator_count: Required[int]
    """How many GPUs of that family the host has (checked with ``nvidia-smi -L`` before minikube starts)."""
    profile: str
    """The minikube profile, also the kubeconfig context (default: the component's resource name)."""
    kubernetes_version: str
    """``--kubernetes-version``, an exact ``vMAJOR.MINOR.PATCH`` >= llm-d's minimum (default: the pinned one).
    A newer version upgrades the profile in place; an older one replaces it (delete, then start)."""
    cpus: str
    """``--cpus``: a number >= 2 (``"16"``), ``max`` or ``no-limit`` (default). A change replaces the profile."""
    memory: str
    """``--memory``: MB (``"65536"``), ``<n>m``/``<n>g``, ``max`` or ``no-limit`` (default); at least 1800 MiB.
    A change replaces the profile."""
    lws: MinikubeLws
    """LeaderWorkerSet add-on."""
    gateway_crds: MinikubeGatewayCrds
    """Gateway API / GAIE CRDs."""
    protect: bool
    """Pulumi ``protect`` on the minikube profile (default: the ``opts.protect`` passed to the component,
    else false — a minikube profile is disposable)."""


LwsArgs = MinikubeLws
GatewayCrdsArgs = MinikubeGatewayCrds

__all__ = ["GatewayCrdsArgs", "LwsArgs", "MinikubeClusterArgs", "MinikubeGatewayCrds", "MinikubeLws"]
