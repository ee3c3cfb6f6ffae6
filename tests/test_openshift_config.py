"""The OpenShift ``llmd-infra:cluster`` model: every rule with its exact message, and the args contract."""

from __future__ import annotations

import copy
import sys
import typing
from typing import Any

import pytest
import typing_extensions
from pydantic import BaseModel

from llmd_infra.config.base import validate_model
from llmd_infra.errors import ConfigError
from llmd_infra.providers.openshift import args as args_module
from llmd_infra.providers.openshift.config import (
    OLM_PACKAGES,
    AcceleratorPoolConfig,
    OpenShiftClusterConfig,
    check_openshift_version,
    efa_instance_types,
    gpudirect_instance_types,
    oldest_openshift_meeting,
    openshift_kubernetes,
)
from llmd_infra.requirements import KUBERNETES_VERSION
from llmd_infra.versions import Version

PATH = "llmd-infra:cluster"

BASE: dict[str, Any] = {
    "provider": "openshift",
    "name": "ocp-llmd",
    "openshiftVersion": "4.20",
    "infrastructure": "aws",
    "aws": {
        "region": "us-east-2",
        "infrastructureId": "ocp-llmd-x7k2p",
        "amiId": "ami-0123456789abcdef0",
        "subnets": {"us-east-2a": "subnet-0123456789abcdef0"},
        "securityGroupIds": ["sg-0123456789abcdef0"],
    },
    "acceleratorPools": [{"name": "p5", "instanceType": "p5.48xlarge", "replicas": 2, "multiHost": True}],
}


def config(**changes: Any) -> OpenShiftClusterConfig:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return validate_model(OpenShiftClusterConfig, data, PATH)


def problems(**changes: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        config(**changes)
    return [str(p) for p in info.value.problems]


def pool(**fields: Any) -> list[dict[str, Any]]:
    return [{"name": "p5", "instanceType": "p5.48xlarge", **fields}]


# --- the valid shape ------------------------------------------------------------------------------


def test_defaults_and_derived_names() -> None:
    c = config()
    [p] = c.accelerator_pools
    assert c.kubernetes_version() == "1.33"
    assert c.machine_set_name(p) == "ocp-llmd-x7k2p-p5-us-east-2a"
    assert c.placement_group_name(p) == "ocp-llmd-x7k2p-p5"
    assert c.aws is not None and c.aws.instance_profile() == "ocp-llmd-x7k2p-worker-profile"
    assert (p.uses_efa(), p.uses_placement_group(), p.node_range()) == (True, True, (2, 2))
    assert p.root_volume_gib() == 200 + 100 * 8
    assert p.accelerator_label() == "nvidia-h100"
    assert (c.kubeconfig.source, c.olm.approval, c.rdma_pods.namespace) == ("config", "Automatic", "llm-d")


def test_single_host_pool_defaults() -> None:
    c = config(acceleratorPools=[{"name": "l40s", "instanceType": "g6e.2xlarge"}])
    [p] = c.accelerator_pools
    assert (p.uses_efa(), p.uses_placement_group(), p.node_range(), p.root_volume_gib()) == (False, False, (1, 1), 300)
    assert not c.uses_efa()


def test_existing_cluster_without_machine_sets() -> None:
    c = validate_model(
        OpenShiftClusterConfig, {"provider": "openshift", "name": "onprem", "openshiftVersion": "4.21"}, PATH
    )
    assert (c.infrastructure, c.accelerator_pools, c.aws) == ("other", [], None)


# --- the OpenShift version ------------------------------------------------------------------------


def test_version_table_comes_from_the_catalog() -> None:
    assert openshift_kubernetes("4.16") == Version(1, 29)
    assert openshift_kubernetes("4.21.3") == Version(1, 34)
    assert openshift_kubernetes("4.22") is None  # disputed: not guessed
    assert oldest_openshift_meeting(KUBERNETES_VERSION.min_version()) == "4.16"


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("4.15", "OpenShift 4.15 ships Kubernetes 1.28, older than llm-d's minimum 1.29 (requirement "
                 "kubernetes-version); use OpenShift 4.16 or newer"),
        ("4.12.7", "OpenShift 4.12.7 is older than 4.15, which ships Kubernetes 1.28: older than llm-d's minimum "
                   "1.29 (requirement kubernetes-version); use OpenShift 4.16 or newer"),
        ("3.11", "OpenShift 3.11 is older than 4.15, which ships Kubernetes 1.28: older than llm-d's minimum 1.29 "
                 "(requirement kubernetes-version); use OpenShift 4.16 or newer"),
        ("latest", "'latest' is not an OpenShift release (e.g. 4.20 or 4.20.3)"),
    ],
)
def test_old_or_bad_versions_are_refused(version: str, message: str) -> None:
    assert problems(openshiftVersion=version) == [f"{PATH}.openshiftVersion: {message}"]


