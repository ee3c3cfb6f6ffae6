"""Terminal output: the resource tree ``pulumi preview`` would show, then the policy verdict.

Two renderings of one report: :func:`render_to` prints to a rich ``Console`` (on a terminal: its
width, colours); :func:`render` returns plain text that is never wrapped (for pipes and files), so
``grep`` and ``diff`` see one line per resource and per finding.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from llmd_infra.plan.graph import Plan, PlannedResource
from llmd_infra.plan.values import UNKNOWN, ResourceRef, Secret
from llmd_infra.report.model import Analysis

PLAIN_WIDTH = 100_000
"""Width of the plain rendering: wide enough that rich never wraps a line."""
NARROW = 100
"""Terminals narrower than this list findings one below the other instead of in a table."""


def _label(resource: PlannedResource, flagged: set[str]) -> Text:
    marks = []
    if resource.protect:
        marks.append("protected")
    if resource.ignore_changes:
        marks.append("ignores " + ",".join(resource.ignore_changes))
    text = Text("+ ", style="green")
    text.append(resource.type, style="bold" if not resource.custom else "")
    text.append(f"  {resource.name}")
    if marks:
        text.append(f"  [{'; '.join(marks)}]", style="cyan")
    if resource.urn in flagged:
        text.append("  policy violation", style="red")
    return text


# --- stack outputs, as the Pulumi CLI displays them ----------------------------------------------


def _shown(value: Any) -> bool:
    """The engine leaves out nulls, empty strings, empty lists and empty objects."""
    return not (value is None or value == "" or value == [] or value == {})


def _primitive(value: Any) -> str | None:
    if isinstance(value, Secret):
        return "[secret]"
    if value is UNKNOWN:
        return "output<string>"
    if isinstance(value, ResourceRef):
        return json.dumps(value.urn)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return None


def _value_lines(value: Any, indent: int) -> list[str]:
    """``value`` as the CLI's property display: the first line continues a ``key: `` title."""
    pad = "    " * indent
    primitive = _primitive(value)
    if primitive is not None:
        return [primitive]
    if isinstance(value, list):
        if not value:
            return ["[]"]
        lines = ["["]
        for i, item in enumerate(value):
            inner = _value_lines(item, indent + 1)
            lines.append(f"{pad}    [{i}]: {inner[0]}")
            lines += inner[1:]
        lines.append(f"{pad}]")
        return lines
    if isinstance(value, Mapping):
        shown = {k: v for k, v in value.items() if _shown(v)}
        if not shown:
            return ["{}"]
        return ["{", *_object_lines(shown, indent + 1), f"{pad}}}"]
    return [json.dumps(str(value))]


def _object_lines(values: Mapping[str, Any], indent: int) -> list[str]:
    """Keys sorted and padded to one width, as ``pulumi preview`` prints an object."""
    pad = "    " * indent
    keys = sorted(k for k, v in values.items() if _shown(v))
    width = max((len(k) for k in keys), default=0)
    lines: list[str] = []
    for key in keys:
        inner = _value_lines(values[key], indent)
        lines.append(f"{pad}{key:<{width}}: {inner[0]}")
        lines += inner[1:]
    return lines


def output_lines(outputs: Mapping[str, Any]) -> list[str]:
    """Stack outputs as the Pulumi CLI shows them under ``Outputs:``: strings quoted, ``[secret]``
    for secrets, ``output<string>`` for values not known until the update, objects and lists nested
    with ``[i]:`` indexes, keys sorted and aligned."""
    return _object_lines(outputs, 1)


# --- the report ----------------------------------------------------------------------------------


def render_to(console: Console, plan: Plan, analysis: Analysis) -> None:
    mode = "preview" if plan.preview else "update (mock outputs)"
    console.print(Text.assemble("Previewing ", (f"{plan.project}/{plan.stack}", "bold"), f" offline ({mode})\n"))
    flagged = {v.urn for v in analysis.violations}
    root = Tree(Text(f"+ pulumi:pulumi:Stack  {plan.project}-{plan.stack}", style="green"))
    nodes = {plan.stack_urn: root}
    for resource in plan.resources:
        parent = nodes.get(resource.parent, root)
        nodes[resource.urn] = parent.add(_label(resource, flagged))
    console.print(root)

    if analysis.violations or analysis.notes:
        console.print("\n[bold]Policies:[/bold]")
        by_urn = {r.urn: r for r in plan.resources}
        # Text, never markup: messages quote values such as "[secret]" or "pools[0]".
        rows: list[tuple[Text, Text, Text, Text]] = []
        for v in sorted(analysis.violations, key=lambda v: (v.enforcement != "mandatory", v.policy, v.urn)):
            name = by_urn[v.urn].name if v.urn in by_urn else (v.urn.rsplit("::", 1)[-1] if v.urn else "(stack)")
            style = "red" if v.enforcement == "mandatory" else "yellow"
            rows.append((Text(v.enforcement, style=style), Text(v.policy), Text(name), Text(v.message)))
        for n in analysis.notes:
            name = by_urn[n.urn].name if n.urn in by_urn else "(stack)"
            rows.append((Text("info", style="blue"), Text(n.policy), Text(name), Text(n.message)))
        if console.width >= NARROW:
            table = Table(show_header=True, header_style="bold", box=None)
            table.add_column("Level", no_wrap=True)
            table.add_column("Policy", no_wrap=True)
            table.add_column("Resource", overflow="fold")
            table.add_column("Message", overflow="fold", ratio=1)
            for row in rows:
                table.add_row(*row)
            console.print(table)
        else:
            # A narrow terminal: one heading line per finding, its message wrapped below it.
            for level, policy, subject, message in rows:
                console.print(Text.assemble(level, "  ", policy, "  ", subject), overflow="fold")
                console.print(Padding(message, (0, 0, 0, 4)))

    lines = output_lines(plan.outputs)
    if lines:
        console.print("\n[bold]Outputs:[/bold]")
        for line in lines:
            console.print(line, highlight=False, markup=False, soft_wrap=True)

    summary = plan.summary()
    providers = summary["providers"]
    not_counted = f"; not counted: the stack and {providers} provider{'s' if providers != 1 else ''}"
    console.print(
        f"\n[bold]Resources:[/bold] + {summary['resources']} to create "
        f"({summary['custom']} custom, {summary['components']} components, {summary['protected']} protected"
        f"{not_counted if providers else '; not counted: the stack'})",
        highlight=False,
    )
    verdict = (
        f"[red]{len(analysis.mandatory)} mandatory[/red]" if analysis.mandatory else "[green]0 mandatory[/green]"
    )
    console.print(f"[bold]Policy verdict:[/bold] {verdict}, {len(analysis.advisory)} advisory violations")


def render(plan: Plan, analysis: Analysis) -> str:
    """Plain text: no colours, no wrapping, no trailing blanks."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=PLAIN_WIDTH, force_terminal=False, color_system=None, soft_wrap=False)
    render_to(console, plan, analysis)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
