"""GKE, DOKS and stack-wide security/reliability policies on RAW programs: exact verdicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_digitalocean as do
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s
import pytest

from llmd_infra.plan.analyze import analyze_plan
from llmd_infra.plan.engine import run_callable
from llmd_infra.policy.pack import ALL_POLICIES, SECURITY_POLICIES

GKE = gcp.container
SECURITY_IDS = {p.name for p in SECURITY_POLICIES}
PROTECT = pulumi.ResourceOptions(protect=True)


class Unordered(list[tuple[str, str, str, str]]):
    """Verdicts compared without order: resources register concurrently, so their order varies."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, list) and sorted(self) == sorted(other)

    __hash__ = None  # type: ignore[assignment]


def verdicts(program: Callable[[], None], config: dict[str, Any] | None = None) -> list[tuple[str, str, str, str]]:
    analysis = analyze_plan(run_callable(program), config)
    return Unordered(
        (v.policy, v.enforcement, v.urn.rsplit("::", 1)[-1] if v.urn else "", v.message)
        for v in analysis.violations
        if v.policy in SECURITY_IDS
    )


def node_config(**overrides: Any) -> Any:
    args: dict[str, Any] = {
        "machine_type": "e2-standard-8",
        "service_account": "nodes@demo.iam.gserviceaccount.com",
        "workload_metadata_config": GKE.NodePoolNodeConfigWorkloadMetadataConfigArgs(mode="GKE_METADATA"),
        "shielded_instance_config": GKE.NodePoolNodeConfigShieldedInstanceConfigArgs(
            enable_secure_boot=True, enable_integrity_monitoring=True
        ),
    }
    args.update(overrides)
    return GKE.NodePoolNodeConfigArgs(**args)


def cluster(name: str = "c", opts: pulumi.ResourceOptions | None = PROTECT, **overrides: Any) -> None:
    args: dict[str, Any] = {
        "location": "us-central1-a",
        "remove_default_node_pool": True,
        "initial_node_count": 1,
        "private_cluster_config": GKE.ClusterPrivateClusterConfigArgs(enable_private_nodes=True),
        "master_authorized_networks_config": GKE.ClusterMasterAuthorizedNetworksConfigArgs(
            cidr_blocks=[GKE.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(cidr_block="10.0.0.0/8")]
        ),
        "workload_identity_config": GKE.ClusterWorkloadIdentityConfigArgs(workload_pool="demo.svc.id.goog"),
        "release_channel": GKE.ClusterReleaseChannelArgs(channel="REGULAR"),
        "datapath_provider": "ADVANCED_DATAPATH",
        "deletion_protection": True,
        "enable_intranode_visibility": True,
        "binary_authorization": GKE.ClusterBinaryAuthorizationArgs(evaluation_mode="PROJECT_SINGLETON_POLICY_ENFORCE"),
        "database_encryption": GKE.ClusterDatabaseEncryptionArgs(
            state="ENCRYPTED", key_name="projects/demo/locations/us-central1/keyRings/gke/cryptoKeys/secrets"
        ),
    }
    args.update(overrides)
    GKE.Cluster(name, opts=opts, **args)


def pool(name: str = "p", **overrides: Any) -> None:
    args: dict[str, Any] = {"cluster": "c", "location": "us-central1-a", "node_count": 1, "node_config": node_config()}
    args.update(overrides)
    GKE.NodePool(name, **args)


def secure_gke() -> None:
    cluster()
    pool()


def test_secure_raw_gke_program_has_no_security_violations() -> None:
    assert verdicts(secure_gke) == []


