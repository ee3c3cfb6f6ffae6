"""The exact contract of each ready OpenShift stack, under the offline plan engine."""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from llmd_infra import pins
from llmd_infra.contract import MULTI_HOST_LABEL
from llmd_infra.plan.engine import run_program
from llmd_infra.plan.graph import Plan, PlannedResource
from llmd_infra.plan.values import Secret, to_engine
from llmd_infra.providers.openshift.fakes import offline_kubeconfig

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
VALIDATOR = SHARED / "tools" / "validate_crs.py"
OPENSHIFT_CRDS = REPO / "tests" / "data" / "openshift-crds"
STACKS = ("ocp-aws-p5", "ocp-l40s")

MACHINE_SET = "kubernetes:machine.openshift.io/v1beta1:MachineSet"
AUTOSCALER = "kubernetes:autoscaling.openshift.io/v1beta1:MachineAutoscaler"
PLACEMENT_GROUP = "aws:ec2/placementGroup:PlacementGroup"
SUBSCRIPTION = "kubernetes:operators.coreos.com/v1alpha1:Subscription"
OPERATOR_GROUP = "kubernetes:operators.coreos.com/v1:OperatorGroup"
NAMESPACE = "kubernetes:core/v1:Namespace"


@cache
def plan(stack: str, preview: bool = True) -> Plan:
    return run_program(REPO, stack, preview=preview)


def shape(p: Plan) -> set[tuple[str, str, str]]:
    """(type, name, parent name) of every resource."""
    names = {r.urn: r.name for r in p.resources}
    return {(r.type, r.name, names.get(r.parent, "<stack>")) for r in p.resources}


def body(r: PlannedResource) -> dict[str, Any]:
    return to_engine(r.inputs)  # type: ignore[no-any-return]


def operators(name: str) -> set[tuple[str, str, str]]:
    """The OLM operators both stacks install (NFD, GPU Operator, LWS with cert-manager) and GAIE's CRDs."""
    lws, nfd, gpu = f"{name}-lws", f"{name}-nfd", f"{name}-gpu-operator"
    return {
        ("llmd-infra:openshift:OpenShiftCluster", name, "<stack>"),
        ("pulumi:providers:kubernetes", f"{name}-k8s", name),
        ("llmd-infra:addons:NodeFeatureDiscovery", nfd, name),
        (NAMESPACE, f"{nfd}-namespace", nfd),
        (OPERATOR_GROUP, f"{nfd}-operator-group", nfd),
        (SUBSCRIPTION, f"{nfd}-subscription", nfd),
        ("kubernetes:nfd.openshift.io/v1:NodeFeatureDiscovery", f"{nfd}-instance", nfd),
        ("llmd-infra:addons:NvidiaGpuOperator", gpu, name),
        (NAMESPACE, f"{gpu}-namespace", gpu),
        (OPERATOR_GROUP, f"{gpu}-operator-group", gpu),
        (SUBSCRIPTION, f"{gpu}-subscription", gpu),
        ("kubernetes:nvidia.com/v1:ClusterPolicy", f"{gpu}-cluster-policy", gpu),
        ("llmd-infra:openshift:LeaderWorkerSetOperator", lws, name),
        (NAMESPACE, f"{lws}-cert-manager-namespace", lws),
        (OPERATOR_GROUP, f"{lws}-cert-manager-operator-group", lws),
        (SUBSCRIPTION, f"{lws}-cert-manager-subscription", lws),
        (NAMESPACE, f"{lws}-operator-namespace", lws),
        (OPERATOR_GROUP, f"{lws}-operator-operator-group", lws),
        (SUBSCRIPTION, f"{lws}-operator-subscription", lws),
        ("kubernetes:operator.openshift.io/v1:LeaderWorkerSetOperator", f"{lws}-instance", lws),
        ("llmd-infra:addons:GatewayApiCrds", f"{name}-gateway-crds", name),
        ("kubernetes:yaml/v2:ConfigFile", f"{name}-gateway-crds-inference-extension", f"{name}-gateway-crds"),
    }


# --- resource graph -------------------------------------------------------------------------------


