"""The JSON document of ``llmd-infra preview --format json`` (stable; documented in README).

``{"project", "stack", "preview", "resources": [...], "outputs": {...}, "violations": [...],
"notes": [...], "summary": {...}}`` — secrets never carry their value (``{"secret": true}``),
unknown values are ``{"unknown": true}``.
"""

from __future__ import annotations

import json
from typing import Any

from llmd_infra.plan.graph import Plan
from llmd_infra.report.model import Analysis


def document(plan: Plan, analysis: Analysis) -> dict[str, Any]:
    doc = plan.to_json()
    doc["violations"] = [v.to_json() for v in analysis.violations]
    doc["notes"] = [n.to_json() for n in analysis.notes]
    doc["summary"]["mandatoryViolations"] = len(analysis.mandatory)
    doc["summary"]["advisoryViolations"] = len(analysis.advisory)
    return doc


def render(plan: Plan, analysis: Analysis) -> str:
    return json.dumps(document(plan, analysis), indent=2, sort_keys=False) + "\n"
