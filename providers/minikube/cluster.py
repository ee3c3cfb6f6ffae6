"""``MinikubeCluster``: a single-host GPU development cluster (llm-d's minikube path), on ``command.local``.

llm-d's CI built its GPU minikube with ``minikube start --driver docker --container-runtime docker --gpus
all --memory no-limit`` on a g6.12xlarge (``.github/workflows/e2e-accelerator-test.yaml`` @c50d7f9 in
llm-d/llm-d); llm-d's minikube page asks for a host like g6e.12xlarge and gives the container-toolkit
checks (``docs/infra-providers/minikube/README.md``). This component runs the same start, with a pinned
Kubernetes version, on a named profile, with the profile's own kubeconfig.

The class annotations of ``MinikubeCluster`` are the outputs of the ``llmd-infra`` package schema (the
SDK's analyzer reads them at run time), so this module does not use ``from __future__ import annotations``.
"""

from typing import Any, cast

import pulumi
import pulumi_command as command
import pulumi_kubernetes as k8s

from llmd_infra.addons import GatewayApiCrds, LeaderWorkerSet
from llmd_infra.addons.wiring import addon_options, install_shared_addons
from llmd_infra.catalog.types import RdmaKind
from llmd_infra.config.addons import GatewayApiCrdsConfig, LwsConfig
from llmd_infra.config.base import validate_model
from llmd_infra.config.stack import StackSettings
from llmd_infra.contract import CLUSTER_OUTPUTS, AcceleratorPoolSummary
from llmd_infra.hosting import component_type
from llmd_infra.providers.minikube.args import MinikubeClusterArgs
from llmd_infra.providers.minikube.catalog import HOST
from llmd_infra.providers.minikube.commands import (
    PREREQUISITES,
    delete_command,
    prerequisites_environment,
    start_command,
    start_triggers,
)
from llmd_infra.providers.minikube.config import MinikubeClusterConfig
from llmd_infra.providers.minikube.host import is_downgrade, kubeconfig_file, recorded_kubernetes_version
from llmd_infra.providers.minikube.kubeconfig import profile_kubeconfig

TYPE = "llmd-infra:minikube:MinikubeCluster"
MACHINE_TYPE = HOST
"""``machineType`` of the accelerator pool summary: the node is the minikube container on the host (the
catalog's one row, whose host facts are unknown)."""

_ADDON_KEYS = ("lws", "gateway_crds")


def config_from_args(
    resource_name: str, args: MinikubeClusterArgs, default_protect: bool = False
) -> tuple[MinikubeClusterConfig, LwsConfig, GatewayApiCrdsConfig, bool]:
    """Validate component args with the stack-config models (raises ConfigError, registers nothing).

    ``protect`` is ``args["protect"]``, else ``default_protect`` (the caller's ``opts.protect``, else false).
    """
    data: dict[str, Any] = {k: v for k, v in args.items() if k not in ("profile", "protect", *_ADDON_KEYS)}
    data["provider"] = "minikube"
    data["name"] = args.get("profile", resource_name)
    prefix = f"MinikubeCluster {resource_name}:"
    config = validate_model(MinikubeClusterConfig, data, prefix)
    lws = validate_model(LwsConfig, dict(args.get("lws", {})), f"{prefix}lws")
    gateway = validate_model(GatewayApiCrdsConfig, dict(args.get("gateway_crds", {})), f"{prefix}gateway_crds")
    return config, lws, gateway, bool(args.get("protect", default_protect))


def args_from_settings(settings: StackSettings) -> MinikubeClusterArgs:
    """The component args equivalent to a validated stack configuration."""
    cluster = cast(MinikubeClusterConfig, settings.cluster)
    data = cluster.model_dump(exclude_none=True, exclude={"provider", "name"})
    data["profile"] = cluster.name
    addons = settings.addons  # sections the room refuses (config.ADDONS) were rejected when the settings loaded
    data["lws"] = addons.lws.model_dump()
    data["gateway_crds"] = addons.gateway_api_crds.model_dump()
    return cast(MinikubeClusterArgs, data)


def accelerator_summary(config: MinikubeClusterConfig) -> AcceleratorPoolSummary:
    """The one node, in requirement terms: the declared GPUs, one host, no inter-host interconnect."""
    return {
        "name": config.name,
        "machineType": MACHINE_TYPE,
        "accelerator": config.accelerator,
        "acceleratorsPerNode": config.accelerator_count,
        "minNodes": 1,
        "maxNodes": 1,
        "autoscaling": False,
        "multiHost": False,
        "interconnect": RdmaKind.NONE.value,
        "zones": [],
    }


