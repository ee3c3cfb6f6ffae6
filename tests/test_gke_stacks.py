"""The exact contract of each ready GKE stack, under the offline plan engine."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmd_infra.contract import MULTI_HOST_LABEL
from llmd_infra.plan.engine import run_program
from llmd_infra.plan.graph import Plan, PlannedResource
from llmd_infra.plan.values import Secret, to_engine

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
STACKS = ("gke-a3-ultra", "gke-a4-rdma", "gke-tpu-v6e", "gke-tpu-v6e-single", "gke-l4-dev")
MULTI_HOST_STACKS = ("gke-a3-ultra", "gke-a4-rdma", "gke-tpu-v6e")
NODE_POOL = "gcp:container/nodePool:NodePool"
CLUSTER = "gcp:container/cluster:Cluster"


@cache
def plan(stack: str, preview: bool = True) -> Plan:
    return run_program(REPO, stack, preview=preview)


def shape(p: Plan) -> set[tuple[str, str, str]]:
    """(type, name, parent name) of every resource."""
    names = {r.urn: r.name for r in p.resources}
    return {(r.type, r.name, names.get(r.parent, "<stack>")) for r in p.resources}


def common(name: str) -> set[tuple[str, str, str]]:
    return {
        ("llmd-infra:gke:GkeCluster", name, "<stack>"),
        ("gcp:serviceaccount/account:Account", f"{name}-nodes-sa", name),
        ("gcp:projects/iAMMember:IAMMember", f"{name}-nodes-sa-container-defaultnodeserviceaccount", name),
        ("gcp:projects/iAMMember:IAMMember", f"{name}-nodes-sa-artifactregistry-reader", name),
        ("llmd-infra:gke:ClusterNetwork", f"{name}-network", name),
        ("gcp:compute/network:Network", f"{name}-network-vpc", f"{name}-network"),
        ("gcp:compute/subnetwork:Subnetwork", f"{name}-network-subnet", f"{name}-network"),
        ("gcp:compute/subnetwork:Subnetwork", f"{name}-network-proxy-subnet", f"{name}-network"),
        ("gcp:compute/router:Router", f"{name}-network-router", f"{name}-network"),
        ("gcp:compute/routerNat:RouterNat", f"{name}-network-nat", f"{name}-network"),
        (CLUSTER, f"{name}-cluster", name),
        ("llmd-infra:gke:SystemPool", f"{name}-system", name),
        (NODE_POOL, f"{name}-system-nodes", f"{name}-system"),
        ("pulumi:providers:kubernetes", f"{name}-k8s", name),
        ("llmd-infra:addons:LeaderWorkerSet", f"{name}-lws", name),
        ("kubernetes:core/v1:Namespace", f"{name}-lws-namespace", f"{name}-lws"),
        ("kubernetes:helm.sh/v3:Release", f"{name}-lws-release", f"{name}-lws"),
        ("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinitionPatch", f"{name}-lws-crd-guard", f"{name}-lws"),
    }


def pool_shape(name: str, pool: str) -> set[tuple[str, str, str]]:
    return {
        ("llmd-infra:gke:AcceleratorPool", f"{name}-{pool}", name),
        (NODE_POOL, f"{name}-{pool}-nodes", f"{name}-{pool}"),
    }


def kueue_shape(name: str, topology: str, pool: str) -> set[tuple[str, str, str]]:
    """Kueue and the TAS objects of one multi-host pool (tests/test_kueue_stacks.py asserts their inputs)."""
    kueue, api = f"{name}-kueue", "kubernetes:kueue.x-k8s.io/v1beta2"
    return {
        ("llmd-infra:addons:Kueue", kueue, name),
        ("kubernetes:core/v1:Namespace", f"{kueue}-namespace", kueue),
        ("kubernetes:helm.sh/v3:Release", f"{kueue}-release", kueue),
        (f"{api}:Topology", f"{kueue}-topology-{topology}", kueue),
        (f"{api}:ResourceFlavor", f"{kueue}-flavor-{pool}", kueue),
        (f"{api}:ClusterQueue", f"{kueue}-cluster-queue", kueue),
        (f"{api}:LocalQueue", f"{kueue}-local-queue-default", kueue),
    }


def inputs(p: Plan, name: str) -> dict[str, Any]:
    return p.named(name).inputs


# --- resource graph -----------------------------------------------------------------------------


def test_a3_ultra_resources() -> None:
    name = "llmd-a3-ultra"
    assert shape(plan("gke-a3-ultra")) == common(name) | pool_shape(name, "a3u-h200") | kueue_shape(
        name, "gke-default", "a3u-h200"
    ) | {
        ("llmd-infra:gke:CosNvidiaDriverInstaller", f"{name}-nvidia-driver", name),
        ("kubernetes:apps/v1:DaemonSet", f"{name}-nvidia-driver-daemonset", f"{name}-nvidia-driver"),
        ("llmd-infra:addons:NvidiaDraDriver", f"{name}-nvidia-dra", name),
        ("kubernetes:core/v1:Namespace", f"{name}-nvidia-dra-namespace", f"{name}-nvidia-dra"),
        ("kubernetes:helm.sh/v3:Release", f"{name}-nvidia-dra-release", f"{name}-nvidia-dra"),
    }


def test_a4_rdma_resources() -> None:
    name = "llmd-a4-rdma"
    rdma = f"{name}-rdma"
    nets = ["gvnic-1", *(f"rdma-{i}" for i in range(8))]
    expected = common(name) | pool_shape(name, "a4-b200") | kueue_shape(name, "gke-default", "a4-b200") | {
        ("llmd-infra:gke:RdmaNetwork", rdma, name),
        ("gcp:compute/network:Network", f"{rdma}-gvnic-vpc", rdma),
        ("gcp:compute/subnetwork:Subnetwork", f"{rdma}-gvnic-subnet", rdma),
        ("gcp:compute/firewall:Firewall", f"{rdma}-gvnic-internal", rdma),
        ("gcp:compute/network:Network", f"{rdma}-roce-vpc", rdma),
        *(("gcp:compute/subnetwork:Subnetwork", f"{rdma}-rdma-{i}-subnet", rdma) for i in range(8)),
        *(("kubernetes:networking.gke.io/v1:GKENetworkParamSet", f"{rdma}-{n}-params", rdma) for n in nets),
        *(("kubernetes:networking.gke.io/v1:Network", f"{rdma}-{n}-network", rdma) for n in nets),
    }
    assert shape(plan("gke-a4-rdma")) == expected


@pytest.mark.parametrize(("stack", "name", "pool", "topology"), [
    ("gke-tpu-v6e", "llmd-tpu-v6e", "v6e-4x4", "gke-tpu-slice"),  # multi-host slice: Kueue TAS
    ("gke-tpu-v6e-single", "llmd-tpu-v6e-single", "v6e-2x4", None),
    ("gke-l4-dev", "llmd-l4-dev", "l4", None),
])
def test_tpu_and_l4_resources(stack: str, name: str, pool: str, topology: str | None) -> None:
    kueue = kueue_shape(name, topology, pool) if topology else set()
    assert shape(plan(stack)) == common(name) | pool_shape(name, pool) | kueue


# --- cluster security ---------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_cluster_is_secure_by_default(stack: str) -> None:
    p = plan(stack)
    [cluster] = p.of_type(CLUSTER)
    i = cluster.inputs
    assert i["privateClusterConfig"] == {
        "enablePrivateNodes": True,
        "enablePrivateEndpoint": False,
        "masterIpv4CidrBlock": "172.16.0.0/28",
        "masterGlobalAccessConfig": {"enabled": True},
    }
    assert i["masterAuthorizedNetworksConfig"] == {
        "cidrBlocks": [{"cidrBlock": "203.0.113.0/24", "displayName": "operator-egress"}],
        "gcpPublicCidrsAccessEnabled": False,
    }
    assert i["workloadIdentityConfig"] == {"workloadPool": "my-gcp-project.svc.id.goog"}
    assert i["enableShieldedNodes"] is True
    assert i["enableLegacyAbac"] is False
    assert i["enableKubernetesAlpha"] is False
    assert i["masterAuth"] == {"clientCertificateConfig": {"issueClientCertificate": False}}
    assert i["releaseChannel"] == {"channel": "REGULAR"}
    assert i["datapathProvider"] == "ADVANCED_DATAPATH"
    assert i["gatewayApiConfig"] == {"channel": "CHANNEL_STANDARD"}
    assert i["monitoringConfig"]["managedPrometheus"] == {"enabled": True, "autoMonitoringConfig": {"scope": "ALL"}}
    assert i["addonsConfig"]["httpLoadBalancing"] == {"disabled": False}
    assert i["removeDefaultNodePool"] is True
    assert i["networkingMode"] == "VPC_NATIVE"
    assert i["ipAllocationPolicy"] == {"clusterSecondaryRangeName": "pods", "servicesSecondaryRangeName": "services"}
    assert i["minMasterVersion"] == "1.34"
    assert i["nodeConfig"]["shieldedInstanceConfig"] == {"enableSecureBoot": True, "enableIntegrityMonitoring": True}
    assert i["nodeConfig"]["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}
    protected = stack != "gke-l4-dev"
    assert i["deletionProtection"] is protected
    assert cluster.protect is protected
    assert set(cluster.ignore_changes) == {"nodeConfig", "initialNodeCount"}
    assert i["enableMultiNetworking"] is True if stack == "gke-a4-rdma" else "enableMultiNetworking" not in i
    # Binary Authorization enforces the project's policy (CIS GKE 5.1.4); no KMS key is set in a ready stack,
    # so GKE's default Secrets encryption is left as it is.
    assert i["binaryAuthorization"] == {"evaluationMode": "PROJECT_SINGLETON_POLICY_ENFORCE"}
    assert "databaseEncryption" not in i
    assert not p.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")


SECRETS_ADVISORY = (
    'databaseEncryption is not "ENCRYPTED" with a Cloud KMS keyName: Kubernetes Secrets in etcd are encrypted only '
    "with Google-managed keys"
)


@pytest.mark.parametrize("stack", STACKS)
def test_ready_stacks_pass_every_mandatory_policy_and_keep_only_the_kms_advisory(stack: str) -> None:
    """Issue 10's GKE advisories are fixed in the stacks: only Secrets encryption stays, since the KMS key is
    the user's (README "Secrets encryption"); the dev stack is unprotected on purpose."""
    from llmd_infra.plan.analyze import analyze_plan

    p = plan(stack)
    name = p.of_type("llmd-infra:gke:GkeCluster")[0].name
    violations = analyze_plan(p).violations
    assert [v.policy for v in violations if v.enforcement == "mandatory"] == []
    gke = sorted((v.policy, v.enforcement, v.urn.rsplit("::", 1)[-1], v.message)
                 for v in violations if v.policy.startswith("gke-"))  # fmt: skip
    expected = [("gke-secrets-encryption", "advisory", f"{name}-cluster", SECRETS_ADVISORY)]
    if stack == "gke-l4-dev":
        expected.insert(0, ("gke-deletion-protection", "advisory", f"{name}-cluster",
                            "deletionProtection is false: a destroy or a replacement deletes the cluster"))
    assert gke == expected