CASES: list[tuple[str, Callable[[], None], list[tuple[str, str, str, str]]]] = [
    ("public nodes", lambda: cluster(private_cluster_config=None),
     [("gke-private-nodes", "mandatory", "c",
       "privateClusterConfig.enablePrivateNodes is not true: nodes get public IP addresses")]),
    ("no authorized networks", lambda: cluster(master_authorized_networks_config=None),
     [("gke-master-authorized-networks", "mandatory", "c",
       "the control plane endpoint is public and masterAuthorizedNetworksConfig is not set: any address can reach "
       "the API server")]),
    ("open authorized networks", lambda: cluster(master_authorized_networks_config=GKE.ClusterMasterAuthorizedNetworksConfigArgs(  # noqa: E501
        cidr_blocks=[GKE.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(cidr_block="0.0.0.0/0")])),
     [("gke-master-authorized-networks", "mandatory", "c",
       "masterAuthorizedNetworksConfig allows 0.0.0.0/0: the API server is open to the internet")]),
    ("no workload identity", lambda: cluster(workload_identity_config=None),
     [("gke-workload-identity", "mandatory", "c", "workloadIdentityConfig.workloadPool is not set: Workload Identity is off")]),  # noqa: E501
    ("GCE metadata on a pool", lambda: pool(node_config=node_config(
        workload_metadata_config=GKE.NodePoolNodeConfigWorkloadMetadataConfigArgs(mode="GCE_METADATA"))),
     [("gke-workload-identity", "mandatory", "p",
       'nodeConfig.workloadMetadataConfig.mode is "GCE_METADATA", not "GKE_METADATA": pods can read the node\'s '
       "credentials from the Compute Engine metadata server")]),
    ("no secure boot", lambda: pool(node_config=node_config(
        shielded_instance_config=GKE.NodePoolNodeConfigShieldedInstanceConfigArgs(enable_integrity_monitoring=False))),
     [("gke-shielded-nodes", "mandatory", "p", "nodeConfig.shieldedInstanceConfig.enableSecureBoot is not true"),
      ("gke-shielded-nodes", "mandatory", "p", "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring is false")]),  # noqa: E501
    ("shielded nodes off", lambda: cluster(enable_shielded_nodes=False),
     [("gke-shielded-nodes", "mandatory", "c", "enableShieldedNodes is false")]),
    ("legacy ABAC", lambda: cluster(enable_legacy_abac=True),
     [("gke-legacy-abac-disabled", "mandatory", "c", "enableLegacyAbac is true: legacy ABAC grants bypass RBAC")]),
    ("client certificate", lambda: cluster(master_auth=GKE.ClusterMasterAuthArgs(
        client_certificate_config=GKE.ClusterMasterAuthClientCertificateConfigArgs(issue_client_certificate=True))),
     [("gke-legacy-auth-disabled", "mandatory", "c", "masterAuth.clientCertificateConfig.issueClientCertificate is true")]),  # noqa: E501
    ("no network policy", lambda: cluster(datapath_provider=None),
     [("gke-network-policy", "mandatory", "c",
       'neither networkPolicy.enabled is true nor datapathProvider is "ADVANCED_DATAPATH" (Dataplane V2)')]),
    ("default SA", lambda: pool(node_config=node_config(service_account="123456789-compute@developer.gserviceaccount.com")),  # noqa: E501
     [("gke-node-service-account", "mandatory", "p",
       'nodeConfig.serviceAccount "123456789-compute@developer.gserviceaccount.com" is the Compute Engine default '
       "service account")]),
    ("no release channel", lambda: cluster(release_channel=None),
     [("gke-release-channel", "advisory", "c",
       "releaseChannel.channel is not set: the cluster is not enrolled in a release channel")]),
    ("auto-repair off", lambda: pool(management=GKE.NodePoolManagementArgs(auto_repair=False)),
     [("gke-auto-repair", "advisory", "p", "management.autoRepair is false")]),
    ("deletion protection off", lambda: cluster(deletion_protection=False),
     [("gke-deletion-protection", "advisory", "c",
       "deletionProtection is false: a destroy or a replacement deletes the cluster")]),
    ("unprotected", lambda: cluster(opts=None),
     [("cluster-protected", "advisory", "c",
       "cluster 'c' (gcp:container/cluster:Cluster) is not protected: `pulumi destroy` or a replacement deletes it")]),
]  # fmt: skip


@pytest.mark.parametrize(("label", "program", "expected"), CASES, ids=[c[0] for c in CASES])
def test_gke_security_violation(label: str, program: Callable[[], None], expected: list[Any]) -> None:
    assert verdicts(program) == expected


def test_inline_pools_and_kept_default_pool_are_judged() -> None:
    def program() -> None:
        cluster(
            remove_default_node_pool=None,
            node_pools=[
                GKE.ClusterNodePoolArgs(
                    name="inline", node_config=GKE.ClusterNodePoolNodeConfigArgs(machine_type="e2-standard-8")
                )
            ],
        )

    assert verdicts(program) == [
        (
            "gke-workload-identity",
            "mandatory",
            "c",
            'nodePools[0].nodeConfig.workloadMetadataConfig.mode is not set, not "GKE_METADATA": pods can read the '
            "node's credentials from the Compute Engine metadata server",
        ),
        (
            "gke-shielded-nodes",
            "mandatory",
            "c",
            "nodePools[0].nodeConfig.shieldedInstanceConfig.enableSecureBoot is not true",
        ),
        (
            "gke-node-service-account",
            "mandatory",
            "c",
            "nodePools[0].nodeConfig.serviceAccount is not set: nodes run as the Compute Engine default service account",  # noqa: E501
        ),
    ]


