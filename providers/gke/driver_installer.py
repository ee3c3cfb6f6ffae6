"""GKE's COS NVIDIA driver installer DaemonSet, for pools whose GKE driver installation is disabled.

llm-d's GKE DRA path applies ``nvidia-driver-installer/cos/daemonset-preloaded.yaml`` from the
``master`` branch of GoogleCloudPlatform/container-engine-accelerators
(https://github.com/llm-d/llm-d/blob/main/docs/infrastructure/providers/gke/README.md). It is GKE's
own DaemonSet, so it lives in the GKE room. This module renders the revision at :data:`REVISION` as a
typed ``apps/v1`` DaemonSet: an upstream change never alters a deployed stack, and tests assert every
field.
"""

from __future__ import annotations

from typing import TypedDict

import pulumi

from llmd_infra.addons._common import caller_dependencies, child_opts, validate_args
from llmd_infra.addons.sdk import k8s
from llmd_infra.config.base import LlmdModel
from llmd_infra.providers.gke.platform import NVIDIA_INSTALL_DIR

TYPE = "llmd-infra:gke:CosNvidiaDriverInstaller"
OLD_TYPE = "llmd-infra:addons:CosNvidiaDriverInstaller"
"""The type token before the installer moved into the GKE room; an alias keeps existing stacks' URNs."""

REVISION = "f2cf4197a5c3f0f20133be15d5fad8b7453beed5"
"""The last commit that changed ``nvidia-driver-installer/cos/daemonset-preloaded.yaml`` (2025-07-02); the
file is byte-identical at ``master`` @992db81 (2026-06-11). Since the revision pinned before (068b15a,
early 2023) upstream added: the skip-if-a-driver-is-loaded install command (918b995, ccf7bc6, 0d3e4d8),
the H200 partition image (69d631a, db2bc3c), the multi-arch partition image that also serves arm64 A4X
(4da5c07: "update daemonsets to have multi-arch partition GPU image"), the pause 3.8 image (22f1e65) and
the confidential-nodes exclusion (f2cf419)."""

SOURCE = (
    "GoogleCloudPlatform/container-engine-accelerators nvidia-driver-installer/cos/daemonset-preloaded.yaml "
    f"@{REVISION[:7]}"
)
NAMESPACE = "kube-system"
"""Exists in every cluster; not created here."""
DAEMONSET_NAME = "nvidia-driver-installer"

PARTITION_GPU_IMAGE = (
    "gcr.io/gke-release/nvidia-partition-gpu@sha256:de12f85ebfb4fb6c1893cd30c23aab662a72fa0448f97ef74fccb82d7522ef17"
)
"""The multi-arch (amd64 + arm64) ``partition-gpus`` image of the pinned revision."""
PAUSE_IMAGE = "gke.gcr.io/pause:3.8@sha256:880e63f94b145e46f1b1082bb71b85e21f16b99b180b9996407d61240ceb9830"
INSTALLER_IMAGE = "cos-nvidia-installer:fixed"
"""Preloaded on GKE's COS nodes (``imagePullPolicy: Never``)."""

INSTALL_COMMAND = (
    'echo "Checking for existing GPU driver modules"\n'
    "if lsmod | grep nvidia; then\n"
    '  echo "GPU driver is already installed, the installed version may or may not be the driver version being '
    'tried to install, skipping installation"\n'
    "  exit 0\n"
    "else\n"
    '  echo "No GPU driver module detected, installing now"\n'
    "  /cos-gpu-installer install || exit 1\n"
    "fi\n"
)
"""The pinned revision's init command: a node that already has an NVIDIA module loaded is left alone."""

CPU_REQUEST = "150m"


class CosNvidiaDriverInstallerArgs(TypedDict, total=False):
    """Arguments of :class:`CosNvidiaDriverInstaller` (all optional)."""

    partition_gpu_image: pulumi.Input[str]
    """Image of the ``partition-gpus`` init container (default: the digest in the pinned upstream file)."""


class _CosInput(LlmdModel):
    partition_gpu_image: str = PARTITION_GPU_IMAGE