def test_p5_resources() -> None:
    name, pool = "ocp-aws-p5", "ocp-aws-p5-h100"
    efa, scc = f"{name}-efa-device-plugin", f"{name}-rdma-scc"
    assert shape(plan("ocp-aws-p5")) == operators(name) | {
        ("llmd-infra:openshift:AcceleratorMachineSet", pool, name),
        (PLACEMENT_GROUP, f"{pool}-placement-group", pool),
        (MACHINE_SET, f"{pool}-machineset", pool),
        ("llmd-infra:openshift:EfaDevicePlugin", efa, name),
        (NAMESPACE, f"{efa}-namespace", efa),
        ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", f"{efa}-privileged-scc", efa),
        ("kubernetes:helm.sh/v3:Release", f"{efa}-release", efa),
        ("llmd-infra:openshift:RdmaSecurityContext", scc, name),
        ("kubernetes:security.openshift.io/v1:SecurityContextConstraints", f"{scc}-scc", scc),
        ("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", f"{scc}-role", scc),
        ("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", f"{scc}-binding", scc),
        # the Red Hat build of Kueue and the TAS objects of the multi-host pool (tests/test_kueue_stacks.py)
        *((t, f"{name}-kueue{suffix}", f"{name}-kueue" if suffix else name) for t, suffix in (
            ("llmd-infra:addons:Kueue", ""), (NAMESPACE, "-namespace"), (OPERATOR_GROUP, "-operator-group"),
            (SUBSCRIPTION, "-subscription"), ("kubernetes:kueue.openshift.io/v1:Kueue", "-instance"),
            ("kubernetes:core/v1:NamespacePatch", "-managed-default"),
            ("kubernetes:kueue.x-k8s.io/v1beta2:Topology", "-topology-openshift-hostname"),
            ("kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor", "-flavor-h100"),
            ("kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue", "-cluster-queue"),
            ("kubernetes:kueue.x-k8s.io/v1beta2:LocalQueue", "-local-queue-default"))),
    }


def test_l40s_resources() -> None:
    name, pool = "ocp-l40s", "ocp-l40s-l40s"
    assert shape(plan("ocp-l40s")) == operators(name) | {
        ("llmd-infra:openshift:AcceleratorMachineSet", pool, name),
        (MACHINE_SET, f"{pool}-machineset", pool),
        (AUTOSCALER, f"{pool}-autoscaler", f"{pool}-machineset"),
    }


@pytest.mark.parametrize("stack", STACKS)
def test_no_cluster_is_created_and_nothing_outside_the_cluster_but_placement_groups(stack: str) -> None:
    types = {r.type for r in plan(stack).resources}
    assert {t.split(":")[0] for t in types} == ({"llmd-infra", "pulumi", "kubernetes", "aws"} if stack == "ocp-aws-p5"
                                                 else {"llmd-infra", "pulumi", "kubernetes"})
    assert {t for t in types if t.startswith("aws:")} <= {PLACEMENT_GROUP}


# --- MachineSets ----------------------------------------------------------------------------------