def test_remediation_rewrites_before_analysis() -> None:
    def program() -> None:
        cluster(enable_legacy_abac=True)

    analysis = analyze_plan(run_callable(program), {"gke-legacy-abac-disabled": "remediate"})
    assert [v.policy for v in analysis.violations if v.policy in SECURITY_IDS] == []
    assert [(n.policy, n.message) for n in analysis.notes] == [
        ("gke-legacy-abac-disabled", "remediated: the resource's properties were rewritten by the policy")
    ]


# --- DOKS -----------------------------------------------------------------------------------------


def doks(**overrides: Any) -> None:
    args: dict[str, Any] = {
        "region": "nyc2",
        "version": "1.33.1-do.3",
        "vpc_uuid": "vpc-1",
        "auto_upgrade": True,
        "surge_upgrade": True,
        "ha": True,
        "maintenance_policy": do.KubernetesClusterMaintenancePolicyArgs(day="sunday", start_time="04:00"),
        "node_pool": do.KubernetesClusterNodePoolArgs(name="sys", size="s-4vcpu-8gb", node_count=1),
    }
    args.update(overrides)
    do.KubernetesCluster("doks", opts=PROTECT, **args)


def test_secure_raw_doks_program_has_no_security_violations() -> None:
    assert verdicts(doks) == []


def test_doks_violations() -> None:
    assert verdicts(lambda: doks(surge_upgrade=False, auto_upgrade=False, maintenance_policy=None, vpc_uuid=None)) == [
        (
            "doks-surge-upgrade",
            "advisory",
            "doks",
            "surgeUpgrade is false: upgrades drain nodes before replacements exist",
        ),
        (
            "doks-auto-upgrade",
            "mandatory",
            "doks",
            "autoUpgrade is not true: DigitalOcean never applies patch releases to the cluster (a maintenancePolicy "
            "alone does not upgrade it)",
        ),
        (
            "doks-maintenance-window",
            "advisory",
            "doks",
            "maintenancePolicy is not set: upgrades and maintenance drain nodes in a window DigitalOcean chooses, not "
            "one you picked",
        ),
        ("doks-vpc-native", "advisory", "doks", "vpcUuid is not set: the cluster lands in the region's default VPC"),
    ]


def test_doks_auto_upgrade_is_mandatory_a_window_does_not_replace_it_and_teams_may_opt_out() -> None:
    """A maintenance policy has no effect without auto_upgrade (DO's kubernetes_cluster docs; Trivy DIG-0008):
    the window no longer passes the rule; a team that pins and upgrades by hand makes the rule advisory."""
    manual = "autoUpgrade is not true: DigitalOcean never applies patch releases to the cluster (a maintenancePolicy alone does not upgrade it)"  # noqa: E501
    assert verdicts(lambda: doks(auto_upgrade=False)) == [("doks-auto-upgrade", "mandatory", "doks", manual)]
    assert verdicts(lambda: doks(auto_upgrade=None)) == [("doks-auto-upgrade", "mandatory", "doks", manual)]
    opt_out = {"doks-auto-upgrade": "advisory"}
    assert verdicts(lambda: doks(auto_upgrade=False), opt_out) == [("doks-auto-upgrade", "advisory", "doks", manual)]
    assert verdicts(lambda: doks(ha=None)) == [
        (
            "doks-ha-control-plane",
            "advisory",
            "doks",
            "ha is not true: the control plane has no redundancy, so its failure or maintenance stops the Kubernetes "
            "API",
        )
    ]


# --- stack-wide -----------------------------------------------------------------------------------


def test_lws_crd_protected() -> None:
    def program() -> None:
        k8s.helm.v3.Release("lws", chart="oci://registry.k8s.io/lws/charts/lws", version="0.7.0")
        k8s.helm.v3.Release("lws-safe", chart="oci://registry.k8s.io/lws/charts/lws", version="0.9.0", opts=PROTECT)

    assert verdicts(program) == [
        (
            "lws-crd-protected",
            "advisory",
            "lws",
            "the LeaderWorkerSet install is not protected: deleting or replacing it deletes the leaderworkersets CRD "
            "and, with it, every LeaderWorkerSet in the cluster",
        ),
        (
            "lws-crd-protected",
            "advisory",
            "lws",
            'LWS chart version "0.7.0" ships the CRD as a Helm template: upgrading this release directly to 0.9.0 or '
            "later makes Helm delete the CRD and every LeaderWorkerSet (kubernetes-sigs/lws#880)",
        ),
    ]


