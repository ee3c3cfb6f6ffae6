"""The README's commands and examples are true, and its test command says what failed and why."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from llmd_infra.plan.analyze import analyze_plan
from llmd_infra.plan.engine import run_callable
from llmd_infra.plan.values import Secret

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()


def _block(marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\n```\w+\n(.*?)```", README, flags=re.S)
    assert match, f"README has no block after <!-- {marker} -->"
    return match.group(1)


def test_program_author_example_runs_and_passes_the_pack() -> None:
    code = compile(_block("program-example"), "README.md:program-example", "exec")
    plan = run_callable(lambda: exec(code, {"__name__": "__main__"}), project="my-program", stack="prod")
    types = {r.type for r in plan.resources}
    assert {"llmd-infra:gke:GkeCluster", "gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool",
            "llmd-infra:addons:NodeFeatureDiscovery", "kubernetes:core/v1:Namespace"} <= types
    namespace = plan.named("llm-d", "kubernetes:core/v1:Namespace")
    assert namespace.provider.startswith(plan.named("inference-k8s").urn)
    assert plan.named("inference-system-nodes").urn in namespace.dependencies
    assert isinstance(plan.outputs["kubeconfig"], Secret)
    assert analyze_plan(plan).mandatory == []


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in ci
    extracted = subprocess.run(
        ["awk", re.search(r"awk '([^']*)' README.md", ci).group(1), "README.md"],  # type: ignore[union-attr]
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout
    assert extracted == _block("test-command") == "bash scripts/test.sh\n"


def test_first_command_installs_only_the_extra_its_stack_needs() -> None:
    first = re.search(r"```bash\n(.*?)```", README, flags=re.S).group(1).strip()  # type: ignore[union-attr]
    match = re.fullmatch(
        r'python3 -m venv \.venv && \.venv/bin/pip install -q -e "\.\[([\w,]+)\]" && '
        r"\.venv/bin/llmd-infra preview ([\w-]+)",
        first,
    )
    assert match, first
    extras, stack = match.group(1).split(","), match.group(2)
    config = yaml.safe_load((REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    assert extras == [config["llmd-infra:cluster"]["provider"]]
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert set(extras) < set(declared) and len(declared[extras[0]]) < len(declared["all"])


def test_readme_names_the_workflows_that_exist() -> None:
    named = set(re.findall(r"\.github/workflows/[\w.-]+\.ya?ml", README))
    present = {f".github/workflows/{p.name}" for p in (REPO / ".github" / "workflows").glob("*.y*ml")}
    assert named == present
    for path in present:
        jobs = yaml.safe_load((REPO / path).read_text())["jobs"]
        words = {1: "one job", 2: "two jobs", 3: "three jobs"}
        assert f"with {words[len(jobs)]}" in " ".join(README.split())


def test_docs_have_no_absolute_paths_and_no_outside_documents() -> None:
    for doc in (REPO / "README.md", REPO / "docs" / "policies.md"):
        text = doc.read_text()
        assert not re.search(r"(?<![\w.])/(work|home|root|Users|tmp/pytest)/", text), doc
        assert "../shared" not in text and "jest-sarif" not in text, doc


def _undocumented(path: Path) -> list[str]:
    """``Class.field`` of every TypedDict field in ``path`` without a docstring right below it."""
    missing = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ClassDef) and any(getattr(b, "id", getattr(b, "attr", "")) == "TypedDict"
                                                  for b in node.bases):
            for i, statement in enumerate(node.body):
                if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                    following = node.body[i + 1] if i + 1 < len(node.body) else None
                    documented = (isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                                  and isinstance(following.value.value, str))
                    if not documented:
                        missing.append(f"{path.name}:{node.name}.{statement.target.id}")
    return missing


def test_every_component_argument_is_documented() -> None:
    files = sorted((REPO / "llmd_infra" / "addons").glob("*.py")) + sorted((REPO / "providers").glob("*/*.py"))
    assert [m for f in files for m in _undocumented(f)] == []


# --- scripts/test.sh: every step says what failed and why ---------------------------------------

TOOLS = ("bash", "mktemp", "grep", "tail", "sed", "rm", "cat", "dirname", "mkdir", "chmod")


def _script_sandbox(tmp_path: Path, npm: str | None) -> tuple[Path, dict[str, str]]:
    """A copy of scripts/test.sh with fake python3/pip/npm on a PATH of nothing else."""
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "test.sh", root / "scripts" / "test.sh")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    bash = shutil.which("bash")
    fakes = {
        "python3": f"""#!{bash}
