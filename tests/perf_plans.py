"""Generated plans of any size for the performance tests and benchmarks (``benchmarks/`` imports this).

Per 100 resources: one GKE cluster (an unknown input, a secret, protected every other time), nine
GPU node pools of three machine families (multi-host, two zones, counts as integers), two DOKS
clusters, two LWS Helm releases (one below the version llm-d needs), one OpenShift MachineSet and 85
ConfigMaps no resource policy judges; stack outputs with a secret kubeconfig. Every requirement
and security family fires somewhere, and some verdicts depend on values unknown in preview.
"""

from __future__ import annotations

from collections.abc import Callable

from llmd_infra.plan.graph import Plan, PlannedResource
from llmd_infra.plan.values import UNKNOWN, Secret

PROJECT = "bench"
STACK_URN = f"urn:pulumi:{PROJECT}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{PROJECT}"
GKE_CLUSTER = "gcp:container/cluster:Cluster"
GKE_NODE_POOL = "gcp:container/nodePool:NodePool"
DOKS_CLUSTER = "digitalocean:index/kubernetesCluster:KubernetesCluster"
HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
MACHINE_SET = "kubernetes:machine.openshift.io/v1beta1:MachineSet"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
_MACHINES = (
    ("a3-ultragpu-8g", "nvidia-h200-141gb"),
    ("g2-standard-96", "nvidia-l4"),
    ("n1-standard-8", "nvidia-tesla-t4"),
)


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:{PROJECT}::{PROJECT}::{type_}::{name}"


def _resource(type_: str, name: str, inputs: dict[str, object], **options: object) -> PlannedResource:
    return PlannedResource(urn=urn(type_, name), type=type_, name=name, parent=STACK_URN, custom=True,
                           inputs=inputs, **options)  # type: ignore[arg-type]


def synthetic_plan(n: int) -> Plan:
    """A plan of exactly ``n`` resources (see the module docstring for its mix)."""
    resources: list[PlannedResource] = []
    i = 0
    while len(resources) < n:
        cluster = _resource(
            GKE_CLUSTER,
            f"c{i}",
            {
                "location": "us-central1-a",
                "minMasterVersion": "1.28" if i % 3 else "1.31",
                "removeDefaultNodePool": True,
                "enableLegacyAbac": i % 4 == 0,
                "network": UNKNOWN,
                "masterAuth": {"clientCertificateConfig": {"issueClientCertificate": False}},
                "privateClusterConfig": {"enablePrivateNodes": True, "masterIpv4CidrBlock": Secret("172.16.0.0/28")},
            },
            protect=i % 2 == 0,
        )
        resources.append(cluster)
        for j in range(9):
            machine, accelerator = _MACHINES[j % 3]
            resources.append(
                _resource(
                    GKE_NODE_POOL,
                    f"p{i}-{j}",
                    {
                        "cluster": UNKNOWN,
                        "location": "us-central1",
                        "nodeLocations": ["us-central1-a", "us-central1-b"] if j % 2 else ["us-central1-a"],
                        "nodeCount": 2,
                        "nodeConfig": {
                            "machineType": machine if j != 8 else UNKNOWN,
                            "labels": {"llm-d.ai/multi-host": "true" if j % 4 else "false"},
                            "guestAccelerators": [{"type": accelerator, "count": 8}],
                            "serviceAccount": UNKNOWN if j % 5 == 0 else "nodes@p.iam.gserviceaccount.com",
                        },
                    },
                    dependencies=[cluster.urn],
                    property_dependencies={"cluster": [cluster.urn]} if j % 2 else {},
                )
            )
        for j in range(2):
            resources.append(
                _resource(
                    DOKS_CLUSTER,
                    f"d{i}-{j}",
                    {
                        "region": "nyc2",
                        "version": "1.28.2-do.0" if j else "1.31.1-do.0",
                        "surgeUpgrade": j == 0,
                        "nodePool": {"name": "gpu", "size": "gpu-h100x8-640gb", "nodeCount": 2,
                                     "labels": {"llm-d.ai/multi-host": "true"}},
                        "nvidiaGpuDevicePlugin": {"enabled": j == 0},
                    },
                )
            )
            resources.append(
                _resource(
                    HELM_RELEASE,
                    f"lws{i}-{j}",
                    {"chart": "oci://registry.k8s.io/lws/charts/lws", "version": "0.6.0" if j else "0.9.0",
                     "namespace": "lws-system"},
                    protect=j == 0,
                )
            )
        resources.append(
            _resource(
                MACHINE_SET,
                f"ms{i}",
                {
                    "apiVersion": "machine.openshift.io/v1beta1",
                    "kind": "MachineSet",
                    "metadata": {"name": f"gpu-{i}"},
                    "spec": {"replicas": 2, "template": {"spec": {"providerSpec": {"value": {
                        "instanceType": "p5.48xlarge", "placement": {"availabilityZone": "us-east-1a"}}}}}},
                },
            )
        )
        for j in range(85):
            resources.append(_resource(CONFIG_MAP, f"cm{i}-{j}", {"data": {"k": "v" * 20}}))
        i += 1
    resources = resources[:n]
    for resource in resources:
        resource.outputs = dict(resource.inputs)
    return Plan(PROJECT, PROJECT, True, resources, {"kubeconfig": Secret("apiVersion: v1")}, stack_urn=STACK_URN)


