"""What ``llmd-infra preview`` prints: fitted to a terminal, plain on a pipe, and one story in every format."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

import llmd_infra.cli as cli
from llmd_infra.plan.values import UNKNOWN, Secret
from llmd_infra.report.text import output_lines

REPO = Path(__file__).resolve().parents[1]
PROGRAMS = Path(__file__).parent / "programs"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _terminal(monkeypatch: pytest.MonkeyPatch, width: int) -> tuple[io.StringIO, io.StringIO]:
    """Make the CLI believe stdout and stderr are a terminal ``width`` columns wide."""
    out, err = io.StringIO(), io.StringIO()

    def consoles() -> tuple[Console, Console]:
        return (Console(file=out, force_terminal=True, width=width, color_system="standard"),
                Console(file=err, force_terminal=True, width=width, color_system="standard"))

    monkeypatch.setattr(cli, "consoles", consoles)
    return out, err


def test_on_a_terminal_the_report_fits_its_width_and_a_status_line_is_cleared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, err = _terminal(monkeypatch, 72)
    assert cli.main(["preview", "--program", str(PROGRAMS / "raw_gcp")]) == 1
    lines = ANSI.sub("", out.getvalue()).splitlines()
    assert "\x1b[" in out.getvalue()  # colours on a terminal
    assert max(len(line) for line in lines) <= 72
    assert "Policies:" in lines and lines[-1].startswith("Policy verdict: ")
    # Narrower than a findings table: each finding is a heading, its message below it.
    assert "mandatory  gke-private-nodes  gpu-cluster" in lines
    status = err.getvalue()
    assert "Running dev under the offline engine…" in status
    assert "Judging 2 resources with the policy pack…" in status
    # The status line is erased when it stops (cursor up, erase line), before the report is printed.
    assert status.endswith("\x1b[1A\x1b[2K")


def test_on_a_wide_terminal_findings_are_a_table(monkeypatch: pytest.MonkeyPatch) -> None:
    out, _ = _terminal(monkeypatch, 160)
    assert cli.main(["preview", "--program", str(PROGRAMS / "raw_gcp")]) == 1
    lines = ANSI.sub("", out.getvalue()).splitlines()
    assert max(len(line) for line in lines) <= 160
    assert any(re.match(r"^ ?Level +Policy +Resource +Message", line) for line in lines)


def test_piped_output_is_plain_and_unwrapped(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["preview", "--program", str(PROGRAMS / "raw_gcp")]) == 1
    captured = capsys.readouterr()
    assert "\x1b[" not in captured.out
    assert captured.err == ""  # no status line on a pipe
    lines = captured.out.splitlines()
    assert all(line == line.rstrip() for line in lines)
    # One line per finding, however long (no fixed width).
    message = ("the control plane endpoint is public and masterAuthorizedNetworksConfig is not set: any address can "
               "reach the API server")
    row = next(line for line in lines if "gke-master-authorized-networks" in line)
    assert re.fullmatch(rf" ?mandatory +gke-master-authorized-networks +gpu-cluster +{re.escape(message)}", row)
    assert len(row) > 140


def test_json_and_reports_to_files_never_show_a_status_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out, err = _terminal(monkeypatch, 100)
    assert cli.main(["preview", "--program", str(PROGRAMS / "raw_k8s"), "--format", "json"]) == 0
    assert json.loads(out.getvalue())["project"] == "raw-k8s"  # not coloured, parseable
    assert "Running dev" in err.getvalue()


def test_outputs_are_rendered_as_pulumi_renders_them() -> None:
    outputs = {
        "kubeconfig": Secret(UNKNOWN),
        "token": Secret("t0p"),
        "endpoint": UNKNOWN,
        "name": "llm-d",
        "count": 2,
        "ready": False,
        "empty": "",
        "nothing": None,
        "pools": [{"name": "a3u", "maxNodes": 2, "zones": ["us-central1-b"], "labels": {}}],
    }
    assert output_lines(outputs) == [
        "    count     : 2",
        "    endpoint  : output<string>",
        "    kubeconfig: [secret]",
        '    name      : "llm-d"',
        "    pools     : [",
        "        [0]: {",
        "            maxNodes: 2",
        '            name    : "a3u"',
        "            zones   : [",
        '                [0]: "us-central1-b"',
        "            ]",
        "        }",
        "    ]",
        "    ready     : false",
        "    token     : [secret]",
    ]


def test_every_format_states_the_same_resource_count(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Counted: custom resources and components; not counted: the stack and explicit providers."""
    argv = ["preview", "gke-a4-rdma", "--project-dir", str(REPO)]
    assert cli.main([*argv, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    resources = doc["resources"]
    expected = sum(1 for r in resources if not r["type"].startswith("pulumi:providers:"))
    providers = len(resources) - expected
    summary = doc["summary"]
    assert (summary["resources"], summary["custom"] + summary["components"], summary["providers"]) == (
        expected, expected, providers
    )
    assert providers == 1 and expected == len(resources) - 1

    assert cli.main(argv) == 0
    text = capsys.readouterr().out
    assert (f"Resources: + {expected} to create ({summary['custom']} custom, {summary['components']} components, "
            f"{summary['protected']} protected; not counted: the stack and {providers} provider)") in text

    assert cli.main([*argv, "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert (f"{expected} resources planned ({summary['custom']} custom, {summary['components']} components; "
            "the stack and providers not counted)") in markdown


def test_messages_are_printed_verbatim_never_as_markup() -> None:
    from rich.console import Console

    from llmd_infra.plan.graph import Plan
    from llmd_infra.report.model import Analysis, Violation
    from llmd_infra.report.text import render, render_to

    message = "acceleratorPools[0] exports [secret] and [bold]nothing[/bold]"
    analysis = Analysis(violations=[Violation("p[1]", "mandatory", "", message)])
    plan = Plan("proj[x]", "dev", True, [], {})
    assert re.search(rf"p\[1\] +\(stack\) +{re.escape(message)}\n", render(plan, analysis))
    for width in (60, 160):
        buffer = io.StringIO()
        render_to(Console(file=buffer, width=width, force_terminal=True), plan, analysis)
        text = " ".join(ANSI.sub("", buffer.getvalue()).split())
        assert message in text and "proj[x]/dev" in text
