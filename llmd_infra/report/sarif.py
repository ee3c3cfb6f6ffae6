"""SARIF 2.1.0 output: one rule per policy, one result per violation (and per note), for code scanning.

Results point at the program file (``<program_dir>/__main__.py``, at the line that names the
resource when one does) or else at the stack config file, relative to ``%SRCROOT%`` (the working
directory, i.e. the repository root in CI). Each result also carries the resource URN as a logical
location and a stable partial fingerprint, so GitHub tracks a finding across runs.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from llmd_infra.plan.graph import Plan
from llmd_infra.policy.pack import PACK_VERSION
from llmd_infra.report.model import Analysis, Note, Violation

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/llm-d/llm-d"
_LEVEL = {"mandatory": "error", "remediate": "error", "advisory": "warning", "disabled": "none"}
_SECURITY_SEVERITY = {"low": "3.0", "medium": "5.5", "high": "8.0", "critical": "9.5"}


def _relative(path: str | None) -> str | None:
    if not path:
        return None
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return absolute.as_posix()


class _Locator:
    """Finds where a resource is written: its name as a string literal in the program, if anywhere."""

    def __init__(self, plan: Plan) -> None:
        program = Path(plan.program_dir) / "__main__.py" if plan.program_dir else None
        self.program_uri = _relative(str(program)) if program and program.is_file() else None
        self.lines: list[str] = []
        if program and program.is_file():
            self.lines = program.read_text(encoding="utf-8", errors="replace").splitlines()
        self.config_uri = _relative(plan.config_file) if plan.config_file and Path(plan.config_file).is_file() else None
        self.names = {r.urn: r.name for r in plan.resources}

    def location(self, urn: str) -> dict[str, Any] | None:
        name = self.names.get(urn)
        if self.program_uri:
            region: dict[str, Any] = {"startLine": 1}
            if name:
                for number, line in enumerate(self.lines, start=1):
                    if f'"{name}"' in line or f"'{name}'" in line:
                        region = {"startLine": number}
                        break
            return {
                "physicalLocation": {
                    "artifactLocation": {"uri": self.program_uri, "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }
        if self.config_uri:
            return {
                "physicalLocation": {
                    "artifactLocation": {"uri": self.config_uri, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 1},
                }
            }
        return None


def _rule(policy: dict[str, Any]) -> dict[str, Any]:
    anchors = list(policy.get("anchors") or [])
    help_text = f"{policy['remediation']}"
    if anchors:
        help_text += f"\nAnchors: {', '.join(anchors)}."
    enforcement = str(policy.get("enforcement", "advisory"))
    properties: dict[str, Any] = {
        "enforcement": enforcement,
        "tags": ["llm-d", str(policy.get("family") or "policy"), *anchors],
    }
    if policy.get("requirement"):
        properties["requirement"] = policy["requirement"]
    if policy.get("family") != "requirements" and policy.get("severity") in _SECURITY_SEVERITY:
        properties["security-severity"] = _SECURITY_SEVERITY[str(policy["severity"])]
    return {
        "id": policy["name"],
        "name": "".join(part.capitalize() for part in str(policy["name"]).split("-")),
        "shortDescription": {"text": policy["description"]},
        "fullDescription": {"text": policy["description"]},
        "help": {"text": help_text, "markdown": f"**Remediation:** {help_text}"},
        "defaultConfiguration": {"level": _LEVEL.get(enforcement, "warning")},
        "properties": properties,
    }


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _result(item: Violation | Note, level: str, index: dict[str, int], locator: _Locator) -> dict[str, Any]:
    where = f" ({item.urn})" if item.urn else ""
    result: dict[str, Any] = {
        "ruleId": item.policy,
        "level": level,
        "message": {"text": f"{item.message}{where}"},
        "partialFingerprints": {"llmdInfraFinding/v1": _fingerprint(item.policy, item.urn, item.message)},
    }
    if item.policy in index:
        result["ruleIndex"] = index[item.policy]
    location = locator.location(item.urn)
    logical = [{"fullyQualifiedName": item.urn, "kind": "resource"}] if item.urn else []
    if location is not None or logical:
        entry = dict(location or {})
        if logical:
            entry["logicalLocations"] = logical
        result["locations"] = [entry]
    return result


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("llmd-infra")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def to_sarif(plan: Plan, analysis: Analysis) -> dict[str, Any]:
    version = _version()
    rules = [_rule(p) for p in analysis.policies]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    locator = _Locator(plan)
    results = [_result(v, _LEVEL.get(v.enforcement, "warning"), index, locator) for v in analysis.violations]
    results += [_result(n, "note", index, locator) for n in analysis.notes]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "llmd-infra",
                "version": str(version),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
        "invocations": [{"executionSuccessful": True, "workingDirectory": {"uri": Path.cwd().resolve().as_uri()}}],
        "automationDetails": {"id": f"llmd-infra/{plan.project}/{plan.stack}/"},
        "results": results,
        "properties": {
            "policyPack": analysis.policy_pack,
            "policyPackVersion": PACK_VERSION,
            "preview": plan.preview,
            "stack": plan.stack,
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render(plan: Plan, analysis: Analysis) -> str:
    return json.dumps(to_sarif(plan, analysis), indent=2) + os.linesep