class CosNvidiaDriverInstaller(pulumi.ComponentResource):
    """GKE's COS NVIDIA driver installer (``daemonset-preloaded.yaml`` at :data:`REVISION`).

    It runs on nodes labelled ``cloud.google.com/gke-accelerator`` that carry neither
    ``cloud.google.com/gke-gpu-driver-version`` (pools with GKE's driver installation disabled) nor
    ``cloud.google.com/gke-confidential-nodes-instance-type``, skips nodes where a driver is already
    loaded, and installs the driver GKE preloads for the node's COS version. ``kube-system`` exists
    already and is not created.
    """

    namespace: pulumi.Output[str]
    daemonset_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: CosNvidiaDriverInstallerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        cfg = validate_args(_CosInput, dict(args), "CosNvidiaDriverInstaller", name)
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=OLD_TYPE)]))
        super().__init__(TYPE, name, cfg.model_dump(by_alias=True), opts)
        deps = caller_dependencies(opts)
        labels = {"k8s-app": DAEMONSET_NAME}
        nvidia_dir = NVIDIA_INSTALL_DIR

        def host(vol: str, path: str) -> k8s.core.v1.VolumeArgs:
            return k8s.core.v1.VolumeArgs(name=vol, host_path=k8s.core.v1.HostPathVolumeSourceArgs(path=path))

        def mount(vol: str, path: str) -> k8s.core.v1.VolumeMountArgs:
            return k8s.core.v1.VolumeMountArgs(name=vol, mount_path=path)

        def env(values: dict[str, str]) -> list[k8s.core.v1.EnvVarArgs]:
            return [k8s.core.v1.EnvVarArgs(name=k, value=v) for k, v in values.items()]

        def exists(key: str, present: bool) -> k8s.core.v1.NodeSelectorRequirementArgs:
            return k8s.core.v1.NodeSelectorRequirementArgs(key=key, operator="Exists" if present else "DoesNotExist")

        requests = k8s.core.v1.ResourceRequirementsArgs(requests={"cpu": CPU_REQUEST})
        privileged = k8s.core.v1.SecurityContextArgs(privileged=True)
        self.daemonset = k8s.apps.v1.DaemonSet(
            f"{name}-daemonset",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=DAEMONSET_NAME,
                namespace=NAMESPACE,
                labels=labels,
                annotations={
                    "llmd-infra/source": SOURCE,
                    # Its pods only run on accelerator nodes; awaiting their readiness would make
                    # this add-on wait for the accelerator pools.
                    "pulumi.com/skipAwait": "true",
                },
            ),
            spec=k8s.apps.v1.DaemonSetSpecArgs(
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=labels),
                update_strategy=k8s.apps.v1.DaemonSetUpdateStrategyArgs(type="RollingUpdate"),
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels={"name": DAEMONSET_NAME, **labels}),
                    spec=k8s.core.v1.PodSpecArgs(
                        priority_class_name="system-node-critical",
                        affinity=k8s.core.v1.AffinityArgs(
                            node_affinity=k8s.core.v1.NodeAffinityArgs(
                                required_during_scheduling_ignored_during_execution=k8s.core.v1.NodeSelectorArgs(
                                    node_selector_terms=[
                                        k8s.core.v1.NodeSelectorTermArgs(
                                            match_expressions=[
                                                exists("cloud.google.com/gke-accelerator", True),
                                                exists("cloud.google.com/gke-gpu-driver-version", False),
                                                exists("cloud.google.com/gke-confidential-nodes-instance-type", False),
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
                            host("vulkan-icd-mount", f"{nvidia_dir}/vulkan/icd.d"),
                            host("nvidia-install-dir-host", nvidia_dir),
                            host("root-mount", "/"),
                            host("cos-tools", "/var/lib/cos-tools"),
                            host("nvidia-config", "/etc/nvidia"),
                        ],
                        init_containers=[
                            k8s.core.v1.ContainerArgs(
                                name="nvidia-driver-installer",
                                image=INSTALLER_IMAGE,
                                image_pull_policy="Never",
                                resources=requests,
                                security_context=privileged,
                                env=env(
                                    {
                                        "NVIDIA_INSTALL_DIR_HOST": nvidia_dir,
                                        "NVIDIA_INSTALL_DIR_CONTAINER": "/usr/local/nvidia",
                                        "VULKAN_ICD_DIR_HOST": f"{nvidia_dir}/vulkan/icd.d",
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
                                command=["bash", "-c", INSTALL_COMMAND],
                            ),
                            k8s.core.v1.ContainerArgs(
                                name="partition-gpus",
                                image=cfg.partition_gpu_image,
                                env=env({"LD_LIBRARY_PATH": "/usr/local/nvidia/lib64"}),
                                resources=requests,
                                security_context=privileged,
                                volume_mounts=[
                                    mount("nvidia-install-dir-host", "/usr/local/nvidia"),
                                    mount("dev", "/dev"),
                                    mount("nvidia-config", "/etc/nvidia"),
                                ],
                            ),
                        ],
                        containers=[k8s.core.v1.ContainerArgs(name="pause", image=PAUSE_IMAGE)],
                    ),
                ),
            ),
            opts=child_opts(self, deps),
        )
        self.namespace = pulumi.Output.from_input(NAMESPACE)
        self.daemonset_name = pulumi.Output.from_input(DAEMONSET_NAME)
        self.register_outputs({"namespace": self.namespace, "daemonsetName": self.daemonset_name})
