"""node-check reports as text, JSON or Markdown.

JSON is the contract (``schema: llmd-infra/node-check/v1``): a ``results`` list of
``{id, status, value, message, enforcement}`` records with the measured host facts beside them under
``host``. Text is for terminals, Markdown for bug reports and pull requests.

Standard library only (runs in the node-check DaemonSet).
"""

from __future__ import annotations

import json

from llmd_infra.preflight.model import Accelerator, Nic, PcieLink, Report

FORMATS = ("text", "json", "markdown")


def _gen(link: PcieLink | None) -> str:
    if link is None:
        return "no link files"
    return f"gen {link.generation}" if link.generation is not None else "gen unknown"


def _speed(nic: Nic) -> str:
    return f"{nic.speed_mbps / 1000:g} Gbps" if nic.speed_mbps is not None else "speed unknown"


def _accelerator_line(acc: Accelerator) -> str:
    model = acc.model or f"unknown {acc.vendor.upper() if acc.vendor != 'google' else 'Google'} device"
    family = f" [{acc.family}]" if acc.family else ""
    driver = f", driver {acc.driver}" if acc.driver else ""
    return f"{model}{family} at {acc.pci_address or '?'}, {_gen(acc.link)}{driver} ({acc.source})"


def _nic_line(nic: Nic) -> str:
    if nic.virtual:
        return f"{nic.name}: virtual (no device link), not counted"
    vf = ", SR-IOV VF" if nic.sriov_vf else ""
    return f"{nic.name}: {nic.pci_address or 'not PCI'}, {_speed(nic)}, {_gen(nic.link)}{vf}"


def _fact_lines(report: Report) -> list[tuple[str, list[str]]]:
    facts = report.facts
    cpu, memory = facts.cpu, facts.memory
    gib = f"{memory.total_gib:.1f} GiB" if memory.total_gib is not None else f"unknown ({memory.problem})"
    host = [
        f"CPU: {cpu.physical_cores if cpu.physical_cores is not None else 'unknown'} physical cores, "
        f"{cpu.sockets if cpu.sockets is not None else 'unknown'} sockets, "
        f"{cpu.logical_cpus if cpu.logical_cpus is not None else 'unknown'} logical CPUs"
        + (f" ({cpu.problem})" if cpu.problem else ""),
        f"memory: {gib}",
    ]
    rdma = [
        f"{p.device}/{p.port}: {p.kind or p.link_layer or 'unknown link layer'}, {p.state or 'state unknown'}, "
        f"{f'{p.rate_gbps:g} Gbps' if p.rate_gbps is not None else 'rate unknown'}"
        + (f", {p.pci_address}" if p.pci_address else "")
        + (f", netdev {', '.join(p.netdevs)}" if p.netdevs else "")
        for p in facts.rdma
    ]
    tools = [
        f"{t.name}: {t.problem or 'ok'}" for t in facts.tools
    ]
    return [
        ("host", host),
        ("accelerators", [_accelerator_line(a) for a in facts.accelerators] or ["none found"]),
        ("NICs", [_nic_line(n) for n in facts.nics] or ["none"]),
        ("RDMA ports", rdma or ["none"]),
        ("tools", tools),
        ("notes", list(facts.notes)),
    ]


def _title(report: Report) -> str:
    name = report.node.get("name") or report.facts.hostname or "host"
    root = "" if report.root in ("/", "") else f" (read from {report.root})"
    return f"node-check of {name}{root}: {report.verdict}"


def render_text(report: Report) -> str:
    lines = [_title(report), ""]
    width = max(len(r.id) for r in report.results)
    for r in report.results:
        lines.append(f"  {r.status.value.upper():<8} {r.id:<{width}}  {r.enforcement:<9}  {r.message}")
    for heading, items in _fact_lines(report):
        if items:
            lines += ["", f"{heading}:", *(f"  {item}" for item in items)]
    if report.mandatory_failures:
        lines += ["", f"{len(report.mandatory_failures)} mandatory requirement(s) fail"]
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=False) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    lines = [f"### {_title(report)}", "", "| Requirement | Status | Enforcement | Value | Detail |",
             "| --- | --- | --- | --- | --- |"]
    for r in report.results:
        value = "-" if r.value is None else ", ".join(map(str, r.value)) if isinstance(r.value, list) else str(r.value)
        lines.append(f"| `{r.id}` | {r.status.value} | {r.enforcement} | {_md(value)} | {_md(r.message)} |")
    for heading, items in _fact_lines(report):
        if items:
            lines += ["", f"**{heading}**", "", *(f"- {_md(item)}" for item in items)]
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return render_json(report)
    if fmt == "markdown":
        return render_markdown(report)
    return render_text(report)