@pytest.mark.parametrize("stack", STACKS)
def test_multi_host_stacks_hold_node_upgrades(stack: str) -> None:
    """Cluster Toolkit's A3 Ultra / A4 / A4X blueprints hold minor and node upgrades until end of support."""
    [cluster] = plan(stack).of_type(CLUSTER)
    if stack not in MULTI_HOST_STACKS:
        assert "maintenancePolicy" not in cluster.inputs
        return
    assert cluster.inputs["maintenancePolicy"] == {
        "dailyMaintenanceWindow": {"startTime": "09:00"},
        "maintenanceExclusions": [{
            "exclusionName": "hold-minor-and-node-upgrades",
            "startTime": "2026-01-01T00:00:00Z",
            "exclusionOptions": {"scope": "NO_MINOR_OR_NODE_UPGRADES", "endTimeBehavior": "UNTIL_END_OF_SUPPORT"},
        }],
    }


@pytest.mark.parametrize("stack", STACKS)
def test_no_ready_stack_asks_for_the_latest_gpu_driver(stack: str) -> None:
    """llm-d's wide-EP GKE guide: R580 drivers crash DeepEP kernels, and `latest` can resolve to R580."""
    for pool in plan(stack).of_type(NODE_POOL):
        for accelerator in pool.inputs["nodeConfig"].get("guestAccelerators", []):
            assert accelerator["gpuDriverInstallationConfig"]["gpuDriverVersion"] != "LATEST", pool.name


