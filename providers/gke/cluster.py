"""``GkeCluster``: a secure-by-default GKE Standard cluster that meets llm-d's prerequisites.

The class annotations of ``GkeCluster`` are the outputs of the ``llmd-infra`` package schema (the
SDK's analyzer reads them at run time), so this module does not use ``from __future__ import annotations``.
"""

from collections.abc import Callable
from typing import Any, NamedTuple, cast

import pulumi
from pydantic.alias_generators import to_snake

from llmd_infra.addons import NvidiaDraDriver
from llmd_infra.addons.dra import Toleration
from llmd_infra.addons.sdk import k8s
from llmd_infra.addons.wiring import addon_options, install_shared_addons
from llmd_infra.config.addons import DraDriverConfig, GatewayApiCrdsConfig, KueueConfig, LwsConfig
from llmd_infra.config.base import LlmdModel, alias_of, validate_args
from llmd_infra.config.stack import StackSettings
from llmd_infra.contract import CLUSTER_OUTPUTS, AcceleratorPoolSummary
from llmd_infra.errors import ConfigError, Problem
from llmd_infra.hosting import component_type
from llmd_infra.providers.gke.args import GkeClusterArgs
from llmd_infra.providers.gke.config import (
    GKE_SERVICE_AGENT,
    KMS_ENCRYPTER_DECRYPTER_ROLE,
    PROJECT_MESSAGE,
    GkeClusterConfig,
)
from llmd_infra.providers.gke.driver_installer import CosNvidiaDriverInstaller
from llmd_infra.providers.gke.kubeconfig import kubeconfig_output
from llmd_infra.providers.gke.network import PODS_RANGE, SERVICES_RANGE, ClusterNetwork, RdmaNetwork
from llmd_infra.providers.gke.platform import MANAGED_GATEWAY_CRDS_SINCE
from llmd_infra.providers.gke.pools import IMAGE_TYPE, OAUTH_SCOPES, AcceleratorPool, SystemPool
from llmd_infra.providers.gke.sdk import gcp
from llmd_infra.providers.gke.topology import topology_pools

TYPE = "llmd-infra:gke:GkeCluster"
NODE_SA_ROLES = ("roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader")
"""Least privilege for nodes (CIS GKE 5.2.1: not the Compute Engine default service account)."""
MANAGED_BY_LABEL = {"managed-by": "llmd-infra"}


def _account_id(cluster_name: str) -> str:
    base = f"{cluster_name[:24].rstrip('-')}-nodes"
    return base if len(base) >= 6 else f"{base}-sa"


DEFAULT_MAINTENANCE_START = "09:00"
"""Daily maintenance window start (GMT) when exclusions are set and no start is given: Cluster Toolkit's
default (modules/scheduler/gke-cluster/variables.tf @1047080, ``maintenance_start_time``)."""

ARM64_TOLERATION: Toleration = {
    "key": "kubernetes.io/arch", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"
}
"""GKE taints Arm nodes ``kubernetes.io/arch=arm64:NoSchedule``; the NVIDIA DRA driver's kubelet plugin
tolerates it where GPUs of an Arm pool come through DRA (Cluster Toolkit's A4X values,
modules/management/kubectl-apply/main.tf @1047080)."""
GPU_TOLERATION: Toleration = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}


def maintenance_policy(config: GkeClusterConfig) -> gcp.container.ClusterMaintenancePolicyArgs | None:
    """The cluster's maintenance policy: a daily window plus the configured exclusions (none without them)."""
    if not config.maintenance_exclusions and config.maintenance_start_time is None:
        return None
    return gcp.container.ClusterMaintenancePolicyArgs(
        daily_maintenance_window=gcp.container.ClusterMaintenancePolicyDailyMaintenanceWindowArgs(
            start_time=config.maintenance_start_time or DEFAULT_MAINTENANCE_START
        ),
        maintenance_exclusions=[
            gcp.container.ClusterMaintenancePolicyMaintenanceExclusionArgs(
                exclusion_name=e.name,
                start_time=e.start_time,
                end_time=e.end_time,
                exclusion_options=gcp.container.ClusterMaintenancePolicyMaintenanceExclusionExclusionOptionsArgs(
                    scope=e.scope, end_time_behavior=None if e.end_time else "UNTIL_END_OF_SUPPORT"
                ),
            )
            for e in config.maintenance_exclusions
        ]
        or None,
    )


