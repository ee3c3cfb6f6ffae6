"""Every hosted component's args (TypedDicts, the schema's source) and its pydantic models have one shape."""

import inspect
from enum import Enum
from typing import Literal, TypedDict

import pytest
from pydantic import BaseModel
from typing_extensions import Required

from llmd_infra.args_shape import Exempt, args_drift
from llmd_infra.config import addons
from llmd_infra.providers.doks import args as doks_args
from llmd_infra.providers.doks import config as doks
from llmd_infra.providers.gke import args
from llmd_infra.providers.gke import config as gke
from llmd_infra.providers.minikube import args as minikube_args
from llmd_infra.providers.minikube import config as minikube
from llmd_infra.providers.openshift import args as openshift_args
from llmd_infra.providers.openshift import config as openshift

GKE_EXEMPT = {
    (args.GkeClusterArgs, gke.GkeClusterConfig): Exempt(
        args_only={
            "cluster_name": "the model's name, defaulted to the component's resource name",
            "protect": "a component option, not stack config (llmd-infra:protect)",
            "lws": "llmd-infra:addons.lws (LwsConfig)",
            "gateway_crds": "llmd-infra:addons.gatewayApiCrds (GatewayApiCrdsConfig)",
            "dra_driver": "llmd-infra:addons.draDriver (DraDriverConfig)",
            "kueue": "llmd-infra:addons.kueue (KueueConfig)",
        },
        model_only={"provider": "the stack file's discriminator", "name": "args key cluster_name"},
    ),
    (args.GkeDraDriver, addons.DraDriverConfig): Exempt(
        model_only={"enabled": "GKE installs the DRA driver exactly when a pool uses rdma: dranet"},
    ),
}


@pytest.mark.parametrize(
    ("args_type", "model"),
    [
        (args.GkeClusterArgs, gke.GkeClusterConfig),
        (args.GkeLws, addons.LwsConfig),
        (args.GkeGatewayCrds, addons.GatewayApiCrdsConfig),
        (args.GkeDraDriver, addons.DraDriverConfig),
        (args.GkeKueue, addons.KueueConfig),
    ],
    ids=lambda t: t.__name__,
)
def test_gke_args_and_models_have_one_shape(args_type: type, model: type[BaseModel]) -> None:
    assert args_drift(args_type, model, GKE_EXEMPT) == []


def test_the_cluster_tree_is_compared_down_to_its_leaves() -> None:
    """Every nested args type of GkeClusterArgs is reached (so a drift deep in a pool is caught)."""
    from llmd_infra.args_shape import _Comparer

    comparer = _Comparer(GKE_EXEMPT)
    comparer.pair(args.GkeClusterArgs, gke.GkeClusterConfig)
    assert comparer.problems == []
    assert {a.__name__ for a, _ in comparer.seen} == {
        "GkeClusterArgs", "GkeNetwork", "GkeAuthorizedNetwork", "GkeExistingNetwork", "GkeSystemPool",
        "GkeAutoscaling", "GkeAcceleratorPool", "GkeReservation", "GkeTaint", "GkeMaintenanceExclusion",
        "GkeBinaryAuthorization", "GkeSecretsEncryption",
    }


# --- DOKS, OpenShift, minikube ------------------------------------------------------------------

DOKS_EXEMPT = {
    (doks_args.DoksClusterArgs, doks.DoksClusterConfig): Exempt(
        args_only={
            "cluster_name": "the model's name, defaulted to the component's resource name",
            "protect": "a component option, not stack config (llmd-infra:protect)",
            "lws": "llmd-infra:addons.lws (LwsConfig)",
            "gateway_crds": "llmd-infra:addons.gatewayApiCrds (GatewayApiCrdsConfig)",
            "gpu_operator": "llmd-infra:addons.gpuOperator (GpuOperatorConfig)",
            "kueue": "llmd-infra:addons.kueue (KueueConfig)",
        },
        model_only={"provider": "the stack file's discriminator", "name": "args key cluster_name"},
    ),
    (doks_args.DoksGpuOperator, addons.GpuOperatorConfig): Exempt(
        model_only={
            "platform": "always doks: the component sets it",
            "olm_channel": "OLM installs the operator on OpenShift only; DOKS uses the Helm chart",
        },
    ),
}

