"""The ``llmd-infra`` command line: documented JSON, exit codes, clear errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llmd_infra.cli import main, requirements_markdown

REPO = Path(__file__).resolve().parents[1]
PROGRAMS = Path(__file__).parent / "programs"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_preview_program_json_is_the_documented_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "preview", "--program", str(PROGRAMS / "raw_k8s"), "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert list(doc) == ["project", "stack", "preview", "resources", "outputs", "violations", "summary", "notes"]
    assert (doc["project"], doc["stack"], doc["preview"]) == ("raw-k8s", "dev", True)
    assert [r["type"] for r in doc["resources"]] == ["kubernetes:core/v1:Namespace", "kubernetes:helm.sh/v3:Release"]
    assert set(doc["resources"][0]) >= {"urn", "type", "name", "parent", "dependencies", "inputs", "protect",
                                        "custom", "provider"}
    assert doc["outputs"] == {"status": {"unknown": True}}
    release = "urn:pulumi:dev::raw-k8s::kubernetes:helm.sh/v3:Release::lws"
    assert doc["violations"] == [
        {
            "policy": "lws-crd-protected",
            "enforcement": "advisory",
            "urn": release,
            "message": "the LeaderWorkerSet install is not protected: deleting or replacing it deletes the "
            "leaderworkersets CRD and, with it, every LeaderWorkerSet in the cluster",
        },
        {
            "policy": "lws-crd-protected",
            "enforcement": "advisory",
            "urn": release,
            "message": 'LWS chart version "0.7.0" ships the CRD as a Helm template: upgrading this release '
            "directly to 0.9.0 or later makes Helm delete the CRD and every LeaderWorkerSet (kubernetes-sigs/lws#880)",
        },
    ]
    assert (doc["summary"]["mandatoryViolations"], doc["summary"]["advisoryViolations"]) == (0, 2)


def test_mandatory_violation_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "preview", "--program", str(PROGRAMS / "raw_k8s"), "--config", "lwsVersion=0.6.1", "--format", "json"
    )
    doc = json.loads(out)
    assert code == 1
    lws = [v for v in doc["violations"] if v["policy"] == "lws-version"]
    assert [(v["enforcement"], v["urn"]) for v in lws] == [
        ("mandatory", "urn:pulumi:dev::raw-k8s::kubernetes:helm.sh/v3:Release::lws")
    ]
    assert set(lws[0]) == {"policy", "enforcement", "urn", "message"}


def test_text_output_shows_tree_outputs_and_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "preview", "--program", str(PROGRAMS / "graph_demo"), "--stack", "prod")
    assert code == 0
    assert "Previewing graph-demo/prod offline (preview)" in out
    assert "demo:index:Box  box" in out
    assert "kubernetes:core/v1:Namespace  box-ns  [protected]" in out
    # Stack outputs as the Pulumi CLI shows them: keys sorted and aligned, strings quoted, lists indexed.
    assert "Outputs:\n" + "\n".join([
        '    namespace: "demo"',
        "    zones    : [",
        '        [0]: "a"',
        '        [1]: "b"',
        "    ]",
    ]) + "\n" in out
    assert "Policy verdict:" in out


def test_stack_file_path_target(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(capsys, "preview", str(PROGRAMS / "graph_demo" / "config" / "Pulumi.prod.yaml"),
                        "--format", "json")
    assert code == 0
    assert json.loads(out)["stack"] == "prod"


def test_bad_input_exits_2_without_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    code, _, err = _run(capsys, "preview", "--program", str(PROGRAMS / "broken"))
    assert code == 2
    # The file and line of the raise, and how to see more.
    assert err.splitlines() == [
        "error: tests/programs/broken/__main__.py:4: the program raised RuntimeError: boom: the program failed",
        "(--debug shows the full traceback)",
    ]
    for argv in (["--debug", "preview", "--program", str(PROGRAMS / "broken")],
                 ["preview", "--program", str(PROGRAMS / "broken"), "--debug"]):
        code, _, err = _run(capsys, *argv)
        assert code == 2 and "Traceback (most recent call last)" in err
        assert 'tests/programs/broken/__main__.py", line 4, in <module>' in err
    code, _, err = _run(capsys, "preview", "--program", str(PROGRAMS / "raw_k8s"), "--config", "novalue")
    assert (code, err.strip()) == (2, "error: --config expects key=value, got 'novalue'")
    code, _, err = _run(capsys, "preview", "no-such-stack", "--project-dir", str(REPO))
    assert code == 2 and err.startswith("error: no stack 'no-such-stack' in ")


def test_requirements_table_matches_readme(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "requirements", "--format", "markdown")
    assert code == 0 and out == requirements_markdown()
    assert requirements_markdown() in (REPO / "README.md").read_text(), (
        "README's requirement table is stale: regenerate it with `llmd-infra requirements --format markdown`"
    )
    code, out, _ = _run(capsys, "requirements", "--format", "json")
    assert json.loads(out)[0] == {
        "id": "kubernetes-version",
        "title": "Kubernetes version",
        "category": "cluster",
        "enforcement": "mandatory",
        "threshold": ">= 1.29",
        "seed": "Kubernetes: 1.29 or newer",
    }


SCRIPT = Path(sys.executable).parent / "llmd-infra"


@pytest.mark.skipif(not SCRIPT.exists() and shutil.which("llmd-infra") is None, reason="console script not installed")
def test_console_script_runs_as_a_process() -> None:
    script = str(SCRIPT) if SCRIPT.exists() else "llmd-infra"
    result = subprocess.run(
        [script, "preview", "--program", str(PROGRAMS / "raw_doks"), "--format", "json"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    assert [r["type"] for r in doc["resources"]] == [
        "digitalocean:index/kubernetesCluster:KubernetesCluster",
        "digitalocean:index/kubernetesNodePool:KubernetesNodePool",
    ]


def test_python_dash_m_entry_point() -> None:
    result = subprocess.run([sys.executable, "-m", "llmd_infra", "requirements", "--format", "markdown"],
                            capture_output=True, text=True, check=False, cwd=REPO)
    assert result.returncode == 0
    assert result.stdout == requirements_markdown()


SCHEMA = REPO / "docs" / "preview.schema.json"


@pytest.mark.parametrize(
    "argv",
    [
        ["--program", str(PROGRAMS / "raw_gcp")],
        ["--program", str(PROGRAMS / "graph_demo"), "--stack", "prod", "--update"],
        ["gke-a4-rdma", "--project-dir", str(REPO)],
    ],
    ids=["raw-gcp", "graph-demo-update", "gke-a4-rdma"],
)
def test_json_document_matches_the_published_schema(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    import jsonschema

    code, out, _ = _run(capsys, "preview", *argv, "--format", "json")
    doc = json.loads(out)
    assert code in (0, 1)
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    validator.validate(doc)
    bad = {"policy": "x", "enforcement": "maybe", "urn": "", "message": ""}
    assert not validator.is_valid({**doc, "violations": [bad]})


def test_stacks_lists_the_ready_stacks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "stacks", "--project-dir", str(REPO))
    assert code == 0
    assert out.split() == sorted(p.name[len("Pulumi."):-len(".yaml")] for p in (REPO / "stacks").glob("Pulumi.*.yaml"))
    assert "gke-a3-ultra" in out.split()


def test_text_report_lists_violations_by_level(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "preview", "--program", str(PROGRAMS / "raw_gcp"))
    assert code == 1
    assert "Policies:" in out
    assert "mandatory  gke-private-nodes" in out
    assert "policy violation" in out
    assert out.rstrip().splitlines()[-1].startswith("Policy verdict: ")
    assert "mandatory" in out.rstrip().splitlines()[-1]


def test_output_file_and_markdown_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "comment.md"
    code, out, err = _run(capsys, "preview", "--program", str(PROGRAMS / "raw_k8s"), "--format", "markdown",
                          "--output", str(target))
    assert code == 0 and out == ""
    assert err.strip() == f"wrote markdown report to {target}"
    assert target.read_text().startswith("<!-- llmd-infra-preview -->")
