"""Lean registration records exactly the plan the typed SDK classes record.

The components name their SDKs through facades (``llmd_infra.addons.sdk.k8s``,
``llmd_infra.providers.gke.sdk.gcp``) that checkers see as the SDKs themselves; under the offline
engine the facades hand out stand-ins built from ``sdk_spec.json`` (see :mod:`llmd_infra.plan.lean`).
These tests hold the stand-ins to the SDK: every ready stack recorded both ways, preview and
update, gives identical plans; the specs equal what the installed SDKs generate; misspelt and
missing properties fail the same way; and a lean preview imports none of the SDKs' big modules.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pulumi
import pytest

from llmd_infra.plan import lean_spec
from llmd_infra.plan.engine import run_callable, run_program
from llmd_infra.plan.graph import Plan
from llmd_infra.plan.lean import LeanArgs, LeanResource, lean_active, registration
from llmd_infra.plan.project import load_project

REPO = Path(__file__).resolve().parents[1]
STACKS = load_project(REPO).stacks()


@cache
def recorded(stack: str, mode: str, preview: bool) -> Plan:
    with registration(mode):
        return run_program(REPO, stack, preview=preview)


def comparable(plan: Plan) -> tuple[object, ...]:
    # Debug log lines arrive in executor-thread order, which varies between any two runs.
    return (plan.resources, plan.outputs, plan.invokes, plan.stack_urn, sorted(plan.logs))


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])
@pytest.mark.parametrize("stack", STACKS)
def test_every_ready_stack_records_the_same_plan_lean_and_typed(stack: str, preview: bool) -> None:
    lean, typed = recorded(stack, "lean", preview), recorded(stack, "typed", preview)
    assert lean.resources, stack
    assert comparable(lean) == comparable(typed)


@pytest.mark.parametrize("facade", lean_spec.facades(), ids=lambda f: f.module)
def test_committed_specs_are_what_the_installed_sdks_generate(facade: lean_spec.Facade) -> None:
    committed = lean_spec.spec_file(facade).read_text(encoding="utf-8")
    assert committed == lean_spec.render(lean_spec.build_spec(facade)), "run: python -m llmd_infra.plan.lean_spec"
    spec = json.loads(committed)
    assert spec["classes"], facade.module


def test_the_gke_room_is_covered_except_what_the_sdk_must_build() -> None:
    specs = {f.module: json.loads(lean_spec.spec_file(f).read_text()) for f in lean_spec.facades()}
    assert specs["llmd_infra.providers.gke.sdk"]["unsupported"] == {}
    # The hand-written CustomResource (its token comes from its arguments) and the provider-side
    # yaml/v2 component stay the SDK's; neither imports a large module.
    assert sorted(specs["llmd_infra.addons.sdk"]["unsupported"]) == [
        "apiextensions.CustomResource",
        "yaml.v2.ConfigFile",
    ]


def _gcp():  # type: ignore[no-untyped-def]
    from llmd_infra.providers.gke.sdk import gcp

    return gcp


def _error(build) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError) as raised:
        build()
    return str(raised.value)


@pytest.mark.parametrize(
    "build",
    [
        lambda gcp: gcp.compute.NetworkArgs(nmae="x"),
        lambda gcp: gcp.container.NodePoolNodeConfigGuestAcceleratorArgs(count=8),
        lambda gcp: gcp.projects.IAMMember("m", member="user:a@example.com", role="roles/viewer"),
        lambda gcp: gcp.compute.Network("n", auto_create_subnetwork=False),
    ],
    ids=["misspelt-args-keyword", "missing-required-keyword", "missing-required-property", "misspelt-property"],
)
def test_mistakes_fail_like_the_sdk_classes(build) -> None:  # type: ignore[no-untyped-def]
    gcp = _gcp()
    typed = _error(lambda: build(gcp))
    with lean_active(True):
        lean = _error(lambda: build(gcp))
    assert lean.split("()")[-1] == typed.split("()")[-1]


def test_stand_ins_carry_the_sdk_classes_identity() -> None:
    gcp = _gcp()
    real_pool, real_args = gcp.container.NodePool, gcp.container.NodePoolArgs
    with lean_active(True):
        pool, args = gcp.container.NodePool, gcp.container.NodePoolArgs
        assert gcp.container.NodePool is pool
    assert issubclass(pool, LeanResource) and issubclass(pool, pulumi.CustomResource)
    assert issubclass(args, LeanArgs)
    assert (pool.__name__, pool.__module__, pool.pulumi_type) == (
        real_pool.__name__, real_pool.__module__, real_pool.pulumi_type
    )
    assert args.__name__ == real_args.__name__


def test_outputs_read_like_the_sdk_output_classes() -> None:
    """``cluster.master_auth.cluster_ca_certificate`` works on a stand-in, in an update run."""
    seen: dict[str, object] = {}

    def program() -> None:
        gcp = _gcp()
        cluster = gcp.container.Cluster(
            "c", gcp.container.ClusterArgs(location="us-central1", initial_node_count=1)
        )
        seen["type"] = type(cluster)
        pulumi.export("ca", cluster.master_auth.cluster_ca_certificate)
        pulumi.export("endpoint", cluster.endpoint)

    plans: dict[str, Plan] = {}
    types: dict[str, object] = {}
    for mode in ("lean", "typed"):  # one call site: the plan records where each resource was registered
        with registration(mode):
            plans[mode] = run_callable(program, preview=False)
        types[mode] = seen["type"]
    lean, typed = plans["lean"], plans["typed"]
    assert issubclass(types["lean"], LeanResource)  # type: ignore[arg-type]
    assert not issubclass(types["typed"], LeanResource)  # type: ignore[arg-type]
    assert lean.outputs == typed.outputs
    assert lean.outputs["ca"] and lean.outputs["endpoint"]
    assert comparable(lean) == comparable(typed)


def test_a_lean_preview_imports_no_large_sdk_module() -> None:
    code = (
        "import sys\n"
        "from llmd_infra.cli import main\n"
        "code = main(['preview', 'gke-a3-ultra', '--format', 'json', '-o', '/dev/null'])\n"
        "import os\n"
        "files = {m: getattr(sys.modules[m], '__file__', None) or '' for m in list(sys.modules)}\n"
        "heavy = sorted(m for m, f in files.items()\n"
        "               if m.startswith('pulumi_') and f and os.path.getsize(f) > 500_000)\n"
        "print(heavy); sys.exit(code or (1 if heavy else 0))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
