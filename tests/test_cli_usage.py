"""Everyday mistakes get one message and exit 2 (never a traceback, never exit 1), naming the real culprit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import llmd_infra.cli as cli
import llmd_infra.report
from llmd_infra.errors import ConfigError, UsageError
from llmd_infra.plan.engine import run_callable, run_program
from llmd_infra.plan.project import load_project, load_stack_config, parse_config_path

REPO = Path(__file__).resolve().parents[1]
PROGRAMS = Path(__file__).parent / "programs"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- 1. bad usage: exit 2 with a message ---------------------------------------------------------


def test_output_that_cannot_be_written_is_exit_2_before_anything_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_run(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the program must not run")

    monkeypatch.setattr("llmd_infra.plan.engine.run_program", no_run)
    missing = tmp_path / "no-such-folder" / "report.json"
    code, out, err = _run(capsys, "preview", "--program", str(PROGRAMS / "raw_k8s"), "--output", str(missing))
    assert (code, out, err) == (2, "", f"error: --output {missing}: the folder {missing.parent} does not exist\n")
    code, _, err = _run(capsys, "preview", "--program", str(PROGRAMS / "raw_k8s"), "-o", str(tmp_path))
    assert (code, err) == (2, f"error: --output {tmp_path} is a directory; name a file\n")


def test_argparse_errors_and_help_return_instead_of_raising(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "preview", "--format", "yaml")
    assert code == 2 and "invalid choice: 'yaml'" in err
    code, _, err = _run(capsys, "no-such-command")
    assert code == 2 and "invalid choice: 'no-such-command'" in err
    code, out, _ = _run(capsys, "preview", "--help")
    assert code == 0
    assert "--debug" in out and "pulumi config set --path" in " ".join(out.split())


def test_conflicting_target_options_are_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "preview", "gke-a3-ultra", "--stack", "gke-l4-dev", "--project-dir", str(REPO))
    assert (code, err) == (
        2, "error: --stack gke-l4-dev conflicts with the stack named gke-a3-ultra; give one of them\n"
    )
    code, _, err = _run(capsys, "preview", "gke-a3-ultra", "--program", str(PROGRAMS / "raw_k8s"))
    assert (code, err) == (2, "error: give either STACK or --program, not both\n")
    code, _, err = _run(capsys, "preview")
    assert code == 2 and err.startswith("error: name a stack")


def test_an_internal_error_is_exit_3_not_1(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> str:
        raise KeyError("oops")

    monkeypatch.setattr(llmd_infra.report, "render", broken)
    code, out, err = _run(capsys, "preview", "--program", str(PROGRAMS / "raw_k8s"), "--format", "json")
    assert (code, out) == (3, "")
    assert err.splitlines() == [
        "internal error: KeyError: 'oops'",
        "This is a bug in llmd-infra, not in your input; rerun with --debug and report the traceback.",
    ]
    code, _, err = _run(capsys, "preview", "--program", str(PROGRAMS / "raw_k8s"), "--format", "json", "--debug")
    assert code == 3 and "Traceback (most recent call last)" in err and 'raise KeyError("oops")' in err


# --- 4. messages name the real culprit -----------------------------------------------------------


def test_a_missing_stack_file_is_named_when_the_program_needs_configuration(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    code, _, err = _run(capsys, "preview", "--program", "tests/programs/raw_gcp", "--stack", "prod")
    assert code == 2
    assert err.splitlines()[0] == (
        "error: stack file tests/programs/raw_gcp/Pulumi.prod.yaml does not exist (stack files there: dev), "
        "and the program needs configuration:"
    )
    assert "Missing required configuration variable 'raw-gcp:nodeCount'" in err
    code, _, err = _run(capsys, "preview", "--program", ".", "--stack", "gke-a3-ultr")
    assert code == 2
    assert err.splitlines() == [
        "error: stack file stacks/Pulumi.gke-a3-ultr.yaml does not exist (stack files there: "
        + ", ".join(load_project(REPO).stacks()) + "), and the program needs configuration:",
        "  invalid configuration (1 problem):",
        "    - llmd-infra:cluster: required key is missing",
    ]


def test_a_program_that_needs_no_configuration_runs_without_a_stack_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "preview", "--program", str(PROGRAMS / "raw_k8s"), "--stack", "brand-new",
                          "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["stack"] == "brand-new"


def test_a_top_level_typo_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    stack = tmp_path / "Pulumi.typo.yaml"
    stack.write_text((REPO / "stacks" / "Pulumi.gke-l4-dev.yaml").read_text().replace("llmd-infra:cluster:",
                                                                                      "llmd-infra:clustr:"))
    code, _, err = _run(capsys, "preview", str(stack), "--project-dir", str(REPO))
    assert code == 2
    assert err.splitlines() == [
        f"error: invalid configuration in {stack} (2 problems):",
        "  - llmd-infra:cluster: required key is missing",
        "  - llmd-infra:clustr: unknown key 'clustr'; allowed keys: cluster, addons, protect",
    ]


def test_values_from_config_are_reported_as_coming_from_config(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    code, _, err = _run(capsys, "preview", "gke-a3-ultra", "--config", "llmd-infra:cluster.systemPool.nodeCount=0")
    assert (code, err.splitlines()) == (2, [
        "error: invalid configuration from --config (1 problem):",
        "  - llmd-infra:cluster.systemPool.nodeCount: Input should be greater than or equal to 1 (got 0)",
    ])
    # Values from two places: each problem says where its value came from.
    stack = tmp_path / "Pulumi.mixed.yaml"
    stack.write_text((REPO / "stacks" / "Pulumi.gke-l4-dev.yaml").read_text().replace("diskSizeGb: 300",
                                                                                      "diskSizeGb: 5"))
    code, _, err = _run(capsys, "preview", str(stack), "--project-dir", str(REPO),
                        "--config", "llmd-infra:cluster.releaseChannel=DAILY")
    assert (code, err.splitlines()) == (2, [
        "error: invalid configuration (2 problems):",
        "  - llmd-infra:cluster.releaseChannel: 'DAILY' is not allowed; allowed: 'RAPID', 'REGULAR', 'STABLE', "
        "'EXTENDED' (from --config)",
        f"  - llmd-infra:cluster.acceleratorPools[0].diskSizeGb: Input should be greater than or equal to 10 (got 5) "
        f"(from {stack})",
    ])


def test_policy_config_reports_every_problem_at_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({
        "kubernetes-version": {"enforcementLevel": "sometimes", "minimumVersion": 131},
        "host-memory": "never",
        "gke-release-channel": {"allowedChannels": "RAPID"},
    }))
    code, _, err = _run(capsys, "preview", "--program", str(PROGRAMS / "raw_k8s"), "--policy-config", str(config))
    assert (code, err.splitlines()) == (2, [
        f"error: invalid configuration in {config} (4 problems):",
        '  - kubernetes-version: "sometimes" is not a valid enforcement level; allowed: advisory, mandatory, '
        "remediate, disabled",
        '  - host-memory: "never" is not a valid enforcement level; allowed: advisory, mandatory, remediate, disabled',
        "  - kubernetes-version.minimumVersion: 131 is not of type 'string'",
        "  - gke-release-channel.allowedChannels: 'RAPID' is not of type 'array'",
    ])


def test_component_arguments_are_named_as_the_program_author_writes_them() -> None:
    from llmd_infra.addons import NvidiaGpuOperator
    from llmd_infra.providers.gke import GkeCluster

    def program() -> None:
        GkeCluster("c", {
            "project": "my-gcp-project", "region": "us-central1", "zones": ["us-central1-b"],
            "network": {"master_authorized_networks": [{"cidr": "203.0.113.0/24"}]},
            "accelerator_pools": [{"name": "l4", "machine_type": "g2-standard-24", "node_cont": 1,  # type: ignore[typeddict-unknown-key]
                                   "autoscaling": {"min_nodes": 3, "max_nodes": 1}}],
        })

    with pytest.raises(ConfigError) as info:
        run_callable(program)
    problems = [str(p) for p in info.value.problems]
    assert problems[0] == "GkeCluster c:accelerator_pools[0].autoscaling: min_nodes (3) must not exceed max_nodes (1)"
    assert problems[1].startswith(
        "GkeCluster c:accelerator_pools[0].node_cont: unknown key 'node_cont'; allowed keys: name, machine_type, "
        "accelerator, accelerator_count, tpu_topology, node_count, autoscaling, multi_host, zones, rdma, gpu_driver, "
        "reservation, spot, flex_start, compact_placement, disk_size_gb, disk_type, labels, taints"
    )
    assert len(problems) == 2
    assert info.value.plan.resources == []

    with pytest.raises(ConfigError) as info:
        run_callable(lambda: NvidiaGpuOperator("gpu", {"driver_version": "580.65.06"}))
    message = str(info.value.problems[0])
    assert message.startswith("NvidiaGpuOperator('gpu').args: driver 580.65.06 is R580 or newer")
    assert "Set allow_driver_r580: true only for hardware that requires it." in message


# --- 5. --config takes paths ---------------------------------------------------------------------


def test_config_paths_set_nested_values_as_pulumi_config_set_path() -> None:
    project = load_project(REPO)
    config = load_stack_config(project, "gke-a4-rdma", overrides={
        "llmd-infra:cluster.systemPool.nodeCount": "3",
        "llmd-infra:cluster.acceleratorPools[0].spot": "false",
        "llmd-infra:cluster.acceleratorPools[0].labels.team": "inference",
        "llmd-infra:cluster.kubernetesVersion": "1.30",
        "llmd-infra:cluster.network.masterAuthorizedNetworks[1]": "x",
        'llmd-infra:addons.lws["enableDisaggregatedSet"]': "true",
    })
    cluster = config.raw["llmd-infra:cluster"]
    assert cluster["systemPool"] == {"machineType": "e2-standard-16", "nodeCount": 3}
    assert cluster["acceleratorPools"][0]["spot"] is False
    assert cluster["acceleratorPools"][0]["labels"] == {"team": "inference"}
    assert cluster["acceleratorPools"][0]["machineType"] == "a4-highgpu-8g"  # the rest of the file is kept
    assert cluster["kubernetesVersion"] == "1.30"  # not an integer: stays a string
    assert cluster["network"]["masterAuthorizedNetworks"][1] == "x"  # appended
    assert config.raw["llmd-infra:addons"]["lws"] == {"enabled": True, "enableDisaggregatedSet": True}
    assert json.loads(config.values["llmd-infra:cluster"])["systemPool"]["nodeCount"] == 3
    assert config.source_of("llmd-infra:cluster.systemPool.nodeCount") == "--config"
    assert str(config.source_of("llmd-infra:cluster.systemPool.machineType")).endswith("stacks/Pulumi.gke-a4-rdma.yaml")
    assert parse_config_path('ns:a["b.c"][2].d') == ["ns:a", "b.c", 2, "d"]


def test_a_config_path_reaches_the_plan(capsys: pytest.CaptureFixture[str]) -> None:
    plan = run_program(REPO, "gke-l4-dev", config={"llmd-infra:cluster.systemPool.nodeCount": "3"})
    system = plan.named("llmd-l4-dev-system-nodes")
    assert system.inputs["nodeCount"] == 3


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("llmd-infra:cluster.zones.first=x",
         "--config llmd-infra:cluster.zones.first: llmd-infra:cluster.zones is not an object, so .first cannot be set"),
        ("llmd-infra:cluster.zones[5]=x",
         "--config llmd-infra:cluster.zones[5]: llmd-infra:cluster.zones has 1 items; index 5 is out of range"),
        ("llmd-infra:cluster..name=x", "--config key 'llmd-infra:cluster..name' has an empty segment"),
    ],
)
def test_bad_config_paths_are_exit_2(capsys: pytest.CaptureFixture[str], pair: str, message: str) -> None:
    code, _, err = _run(capsys, "preview", "gke-l4-dev", "--project-dir", str(REPO), "--config", pair)
    assert (code, err) == (2, f"error: {message}\n")
    with pytest.raises(UsageError):
        load_stack_config(load_project(REPO), "gke-l4-dev", overrides=dict([pair.split("=", 1)]))


def test_every_subcommand_takes_debug_and_file_errors_are_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    parser = cli.build_parser()
    subcommands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"preview", "requirements", "policies", "stacks"} <= set(subcommands)
    for name, subparser in subcommands.items():
        assert "--debug" in subparser._option_string_actions, name
    # A subcommand's own file error (not caught by it) is still a message and exit 2, not a traceback.
    if "schema" in subcommands:
        missing = tmp_path / "no-such-folder" / "schema.json"
        code, _, err = _run(capsys, "schema", "--output", str(missing))
        assert (code, err) == (2, f"error: No such file or directory: {missing}\n")
