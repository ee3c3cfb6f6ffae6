"""SARIF 2.1.0 output: one rule per policy, one result per violation (and per note), for code scanning.

Results point where a user fixes them (:mod:`llmd_infra.report.locations`): for a ready stack, the
key of its ``Pulumi.<stack>.yaml``; for any other program, the line that registered the resource.
Paths are relative to ``%SRCROOT%`` (the working directory, i.e. the repository root in CI). Each
result also carries the resource URN as a logical location and a stable partial fingerprint, so
GitHub tracks a finding across runs.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from llmd_infra.plan.graph import Plan
from llmd_infra.policy.pack import PACK_VERSION
from llmd_infra.report.locations import Locator, SourceLocation
from llmd_infra.report.model import Analysis, Note, Violation

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/llm-d/llm-d"
_LEVEL = {"mandatory": "error", "remediate": "error", "advisory": "warning", "disabled": "none"}
_SECURITY_SEVERITY = {"low": "3.0", "medium": "5.5", "high": "8.0", "critical": "9.5"}


def _artifact(path: Path) -> dict[str, Any]:
    """An artifactLocation: relative to ``%SRCROOT%`` (the working directory, i.e. the repository root
    in CI) when the file is below it, else an absolute ``file:`` URI."""
    absolute = path.resolve()
    try:
        return {"uri": absolute.relative_to(Path.cwd().resolve()).as_posix(), "uriBaseId": "%SRCROOT%"}
    except ValueError:
        return {"uri": absolute.as_uri()}


def _physical(where: SourceLocation | None) -> dict[str, Any] | None:
    if where is None:
        return None
    region: dict[str, Any] = {"startLine": where.line}
    if where.column is not None:
        region["startColumn"] = where.column
    return {"physicalLocation": {"artifactLocation": _artifact(where.path), "region": region}}


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


def _result(item: Violation | Note, level: str, index: dict[str, int], locator: Locator) -> dict[str, Any]:
    where = f" ({item.urn})" if item.urn else ""
    result: dict[str, Any] = {
        "ruleId": item.policy,
        "level": level,
        "message": {"text": f"{item.message}{where}"},
        "partialFingerprints": {"llmdInfraFinding/v1": _fingerprint(item.policy, item.urn, item.message)},
    }
    if item.policy in index:
        result["ruleIndex"] = index[item.policy]
    location = _physical(locator.locate(item.urn, item.message))
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
    locator = Locator(plan)
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
