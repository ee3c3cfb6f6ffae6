"""AMD GPU Operator (ROCm/gpu-operator) with its cert-manager prerequisite and a DeviceConfig."""

from __future__ import annotations

from typing import Any, TypedDict

import pulumi
import pulumi_kubernetes as k8s

from llmd_infra import pins
from llmd_infra.addons._common import (
    TYPE_PREFIX,
    caller_dependencies,
    custom_resource,
    helm_release,
    namespace,
    validate_args,
)
from llmd_infra.config.addons import AmdGpuOperatorSettings

DEVICE_CONFIG_NAME = "llmd-amd-gpus"
AMD_GPU_NODE_LABEL = "feature.node.kubernetes.io/amd-gpu"
"""Label NFD puts on nodes with an AMD GPU (the operator's NodeFeatureRule); the DeviceConfig selects it."""


class AmdGpuOperatorArgs(TypedDict, total=False):
    """Arguments of :class:`AmdGpuOperator`."""

    version: pulumi.Input[str]
    """``gpu-operator-charts`` version (``https://rocm.github.io/gpu-operator``); default ``pins.AMD_GPU_OPERATOR``."""
    install_cert_manager: pulumi.Input[bool]
    """Install cert-manager first (default true; false when the cluster already runs it)."""
    cert_manager_version: pulumi.Input[str]
    """cert-manager chart version; default ``pins.CERT_MANAGER``."""
    install_driver: pulumi.Input[bool]
    """Let the operator install the amdgpu driver through KMM (default true; false where the node image
    ships it)."""
    driver_version: pulumi.Input[str]
    """ROCm driver version for KMM ('' = the operator's default)."""
    nfd_enabled: pulumi.Input[bool]
    """Deploy the chart's NFD (default true); false when NFD is installed once elsewhere."""
    device_config: pulumi.Input[bool]
    """Create the ``DeviceConfig`` (default true)."""


def device_config_spec(cfg: AmdGpuOperatorSettings) -> dict[str, Any]:
    """DeviceConfig: driver (optional), device plugin with node labeller, metrics exporter."""
    driver: dict[str, Any] = {"enable": cfg.install_driver}
    if cfg.install_driver and cfg.driver_version:
        driver["version"] = cfg.driver_version
    return {
        "driver": driver,
        "devicePlugin": {"enableNodeLabeller": True},
        "metricsExporter": {"enable": True},
        "selector": {AMD_GPU_NODE_LABEL: "true"},
    }


class AmdGpuOperator(pulumi.ComponentResource):
    """AMD GPU Operator for MI250X/MI300X/MI325X nodes whose provider installs no AMD driver/plugin.

    Children: cert-manager (``helm.v3.Release``, atomic — it runs on the system pool only — with
    ``crds.enabled``), the operator (``helm.v3.Release`` of ``gpu-operator-charts`` into
    ``kube-amd-gpu``; not awaited, its DaemonSets run on GPU nodes) and a ``DeviceConfig``
    (``amd.com/v1alpha1``) that advertises ``amd.com/gpu``. Newer charts can install a default
    DeviceConfig themselves (ROCm/gpu-operator helm-charts values; the value that controls it could
    not be verified offline): keep exactly one selecting the GPU nodes — set ``device_config: false`` to rely
    on the chart's, or disable the chart's.
    """

    namespace: pulumi.Output[str]

    def __init__(
        self, name: str, args: AmdGpuOperatorArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        cfg = validate_args(AmdGpuOperatorSettings, dict(args), "AmdGpuOperator", name)
        super().__init__(f"{TYPE_PREFIX}AmdGpuOperator", name, cfg.model_dump(by_alias=True), opts)
        deps = caller_dependencies(opts)
        self.cert_manager: k8s.helm.v3.Release | None = None
        if cfg.install_cert_manager:
            cm_ns = namespace(f"{name}-cert-manager-namespace", pins.CERT_MANAGER.namespace, self, deps)
            self.cert_manager = helm_release(
                f"{name}-cert-manager",
                release_name="cert-manager",
                chart=pins.CERT_MANAGER.chart,
                repository=pins.CERT_MANAGER.repository,
                version=cfg.cert_manager_version,
                namespace=pins.CERT_MANAGER.namespace,
                values={"crds": {"enabled": True}},
                parent=self,
                depends_on=[*deps, cm_ns],
            )
        ns_name = pins.AMD_GPU_OPERATOR.namespace
        ns = namespace(f"{name}-namespace", ns_name, self, deps)
        self.release = helm_release(
            f"{name}-release",
            release_name="amd-gpu-operator",
            chart=pins.AMD_GPU_OPERATOR.chart,
            repository=pins.AMD_GPU_OPERATOR.repository,
            version=cfg.version,
            namespace=ns_name,
            values={
                "node-feature-discovery": {"enabled": cfg.nfd_enabled},
                "kmm": {"enabled": cfg.install_driver},
            },
            wait=False,
            parent=self,
            depends_on=[*deps, ns, *([self.cert_manager] if self.cert_manager else [])],
        )
        self.device_config: k8s.apiextensions.CustomResource | None = None
        if cfg.device_config:
            self.device_config = custom_resource(
                f"{name}-device-config",
                api_version="amd.com/v1alpha1",
                kind="DeviceConfig",
                name=DEVICE_CONFIG_NAME,
                namespace=ns_name,
                spec=device_config_spec(cfg),
                parent=self,
                depends_on=[*deps, self.release],
            )
        self.namespace = pulumi.Output.from_input(ns_name)
        self.register_outputs({"namespace": self.namespace})