# Add-on sections OpenShift refuses a key of (cluster.addon_problems) or sets itself.
_OLM_NOT_HELM = "a Helm chart setting, refused on OpenShift where OLM installs the operator"
OPENSHIFT_EXEMPT = {
    (openshift_args.OpenShiftClusterArgs, openshift.OpenShiftClusterConfig): Exempt(
        args_only={
            "cluster_name": "the model's name, defaulted to the component's resource name",
            "kubeconfig": "the kubeconfig itself, an Input (the model's kubeconfig is args key kubeconfig_source)",
            "protect": "a component option, not stack config (llmd-infra:protect)",
            "lws": "llmd-infra:addons.lws (LwsConfig)",
            "gateway_crds": "llmd-infra:addons.gatewayApiCrds (GatewayApiCrdsConfig)",
            "gpu_operator": "llmd-infra:addons.gpuOperator (GpuOperatorConfig)",
            "network_operator": "llmd-infra:addons.networkOperator (NetworkOperatorConfig)",
            "nfd": "llmd-infra:addons.nfd (NfdConfig)",
            "kueue": "llmd-infra:addons.kueue (KueueConfig)",
        },
        model_only={"provider": "the stack file's discriminator", "name": "args key cluster_name"},
        renamed={"kubeconfig_source": "kubeconfig"},
    ),
    (openshift_args.OpenShiftLws, addons.LwsConfig): Exempt(
        model_only={
            "version": "the Leader Worker Set Operator's channel decides the LWS version (refused)",
            "enable_disaggregated_set": "the Leader Worker Set Operator has no DisaggregatedSet (refused)",
        },
    ),
    (openshift_args.OpenShiftGpuOperator, addons.GpuOperatorConfig): Exempt(
        model_only={
            "platform": "always openshift: the component sets it",
            "version": _OLM_NOT_HELM,
            "nfd_enabled": "the NFD operator (nfd.enabled) serves the GPU Operator on OpenShift",
        },
    ),
    (openshift_args.OpenShiftNetworkOperator, addons.NetworkOperatorConfig): Exempt(
        model_only={
            "version": _OLM_NOT_HELM,
            "nfd_enabled": "the NFD operator (nfd.enabled) serves the Network Operator on OpenShift (refused)",
        },
    ),
    (openshift_args.OpenShiftNfd, addons.NfdConfig): Exempt(
        model_only={"version": _OLM_NOT_HELM, "platform": "always openshift: the component sets it"},
    ),
    (openshift_args.OpenShiftKueue, addons.KueueConfig): Exempt(
        model_only={"version": _OLM_NOT_HELM},
    ),
}

MINIKUBE_EXEMPT = {
    (minikube_args.MinikubeClusterArgs, minikube.MinikubeClusterConfig): Exempt(
        args_only={
            "profile": "the model's name, defaulted to the component's resource name",
            "protect": "a component option, not stack config (llmd-infra:protect)",
            "lws": "llmd-infra:addons.lws (LwsConfig)",
            "gateway_crds": "llmd-infra:addons.gatewayApiCrds (GatewayApiCrdsConfig)",
        },
        model_only={"provider": "the stack file's discriminator", "name": "args key profile"},
    ),
}

