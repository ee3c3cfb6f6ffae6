"""NVIDIA GPU Operator: Helm everywhere except OpenShift, where OLM installs it and a ClusterPolicy drives it."""

from __future__ import annotations

from typing import Any, TypedDict

import pulumi
from pydantic import model_validator

from llmd_infra import pins
from llmd_infra.addons._common import (
    TYPE_PREFIX,
    caller_dependencies,
    custom_resource,
    helm_release,
    namespace,
    validate_args,
)
from llmd_infra.addons.olm import Approval, olm_operator
from llmd_infra.addons.sdk import k8s
from llmd_infra.config.addons import GpuOperatorSettings
from llmd_infra.config.platform import platform_profile

CLUSTER_POLICY_NAME = "gpu-cluster-policy"

class NvidiaGpuOperatorArgs(TypedDict, total=False):
    """Arguments of :class:`NvidiaGpuOperator`."""

    platform: pulumi.Input[str]
    """A provider of the registry, ``aks`` or ``generic`` (default). Its platform profile decides the
    install method (OLM on OpenShift, with CRI-O) and the driver/toolkit defaults."""
    version: pulumi.Input[str]
    """gpu-operator chart version (Helm path); defaults to ``llmd_infra.pins.GPU_OPERATOR``."""
    olm_channel: pulumi.Input[str]
    """OLM channel of ``gpu-operator-certified`` (OpenShift); defaults to ``pins.GPU_OPERATOR_OLM``."""
    driver_enabled: pulumi.Input[bool]
    """Let the operator install the driver; default per platform (off where the provider does it)."""
    driver_version: pulumi.Input[str]
    """Driver the operator installs; default ``pins.NVIDIA_DRIVER`` (575.x for llm-d's CUDA 12.9.1 images).
    R580+ is rejected unless ``allow_driver_r580``."""
    allow_driver_r580: pulumi.Input[bool]
    """Accept a driver >= R580 (A4X/A4X Max RDMA need it; llm-d's CUDA 12.9 images and DeepEP do not)."""
    toolkit_enabled: pulumi.Input[bool]
    """Let the operator install the container toolkit; default per platform."""
    nfd_enabled: pulumi.Input[bool]
    """Deploy the chart's bundled NFD (default true); false when NFD is installed once elsewhere."""
    rdma_enabled: pulumi.Input[bool]
    """GPUDirect RDMA: ``driver.rdma.enabled`` (nvidia-peermem)."""
    use_host_mofed: pulumi.Input[bool]
    """MOFED/DOCA is preinstalled on the host rather than by the Network Operator."""
    cdi_enabled: pulumi.Input[bool]
    """Container Device Interface (default true, the v26.7.0 chart default)."""
    olm_approval: str
    """OpenShift: the Subscription's ``installPlanApproval``, ``Automatic`` (default) or ``Manual``."""
    olm_starting_csv: str
    """OpenShift: ``startingCSV`` of the Subscription (e.g. ``gpu-operator-certified.v25.3.0``); needs
    ``olm_approval`` ``Manual``, or OLM upgrades past it at once."""


class _GpuInput(GpuOperatorSettings):
    olm_approval: Approval = "Automatic"
    olm_starting_csv: str | None = None

    @model_validator(mode="after")
    def _pinned_only_with_manual(self) -> _GpuInput:
        if self.olm_starting_csv and self.olm_approval != "Manual":
            raise ValueError("olm_starting_csv needs olm_approval 'Manual' (OLM upgrades an Automatic subscription)")
        return self


