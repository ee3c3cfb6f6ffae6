"""A pull-request comment: the verdict, a table of violations, and a Mermaid diagram of the plan.

The diagram groups resources by component (a ``subgraph`` per component with children, nested as
the components are), draws dependencies as edges, and colours resources with mandatory or advisory
violations. Node ids are generated (``r0``, ``r1``, ...); labels are quoted with Mermaid's entity
codes for quotes and angle brackets, so names and types never break the graph. Providers are left
out. Plans larger than :data:`MAX_NODES` show the components only.
"""

from __future__ import annotations

from collections import defaultdict

from llmd_infra.plan.graph import Plan, PlannedResource
from llmd_infra.policy.pack import PACK_NAME, PACK_VERSION
from llmd_infra.report.model import Analysis, Violation

MAX_NODES = 150
MARKER = "<!-- llmd-infra-preview -->"


def escape_cell(text: str) -> str:
    """A Markdown table cell: pipes escaped, newlines as <br>."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def mermaid_label(text: str) -> str:
    """Text for a quoted Mermaid label (``["..."]``)."""
    return (
        text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;").replace("\n", " ")
    )


def _short_type(resource_type: str) -> str:
    return resource_type.rsplit(":", 1)[-1] if ":" in resource_type else resource_type


def _verdict(analysis: Analysis) -> str:
    mandatory, advisory = len(analysis.mandatory), len(analysis.advisory)
    if mandatory:
        return f"❌ **Blocked** — {mandatory} mandatory violation{'s' if mandatory != 1 else ''}, {advisory} advisory."
    if advisory:
        return f"⚠️ **Passes with warnings** — 0 mandatory, {advisory} advisory violation{'s' if advisory != 1 else ''}."
    return "✅ **Passes** — no policy violations."


def _resource_cell(violation: Violation, names: dict[str, PlannedResource]) -> str:
    resource = names.get(violation.urn)
    if resource is not None:
        return f"`{escape_cell(resource.name)}` ({escape_cell(_short_type(resource.type))})"
    if violation.urn:
        return f"`{escape_cell(violation.urn.rsplit('::', 1)[-1])}`"
    return "stack"


def diagram(plan: Plan, analysis: Analysis) -> str:
    """The Mermaid flowchart source (without the code fence)."""
    resources = [r for r in plan.resources if not r.is_provider]
    severity: dict[str, str] = {}
    for v in analysis.violations:
        if v.enforcement == "mandatory" or severity.get(v.urn) != "mandatory":
            severity[v.urn] = "mandatory" if v.enforcement == "mandatory" else "advisory"
    ids = {r.urn: f"r{i}" for i, r in enumerate(resources)}
    children: dict[str, list[PlannedResource]] = defaultdict(list)
    for r in resources:
        children[r.parent if r.parent in ids else ""].append(r)
    components_only = len(resources) > MAX_NODES
    lines = ["flowchart LR"]

    def emit(parent: str, depth: int) -> None:
        pad = "  " * depth
        for r in children.get(parent, []):
            label = mermaid_label(f"{r.name}<br/>{_short_type(r.type)}").replace("#lt;br/#gt;", "<br/>")
            node = ids[r.urn]
            if not r.custom and children.get(r.urn):
                lines.append(f'{pad}subgraph {node}["{label}"]')
                emit(r.urn, depth + 1)
                lines.append(f"{pad}end")
            elif not components_only or not r.custom:
                shape = f'(["{label}"])' if not r.custom else f'["{label}"]'
                lines.append(f"{pad}{node}{shape}")

    emit("", 1)
    drawn = {line.strip().split("[", 1)[0].split("(", 1)[0].replace("subgraph ", "") for line in lines[1:]}
    for r in resources:
        for dep in r.dependencies:
            if dep in ids and ids[dep] in drawn and ids[r.urn] in drawn and dep != r.parent:
                lines.append(f"  {ids[dep]} --> {ids[r.urn]}")
    lines.append("  classDef mandatory fill:#fdd,stroke:#c00,color:#000")
    lines.append("  classDef advisory fill:#ffd,stroke:#a80,color:#000")
    for level in ("mandatory", "advisory"):
        flagged = [ids[u] for u, s in severity.items() if s == level and u in ids and ids[u] in drawn]
        if flagged:
            lines.append(f"  class {','.join(flagged)} {level}")
    return "\n".join(lines)


def _pack(analysis: Analysis) -> str:
    """The pack as the CLI names it: ``llmd-infra@v<version of policies/PulumiPolicy.yaml>``."""
    return f"{analysis.policy_pack}@v{PACK_VERSION}" if analysis.policy_pack == PACK_NAME else analysis.policy_pack


def _planned(plan: Plan) -> str:
    """The count every report states (:meth:`~llmd_infra.plan.graph.Plan.counted`)."""
    summary = plan.summary()
    return (
        f"{summary['resources']} resources planned ({summary['custom']} custom, {summary['components']} components; "
        "the stack and providers not counted)"
    )


def render(plan: Plan, analysis: Analysis) -> str:
    names = {r.urn: r for r in plan.resources}
    out = [
        MARKER,
        f"## llmd-infra preview — `{plan.project}` / `{plan.stack}`",
        "",
        _verdict(analysis),
        "",
        f"Policy pack `{_pack(analysis)}`: {len(analysis.policies)} policies, {_planned(plan)}"
        + ("; preview: some values unknown." if plan.preview else "."),
        "",
    ]
    if analysis.violations:
        out += ["| | Enforcement | Policy | Resource | Message |", "|---|---|---|---|---|"]
        ordered = sorted(analysis.violations, key=lambda v: (v.enforcement != "mandatory", v.policy))
        for v in ordered:
            icon = "❌" if v.enforcement == "mandatory" else "⚠️"
            out.append(
                f"| {icon} | {v.enforcement} | `{escape_cell(v.policy)}` | {_resource_cell(v, names)} | "
                f"{escape_cell(v.message)} |"
            )
        out.append("")
    if analysis.notes:
        out += ["<details><summary>Notes</summary>", ""]
        out += [f"- `{escape_cell(n.policy)}`: {escape_cell(n.message)}" for n in analysis.notes]
        out += ["", "</details>", ""]
    out += [
        "<details><summary>Planned resources</summary>",
        "",
        "```mermaid",
        diagram(plan, analysis),
        "```",
        "",
        "</details>",
        "",
    ]
    return "\n".join(out)
