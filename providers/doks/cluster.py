"""``DoksCluster``: a DigitalOcean Kubernetes cluster that meets llm-d's prerequisites.

The class annotations of ``DoksCluster`` are the outputs of the ``llmd-infra`` package schema (the
SDK's analyzer reads them at run time), so this module does not use ``from __future__ import annotations``.
"""

from typing import Any, NamedTuple, cast

import pulumi
import pulumi_digitalocean as do
import pulumi_kubernetes as k8s

from llmd_infra.addons import NvidiaGpuOperator, NvidiaGpuOperatorArgs
from llmd_infra.addons.wiring import addon_options, install_shared_addons
from llmd_infra.catalog.types import Vendor
from llmd_infra.config.addons import GatewayApiCrdsConfig, GpuOperatorConfig, KueueConfig, LwsConfig
from llmd_infra.config.base import validate_model
from llmd_infra.config.stack import StackSettings
from llmd_infra.contract import CLUSTER_OUTPUTS, AcceleratorPoolSummary
from llmd_infra.errors import ConfigError, Problem
from llmd_infra.hosting import component_type
from llmd_infra.providers.doks.args import DoksClusterArgs
from llmd_infra.providers.doks.config import DoksClusterConfig
from llmd_infra.providers.doks.kubeconfig import fresh_kubeconfig
from llmd_infra.providers.doks.network import ClusterNetwork, FabricNetwork
from llmd_infra.providers.doks.pools import (
    SYSTEM_NODE_COUNT_FIELDS,
    SYSTEM_POOL_NAME,
    AcceleratorPool,
    system_node_pool,
    tags_for,
)
from llmd_infra.providers.doks.topology import topology_pools

TYPE = "llmd-infra:doks:DoksCluster"

_ADDON_KEYS = ("lws", "gateway_crds", "gpu_operator", "kueue")


class AddonSettings(NamedTuple):
    """The add-on settings a DOKS cluster uses, validated."""

    lws: LwsConfig
    gateway_crds: GatewayApiCrdsConfig
    gpu_operator: GpuOperatorConfig
    kueue: KueueConfig


def config_from_args(
    resource_name: str, args: DoksClusterArgs, default_protect: bool = True
) -> tuple[DoksClusterConfig, AddonSettings, bool]:
    """Validate component args with the stack-config models (raises ConfigError, registers nothing)."""
    skip = ("cluster_name", "protect", *_ADDON_KEYS)
    data: dict[str, Any] = {k: v for k, v in args.items() if k not in skip}
    data["provider"] = "doks"
    data["name"] = args.get("cluster_name", resource_name)
    prefix = f"DoksCluster {resource_name}:"
    config = validate_model(DoksClusterConfig, data, prefix)
    addons = AddonSettings(
        lws=validate_model(LwsConfig, dict(args.get("lws", {})), f"{prefix}lws"),
        gateway_crds=validate_model(GatewayApiCrdsConfig, dict(args.get("gateway_crds", {})), f"{prefix}gateway_crds"),
        gpu_operator=validate_model(GpuOperatorConfig, dict(args.get("gpu_operator", {})), f"{prefix}gpu_operator"),
        kueue=validate_model(KueueConfig, dict(args.get("kueue", {})), f"{prefix}kueue"),
    )
    if addons.gpu_operator.enabled and config.nvidia_gpu == "dra-driver":
        raise ConfigError(
            [
                Problem(
                    f"{prefix}gpu_operator.enabled",
                    "the GPU Operator replaces DOKS's NVIDIA device plugin and cannot run next to DOKS's NVIDIA DRA "
                    "driver; set nvidia_gpu: device-plugin or turn the GPU Operator off",
                )
            ]
        )
    return config, addons, bool(args.get("protect", default_protect))


def args_from_settings(settings: StackSettings) -> DoksClusterArgs:
    """The component args equivalent to a validated stack configuration."""
    data = settings.cluster.model_dump(exclude_none=True, exclude={"provider", "name"})
    data["cluster_name"] = settings.cluster.name
    addons = settings.addons
    source = f"Pulumi.{pulumi.get_stack()}.yaml"
    cluster = cast(DoksClusterConfig, settings.cluster)
    if addons.gpu_operator.enabled and cluster.nvidia_gpu == "dra-driver":
        raise ConfigError(
            [
                Problem(
                    "llmd-infra:addons.gpuOperator.enabled",
                    "the GPU Operator replaces DOKS's NVIDIA device plugin and cannot run next to DOKS's NVIDIA DRA "
                    "driver (llmd-infra:cluster.nvidiaGpu: dra-driver); allowed: false, or nvidiaGpu: device-plugin",
                )
            ],
            source,
        )
    data["lws"] = addons.lws.model_dump()
    data["gateway_crds"] = addons.gateway_api_crds.model_dump()
    data["gpu_operator"] = addons.gpu_operator.model_dump()
    data["kueue"] = addons.kueue.model_dump(exclude_none=True)
    return cast(DoksClusterArgs, data)


