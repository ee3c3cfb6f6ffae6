"""The example policy workflow (.github/workflows/llmd-infra-policy.yml): valid YAML and GitHub Actions structure.

actionlint is not installable offline (its PyPI sdist downloads the binary at build time), so the structure
is asserted here with pyyaml.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_DIR = ROOT / ".github" / "workflows"
POLICY_WORKFLOW = WORKFLOW_DIR / "llmd-infra-policy.yml"
PINNED_MAJOR = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_./-]+)?@v\d+$")


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    out = job["steps"]
    assert isinstance(out, list) and out
    return out


def step_using(job: dict[str, Any], action: str) -> dict[str, Any]:
    found = [s for s in steps(job) if str(s.get("uses", "")).split("@")[0] == action]
    assert len(found) == 1, action
    return found[0]


def test_every_workflow_has_valid_github_actions_structure() -> None:
    files = sorted(WORKFLOW_DIR.glob("*.yml")) + sorted(WORKFLOW_DIR.glob("*.yaml"))
    assert POLICY_WORKFLOW in files
    for path in files:
        data = load(path)
        # YAML 1.1 reads the key `on` as the boolean True.
        assert set(data) >= {"name", True, "jobs"}, path
        assert data[True], path
        jobs = data["jobs"]
        assert isinstance(jobs, dict) and jobs, path
        for job_id, job in jobs.items():
            assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", job_id), job_id
            assert "runs-on" in job, job_id
            for step in steps(job):
                assert ("uses" in step) != ("run" in step), (job_id, step)
                if "uses" in step:
                    assert PINNED_MAJOR.fullmatch(step["uses"]), step["uses"]


def test_offline_job_previews_every_stack_in_sarif_and_uploads_it() -> None:
    data = load(POLICY_WORKFLOW)
    assert data["permissions"] == {"contents": "read"}
    job = data["jobs"]["offline-policy"]
    assert job["permissions"]["security-events"] == "write"
    runs = [str(s.get("run", "")) for s in steps(job)]
    assert 'pip install -e ".[all]"' in runs
    verdict = next(r for r in runs if "llmd-infra preview" in r)
    assert 'stacks="$(llmd-infra stacks)"' in verdict and "for stack in $stacks; do" in verdict
    assert 'llmd-infra preview "$stack" --format sarif --output "sarif/$stack.sarif"' in verdict
    upload = step_using(job, "github/codeql-action/upload-sarif")
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["with"]["sarif_file"] == "sarif"
    assert upload["if"] == "always()"


def test_pulumi_job_runs_the_pack_from_the_project_root() -> None:
    job = load(POLICY_WORKFLOW)["jobs"]["pulumi-preview"]
    action = step_using(job, "pulumi/actions")
    assert action["uses"] == "pulumi/actions@v6"
    inputs = action["with"]
    assert inputs["command"] == "preview"
    assert inputs["policyPacks"].split() == ["policies"]
    work_dir = ROOT / inputs["work-dir"]
    # The automation API reads Pulumi.yaml from work-dir itself; the pack path is relative to it.
    assert (work_dir / "Pulumi.yaml").is_file()
    assert (work_dir / "policies" / "PulumiPolicy.yaml").is_file()
    project = load(work_dir / "Pulumi.yaml")
    venv = project["runtime"]["options"]["virtualenv"]
    runs = [str(s.get("run", "")) for s in steps(job)]
    assert f'python -m venv {venv} && {venv}/bin/pip install -e ".[all]"' in runs
    assert any("python -m venv policies/venv" in r and "pip install -r requirements.txt" in r for r in runs)