def test_p5_machine_set_is_hardened_efa_and_placed() -> None:
    ms = plan("ocp-aws-p5").named("ocp-aws-p5-h100-machineset")
    name = "ocp-llmd-x7k2p-h100-us-east-2a"
    assert ms.protect is True and ms.delete_before_replace is True and not ms.ignore_changes
    assert body(ms) == {
        "apiVersion": "machine.openshift.io/v1beta1",
        "kind": "MachineSet",
        "metadata": {
            "name": name,
            "namespace": "openshift-machine-api",
            "labels": {"machine.openshift.io/cluster-api-cluster": "ocp-llmd-x7k2p", "llm-d.ai/pool": "h100"},
        },
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"machine.openshift.io/cluster-api-cluster": "ocp-llmd-x7k2p",
                                         "machine.openshift.io/cluster-api-machineset": name}},
            "template": {
                "metadata": {"labels": {
                    "machine.openshift.io/cluster-api-cluster": "ocp-llmd-x7k2p",
                    "machine.openshift.io/cluster-api-machine-role": "worker",
                    "machine.openshift.io/cluster-api-machine-type": "worker",
                    "machine.openshift.io/cluster-api-machineset": name,
                }},
                "spec": {
                    "metadata": {"labels": {
                        "node-role.kubernetes.io/worker": "",
                        "llm-d.ai/pool": "h100",
                        "cluster-api/accelerator": "nvidia-h100",
                        MULTI_HOST_LABEL: "true",
                        "llm-d.ai/efa": "true",
                    }},
                    "taints": [{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}],
                    "providerSpec": {"value": {
                        "apiVersion": "machine.openshift.io/v1beta1",
                        "kind": "AWSMachineProviderConfig",
                        "ami": {"id": "ami-0123456789abcdef0"},
                        "instanceType": "p5.48xlarge",
                        "deviceIndex": 0,
                        "placement": {"region": "us-east-2", "availabilityZone": "us-east-2a"},
                        "subnet": {"id": "subnet-0123456789abcdef0"},
                        "securityGroups": [{"id": "sg-0123456789abcdef0"}, {"id": "sg-0123456789abcdef1"}],
                        "iamInstanceProfile": {"id": "ocp-llmd-x7k2p-worker-profile"},
                        "credentialsSecret": {"name": "aws-cloud-credentials"},
                        "userDataSecret": {"name": "worker-user-data"},
                        "blockDevices": [{"ebs": {"volumeSize": 1000, "volumeType": "gp3", "encrypted": True}}],
                        "metadataServiceOptions": {"authentication": "Required"},
                        "publicIp": False,
                        "networkInterfaceType": "EFA",
                        "placementGroupName": "ocp-llmd-x7k2p-h100",
                        "tags": [
                            {"name": "kubernetes.io/cluster/ocp-llmd-x7k2p", "value": "owned"},
                            {"name": "managed-by", "value": "llmd-infra"},
                        ],
                    }},
                },
            },
        },
    }
    group = plan("ocp-aws-p5").named("ocp-aws-p5-h100-placement-group")
    assert group.inputs == {
        "name": "ocp-llmd-x7k2p-h100", "strategy": "cluster", "region": "us-east-2",
        "tags": {"managed-by": "llmd-infra", "llm-d.ai/cluster": "ocp-llmd-x7k2p"},
    }
    assert group.protect is True
    assert group.urn in ms.dependencies


def test_l40s_machine_set_is_autoscaled_and_single_host() -> None:
    p = plan("ocp-l40s")
    ms = p.named("ocp-l40s-l40s-machineset")
    spec = body(ms)["spec"]
    assert spec["replicas"] == 1
    assert ms.ignore_changes == ["spec.replicas"]
    value = spec["template"]["spec"]["providerSpec"]["value"]
    assert (value["instanceType"], value["networkInterfaceType"]) == ("g6e.2xlarge", "ENA")
    assert "placementGroupName" not in value and "spotMarketOptions" not in value
    assert value["blockDevices"] == [{"ebs": {"volumeSize": 300, "volumeType": "gp3", "encrypted": True}}]
    assert spec["template"]["spec"]["metadata"]["labels"] == {
        "node-role.kubernetes.io/worker": "", "llm-d.ai/pool": "l40s", "cluster-api/accelerator": "nvidia-l40s",
    }
    autoscaler = p.named("ocp-l40s-l40s-autoscaler")
    assert body(autoscaler) == {
        "apiVersion": "autoscaling.openshift.io/v1beta1",
        "kind": "MachineAutoscaler",
        "metadata": {"name": "ocp-llmd-x7k2p-l40s-us-east-2a", "namespace": "openshift-machine-api"},
        "spec": {
            "minReplicas": 1,
            "maxReplicas": 2,
            "scaleTargetRef": {"apiVersion": "machine.openshift.io/v1beta1", "kind": "MachineSet",
                               "name": "ocp-llmd-x7k2p-l40s-us-east-2a"},
        },
    }
    assert ms.urn in autoscaler.dependencies


