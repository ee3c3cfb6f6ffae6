"""``llmd-infra node-check``: exit codes, formats, usage errors and ``--capture`` round trips."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from llmd_infra.cli import main
from tests.preflight_trees import DATA, fake_tool, h200_host, l4_host


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH holding only stand-in tools."""
    path = tmp_path / "bin"
    path.mkdir()
    monkeypatch.setenv("PATH", str(path))
    return path


def test_json_on_stdout_and_exit_0(
    tmp_path: Path, bin_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h200_host(tmp_path / "root")
    fake_tool(bin_dir, "nvidia-smi", DATA / "h200-nvidia-smi.csv")
    assert main(["node-check", "--root", str(tmp_path / "root"), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["verdict"] == "pass"
    assert {r["id"]: r["status"] for r in doc["results"]} == {
        "host-cpu-cores": "pass", "host-memory": "pass", "host-pcie-generation": "pass",
        "host-network-bandwidth": "pass", "accelerator-supported": "pass", "accelerator-interconnect": "pass",
        "gpu-driver-version": "pass",
    }


def test_exit_1_only_when_a_mandatory_requirement_fails(
    tmp_path: Path, bin_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    l4_host(tmp_path / "root")
    fake_tool(bin_dir, "nvidia-smi", DATA / "l4-nvidia-smi.csv")
    # Cores, memory, PCIe, NIC bandwidth and the interconnect fail, all advisory on a single host.
    assert main(["node-check", "--root", str(tmp_path / "root")]) == 0
    assert capsys.readouterr().out.startswith("node-check of l4-dev")
    assert main(["node-check", "--root", str(tmp_path / "root"), "--multi-host", "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert "| `accelerator-interconnect` | fail | mandatory | - |" in out


def test_output_file(tmp_path: Path, bin_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    l4_host(tmp_path / "root")
    target = tmp_path / "report.json"
    assert main(["node-check", "--root", str(tmp_path / "root"), "--format", "json", "-o", str(target)]) == 0
    assert json.loads(target.read_text())["host"]["hostname"] == "l4-dev"
    assert capsys.readouterr().err == f"wrote report to {target}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--root", "/nonexistent/tree"], "error: --root /nonexistent/tree: no such directory"),
        (["--cluster", "--root", "/"], "error: --cluster reads the nodes' published results; it takes no --root, "
                                       "--capture or --multi-host"),
        (["--cluster", "--multi-host"], "error: --cluster reads the nodes' published results; it takes no --root, "
                                        "--capture or --multi-host"),
        (["--kubeconfig", "/tmp/kc"], "error: --kubeconfig and --context go with --cluster"),
        (["--root", "/", "-o", "/nonexistent/dir/report.txt"],
         "error: cannot write /nonexistent/dir/report.txt: No such file or directory"),
    ],
)
def test_bad_usage_exits_2(
    args: list[str], message: str, bin_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["node-check", *args]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == message


def test_unknown_format_is_an_argparse_error(capsys: pytest.CaptureFixture[str]) -> None:
    # Usage errors are returned as exit 2 (main never raises SystemExit at its caller).
    assert main(["node-check", "--format", "yaml"]) == 2
    assert "invalid choice: 'yaml'" in capsys.readouterr().err


def test_capture_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, bin_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    l4_host(tmp_path / "root")
    (tmp_path / "cap").mkdir()
    (tmp_path / "cap" / "old.txt").write_text("x")
    assert main(["node-check", "--root", str(tmp_path / "root"), "--capture", str(tmp_path / "cap")]) == 2
    assert capsys.readouterr().err == f"error: capture folder {tmp_path / 'cap'} exists and is not empty\n"
    assert main(["node-check", "--root", str(tmp_path / "root"), "--capture", str(tmp_path / "root" / "c")]) == 2
    assert "must not be inside the root it reads" in capsys.readouterr().err


def _results(doc: dict) -> list[dict]:
    return doc["results"]


def test_capture_round_trip(
    tmp_path: Path, bin_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root, cap = tmp_path / "root", tmp_path / "cap"
    h200_host(root)
    fake_tool(bin_dir, "nvidia-smi", DATA / "h200-nvidia-smi.csv")
    assert main(["node-check", "--root", str(root), "--capture", str(cap), "--format", "json"]) == 0
    captured = capsys.readouterr()
    original = json.loads(captured.out)
    assert captured.err == f"captured the files read and the tools' output in {cap}\n"

    # The tree keeps sysfs's links, relative, and holds only what the check read.
    assert os.readlink(cap / "sys/class/net/eth1") == "../../devices/pci0000:18/0000:17:00.0/0000:18:00.1/net/eth1"
    assert os.readlink(cap / "sys/bus/pci/devices/0000:18:00.0") == (
        "../../../devices/pci0000:18/0000:17:00.0/0000:18:00.0"
    )
    assert (cap / "sys/devices/pci0000:18/0000:17:00.0/0000:18:00.0/current_link_speed").read_text() == (
        "2.5 GT/s PCIe\n"
    )
    assert not (cap / "sys/devices/pci0000:18/0000:17:00.0/0000:18:00.1/net/eth1/operstate").exists()
    assert (cap / "proc/meminfo").read_text() == (root / "proc/meminfo").read_text()
    assert (cap / "tools/nvidia-smi.stdout").read_text() == (DATA / "h200-nvidia-smi.csv").read_text()
    assert (cap / "tools/runs.txt").read_text() == (
        "nvidia-smi: ok\namd-smi: amd-smi not found on PATH\nrocm-smi: rocm-smi not found on PATH\n"
    )
    assert json.loads((cap / "node-check.json").read_text())["results"] == _results(original)

    # Replayed with the capture's stand-in tools: the same results, without the original tree or tools.
    for child in bin_dir.iterdir():
        child.unlink()
    monkeypatch.setenv("PATH", f"{cap / 'tools' / 'bin'}:{bin_dir}")
    assert main(["node-check", "--root", str(cap), "--format", "json"]) == 0
    replay = json.loads(capsys.readouterr().out)
    assert _results(replay) == _results(original)
    assert replay["host"]["accelerators"] == original["host"]["accelerators"]
    assert replay["host"]["nics"] == original["host"]["nics"]


def test_capture_replays_a_failing_tool(tmp_path: Path, bin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmd_infra.preflight import check_host
    from llmd_infra.preflight.capture import capture

    root, cap = tmp_path / "root", tmp_path / "cap"
    l4_host(root)
    fake_tool(bin_dir, "nvidia-smi", "", 9, "NVIDIA-SMI has failed because it couldn't communicate with the driver\n")
    live = capture(cap, root)
    replayed_tool = subprocess.run([cap / "tools/bin/nvidia-smi"], capture_output=True, text=True, check=False)
    assert (replayed_tool.returncode, replayed_tool.stderr) == (
        9, "NVIDIA-SMI has failed because it couldn't communicate with the driver\n"
    )
    monkeypatch.setenv("PATH", str(cap / "tools" / "bin"))
    replay = check_host(cap)
    assert [r.to_dict() for r in replay.results] == [r.to_dict() for r in live.results]
    assert replay.results[-1].message == (
        "NVIDIA driver version unknown: nvidia-smi exited 9: NVIDIA-SMI has failed because it couldn't "
        "communicate with the driver"
    )
