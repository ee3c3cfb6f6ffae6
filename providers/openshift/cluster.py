"""``OpenShiftCluster``: an existing OpenShift cluster brought to llm-d's prerequisites.

No cluster resource is created: the cluster exists, and the component reaches it through its
kubeconfig (:mod:`~llmd_infra.providers.openshift.kubeconfig`). It installs, all through OLM, the NFD and
NVIDIA GPU Operators, LWS through Red Hat's Leader Worker Set Operator (with the cert-manager Operator),
and for RDMA the NVIDIA Network Operator with its NetworkAttachmentDefinitions; the RDMA
SecurityContextConstraints; and on a self-managed cluster on AWS, GPU MachineSets with EFA, placement
groups and AWS's EFA device plugin.

The class annotations of ``OpenShiftCluster`` are the outputs of the ``llmd-infra`` package schema (the
SDK's analyzer reads them at run time), so this module does not use ``from __future__ import annotations``.
"""

from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar, cast

import pulumi
import pulumi_kubernetes as k8s
from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from llmd_infra import pins
from llmd_infra.addons import GatewayApiCrds, Kueue, NodeFeatureDiscovery, NvidiaGpuOperator, NvidiaNetworkOperator
from llmd_infra.addons.gpu_operator import NvidiaGpuOperatorArgs
from llmd_infra.addons.kueue import KueueArgs
from llmd_infra.addons.network_operator import NvidiaNetworkOperatorArgs
from llmd_infra.addons.nfd import NodeFeatureDiscoveryArgs
from llmd_infra.addons.wiring import addon_options, wants_kueue
from llmd_infra.config.addons import (
    GatewayApiCrdsConfig,
    GpuOperatorConfig,
    KueueConfig,
    LwsConfig,
    NetworkOperatorConfig,
    NfdConfig,
)
from llmd_infra.config.base import validate_model
from llmd_infra.config.stack import StackSettings
from llmd_infra.contract import CLUSTER_OUTPUTS, AcceleratorPoolSummary
from llmd_infra.errors import ConfigError, Problem
from llmd_infra.hosting import component_type
from llmd_infra.providers.openshift.args import OpenShiftClusterArgs
from llmd_infra.providers.openshift.catalog import GATEWAY_API_MANAGED_SINCE, LWS_OPERATOR_UPSTREAM
from llmd_infra.providers.openshift.config import OlmConfig, OpenShiftClusterConfig, openshift_kubernetes
from llmd_infra.providers.openshift.kubeconfig import resolve_kubeconfig
from llmd_infra.providers.openshift.machinesets import AcceleratorMachineSet
from llmd_infra.providers.openshift.operators import EfaDevicePlugin, LeaderWorkerSetOperator, RdmaSecurityContext
from llmd_infra.providers.openshift.topology import topology_pools

TYPE = "llmd-infra:openshift:OpenShiftCluster"
PLATFORM = "openshift"

class AddonSettings(NamedTuple):
    """The add-on settings an OpenShift cluster uses, validated."""

    lws: LwsConfig
    gateway_crds: GatewayApiCrdsConfig
    gpu_operator: GpuOperatorConfig
    network_operator: NetworkOperatorConfig
    nfd: NfdConfig
    kueue: KueueConfig


_ADDON_KEYS = AddonSettings._fields
M = TypeVar("M", bound=BaseModel)
_STACK_SECTIONS = {"gateway_crds": "gateway_api_crds"}
"""Component arg -> ``llmd-infra:addons`` section, where the names differ."""

Path = Callable[[str, str], str]
"""``(section, key) -> the config path of that key`` in the caller's terms (stack file or component args)."""


def manages_gateway_api(openshift_version: str) -> bool:
    """Whether this OpenShift release owns the Gateway API CRDs itself (4.19 and newer)."""
    major, minor = (int(p) for p in openshift_version.split(".")[:2])
    return major > 4 or minor >= GATEWAY_API_MANAGED_SINCE


def _operator_lws() -> str:
    """``operator 1.0 runs LWS 0.7.0`` — from the catalog's table."""
    runs = {op: tag.rsplit(" ", 1)[-1].removeprefix("v") for op, tag in LWS_OPERATOR_UPSTREAM.items()}
    return ", ".join(f"operator {op} runs LWS {lws}" for op, lws in runs.items())