class MinikubeCluster(pulumi.ComponentResource):
    """A minikube profile on this host with its NVIDIA GPUs, a kubeconfig of its own, LWS and the Gateway
    API / GAIE CRDs.

    Children (all ``command.local.Command`` but the Kubernetes provider and the add-ons):

    * ``<name>-prerequisites`` checks minikube, docker, kubectl, the NVIDIA driver and Container Toolkit,
      ``bpf_jit_harden`` and the declared GPU count; it names what is missing and how to install it.
    * ``<name>-profile`` runs ``minikube start`` (create and update) and ``minikube delete`` (delete). Its
      ``triggers`` hold what minikube cannot change on an existing profile (profile, driver, runtime,
      GPUs, CPUs, memory): a change replaces the profile, delete before create (the name is reused). A
      newer Kubernetes version only changes ``create``: the update re-runs ``minikube start``, which
      upgrades in place. An older one is a downgrade minikube refuses, so when minikube's record of the
      profile says the configured version goes down, the command gets ``replace_on_changes=["create"]``
      and the preview shows a replacement (delete, then start) instead of an update that would fail.
    * ``<name>-kubeconfig`` writes and prints the flattened kubeconfig (a secret).

    Satisfies :class:`llmd_infra.contract.LlmdCluster`; ``system_pool`` is the profile (one node).
    """

    kubeconfig: pulumi.Output[str]
    """The profile's flattened kubeconfig (a secret; its context is the profile)."""
    cluster_name: pulumi.Output[str]
    """The minikube profile."""
    k8s_provider: k8s.Provider
    """Kubernetes provider for your own in-cluster resources (replaced exactly when the profile is)."""
    accelerator_pools: pulumi.Output[list[AcceleratorPoolSummary]]
    """The host's GPUs as one pool, described in requirement terms."""

    protected_by_default = False
    """A minikube profile is disposable: built from another language without the ``protect`` option, it
    stays unprotected, as in Python (read by :mod:`llmd_infra.component_provider`; not an output)."""

    def __init__(self, name: str, args: MinikubeClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        caller_protect = opts.protect if opts is not None and opts.protect is not None else False
        config, lws, gateway, protect = config_from_args(name, args, caller_protect)
        recorded = recorded_kubernetes_version(config.name)
        downgrade = is_downgrade(config.kubernetes_version, recorded)
        self.config = config
        props = config.model_dump(by_alias=True, exclude={"provider"})
        props["protect"] = protect
        super().__init__(component_type(TYPE), name, props, opts)
        child = pulumi.ResourceOptions(parent=self)
        start = start_command(config)

        self.prerequisites = command.local.Command(
            f"{name}-prerequisites",
            command.local.CommandArgs(
                create=PREREQUISITES, environment=prerequisites_environment(config), triggers=[start]
            ),
            opts=child,
        )
        if downgrade:
            pulumi.log.warn(
                f"minikube profile '{config.name}' runs Kubernetes {recorded} and the stack asks for "
                f"{config.kubernetes_version}; minikube cannot downgrade in place, so the profile is replaced "
                "(minikube delete, then minikube start): everything in the cluster is lost",
                resource=self,
            )
        self.profile = command.local.Command(
            f"{name}-profile",
            command.local.CommandArgs(
                create=start,
                update=start,
                delete=delete_command(config.name),
                triggers=start_triggers(config),
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[self.prerequisites],
                protect=protect,
                delete_before_replace=True,
                replace_on_changes=["create"] if downgrade else None,
            ),
        )
        self.system_pool: pulumi.Resource = self.profile
        self.kubeconfig_command, self.kubeconfig = profile_kubeconfig(name, config.name, self.profile, start, self)
        self.kubeconfig_path = kubeconfig_file(config.name)
        """Where the kubeconfig file is, as the shell writes it (``$HOME/...``); not an output: the policy
        pack treats every output named like a kubeconfig as one, and a path is no secret."""
        self.cluster_name = pulumi.Output.from_input(config.name)
        self.accelerator_pools = pulumi.Output.from_input([accelerator_summary(config)])
        # The provider is replaced exactly when the profile is (a new id): everything it manages is then
        # re-created in the new, empty cluster instead of being assumed present. A profile removed outside
        # Pulumi (minikube delete) is unreachable; its objects then leave the state instead of blocking it.
        self.k8s_provider = k8s.Provider(
            f"{name}-k8s",
            k8s.ProviderArgs(kubeconfig=self.kubeconfig, cluster_identifier=self.profile.id, delete_unreachable=True),
            opts=child,
        )

        # --- add-ons (after the profile; the only node carries the GPUs) -----------------------------
        self.lws: LeaderWorkerSet | None
        self.gateway_crds: GatewayApiCrds | None
        self.lws, self.gateway_crds, _ = install_shared_addons(
            name,
            lws=lws,
            gateway_crds=gateway,
            platform="minikube",
            protect=protect,
            opts=addon_options(self, self.k8s_provider, self.system_pool),
            cluster_version=config.kubernetes_version,
        )

        outputs: dict[str, Any] = {
            "kubeconfig": self.kubeconfig,
            "clusterName": self.cluster_name,
            "acceleratorPools": self.accelerator_pools,
        }
        assert set(CLUSTER_OUTPUTS) <= set(outputs)
        self.register_outputs(outputs)


def cluster_from_config(settings: StackSettings, opts: pulumi.ResourceOptions | None = None) -> MinikubeCluster:
    """The stack program's entry point: one ``MinikubeCluster`` named after the configured profile."""
    args = args_from_settings(settings)
    args["protect"] = settings.protect_for(pulumi.get_stack())
    return MinikubeCluster(cast(MinikubeClusterConfig, settings.cluster).name, args, opts)


__all__ = ["MACHINE_TYPE", "TYPE", "MinikubeCluster", "accelerator_summary", "cluster_from_config"]
