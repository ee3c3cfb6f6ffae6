"""Terminal output: the resource tree ``pulumi preview`` would show, then the policy verdict."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from llmd_infra.plan.graph import Plan, PlannedResource
from llmd_infra.plan.values import Secret, contains_unknown, to_json
from llmd_infra.report.model import Analysis


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


def render_to(console: Console, plan: Plan, analysis: Analysis) -> None:
    mode = "preview" if plan.preview else "update (mock outputs)"
    console.print(f"Previewing [bold]{plan.project}/{plan.stack}[/bold] offline ({mode})\n")
    flagged = {v.urn for v in analysis.violations}
    root = Tree(Text(f"+ pulumi:pulumi:Stack  {plan.project}-{plan.stack}", style="green"))
    nodes = {plan.stack_urn: root}
    for resource in plan.resources:
        parent = nodes.get(resource.parent, root)
        nodes[resource.urn] = parent.add(_label(resource, flagged))
    console.print(root)

    if analysis.violations or analysis.notes:
        console.print("\n[bold]Policies:[/bold]")
        table = Table(show_header=True, header_style="bold", box=None)
        table.add_column("Level")
        table.add_column("Policy")
        table.add_column("Resource")
        table.add_column("Message", overflow="fold")
        by_urn = {r.urn: r for r in plan.resources}
        for v in sorted(analysis.violations, key=lambda v: (v.enforcement != "mandatory", v.policy, v.urn)):
            name = by_urn[v.urn].name if v.urn in by_urn else (v.urn.rsplit("::", 1)[-1] if v.urn else "(stack)")
            style = "red" if v.enforcement == "mandatory" else "yellow"
            table.add_row(Text(v.enforcement, style=style), v.policy, name, v.message)
        for n in analysis.notes:
            name = by_urn[n.urn].name if n.urn in by_urn else "(stack)"
            table.add_row(Text("info", style="blue"), n.policy, name, n.message)
        console.print(table)

    if plan.outputs:
        console.print("\n[bold]Outputs:[/bold]")
        for key, value in plan.outputs.items():
            if isinstance(value, Secret):
                shown = "[secret]"
            elif contains_unknown(value):
                shown = "output<unknown>" if not isinstance(value, (dict, list)) else str(to_json(value))
            else:
                shown = str(to_json(value))
            console.print(f"    {key}: {shown}", highlight=False, markup=False)

    summary = plan.summary()
    console.print(
        f"\n[bold]Resources:[/bold] + {summary['resources'] + 1} to create "
        f"({summary['custom']} custom, {summary['components']} components, {summary['providers']} providers, "
        f"{summary['protected']} protected)"
    )
    verdict = (
        f"[red]{len(analysis.mandatory)} mandatory[/red]" if analysis.mandatory else "[green]0 mandatory[/green]"
    )
    console.print(f"[bold]Policy verdict:[/bold] {verdict}, {len(analysis.advisory)} advisory violations")


def render(plan: Plan, analysis: Analysis) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=140, force_terminal=False, color_system=None)
    render_to(console, plan, analysis)
    return buffer.getvalue()
