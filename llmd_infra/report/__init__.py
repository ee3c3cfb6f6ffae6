"""Report formats of ``llmd-infra preview``: each module renders a plan and its policy verdict."""

from __future__ import annotations

import importlib
from typing import Protocol

from llmd_infra.plan.graph import Plan
from llmd_infra.report.model import Analysis

FORMATS = ("text", "json", "sarif", "markdown")
_MODULES = {"text": "text", "json": "json_report", "sarif": "sarif", "markdown": "markdown"}


class _Renderer(Protocol):
    def render(self, plan: Plan, analysis: Analysis) -> str: ...


def render(fmt: str, plan: Plan, analysis: Analysis) -> str:
    """Render ``plan`` and ``analysis`` in one of :data:`FORMATS`."""
    if fmt not in _MODULES:
        raise ValueError(f"unknown format '{fmt}'; allowed: {', '.join(FORMATS)}")
    module: _Renderer = importlib.import_module(f"llmd_infra.report.{_MODULES[fmt]}")
    return module.render(plan, analysis)