def addon_problems(config: OpenShiftClusterConfig, addons: AddonSettings, path: Path) -> list[Problem]:
    """What OpenShift refuses in otherwise valid add-on settings, each at its key path."""
    problems: list[Problem] = []

    def refuse(section: str, key: str, why: str) -> None:
        problems.append(Problem(path(section, key), why))

    lws, gpu, net, nfd = addons.lws, addons.gpu_operator, addons.network_operator, addons.nfd
    gateway = addons.gateway_crds
    if lws.enabled and "version" in lws.model_fields_set:
        refuse(
            "lws", "version",
            "on OpenShift LWS comes from Red Hat's Leader Worker Set Operator, whose channel decides the LWS "
            f"version ({_operator_lws()}); pin it with llmd-infra:cluster.olm, remove this key",
        )
    if lws.enabled and lws.enable_disaggregated_set:
        refuse(
            "lws", "enable_disaggregated_set",
            f"Red Hat's Leader Worker Set Operator ({_operator_lws()}) has no DisaggregatedSet (LWS 0.11 and "
            "newer); remove this key",
        )
    for section, settings in (("gpu_operator", gpu), ("nfd", nfd)):
        if "platform" in settings.model_fields_set and settings.platform != PLATFORM:
            refuse(section, "platform", f"must be '{PLATFORM}' on this provider (or left out)")
    for section, chosen in (("gpu_operator", gpu), ("network_operator", net), ("nfd", nfd), ("kueue", addons.kueue)):
        if chosen.enabled is not False and "version" in chosen.model_fields_set:
            refuse(
                section, "version",
                "a Helm chart version, unused on OpenShift where OLM installs the operator; choose the channel "
                "(gpuOperator.olmChannel, llmd-infra:cluster.olm.channels) instead",
            )
    if net.enabled and net.nfd_enabled:
        refuse("network_operator", "nfd_enabled", "the chart's bundled NFD is not used on OpenShift; use nfd.enabled")
    if (gpu.enabled or net.enabled) and not nfd.enabled:
        refuse(
            "nfd", "enabled",
            "the NVIDIA GPU and Network Operators on OpenShift need the NFD operator's node labels; set "
            "nfd.enabled: true",
        )
    if (
        gateway.enabled
        and "install_gateway_api" in gateway.model_fields_set
        and gateway.install_gateway_api
        and manages_gateway_api(config.openshift_version)
    ):
        refuse(
            "gateway_crds", "install_gateway_api",
            f"OpenShift {config.openshift_version} owns the Gateway API CRDs (its Ingress Operator refuses other "
            f"writers from 4.{GATEWAY_API_MANAGED_SINCE}); only the GAIE CRDs are installed, remove this key",
        )
    return problems


def config_from_args(
    resource_name: str, args: OpenShiftClusterArgs, default_protect: bool = True
) -> tuple[OpenShiftClusterConfig, AddonSettings, bool]:
    """Validate component args with the stack-config models (raises ConfigError, registers nothing)."""
    skip = ("cluster_name", "protect", "kubeconfig", "kubeconfig_source", *_ADDON_KEYS)
    data: dict[str, Any] = {k: v for k, v in args.items() if k not in skip}
    data["provider"] = PLATFORM
    data["name"] = args.get("cluster_name", resource_name)
    if "kubeconfig_source" in args:
        data["kubeconfig"] = args["kubeconfig_source"]
    prefix = f"OpenShiftCluster {resource_name}:"
    config = validate_model(OpenShiftClusterConfig, data, prefix)
    raw = cast(dict[str, Any], args)

    def section(key: str, model: type[M]) -> M:
        return validate_model(model, dict(raw.get(key, {})), f"{prefix}{key}")

    addons = AddonSettings(
        lws=section("lws", LwsConfig),
        gateway_crds=section("gateway_crds", GatewayApiCrdsConfig),
        gpu_operator=section("gpu_operator", GpuOperatorConfig),
        network_operator=section("network_operator", NetworkOperatorConfig),
        nfd=section("nfd", NfdConfig),
        kueue=section("kueue", KueueConfig),
    )
    problems = addon_problems(config, addons, lambda section, key: f"{prefix}{section}.{key}")
    if problems:
        raise ConfigError(problems)
    return config, addons, bool(args.get("protect", default_protect))