# --- operators ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_lws_through_red_hats_operator_after_cert_manager(stack: str) -> None:
    p = plan(stack)
    cert = p.named(f"{stack}-lws-cert-manager-subscription")
    lws = p.named(f"{stack}-lws-operator-subscription")
    instance = p.named(f"{stack}-lws-instance")
    assert body(cert)["metadata"] == {"name": "openshift-cert-manager-operator", "namespace": "cert-manager-operator"}
    assert body(cert)["spec"] == {
        "name": "openshift-cert-manager-operator", "channel": "stable-v1", "source": "redhat-operators",
        "sourceNamespace": "openshift-marketplace", "installPlanApproval": "Automatic",
    }
    assert body(p.named(f"{stack}-lws-cert-manager-operator-group"))["spec"] == {}  # AllNamespaces
    assert body(lws)["metadata"] == {"name": "leader-worker-set", "namespace": "openshift-lws-operator"}
    assert body(lws)["spec"] == {
        "name": "leader-worker-set", "channel": "stable-v1.0", "source": "redhat-operators",
        "sourceNamespace": "openshift-marketplace", "installPlanApproval": "Automatic",
    }
    own_namespace = {"targetNamespaces": ["openshift-lws-operator"]}
    assert body(p.named(f"{stack}-lws-operator-operator-group"))["spec"] == own_namespace
    assert body(p.named(f"{stack}-lws-operator-namespace"))["metadata"] == {
        "name": "openshift-lws-operator", "labels": {"openshift.io/cluster-monitoring": "true"}
    }
    assert body(instance) == {
        "apiVersion": "operator.openshift.io/v1",
        "kind": "LeaderWorkerSetOperator",
        "metadata": {"name": "cluster"},
        "spec": {"managementState": "Managed", "logLevel": "Normal", "operatorLogLevel": "Normal"},
    }
    assert instance.protect is True
    assert cert.urn in lws.dependencies and lws.urn in instance.dependencies
    charts = [r.inputs["chart"] for r in p.of_type("kubernetes:helm.sh/v3:Release")]
    assert charts == (["aws-efa-k8s-device-plugin"] if stack == "ocp-aws-p5" else [])  # no upstream LWS chart


@pytest.mark.parametrize("stack", STACKS)
def test_gpu_operator_and_nfd_through_olm(stack: str) -> None:
    p = plan(stack)
    assert body(p.named(f"{stack}-gpu-operator-subscription"))["spec"]["name"] == "gpu-operator-certified"
    assert body(p.named(f"{stack}-gpu-operator-cluster-policy"))["spec"]["operator"] == {
        "defaultRuntime": "crio", "use_ocp_driver_toolkit": True
    }
    assert body(p.named(f"{stack}-nfd-subscription"))["spec"]["channel"] == "stable"


@pytest.mark.parametrize("stack", STACKS)
def test_only_gaie_crds_on_openshift_4_20(stack: str) -> None:
    p = plan(stack)
    [bundle] = p.of_type("kubernetes:yaml/v2:ConfigFile")
    assert bundle.inputs["file"] == pins.GAIE.chart.format(version=pins.GAIE.version)
    assert bundle.protect is True


def test_efa_device_plugin_and_rdma_scc() -> None:
    p = plan("ocp-aws-p5")
    release = p.named("ocp-aws-p5-efa-device-plugin-release")
    assert (release.inputs["chart"], release.inputs["version"], release.inputs["namespace"]) == (
        "aws-efa-k8s-device-plugin", "v0.5.30", "aws-efa-device-plugin"
    )
    assert release.inputs["repositoryOpts"] == {"repo": "https://aws.github.io/eks-charts"}
    assert release.inputs["skipAwait"] is True
    assert release.inputs["values"] == {
        "image": {"repository": "public.ecr.aws/eks/aws-efa-k8s-device-plugin", "tag": "v0.5.20"},
        "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
        "nodeSelector": {"llm-d.ai/efa": "true"},
    }
    binding = body(p.named("ocp-aws-p5-efa-device-plugin-privileged-scc"))
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                  "name": "system:openshift:scc:privileged"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "default", "namespace": "aws-efa-device-plugin"}]
    role = body(p.named("ocp-aws-p5-rdma-scc-role"))
    assert role["rules"] == [{"apiGroups": ["security.openshift.io"], "resources": ["securitycontextconstraints"],
                              "resourceNames": ["llm-d-rdma"], "verbs": ["use"]}]
    crb = body(p.named("ocp-aws-p5-rdma-scc-binding"))
    assert crb["subjects"] == [{"kind": "ServiceAccount", "name": "default", "namespace": "llm-d"}]
    scc = body(p.named("ocp-aws-p5-rdma-scc-scc"))
    assert scc["allowedCapabilities"] == ["IPC_LOCK", "SYS_RAWIO", "NET_ADMIN", "NET_RAW"]
    assert scc["allowPrivilegedContainer"] is False and scc["allowHostNetwork"] is False
    assert scc["allowHostDirVolumePlugin"] is False and "hostPath" not in scc["volumes"]


