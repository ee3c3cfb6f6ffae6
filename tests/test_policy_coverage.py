"""Issue 10, coverage: the rules Checkov, Trivy and CIS GKE 1.9 have and the pack lacked, on raw programs.

Every verdict is exact (policy, enforcement, resource, message); each rule has a failing and a
passing program, and rules that read other resources (a pool's cluster, the stack's GPU Operator)
are judged through the same analyzer the CLI drives.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s
import pytest

from llmd_infra.plan.analyze import analyze_plan
from llmd_infra.plan.engine import run_callable
from llmd_infra.policy.pack import BY_NAME
from tests.raw_verdicts import gke_cluster as cluster
from tests.raw_verdicts import verdicts

GKE = gcp.container
PROTECT = pulumi.ResourceOptions(protect=True)
NO_PATCHES = "the pool's nodes never get Kubernetes patch and security updates"


def pool(name: str, cluster_name: Any, **overrides: Any) -> Any:
    args: dict[str, Any] = {
        "cluster": cluster_name,
        "node_count": 1,
        "node_config": GKE.NodePoolNodeConfigArgs(machine_type="e2-standard-8"),
    }
    args.update(overrides)
    return GKE.NodePool(name, **args)


MANUAL = GKE.NodePoolManagementArgs(auto_upgrade=False)


# --- 5. GKE: auto-upgrade with the cluster's release channel ------------------------------------------


def test_pool_auto_upgrade_off_fails_only_without_a_release_channel() -> None:
    def program() -> None:
        channel = cluster("channel")
        pool("in-channel", channel.name, management=MANUAL)  # the channel keeps upgrading: passes
        none = cluster("no-channel", release_channel=None)
        pool("manual", none.name, management=MANUAL)
        pool("auto", none.name, management=GKE.NodePoolManagementArgs(auto_upgrade=True))
        pool("default", none.name)  # auto_upgrade defaults to true
        unspecified = cluster("unspecified", release_channel=GKE.ClusterReleaseChannelArgs(channel="UNSPECIFIED"))
        pool("manual-unspecified", unspecified.name, management=MANUAL)
        pool("out-of-sight", "someone-elses-cluster", management=MANUAL)
        cluster(
            "inline",
            release_channel=None,
            node_pools=[
                GKE.ClusterNodePoolArgs(name="ok", node_count=1),
                GKE.ClusterNodePoolArgs(
                    name="frozen", node_count=1, management=GKE.ClusterNodePoolManagementArgs(auto_upgrade=False)
                ),
            ],
        )

    assert verdicts(program, {"gke-node-auto-upgrade"}) == [
        ("gke-node-auto-upgrade", "mandatory", "inline",
         "nodePools[1].management.autoUpgrade is false and the cluster is enrolled in no release channel: "
         f"{NO_PATCHES}"),
        ("gke-node-auto-upgrade", "mandatory", "manual",
         "management.autoUpgrade is false and its cluster 'no-channel' is enrolled in no release channel: "
         f"{NO_PATCHES}"),
        ("gke-node-auto-upgrade", "mandatory", "manual-unspecified",
         "management.autoUpgrade is false and its cluster 'unspecified' is enrolled in no release channel: "
         f"{NO_PATCHES}"),
        ("gke-node-auto-upgrade", "mandatory", "out-of-sight",
         "management.autoUpgrade is false and its cluster is not in this stack: GKE keeps node auto-upgrade on in "
         f"release-channel clusters, so its cluster has none and {NO_PATCHES}"),
    ]  # fmt: skip


def test_autopilot_has_a_release_channel_for_both_rules() -> None:
    """Autopilot is always enrolled (REGULAR unless set): no release-channel finding, no auto-upgrade one."""

    def program() -> None:
        cluster("autopilot", location="us-central1", enable_autopilot=True, release_channel=None)
        cluster("standard", release_channel=None)

    assert verdicts(program, {"gke-release-channel", "gke-node-auto-upgrade"}) == [
        ("gke-release-channel", "advisory", "standard",
         "releaseChannel.channel is not set: the cluster is not enrolled in a release channel"),
    ]  # fmt: skip


# --- 5. GKE: alpha clusters, logging and monitoring -------------------------------------------------


def test_alpha_clusters_fail() -> None:
    def program() -> None:
        cluster("alpha", enable_kubernetes_alpha=True)
        cluster("beta-free", enable_kubernetes_alpha=False)

    assert verdicts(program, {"gke-alpha-cluster"}) == [
        (
            "gke-alpha-cluster",
            "mandatory",
            "alpha",
            "enableKubernetesAlpha is true: an alpha cluster runs unsupported alpha APIs, gets no SLA and is deleted "
            "after 30 days",
        )
    ]


def test_logging_and_monitoring_off_fail_with_none_or_no_components() -> None:
    def program() -> None:
        cluster("legacy-off", logging_service="none", monitoring_service="none")
        cluster(
            "empty",
            logging_config=GKE.ClusterLoggingConfigArgs(enable_components=[]),
            monitoring_config=GKE.ClusterMonitoringConfigArgs(enable_components=[]),
        )
        cluster(
            "on",
            logging_service="logging.googleapis.com/kubernetes",
            logging_config=GKE.ClusterLoggingConfigArgs(enable_components=["SYSTEM_COMPONENTS", "WORKLOADS"]),
            monitoring_config=GKE.ClusterMonitoringConfigArgs(
                managed_prometheus=GKE.ClusterMonitoringConfigManagedPrometheusArgs(enabled=True)
            ),  # no enable_components: GKE's default components stay on
        )
        cluster("defaults")

    assert verdicts(program, {"gke-logging-monitoring"}) == [
        ("gke-logging-monitoring", "mandatory", "empty",
         "loggingConfig.enableComponents is empty: the cluster sends no component to Cloud Logging"),
        ("gke-logging-monitoring", "mandatory", "empty",
         "monitoringConfig.enableComponents is empty: the cluster sends no component to Cloud Monitoring"),
        ("gke-logging-monitoring", "mandatory", "legacy-off", 'loggingService is "none": the cluster sends nothing '
         "to Cloud Logging"),
        ("gke-logging-monitoring", "mandatory", "legacy-off", 'monitoringService is "none": the cluster sends '
         "nothing to Cloud Monitoring"),
    ]  # fmt: skip


# --- 5. GKE: secrets encryption, Binary Authorization, intranode visibility -------------------------

SECRETS = (
    'databaseEncryption is not "ENCRYPTED" with a Cloud KMS keyName: Kubernetes Secrets in etcd are encrypted only '
    "with Google-managed keys"
)
BINAUTHZ = (
    'binaryAuthorization.evaluationMode is not "PROJECT_SINGLETON_POLICY_ENFORCE": the cluster runs images without '
    "checking them against a Binary Authorization policy"
)
INTRANODE = (
    "enableIntranodeVisibility is not true: pod-to-pod traffic on one node bypasses the VPC, its flow logs and "
    "firewall rules"
)
ADVISORY_RULES = {"gke-secrets-encryption", "gke-binary-authorization", "gke-intranode-visibility"}


def test_secrets_binauthz_and_intranode_are_advisory_and_secrets_can_be_made_mandatory() -> None:
    def program() -> None:
        cluster("bare")
        cluster(
            "decrypted",
            database_encryption=GKE.ClusterDatabaseEncryptionArgs(state="DECRYPTED"),
            binary_authorization=GKE.ClusterBinaryAuthorizationArgs(evaluation_mode="DISABLED"),
            enable_intranode_visibility=False,
        )
        key = gcp.kms.CryptoKey("key", key_ring="projects/p/locations/us-central1/keyRings/r")
        cluster(
            "hardened",
            database_encryption=GKE.ClusterDatabaseEncryptionArgs(state="ENCRYPTED", key_name=key.id),  # computed
            binary_authorization=GKE.ClusterBinaryAuthorizationArgs(evaluation_mode="PROJECT_SINGLETON_POLICY_ENFORCE"),
            enable_intranode_visibility=True,
        )

    expected = [
        (policy, "advisory", name, message)
        for name in ("bare", "decrypted")
        for policy, message in (
            ("gke-binary-authorization", BINAUTHZ),
            ("gke-intranode-visibility", INTRANODE),
            ("gke-secrets-encryption", SECRETS),
        )
    ]
    assert verdicts(program, ADVISORY_RULES) == sorted(expected)
    mandatory = verdicts(program, {"gke-secrets-encryption"}, {"gke-secrets-encryption": "mandatory"})
    assert mandatory == [("gke-secrets-encryption", "mandatory", name, SECRETS) for name in ("bare", "decrypted")]


# --- 5. GKE: COS images, GPU Operator pools exempt --------------------------------------------------


def gpu_node_config(image: str, *, driver: str | None = None, labels: dict[str, str] | None = None) -> Any:
    install = (
        GKE.NodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfigArgs(gpu_driver_version=driver)
        if driver
        else None
    )
    return GKE.NodePoolNodeConfigArgs(
        machine_type="g2-standard-24",
        image_type=image,
        labels=labels,
        guest_accelerators=[
            GKE.NodePoolNodeConfigGuestAcceleratorArgs(
                type="nvidia-l4", count=2, gpu_driver_installation_config=install
            )
        ],
    )


def test_cos_images_with_gpu_operator_pools_exempt() -> None:
    def program() -> None:
        c = cluster("c")
        pool("ubuntu-cpu", c.name, node_config=GKE.NodePoolNodeConfigArgs(
            machine_type="e2-standard-8", image_type="UBUNTU_CONTAINERD"))
        pool("ubuntu-gpu", c.name, node_config=gpu_node_config("UBUNTU_CONTAINERD"))
        pool("operator-gpu", c.name, node_config=gpu_node_config("UBUNTU_CONTAINERD", driver="INSTALLATION_DISABLED"))
        pool("plugin-off", c.name, node_config=gpu_node_config(
            "UBUNTU_CONTAINERD", labels={"gke-no-default-nvidia-gpu-device-plugin": "true"}))
        pool("cos", c.name, node_config=gpu_node_config("COS_CONTAINERD"))
        pool("default", c.name)

    ubuntu = 'nodeConfig.imageType is "UBUNTU_CONTAINERD", not "COS_CONTAINERD" (Container-Optimized OS)'
    assert verdicts(program, {"gke-cos-image"}) == [
        ("gke-cos-image", "advisory", "ubuntu-cpu", ubuntu),
        ("gke-cos-image", "advisory", "ubuntu-gpu", ubuntu),
    ]

    def with_operator() -> None:
        program()
        k8s.helm.v3.Release("gpu-operator", chart="gpu-operator", version="v25.10.1")

    # The stack's GPU Operator serves every GPU pool; the CPU pool still should run COS.
    assert verdicts(with_operator, {"gke-cos-image"}) == [("gke-cos-image", "advisory", "ubuntu-cpu", ubuntu)]


# --- 6. authorized networks judged by the address space they open -----------------------------------


def networks(*cidrs: str, gcp_public: bool | None = None) -> Any:
    return GKE.ClusterMasterAuthorizedNetworksConfigArgs(
        cidr_blocks=[GKE.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(cidr_block=c) for c in cidrs],
        gcp_public_cidrs_access_enabled=gcp_public,
    )


OPEN = "the API server is open to the internet"


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"master_authorized_networks_config": networks("0.0.0.0/1", "128.0.0.0/1")},
         [f"masterAuthorizedNetworksConfig allows 0.0.0.0/1, 128.0.0.0/1: {OPEN}"]),
        ({"master_authorized_networks_config": networks("8.0.0.0/8", "192.0.2.0/24")},
         [f"masterAuthorizedNetworksConfig allows 8.0.0.0/8: {OPEN}"]),
        ({"master_authorized_networks_config": networks("2000::/3")},
         [f"masterAuthorizedNetworksConfig allows 2000::/3: {OPEN}"]),
        ({"master_authorized_networks_config": networks("8.0.0.0/9", "12.0.0.0/9")},
         ["masterAuthorizedNetworksConfig allows 8.0.0.0/9, 12.0.0.0/9: together they span a /8 or more of public "
          "IPv4 addresses, so the API server is open to the internet"]),
        ({"master_authorized_networks_config": networks("198.51.100.7/32", gcp_public=True)},
         ["masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is true: every Google Cloud public IP address "
          "(any customer's VMs) can reach the API server"]),
        ({"control_plane_endpoints_config": GKE.ClusterControlPlaneEndpointsConfigArgs(
            dns_endpoint_config=GKE.ClusterControlPlaneEndpointsConfigDnsEndpointConfigArgs(allow_external_traffic=True)),
          "private_cluster_config": GKE.ClusterPrivateClusterConfigArgs(
              enable_private_nodes=True, enable_private_endpoint=True)},
         ["controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic is true: the control plane's DNS "
          "endpoint takes traffic from any address (authorized networks do not apply to it, only IAM)"]),
        # Not open: a private /8, narrow public ranges, a private endpoint, or IP endpoints turned off.
        ({"master_authorized_networks_config": networks("10.0.0.0/8", "172.16.0.0/12", "8.8.0.0/16")}, []),
        ({"master_authorized_networks_config": networks("8.0.0.0/9", "12.0.0.0/10")}, []),
        ({"master_authorized_networks_config": None, "control_plane_endpoints_config":
          GKE.ClusterControlPlaneEndpointsConfigArgs(
              ip_endpoints_config=GKE.ClusterControlPlaneEndpointsConfigIpEndpointsConfigArgs(enabled=False))}, []),
    ],
    ids=["two-halves", "public-slash-8", "ipv6-wide", "two-slash-9", "gcp-public", "dns-external", "private-8",
         "under-a-slash-8", "ip-endpoints-off"],
)  # fmt: skip
def test_authorized_networks_are_judged_by_the_address_space_they_open(
    config: dict[str, Any], expected: list[str]
) -> None:
    def program() -> None:
        cluster("c", **config)

    found = verdicts(program, {"gke-master-authorized-networks"})
    assert found == [("gke-master-authorized-networks", "mandatory", "c", m) for m in sorted(expected)]


# --- 8. OpenShift MachineSets on AWS ----------------------------------------------------------------


def machine_set(name: str, **provider_spec: Any) -> None:
    k8s.apiextensions.CustomResource(
        name,
        api_version="machine.openshift.io/v1beta1",
        kind="MachineSet",
        metadata={"name": name, "namespace": "openshift-machine-api"},
        spec={"template": {"spec": {"providerSpec": {"value": {"instanceType": "m6i.4xlarge", **provider_spec}}}}},
    )


IMDS_REQUIRED = {"metadataServiceOptions": {"authentication": "Required"}}
ENCRYPTED = {"blockDevices": [{"ebs": {"encrypted": True, "volumeSize": 120}}]}
MACHINESET_RULES = {p for p in BY_NAME if p.startswith("openshift-")}
SPEC = "spec.template.spec.providerSpec.value"


def test_hardened_machine_set_passes() -> None:
    assert verdicts(lambda: machine_set("ok", publicIp=False, **IMDS_REQUIRED, **ENCRYPTED), MACHINESET_RULES) == []


def test_machine_set_imdsv2_ebs_and_public_ip() -> None:
    def program() -> None:
        machine_set("imds-unset", **ENCRYPTED)
        machine_set("imds-optional", metadataServiceOptions={"authentication": "Optional"}, **ENCRYPTED)
        machine_set(
            "volumes",
            blockDevices=[{"ebs": {"encrypted": False}}, {"ebs": {"volumeSize": 500}}, {"ebs": {"encrypted": True}}],
            **IMDS_REQUIRED,
        )
        machine_set("no-devices", **IMDS_REQUIRED)
        machine_set("public", publicIp=True, **IMDS_REQUIRED, **ENCRYPTED)

    imds = (
        'not "Required": a pod that can make the node send a request reads the instance role\'s credentials from the '
        "metadata service without a session token (IMDSv1)"
    )
    default = "is encrypted only if the AWS account encrypts new EBS volumes by default"
    assert verdicts(program, MACHINESET_RULES) == [
        ("openshift-machineset-ebs-encrypted", "mandatory", "volumes",
         f"{SPEC}.blockDevices[0].ebs.encrypted is false: the worker's volume is stored unencrypted"),
        ("openshift-machineset-ebs-encryption-explicit", "advisory", "no-devices",
         f"{SPEC}.blockDevices is not set: the root volume {default}"),
        ("openshift-machineset-ebs-encryption-explicit", "advisory", "volumes",
         f"{SPEC}.blockDevices[1].ebs.encrypted is not set: the volume {default}"),
        ("openshift-machineset-imdsv2", "mandatory", "imds-optional",
         f'{SPEC}.metadataServiceOptions.authentication is "Optional", {imds}'),
        ("openshift-machineset-imdsv2", "mandatory", "imds-unset",
         f"{SPEC}.metadataServiceOptions.authentication is not set (AWS's defaults may allow IMDSv1), {imds}"),
        ("openshift-machineset-no-public-ip", "mandatory", "public",
         f"{SPEC}.publicIp is true: every worker this MachineSet creates gets a public IP address"),
    ]  # fmt: skip


# --- the Red Hat Leader Worker Set Operator counts as an LWS install ---------------------------------


def lws_subscription(csv: str | None = "leader-worker-set.v1.0.0") -> None:
    spec = {"name": "leader-worker-set", "channel": "stable-v1.0", "source": "redhat-operators",
            "sourceNamespace": "openshift-marketplace"}  # fmt: skip
    if csv:
        spec["startingCSV"] = csv
    k8s.apiextensions.CustomResource(
        "lws-operator",
        api_version="operators.coreos.com/v1alpha1",
        kind="Subscription",
        metadata={"name": "leader-worker-set", "namespace": "openshift-lws-operator"},
        spec=spec,
    )


def lws_operator_cr() -> None:
    k8s.apiextensions.CustomResource(
        "lws",
        api_version="operator.openshift.io/v1",
        kind="LeaderWorkerSetOperator",
        metadata={"name": "cluster"},
        spec={"managementState": "Managed"},
    )


def multi_host_machine_set() -> None:
    k8s.apiextensions.CustomResource(
        "p5",
        api_version="machine.openshift.io/v1beta1",
        kind="MachineSet",
        metadata={"name": "p5", "namespace": "openshift-machine-api"},
        spec={"template": {"spec": {"metadata": {"labels": {"llm-d.ai/multi-host": "true"}},
                                    "providerSpec": {"value": {"instanceType": "p5.48xlarge"}}}}},
    )  # fmt: skip


def test_lws_operator_subscription_with_its_cr_is_an_lws_install_judged_by_the_lws_it_runs() -> None:
    """Operator 1.0 runs upstream LWS 0.7.0 (the OpenShift catalog's table, public sources cited there)."""

    def program() -> None:
        multi_host_machine_set()
        lws_subscription()
        lws_operator_cr()

    assert verdicts(program, {"lws-installed", "lws-version"}) == []
    assert verdicts(program, {"lws-version"}, {"lws-version": {"minimumVersion": "0.8.0"}}) == [
        (
            "lws-version",
            "mandatory",
            "lws-operator",
            'OLM Subscription "leader-worker-set" (Leader Worker Set Operator, startingCSV leader-worker-set.v1.0.0): '
            'upstream LWS "0.7.0" installs LeaderWorkerSet 0.7.0; llm-d needs LWS 0.8.0 or newer',
        )
    ]


def test_lws_operator_release_the_catalog_cannot_map_is_noted_not_judged() -> None:
    def program() -> None:
        multi_host_machine_set()
        lws_subscription(csv="leader-worker-set.v9.1.0")
        lws_operator_cr()

    analysis = analyze_plan(run_callable(program), {"lws-version": {"minimumVersion": "99.0.0"}})
    assert [v for v in analysis.violations if v.policy in ("lws-version", "lws-installed")] == []
    assert [(n.policy, n.urn.rsplit("::", 1)[-1], n.message) for n in analysis.notes if n.policy == "lws-version"] == [
        (
            "lws-version",
            "lws-operator",
            'OLM Subscription "leader-worker-set" (Leader Worker Set Operator, startingCSV leader-worker-set.v9.1.0): '
            "no public source known to the catalog maps this operator release to the LeaderWorkerSet release it "
            "ships, so the LWS version is not judged",
        )
    ]


def test_lws_operator_subscription_without_its_cr_runs_no_lws() -> None:
    def program() -> None:
        multi_host_machine_set()
        lws_subscription(csv=None)

    assert verdicts(program, {"lws-installed"}) == [
        (
            "lws-installed",
            "advisory",
            "",
            "the stack has multi-host pools ('p5') but its LeaderWorkerSet install is incomplete: it subscribes to "
            'the Leader Worker Set Operator ("leader-worker-set") but creates no LeaderWorkerSetOperator CR '
            '(operator.openshift.io/v1, named "cluster"), so no LWS controller runs',
        )
    ]
    assert verdicts(multi_host_machine_set, {"lws-installed"}) == [
        (
            "lws-installed",
            "advisory",
            "",
            "the stack has multi-host pools ('p5') but installs no LeaderWorkerSet; llm-d deploys multi-host "
            "inference with LWS 0.7.0 or newer",
        )
    ]


def test_new_rules_are_listed_with_their_anchors() -> None:
    anchors = {
        "gke-node-auto-upgrade": ("CIS GKE 5.5.3", "CKV_GCP_10", "Trivy GCP-0058"),
        "gke-alpha-cluster": ("CIS GKE 5.10.2", "CKV2_GCP_19"),
        "gke-logging-monitoring": ("CIS GKE 5.7.1", "CKV_GCP_1", "CKV_GCP_8", "Trivy GCP-0060", "Trivy GCP-0052"),
        "gke-secrets-encryption": ("CIS GKE 5.3.1",),
        "gke-binary-authorization": ("CIS GKE 5.1.4", "CKV_GCP_66"),
        "gke-intranode-visibility": ("CIS GKE 5.6.1", "CKV_GCP_61"),
        "gke-cos-image": ("CIS GKE 5.5.1", "Trivy GCP-0054"),
        "doks-auto-upgrade": ("Trivy DIG-0008",),
        "openshift-machineset-imdsv2": ("CKV_AWS_79", "Trivy AWS-0028"),
        "openshift-machineset-ebs-encrypted": ("CKV_AWS_8", "Trivy AWS-0131"),
        "openshift-machineset-no-public-ip": ("CKV_AWS_88", "Trivy AWS-0009"),
    }
    for name, ids in anchors.items():
        assert set(ids) <= set(BY_NAME[name].anchors), name
    names = (*anchors, "doks-maintenance-window", "doks-ha-control-plane")
    levels = {name: BY_NAME[name].enforcement for name in names}
    assert [n for n, level in levels.items() if level == "mandatory"] == [
        "gke-node-auto-upgrade", "gke-alpha-cluster", "gke-logging-monitoring", "doks-auto-upgrade",
        "openshift-machineset-imdsv2", "openshift-machineset-ebs-encrypted", "openshift-machineset-no-public-ip",
    ]  # fmt: skip