if [ "$1" = -c ]; then
  case "$2" in *platform*) echo "${{FAKE_PY_VERSION:-3.11.7}}"; exit 0;; esac
  [ -z "${{FAKE_PY_VERSION:-}}" ]; exit $?
fi
mkdir -p .venv/bin
printf '#!{bash}\nif [ -n "${{FAKE_PIP_ERROR:-}}" ]; then echo "$FAKE_PIP_ERROR" >&2; exit 1; fi\n' > .venv/bin/pip
printf '#!{bash}\necho "$*" > pytest-ran\n' > .venv/bin/python
chmod +x .venv/bin/pip .venv/bin/python
""",
    }
    if npm == "unreachable":
        fakes["npm"] = f"""#!{bash}
if [ "$1" = config ]; then echo https://registry.npmjs.org/; exit 0; fi
echo "npm error code ENOTFOUND" >&2
echo "npm error network request to https://registry.npmjs.org/mermaid failed, reason: getaddrinfo ENOTFOUND" >&2
exit 1
"""
    elif npm == "works":
        fakes["npm"] = f"#!{bash}\necho \"$*\" > npm-ran\n"
    for name, text in fakes.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    return root, {"PATH": str(bin_dir), "HOME": str(tmp_path)}


def _test_sh(root: Path, env: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([env["PATH"] + "/bash", "scripts/test.sh"], cwd=root, env={**env, **extra},
                          capture_output=True, text=True, check=False, timeout=60)


def test_test_script_says_npm_cannot_reach_its_registry(tmp_path: Path) -> None:
    root, env = _script_sandbox(tmp_path, npm="unreachable")
    result = _test_sh(root, env)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[:3] == [
        "==> create the virtualenv (.venv)",
        "==> install llmd-infra with its [all,dev] extras (pip)",
        "==> install Mermaid's parser for the report tests (npm ci --prefix tests/js)",
    ]
    assert lines[3] == ("error: step 'install Mermaid's parser for the report tests (npm ci --prefix tests/js)' "
                        "failed (exit 1): npm cannot reach its registry (https://registry.npmjs.org/)")
    assert "    npm error code ENOTFOUND" in lines
    assert not (root / "pytest-ran").exists()


def test_test_script_runs_without_npm_and_says_so(tmp_path: Path) -> None:
    root, env = _script_sandbox(tmp_path, npm=None)
    result = _test_sh(root, env)
    assert result.returncode == 0, result.stderr
    assert ("==> skip: npm is not installed: tests/test_mermaid.py will be skipped (install Node.js with npm to "
            "run them)") in result.stderr.splitlines()
    assert (root / "pytest-ran").read_text() == "-m pytest -q -n 2\n"
    # present and working: npm ci runs in tests/js, quietly
    root, env = _script_sandbox(tmp_path / "npm", npm="works")
    assert _test_sh(root, env).returncode == 0
    assert (root / "npm-ran").read_text() == "ci --no-audit --no-fund --loglevel=error --prefix tests/js\n"
    # present but unwanted: skipped on purpose
    root, env = _script_sandbox(tmp_path / "skip", npm="unreachable")
    result = _test_sh(root, env, LLMD_SKIP_NPM="1")
    assert result.returncode == 0 and "==> skip: Mermaid's parser (LLMD_SKIP_NPM=1)" in result.stderr


def test_test_script_names_a_failed_pip_install_and_an_old_python(tmp_path: Path) -> None:
    root, env = _script_sandbox(tmp_path, npm="works")
    result = _test_sh(root, env, FAKE_PIP_ERROR="ERROR: No matching distribution found for pulumi-gcp<11,>=10.2.0")
    assert result.returncode == 1
    assert ("error: step 'install llmd-infra with its [all,dev] extras (pip)' failed (exit 1): pip found no "
            "matching package (no network, or the index lacks a version pyproject.toml asks for)") in result.stderr
    assert "    ERROR: No matching distribution found for pulumi-gcp<11,>=10.2.0" in result.stderr
    result = _test_sh(root, env, FAKE_PY_VERSION="3.9.18")
    assert (result.returncode, result.stderr) == (
        1, "error: step 'check Python' failed: llmd-infra needs Python >= 3.10, python3 is 3.9.18\n"
    )