def test_kubeconfig_output_must_be_secret() -> None:
    def program() -> None:
        secure_gke()
        pulumi.export("kubeconfig", "apiVersion: v1\nusers: [{user: {token: abc}}]")
        pulumi.export("cluster", {"kubeconfig": pulumi.Output.secret("x"), "name": "c"})

    analysis = analyze_plan(run_callable(program))
    assert [(v.policy, v.enforcement, v.urn, v.message) for v in analysis.violations] == [
        (
            "kubeconfig-output-secret",
            "mandatory",
            "urn:pulumi:test::test::pulumi:pulumi:Stack::test-test",
            'stack output "kubeconfig" holds a kubeconfig but is not a secret: wrap it in pulumi.Output.secret',
        ),
    ]


def test_every_security_policy_documents_enforcement_remediation_and_anchors() -> None:
    for spec in ALL_POLICIES:
        assert spec.enforcement in ("mandatory", "advisory")
        assert spec.remediation
        if spec.requirement is None:
            assert spec.anchors, spec.name
            assert spec.full_description.endswith("]")


# --- values unknown in preview --------------------------------------------------------------------

CANT = "can't run policy '{}' from policy pack 'llmd-infra@v0.0.1' during preview: {} value at .{} can't be known during preview"  # noqa: E501


def inline_pool(name: str, account: Any, mode: Any, secure_boot: Any, auto_repair: Any) -> Any:
    return GKE.ClusterNodePoolArgs(
        name=name,
        management=GKE.ClusterNodePoolManagementArgs(auto_repair=auto_repair),
        node_config=GKE.ClusterNodePoolNodeConfigArgs(
            machine_type="e2-standard-8",
            service_account=account,
            workload_metadata_config=GKE.ClusterNodePoolNodeConfigWorkloadMetadataConfigArgs(mode=mode),
            shielded_instance_config=GKE.ClusterNodePoolNodeConfigShieldedInstanceConfigArgs(
                enable_secure_boot=secure_boot
            ),
        ),
    )


def test_security_policies_keep_their_teeth_when_other_values_are_unknown_in_preview() -> None:
    """Each pool and field is judged on its own: an unknown value hides only what it decides."""

    def program() -> None:
        email = gcp.serviceaccount.Account("sa", account_id="nodes").email  # unknown in preview
        flag = email.apply(lambda _: True)
        private_unknown = GKE.ClusterPrivateClusterConfigArgs(enable_private_nodes=True, enable_private_endpoint=flag)
        cluster(
            "known-fails",
            private_cluster_config=private_unknown,  # authorized networks pass whatever the endpoint is
            workload_identity_config=GKE.ClusterWorkloadIdentityConfigArgs(workload_pool=email),  # computed: set
            node_pools=[
                inline_pool("unknown", email, email, flag, flag),
                inline_pool("bad", "123-compute@developer.gserviceaccount.com", "GCE_METADATA", False, False),
            ],
        )
        cluster(
            "only-unknown",
            private_cluster_config=private_unknown,
            master_authorized_networks_config=GKE.ClusterMasterAuthorizedNetworksConfigArgs(
                cidr_blocks=[GKE.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(cidr_block="0.0.0.0/0")]
            ),
            datapath_provider=email,
            node_pools=[inline_pool("unknown", email, email, flag, flag)],
        )
        # Dataplane V2 unknown, but network_policy is known to enforce: passes.
        cluster("netpol", datapath_provider=email, network_policy=GKE.ClusterNetworkPolicyArgs(enabled=True))

    pool0 = "nodePools.0.nodeConfig"
    assert verdicts(program) == [
        ("gke-workload-identity", "mandatory", "known-fails",
         'nodePools[1].nodeConfig.workloadMetadataConfig.mode is "GCE_METADATA", not "GKE_METADATA": pods can '
         "read the node's credentials from the Compute Engine metadata server"),
        ("gke-shielded-nodes", "mandatory", "known-fails",
         "nodePools[1].nodeConfig.shieldedInstanceConfig.enableSecureBoot is not true"),
        ("gke-node-service-account", "mandatory", "known-fails",
         'nodePools[1].nodeConfig.serviceAccount "123-compute@developer.gserviceaccount.com" is the Compute Engine '
         "default service account"),
        ("gke-auto-repair", "advisory", "known-fails", "nodePools[1].management.autoRepair is false"),
        ("gke-master-authorized-networks", "advisory", "only-unknown",
         CANT.format("gke-master-authorized-networks", "string", "privateClusterConfig.enablePrivateEndpoint")),
        ("gke-workload-identity", "advisory", "only-unknown",
         CANT.format("gke-workload-identity", "string", f"{pool0}.workloadMetadataConfig.mode")),
        ("gke-shielded-nodes", "advisory", "only-unknown",
         CANT.format("gke-shielded-nodes", "string", f"{pool0}.shieldedInstanceConfig.enableSecureBoot")),
        ("gke-network-policy", "advisory", "only-unknown",
         CANT.format("gke-network-policy", "string", "datapathProvider")),
        ("gke-node-service-account", "advisory", "only-unknown",
         CANT.format("gke-node-service-account", "string", f"{pool0}.serviceAccount")),
        ("gke-auto-repair", "advisory", "only-unknown",
         CANT.format("gke-auto-repair", "string", "nodePools.0.management.autoRepair")),
    ]  # fmt: skip


