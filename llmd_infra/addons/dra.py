"""NVIDIA DRA driver for GPUs and the GKE COS driver installer (llm-d's GKE DRA + DRANET path)."""

from __future__ import annotations

from typing import Any, TypedDict

import pulumi
import pulumi_kubernetes as k8s
from pydantic import BaseModel, Field, field_validator

from llmd_infra import pins
from llmd_infra.addons._common import (
    TYPE_PREFIX,
    caller_dependencies,
    child_opts,
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


class CosNvidiaDriverInstallerArgs(TypedDict, total=False):
    """Arguments of :class:`CosNvidiaDriverInstaller` (all optional)."""

    partition_gpu_image: pulumi.Input[str]
    """Image of the ``partition-gpus`` init container (default: the digest in the pinned upstream file)."""


class _CosInput(LlmdModel):
    partition_gpu_image: str = (
        "gcr.io/gke-release/nvidia-partition-gpu@sha256:"
        "c54fd003948fac687c2a93a55ea6e4d47ffbd641278a9191e75e822fe72471c2"
    )


_NVIDIA_DIR = "/home/kubernetes/bin/nvidia"
_PAUSE_IMAGE = "gcr.io/google-containers/pause:2.0"


class CosNvidiaDriverInstaller(pulumi.ComponentResource):
    """GKE's COS NVIDIA driver installer DaemonSet (``daemonset-preloaded.yaml``), as typed resources.

    llm-d applies the file from the ``master`` branch of
    GoogleCloudPlatform/container-engine-accelerators. This component renders the revision at
    ``pins.COS_DRIVER_INSTALLER`` (commit 068b15a) as a typed ``apps/v1`` DaemonSet, so an upstream
    change never alters a deployed stack and tests can assert every field. It runs on nodes labelled
    ``cloud.google.com/gke-accelerator`` without ``cloud.google.com/gke-gpu-driver-version`` — the
    pools created with ``gpu-driver-version=disabled`` — and installs the driver GKE preloads for the
    node's COS version (``cos-nvidia-installer:fixed``, ``imagePullPolicy: Never``). Namespace
    ``kube-system`` already exists and is not created.
    """

    namespace: pulumi.Output[str]
    daemonset_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: CosNvidiaDriverInstallerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        cfg = validate_args(_CosInput, dict(args), "CosNvidiaDriverInstaller", name)
        super().__init__(f"{TYPE_PREFIX}CosNvidiaDriverInstaller", name, cfg.model_dump(by_alias=True), opts)
        deps = caller_dependencies(opts)
        ns = pins.COS_DRIVER_INSTALLER.namespace
        labels = {"k8s-app": "nvidia-driver-installer"}

        def host(vol: str, path: str) -> k8s.core.v1.VolumeArgs:
            return k8s.core.v1.VolumeArgs(name=vol, host_path=k8s.core.v1.HostPathVolumeSourceArgs(path=path))

        def mount(vol: str, path: str) -> k8s.core.v1.VolumeMountArgs:
            return k8s.core.v1.VolumeMountArgs(name=vol, mount_path=path)

        def env(values: dict[str, str]) -> list[k8s.core.v1.EnvVarArgs]:
            return [k8s.core.v1.EnvVarArgs(name=k, value=v) for k, v in values.items()]

        requests = k8s.core.v1.ResourceRequirementsArgs(requests={"cpu": "0.15"})
        privileged = k8s.core.v1.SecurityContextArgs(privileged=True)
        self.daemonset = k8s.apps.v1.DaemonSet(
            f"{name}-daemonset",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name="nvidia-driver-installer",
                namespace=ns,
                labels=labels,
                annotations={
                    "llmd-infra/source": pins.COS_DRIVER_INSTALLER.source,
                    # Its pods only run on accelerator nodes; awaiting their readiness would make
                    # this add-on wait for the accelerator pools.
                    "pulumi.com/skipAwait": "true",
                },
            ),
            spec=k8s.apps.v1.DaemonSetSpecArgs(
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=labels),
                update_strategy=k8s.apps.v1.DaemonSetUpdateStrategyArgs(type="RollingUpdate"),
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels={"name": "nvidia-driver-installer", **labels}),
                    spec=k8s.core.v1.PodSpecArgs(
                        priority_class_name="system-node-critical",
                        affinity=k8s.core.v1.AffinityArgs(
                            node_affinity=k8s.core.v1.NodeAffinityArgs(
                                required_during_scheduling_ignored_during_execution=k8s.core.v1.NodeSelectorArgs(
                                    node_selector_terms=[
                                        k8s.core.v1.NodeSelectorTermArgs(
                                            match_expressions=[
                                                k8s.core.v1.NodeSelectorRequirementArgs(
                                                    key="cloud.google.com/gke-accelerator", operator="Exists"
                                                ),
                                                k8s.core.v1.NodeSelectorRequirementArgs(
                                                    key="cloud.google.com/gke-gpu-driver-version",
                                                    operator="DoesNotExist",
                                                ),
                                            ]
                                        )
                                    ]
                                )
                            )
                        ),
                        tolerations=[k8s.core.v1.TolerationArgs(operator="Exists")],
                        host_network=True,
                        host_pid=True,
                        volumes=[
                            host("dev", "/dev"),
                            host("vulkan-icd-mount", f"{_NVIDIA_DIR}/vulkan/icd.d"),
                            host("nvidia-install-dir-host", _NVIDIA_DIR),
                            host("root-mount", "/"),
                            host("cos-tools", "/var/lib/cos-tools"),
                            host("nvidia-config", "/etc/nvidia"),
                        ],
                        init_containers=[
                            k8s.core.v1.ContainerArgs(
                                name="nvidia-driver-installer",
                                image="cos-nvidia-installer:fixed",
                                image_pull_policy="Never",
                                resources=requests,
                                security_context=privileged,
                                env=env(
                                    {
                                        "NVIDIA_INSTALL_DIR_HOST": _NVIDIA_DIR,
                                        "NVIDIA_INSTALL_DIR_CONTAINER": "/usr/local/nvidia",
                                        "VULKAN_ICD_DIR_HOST": f"{_NVIDIA_DIR}/vulkan/icd.d",
                                        "VULKAN_ICD_DIR_CONTAINER": "/etc/vulkan/icd.d",
                                        "ROOT_MOUNT_DIR": "/root",
                                        "COS_TOOLS_DIR_HOST": "/var/lib/cos-tools",
                                        "COS_TOOLS_DIR_CONTAINER": "/build/cos-tools",
                                    }
                                ),
                                volume_mounts=[
                                    mount("nvidia-install-dir-host", "/usr/local/nvidia"),
                                    mount("vulkan-icd-mount", "/etc/vulkan/icd.d"),
                                    mount("dev", "/dev"),
                                    mount("root-mount", "/root"),
                                    mount("cos-tools", "/build/cos-tools"),
                                ],
                            ),
                            k8s.core.v1.ContainerArgs(
                                name="partition-gpus",
                                image=cfg.partition_gpu_image,
                                resources=requests,
                                security_context=privileged,
                                env=env({"LD_LIBRARY_PATH": "/usr/local/nvidia/lib64"}),
                                volume_mounts=[
                                    mount("nvidia-install-dir-host", "/usr/local/nvidia"),
                                    mount("dev", "/dev"),
                                    mount("nvidia-config", "/etc/nvidia"),
                                ],
                            ),
                        ],
                        containers=[
                            k8s.core.v1.ContainerArgs(name="pause", image=_PAUSE_IMAGE)
                        ],
                    ),
                ),
            ),
            opts=child_opts(self, deps),
        )
        self.namespace = pulumi.Output.from_input(ns)
        self.daemonset_name = pulumi.Output.from_input("nvidia-driver-installer")
        self.register_outputs({"namespace": self.namespace, "daemonsetName": self.daemonset_name})