def database_encryption(config: GkeClusterConfig) -> gcp.container.ClusterDatabaseEncryptionArgs | None:
    """Secrets encrypted with the configured Cloud KMS key; without one, GKE's default (Google-managed
    encryption) is left as it is, so encryption set up outside this program is never turned off."""
    if config.secrets_encryption is None:
        return None
    return gcp.container.ClusterDatabaseEncryptionArgs(
        state="ENCRYPTED", key_name=config.secrets_encryption.kms_key_name
    )


def gke_service_agent_member(project_number: str) -> str:
    """IAM member of the GKE service agent of the project numbered ``project_number``."""
    return f"serviceAccount:{GKE_SERVICE_AGENT.format(project_number=project_number)}"


def resolve_project(config: GkeClusterConfig, path: str) -> str:
    """The project: ``project`` of the config, else ``gcp:project``; ConfigError when neither is set."""
    project = config.project or gcp.config.project
    if not project:
        raise ConfigError([Problem(path, PROJECT_MESSAGE)])
    return project


class AddonSettings(NamedTuple):
    """The add-on settings a GKE cluster uses, validated."""

    lws: LwsConfig
    gateway_crds: GatewayApiCrdsConfig
    dra_driver: DraDriverConfig
    kueue: KueueConfig


_ADDON_KEYS = ("lws", "gateway_crds", "dra_driver", "kueue")

def addon_problems(
    config: GkeClusterConfig, gateway: GatewayApiCrdsConfig, dra: DraDriverConfig, key: Callable[[str, str], str]
) -> list[Problem]:
    """Add-on settings this cluster would ignore, refused: the DRA driver is installed exactly when a
    pool uses ``rdma: dranet``, the Gateway CRD bundles exactly when the GKE version lacks them.

    ``key(section, field)`` names a setting (camelCase in stack files, snake_case in component args).
    """
    problems: list[Problem] = []
    dranet = config.uses_rdma("dranet")
    dra_set = dra.model_fields_set
    if "enabled" in dra_set and dra.enabled != dranet:
        why = (
            "an accelerator pool uses rdma: dranet, which needs the NVIDIA DRA driver (GKE's own driver "
            "installation is off on that path)"
            if dranet
            else "the gke provider installs the NVIDIA DRA driver only for accelerator pools with rdma: dranet, "
            "and none has it"
        )
        problems.append(Problem(key("draDriver", "enabled"), f"has no effect: {why}; remove this key"))
    if not dranet and (dra.enabled or "enabled" not in dra_set):
        for name in sorted(dra_set - {"enabled"}):
            problems.append(Problem(
                key("draDriver", name),
                "has no effect: no accelerator pool uses rdma: dranet (the only path on which the gke provider "
                "installs the NVIDIA DRA driver); remove this key",
            ))
    if not config.needs_gateway_crds() and (gateway.enabled or "enabled" not in gateway.model_fields_set):
        version = key("cluster", "kubernetesVersion")
        cluster = (f"{version} is {config.kubernetes_version}" if config.kubernetes_version
                   else f"{version} is unset (the release channel's versions are newer)")
        for name in sorted(gateway.model_fields_set):
            problems.append(Problem(
                key("gatewayApiCrds", name),
                f"has no effect: GKE installs the Gateway API and Inference Extension CRDs itself from "
                f"{MANAGED_GATEWAY_CRDS_SINCE} and {cluster}; remove this key",
            ))
    return problems