@pytest.mark.parametrize("stack", STACKS)
def test_every_node_pool_is_hardened(stack: str) -> None:
    (account,) = plan(stack).of_type("gcp:serviceaccount/account:Account")
    for pool in plan(stack).of_type(NODE_POOL):
        nc = pool.inputs["nodeConfig"]
        assert nc["imageType"] == "COS_CONTAINERD"
        assert nc["shieldedInstanceConfig"] == {"enableSecureBoot": True, "enableIntegrityMonitoring": True}
        assert nc["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}
        # The dedicated node service account's email, known in preview (derived from id and project).
        assert nc["serviceAccount"] == f"{account.inputs['accountId']}@my-gcp-project.iam.gserviceaccount.com"
        assert nc["metadata"] == {"disable-legacy-endpoints": "true"}
        assert pool.inputs["management"] == {"autoRepair": True, "autoUpgrade": True}
        assert pool.delete_before_replace is True


@pytest.mark.parametrize("stack", STACKS)
def test_system_pool(stack: str) -> None:
    p = plan(stack)
    sp = p.named(f"{p.of_type('llmd-infra:gke:GkeCluster')[0].name}-system-nodes").inputs
    assert sp["name"] == "system"
    assert sp["nodeConfig"]["machineType"] == "e2-standard-16"
    assert sp["nodeConfig"]["labels"] == {"llm-d.ai/role": "system"}
    assert "taints" not in sp["nodeConfig"]


# --- accelerator pools --------------------------------------------------------------------------


def test_a3_ultra_dranet_pool() -> None:
    p = plan("gke-a3-ultra")
    pool = p.named("llmd-a3-ultra-a3u-h200-nodes")
    i = pool.inputs
    assert pool.protect is True
    assert i["name"] == "a3u-h200"
    assert i["nodeLocations"] == ["us-central1-b"]
    assert i["nodeCount"] == 2
    assert "autoscaling" not in i
    assert i["placementPolicy"] == {"type": "COMPACT"}
    assert i["networkConfig"] == {"acceleratorNetworkProfile": "auto"}
    assert i["upgradeSettings"] == {"strategy": "SURGE", "maxSurge": 0, "maxUnavailable": 1}
    nc = i["nodeConfig"]
    assert nc["machineType"] == "a3-ultragpu-8g"
    assert nc["guestAccelerators"] == [{
        "type": "nvidia-h200-141gb", "count": 8,
        "gpuDriverInstallationConfig": {"gpuDriverVersion": "INSTALLATION_DISABLED"},
    }]
    assert nc["labels"] == {
        "llm-d.ai/pool": "a3u-h200",
        MULTI_HOST_LABEL: "true",
        "cloud.google.com/gke-networking-dra-driver": "true",
        "goog-gke-accelerator-type": "nvidia-h200-141gb",
        "nvidia.com/gpu.present": "true",
        "cloud.google.com/gke-nvidia-gpu-dra-driver": "true",
        "gke-no-default-nvidia-gpu-device-plugin": "true",
    }
    assert nc["taints"] == [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]
    assert nc["reservationAffinity"] == {
        "consumeReservationType": "SPECIFIC_RESERVATION",
        "key": "compute.googleapis.com/reservation-name",
        "values": ["a3u-reservation"],
    }
    assert nc["gvnic"] == {"enabled": True}
    assert nc["diskType"] == "hyperdisk-balanced" and nc["diskSizeGb"] == 1000
    assert "spot" not in nc and "flexStart" not in nc
    # cluster-toolkit disk_definitions.tf: a3-ultragpu-8g gives its 32 local SSDs to ephemeral storage.
    assert nc["ephemeralStorageLocalSsdConfig"] == {"localSsdCount": 32}
    assert pool.ignore_changes == ["nodeConfig.ephemeralStorageLocalSsdConfig"]


def test_a4_multi_network_pool() -> None:
    p = plan("gke-a4-rdma")
    pool = p.named("llmd-a4-rdma-a4-b200-nodes")
    i = pool.inputs
    assert i["autoscaling"] == {"totalMinNodeCount": 2, "totalMaxNodeCount": 4, "locationPolicy": "ANY"}
    assert i["initialNodeCount"] == 2 and "nodeCount" not in i
    assert i["ignoreNodeCountChanges"] is True
    assert set(pool.ignore_changes) == {"nodeCount", "initialNodeCount", "nodeConfig.ephemeralStorageLocalSsdConfig"}
    assert i["placementPolicy"] == {"type": "COMPACT"}
    nets = i["networkConfig"]["additionalNodeNetworkConfigs"]
    assert len(nets) == 9  # gvnic-1 + 8 RDMA NICs
    nc = i["nodeConfig"]
    assert nc["diskType"] == "hyperdisk-balanced" and nc["diskSizeGb"] == 1000
    assert nc["gvnic"] == {"enabled": True}
    assert nc["guestAccelerators"][0]["type"] == "nvidia-b200"
    assert nc["guestAccelerators"][0]["gpuDriverInstallationConfig"] == {"gpuDriverVersion": "DEFAULT"}
    assert nc["labels"] == {"llm-d.ai/pool": "a4-b200", MULTI_HOST_LABEL: "true"}
    assert nc["ephemeralStorageLocalSsdConfig"] == {"localSsdCount": 32}
    roce = p.named("llmd-a4-rdma-rdma-roce-vpc").inputs
    assert roce["networkProfile"] == "projects/my-gcp-project/global/networkProfiles/us-central1-b-vpc-roce"
    assert roce["mtu"] == 8896 and roce["autoCreateSubnetworks"] is False
    assert p.named("llmd-a4-rdma-rdma-gvnic-vpc").inputs["mtu"] == 8896
    cidrs = [p.named(f"llmd-a4-rdma-rdma-rdma-{n}-subnet").inputs["ipCidrRange"] for n in range(8)]
    assert cidrs == [f"192.168.{64 + n}.0/24" for n in range(8)]
    # The blueprint's "internal-1" rule on the second gVNIC network; the RoCE network gets none.
    firewall = p.named("llmd-a4-rdma-rdma-gvnic-internal")
    assert firewall.inputs == {
        "name": "llmd-a4-rdma-gvnic-1-internal",
        "project": "my-gcp-project",
        "network": "llmd-a4-rdma-gvnic-1",
        "direction": "INGRESS",
        "sourceRanges": ["192.168.0.0/24"],
        "allows": [
            {"protocol": "tcp", "ports": ["0-65535"]},
            {"protocol": "udp", "ports": ["0-65535"]},
            {"protocol": "icmp"},
        ],
        "description": "llmd-infra: traffic between the nodes of llmd-a4-rdma's second gVNIC network",
    }
    assert len(p.of_type("gcp:compute/firewall:Firewall")) == 1


def test_a4_network_objects_are_named_as_llm_d_expects() -> None:
    p = plan("gke-a4-rdma", False)
    kind = "kubernetes:networking.gke.io/v1:GKENetworkParamSet"
    params = {r.inputs["metadata"]["name"]: r.inputs for r in p.of_type(kind)}
    nets = {r.inputs["metadata"]["name"]: r.inputs for r in p.of_type("kubernetes:networking.gke.io/v1:Network")}
    expected = ["gvnic-1", *(f"rdma-{i}" for i in range(8))]
    assert sorted(params) == sorted(expected) and sorted(nets) == sorted(expected)
    assert params["rdma-3"]["spec"] == {
        "vpc": "llmd-a4-rdma-rdma", "vpcSubnet": "llmd-a4-rdma-rdma-3", "deviceMode": "RDMA"
    }
    # Cluster Toolkit gives non-RDMA networks deviceMode NetDevice; the CRD requires it for Device networks.
    assert params["gvnic-1"]["spec"] == {
        "vpc": "llmd-a4-rdma-gvnic-1", "vpcSubnet": "llmd-a4-rdma-gvnic-1", "deviceMode": "NetDevice"
    }
    assert nets["rdma-0"]["spec"] == {
        "type": "Device",
        "parametersRef": {"group": "networking.gke.io", "kind": "GKENetworkParamSet", "name": "rdma-0"},
    }


def test_tpu_v6e_slice() -> None:
    pool = plan("gke-tpu-v6e").named("llmd-tpu-v6e-v6e-4x4-nodes")
    i = pool.inputs
    assert i["placementPolicy"] == {"type": "COMPACT", "tpuTopology": "4x4"}
    assert i["nodeCount"] == 4 and i["nodeLocations"] == ["us-east5-b"]
    nc = i["nodeConfig"]
    assert nc["machineType"] == "ct6e-standard-4t"
    assert "guestAccelerators" not in nc
    assert nc["taints"] == [{"key": "google.com/tpu", "value": "present", "effect": "NO_SCHEDULE"}]
    assert nc["labels"] == {"llm-d.ai/pool": "v6e-4x4", MULTI_HOST_LABEL: "true"}
    assert nc["diskSizeGb"] == 800 and nc["diskType"] == "pd-balanced"
    assert "ephemeralStorageLocalSsdConfig" not in nc


def test_tpu_v6e_single_host_nodes_as_llm_d_serves_them() -> None:
    """llm-d's v6e guides: 2x4 nodes, 8 chips per node, one model server per node."""
    pool = plan("gke-tpu-v6e-single").named("llmd-tpu-v6e-single-v6e-2x4-nodes")
    i = pool.inputs
    assert pool.protect is True
    assert i["nodeCount"] == 2 and i["nodeLocations"] == ["us-east5-b"]
    assert "placementPolicy" not in i  # a single-host slice: no tpu_topology, no compact placement
    nc = i["nodeConfig"]
    assert nc["machineType"] == "ct6e-standard-8t"
    assert nc["labels"] == {"llm-d.ai/pool": "v6e-2x4"}
    assert nc["taints"] == [{"key": "google.com/tpu", "value": "present", "effect": "NO_SCHEDULE"}]
    assert plan("gke-tpu-v6e-single", False).outputs["acceleratorPools"] == [{
        "name": "v6e-2x4", "machineType": "ct6e-standard-8t", "accelerator": "TPU v6e", "acceleratorsPerNode": 8,
        "minNodes": 2, "maxNodes": 2, "autoscaling": False, "multiHost": False, "interconnect": "ICI",
        "zones": ["us-east5-b"],
    }]


def test_l4_dev_pool() -> None:
    pool = plan("gke-l4-dev").named("llmd-l4-dev-l4-nodes")
    i = pool.inputs
    assert pool.protect is False
    assert i["autoscaling"] == {"totalMinNodeCount": 0, "totalMaxNodeCount": 2, "locationPolicy": "ANY"}
    assert i["initialNodeCount"] == 0 and "nodeCount" not in i
    assert "placementPolicy" not in i and "networkConfig" not in i
    assert set(pool.ignore_changes) == {"nodeCount", "initialNodeCount"}
    nc = i["nodeConfig"]
    assert nc["guestAccelerators"] == [
        {"type": "nvidia-l4", "count": 2, "gpuDriverInstallationConfig": {"gpuDriverVersion": "DEFAULT"}}
    ]
    assert nc["labels"] == {"llm-d.ai/pool": "l4"}


def test_tpu7x_multi_host_uses_a_workload_policy() -> None:
    from llmd_infra.plan.engine import run_callable

    cfg = {
        "provider": "gke", "name": "t7", "project": "my-project", "region": "us-central1", "zones": ["us-central1-c"],
        "network": {"masterAuthorizedNetworks": [{"cidr": "203.0.113.0/24"}]},
        "acceleratorPools": [{"name": "ironwood", "machineType": "tpu7x-standard-4t", "tpuTopology": "4x4x4"}],
    }

    def program() -> None:
        from llmd_infra.config.stack import load_settings
        from llmd_infra.providers.gke import cluster_from_config

        cluster_from_config(load_settings())

    p = run_callable(program, project="llmd-infra", stack="t7", config={"llmd-infra:cluster": cfg})
    policy = p.named("t7-ironwood-workload-policy").inputs
    assert policy["name"] == "t7-ironwood" and policy["region"] == "us-central1"
    assert policy["workloadPolicy"] == {"type": "HIGH_THROUGHPUT", "acceleratorTopology": "4x4x4"}
    pool = p.named("t7-ironwood-nodes")
    assert pool.inputs["placementPolicy"]["type"] == "COMPACT"
    assert pool.inputs["nodeCount"] == 16
    assert p.named("t7-ironwood-workload-policy").parent == p.named("t7-ironwood").urn


def _component_program(opts_protect: bool | None, args_protect: bool | None) -> Plan:
    from llmd_infra.plan.engine import run_callable

    def program() -> None:
        import pulumi

        from llmd_infra.providers.gke import GkeCluster, GkeClusterArgs

        args: GkeClusterArgs = {
            "project": "my-project", "region": "us-central1", "zones": ["us-central1-b"],
            "network": {"master_authorized_networks": [{"cidr": "203.0.113.0/24"}]},
            "accelerator_pools": [{"name": "l4", "machine_type": "g2-standard-24"}],
            "lws": {"enabled": False},
        }
        if args_protect is not None:
            args["protect"] = args_protect
        opts = None if opts_protect is None else pulumi.ResourceOptions(protect=opts_protect)
        GkeCluster("c", args, opts)

    return run_callable(program, project="llmd-infra", stack="t")


@pytest.mark.parametrize(
    ("opts_protect", "args_protect", "expected"),
    [(None, None, True), (False, None, False), (True, None, True), (True, False, False), (False, True, True)],
)
def test_caller_opts_protect_is_the_default(opts_protect: bool | None, args_protect: bool | None,
                                            expected: bool) -> None:
    p = _component_program(opts_protect, args_protect)
    cluster = p.named("c-cluster")
    assert cluster.protect is expected
    assert cluster.inputs["deletionProtection"] is expected
    assert p.named("c-l4-nodes").protect is expected
    assert p.named("c").protect is (opts_protect is True)


# --- outputs, add-ons ---------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_outputs_and_kubeconfig(stack: str) -> None:
    p = plan(stack, False)
    kubeconfig = p.outputs["kubeconfig"]
    assert isinstance(kubeconfig, Secret)
    doc = yaml.safe_load(kubeconfig.value)
    user = doc["users"][0]["user"]
    assert user["exec"]["command"] == "gke-gcloud-auth-plugin"
    assert "token" not in user and "client-key-data" not in user
    assert doc["clusters"][0]["cluster"]["server"].startswith("https://203.0.113.")
    [provider] = p.of_type("pulumi:providers:kubernetes")
    assert isinstance(provider.inputs["kubeconfig"], Secret)
    summaries = p.outputs["acceleratorPools"]
    cfg = yaml.safe_load((REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]["llmd-infra:cluster"]
    assert [s["name"] for s in summaries] == [pool["name"] for pool in cfg["acceleratorPools"]]


def test_pool_summaries() -> None:
    assert plan("gke-a3-ultra", False).outputs["acceleratorPools"] == [{
        "name": "a3u-h200", "machineType": "a3-ultragpu-8g", "accelerator": "H200", "acceleratorsPerNode": 8,
        "minNodes": 2, "maxNodes": 2, "autoscaling": False, "multiHost": True, "interconnect": "RoCE",
        "zones": ["us-central1-b"],
    }]
    assert plan("gke-tpu-v6e", False).outputs["acceleratorPools"][0]["interconnect"] == "ICI"
    assert plan("gke-l4-dev", False).outputs["acceleratorPools"][0]["interconnect"] == "none"


@pytest.mark.parametrize("stack", STACKS)
def test_addons_use_the_cluster_provider_and_wait_for_the_system_pool_only(stack: str) -> None:
    p = plan(stack)
    [provider] = p.of_type("pulumi:providers:kubernetes")
    system_nodes = next(r for r in p.of_type(NODE_POOL) if r.name.endswith("-system-nodes"))
    accel = {r.urn for r in p.of_type(NODE_POOL)} - {system_nodes.urn}
    for r in p.resources:
        if r.type.startswith("llmd-infra:addons:"):
            assert r.providers.get("kubernetes", "").startswith(provider.urn), r.name
            assert system_nodes.urn in r.dependencies, r.name
        if r.type.startswith("kubernetes:") or r.type.startswith("llmd-infra:addons:"):
            assert not set(r.dependencies) & accel, r.name
    assert not p.of_type("llmd-infra:addons:GatewayApiCrds")  # 1.34: GKE installs the CRDs itself


def test_gateway_crds_installed_when_gke_lacks_them() -> None:
    cfg = yaml.safe_load((REPO / "stacks" / "Pulumi.gke-l4-dev.yaml").read_text())["config"]["llmd-infra:cluster"]
    cfg["kubernetesVersion"] = "1.33"
    p = run_program(REPO, "gke-l4-dev", config={"llmd-infra:cluster": json.dumps(cfg)})
    [crds] = p.of_type("llmd-infra:addons:GatewayApiCrds")
    assert crds.name == "llmd-l4-dev-gateway-crds"


# --- custom resources against the upstream CRDs -------------------------------------------------


def _custom_resources(p: Plan) -> list[PlannedResource]:
    return [r for r in p.resources if r.type.startswith("kubernetes:networking.gke.io/")]


def test_emitted_crs_validate_against_upstream_crds(tmp_path: Path) -> None:
    validator = SHARED / "tools" / "validate_crs.py"
    if not validator.is_file():
        pytest.skip(f"CR validator not found at {validator} (../shared is absent)")
    docs = []
    for stack in STACKS:
        for r in _custom_resources(plan(stack, False)):
            body = to_engine(r.inputs)
            docs.append({"apiVersion": body["apiVersion"], "kind": body["kind"], "metadata": body["metadata"],
                         "spec": body["spec"]})
    assert len(docs) == 18
    target = tmp_path / "gke-crs.yaml"
    target.write_text(yaml.safe_dump_all(docs))
    result = subprocess.run([sys.executable, str(validator), str(target)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("OK") == 18


# --- README -------------------------------------------------------------------------------------


def test_readme_commands_match_the_project() -> None:
    readme = (REPO / "providers" / "gke" / "README.md").read_text()
    project = yaml.safe_load((REPO / "Pulumi.yaml").read_text())
    assert project["stackConfigDir"] == "stacks"
    assert "`stackConfigDir: stacks`" in readme
    assert "pulumi stack select gke-a3-ultra --create\n" in readme and "stack init" not in readme
    assert "pulumi config set gcp:project <project-id>\n" in readme
    assert "pulumi preview --policy-pack policies\n" in readme
    assert "gcloud services enable container.googleapis.com compute.googleapis.com" in " ".join(readme.split())
    # The --path keys and the scale-to-zero command name what the a3-ultra stack really has.
    cfg = yaml.safe_load((REPO / "stacks" / "Pulumi.gke-a3-ultra.yaml").read_text())["config"]["llmd-infra:cluster"]
    assert cfg["network"]["masterAuthorizedNetworks"][0]["cidr"]
    assert cfg["acceleratorPools"][0]["reservation"]["name"]
    assert (
        f"gcloud container clusters resize {cfg['name']} --node-pool {cfg['acceleratorPools'][0]['name']} "
        f"--num-nodes 0 --location {cfg['region']}\n"
    ) in readme


# --- A4X on DRANET, flex-start (issue 9 items 4 and 7) -----------------------------------------------


def _cluster_plan(pools: list[dict[str, Any]], version: str = "1.34") -> Plan:
    from llmd_infra.plan.engine import run_callable

    cfg = {
        "provider": "gke", "name": "gb", "project": "my-project", "region": "us-central1",
        "zones": ["us-central1-b"], "kubernetesVersion": version,
        "network": {"masterAuthorizedNetworks": [{"cidr": "203.0.113.0/24"}]}, "acceleratorPools": pools,
    }

    def program() -> None:
        from llmd_infra.config.stack import load_settings
        from llmd_infra.providers.gke import cluster_from_config

        cluster_from_config(load_settings())

    return run_callable(program, project="llmd-infra", stack="gb", config={"llmd-infra:cluster": cfg})


A4X = {"name": "gb200", "machineType": "a4x-highgpu-4g", "rdma": "dranet", "multiHost": True, "nodeCount": 2,
       "reservation": {"name": "a4x-res"}}


def test_a4x_on_dranet_gets_the_nics_only() -> None:
    """llm-d's gke/a4x overlay: nvidia.com/gpu through GKE's device plugin, DRANET for the NICs only."""
    p = _cluster_plan([A4X])
    nc = p.named("gb-gb200-nodes").inputs["nodeConfig"]
    assert nc["guestAccelerators"] == [
        {"type": "nvidia-gb200", "count": 4, "gpuDriverInstallationConfig": {"gpuDriverVersion": "DEFAULT"}}
    ]
    assert nc["labels"] == {
        "llm-d.ai/pool": "gb200", MULTI_HOST_LABEL: "true", "cloud.google.com/gke-networking-dra-driver": "true"
    }
    assert nc["ephemeralStorageLocalSsdConfig"] == {"localSsdCount": 0}  # the machine's own bundle
    assert p.named("gb-gb200-nodes").inputs["networkConfig"] == {"acceleratorNetworkProfile": "auto"}
    assert not p.of_type("llmd-infra:addons:NvidiaDraDriver")
    assert not p.of_type("llmd-infra:gke:CosNvidiaDriverInstaller")


def test_arm_pool_on_the_full_dra_path_gets_the_arm64_toleration() -> None:
    p = _cluster_plan([{**A4X, "gpuDriver": "disabled"}])
    nc = p.named("gb-gb200-nodes").inputs["nodeConfig"]
    assert nc["guestAccelerators"][0]["gpuDriverInstallationConfig"] == {"gpuDriverVersion": "INSTALLATION_DISABLED"}
    assert nc["labels"]["gke-no-default-nvidia-gpu-device-plugin"] == "true"
    assert nc["labels"]["goog-gke-accelerator-type"] == "nvidia-gb200"
    assert len(p.of_type("llmd-infra:gke:CosNvidiaDriverInstaller")) == 1
    values = p.named("gb-nvidia-dra-release").inputs["values"]
    assert values["kubeletPlugin"]["tolerations"] == [
        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "kubernetes.io/arch", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"},
    ]


def test_flex_start_pools_turn_auto_repair_off() -> None:
    flex = {"name": "flex", "machineType": "a4-highgpu-8g", "flexStart": True,
            "autoscaling": {"minNodes": 0, "maxNodes": 2}}
    p = _cluster_plan([flex, {"name": "l4", "machineType": "g2-standard-24"}])
    flex_pool = p.named("gb-flex-nodes").inputs
    assert flex_pool["management"] == {"autoRepair": False, "autoUpgrade": True}
    assert flex_pool["nodeConfig"]["flexStart"] is True
    assert flex_pool["nodeConfig"]["reservationAffinity"] == {"consumeReservationType": "NO_RESERVATION"}
    assert p.named("gb-l4-nodes").inputs["management"] == {"autoRepair": True, "autoUpgrade": True}