# Every hosted component's args tree: (args, model) pairs with the exemptions of its room.
SHAPES: list[tuple[type, type[BaseModel], dict[tuple[type, type], Exempt]]] = [
    (args.GkeClusterArgs, gke.GkeClusterConfig, GKE_EXEMPT),
    (args.GkeLws, addons.LwsConfig, GKE_EXEMPT),
    (args.GkeGatewayCrds, addons.GatewayApiCrdsConfig, GKE_EXEMPT),
    (args.GkeDraDriver, addons.DraDriverConfig, GKE_EXEMPT),
    (args.GkeKueue, addons.KueueConfig, GKE_EXEMPT),
    (doks_args.DoksClusterArgs, doks.DoksClusterConfig, DOKS_EXEMPT),
    (doks_args.DoksLws, addons.LwsConfig, DOKS_EXEMPT),
    (doks_args.DoksGatewayCrds, addons.GatewayApiCrdsConfig, DOKS_EXEMPT),
    (doks_args.DoksGpuOperator, addons.GpuOperatorConfig, DOKS_EXEMPT),
    (doks_args.DoksKueue, addons.KueueConfig, DOKS_EXEMPT),
    (openshift_args.OpenShiftClusterArgs, openshift.OpenShiftClusterConfig, OPENSHIFT_EXEMPT),
    (openshift_args.OpenShiftLws, addons.LwsConfig, OPENSHIFT_EXEMPT),
    (openshift_args.OpenShiftGatewayCrds, addons.GatewayApiCrdsConfig, OPENSHIFT_EXEMPT),
    (openshift_args.OpenShiftGpuOperator, addons.GpuOperatorConfig, OPENSHIFT_EXEMPT),
    (openshift_args.OpenShiftNetworkOperator, addons.NetworkOperatorConfig, OPENSHIFT_EXEMPT),
    (openshift_args.OpenShiftNfd, addons.NfdConfig, OPENSHIFT_EXEMPT),
    (openshift_args.OpenShiftKueue, addons.KueueConfig, OPENSHIFT_EXEMPT),
    (minikube_args.MinikubeClusterArgs, minikube.MinikubeClusterConfig, MINIKUBE_EXEMPT),
    (minikube_args.MinikubeLws, addons.LwsConfig, MINIKUBE_EXEMPT),
    (minikube_args.MinikubeGatewayCrds, addons.GatewayApiCrdsConfig, MINIKUBE_EXEMPT),
]


@pytest.mark.parametrize(("args_type", "model", "exempt"), SHAPES, ids=[a.__name__ for a, _, _ in SHAPES])
def test_every_rooms_args_and_models_have_one_shape(
    args_type: type, model: type[BaseModel], exempt: dict[tuple[type, type], Exempt]
) -> None:
    assert args_drift(args_type, model, exempt) == []


def _tree(args_type: type) -> set[type]:
    """Every TypedDict an args type reaches (what the analyzer turns into schema types)."""
    from llmd_infra.args_shape import _unwrap_args

    seen: set[type] = set()

    def walk(tp: object) -> None:
        tp = _unwrap_args(tp)
        if isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__required_keys__"):
            if tp in seen:
                return
            seen.add(tp)
            for annotation in inspect.get_annotations(tp).values():
                walk(annotation)
        for inner in getattr(tp, "__args__", ()):
            walk(inner)

    walk(args_type)
    return seen


def test_every_hosted_component_has_its_whole_args_tree_compared() -> None:
    """Each hosted component's args type, and every TypedDict under it, is reached by a drift check above
    (a component added to a room's COMPONENTS without a row in SHAPES fails here)."""
    from llmd_infra.args_shape import _Comparer
    from llmd_infra.component_provider import hosted_components

    compared: set[type] = set()
    for args_type, model, exempt in SHAPES:
        comparer = _Comparer(exempt)
        comparer.pair(args_type, model)
        compared |= {a for a, _ in comparer.seen}
    for component in hosted_components():
        args_type = inspect.get_annotations(component.__init__)["args"]
        missing = {t.__name__ for t in _tree(args_type) - compared}
        assert missing == set(), f"{component.__name__}: {sorted(missing)}"


