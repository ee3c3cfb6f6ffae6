"""The Markdown report's Mermaid diagrams parse with Mermaid's own parser (tests/js)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from llmd_infra.plan.analyze import analyze_plan
from llmd_infra.plan.engine import run_program
from llmd_infra.plan.project import load_project
from llmd_infra.report import markdown

REPO = Path(__file__).resolve().parents[1]
JS = Path(__file__).parent / "js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None or not (JS / "node_modules" / "mermaid").is_dir(),
    reason="needs node and `npm ci --prefix tests/js` (README's test command runs it when npm exists)",
)


def _diagrams(text: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", text, flags=re.S)


def _parse(files: list[Path]) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    return subprocess.run([NODE, str(JS / "parse_mermaid.mjs"), *map(str, files)], capture_output=True, text=True,
                          check=False, timeout=120)


def test_every_report_diagram_parses(tmp_path: Path) -> None:
    targets = [(REPO, stack) for stack in load_project(REPO).stacks()]
    targets.append((REPO / "tests" / "programs" / "raw_gcp", "dev"))  # a plan with violations
    files = []
    for project, stack in targets:
        plan = run_program(project, stack)
        diagrams = _diagrams(markdown.render(plan, analyze_plan(plan)))
        assert len(diagrams) == 1, stack
        path = tmp_path / f"{stack}.mmd"
        path.write_text(diagrams[0])
        files.append(path)
    result = _parse(files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [f"OK {f} flowchart-v2" for f in files]


def test_the_parser_rejects_a_broken_diagram(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mmd"
    broken.write_text('flowchart LR\n  r1["unclosed\n')
    result = _parse([broken])
    assert result.returncode == 1
    assert result.stdout.startswith(f"ERROR {broken} Parse error")


def test_the_architecture_diagram_parses(tmp_path: Path) -> None:
    diagrams = _diagrams((REPO / "docs" / "architecture.md").read_text(encoding="utf-8"))
    assert len(diagrams) == 1
    path = tmp_path / "architecture.mmd"
    path.write_text(diagrams[0])
    result = _parse([path])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [f"OK {path} flowchart-v2"]