def config_from_args(
    resource_name: str, args: GkeClusterArgs, default_protect: bool = True
) -> tuple[GkeClusterConfig, AddonSettings, bool]:
    """Validate component args with the stack-config models (raises ConfigError, registers nothing).

    ``protect`` is ``args["protect"]``, else ``default_protect`` (the caller's ``opts.protect``, else true).
    Problems name keys in snake_case, as the program author wrote them.
    """
    skip = ("cluster_name", "protect", *_ADDON_KEYS)
    data: dict[str, Any] = {k: v for k, v in args.items() if k not in skip}
    data["provider"] = "gke"
    data["name"] = args.get("cluster_name", resource_name)
    prefix = f"GkeCluster {resource_name}:"
    config = validate_args(GkeClusterConfig, data, prefix)
    addons = AddonSettings(
        lws=validate_args(LwsConfig, dict(args.get("lws", {})), f"{prefix}lws"),
        gateway_crds=validate_args(GatewayApiCrdsConfig, dict(args.get("gateway_crds", {})), f"{prefix}gateway_crds"),
        dra_driver=validate_args(DraDriverConfig, dict(args.get("dra_driver", {})), f"{prefix}dra_driver"),
        kueue=validate_args(KueueConfig, dict(args.get("kueue", {})), f"{prefix}kueue"),
    )
    sections = {"draDriver": "dra_driver", "gatewayApiCrds": "gateway_crds", "cluster": ""}
    problems = addon_problems(
        config, addons.gateway_crds, addons.dra_driver,
        lambda section, name: f"{prefix}{sections[section]}{'.' if sections[section] else ''}{to_snake(name)}",
    )
    if problems:
        raise ConfigError(problems)
    return config, addons, bool(args.get("protect", default_protect))


def args_from_settings(settings: StackSettings) -> GkeClusterArgs:
    """The component args equivalent to a validated stack configuration."""
    data = settings.cluster.model_dump(exclude_unset=True, exclude_none=True, exclude={"provider", "name"})
    data["cluster_name"] = settings.cluster.name
    addons = settings.addons
    assert isinstance(settings.cluster, GkeClusterConfig)  # the registry picked this room by provider
    models: dict[str, type[LlmdModel]] = {"draDriver": DraDriverConfig, "gatewayApiCrds": GatewayApiCrdsConfig}
    unused = addon_problems(
        settings.cluster, addons.gateway_api_crds, addons.dra_driver,
        lambda section, name: (
            f"llmd-infra:cluster.{name}" if section == "cluster"
            else f"llmd-infra:addons.{section}.{alias_of(models[section], name)}"
        ),
    )
    if unused:
        raise ConfigError(unused, f"Pulumi.{pulumi.get_stack()}.yaml")
    # Only what the stack file sets: the component applies the same defaults, and refuses settings
    # that would have no effect exactly as the stack file's validation does.
    data["lws"] = addons.lws.model_dump(exclude_unset=True)
    data["gateway_crds"] = addons.gateway_api_crds.model_dump(exclude_unset=True)
    data["dra_driver"] = addons.dra_driver.model_dump(exclude_unset=True)
    data["kueue"] = addons.kueue.model_dump(exclude_unset=True, exclude_none=True)
    return cast(GkeClusterArgs, data)


