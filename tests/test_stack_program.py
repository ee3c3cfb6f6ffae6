"""The stacks/ program validates everything before it registers anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmd_infra.cli import main
from llmd_infra.errors import ConfigError
from llmd_infra.plan.engine import run_program
from llmd_infra.plan.project import load_project

REPO = Path(__file__).resolve().parents[1]


def test_missing_cluster_config_registers_nothing(tmp_path: Path) -> None:
    stack_file = tmp_path / "Pulumi.empty.yaml"
    stack_file.write_text("config:\n  gcp:project: p\n")
    with pytest.raises(ConfigError) as info:
        run_program(REPO, "empty", config_file=stack_file)
    assert str(info.value) == (
        "invalid configuration in Pulumi.empty.yaml (1 problem):\n  - llmd-infra:cluster: required key is missing"
    )
    assert info.value.plan.resources == []


def test_cli_reports_config_errors_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack_file = tmp_path / "Pulumi.typo.yaml"
    stack_file.write_text("config:\n  llmd-infra:clustr: {}\n")
    code = main(["preview", str(stack_file), "--project-dir", str(REPO)])
    err = capsys.readouterr().err
    assert code == 2
    assert "llmd-infra:cluster: required key is missing" in err


@pytest.mark.parametrize("stack", load_project(REPO).stacks())
def test_lws_below_the_requirement_is_rejected_in_every_stack(stack: str) -> None:
    with pytest.raises(ConfigError) as info:
        run_program(REPO, stack, config={"llmd-infra:addons": '{"lws": {"version": "0.6.1"}}'})
    assert [str(p) for p in info.value.problems] == [
        "llmd-infra:addons.lws.version: LWS 0.6.1 is older than llm-d's minimum 0.7.0 (requirement lws-version)"
    ]
    assert info.value.plan.resources == []
