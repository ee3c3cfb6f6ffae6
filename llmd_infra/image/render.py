"""``image-check`` reports: text for a terminal, JSON, SARIF for code scanning, Markdown for a PR comment."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from llmd_infra import requirements as reqs
from llmd_infra.image.check import Report
from llmd_infra.image.checks import RESULT_IDS

FORMATS = ("text", "json", "sarif", "markdown")
_STYLE = {"pass": "green", "fail": "red", "unknown": "yellow"}
_ICON = {"pass": "✅", "fail": "❌", "unknown": "❔"}


def _value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _verdict(report: Report) -> str:
    failed, unknown, passed = report.count("fail"), report.count("unknown"), report.count("pass")
    return f"{failed} failed, {unknown} unknown, {passed} passed"


def render_text(report: Report) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=140, force_terminal=False, color_system=None)
    console.print(f"Checking {report.image} ({report.kind})", highlight=False, markup=False)
    for platform in report.platforms:
        target = platform.target
        where = target.platform or "platform not stated"
        scanned = (f", {platform.layers} layers, {platform.entries} entries walked" if target.layers is not None
                   else ", config only")
        console.print(f"\n{where}{' ' + target.name if target.name else ''}{scanned}", highlight=False,
                      markup=False)
        table = Table(show_header=True, header_style="bold", box=None)
        for column in ("Status", "Convention", "Value"):
            table.add_column(column, overflow="fold")
        table.add_column("Message", overflow="fold")
        for r in platform.results:
            table.add_row(Text(r.status, style=_STYLE[r.status]), r.id, Text(_value(r.value)), Text(r.message))
        console.print(table)
    for skipped in report.skipped:
        console.print(f"skipped {skipped.digest} ({skipped.platform or 'no platform'}): {skipped.reason}",
                      highlight=False, markup=False)
    console.print(f"\nimage-check: {_verdict(report)}", highlight=False, markup=False)
    return buffer.getvalue()


def render_json(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2) + "\n"


def _rule(requirement_id: str) -> dict[str, Any]:
    record = reqs.get(requirement_id)
    help_text = f"{record.seed}." if not record.note else f"{record.seed}. {record.note}"
    return {
        "id": record.id,
        "name": "".join(part.capitalize() for part in record.id.split("-")),
        "shortDescription": {"text": record.title},
        "fullDescription": {"text": f"{record.title} (threshold: {record.threshold_text()})"},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": "error"},
        "properties": {"requirement": record.id, "enforcement": record.enforcement.value,
                       "tags": ["llm-d", "image"]},
    }


def _relative_uri(path: str) -> str:
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return absolute.as_posix()


def to_sarif(report: Report) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one rule per convention, a result per failed (error) or unknown (note) one."""
    from llmd_infra.report.sarif import INFORMATION_URI, SARIF_SCHEMA

    rules = [_rule(i) for i in RESULT_IDS]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    uri = _relative_uri(report.image)
    results = []
    for platform, r in report.results():
        if r.status == "pass":
            continue
        where = platform.target.platform or "image"
        results.append({
            "ruleId": r.id,
            "ruleIndex": index[r.id],
            "level": "error" if r.status == "fail" else "note",
            "message": {"text": f"{r.message} ({where})"},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}},
                "logicalLocations": [{"fullyQualifiedName": where, "kind": "module"}],
            }],
            "partialFingerprints": {
                "llmdInfraImage/v1": hashlib.sha256(f"{r.id}\x1f{where}\x1f{r.status}".encode()).hexdigest()[:32],
            },
        })
    run = {
        "tool": {"driver": {"name": "llmd-infra image-check", "informationUri": INFORMATION_URI, "rules": rules}},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
        "automationDetails": {"id": f"llmd-infra/image-check/{uri}/"},
        "results": results,
        "properties": {"source": report.kind, "platforms": [p.target.platform for p in report.platforms]},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(report: Report) -> str:
    return json.dumps(to_sarif(report), indent=2) + "\n"


def render_markdown(report: Report) -> str:
    from llmd_infra.report.markdown import escape_cell

    head = "❌ **Fails**" if report.failed else ("❔ **Passes with unknowns**" if report.count("unknown")
                                                 else "✅ **Passes**")
    out = [f"## llmd-infra image-check — `{escape_cell(report.image)}`", "", f"{head} — {_verdict(report)}.", ""]
    for platform in report.platforms:
        target = platform.target
        out += [f"### {escape_cell(target.platform or 'platform not stated')}", "",
                "| | Convention | Value | Message |", "|---|---|---|---|"]
        for r in platform.results:
            out.append(f"| {_ICON[r.status]} | `{r.id}` | {escape_cell(_value(r.value))} | {escape_cell(r.message)} |")
        out.append("")
    return "\n".join(out)


def render(fmt: str, report: Report) -> str:
    renderers = {"text": render_text, "json": render_json, "sarif": render_sarif, "markdown": render_markdown}
    if fmt not in renderers:
        raise ValueError(f"unknown format '{fmt}'; allowed: {', '.join(FORMATS)}")
    return renderers[fmt](report)