class GkeCluster(pulumi.ComponentResource):
    """A GKE cluster for llm-d: private nodes, Dataplane V2, Workload Identity, shielded COS nodes,
    Gateway API and Managed Prometheus, a CPU system pool, GPU/TPU pools (DRANET or manual
    multi-network RDMA, compact multi-host placement, TPU slices) and the add-ons llm-d needs.

    Satisfies :class:`llmd_infra.contract.LlmdCluster`.
    """

    kubeconfig: pulumi.Output[str]
    """Kubeconfig of the cluster (a secret), authenticating with ``gke-gcloud-auth-plugin``."""
    cluster_name: pulumi.Output[str]
    """GKE cluster name."""
    k8s_provider: k8s.Provider
    """Kubernetes provider for your own in-cluster resources (depends only on the cluster API)."""
    system_node_pool: gcp.container.NodePool
    """The CPU system pool's node pool: what in-cluster resources wait for (never an accelerator pool)."""
    accelerator_pools: pulumi.Output[list[AcceleratorPoolSummary]]
    """The accelerator pools, described in requirement terms."""

    def __init__(self, name: str, args: GkeClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # A caller's opts.protect is the default for the cluster and the accelerator pools, which set
        # protect explicitly (an explicit child option would otherwise shadow the inherited one).
        caller_protect = opts.protect if opts is not None and opts.protect is not None else True
        config, addons, protect = config_from_args(name, args, caller_protect)
        lws = addons.lws
        project_arg = resolve_project(config, f"GkeCluster {name}:project")
        self.config = config
        props = config.model_dump(by_alias=True, exclude_none=True, exclude={"provider"})
        props["protect"] = protect
        super().__init__(component_type(TYPE), name, props, opts)
        child = pulumi.ResourceOptions(parent=self)

        project: pulumi.Output[str] = pulumi.Output.from_input(project_arg)
        labels = {**MANAGED_BY_LABEL, **config.labels}

        # --- networks -----------------------------------------------------------------------------
        network: pulumi.Input[str]
        subnetwork: pulumi.Input[str]
        pods_range, services_range = PODS_RANGE, SERVICES_RANGE
        self.network: ClusterNetwork | None = None
        if config.network.existing is None:
            self.network = ClusterNetwork(f"{name}-network", config, project_arg, child)
            network, subnetwork = self.network.vpc.id, self.network.subnet.id
        else:
            existing = config.network.existing
            network, subnetwork = existing.network, existing.subnetwork
            pods_range, services_range = existing.pods_range_name, existing.services_range_name
        self.rdma_network: RdmaNetwork | None = None
        if config.uses_rdma("multi-network"):
            self.rdma_network = RdmaNetwork(f"{name}-rdma", config, project, child)

        # --- node identity ------------------------------------------------------------------------
        self.node_service_account = gcp.serviceaccount.Account(
            f"{name}-nodes-sa",
            gcp.serviceaccount.AccountArgs(
                account_id=_account_id(config.name),
                project=project_arg,
                display_name=f"GKE nodes of {config.name} (llmd-infra)",
            ),
            opts=child,
        )
        sa_member = self.node_service_account.email.apply(lambda e: f"serviceAccount:{e}")
        self.node_roles = [
            gcp.projects.IAMMember(
                f"{name}-nodes-sa-{role.split('/')[1].replace('.', '-').lower()}",
                gcp.projects.IAMMemberArgs(project=project, role=role, member=sa_member),
                opts=child,
            )
            for role in NODE_SA_ROLES
        ]
        # The email of a user-managed service account is derived from its id and project, so pools can
        # name it in preview (a computed output would leave the node-service-account policy unable to
        # run). The cluster waits for the roles, and the roles for the account, so ordering is kept.
        sa_email = f"{_account_id(config.name)}@{project_arg}.iam.gserviceaccount.com"

        # --- Secrets encryption key access (only when asked: the key is usually another team's) -------
        self.kms_binding: gcp.kms.CryptoKeyIAMMember | None = None
        encryption = config.secrets_encryption
        if encryption is not None and encryption.create_kms_binding:
            number = gcp.organizations.get_project_output(
                project_id=project_arg, opts=pulumi.InvokeOutputOptions(parent=self)
            ).number
            # A non-authoritative member: other grants on the key are left alone. Protected like the
            # cluster: without it GKE can no longer decrypt the cluster's Secrets.
            self.kms_binding = gcp.kms.CryptoKeyIAMMember(
                f"{name}-secrets-kms",
                gcp.kms.CryptoKeyIAMMemberArgs(
                    crypto_key_id=encryption.kms_key_name,
                    role=KMS_ENCRYPTER_DECRYPTER_ROLE,
                    member=number.apply(gke_service_agent_member),
                ),
                opts=pulumi.ResourceOptions(parent=self, protect=protect),
            )

        # --- cluster ------------------------------------------------------------------------------
        net = config.network
        deletion_protection = protect if config.deletion_protection is None else config.deletion_protection
        self.cluster = gcp.container.Cluster(
            f"{name}-cluster",
            gcp.container.ClusterArgs(
                name=config.name,
                project=project_arg,
                location=config.region,
                node_locations=config.zones,
                description="llm-d cluster (llmd-infra)",
                resource_labels=labels,
                deletion_protection=deletion_protection,
                release_channel=gcp.container.ClusterReleaseChannelArgs(channel=config.release_channel),
                min_master_version=config.kubernetes_version,
                # The default pool only exists while the cluster is created; it is removed for the
                # pools below. Give it the same hardened node settings while it lives.
                remove_default_node_pool=True,
                initial_node_count=1,
                node_config=gcp.container.ClusterNodeConfigArgs(
                    image_type=IMAGE_TYPE,
                    service_account=sa_email,
                    oauth_scopes=OAUTH_SCOPES,
                    shielded_instance_config=gcp.container.ClusterNodeConfigShieldedInstanceConfigArgs(
                        enable_secure_boot=True, enable_integrity_monitoring=True
                    ),
                    workload_metadata_config=gcp.container.ClusterNodeConfigWorkloadMetadataConfigArgs(
                        mode="GKE_METADATA"
                    ),
                ),
                network=network,
                subnetwork=subnetwork,
                networking_mode="VPC_NATIVE",
                ip_allocation_policy=gcp.container.ClusterIpAllocationPolicyArgs(
                    cluster_secondary_range_name=pods_range, services_secondary_range_name=services_range
                ),
                datapath_provider="ADVANCED_DATAPATH",
                enable_multi_networking=True if config.uses_rdma("multi-network") else None,
                enable_intranode_visibility=True,
                private_cluster_config=gcp.container.ClusterPrivateClusterConfigArgs(
                    enable_private_nodes=True,
                    enable_private_endpoint=net.private_endpoint,
                    master_ipv4_cidr_block=net.master_cidr,
                    master_global_access_config=gcp.container.ClusterPrivateClusterConfigMasterGlobalAccessConfigArgs(
                        enabled=True
                    ),
                ),
                master_authorized_networks_config=gcp.container.ClusterMasterAuthorizedNetworksConfigArgs(
                    cidr_blocks=[
                        gcp.container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(
                            cidr_block=n.cidr, display_name=n.name or n.cidr
                        )
                        for n in net.master_authorized_networks
                    ],
                    gcp_public_cidrs_access_enabled=False,
                ),
                master_auth=gcp.container.ClusterMasterAuthArgs(
                    client_certificate_config=gcp.container.ClusterMasterAuthClientCertificateConfigArgs(
                        issue_client_certificate=False
                    )
                ),
                enable_legacy_abac=False,
                enable_shielded_nodes=True,
                enable_kubernetes_alpha=False,
                workload_identity_config=gcp.container.ClusterWorkloadIdentityConfigArgs(
                    workload_pool=project.apply(lambda p: f"{p}.svc.id.goog")
                ),
                gateway_api_config=gcp.container.ClusterGatewayApiConfigArgs(channel="CHANNEL_STANDARD"),
                addons_config=gcp.container.ClusterAddonsConfigArgs(
                    http_load_balancing=gcp.container.ClusterAddonsConfigHttpLoadBalancingArgs(disabled=False),
                    horizontal_pod_autoscaling=gcp.container.ClusterAddonsConfigHorizontalPodAutoscalingArgs(
                        disabled=False
                    ),
                    gce_persistent_disk_csi_driver_config=(
                        gcp.container.ClusterAddonsConfigGcePersistentDiskCsiDriverConfigArgs(enabled=True)
                    ),
                    gcs_fuse_csi_driver_config=gcp.container.ClusterAddonsConfigGcsFuseCsiDriverConfigArgs(
                        enabled=True
                    ),
                ),
                logging_config=gcp.container.ClusterLoggingConfigArgs(
                    enable_components=["SYSTEM_COMPONENTS", "WORKLOADS"]
                ),
                monitoring_config=gcp.container.ClusterMonitoringConfigArgs(
                    enable_components=["SYSTEM_COMPONENTS"],
                    managed_prometheus=gcp.container.ClusterMonitoringConfigManagedPrometheusArgs(
                        enabled=True,
                        auto_monitoring_config=(
                            gcp.container.ClusterMonitoringConfigManagedPrometheusAutoMonitoringConfigArgs(
                                scope="ALL"
                            )
                        ),
                    ),
                ),
                security_posture_config=gcp.container.ClusterSecurityPostureConfigArgs(mode="BASIC"),
                maintenance_policy=maintenance_policy(config),
                # Enforce the project's Binary Authorization policy (CIS GKE 5.1.4); the project's policy
                # must admit llm-d's images (README "Binary Authorization").
                binary_authorization=gcp.container.ClusterBinaryAuthorizationArgs(
                    evaluation_mode=config.binary_authorization.evaluation_mode
                ),
                # Application-layer Secrets encryption with the user's Cloud KMS key (CIS GKE 5.3.1).
                database_encryption=database_encryption(config),
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=protect,
                # The GKE service agent must be able to use the key when the cluster is created.
                depends_on=[*self.node_roles, *([self.kms_binding] if self.kms_binding else [])],
                # The removed default pool's settings read back empty; they never drive a replacement.
                ignore_changes=["nodeConfig", "initialNodeCount"],
            ),
        )

        # --- pools --------------------------------------------------------------------------------
        self.system = SystemPool(f"{name}-system", config, self.cluster, sa_email, project_arg, child)
        # Annotated here, not on the class: a class annotation would be a schema output, and a schema
        # cannot type "any resource" (cross-language programs get ``system_node_pool``).
        self.system_pool: pulumi.Resource = self.system
        self.system_node_pool = self.system.node_pool
        self.pools = [
            AcceleratorPool(
                f"{name}-{pool.name}",
                pool,
                config,
                self.cluster,
                sa_email,
                project_arg,
                self.rdma_network,
                protect,
                child,
            )
            for pool in config.accelerator_pools
        ]
        summaries = [p.summary for p in self.pools]

        # --- access -------------------------------------------------------------------------------
        self.cluster_name = self.cluster.name
        self.kubeconfig = kubeconfig_output(
            project,
            self.cluster.location.apply(lambda loc: loc or config.region),
            self.cluster.name,
            self.cluster.endpoint,
            self.cluster.master_auth.cluster_ca_certificate.apply(lambda ca: ca or ""),
        )
        self.k8s_provider = k8s.Provider(
            f"{name}-k8s", k8s.ProviderArgs(kubeconfig=self.kubeconfig), opts=child
        )
        self.accelerator_pools = pulumi.Output.from_input(summaries)

        # --- add-ons (wait for the system pool, never for an accelerator pool) ----------------------
        addon_opts = addon_options(self, self.k8s_provider, self.system_pool)
        self.lws, self.gateway_crds, self.kueue = install_shared_addons(
            name,
            lws=lws,
            gateway_crds=addons.gateway_crds,
            platform="gke",
            protect=protect,
            opts=addon_opts,
            cluster_version=config.kubernetes_version or "",
            gateway_crds_needed=config.needs_gateway_crds(),
            kueue=addons.kueue,
            topology=topology_pools(config),
        )
        self.nvidia_driver: CosNvidiaDriverInstaller | None = None
        self.dra_driver: NvidiaDraDriver | None = None
        dra_pools = [p for p in config.accelerator_pools if p.dra_gpus()]
        if dra_pools:
            # llm-d's DRA path: GKE's driver installation is disabled on the pool, the COS installer
            # DaemonSet loads the driver, and the NVIDIA DRA driver publishes gpu.nvidia.com devices.
            # A4X pools on DRANET keep GKE's driver and device plugin (NICs only), so they need neither.
            if addons.dra_driver.cos_driver_installer:
                self.nvidia_driver = CosNvidiaDriverInstaller(f"{name}-nvidia-driver", {}, addon_opts)
            tolerations: list[Toleration] = [GPU_TOLERATION]
            if any(p.machine().is_arm for p in dra_pools):
                tolerations.append(ARM64_TOLERATION)
            self.dra_driver = NvidiaDraDriver(
                f"{name}-nvidia-dra",
                {"version": addons.dra_driver.version, "kubelet_plugin_tolerations": tolerations},
                addon_opts,
            )
        if self.rdma_network is not None:
            self.rdma_network.add_network_objects(self.k8s_provider, [self.system_pool])

        outputs: dict[str, Any] = {
            "kubeconfig": self.kubeconfig,
            "clusterName": self.cluster_name,
            "acceleratorPools": self.accelerator_pools,
            "systemPool": self.system.node_pool.name,
        }
        assert set(CLUSTER_OUTPUTS) <= set(outputs)
        self.register_outputs(outputs)


def cluster_from_config(settings: StackSettings, opts: pulumi.ResourceOptions | None = None) -> GkeCluster:
    """The stack program's entry point: one ``GkeCluster`` named after the configured cluster."""
    assert isinstance(settings.cluster, GkeClusterConfig)  # the registry picked this room by provider
    resolve_project(settings.cluster, "llmd-infra:cluster.project")
    args = args_from_settings(settings)
    args["protect"] = settings.protect_for(pulumi.get_stack())
    return GkeCluster(settings.cluster.name, args, opts)
