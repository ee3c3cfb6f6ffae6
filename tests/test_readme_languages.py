"""The README's TypeScript and YAML examples use the package schema as it is, and equal the Python example."""

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi.provider.experimental.util import camel_case

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()
SCHEMA: dict[str, Any] = json.loads((REPO / "provider" / "schema.json").read_text())
PACKAGE = SCHEMA["name"]


def _block(marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\n```\w+\n(.*?)```", README, flags=re.S)
    assert match, f"README has no block after <!-- {marker} -->"
    return match.group(1)


def _token(type_: str) -> str:
    """``llmd-infra:GkeCluster`` is short for ``llmd-infra:index:GkeCluster`` in Pulumi YAML."""
    parts = type_.split(":")
    return f"{parts[0]}:index:{parts[1]}" if len(parts) == 2 else type_


def _check(value: Any, spec: dict[str, Any], path: str, errors: list[str]) -> None:
    ref = spec.get("$ref", "")
    if ref.startswith("#/types/"):
        target = SCHEMA["types"].get(ref[len("#/types/"):])
        if target is None:
            errors.append(f"{path}: unknown type {ref}")
        elif "enum" in target:
            allowed = [e["value"] for e in target["enum"]]
            if value not in allowed:
                errors.append(f"{path}: {value!r} is not one of {allowed}")
        else:
            _check_object(value, target.get("properties", {}), target.get("required", []), path, errors)
        return
    kind = spec.get("type")
    python = {"string": str, "boolean": bool, "number": (int, float), "array": list, "object": dict}
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append(f"{path}: {value!r} is not an integer")
    elif kind in python and not isinstance(value, python[kind]):
        errors.append(f"{path}: {value!r} is not a {kind}")
    elif kind == "array":
        for i, item in enumerate(value):
            _check(item, spec["items"], f"{path}[{i}]", errors)
    elif kind == "object" and "additionalProperties" in spec:
        for key, item in value.items():
            _check(item, spec["additionalProperties"], f"{path}.{key}", errors)


def _check_object(value: Any, properties: dict[str, Any], required: list[str], path: str, errors: list[str]) -> None:
    if not isinstance(value, dict):
        errors.append(f"{path}: {value!r} is not an object")
        return
    errors += [f"{path}.{key}: required, missing" for key in required if key not in value]
    for key, item in value.items():
        if key not in properties:
            errors.append(f"{path}.{key}: no such property (known: {', '.join(sorted(properties))})")
        else:
            _check(item, properties[key], f"{path}.{key}", errors)


def _python_args() -> dict[str, Any]:
    """The args dict of the Python example's ``GkeCluster(...)`` call, in the engine's property names."""
    tree = ast.parse(_block("program-example"))
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "GkeCluster")
    args = ast.literal_eval(call.args[1])

    def wire(value: Any) -> Any:
        if isinstance(value, dict):
            return {camel_case(k): wire(v) for k, v in value.items()}
        return [wire(v) for v in value] if isinstance(value, list) else value

    return dict(wire(args))


@pytest.mark.parametrize("marker", ["yaml-example", "yaml-example-doks"])
def test_yaml_example_uses_only_what_the_schema_has(marker: str) -> None:
    text = _block(marker)
    program = yaml.safe_load(text)
    errors: list[str] = []
    ours = {name: r for name, r in program["resources"].items() if r["type"].startswith(f"{PACKAGE}:")}
    assert ours, "the YAML example builds no llmd-infra component"
    for name, resource in ours.items():
        spec = SCHEMA["resources"].get(_token(resource["type"]))
        if spec is None:
            errors.append(f"{name}: unknown type {resource['type']}")
            continue
        _check_object(resource.get("properties", {}), spec["inputProperties"], spec.get("requiredInputs", []),
                      name, errors)
    for name, output in re.findall(r"\$\{([\w-]+)\.(\w+)\}", text):
        if name in ours and output not in SCHEMA["resources"][_token(ours[name]["type"])]["properties"]:
            errors.append(f"${{{name}.{output}}}: no such output")
    assert errors == []


def test_yaml_example_catches_a_misspelt_property() -> None:
    """The check above can fail: a wrong key, enum value or type is reported."""
    spec = SCHEMA["resources"][f"{PACKAGE}:index:GkeCluster"]
    errors: list[str] = []
    bad = {"region": "us-central1", "zones": ["us-central1-b"], "network": {"masterAuthorizedNetworks": []},
           "acceleratorPools": [{"name": "a", "machineType": "x", "rdma": "roce", "nodeCount": "2", "spots": True}]}
    _check_object(bad, spec["inputProperties"], spec["requiredInputs"], "c", errors)
    assert errors[0] == "c.acceleratorPools[0].rdma: 'roce' is not one of ['none', 'dranet', 'multi-network']"
    assert errors[1] == "c.acceleratorPools[0].nodeCount: '2' is not an integer"
    assert errors[2].startswith("c.acceleratorPools[0].spots: no such property (known: accelerator, ")
    assert len(errors) == 3


@pytest.mark.parametrize("marker", ["yaml-example", "typescript-example"])
def test_examples_build_the_python_examples_cluster(marker: str) -> None:
    if marker == "yaml-example":
        program = yaml.safe_load(_block(marker))
        properties = program["resources"]["inference"]["properties"]
    else:
        match = re.search(r'new llmd\.GkeCluster\("inference", (\{.*?\n\})\);', _block(marker), flags=re.S)
        assert match, "the TypeScript example builds no GkeCluster named inference"
        properties = yaml.safe_load(match.group(1))  # a TS object literal without comments is YAML flow style
    assert properties == _python_args()


def test_typescript_example_reads_only_schema_outputs() -> None:
    outputs = SCHEMA["resources"][f"{PACKAGE}:index:GkeCluster"]["properties"]
    used = set(re.findall(r"\bcluster\.(\w+)", _block("typescript-example")))
    assert used and used <= set(outputs), used - set(outputs)


def test_doks_yaml_example_is_the_doks_h100_stacks_cluster() -> None:
    """The DOKS example is the ready stack's cluster, and the component's own validation accepts it."""
    from llmd_infra.providers.doks.cluster import config_from_args

    properties = yaml.safe_load(_block("yaml-example-doks"))["resources"]["inference"]["properties"]
    stack = yaml.safe_load((REPO / "stacks" / "Pulumi.doks-h100.yaml").read_text())["config"]["llmd-infra:cluster"]
    assert properties == {k: v for k, v in stack.items() if k not in ("provider", "name")}

    def snake(value: Any) -> Any:
        if isinstance(value, dict):
            return {re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower(): snake(v) for k, v in value.items()}
        return [snake(v) for v in value] if isinstance(value, list) else value

    config, _, protect = config_from_args("inference", snake(properties))
    assert (config.name, config.region, protect) == ("inference", "tor1", True)
    assert [(p.name, p.size, p.node_range()) for p in config.accelerator_pools] == [("h100", "gpu-h100x1-80gb", (2, 2))]


def test_components_table_is_the_schema() -> None:
    """Every component of the package is in the README's table, with its required inputs and outputs."""
    table = README.split("<!-- components-table -->\n", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in table.splitlines()[2:]:
        token, required, outputs = (re.findall(r"`([^`]+)`", cell) for cell in line.strip("|").split("|"))
        rows[token[0]] = (sorted(required), sorted(outputs))
    assert rows == {
        token: (sorted(r.get("requiredInputs", [])), sorted(r["properties"]))
        for token, r in SCHEMA["resources"].items()
    }
