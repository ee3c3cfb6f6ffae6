"""SARIF 2.1.0 and Markdown (PR comment + Mermaid) reports of a policy run."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import pulumi
import pulumi_gcp as gcp
import pytest

from llmd_infra.plan.analyze import analyze_plan
from llmd_infra.plan.engine import run_callable, run_program
from llmd_infra.plan.graph import Plan
from llmd_infra.report import markdown, sarif
from llmd_infra.report.model import Analysis

ROOT = Path(__file__).resolve().parent.parent
RAW_GCP = ROOT / "tests" / "programs" / "raw_gcp"

# The parts of the OASIS SARIF 2.1.0 schema (sarif-schema-2.1.0.json, oasis-tcs/sarif-spec; the
# same as schemastore's sarif-2.1.0-rtm.5.json) this report relies on, copied in reduced form:
# required properties, enums and types of sarifLog, run, tool, reportingDescriptor, result,
# location, physicalLocation, artifactLocation, region, logicalLocation, message.
_MESSAGE = {
    "type": "object",
    "anyOf": [{"required": ["text"]}, {"required": ["id"]}],
    "properties": {"text": {"type": "string"}},
}
_LEVEL = {"enum": ["none", "note", "warning", "error"]}
SARIF_SUBSET: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"enum": ["2.1.0"]},
        "runs": {"type": "array", "items": {
            "type": "object",
            "required": ["tool"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name"],
                    "properties": {
                        "name": {"type": "string"}, "version": {"type": "string"},
                        "informationUri": {"type": "string", "format": "uri"},
                        "rules": {"type": "array", "uniqueItems": True, "items": {
                            "type": "object", "required": ["id"],
                            "properties": {
                                "id": {"type": "string"}, "name": {"type": "string"},
                                "shortDescription": _MESSAGE, "fullDescription": _MESSAGE, "help": _MESSAGE,
                                "defaultConfiguration": {"type": "object", "properties": {"level": _LEVEL}},
                                "properties": {"type": "object"},
                            }}},
                    }}}},
                "results": {"type": "array", "items": {
                    "type": "object", "required": ["message"],
                    "properties": {
                        "ruleId": {"type": "string"}, "ruleIndex": {"type": "integer", "minimum": -1},
                        "level": _LEVEL, "message": _MESSAGE,
                        "partialFingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
                        "locations": {"type": "array", "items": {"type": "object", "properties": {
                            "physicalLocation": {"type": "object", "properties": {
                                "artifactLocation": {"type": "object", "properties": {
                                    "uri": {"type": "string", "format": "uri-reference"},
                                    "uriBaseId": {"type": "string"}}},
                                "region": {"type": "object", "properties": {
                                    "startLine": {"type": "integer", "minimum": 1}}}}},
                            "logicalLocations": {"type": "array", "items": {"type": "object", "properties": {
                                "fullyQualifiedName": {"type": "string"}, "kind": {"type": "string"}}}},
                        }}},
                    }}},
                "originalUriBaseIds": {"type": "object"},
                "invocations": {"type": "array", "items": {"type": "object", "required": ["executionSuccessful"]}},
            },
        }},
    },
}  # fmt: skip


SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json"


def full_sarif_schema() -> dict[str, Any]:
    """The complete SARIF 2.1.0 schema (vendored, see tests/data/README.md; $LLMD_SARIF_SCHEMA overrides)."""
    path = Path(os.environ.get("LLMD_SARIF_SCHEMA") or SARIF_SCHEMA)
    return dict(json.loads(path.read_text()))


@pytest.fixture(scope="module")
def raw_gcp() -> tuple[Plan, Analysis]:
    plan = run_program(RAW_GCP, "dev")
    return plan, analyze_plan(plan)


def test_sarif_validates_and_points_at_the_program(
    raw_gcp: tuple[Plan, Analysis], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, analysis = raw_gcp
    monkeypatch.chdir(ROOT)
    log = json.loads(sarif.render(plan, analysis))
    jsonschema.Draft7Validator(SARIF_SUBSET, format_checker=jsonschema.FormatChecker()).validate(log)
    full = jsonschema.Draft4Validator(full_sarif_schema())
    full.validate(log)
    # The schema is strict enough to catch a malformed log.
    assert not full.is_valid({**log, "version": "2.0.0"})
    assert not full.is_valid({**log, "runs": [{"results": []}]})

    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [p["name"] for p in analysis.policies]
    private = next(r for r in rules if r["id"] == "gke-private-nodes")
    assert private["defaultConfiguration"] == {"level": "error"}
    assert "CIS GKE 5.6.5" in private["help"]["text"]
    assert private["properties"]["security-severity"] == "8.0"

    results = run["results"]
    assert len(results) == len(analysis.violations) + len(analysis.notes)
    first = results[0]
    assert first["ruleId"] == "gke-private-nodes"
    assert first["level"] == "error"
    assert first["ruleIndex"] == [r["id"] for r in rules].index("gke-private-nodes")
    physical = first["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "tests/programs/raw_gcp/__main__.py", "uriBaseId": "%SRCROOT%"}
    # The line that registered the cluster: the SDK's source position of the constructor call.
    lines = (RAW_GCP / "__main__.py").read_text().splitlines()
    assert lines[physical["region"]["startLine"] - 1] == "cluster = gcp.container.Cluster("
    pool_results = [
        r for r in results if r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith("::h100")
    ]
    assert pool_results and {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in pool_results} == {
        lines.index("pool = gcp.container.NodePool(") + 1
    }
    assert first["locations"][0]["logicalLocations"] == [
        {
            "fullyQualifiedName": "urn:pulumi:dev::raw-gcp::gcp:container/cluster:Cluster::gpu-cluster",
            "kind": "resource",
        }
    ]
    assert results[-1]["level"] == "note"


def test_sarif_falls_back_to_the_stack_config_file_outside_the_working_directory(
    raw_gcp: tuple[Plan, Analysis], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plan, analysis = raw_gcp
    monkeypatch.chdir(ROOT)
    config = tmp_path / "Pulumi.dev.yaml"
    config.write_text("config: {}\n")
    moved = Plan(
        plan.project,
        plan.stack,
        plan.preview,
        plan.resources,
        plan.outputs,
        plan.stack_urn,
        program_dir=str(tmp_path / "nowhere"),
        config_file=str(config),
    )
    log = json.loads(sarif.render(moved, analysis))
    jsonschema.Draft4Validator(full_sarif_schema()).validate(log)
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    # Outside %SRCROOT%: an absolute file: URI, with no base id.
    assert artifact == {"uri": config.resolve().as_uri()}


def _located(log: dict[str, Any]) -> list[tuple[str, str, int, str]]:
    out = []
    for result in log["runs"][0]["results"]:
        location = result["locations"][0]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        out.append((result["ruleId"], physical["artifactLocation"]["uri"], physical["region"]["startLine"],
                    location["logicalLocations"][0]["fullyQualifiedName"]))
    return out


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if line.strip() == text)


def test_sarif_of_a_ready_stack_points_at_the_key_in_its_stack_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    stack_file = ROOT / "stacks" / "Pulumi.gke-a4-rdma.yaml"
    plan = run_program(ROOT, "gke-a4-rdma")
    log = json.loads(sarif.render(plan, analyze_plan(plan)))
    jsonschema.Draft4Validator(full_sarif_schema()).validate(log)
    pool = "urn:pulumi:gke-a4-rdma::llmd-infra::llmd-infra:gke:GkeCluster$llmd-infra:gke:AcceleratorPool$" \
        "gcp:container/nodePool:NodePool::llmd-a4-rdma-a4-b200-nodes"
    located = _located(log)
    # Every result points into the stack file, never at stacks/__main__.py.
    assert {uri for _, uri, _, _ in located} == {"stacks/Pulumi.gke-a4-rdma.yaml"}
    # The PCIe note names the machine type: it points at that key of the pool.
    assert ("host-pcie-generation", "stacks/Pulumi.gke-a4-rdma.yaml",
            _line_of(stack_file, "machineType: a4-highgpu-8g"), pool) in located
    # Findings about the cluster itself point at llmd-infra:cluster.
    cluster = "urn:pulumi:gke-a4-rdma::llmd-infra::llmd-infra:gke:GkeCluster$gcp:container/cluster:Cluster::" \
        "llmd-a4-rdma-cluster"
    assert {line for _, _, line, urn in located if urn == cluster} <= {_line_of(stack_file, "llmd-infra:cluster:")}


def test_sarif_of_an_unprotected_stack_points_at_each_culprit(monkeypatch: pytest.MonkeyPatch) -> None:
    """gke-l4-dev is unprotected: the cluster findings point at llmd-infra:cluster, the LWS finding at
    addons.lws, the host findings at the pool's machine type; nothing points at stacks/__main__.py."""
    monkeypatch.chdir(ROOT)
    stack_file = ROOT / "stacks" / "Pulumi.gke-l4-dev.yaml"
    plan = run_program(ROOT, "gke-l4-dev")
    log = json.loads(sarif.render(plan, analyze_plan(plan)))
    jsonschema.Draft4Validator(full_sarif_schema()).validate(log)
    located = {(rule, line) for rule, uri, line, _ in _located(log) if uri == "stacks/Pulumi.gke-l4-dev.yaml"}
    assert len(located) == len({(r, line) for r, _, line, _ in _located(log)})
    cluster, lws, machine = (_line_of(stack_file, t) for t in ("llmd-infra:cluster:", "lws:",
                                                                 "machineType: g2-standard-24"))
    assert located >= {
        ("gke-deletion-protection", cluster),
        ("cluster-protected", cluster),
        ("lws-crd-protected", lws),
        ("host-network-bandwidth", machine),
        ("host-cpu-cores", machine),
        ("host-memory", machine),
        ("host-pcie-generation", machine),
    }