def test_openshift_kubeconfig_source_is_compared_as_the_models_kubeconfig() -> None:
    """A renamed key is compared with its model key: a drift inside it is reported."""
    from llmd_infra.args_shape import _Comparer

    comparer = _Comparer(OPENSHIFT_EXEMPT)
    comparer.pair(openshift_args.OpenShiftClusterArgs, openshift.OpenShiftClusterConfig)
    assert (openshift_args.OpenShiftKubeconfigSource, openshift.KubeconfigConfig) in comparer.seen
    stale = {**OPENSHIFT_EXEMPT}
    stale[(openshift_args.OpenShiftClusterArgs, openshift.OpenShiftClusterConfig)] = Exempt(
        args_only=OPENSHIFT_EXEMPT[(openshift_args.OpenShiftClusterArgs, openshift.OpenShiftClusterConfig)].args_only,
        model_only={"provider": "discriminator", "name": "cluster_name"},
    )
    assert args_drift(openshift_args.OpenShiftClusterArgs, openshift.OpenShiftClusterConfig, stale) == [
        "OpenShiftClusterArgs / OpenShiftClusterConfig: 'kubeconfig' is exempt as args-only (the kubeconfig itself, "
        "an Input (the model's kubeconfig is args key kubeconfig_source)) but the model has it",
        "OpenShiftClusterArgs / OpenShiftClusterConfig: 'kubeconfig_source' is in the args but not in the model",
        "OpenShiftClusterArgs / OpenShiftClusterConfig: 'kubeconfig' is in the model but not in the args",
    ]


def test_choices_are_enums_with_the_models_values() -> None:
    """A sample of the enums the schema offers other languages: values exactly the models' Literals."""
    assert [e.value for e in doks_args.DoksFabricIpam] == ["whereabouts", "none"]
    assert [e.value for e in doks_args.DoksGpuPath] == ["device-plugin", "dra-driver"]
    assert [e.value for e in openshift_args.OpenShiftInfrastructure] == ["aws", "rosa", "other"]
    assert [e.value for e in openshift_args.OpenShiftNadCni] == ["macvlan", "ipoib", "host-device"]
    problems = args_drift(doks_args.DoksFabric, doks.FabricConfig)
    assert problems == []


def test_cluster_name_is_the_models_name() -> None:
    hints = args.GkeClusterArgs.__annotations__
    assert hints["cluster_name"] is str
    assert gke.GkeClusterConfig.model_fields["name"].annotation is str


# --- drift is caught -------------------------------------------------------------------------------


class Mode(str, Enum):
    """A choice."""

    A = "a"
    B = "b"


class InnerModel(BaseModel):
    """Inner."""

    size: int = 1


class Model(BaseModel):
    """Outer."""

    name: str
    mode: Literal["a", "b", "c"] = "a"
    inner: InnerModel | None = None
    tags: dict[str, str] = {}
    gone: bool = False


class InnerArgs(TypedDict, total=False):
    """Inner."""

    size: str
    """Wrong type."""


class DriftedArgs(TypedDict, total=False):
    """Outer."""

    name: str
    """Optional here, required in the model."""
    mode: Mode
    """Misses 'c'."""
    inner: InnerArgs
    """Nested drift."""
    tags: dict[str, int]
    """Wrong map values."""
    extra: bool
    """Not in the model."""
    undocumented: Required[bool]


def test_drift_is_reported_key_by_key() -> None:
    assert args_drift(DriftedArgs, Model) == [
        "DriftedArgs / Model: 'extra' is in the args but not in the model",
        "DriftedArgs / Model: 'undocumented' is in the args but not in the model",
        "DriftedArgs / Model: 'gone' is in the model but not in the args",
        "DriftedArgs / Model: 'name' is optional in the args but required in the model",
        "DriftedArgs / Model: 'mode': Mode allows ['a', 'b'], the model ['a', 'b', 'c']",
        "InnerArgs / InnerModel: 'size': str in the args, int in the model",
        "DriftedArgs / Model: 'tags'[]: int in the args, str in the model",
        "DriftedArgs / Model: args key 'undocumented' has no docstring",
    ]


def test_a_stale_exemption_is_reported() -> None:
    exempt = {(DriftedArgs, Model): Exempt(args_only={"name": "was renamed"}, model_only={"gone": "gone"})}
    problems = args_drift(DriftedArgs, Model, exempt)
    assert "DriftedArgs / Model: 'name' is exempt as args-only (was renamed) but the model has it" in problems
    assert not any("'gone'" in p for p in problems)