@pytest.mark.parametrize("version", ["4.16", "4.19.12", "4.22", "5.0"])
def test_supported_and_newer_versions_are_accepted(version: str) -> None:
    assert check_openshift_version(version) == version


# --- ROSA and other platforms ---------------------------------------------------------------------


def test_rosa_refuses_machine_sets_with_the_machine_pool_explanation() -> None:
    data = {**BASE, "infrastructure": "rosa"}
    del data["aws"]
    with pytest.raises(ConfigError) as info:
        validate_model(OpenShiftClusterConfig, data, PATH)
    assert [str(p) for p in info.value.problems] == [
        f"{PATH}.acceleratorPools: ROSA manages compute through machine pools, not MachineSets (\"Machine sets "
        "are not directly modifiable in ROSA\", "
        "https://docs.openshift.com/rosa/rosa_cluster_admin/rosa_nodes/rosa-nodes-machinepools-about.html); create "
        "the GPU capacity with `rosa create machinepool --cluster <cluster> --name <pool> --instance-type <type> "
        "--replicas <n> --labels ... --taints ...` (or the OCM API) and remove acceleratorPools"
    ]


def test_rosa_without_pools_is_fine() -> None:
    c = validate_model(
        OpenShiftClusterConfig, {"provider": "openshift", "name": "rosa1", "openshiftVersion": "4.20",
                                 "infrastructure": "rosa"}, PATH,
    )
    assert c.infrastructure == "rosa"


def test_machine_sets_need_aws() -> None:
    data = copy.deepcopy(BASE)
    del data["aws"]
    with pytest.raises(ConfigError) as info:
        validate_model(OpenShiftClusterConfig, data, PATH)
    assert [str(p) for p in info.value.problems] == [
        f"{PATH}.aws: required for acceleratorPools (region, infrastructureId, amiId, subnets, securityGroupIds)"
    ]
    assert problems(infrastructure="other") == [
        f"{PATH}.acceleratorPools: MachineSets here carry an AWS providerSpec; set infrastructure: aws (a "
        "self-managed cluster on AWS), or add GPU nodes the way your platform does and remove acceleratorPools",
        f"{PATH}.aws: only used with infrastructure: aws (this cluster is 'other')",
    ]


# --- pools ----------------------------------------------------------------------------------------


def test_unknown_instance_type_lists_the_gpu_types() -> None:
    [message] = problems(acceleratorPools=pool(instanceType="m6a.4xlarge"))
    assert message.startswith(f"{PATH}.acceleratorPools[0].instanceType: unknown GPU instance type 'm6a.4xlarge'; "
                              "allowed: g6.12xlarge, ")
    assert "p5.48xlarge" in message and "m6i.4xlarge" not in message