def _digitalocean_provider(opts: pulumi.ResourceOptions | None) -> pulumi.ProviderResource | None:
    """The explicit DigitalOcean provider the caller passed, if any (for the invokes the component runs)."""
    if opts is None:
        return None
    if isinstance(opts.provider, pulumi.ProviderResource) and opts.provider.package == "digitalocean":
        return opts.provider
    providers = opts.providers
    if isinstance(providers, dict):
        found = providers.get("digitalocean")
        return found if isinstance(found, pulumi.ProviderResource) else None
    for provider in providers or []:
        if isinstance(provider, pulumi.ProviderResource) and provider.package == "digitalocean":
            return provider
    return None


def resolve_version(config: DoksClusterConfig, path: str, provider: pulumi.ProviderResource | None = None) -> str:
    """The DOKS version slug: a configured slug as is, a minor through ``get_kubernetes_versions``.

    The invoke is plain (not an Output), so the slug is known in preview and the kubernetes-version
    policy can judge it; a minor DOKS no longer offers is a ConfigError before any resource exists.
    """
    prefix = config.version_prefix()
    if prefix is None:
        return config.kubernetes_version
    result = do.get_kubernetes_versions(version_prefix=prefix, opts=pulumi.InvokeOptions(provider=provider))
    if not result.latest_version:
        raise ConfigError(
            [
                Problem(
                    path,
                    f"DOKS offers no {config.kubernetes_version} release; choose a minor DOKS supports "
                    "(doctl kubernetes options versions)",
                )
            ]
        )
    return result.latest_version