def _nullable(schema: Any) -> Any:
    """OpenAPI ``nullable: true`` as JSON Schema (null allowed; a nullable required key may be absent, which
    the API server decodes as null)."""
    if isinstance(schema, list):
        return [_nullable(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _nullable(v) for k, v in schema.items() if k != "nullable"}
    if schema.get("nullable") and "type" in schema:
        out["type"] = [schema["type"], "null"]
    if "required" in schema and "properties" in schema:
        out["required"] = [k for k in schema["required"] if not schema["properties"].get(k, {}).get("nullable")]
    return out


def test_rdma_scc_validates_against_openshifts_schema() -> None:
    """validate_crs.py treats security.openshift.io as built in; its schema comes from openshift/api."""
    crd = yaml.safe_load((OPENSHIFT_CRDS / "security.openshift.io_securitycontextconstraints.yaml").read_text())
    schema = _nullable(crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"])
    scc = body(plan("ocp-aws-p5").named("ocp-aws-p5-rdma-scc-scc"))
    jsonschema.validate(scc, schema)
    assert set(scc) - {"metadata"} <= set(schema["properties"])
    with pytest.raises(jsonschema.ValidationError):  # the schema is strict enough to catch a typo'd type
        jsonschema.validate({**scc, "allowHostNetwork": "no"}, schema)


# --- outputs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_outputs_and_ambient_kubeconfig(stack: str) -> None:
    p = plan(stack, False)
    assert p.outputs["kubeconfig"] == Secret(offline_kubeconfig())
    [provider] = p.of_type("pulumi:providers:kubernetes")
    assert provider.inputs["kubeconfig"] == Secret(offline_kubeconfig())
    assert [(i.token, i.args["command"]) for i in p.invokes] == [
        ("command:local:run", "kubectl config view --raw --minify --flatten")
    ]
    comp = p.of_type("llmd-infra:openshift:OpenShiftCluster")[0]
    assert comp.outputs["openshiftVersion"] == "4.20" and comp.outputs["kubernetesVersion"] == "1.33"


def test_pool_summaries() -> None:
    assert plan("ocp-aws-p5", False).outputs["acceleratorPools"] == [{
        "name": "h100", "machineType": "p5.48xlarge", "accelerator": "H100", "acceleratorsPerNode": 8,
        "minNodes": 2, "maxNodes": 2, "autoscaling": False, "multiHost": True, "interconnect": "EFA",
        "zones": ["us-east-2a"],
    }]
    assert plan("ocp-l40s", False).outputs["acceleratorPools"] == [{
        "name": "l40s", "machineType": "g6e.2xlarge", "accelerator": "L40S", "acceleratorsPerNode": 1,
        "minNodes": 1, "maxNodes": 2, "autoscaling": True, "multiHost": False, "interconnect": "none",
        "zones": ["us-east-2a"],
    }]


# --- every custom resource against its CRD --------------------------------------------------------


def custom_resources(p: Plan) -> list[dict[str, Any]]:
    """Every object of a CRD kind the stack emits (not Helm releases, ConfigFiles, RBAC or SCCs)."""
    out = []
    for r in p.resources:
        group = r.type.split(":")[1].split("/")[0] if r.type.startswith("kubernetes:") else ""
        if "." not in group or group in ("helm.sh", "rbac.authorization.k8s.io", "security.openshift.io") or \
                r.type.startswith("kubernetes:yaml/"):
            continue
        inputs = body(r)
        out.append({k: inputs[k] for k in ("apiVersion", "kind", "metadata", "spec") if k in inputs})
    return out


def test_every_custom_resource_validates(tmp_path: Path) -> None:
    from tests.test_kueue import VALID  # OK, or OK with Kueue's CEL rules left unevaluated (no cel-python)

    if not VALIDATOR.is_file():
        pytest.skip(f"CR validator not found at {VALIDATOR} (../shared is absent)")
    docs = [doc for stack in STACKS for doc in custom_resources(plan(stack, False))]
    assert sorted({d["kind"] for d in docs}) == [
        "ClusterPolicy", "ClusterQueue", "Kueue", "LeaderWorkerSetOperator", "LocalQueue", "MachineAutoscaler",
        "MachineSet", "NodeFeatureDiscovery", "OperatorGroup", "ResourceFlavor", "Subscription", "Topology",
    ]
    target = tmp_path / "openshift-crs.yaml"
    target.write_text(yaml.safe_dump_all(docs))

    def run(*crds: Path) -> list[str]:
        args = [a for d in crds for a in ("--crds", str(d))]
        result = subprocess.run([sys.executable, str(VALIDATOR), *args, str(target)], capture_output=True, text=True,
                                check=False)
        return [line for line in result.stdout.splitlines() if line.strip()]

    # ../shared/crds has no CRD for nfd.openshift.io NodeFeatureDiscovery, autoscaling.openshift.io
    # MachineAutoscaler or operator.openshift.io LeaderWorkerSetOperator: those three report "no CRD" there ...
    shared = run(SHARED / "crds")
    no_crd = sorted(line.split()[2] for line in shared if line.endswith(": no CRD"))
    assert no_crd == ["Kueue", "LeaderWorkerSetOperator", "LeaderWorkerSetOperator", "MachineAutoscaler",
                      "NodeFeatureDiscovery", "NodeFeatureDiscovery"]
    assert all(VALID.fullmatch(line) for line in shared if not line.endswith(": no CRD")), shared
    # ... and validate against the upstream CRDs vendored in tests/data/openshift-crds (see its README).
    both = run(SHARED / "crds", OPENSHIFT_CRDS)
    assert len(both) == len(docs) == 32
    # The Red Hat build's cluster-scoped Kueue CR has no CRD in either set (checked by hand against
    # openshift/kueue-operator bundle/manifests/kueue.openshift.io_kueues.yaml @release-1.3).
    assert [line.split()[2] for line in both if not VALID.fullmatch(line)] == ["Kueue"], both


# --- policy pack ----------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_zero_mandatory_policy_violations(stack: str) -> None:
    from llmd_infra.plan.analyze import analyze_plan

    assert [(v.policy, v.message) for v in analyze_plan(plan(stack)).mandatory] == []


# --- README ---------------------------------------------------------------------------------------


def test_readme_commands_match_the_project_and_catalog() -> None:
    from llmd_infra.providers.openshift.catalog import AWS_INSTANCE_TYPES

    readme = (REPO / "providers" / "openshift" / "README.md").read_text()
    flat = " ".join(readme.split())
    project = yaml.safe_load((REPO / "Pulumi.yaml").read_text())
    assert project["stackConfigDir"] == "stacks" and "`stackConfigDir: stacks`" in readme
    assert "pulumi stack select ocp-aws-p5 --create\n" in readme and "stack init" not in readme
    assert "pulumi preview --policy-pack policies\n" in readme
    assert 'pulumi config set --secret kubernetes:kubeconfig "$(oc config view --raw --minify --flatten)"' in readme
    assert "oc get pods -n nvidia-gpu-operator" in readme and "oc get csv -n openshift-lws-operator" in readme
    # The --path keys name what the stack really has.
    cfg = yaml.safe_load((REPO / "stacks" / "Pulumi.ocp-aws-p5.yaml").read_text())["config"]
    aws = cfg["llmd-infra:cluster"]["aws"]
    assert cfg["aws:region"] == aws["region"] and f"pulumi config set aws:region {aws['region']}\n" in readme
    for zone in aws["subnets"]:
        assert f"'llmd-infra:cluster.aws.subnets.{zone}'" in readme
    for key in ("infrastructureId", "amiId", "securityGroupIds[0]"):
        assert f"'llmd-infra:cluster.aws.{key}'" in readme
    # The EFA bandwidth table is the catalog's aggregate divided by its network cards.
    for name in ("p4d.24xlarge", "p5.48xlarge", "p5en.48xlarge", "p6-b200.48xlarge"):
        row = AWS_INSTANCE_TYPES[name]
        assert row.max_nic_gbps is not None and row.network_cards
        share = row.max_nic_gbps / row.network_cards
        assert f"`{name}`" in flat and f"| {row.network_cards} | ~{share:g} Gbps |" in flat, name