def args_from_settings(settings: StackSettings) -> OpenShiftClusterArgs:
    """The component args equivalent to a validated stack configuration (its add-on rules checked first,
    so a mistake names the ``llmd-infra:addons`` key the user wrote)."""
    source = f"Pulumi.{pulumi.get_stack()}.yaml"
    addons = settings.addons
    # The refused sections (ADDONS) were reported by load_settings already.
    sections = {key: getattr(addons, _STACK_SECTIONS.get(key, key)) for key in _ADDON_KEYS}
    cluster = cast(OpenShiftClusterConfig, settings.cluster)
    problems = addon_problems(
        cluster,
        AddonSettings(**sections),
        lambda section, key: f"llmd-infra:addons.{to_camel(_STACK_SECTIONS.get(section, section))}.{to_camel(key)}",
    )
    if problems:
        raise ConfigError(problems, source)
    data = cluster.model_dump(exclude_none=True, exclude={"provider", "name", "kubeconfig"})
    data["cluster_name"] = cluster.name
    data["kubeconfig_source"] = cluster.kubeconfig.model_dump(exclude_none=True)
    for key, section in sections.items():
        # Only what the stack file set: the component tells an explicit choice from a default.
        data[key] = section.model_dump(exclude_unset=True)
    return cast(OpenShiftClusterArgs, data)