def test_efa_needs_an_efa_instance_type() -> None:
    assert problems(acceleratorPools=[{"name": "l4", "instanceType": "g6.xlarge", "efa": True}]) == [
        f"{PATH}.acceleratorPools[0].efa: g6.xlarge does not support EFA "
        "(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa.html); EFA instance types: "
        + ", ".join(efa_instance_types())
    ]
    assert problems(acceleratorPools=[{"name": "h100", "instanceType": "p5.4xlarge", "efa": True}]) == [
        f"{PATH}.acceleratorPools[0].efa: p5.4xlarge has no documented EFA support "
        "(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa.html); EFA instance types: "
        + ", ".join(efa_instance_types())
    ]


def test_multi_host_needs_gpudirect_efa_and_a_placement_group() -> None:
    assert gpudirect_instance_types()[:3] == ["p4d.24xlarge", "p4de.24xlarge", "p5.48xlarge"]
    assert problems(acceleratorPools=[{"name": "l40s", "instanceType": "g6e.48xlarge", "multiHost": True}]) == [
        f"{PATH}.acceleratorPools[0].multiHost: multi-host inference needs an RDMA-class GPU interconnect; "
        "g6e.48xlarge (L40S) has none (EFA with GPUDirect RDMA is on " + ", ".join(gpudirect_instance_types()) + ")"
    ]
    assert problems(acceleratorPools=pool(multiHost=True, efa=False, placementGroup=False)) == [
        f"{PATH}.acceleratorPools[0].efa: multi-host pools use EFA between hosts; remove efa: false",
        f"{PATH}.acceleratorPools[0].placementGroup: multi-host pools are placed in one EC2 cluster placement "
        "group (one network domain); remove placementGroup: false",
    ]


def test_pool_field_rules() -> None:
    assert problems(acceleratorPools=pool(replicas=1, autoscaling={"minNodes": 0, "maxNodes": 2})) == [
        f"{PATH}.acceleratorPools[0].autoscaling: set replicas or autoscaling, not both"
    ]
    assert problems(acceleratorPools=pool(spotMaxPrice="12.5")) == [
        f"{PATH}.acceleratorPools[0].spotMaxPrice: spotMaxPrice needs spot: true"
    ]
    assert problems(acceleratorPools=pool(spot=True, capacityReservationId="cr-0123456789abcdef0")) == [
        f"{PATH}.acceleratorPools[0].capacityReservationId: a Capacity Reservation is not used by Spot "
        "instances; set spot or capacityReservationId, not both"
    ]
    assert problems(acceleratorPools=pool(capacityReservationId="cr-123")) == [
        f"{PATH}.acceleratorPools[0].capacityReservationId: 'cr-123' is not a Capacity Reservation id (cr- and "
        "17 hex digits)"
    ]
    assert problems(acceleratorPools=pool(labels={"llm-d.ai/pool": "x", "team": "a"})) == [
        f"{PATH}.acceleratorPools[0].labels.llm-d.ai/pool: 'llm-d.ai/pool' is set by the pool itself; remove it"
    ]
    assert problems(acceleratorPools=pool(rootVolume={"throughputMib": 4000})) == [
        f"{PATH}.acceleratorPools[0].rootVolume.throughputMib: Input should be less than or equal to 2000 "
        "(got 4000)"
    ]
    assert problems(acceleratorPools=[*pool(), *pool()]) == [
        f"{PATH}.acceleratorPools[1].name: duplicate pool name 'p5'"
    ]


def test_zones_come_from_the_subnets() -> None:
    subnets = {"us-east-2a": "subnet-0123456789abcdef0", "us-east-2b": "subnet-0123456789abcdef1"}
    two = {**BASE["aws"], "subnets": subnets}
    assert problems(aws=two) == [
        f"{PATH}.acceleratorPools[0].availabilityZone: required when aws.subnets has several zones; allowed: "
        "us-east-2a, us-east-2b"
    ]
    assert problems(acceleratorPools=pool(availabilityZone="us-east-2c")) == [
        f"{PATH}.acceleratorPools[0].availabilityZone: 'us-east-2c' has no subnet in aws.subnets; allowed: us-east-2a"
    ]
    c = config(aws=two, acceleratorPools=pool(availabilityZone="us-east-2b"))
    assert c.machine_set_name(c.accelerator_pools[0]) == "ocp-llmd-x7k2p-p5-us-east-2b"