class NvidiaGpuOperator(pulumi.ComponentResource):
    """The NVIDIA GPU Operator with per-provider values.

    * Helm path: ``helm.v3.Release`` of ``gpu-operator`` from ``https://helm.ngc.nvidia.com/nvidia``
      into ``gpu-operator``. v3 Release because the chart installs the ClusterPolicy/NVIDIADriver CRDs
      from ``crds/`` and ships upgrade hooks (CRD upgrade job, cleanup), which only Helm itself runs.
      Its NFD worker runs on GPU nodes, so the release does not wait (``skip_await``, not atomic).
    * OpenShift: OLM ``gpu-operator-certified`` (``certified-operators``) in ``nvidia-gpu-operator``,
      then ``ClusterPolicy gpu-cluster-policy`` with ``operator.defaultRuntime: crio`` and the OpenShift
      Driver Toolkit. The ClusterPolicy CRD only exists once OLM has installed the CSV; a first
      ``pulumi up`` may need a rerun if that takes longer than the custom resource's create timeout.

    The driver version is always explicit: the v26.7.0 chart default (595.91.07) is R580+, which
    llm-d's CUDA 12.9.1 images do not support.
    """

    namespace: pulumi.Output[str]
    driver_enabled: pulumi.Output[bool]
    driver_version: pulumi.Output[str]

    def __init__(
        self, name: str, args: NvidiaGpuOperatorArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        cfg = validate_args(_GpuInput, dict(args), "NvidiaGpuOperator", name)
        super().__init__(f"{TYPE_PREFIX}NvidiaGpuOperator", name, cfg.model_dump(by_alias=True), opts)
        deps = caller_dependencies(opts)
        profile = platform_profile(cfg.platform)
        driver = profile.gpu_driver_by_operator if cfg.driver_enabled is None else cfg.driver_enabled
        toolkit = profile.gpu_toolkit_by_operator if cfg.toolkit_enabled is None else cfg.toolkit_enabled
        self.release: k8s.helm.v3.Release | None = None
        self.cluster_policy: k8s.apiextensions.CustomResource | None = None

        if profile.operators_via_olm:
            ns_name = pins.GPU_OPERATOR_OLM.namespace
            olm = olm_operator(
                name,
                parent=self,
                depends_on=deps,
                namespace_name=ns_name,
                operator_group_name="nvidia-gpu-operator-group",
                package=pins.GPU_OPERATOR_OLM.chart,
                channel=cfg.olm_channel,
                source=pins.GPU_OPERATOR_OLM.repository,
                approval=cfg.olm_approval,
                starting_csv=cfg.olm_starting_csv,
            )
            self.cluster_policy = custom_resource(
                f"{name}-cluster-policy",
                api_version="nvidia.com/v1",
                kind="ClusterPolicy",
                name=CLUSTER_POLICY_NAME,
                spec=cluster_policy_spec(cfg, driver, toolkit),
                parent=self,
                depends_on=[*deps, olm.subscription],
            )
        else:
            ns_name = pins.GPU_OPERATOR.namespace
            ns = namespace(f"{name}-namespace", ns_name, self, deps)
            self.release = helm_release(
                f"{name}-release",
                release_name="gpu-operator",
                chart=pins.GPU_OPERATOR.chart,
                repository=pins.GPU_OPERATOR.repository,
                version=cfg.version,
                namespace=ns_name,
                values=helm_values(cfg, driver, toolkit),
                wait=False,
                parent=self,
                depends_on=[*deps, ns],
            )
        self.namespace = pulumi.Output.from_input(ns_name)
        self.driver_enabled = pulumi.Output.from_input(driver)
        self.driver_version = pulumi.Output.from_input(cfg.driver_version)
        self.register_outputs(
            {
                "namespace": self.namespace,
                "driverEnabled": self.driver_enabled,
                "driverVersion": self.driver_version,
            }
        )


def _driver_block(cfg: GpuOperatorSettings, driver: bool) -> dict[str, Any]:
    block: dict[str, Any] = {"enabled": driver}
    if driver:
        block["version"] = cfg.driver_version
        block["rdma"] = {"enabled": cfg.rdma_enabled, "useHostMofed": cfg.use_host_mofed}
    return block


def helm_values(cfg: GpuOperatorSettings, driver: bool, toolkit: bool) -> dict[str, Any]:
    """Values of the gpu-operator chart (the Helm path)."""
    values: dict[str, Any] = {
        "operator": {"defaultRuntime": "containerd"},
        "driver": _driver_block(cfg, driver),
        "toolkit": {"enabled": toolkit},
        "nfd": {"enabled": cfg.nfd_enabled},
        "cdi": {"enabled": cfg.cdi_enabled},
    }
    profile = platform_profile(cfg.platform)
    if profile.nvidia_install_dir:
        # The platform's driver lives elsewhere (GKE: NVIDIA cloud-native-docs
        # gpu-operator/google-gke.rst); the toolkit goes beside it, CDI on and default.
        values["hostPaths"] = {"driverInstallDir": profile.nvidia_install_dir}
        values["toolkit"]["installDir"] = profile.nvidia_install_dir
        values["cdi"]["default"] = cfg.cdi_enabled
    for component in profile.gpu_operator_components_off:
        values[component] = {"enabled": False}
    return values


def cluster_policy_spec(cfg: GpuOperatorSettings, driver: bool, toolkit: bool) -> dict[str, Any]:
    """ClusterPolicy for OpenShift (after rh-aiservices-bu/ocp-gpu-setup crs/ @a66cafb)."""
    return {
        "operator": {"defaultRuntime": "crio", "use_ocp_driver_toolkit": True},
        "daemonsets": {"updateStrategy": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "1"}},
        "driver": _driver_block(cfg, driver),
        "toolkit": {"enabled": toolkit},
        "devicePlugin": {"enabled": True},
        "dcgm": {"enabled": True},
        "dcgmExporter": {"enabled": True, "serviceMonitor": {"enabled": True}},
        "gfd": {"enabled": True},
        "nodeStatusExporter": {"enabled": True},
        "mig": {"strategy": "single"},
        "migManager": {"enabled": True},
        "cdi": {"enabled": cfg.cdi_enabled},
    }