def test_network_policy_with_its_addon_disabled_is_not_enforced() -> None:
    def program() -> None:
        cluster(
            datapath_provider=None,
            network_policy=GKE.ClusterNetworkPolicyArgs(enabled=True),
            addons_config=GKE.ClusterAddonsConfigArgs(
                network_policy_config=GKE.ClusterAddonsConfigNetworkPolicyConfigArgs(disabled=True)
            ),
        )

    assert verdicts(program) == [
        (
            "gke-network-policy",
            "mandatory",
            "c",
            "networkPolicy.enabled is true but addonsConfig.networkPolicyConfig.disabled is true: network policies "
            "are not enforced",
        )
    ]
    enforced = GKE.ClusterNetworkPolicyArgs(enabled=True)
    assert verdicts(lambda: cluster(datapath_provider=None, network_policy=enforced)) == []


def test_authorized_networks_and_private_endpoint() -> None:
    private = GKE.ClusterPrivateClusterConfigArgs(enable_private_nodes=True, enable_private_endpoint=True)
    # A private endpoint needs no authorized networks; ::/0 is as open as 0.0.0.0/0.
    assert verdicts(lambda: cluster(private_cluster_config=private, master_authorized_networks_config=None)) == []
    open_v6 = GKE.ClusterMasterAuthorizedNetworksConfigArgs(
        cidr_blocks=[
            GKE.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(cidr_block="10.0.0.0/8"),
            GKE.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(cidr_block="::/0"),
        ]
    )
    assert verdicts(lambda: cluster(master_authorized_networks_config=open_v6)) == [
        (
            "gke-master-authorized-networks",
            "mandatory",
            "c",
            "masterAuthorizedNetworksConfig allows ::/0: the API server is open to the internet",
        )
    ]
    # The private-nodes rule reads the value, not the block's presence (unlike CKV_GCP_25/64).
    assert verdicts(
        lambda: cluster(private_cluster_config=GKE.ClusterPrivateClusterConfigArgs(enable_private_nodes=False))
    ) == [
        (
            "gke-private-nodes",
            "mandatory",
            "c",
            "privateClusterConfig.enablePrivateNodes is not true: nodes get public IP addresses",
        )
    ]


def test_kept_default_pool_is_judged_on_the_cluster_node_config() -> None:
    def program() -> None:
        cluster(
            remove_default_node_pool=None,
            node_config=GKE.ClusterNodeConfigArgs(
                machine_type="e2-standard-8",
                service_account="default",
                workload_metadata_config=GKE.ClusterNodeConfigWorkloadMetadataConfigArgs(mode="GKE_METADATA"),
                shielded_instance_config=GKE.ClusterNodeConfigShieldedInstanceConfigArgs(enable_secure_boot=True),
            ),
        )

    assert verdicts(program) == [
        (
            "gke-node-service-account",
            "mandatory",
            "c",
            'nodeConfig.serviceAccount "default" is the Compute Engine default service account',
        )
    ]