def test_machine_set_name_is_a_label_value() -> None:
    aws = {**BASE["aws"], "region": "ap-southeast-2", "infrastructureId": "llmd-inference-prod-x7k2p",
           "subnets": {"ap-southeast-2a": "subnet-0123456789abcdef0"}}
    name = "h100-" + "a" * 19
    assert problems(aws=aws, acceleratorPools=pool(name=name)) == [
        f"{PATH}.acceleratorPools[0].name: the MachineSet name 'llmd-inference-prod-x7k2p-{name}-ap-southeast-2a' "
        "is 66 characters; it is a label value (at most 63): shorten the pool name"
    ]


def test_aws_values_are_checked() -> None:
    aws = {
        "region": "Ohio",
        "infrastructureId": "OCP_1",
        "amiId": "ami-123",
        "subnets": {"us-west-2a": "subnet-xyz"},
        "securityGroupIds": ["sg-0123456789abcdef0", "default"],
        "kmsKeyArn": "key-1",
    }
    assert problems(aws=aws, acceleratorPools=[]) == [
        f"{PATH}.aws.region: 'Ohio' is not an AWS region (e.g. us-east-2)",
        f"{PATH}.aws.infrastructureId: 'OCP_1' is not an infrastructure id (lowercase letters, digits and '-'; "
        "read it with oc get infrastructure cluster -o jsonpath='{.status.infrastructureName}')",
        f"{PATH}.aws.amiId: 'ami-123' is not an AMI id (ami- and 8 or 17 hex digits)",
        f"{PATH}.aws.securityGroupIds: not security group ids (sg- and 8 or 17 hex digits): default",
        f"{PATH}.aws.kmsKeyArn: 'key-1' is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
    ]
    aws = {**BASE["aws"], "subnets": {"us-west-2a": "subnet-xyz"}}
    assert problems(aws=aws, acceleratorPools=[]) == [
        f"{PATH}.aws.subnets.us-west-2a: 'us-west-2a' is not an availability zone of us-east-2",
        f"{PATH}.aws.subnets.us-west-2a: 'subnet-xyz' is not a subnet id (subnet- and 8 or 17 hex digits)",
    ]


# --- OLM and access -------------------------------------------------------------------------------


def test_olm_pinning_rules() -> None:
    assert problems(olm={"startingCsv": {"leader-worker-set": "leader-worker-set.v1.0.0"}}) == [
        f"{PATH}.olm.startingCsv: startingCsv only pins the first install: with approval Automatic OLM upgrades "
        "past it at once; set olm.approval: Manual"
    ]
    assert problems(olm={"approval": "Manual", "channels": {"gpu-operator-certified": "v25.10", "lws": "x"}}) == [
        f"{PATH}.olm.channels.lws: unknown OLM package 'lws'; allowed: " + ", ".join(OLM_PACKAGES),
        f"{PATH}.olm.channels.gpu-operator-certified: the GPU Operator's channel is "
        "llmd-infra:addons.gpuOperator.olmChannel; remove it here",
    ]
    assert problems(olm={"approval": "Sometimes"}) == [
        f"{PATH}.olm.approval: 'Sometimes' is not allowed; allowed: 'Automatic', 'Manual'"
    ]
    c = config(olm={"approval": "Manual", "startingCsv": {"nfd": "nfd.4.20.0-202511102026"}})
    assert c.olm.starting_csv == {"nfd": "nfd.4.20.0-202511102026"}


def test_kubeconfig_source() -> None:
    assert config(kubeconfig={"source": "ambient", "context": "admin"}).kubeconfig.context == "admin"
    assert problems(kubeconfig={"source": "file"}) == [
        f"{PATH}.kubeconfig.source: 'file' is not allowed; allowed: 'config', 'ambient'"
    ]


# --- the args contract ----------------------------------------------------------------------------

