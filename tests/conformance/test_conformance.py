"""Every provider case against every contract check (see kit.py)."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from functools import cache

import pytest

from llmd_infra.errors import ConfigError
from llmd_infra.plan.engine import run_program
from llmd_infra.plan.graph import Plan
from llmd_infra.plan.values import Secret
from tests.conformance import kit
from tests.conformance.kit import CLUSTER_OUTPUTS, REPO, ConformanceCase


def _cases() -> list[ConformanceCase]:
    import tests.conformance as package

    cases: list[ConformanceCase] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("cases_"):
            cases += importlib.import_module(f"tests.conformance.{info.name}").CASES
    return cases


CASES = _cases()
pytestmark = pytest.mark.skipif(not CASES, reason="no provider has registered conformance cases yet")


@cache
def _plan(stack: str, preview: bool = True) -> Plan:
    return run_program(REPO, stack, preview=preview)


def _ids(cases: list[ConformanceCase]) -> list[str]:
    return [c.id for c in cases]


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_component_type_token_and_single_root(case: ConformanceCase) -> None:
    plan = _plan(case.stack)
    comp = kit.component(plan, case)
    assert comp.type.startswith(f"llmd-infra:{case.provider}:")
    assert comp.parent == plan.stack_urn


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_every_child_is_parented_and_named_from_the_component(case: ConformanceCase) -> None:
    plan = _plan(case.stack)
    comp = kit.component(plan, case)
    top_level = [r for r in plan.resources if r.parent == plan.stack_urn]
    assert [r.urn for r in top_level] == [comp.urn], "resources outside the component: " + ", ".join(
        r.name for r in top_level if r.urn != comp.urn
    )
    for resource in plan.descendants(comp.urn):
        assert resource.name.startswith(comp.name), f"{resource.type} {resource.name} not named from {comp.name}"


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_names_are_unique_per_type_and_parent(case: ConformanceCase) -> None:
    plan = _plan(case.stack)
    keys = [(r.type, r.name, r.parent) for r in plan.resources]
    assert len(keys) == len(set(keys))
    assert len({r.urn for r in plan.resources}) == len(plan.resources)


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_kubeconfig_is_secret_everywhere(case: ConformanceCase) -> None:
    for preview in (True, False):
        plan = _plan(case.stack, preview)
        comp = kit.component(plan, case)
        assert set(CLUSTER_OUTPUTS) <= set(comp.outputs), f"component outputs: {sorted(comp.outputs)}"
        assert isinstance(comp.outputs["kubeconfig"], Secret)
        assert isinstance(plan.outputs["kubeconfig"], Secret)
        providers = [r for r in plan.descendants(comp.urn) if r.type == "pulumi:providers:kubernetes"]
        assert providers, "no Kubernetes provider for add-ons"
        for provider in providers:
            assert isinstance(provider.inputs.get("kubeconfig"), Secret), provider.name


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_cluster_is_protected_and_deletion_protected(case: ConformanceCase) -> None:
    plan = _plan(case.stack)
    if case.cluster_type is None:
        # An existing cluster is adopted, never created: no raw cluster of any provider in the plan.
        from llmd_infra.policy.resources import cluster_types

        assert [r.type for r in plan.resources if r.type in cluster_types()] == []
        return
    clusters = kit.clusters(plan, case)
    assert len(clusters) == 1
    assert clusters[0].protect is case.expect_protected
    if case.deletion_protected is not None:
        assert case.deletion_protected(clusters[0]) is case.expect_protected


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_autoscaled_pools_ignore_node_count_drift(case: ConformanceCase) -> None:
    plan = _plan(case.stack)
    pools = kit.accelerator_pools(plan, case)
    assert bool(pools) is not case.single_node, "accelerator pool resources (none in single-node mode)"
    for pool in pools:
        if pool.inputs.get("autoscaling") or pool.inputs.get("autoScale"):
            assert {"nodeCount", "initialNodeCount"} & set(pool.ignore_changes), pool.name


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_accelerator_pools_described_in_requirement_terms(case: ConformanceCase) -> None:
    plan = _plan(case.stack, False)
    summaries = plan.outputs["acceleratorPools"]
    assert isinstance(summaries, list) and summaries
    keys = {"name", "machineType", "accelerator", "acceleratorsPerNode", "minNodes", "maxNodes", "autoscaling",
            "multiHost", "interconnect", "zones"}
    for summary in summaries:
        assert set(summary) == keys
        assert summary["acceleratorsPerNode"] >= 1
        assert 0 <= summary["minNodes"] <= summary["maxNodes"]


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_addons_never_wait_for_accelerator_pools(case: ConformanceCase) -> None:
    plan = _plan(case.stack)
    pools = {r.urn for r in kit.accelerator_pools(plan, case)}
    assert bool(pools) is not case.single_node, "accelerator pool resources (none in single-node mode)"
    pool_related = kit.expand(pools, plan)
    # Pools that are Kubernetes objects themselves (OpenShift MachineSets and their autoscalers) are no add-ons.
    kube = [
        r
        for r in plan.resources
        if (r.type.startswith("kubernetes:") or r.type.startswith("llmd-infra:addons:")) and r.urn not in pool_related
    ]
    for resource in kube:
        waits_for = kit.dependency_closure(plan, resource)
        assert not (waits_for & pool_related), f"{resource.type} {resource.name} waits for an accelerator pool"


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_bad_config_is_rejected_before_any_resource(case: ConformanceCase) -> None:
    with pytest.raises(ConfigError) as info:
        run_program(REPO, case.stack, config=case.bad_config)
    assert case.bad_config_message in str(info.value)
    assert info.value.plan is not None and info.value.plan.resources == []


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_runs_are_deterministic(case: ConformanceCase) -> None:
    first = run_program(REPO, case.stack).to_json()
    second = run_program(REPO, case.stack).to_json()
    assert first == second


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_zero_mandatory_policy_violations(case: ConformanceCase) -> None:
    from llmd_infra.plan.analyze import analyze_plan

    analysis = analyze_plan(_plan(case.stack))
    assert [(v.policy, v.urn, v.message) for v in analysis.mandatory] == []


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_provider_imports_no_other_cloud_sdk(case: ConformanceCase) -> None:
    foreign = list(case.foreign_sdks)
    code = (
        f"import sys, importlib; room = importlib.import_module('llmd_infra.providers.{case.provider}'); "
        "room.cluster_from_config; "
        f"bad = [m for m in {foreign!r} if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