def test_doks_unknown_values_in_preview() -> None:
    def program() -> None:
        vpc = do.Vpc("vpc", region="nyc2").id  # unknown in preview: the cluster is in an explicit VPC
        flag = vpc.apply(lambda _: True)
        doks(vpc_uuid=vpc, auto_upgrade=flag)  # auto-upgrade unknown: the verdict depends on it
        do.KubernetesCluster(
            "doks-window",
            opts=PROTECT,
            region="nyc2",
            version="1.33.1-do.3",
            vpc_uuid=vpc,
            auto_upgrade=True,
            ha=True,
            maintenance_policy=do.KubernetesClusterMaintenancePolicyArgs(day=vpc, start_time="04:00"),
            node_pool=do.KubernetesClusterNodePoolArgs(name="sys", size="s-4vcpu-8gb", node_count=1),
        )

    assert verdicts(program) == [
        ("doks-auto-upgrade", "advisory", "doks", CANT.format("doks-auto-upgrade", "string", "autoUpgrade")),
    ]


def test_a_pool_opting_out_of_private_nodes_is_flagged() -> None:
    public = (
        "networkConfig.enablePrivateNodes is false: this pool's nodes get public IP addresses even in a private cluster"
    )

    def program() -> None:
        cluster()
        pool("public", network_config=GKE.NodePoolNetworkConfigArgs(enable_private_nodes=False))
        pool("private", network_config=GKE.NodePoolNetworkConfigArgs(enable_private_nodes=True))
        cluster(
            "inline",
            remove_default_node_pool=None,
            initial_node_count=None,
            node_pools=[
                GKE.ClusterNodePoolArgs(
                    name="edge", node_count=1, node_config=GKE.ClusterNodePoolNodeConfigArgs(
                        machine_type="e2-standard-8", service_account="nodes@demo.iam.gserviceaccount.com",
                        workload_metadata_config=GKE.ClusterNodePoolNodeConfigWorkloadMetadataConfigArgs(
                            mode="GKE_METADATA"),
                        shielded_instance_config=GKE.ClusterNodePoolNodeConfigShieldedInstanceConfigArgs(
                            enable_secure_boot=True, enable_integrity_monitoring=True),
                    ),
                    network_config=GKE.ClusterNodePoolNetworkConfigArgs(enable_private_nodes=False),
                    management=GKE.ClusterNodePoolManagementArgs(auto_repair=True, auto_upgrade=True),
                )
            ],
        )

    private = [v for v in verdicts(program) if v[0] == "gke-private-nodes"]
    assert sorted(private) == [
        ("gke-private-nodes", "mandatory", "inline", f"nodePools[0].{public}"),
        ("gke-private-nodes", "mandatory", "public", public),
    ]


def test_autopilot_clusters_are_judged_by_what_autopilot_leaves_to_the_user() -> None:
    """Autopilot enforces Workload Identity, shielded nodes and secure boot; its node service account
    is clusterAutoscaling.autoProvisioningDefaults.serviceAccount."""

    def autopilot(name: str, account: str | None) -> None:
        defaults = (
            GKE.ClusterClusterAutoscalingArgs(
                auto_provisioning_defaults=GKE.ClusterClusterAutoscalingAutoProvisioningDefaultsArgs(
                    service_account=account
                )
            )
            if account
            else None
        )
        GKE.Cluster(
            name,
            opts=PROTECT,
            location="us-central1",
            enable_autopilot=True,
            private_cluster_config=GKE.ClusterPrivateClusterConfigArgs(enable_private_nodes=True),
            master_authorized_networks_config=GKE.ClusterMasterAuthorizedNetworksConfigArgs(
                cidr_blocks=[GKE.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(cidr_block="10.0.0.0/8")]
            ),
            # No release_channel: Autopilot clusters are always enrolled in one (item 4 of issue 10).
            deletion_protection=True,
            cluster_autoscaling=defaults,
            enable_intranode_visibility=True,
            binary_authorization=GKE.ClusterBinaryAuthorizationArgs(evaluation_mode="PROJECT_SINGLETON_POLICY_ENFORCE"),
            database_encryption=GKE.ClusterDatabaseEncryptionArgs(state="ENCRYPTED", key_name="projects/p/k"),
        )

    def program() -> None:
        autopilot("dedicated", "nodes@demo.iam.gserviceaccount.com")
        autopilot("default-sa", None)

    found = verdicts(program)
    assert found == [
        (
            "gke-node-service-account",
            "mandatory",
            "default-sa",
            "clusterAutoscaling.autoProvisioningDefaults.serviceAccount is not set: nodes run as the Compute "
            "Engine default service account",
        )
    ]