# Component args that are not config keys, and config keys named differently in the args.
_ARGS_ONLY = {"kubeconfig", "protect", "lws", "gateway_crds", "gpu_operator", "network_operator", "nfd", "kueue"}
_RENAMED = {"cluster_name": "name", "kubeconfig_source": "kubeconfig"}
_MODEL_ONLY = {"provider"}


def _resolve(annotation: Any, namespace: dict[str, Any]) -> Any:
    """An annotation of ``args.py`` (postponed: a string or ForwardRef) evaluated in its module."""
    if isinstance(annotation, typing.ForwardRef):
        annotation = annotation.__forward_arg__
    return eval(annotation, namespace) if isinstance(annotation, str) else annotation


def _typed_dict_for(annotation: Any) -> Any:
    return annotation if typing_extensions.is_typeddict(annotation) else None


def _compare(typed: Any, model: type[BaseModel], where: str, *, top: bool = False) -> list[str]:
    names = set(typed.__annotations__) - (_ARGS_ONLY if top else set())
    namespace = vars(sys.modules[typed.__module__])
    hints = {n: _resolve(a, namespace) for n, a in typed.__annotations__.items() if n in names}
    mapped = {(_RENAMED.get(n, n) if top else n) for n in names}
    fields = set(model.model_fields) - (_MODEL_ONLY if top else set())
    drift = [f"{where}: args without a config key: {sorted(mapped - fields)}"] if mapped - fields else []
    drift += [f"{where}: config keys without an arg: {sorted(fields - mapped)}"] if fields - mapped else []
    for name in sorted(names):
        key = _RENAMED.get(name, name) if top else name
        if key not in model.model_fields:
            continue
        raw = typed.__annotations__[name]
        text = raw.__forward_arg__ if isinstance(raw, typing.ForwardRef) else str(raw)
        # Postponed annotations hide Required[...] from __required_keys__ of a total=False TypedDict.
        required_arg = name in typed.__required_keys__ or text.startswith("Required[")
        required_field = model.model_fields[key].is_required()
        if required_arg != required_field and not (top and key == "name"):
            drift.append(f"{where}.{name}: required in args {required_arg}, in the model {required_field}")
        sub_model = next(
            (a for a in _walk(model.model_fields[key].annotation) if isinstance(a, type) and issubclass(a, BaseModel)),
            None,
        )
        sub_typed = next((t for t in map(_typed_dict_for, _walk(hints[name])) if t is not None), None)
        if sub_model is not None and sub_typed is not None:
            drift += _compare(sub_typed, sub_model, f"{where}.{name}")
        elif (sub_model is None) != (sub_typed is None):
            drift.append(f"{where}.{name}: nested in only one of args and model")
    return drift


def _walk(annotation: Any) -> list[Any]:
    out = [annotation]
    for arg in typing.get_args(annotation):
        out += _walk(arg)
    return out


def test_args_typed_dicts_match_the_config_models() -> None:
    assert _compare(args_module.OpenShiftClusterArgs, OpenShiftClusterConfig, "OpenShiftClusterArgs", top=True) == []
    assert _compare(args_module.AcceleratorPoolArgs, AcceleratorPoolConfig, "AcceleratorPoolArgs") == []


# --- catalog facts the policies read --------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "csv", "expected"),
    [("stable-v1.0", None, "0.7.0"), (None, "leader-worker-set.v1.0.0", "0.7.0"),
     ("stable-v1.0", "leader-worker-set.v1.0.3", "0.7.0"), ("stable-v2.0", None, None), ("stable", None, None)],
)
def test_lws_operator_lws_version(channel: str | None, csv: str | None, expected: str | None) -> None:
    from llmd_infra.providers.openshift.catalog import lws_operator_lws_version
    from llmd_infra.requirements import LWS_VERSION

    assert lws_operator_lws_version(channel, csv) == expected
    if expected is not None:  # Red Hat's operator meets llm-d's LWS minimum
        assert Version(*map(int, expected.split("."))) >= LWS_VERSION.min_version()