class OpenShiftCluster(pulumi.ComponentResource):
    """An existing OpenShift cluster made ready for llm-d (see the module docstring).

    ``system_pool`` is the cluster's Kubernetes provider: the cluster's own workers run the add-ons and
    already exist, so add-ons wait for the cluster API and never for a GPU MachineSet.
    """

    kubeconfig: pulumi.Output[str]
    """Kubeconfig of the cluster (a secret), as given or read from ``kubeconfig_source``."""
    cluster_name: pulumi.Output[str]
    """The ``cluster_name`` argument (default: the component's resource name)."""
    k8s_provider: k8s.Provider
    """Kubernetes provider of the cluster, for your own in-cluster resources; also what the operators wait
    for (the cluster's own workers run them)."""
    accelerator_pools: pulumi.Output[list[AcceleratorPoolSummary]]
    """The GPU MachineSets, described in requirement terms."""

    def __init__(self, name: str, args: OpenShiftClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        caller_protect = opts.protect if opts is not None and opts.protect is not None else True
        config, addons, protect = config_from_args(name, args, caller_protect)
        kubeconfig, context = resolve_kubeconfig(
            config.kubeconfig, f"OpenShiftCluster {name}:kubeconfig_source", args.get("kubeconfig")
        )
        self.config = config
        props = config.model_dump(by_alias=True, exclude_none=True, exclude={"provider"})
        props["kubernetesVersion"] = config.kubernetes_version()
        props["protect"] = protect
        super().__init__(component_type(TYPE), name, props, opts)
        child = pulumi.ResourceOptions(parent=self)

        # --- access -------------------------------------------------------------------------------
        self.kubeconfig = kubeconfig
        self.cluster_name = pulumi.Output.from_input(config.name)
        self.k8s_provider = k8s.Provider(
            f"{name}-k8s", k8s.ProviderArgs(kubeconfig=self.kubeconfig, context=context), opts=child
        )
        self.system_pool: pulumi.Resource = self.k8s_provider

        # --- GPU MachineSets (self-managed on AWS) -------------------------------------------------
        self.pools = [
            AcceleratorMachineSet(
                f"{name}-{pool.name}", pool, config, k8s_provider=self.k8s_provider, protect=protect, opts=child
            )
            for pool in config.accelerator_pools
        ]
        self.accelerator_pools = pulumi.Output.from_input([AcceleratorPoolSummary(**p.summary) for p in self.pools])

        # --- operators (wait for the cluster API only, never for a MachineSet) ---------------------
        addon_opts = addon_options(self, self.k8s_provider, self.system_pool)
        olm = config.olm
        self.nfd: NodeFeatureDiscovery | None = None
        if addons.nfd.enabled:
            nfd_args = {"platform": PLATFORM, "olm_channel": pins.NFD_OLM.version, **_olm_args(olm, "nfd")}
            self.nfd = NodeFeatureDiscovery(f"{name}-nfd", cast(NodeFeatureDiscoveryArgs, nfd_args), addon_opts)
        self.gpu_operator: NvidiaGpuOperator | None = None
        if addons.gpu_operator.enabled:
            gpu_args = {
                **addons.gpu_operator.model_dump(exclude={"enabled", "platform", "version", "nfd_enabled"}),
                "platform": PLATFORM,
                **_olm_args(olm, "gpu-operator-certified"),
            }
            self.gpu_operator = NvidiaGpuOperator(
                f"{name}-gpu-operator", cast(NvidiaGpuOperatorArgs, gpu_args), addon_opts
            )
        self.network_operator: NvidiaNetworkOperator | None = None
        if addons.network_operator.enabled:
            net_args = {
                **addons.network_operator.model_dump(exclude={"enabled", "version", "nfd_enabled"}),
                "platform": PLATFORM,
                **_olm_args(olm, "nvidia-network-operator"),
            }
            self.network_operator = NvidiaNetworkOperator(
                f"{name}-network-operator", cast(NvidiaNetworkOperatorArgs, net_args), addon_opts
            )
        self.lws: LeaderWorkerSetOperator | None = None
        if addons.lws.enabled:
            self.lws = LeaderWorkerSetOperator(
                f"{name}-lws",
                approval=olm.approval,
                starting_csvs=olm.starting_csv,
                channels=olm.channels,
                install_cert_manager=olm.install_cert_manager,
                protect=protect,
                opts=addon_opts,
            )
        self.kueue: Kueue | None = None
        pools = topology_pools(config)
        if wants_kueue(addons.kueue, pools):
            # The Red Hat build of Kueue needs the cert-manager Operator the LWS operator subscribes to.
            after = [self.system_pool, *([self.lws] if self.lws is not None else [])]
            kueue_args = {
                **addons.kueue.model_dump(exclude={"enabled", "version"}),
                "platform": PLATFORM,
                "pools": pools,
                "protect": protect,
                **_olm_args(olm, pins.KUEUE_OLM.chart),
            }
            self.kueue = Kueue(
                f"{name}-kueue",
                cast(KueueArgs, kueue_args),
                pulumi.ResourceOptions(parent=self, provider=self.k8s_provider, depends_on=after),
            )
        self.gateway_crds: GatewayApiCrds | None = None
        gateway = addons.gateway_crds
        install_gateway_api = gateway.install_gateway_api and not manages_gateway_api(config.openshift_version)
        if gateway.enabled and (install_gateway_api or gateway.install_inference_extension):
            self.gateway_crds = GatewayApiCrds(
                f"{name}-gateway-crds",
                {
                    "platform": PLATFORM,
                    "gateway_api_version": gateway.gateway_api_version,
                    "gaie_version": gateway.gaie_version,
                    "install_gateway_api": install_gateway_api,
                    "install_inference_extension": gateway.install_inference_extension,
                    "protect": protect,
                },
                addon_opts,
            )
        self.rdma_security: RdmaSecurityContext | None = None
        if config.uses_efa() or addons.network_operator.enabled:
            self.rdma_security = RdmaSecurityContext(
                f"{name}-rdma-scc",
                namespace_name=config.rdma_pods.namespace,
                service_accounts=config.rdma_pods.service_accounts,
                opts=addon_opts,
            )
        self.efa_device_plugin: EfaDevicePlugin | None = None
        if config.uses_efa():
            self.efa_device_plugin = EfaDevicePlugin(f"{name}-efa-device-plugin", addon_opts)

        kube = openshift_kubernetes(config.openshift_version)
        outputs: dict[str, Any] = {
            "kubeconfig": self.kubeconfig,
            "clusterName": self.cluster_name,
            "acceleratorPools": self.accelerator_pools,
            "openshiftVersion": config.openshift_version,
            "kubernetesVersion": kube.minor_str() if kube is not None else None,
        }
        assert set(CLUSTER_OUTPUTS) <= set(outputs)
        self.register_outputs(outputs)


def _olm_args(olm: OlmConfig, package: str) -> dict[str, str]:
    """An OLM add-on's ``olm_*`` args for ``package``: the stack's approval, its starting CSV and channel."""
    out: dict[str, str] = {"olm_approval": olm.approval}
    if package in olm.starting_csv:
        out["olm_starting_csv"] = olm.starting_csv[package]
    if package in olm.channels:
        out["olm_channel"] = olm.channels[package]
    return out


def cluster_from_config(settings: StackSettings, opts: pulumi.ResourceOptions | None = None) -> OpenShiftCluster:
    """The stack program's entry point: one ``OpenShiftCluster`` named after the configured cluster.

    The kubeconfig is resolved here first, so a missing one is reported at its stack key.
    """
    args = args_from_settings(settings)
    cluster = cast(OpenShiftClusterConfig, settings.cluster)
    kubeconfig, _ = resolve_kubeconfig(cluster.kubeconfig, "llmd-infra:cluster.kubeconfig")
    args["kubeconfig"] = kubeconfig
    args["protect"] = settings.protect_for(pulumi.get_stack())
    return OpenShiftCluster(cluster.name, args, opts)