def raw_program(n: int) -> Callable[[], None]:
    """A Pulumi program of exactly ``n`` raw resources with the mix of :func:`synthetic_plan`
    (typed SDK classes; each cluster's pools take its name, an output unknown in preview)."""

    def program() -> None:
        import pulumi
        import pulumi_digitalocean as do
        import pulumi_gcp as gcp
        import pulumi_kubernetes as k8s

        count = 0

        def room() -> bool:
            return count < n

        i = 0
        while room():
            cluster = gcp.container.Cluster(
                f"c{i}",
                location="us-central1-a",
                min_master_version="1.28" if i % 3 else "1.31",
                remove_default_node_pool=True,
                initial_node_count=1,
                enable_legacy_abac=i % 4 == 0,
                opts=pulumi.ResourceOptions(protect=i % 2 == 0),
            )
            count += 1
            for j in range(9):
                if not room():
                    break
                machine, accelerator = _MACHINES[j % 3]
                gcp.container.NodePool(
                    f"p{i}-{j}",
                    cluster=cluster.name,
                    location="us-central1",
                    node_locations=["us-central1-a", "us-central1-b"] if j % 2 else ["us-central1-a"],
                    node_count=2,
                    node_config=gcp.container.NodePoolNodeConfigArgs(
                        machine_type=machine,
                        labels={"llm-d.ai/multi-host": "true" if j % 4 else "false"},
                        guest_accelerators=[
                            gcp.container.NodePoolNodeConfigGuestAcceleratorArgs(type=accelerator, count=8)
                        ],
                    ),
                )
                count += 1
            for j in range(2):
                if not room():
                    break
                do.KubernetesCluster(
                    f"d{i}-{j}",
                    region="nyc2",
                    version="1.28.2-do.0" if j else "1.31.1-do.0",
                    node_pool=do.KubernetesClusterNodePoolArgs(name="gpu", size="gpu-h100x8-640gb", node_count=2),
                )
                count += 1
                if not room():
                    break
                k8s.helm.v3.Release(
                    f"lws{i}-{j}",
                    chart="oci://registry.k8s.io/lws/charts/lws",
                    version="0.6.0" if j else "0.9.0",
                    namespace="lws-system",
                    opts=pulumi.ResourceOptions(protect=j == 0),
                )
                count += 1
            for j in range(86):
                if not room():
                    break
                k8s.core.v1.ConfigMap(f"cm{i}-{j}", data={"k": "v" * 20})
                count += 1
            i += 1

    return program
