"""Pack configuration: per-policy JSON schemas, and reconciliation as the Pulumi CLI does it.

The CLI (``pkg/resource/analyzer/config.go`` ``ReconcilePolicyPackConfig``) builds the config it sends
to ``Configure`` in this order:

1. every policy gets its default enforcement level and the ``default`` of each schema property;
2. the pack's ``initial_config`` is applied, then the ``--policy-pack-config`` file: ``"all"`` sets the
   enforcement level of every policy, then each ``"<policy>"`` entry sets its level and/or properties
   (entries naming no policy of the pack are passed on unchanged);
3. each policy's properties are validated against ``{"type": "object", "properties": ..., "required":
   ...}``; any error fails the run.

The file format is the CLI's: ``{"all": "mandatory", "<policy>": "advisory" | {"enforcementLevel":
"...", "<property>": ...}}``. :func:`parse_config_file` and :func:`reconcile` raise
:class:`~llmd_infra.errors.ConfigError` with one problem per invalid value.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]

from llmd_infra.errors import ConfigError, Problem
from llmd_infra.policy.common import PolicySpec

ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")


@dataclass
class PolicyConfig:
    """One policy's reconciled configuration."""

    enforcement: str
    properties: dict[str, Any] = field(default_factory=dict)


def config_schema(spec: PolicySpec) -> dict[str, Any]:
    """The JSON schema the CLI validates a policy's properties with."""
    schema: dict[str, Any] = {"type": "object"}
    if spec.config_properties:
        schema["properties"] = {k: dict(v) for k, v in spec.config_properties.items()}
    return schema


def parse_config(data: Any, source: str, collect: list[Problem] | None = None) -> dict[str, PolicyConfig]:
    """Parse a ``--policy-pack-config`` document (already JSON-decoded).

    With ``collect``, problems are appended there instead of raised, and an entry with a bad
    enforcement level keeps its properties (so their schema problems can be reported too).
    """
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ConfigError([Problem("(root)", "must be a JSON object of policy names")], source)
    problems: list[Problem] = collect if collect is not None else []
    result: dict[str, PolicyConfig] = {}
    for key, value in data.items():
        level = ""
        props: dict[str, Any] = {}
        if isinstance(value, str):
            level = value
        elif isinstance(value, Mapping):
            props = dict(value)
            raw_level = props.pop("enforcementLevel", "")
            if not isinstance(raw_level, str):
                problems.append(Problem(key, f"{raw_level!r} is not a valid enforcement level; must be a string"))
                continue
            level = raw_level
        else:
            problems.append(Problem(key, f"{value!r} is not a valid value; must be a string or object"))
            continue
        if level and level not in ENFORCEMENT_LEVELS:
            problems.append(
                Problem(key, f'"{level}" is not a valid enforcement level; allowed: {", ".join(ENFORCEMENT_LEVELS)}')
            )
            if collect is None:
                continue
            level = ""
        if level or props:
            result[str(key)] = PolicyConfig(level, props)
    if problems and collect is None:
        raise ConfigError(problems, source)
    return result


def parse_config_file(path: Path) -> dict[str, PolicyConfig]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([Problem(str(path), f"cannot read the policy config: {exc.strerror or exc}")]) from exc
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError([Problem(f"line {exc.lineno}", f"not valid JSON: {exc.msg}")], str(path)) from exc
    return parse_config(data, str(path))


def defaults(specs: Sequence[PolicySpec]) -> dict[str, PolicyConfig]:
    return {
        spec.name: PolicyConfig(
            spec.enforcement,
            {k: copy.deepcopy(v["default"]) for k, v in spec.config_properties.items() if "default" in v},
        )
        for spec in specs
    }


def _apply(result: dict[str, PolicyConfig], given: Mapping[str, PolicyConfig]) -> None:
    everything = given.get("all")
    if everything is not None and everything.enforcement:
        for value in result.values():
            value.enforcement = everything.enforcement
    for name, config in given.items():
        current = result.get(name)
        level = current.enforcement if current else ""
        props = dict(current.properties) if current else {}
        if config.enforcement:
            level = config.enforcement
        props.update(copy.deepcopy(config.properties))
        result[name] = PolicyConfig(level, props)


def reconcile(
    specs: Sequence[PolicySpec],
    given: Mapping[str, PolicyConfig] | None = None,
    initial: Mapping[str, PolicyConfig] | None = None,
    source: str | None = None,
) -> dict[str, PolicyConfig]:
    """Defaults, then ``initial`` (the pack's initial config), then ``given`` (the file); validated."""
    result = defaults(specs)
    if initial:
        _apply(result, initial)
    if given:
        _apply(result, given)
    problems: list[Problem] = []
    for spec in specs:
        validator = jsonschema.Draft7Validator(config_schema(spec))
        props = result[spec.name].properties if spec.name in result else {}
        for error in sorted(validator.iter_errors(props), key=lambda e: list(e.absolute_path)):
            where = ".".join(str(p) for p in error.absolute_path)
            problems.append(Problem(f"{spec.name}{'.' + where if where else ''}", error.message))
    if problems:
        raise ConfigError(problems, source)
    return result


def unknown_policies(specs: Sequence[PolicySpec], given: Mapping[str, PolicyConfig]) -> list[str]:
    """Entries of a config file that name no policy of the pack (the CLI passes them on silently)."""
    names = {spec.name for spec in specs}
    return sorted(k for k in given if k != "all" and k not in names)
