"""``OpenShiftCluster`` built from code and from stack settings: kubeconfig sources, add-on rules, variants."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from llmd_infra.errors import ConfigError
from llmd_infra.plan.engine import run_callable, run_program
from llmd_infra.plan.graph import Plan
from llmd_infra.plan.values import Secret, to_engine

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
VALIDATOR = SHARED / "tools" / "validate_crs.py"
OPENSHIFT_CRDS = REPO / "tests" / "data" / "openshift-crds"

KUBECONFIG = (
    "apiVersion: v1\nkind: Config\nclusters:\n- name: ocp\n  cluster: {server: 'https://api.ocp.example.com:6443'}\n"
    "contexts:\n- name: admin\n  context: {cluster: ocp, user: admin}\ncurrent-context: admin\n"
    "users:\n- name: admin\n  user: {token: sha256~offline}\n"
)
SECRET_CONFIG = {"config": {"kubernetes:kubeconfig": KUBECONFIG}, "secret_keys": ["kubernetes:kubeconfig"]}
AWS = {
    "region": "us-east-2",
    "infrastructure_id": "ocp-llmd-x7k2p",
    "ami_id": "ami-0123456789abcdef0",
    "subnets": {"us-east-2a": "subnet-0123456789abcdef0"},
    "security_group_ids": ["sg-0123456789abcdef0"],
}


def build(args: dict[str, Any], opts: pulumi.ResourceOptions | None = None, **run: Any) -> Plan:
    def program() -> None:
        from llmd_infra.providers.openshift import OpenShiftCluster

        cluster = OpenShiftCluster("ocp", {"openshift_version": "4.20", **args}, opts)  # type: ignore[typeddict-item]
        pulumi.export("kubeconfig", cluster.kubeconfig)

    return run_callable(program, project="llmd-infra", stack="t", **run)


def body(p: Plan, name: str) -> dict[str, Any]:
    return to_engine(p.named(name).inputs)  # type: ignore[no-any-return]


def config_error(args: dict[str, Any], **run: Any) -> tuple[list[str], Plan]:
    with pytest.raises(ConfigError) as info:
        build(args, **run)
    assert info.value.plan is not None
    return [str(p) for p in info.value.problems], info.value.plan


# --- kubeconfig -----------------------------------------------------------------------------------


def test_kubeconfig_from_the_secret_config_value() -> None:
    p = build({}, **SECRET_CONFIG)
    [provider] = p.of_type("pulumi:providers:kubernetes")
    assert provider.inputs["kubeconfig"] == Secret(KUBECONFIG)
    assert "context" not in provider.inputs
    assert p.outputs["kubeconfig"] == Secret(KUBECONFIG)
    assert p.invokes == []


def test_kubeconfig_context_goes_to_the_provider() -> None:
    p = build({"kubeconfig_source": {"context": "admin"}}, **SECRET_CONFIG)
    assert p.of_type("pulumi:providers:kubernetes")[0].inputs["context"] == "admin"


def test_missing_kubeconfig_is_a_config_error_before_anything() -> None:
    problems, p = config_error({})
    assert problems == [
        "kubernetes:kubeconfig: not set: run `pulumi config set --secret kubernetes:kubeconfig \"$(oc config view "
        "--raw --minify --flatten)\"`, or use the kubeconfig kubectl uses here with "
        "llmd-infra:cluster.kubeconfig.source: ambient"
    ]
    assert p.resources == []


def test_a_given_kubeconfig_wins_and_becomes_secret() -> None:
    p = build({"kubeconfig": KUBECONFIG})
    assert p.outputs["kubeconfig"] == Secret(KUBECONFIG)


def test_ambient_kubeconfig_reads_kubectl_with_the_context() -> None:
    from llmd_infra.providers.openshift.fakes import offline_kubeconfig

    p = build({"kubeconfig_source": {"source": "ambient", "context": "admin"}})
    assert [(i.token, i.args["command"]) for i in p.invokes] == [
        ("command:local:run", "kubectl config view --raw --minify --flatten --context admin")
    ]
    [provider] = p.of_type("pulumi:providers:kubernetes")
    assert provider.inputs["kubeconfig"] == Secret(offline_kubeconfig("admin"))
    assert "context" not in provider.inputs  # the minified kubeconfig's current context is that one


def test_ambient_without_a_current_context_is_refused() -> None:
    from llmd_infra.providers.openshift.kubeconfig import check_kubeconfig

    empty = "apiVersion: v1\nclusters: null\ncontexts: null\ncurrent-context: \"\"\nkind: Config\nusers: null\n"
    with pytest.raises(ConfigError) as info:
        check_kubeconfig(empty, "llmd-infra:cluster.kubeconfig.source", None)
    assert [str(p) for p in info.value.problems] == [
        "llmd-infra:cluster.kubeconfig.source: `kubectl config view --raw --minify --flatten` printed no kubeconfig "
        "with a current context: log in first (`oc login <api-url>`) or point KUBECONFIG at the cluster's kubeconfig"
    ]
    check_kubeconfig(KUBECONFIG, "x", "admin")  # a real one passes


# --- existing cluster without MachineSets ---------------------------------------------------------


def test_minimal_existing_cluster_is_the_provider_and_gaie_only() -> None:
    p = build({}, **SECRET_CONFIG)
    assert sorted((r.type, r.name) for r in p.resources) == sorted([
        ("kubernetes:yaml/v2:ConfigFile", "ocp-gateway-crds-inference-extension"),
        ("llmd-infra:addons:GatewayApiCrds", "ocp-gateway-crds"),
        ("kubernetes:core/v1:Namespace", "ocp-lws-cert-manager-namespace"),
        ("kubernetes:core/v1:Namespace", "ocp-lws-operator-namespace"),
        ("kubernetes:operator.openshift.io/v1:LeaderWorkerSetOperator", "ocp-lws-instance"),
        ("kubernetes:operators.coreos.com/v1:OperatorGroup", "ocp-lws-cert-manager-operator-group"),
        ("kubernetes:operators.coreos.com/v1:OperatorGroup", "ocp-lws-operator-operator-group"),
        ("kubernetes:operators.coreos.com/v1alpha1:Subscription", "ocp-lws-cert-manager-subscription"),
        ("kubernetes:operators.coreos.com/v1alpha1:Subscription", "ocp-lws-operator-subscription"),
        ("llmd-infra:openshift:LeaderWorkerSetOperator", "ocp-lws"),
        ("llmd-infra:openshift:OpenShiftCluster", "ocp"),
        ("pulumi:providers:kubernetes", "ocp-k8s"),
    ])
    comp = p.named("ocp")
    assert comp.outputs["acceleratorPools"] == []
    assert comp.inputs["kubernetesVersion"] == "1.33" and comp.inputs["infrastructure"] == "other"


def test_before_4_19_the_gateway_api_crds_are_installed_too() -> None:
    p = build({"openshift_version": "4.18"}, **SECRET_CONFIG)
    assert sorted(r.name for r in p.of_type("kubernetes:yaml/v2:ConfigFile")) == [
        "ocp-gateway-crds-gateway-api", "ocp-gateway-crds-inference-extension"
    ]


# --- OLM pinning ----------------------------------------------------------------------------------


def test_manual_approval_and_starting_csvs_reach_every_subscription() -> None:
    olm = {
        "approval": "Manual",
        "starting_csv": {"leader-worker-set": "leader-worker-set.v1.0.0", "gpu-operator-certified":
                         "gpu-operator-certified.v25.3.0", "nfd": "nfd.4.20.0-202511102026"},
        "channels": {"nfd": "stable", "openshift-cert-manager-operator": "stable-v1.18"},
    }
    p = build({"olm": olm, "gpu_operator": {"enabled": True}, "nfd": {"enabled": True}}, **SECRET_CONFIG)
    subscriptions = p.of_type("kubernetes:operators.coreos.com/v1alpha1:Subscription")
    specs = {r.name: to_engine(r.inputs)["spec"] for r in subscriptions}
    assert {n: s["installPlanApproval"] for n, s in specs.items()} == dict.fromkeys(specs, "Manual")
    assert {n: s.get("startingCSV") for n, s in specs.items()} == {
        "ocp-gpu-operator-subscription": "gpu-operator-certified.v25.3.0",
        "ocp-lws-cert-manager-subscription": None,
        "ocp-lws-operator-subscription": "leader-worker-set.v1.0.0",
        "ocp-nfd-subscription": "nfd.4.20.0-202511102026",
    }
    assert specs["ocp-lws-cert-manager-subscription"]["channel"] == "stable-v1.18"


def test_cert_manager_can_be_left_to_the_cluster() -> None:
    p = build({"olm": {"install_cert_manager": False}}, **SECRET_CONFIG)
    assert [r.name for r in p.resources if "cert-manager" in r.name] == []
    lws = p.named("ocp-lws-operator-subscription")
    assert set(lws.dependencies) == {p.named("ocp-k8s").urn, p.named("ocp-lws-operator-operator-group").urn}


# --- RDMA with the Network Operator (an on-premises cluster) --------------------------------------


def test_network_operator_on_openshift(tmp_path: Path) -> None:
    net = {
        "enabled": True,
        "link_types": ["ether"],
        "rdma_resource_name": "roce_gdr",
        "networks": [{"name": "multi-nic-compute", "namespace": "llm-d", "master": "ens1f0np0",
                      "ipam_range": "192.168.20.0/24"}],
    }
    p = build({"network_operator": net, "nfd": {"enabled": True}, "rdma_pods": {"namespace": "llm-d",
               "service_accounts": ["default", "llm-d-modelservice"]}}, **SECRET_CONFIG)
    sub = body(p, "ocp-network-operator-subscription")
    assert sub["metadata"] == {"name": "nvidia-network-operator", "namespace": "nvidia-network-operator"}
    assert sub["spec"] == {
        "name": "nvidia-network-operator", "channel": "v26.4", "source": "certified-operators",
        "sourceNamespace": "openshift-marketplace", "installPlanApproval": "Automatic",
    }
    assert body(p, "ocp-network-operator-operator-group")["spec"] == {"targetNamespaces": ["nvidia-network-operator"]}
    assert not p.of_type("kubernetes:helm.sh/v3:Release")
    policy = p.named("ocp-network-operator-nic-cluster-policy")
    assert p.named("ocp-network-operator-subscription").urn in policy.dependencies
    nad = body(p, "ocp-network-operator-nad-llm-d-multi-nic-compute")
    assert nad["metadata"]["annotations"] == {"k8s.v1.cni.cncf.io/resourceName": "rdma/roce_gdr"}
    assert body(p, "ocp-rdma-scc-binding")["subjects"] == [
        {"kind": "ServiceAccount", "name": "default", "namespace": "llm-d"},
        {"kind": "ServiceAccount", "name": "llm-d-modelservice", "namespace": "llm-d"},
    ]
    assert not p.of_type("llmd-infra:openshift:EfaDevicePlugin")  # no EFA pool
    if not VALIDATOR.is_file():
        pytest.skip("../shared is absent")
    kinds = ("NicClusterPolicy", "NetworkAttachmentDefinition", "Subscription", "OperatorGroup", "NodeFeatureDiscovery")
    docs = [{k: v for k, v in to_engine(r.inputs).items() if k in ("apiVersion", "kind", "metadata", "spec")}
            for r in p.resources if r.type.startswith("kubernetes:") and r.type.rsplit(":", 1)[-1] in kinds]
    target = tmp_path / "crs.yaml"
    target.write_text(yaml.safe_dump_all(docs))
    out = subprocess.run([sys.executable, str(VALIDATOR), "--crds", str(SHARED / "crds"), "--crds", str(OPENSHIFT_CRDS),
                          str(target)], capture_output=True, text=True, check=False).stdout.splitlines()
    assert len(out) == len(docs) == 11 and all(line.endswith(": OK") for line in out), out


# --- MachineSet options ---------------------------------------------------------------------------


def test_spot_reservation_kms_and_volume_options() -> None:
    aws = {**AWS, "kms_key_arn": "arn:aws:kms:us-east-2:123456789012:key/abcd", "tags": {"team": "inference"}}
    pools = [
        {"name": "spot", "instance_type": "g6e.12xlarge", "spot": True, "spot_max_price": "9.50", "efa": True,
         "root_volume": {"size_gib": 500, "iops": 6000, "throughput_mib": 500},
         "taints": [{"key": "dedicated", "value": "llm-d"}], "labels": {"team": "a"}},
        {"name": "h200", "instance_type": "p5e.48xlarge", "capacity_reservation_id": "cr-0123456789abcdef0"},
    ]
    p = build({"infrastructure": "aws", "aws": aws, "accelerator_pools": pools}, **SECRET_CONFIG)
    spot = body(p, "ocp-spot-machineset")["spec"]["template"]["spec"]
    value = spot["providerSpec"]["value"]
    assert value["spotMarketOptions"] == {"maxPrice": "9.50"}
    assert value["networkInterfaceType"] == "EFA" and "placementGroupName" not in value  # EFA, single host
    assert value["blockDevices"] == [{"ebs": {
        "volumeSize": 500, "volumeType": "gp3", "encrypted": True, "iops": 6000, "throughputMib": 500,
        "kmsKey": {"arn": "arn:aws:kms:us-east-2:123456789012:key/abcd"},
    }}]
    assert {"name": "team", "value": "inference"} in value["tags"]
    assert spot["taints"] == [
        {"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"},
        {"key": "dedicated", "value": "llm-d", "effect": "NoSchedule"},
    ]
    assert spot["metadata"]["labels"]["team"] == "a" and spot["metadata"]["labels"]["llm-d.ai/efa"] == "true"
    reserved = body(p, "ocp-h200-machineset")["spec"]["template"]["spec"]["providerSpec"]["value"]
    assert reserved["capacityReservationId"] == "cr-0123456789abcdef0" and "spotMarketOptions" not in reserved
    assert reserved["networkInterfaceType"] == "ENA"
    assert len(p.of_type("llmd-infra:openshift:EfaDevicePlugin")) == 1  # one EFA pool is enough


@pytest.mark.parametrize(
    ("opts_protect", "args_protect", "expected"),
    [(None, None, True), (False, None, False), (True, False, False), (False, True, True)],
)
def test_caller_opts_protect_is_the_default(opts_protect: bool | None, args_protect: bool | None,
                                            expected: bool) -> None:
    args: dict[str, Any] = {"infrastructure": "aws", "aws": AWS,
                            "accelerator_pools": [{"name": "p5", "instance_type": "p5.48xlarge", "multi_host": True}]}
    if args_protect is not None:
        args["protect"] = args_protect
    opts = None if opts_protect is None else pulumi.ResourceOptions(protect=opts_protect)
    p = build(args, opts, **SECRET_CONFIG)
    assert p.named("ocp-p5-machineset").protect is expected
    assert p.named("ocp-p5-placement-group").protect is expected
    assert p.named("ocp-lws-instance").protect is expected


# --- add-on rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"lws": {"version": "0.9.0"}},
         "OpenShiftCluster ocp:lws.version: on OpenShift LWS comes from Red Hat's Leader Worker Set Operator, whose "
         "channel decides the LWS version (operator 1.0 runs LWS 0.7.0); pin it with llmd-infra:cluster.olm, remove "
         "this key"),
        ({"lws": {"enable_disaggregated_set": True}},
         "OpenShiftCluster ocp:lws.enable_disaggregated_set: Red Hat's Leader Worker Set Operator (operator 1.0 runs "
         "LWS 0.7.0) has no DisaggregatedSet (LWS 0.11 and newer); remove this key"),
        ({"gpu_operator": {"enabled": True}},
         "OpenShiftCluster ocp:nfd.enabled: the NVIDIA GPU and Network Operators on OpenShift need the NFD operator's "
         "node labels; set nfd.enabled: true"),
        ({"gpu_operator": {"enabled": True, "platform": "gke"}, "nfd": {"enabled": True}},
         "OpenShiftCluster ocp:gpu_operator.platform: must be 'openshift' on this provider (or left out)"),
        ({"nfd": {"enabled": True, "version": "0.18.0"}},
         "OpenShiftCluster ocp:nfd.version: a Helm chart version, unused on OpenShift where OLM installs the operator; "
         "choose the channel (gpuOperator.olmChannel, llmd-infra:cluster.olm.channels) instead"),
        ({"network_operator": {"enabled": True, "nfd_enabled": True}, "nfd": {"enabled": True}},
         "OpenShiftCluster ocp:network_operator.nfd_enabled: the chart's bundled NFD is not used on OpenShift; use "
         "nfd.enabled"),
        ({"gateway_crds": {"install_gateway_api": True}},
         "OpenShiftCluster ocp:gateway_crds.install_gateway_api: OpenShift 4.20 owns the Gateway API CRDs (its Ingress "
         "Operator refuses other writers from 4.19); only the GAIE CRDs are installed, remove this key"),
    ],
)
def test_addon_settings_openshift_refuses(args: dict[str, Any], message: str) -> None:
    problems, p = config_error(args, **SECRET_CONFIG)
    assert problems == [message]
    assert p.resources == []


# --- from a stack file ----------------------------------------------------------------------------


def _stack_config(stack: str, **addons: Any) -> dict[str, str]:
    doc = yaml.safe_load((REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    return {"llmd-infra:addons": json.dumps({**doc["llmd-infra:addons"], **addons})}


def test_stack_addon_problems_name_the_stack_keys() -> None:
    with pytest.raises(ConfigError) as info:
        run_program(REPO, "ocp-l40s", config=_stack_config("ocp-l40s", lws={"version": "0.9.0"},
                                                           gatewayApiCrds={"installGatewayApi": True}))
    assert [p.path for p in info.value.problems] == [
        "llmd-infra:addons.lws.version", "llmd-infra:addons.gatewayApiCrds.installGatewayApi"
    ]
    assert info.value.plan is not None and info.value.plan.resources == []


def test_stack_refuses_the_sections_openshift_does_not_install() -> None:
    with pytest.raises(ConfigError) as info:
        run_program(REPO, "ocp-l40s", config=_stack_config("ocp-l40s", draDriver={"enabled": True}))
    assert [str(p) for p in info.value.problems] == [
        "llmd-infra:addons.draDriver: not used by the openshift provider: OpenShift's GPU path is the GPU Operator's "
        "device plugin (the DRA driver is GKE's DRANET path); remove this key"
    ]


def test_stack_with_a_config_kubeconfig() -> None:
    doc = yaml.safe_load((REPO / "stacks" / "Pulumi.ocp-l40s.yaml").read_text())["config"]["llmd-infra:cluster"]
    cluster = json.dumps({**doc, "kubeconfig": {"source": "config"}})
    with pytest.raises(ConfigError) as info:
        run_program(REPO, "ocp-l40s", config={"llmd-infra:cluster": cluster})
    assert [p.path for p in info.value.problems] == ["kubernetes:kubeconfig"]
    p = run_program(REPO, "ocp-l40s", config={"llmd-infra:cluster": cluster, "kubernetes:kubeconfig": KUBECONFIG})
    assert p.outputs["kubeconfig"] == Secret(KUBECONFIG)
    assert p.invokes == []
