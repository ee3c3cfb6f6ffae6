"""The fast policy run gives exactly the verdict of pulumi_policy's own servicer.

:func:`analyze_plan` converts each resource once and shares one lazily wrapping proxy between all
policies; :func:`analyze_plan_by_servicer` sends every resource to pulumi_policy's analyzer servicer
as protobuf requests, as the engine does. Both must agree on every violation (policy, level, URN,
message, description, severity, order), every note and the policy list: on every ready stack, on
a generated plan with values unknown in preview, secrets and every policy family, and under a
policy config that changes levels (remediate, disabled) and properties.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from llmd_infra.plan.analyze import analyze_plan, analyze_plan_by_servicer
from llmd_infra.plan.engine import run_program
from llmd_infra.plan.graph import Plan
from llmd_infra.plan.project import load_project
from llmd_infra.plan.props import ListProxy, PropsProxy, engine_props
from llmd_infra.plan.values import UNKNOWN, Secret
from llmd_infra.policy import config as pack_config
from llmd_infra.policy.pack import ALL_POLICIES
from llmd_infra.report.model import Analysis
from tests.perf_plans import synthetic_plan

REPO = Path(__file__).resolve().parents[1]
STACKS = load_project(REPO).stacks()


@cache
def stack_plan(stack: str) -> Plan:
    return run_program(REPO, stack)


def assert_same(fast: Analysis, reference: Analysis) -> None:
    assert fast.violations == reference.violations
    assert fast.notes == reference.notes
    assert fast.policies == reference.policies


@pytest.mark.parametrize("stack", STACKS)
def test_ready_stack_verdicts_equal_the_servicer(stack: str) -> None:
    plan = stack_plan(stack)
    assert_same(analyze_plan(plan), analyze_plan_by_servicer(plan))


def test_generated_plan_verdicts_equal_the_servicer() -> None:
    plan = synthetic_plan(600)
    fast = analyze_plan(plan)
    assert_same(fast, analyze_plan_by_servicer(plan))
    # The plan exercises every kind of verdict: mandatory and advisory violations, "can't run"
    # diagnostics for values unknown in preview, stack-level findings and host notes.
    assert {v.enforcement for v in fast.violations} == {"mandatory", "advisory"}
    assert any("during preview" in v.message for v in fast.violations)
    assert any(v.policy == "lws-crd-protected" for v in fast.violations)
    assert fast.notes


CONFIG: dict[str, Any] = {
    "gke-legacy-abac-disabled": "remediate",
    "kubernetes-version": {"enforcementLevel": "advisory"},
    "host-cpu-cores": "disabled",
    "multi-host-placement": {"multiHostPools": ["p0-0", "d1-0"]},
    "lws-version": "remediate",
    "no-such-policy": "advisory",
}


@pytest.mark.parametrize("stack", ["gke-a3-ultra", "gke-l4-dev"])
def test_verdicts_equal_under_a_policy_config(stack: str) -> None:
    for plan in (stack_plan(stack), synthetic_plan(300)):
        assert_same(analyze_plan(plan, CONFIG), analyze_plan_by_servicer(plan, CONFIG))


def test_remediated_resources_go_through_the_servicer() -> None:
    plan = synthetic_plan(120)
    fast = analyze_plan(plan, {"gke-legacy-abac-disabled": "remediate"})
    assert any(n.message.startswith("remediated:") for n in fast.notes)
    assert not any(v.policy == "gke-legacy-abac-disabled" for v in fast.violations)


def test_the_pack_defaults_pass_their_own_schemas() -> None:
    """analyze_plan skips JSON-schema validation of the defaults; this is why that is safe."""
    assert pack_config.reconcile(ALL_POLICIES) == pack_config.defaults(ALL_POLICIES)


def test_engine_props_equal_the_protobuf_round_trip() -> None:
    from google.protobuf import json_format, struct_pb2
    from pulumi_policy.deserialize import deserialize_properties

    from llmd_infra.plan.values import ResourceRef, to_engine

    values = {
        "count": 8,
        "ratio": 0.5,
        "flag": True,
        "none": None,
        "big": 2**60,
        "name": "x",
        "unknown": UNKNOWN,
        "secret": Secret({"nested": [1, UNKNOWN, {"a": Secret(2)}]}),
        "ref": ResourceRef("urn:a", "id"),
        "list": [1, 2.5, "s", [False, {}], {"k": None}],
        "empty": {},
    }
    struct = struct_pb2.Struct()
    struct.update(to_engine(values))
    expected = deserialize_properties(json_format.MessageToDict(struct))
    got = engine_props(values)
    assert got == expected
    assert type(got["count"]) is float and type(got["list"][0]) is float


def test_proxies_read_like_pulumi_policy_proxies() -> None:
    from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

    data = engine_props({"a": {"b": [UNKNOWN, {"c": UNKNOWN}, "x"], "d": 1}, "u": UNKNOWN})
    lazy, eager = PropsProxy(data), unknown_checking_proxy(data)

    def outcome(read: Any) -> Any:
        try:
            value = read()
        except (UnknownValueError, KeyError, IndexError, TypeError) as exc:
            return type(exc).__name__, getattr(exc, "message", str(exc))
        if isinstance(value, PropsProxy) or type(value).__name__ == "_DictProxy":
            return "map", sorted(value)
        if isinstance(value, ListProxy) or type(value).__name__ == "_ListProxy":
            return "list", len(value)
        if isinstance(value, list):
            kinds = {"PropsProxy": "map", "_DictProxy": "map", "ListProxy": "list", "_ListProxy": "list"}
            return "slice", [kinds.get(type(v).__name__, v) for v in value]
        return value

    reads = [
        lambda p: p["u"],
        lambda p: "u" in p,
        lambda p: "missing" in p,
        lambda p: p.get("u"),
        lambda p: p.get("missing", 3),
        lambda p: p["missing"],
        lambda p: p["a"]["d"],
        lambda p: p["a"]["b"][0],
        lambda p: p["a"]["b"][-3],
        lambda p: p["a"]["b"][1]["c"],
        lambda p: p["a"]["b"][-2]["c"],
        lambda p: p["a"]["b"][2],
        lambda p: p["a"]["b"][5],
        lambda p: p["a"]["b"]["k"],
        lambda p: list(p["a"]["b"]),
        lambda p: p["a"]["b"][0:2],
        lambda p: dict(p.items()),
        lambda p: len(p["a"]),
        lambda p: "x" in p["a"]["b"],
    ]
    for read in reads:
        assert outcome(lambda read=read: read(lazy)) == outcome(lambda read=read: read(eager))


def test_every_policy_test_gets_the_servicer_verdict() -> None:
    """The policy test files again, with every analyze_plan call checked against the servicer path
    (``tests/perf_shadow.py``): all their raw programs, configs and edge cases, not only the stacks."""
    def judged(path: Path) -> bool:
        text = path.read_text(encoding="utf-8")
        return path.name.startswith("test_policy_") or "from tests.raw_verdicts import" in text

    files = sorted(
        str(path.relative_to(REPO))
        for path in (REPO / "tests").glob("test_*.py")
        if not path.name.startswith("test_perf_") and judged(path)
    )
    assert "tests/test_policy_coverage.py" in files
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "tests.perf_shadow", "-p", "no:xdist", "-p", "no:randomly",
         *files],
        cwd=REPO, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
