"""NVIDIA DRA driver for GPUs (llm-d's GKE DRA + DRANET path).

A driver loader that belongs to one platform (GKE's COS installer DaemonSet) lives in that
provider's room, not here.
"""

from __future__ import annotations

from typing import Any, TypedDict

import pulumi
from pydantic import BaseModel, Field, field_validator

from llmd_infra import pins
from llmd_infra.addons._common import (
    TYPE_PREFIX,
    caller_dependencies,
    helm_release,
    namespace,
    validate_args,
)
from llmd_infra.config.base import LlmdModel
from llmd_infra.versions import VersionError, parse_version

GKE_NVIDIA_DRIVER_ROOT = "/home/kubernetes/bin/nvidia/"
"""Where the COS installer puts the driver on GKE nodes (llm-d GKE README: --set nvidiaDriverRoot=...)."""


class Toleration(TypedDict, total=False):
    """A pod toleration (the Kubernetes ``Toleration`` fields)."""

    key: str
    """Taint key to tolerate (e.g. ``nvidia.com/gpu``); empty with ``Exists`` tolerates every taint."""
    operator: str
    """``Exists`` (any value) or ``Equal`` (the default: ``value`` must match)."""
    value: str
    """Taint value to match with ``Equal``."""
    effect: str
    """``NoSchedule``, ``PreferNoSchedule`` or ``NoExecute``; empty tolerates every effect."""


class NvidiaDraDriverArgs(TypedDict, total=False):
    """Arguments of :class:`NvidiaDraDriver`."""

    version: pulumi.Input[str]
    """``nvidia-dra-driver-gpu`` chart version; defaults to ``llmd_infra.pins.DRA_DRIVER_GPU`` (25.8.0)."""
    nvidia_driver_root: pulumi.Input[str]
    """Host path of the driver; default ``/home/kubernetes/bin/nvidia/`` (GKE COS installer)."""
    gpu_resources_enabled_override: pulumi.Input[bool]
    """Serve ``gpu.nvidia.com`` devices (default true, as llm-d sets it)."""
    compute_domains_enabled: pulumi.Input[bool]
    """ComputeDomains (multi-node NVLink); default false, as llm-d sets it."""
    kubelet_plugin_tolerations: pulumi.Input[list[Toleration]]
    """Tolerations of the kubelet plugin; default tolerates ``nvidia.com/gpu`` (Exists, NoSchedule)."""


class _TolerationModel(LlmdModel):
    key: str = ""
    operator: str = "Equal"
    value: str = ""
    effect: str = ""


class _DraInput(LlmdModel):
    version: str = pins.DRA_DRIVER_GPU.version
    nvidia_driver_root: str = GKE_NVIDIA_DRIVER_ROOT
    gpu_resources_enabled_override: bool = True
    compute_domains_enabled: bool = False
    kubelet_plugin_tolerations: list[_TolerationModel] = Field(
        default_factory=lambda: [
            _TolerationModel(key="nvidia.com/gpu", operator="Exists", effect="NoSchedule")
        ]
    )

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        try:
            parse_version(value)
        except VersionError as exc:
            raise ValueError(str(exc)) from None
        return value.removeprefix("v")


def _toleration(t: BaseModel) -> dict[str, Any]:
    return {k: v for k, v in t.model_dump().items() if v}


class NvidiaDraDriver(pulumi.ComponentResource):
    """``nvidia-dra-driver-gpu`` into ``nvidia-dra-driver-gpu`` with llm-d's GKE values.

    Mirrors llm-d's ``helm install nvidia-dra-driver-gpu nvidia/nvidia-dra-driver-gpu --version=25.8.0
    --set nvidiaDriverRoot=/home/kubernetes/bin/nvidia/ --set gpuResourcesEnabledOverride=true
    --set resources.computeDomains.enabled=false --set kubeletPlugin.priorityClassName=""`` plus the
    ``nvidia.com/gpu`` toleration. A ``helm.v3.Release`` keeps Helm's CRD install (ComputeDomain CRDs in
    the chart's ``crds/``) and upgrade semantics. The kubelet plugin only becomes ready on GPU nodes
    once the driver is installed there, so the release does not wait (``skip_await``, not atomic):
    waiting would make this add-on depend on the accelerator pools.
    """

    namespace: pulumi.Output[str]
    version: pulumi.Output[str]

    def __init__(
        self, name: str, args: NvidiaDraDriverArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        cfg = validate_args(_DraInput, dict(args), "NvidiaDraDriver", name)
        super().__init__(f"{TYPE_PREFIX}NvidiaDraDriver", name, cfg.model_dump(by_alias=True), opts)
        deps = caller_dependencies(opts)
        ns_name = pins.DRA_DRIVER_GPU.namespace
        ns = namespace(f"{name}-namespace", ns_name, self, deps)
        values: dict[str, Any] = {
            "nvidiaDriverRoot": cfg.nvidia_driver_root,
            "gpuResourcesEnabledOverride": cfg.gpu_resources_enabled_override,
            "resources": {"computeDomains": {"enabled": cfg.compute_domains_enabled}},
            "kubeletPlugin": {
                "priorityClassName": "",
                "tolerations": [_toleration(t) for t in cfg.kubelet_plugin_tolerations],
            },
        }
        self.release = helm_release(
            f"{name}-release",
            release_name="nvidia-dra-driver-gpu",
            chart=pins.DRA_DRIVER_GPU.chart,
            repository=pins.DRA_DRIVER_GPU.repository,
            version=cfg.version,
            namespace=ns_name,
            values=values,
            wait=False,
            parent=self,
            depends_on=[*deps, ns],
        )
        self.namespace = pulumi.Output.from_input(ns_name)
        self.version = pulumi.Output.from_input(cfg.version)
        self.register_outputs({"namespace": self.namespace, "version": self.version})
