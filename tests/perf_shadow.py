"""A pytest plugin for ``tests/test_perf_policy.py``: every ``analyze_plan`` call of a test session
also runs the servicer path (``analyze_plan_by_servicer``) and fails unless both give the same
violations, notes and policy list. Loaded with ``-p tests.perf_shadow``; it patches the function
before any test module imports it."""

from __future__ import annotations

from typing import Any

from llmd_infra.plan import analyze


def pytest_configure(config: Any) -> None:
    fast = analyze.analyze_plan

    def shadowed(plan: Any, policy_config: Any = None) -> Any:
        result = fast(plan, policy_config)
        reference = analyze.analyze_plan_by_servicer(plan, policy_config)
        assert result.violations == reference.violations, "analyze_plan and the servicer disagree"
        assert result.notes == reference.notes, "analyze_plan and the servicer disagree on notes"
        assert result.policies == reference.policies
        return result

    analyze.analyze_plan = shadowed  # type: ignore[assignment]