class _Pair(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("demo:index:Pair", name, {}, None)
        gcp.container.Cluster(f"{name}-cluster", location="us-central1-a", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def test_sarif_of_a_raw_program_points_at_the_line_in_the_program_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resource created inside a library component is located at the program line that used the
    component (the first frame in the program's folder), not inside the library."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Pulumi.yaml").write_text("name: pair\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi\n"
        "from tests.test_policy_reports import _Pair\n"
        "\n"
        "_Pair('p')\n"
    )
    monkeypatch.syspath_prepend(str(ROOT))
    plan = run_program(tmp_path, "dev")
    log = json.loads(sarif.render(plan, analyze_plan(plan)))
    located = _located(log)
    assert located and {(uri, line) for _, uri, line, _ in located} == {("__main__.py", 4)}
    assert {urn for *_, urn in located} == {
        "urn:pulumi:dev::pair::demo:index:Pair$gcp:container/cluster:Cluster::p-cluster"
    }


# --- Markdown -------------------------------------------------------------------------------------

_ID = r"[A-Za-z][A-Za-z0-9_]*"


def check_mermaid(source: str) -> dict[str, str]:
    """Structural validation of the flowchart: ids, labels, subgraph balance, edges, classes."""
    lines = source.splitlines()
    assert lines[0] == "flowchart LR"
    defined: dict[str, str] = {}
    depth = 0
    for raw in lines[1:]:
        line = raw.strip()
        if m := re.fullmatch(rf'subgraph ({_ID})\["([^"]*)"\]', line):
            assert m.group(1) not in defined
            defined[m.group(1)] = m.group(2)
            depth += 1
        elif line == "end":
            depth -= 1
            assert depth >= 0
        elif m := re.fullmatch(rf'({_ID})(?:\["([^"]*)"\]|\(\["([^"]*)"\]\))', line):
            assert m.group(1) not in defined
            defined[m.group(1)] = m.group(2) or m.group(3)
        elif m := re.fullmatch(rf"({_ID}) --> ({_ID})", line):
            assert m.group(1) in defined and m.group(2) in defined, line
        elif m := re.fullmatch(r"classDef (mandatory|advisory) [a-z:#0-9,]+", line):
            pass
        elif m := re.fullmatch(rf"class ({_ID}(?:,{_ID})*) (mandatory|advisory)", line):
            assert all(i in defined for i in m.group(1).split(","))
        else:
            raise AssertionError(f"not a line this diagram writes: {line!r}")
    assert depth == 0
    return defined


class Box(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("demo:index:Box", name, {}, opts)
        child = gcp.container.Cluster(
            f'{name}-"cluster"|<x>', location="us-central1-a", opts=pulumi.ResourceOptions(parent=self)
        )
        gcp.container.NodePool(
            f"{name}-pool", cluster=child.name, location="us-central1-a", opts=pulumi.ResourceOptions(parent=self)
        )
        self.register_outputs({})


def test_markdown_comment_verdict_table_and_mermaid() -> None:
    plan = run_callable(lambda: Box("box"))
    analysis = analyze_plan(plan)
    text = markdown.render(plan, analysis)
    assert text.startswith(markdown.MARKER + "\n## llmd-infra preview — `test` / `test`\n\n❌ **Blocked** — ")
    rows = [line for line in text.splitlines() if line.startswith("| ❌") or line.startswith("| ⚠️")]
    assert len(rows) == len(analysis.violations)
    assert '`box-"cluster"\\|<x>` (Cluster)' in text  # pipe escaped in the table
    source = text.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    labels = check_mermaid(source)
    assert labels["r0"] == "box<br/>Box"
    assert "box-#quot;cluster#quot;|#lt;x#gt;<br/>Cluster" in labels.values()
    assert source.splitlines()[1] == '  subgraph r0["box<br/>Box"]'
    assert "  r1 --> r2" in source.splitlines() or "  r2 --> r1" in source.splitlines()


def test_markdown_passes_verdict() -> None:
    analysis = Analysis(policy_pack="llmd-infra")
    plan = Plan("p", "s", True, [], {})
    assert "✅ **Passes** — no policy violations." in markdown.render(plan, analysis)
    assert check_mermaid(markdown.diagram(plan, analysis)) == {}


def test_pack_version_is_read_once_from_pulumi_policy_yaml_and_reported() -> None:
    """The CLI shows the pack as llmd-infra@v<PulumiPolicy.yaml version>; the reports do too, while the
    servicer's own diagnostics keep PolicyPack's fixed 0.0.1 (as under the CLI)."""
    import yaml

    from llmd_infra.policy import pack

    declared = yaml.safe_load((ROOT / "policies" / "PulumiPolicy.yaml").read_text())["version"]
    project = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)  # type: ignore[union-attr]
    assert pack.PACK_VERSION == str(declared) == project
    assert pack.SERVED_PACK_VERSION == "0.0.1"

    plan = Plan("p", "s", True, [], {})
    analysis = Analysis(policy_pack="llmd-infra")
    assert f"Policy pack `llmd-infra@v{declared}`: 0 policies" in markdown.render(plan, analysis)
    assert sarif.to_sarif(plan, analysis)["runs"][0]["properties"]["policyPackVersion"] == declared
