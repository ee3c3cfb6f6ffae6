"""GKE's component args (TypedDicts, the schema's source) and its pydantic models have one shape."""

from enum import Enum
from typing import Literal, TypedDict

import pytest
from pydantic import BaseModel
from typing_extensions import Required

from llmd_infra.args_shape import Exempt, args_drift
from llmd_infra.config import addons
from llmd_infra.providers.gke import args
from llmd_infra.providers.gke import config as gke

GKE_EXEMPT = {
    (args.GkeClusterArgs, gke.GkeClusterConfig): Exempt(
        args_only={
            "cluster_name": "the model's name, defaulted to the component's resource name",
            "protect": "a component option, not stack config (llmd-infra:protect)",
            "lws": "llmd-infra:addons.lws (LwsConfig)",
            "gateway_crds": "llmd-infra:addons.gatewayApiCrds (GatewayApiCrdsConfig)",
            "dra_driver": "llmd-infra:addons.draDriver (DraDriverConfig)",
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
    }


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