class DoksCluster(pulumi.ComponentResource):
    """A DOKS cluster for llm-d: its own VPC, an HA control plane with surge and scheduled patch upgrades,
    a CPU system pool, NVIDIA/AMD GPU pools with DOKS's device plugins (or DRA drivers), fabric pools
    wired for RDMA pod networking, a Kubernetes provider with a fresh credential at every run, and the
    add-ons llm-d needs.

    Satisfies :class:`llmd_infra.contract.LlmdCluster`.
    """

    kubeconfig: pulumi.Output[str]
    """Kubeconfig of the cluster (a secret), with a credential DOKS mints at every run."""
    cluster_name: pulumi.Output[str]
    """DOKS cluster name."""
    k8s_provider: k8s.Provider
    """Kubernetes provider for your own in-cluster resources (depends only on the cluster API)."""
    cluster: do.KubernetesCluster
    """The DOKS cluster; its ``node_pool`` is the CPU system pool, what in-cluster resources wait for
    (never a GPU pool)."""
    accelerator_pools: pulumi.Output[list[AcceleratorPoolSummary]]
    """The GPU pools, described in requirement terms."""

    def __init__(self, name: str, args: DoksClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        caller_protect = opts.protect if opts is not None and opts.protect is not None else True
        config, addons, protect = config_from_args(name, args, caller_protect)
        version = resolve_version(config, f"DoksCluster {name}:kubernetes_version", _digitalocean_provider(opts))
        self.config = config
        self.version = version
        props = config.model_dump(by_alias=True, exclude_none=True, exclude={"provider"})
        props.update(protect=protect, resolvedVersion=version)
        super().__init__(component_type(TYPE), name, props, opts)
        child = pulumi.ResourceOptions(parent=self)

        # --- network ------------------------------------------------------------------------------
        self.network: ClusterNetwork | None = None
        vpc_uuid: pulumi.Input[str]
        if config.network.existing_vpc_uuid is None:
            self.network = ClusterNetwork(f"{name}-network", config, child)
            vpc_uuid = self.network.vpc_id
        else:
            vpc_uuid = config.network.existing_vpc_uuid

        # --- cluster ------------------------------------------------------------------------------
        net = config.network
        firewall = (
            do.KubernetesClusterControlPlaneFirewallArgs(
                enabled=True, allowed_addresses=list(net.control_plane_firewall.allowed_addresses)
            )
            if net.control_plane_firewall is not None
            else None
        )
        window = config.maintenance_window
        self.cluster = do.KubernetesCluster(
            f"{name}-cluster",
            do.KubernetesClusterArgs(
                name=config.name,
                region=config.region,
                version=version,
                vpc_uuid=vpc_uuid,
                cluster_subnet=net.cluster_subnet,
                service_subnet=net.service_subnet,
                ha=protect if config.ha is None else config.ha,
                auto_upgrade=config.auto_upgrade,
                surge_upgrade=config.surge_upgrade,
                maintenance_policy=do.KubernetesClusterMaintenancePolicyArgs(
                    day=window.day, start_time=window.start_time
                ),
                control_plane_firewall=firewall,
                registry_integration=False,
                destroy_all_associated_resources=False,
                kubeconfig_expire_seconds=config.kubeconfig_expire_seconds,
                tags=tags_for(config),
                node_pool=system_node_pool(config),
                **self._gpu_components(config, addons),
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=protect,
                ignore_changes=SYSTEM_NODE_COUNT_FIELDS if config.system_pool.autoscaling is not None else None,
            ),
        )
        # The CPU pool is the cluster's own node_pool: add-ons wait for the cluster, never a GPU pool.
        self.system_pool: pulumi.Resource = self.cluster

        # --- GPU pools ----------------------------------------------------------------------------
        self.pools = [
            AcceleratorPool(f"{name}-{pool.name}", pool, config, self.cluster, protect, child)
            for pool in config.accelerator_pools
        ]
        summaries = [p.summary for p in self.pools]

        # --- access -------------------------------------------------------------------------------
        self.cluster_name = self.cluster.name
        self.kubeconfig = fresh_kubeconfig(self.cluster, config.name, config.kubeconfig_expire_seconds, self)
        self.k8s_provider = k8s.Provider(f"{name}-k8s", k8s.ProviderArgs(kubeconfig=self.kubeconfig), opts=child)
        self.accelerator_pools = pulumi.Output.from_input(summaries)

        # --- add-ons (wait for the system pool, never for a GPU pool) -----------------------------
        addon_opts = addon_options(self, self.k8s_provider, self.system_pool)
        # DOKS installs neither LWS nor the Gateway API / GAIE CRDs.
        self.lws, self.gateway_crds, self.kueue = install_shared_addons(
            name,
            lws=addons.lws,
            gateway_crds=addons.gateway_crds,
            platform="doks",
            protect=protect,
            opts=addon_opts,
            cluster_version=version,
            kueue=addons.kueue,
            topology=topology_pools(config),
        )
        self.gpu_operator: NvidiaGpuOperator | None = None
        if addons.gpu_operator.enabled:
            settings = addons.gpu_operator.model_dump(exclude={"enabled", "platform"})
            settings["platform"] = "doks"
            self.gpu_operator = NvidiaGpuOperator(
                f"{name}-gpu-operator", cast(NvidiaGpuOperatorArgs, settings), addon_opts
            )
        self.fabric: FabricNetwork | None = None
        if config.multi_host_pools():
            self.fabric = FabricNetwork(
                f"{name}-fabric",
                config,
                [self.system_pool],
                protect,
                pulumi.ResourceOptions(parent=self, provider=self.k8s_provider),
            )

        outputs: dict[str, Any] = {
            "kubeconfig": self.kubeconfig,
            "clusterName": self.cluster_name,
            "acceleratorPools": self.accelerator_pools,
            "systemPool": SYSTEM_POOL_NAME,
            "kubernetesVersion": version,
        }
        if self.fabric is not None:
            outputs["fabricPodAnnotation"] = self.fabric.annotation
            outputs["fabricRdmaResources"] = self.fabric.resources
        assert set(CLUSTER_OUTPUTS) <= set(outputs)
        self.register_outputs(outputs)

    @staticmethod
    def _gpu_components(config: DoksClusterConfig, addons: AddonSettings) -> dict[str, Any]:
        """DOKS's managed GPU components: per vendor in use, the device plugin or the DRA driver (never
        both); the NVIDIA device plugin off where the GPU Operator replaces it; the RDMA shared device
        plugin where fabric pools exist."""
        out: dict[str, Any] = {}
        if config.uses_vendor(Vendor.NVIDIA):
            if addons.gpu_operator.enabled:
                out["nvidia_gpu_device_plugin"] = do.KubernetesClusterNvidiaGpuDevicePluginArgs(enabled=False)
            elif config.nvidia_gpu == "dra-driver":
                out["nvidia_gpu_dra_driver"] = do.KubernetesClusterNvidiaGpuDraDriverArgs(enabled=True)
            else:
                out["nvidia_gpu_device_plugin"] = do.KubernetesClusterNvidiaGpuDevicePluginArgs(enabled=True)
        if config.uses_vendor(Vendor.AMD):
            if config.amd_gpu == "dra-driver":
                out["amd_gpu_dra_driver"] = do.KubernetesClusterAmdGpuDraDriverArgs(enabled=True)
            else:
                out["amd_gpu_device_plugin"] = do.KubernetesClusterAmdGpuDevicePluginArgs(enabled=True)
        if config.amd_metrics_exporter:
            out["amd_gpu_device_metrics_exporter_plugin"] = do.KubernetesClusterAmdGpuDeviceMetricsExporterPluginArgs(
                enabled=True
            )
        if config.multi_host_pools():
            out["rdma_shared_device_plugin"] = do.KubernetesClusterRdmaSharedDevicePluginArgs(enabled=True)
        return out


def cluster_from_config(settings: StackSettings, opts: pulumi.ResourceOptions | None = None) -> DoksCluster:
    """The stack program's entry point: one ``DoksCluster`` named after the configured cluster."""
    args = args_from_settings(settings)
    # Resolve once with the stack's key path, so an unavailable minor names llmd-infra:cluster.kubernetesVersion.
    resolve_version(cast(DoksClusterConfig, settings.cluster), "llmd-infra:cluster.kubernetesVersion",
                    _digitalocean_provider(opts))
    args["protect"] = settings.protect_for(pulumi.get_stack())
    return DoksCluster(settings.cluster.name, args, opts)
