"""Reading ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml`` the way the Pulumi CLI does.

The CLI hands a Python program its configuration as a flat map of ``namespace:key`` to strings:
keys without a namespace get the project name, scalars become their string form, objects and lists
are JSON-encoded (``pulumi.Config().require_object`` decodes them) and ``secure:`` values are
decrypted and marked secret. Offline we cannot decrypt, so a secure value becomes a secret
placeholder: the program still sees a secret, and reports never show it.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from llmd_infra.errors import ProjectError, UsageError

SECRET_PLACEHOLDER = "[secret]"


@dataclass(frozen=True)
class Project:
    """A Pulumi project: its name, where its program is and where its stack files are."""

    name: str
    root: Path
    """The folder holding ``Pulumi.yaml``."""
    main: Path
    """The program folder (``main:``, default the project root)."""
    stack_config_dir: Path
    config_defaults: dict[str, Any] = field(default_factory=dict)
    project_file: Path = Path("Pulumi.yaml")
    """``Pulumi.yaml`` (or ``Pulumi.yml``) itself."""

    def stack_file(self, stack: str) -> Path:
        return self.stack_config_dir / f"Pulumi.{stack}.yaml"

    def stacks(self) -> list[str]:
        """Stack names with a config file in ``stackConfigDir``, sorted by name (not by file name, where
        ``Pulumi.a-b.yaml`` sorts before ``Pulumi.a.yaml``)."""
        return sorted(path.name[len("Pulumi.") : -len(".yaml")] for path in self.stack_config_dir.glob("Pulumi.*.yaml"))


@dataclass(frozen=True)
class StackConfig:
    """Configuration as the program receives it."""

    values: dict[str, str]
    secret_keys: list[str]
    raw: dict[str, Any]
    """Decoded (but not stringified) values, for validation messages."""
    path: Path | None
    expected_path: Path | None = None
    """Where the stack file would be; set when it does not exist (a new stack, or a typo)."""
    origins: dict[str, str] = field(default_factory=dict)
    """Config key path (``ns:key.a[0].b``) → where its value came from (``Pulumi.yaml``, the stack
    file, ``--config``); the longest matching path wins (see :meth:`source_of`)."""

    def source_of(self, path: str) -> str | None:
        """Where the value at ``path`` (a key path as problems name it) came from."""
        best: tuple[int, str] | None = None
        for prefix, origin in self.origins.items():
            matches = path == prefix or path.startswith((f"{prefix}.", f"{prefix}["))
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), origin)
        return best[1] if best else None


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when below it (as users type it), else absolute."""
    absolute = path.resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(absolute)


class _PulumiYamlLoader(yaml.SafeLoader):
    """YAML as the Pulumi CLI reads it: an unquoted date or timestamp stays the text it was written as
    (Pulumi keeps it a string), and a key given twice in one mapping is an error, not a silent override."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                continue  # the base constructor reports the unhashable key
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark
                )
            seen[key] = True
        return super().construct_mapping(node, deep=deep)


_PulumiYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProjectError(f"cannot read {path}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ProjectError(
            f"{path} is not UTF-8 text: byte 0x{data[exc.start]:02x} on line {line} cannot be decoded; "
            "save the file as UTF-8"
        ) from None
    try:
        return yaml.load(text, Loader=_PulumiYamlLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ProjectError(f"{path} is not valid YAML: {exc}") from None


def find_project_file(path: Path) -> Path:
    for name in ("Pulumi.yaml", "Pulumi.yml"):
        candidate = path / name
        if candidate.is_file():
            return candidate
    raise ProjectError(f"no Pulumi.yaml in {path}")


def load_project(path: str | Path) -> Project:
    """Load the project whose ``Pulumi.yaml`` is in ``path``."""
    root = Path(path).resolve()
    if not root.is_dir():
        raise ProjectError(f"{path} is not a directory")
    project_file = find_project_file(root)
    doc = _read_yaml(project_file)
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
        raise ProjectError(f"{root / 'Pulumi.yaml'}: 'name' is required")
    runtime = doc.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise ProjectError(f"{root / 'Pulumi.yaml'}: runtime is {runtime_name!r}; only python programs can run offline")
    main = root / str(doc.get("main", "."))
    stack_dir = root / str(doc.get("stackConfigDir", "."))
    defaults: dict[str, Any] = {}
    for key, spec in (doc.get("config") or {}).items():
        full = _full_key(doc["name"], str(key))
        if isinstance(spec, dict) and ("default" in spec or "value" in spec):
            defaults[full] = spec.get("value", spec.get("default"))
        elif not isinstance(spec, dict):
            defaults[full] = spec
    return Project(name=doc["name"], root=root, main=main.resolve(), stack_config_dir=stack_dir.resolve(),
                   config_defaults=defaults, project_file=project_file)


def _full_key(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _stringify(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def load_stack_config(
    project: Project,
    stack: str,
    config_file: Path | None = None,
    overrides: dict[str, str] | None = None,
) -> StackConfig:
    """Merge project defaults, the stack file and ``--config`` overrides, as the CLI does.

    Override keys are paths, as with ``pulumi config set --path``: ``ns:key.a.b``, ``ns:key.list[0]``,
    ``ns:["key.with.dots"]``; a nested value ``true``/``false`` is a boolean, an integer a number,
    anything else a string. A missing stack file is fine (a new stack has none) unless it was named
    explicitly.
    """
    path = config_file or project.stack_file(stack)
    doc: Any = {}
    if path.is_file():
        doc = _read_yaml(path) or {}
    elif config_file is not None:
        raise ProjectError(f"stack config file {config_file} does not exist")
    if not isinstance(doc, dict):
        raise ProjectError(
            f"{path}: the top level is {_yaml_kind(doc)}; a stack file is a mapping with a 'config' key "
            "(config:\n  <namespace>:<key>: <value>)"
        )
    config = doc.get("config") or {}
    if not isinstance(config, dict):
        raise ProjectError(
            f"{path}: 'config' is {_yaml_kind(config)}; it must be a mapping of <namespace>:<key> to values"
        )
    raw: dict[str, Any] = copy.deepcopy(project.config_defaults)
    origins = dict.fromkeys(raw, display_path(project.project_file))
    for key, value in config.items():
        full = _full_key(project.name, str(key))
        raw[full] = value
        origins[full] = display_path(path)
    for key, value in (overrides or {}).items():
        parts = parse_config_path(key)
        full = _full_key(project.name, str(parts[0]))
        _set_path(raw, full, parts[1:], value, key)
        origins[format_config_path([full, *parts[1:]])] = "--config"
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in raw.items():
        if _is_secure(value):
            values[key] = SECRET_PLACEHOLDER
            secret_keys.append(key)
        else:
            values[key] = _stringify(value)
    return StackConfig(
        values=values,
        secret_keys=secret_keys,
        raw=raw,
        path=path if path.is_file() else None,
        expected_path=None if path.is_file() else path,
        origins=origins,
    )


def _yaml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"a {type(value).__name__} ({value!r})"


def _parse_override(value: str) -> Any:
    """Top-level ``--config key=value`` values: JSON objects, lists and booleans are decoded, the rest
    stays a string. Numbers stay strings on purpose: ``1.30`` must not become ``1.3``.
    """
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return decoded if isinstance(decoded, (dict, list, bool)) else value


def _parse_path_value(value: str) -> Any:
    """A nested ``--config`` value, as ``pulumi config set --path`` stores it."""
    if value in ("true", "false"):
        return value == "true"
    if re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    return value


_SEGMENT = re.compile(r'\[(?:"((?:[^"\\]|\\.)*)"|(-?[0-9]+))\]|([^.\[\]]+)')


def parse_config_path(key: str) -> list[str | int]:
    """``ns:key.a[0]["b.c"]`` → ``["ns:key", "a", 0, "b.c"]`` (the syntax of ``pulumi config set --path``)."""
    parts: list[str | int] = []
    i = 0
    while i < len(key):
        if parts and key[i] == ".":
            i += 1
            if i == len(key) or key[i] == ".":
                raise UsageError(f"--config key '{key}' has an empty segment")
        match = _SEGMENT.match(key, i)
        if match is None:
            raise UsageError(
                f"--config key '{key}' is not a config path (expected ns:key.field[0].field, "
                f'or ["a.b"] for a key with dots), at "{key[i:]}"'
            )
        quoted, index, plain = match.groups()
        if quoted is not None:
            parts.append(json.loads(f'"{quoted}"'))
        elif index is not None:
            if not parts:
                raise UsageError(f"--config key '{key}' starts with a list index")
            parts.append(int(index))
        else:
            parts.append(plain)
        i = match.end()
    if not parts or not isinstance(parts[0], str) or not parts[0]:
        raise UsageError(f"--config key '{key}' is empty")
    return parts


def format_config_path(parts: list[str | int]) -> str:
    """The inverse of :func:`parse_config_path`, in the form error messages use."""
    out = str(parts[0])
    for part in parts[1:]:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z0-9_\-]+", part):
            out += f".{part}"
        else:
            out += f"[{json.dumps(part)}]"
    return out


def _set_path(raw: dict[str, Any], full: str, rest: list[str | int], value: str, key: str) -> None:
    """Set ``raw[full]`` (or the value at ``rest`` inside it) from a ``--config`` override."""
    if not rest:
        raw[full] = _parse_override(value)
        return
    container = raw.get(full)
    if isinstance(container, str):
        try:
            container = json.loads(container)
        except ValueError:
            container = None
    if container is None or _is_secure(container) or not isinstance(container, (dict, list)):
        container = [] if isinstance(rest[0], int) else {}
    raw[full] = container
    current: Any = container
    for depth, part in enumerate(rest):
        here = format_config_path([full, *rest[:depth]])
        child: Any
        if isinstance(part, int):
            if not isinstance(current, list):
                raise UsageError(f"--config {key}: {here} is not a list, so [{part}] cannot be set")
            if not 0 <= part <= len(current):
                raise UsageError(f"--config {key}: {here} has {len(current)} items; index {part} is out of range")
            if part == len(current):
                current.append(None)
            child = current[part]
        else:
            if not isinstance(current, dict):
                raise UsageError(f"--config {key}: {here} is not an object, so .{part} cannot be set")
            child = current.get(part)
        if depth == len(rest) - 1:
            current[part] = _parse_path_value(value)
            return
        if not isinstance(child, (dict, list)):
            child = [] if isinstance(rest[depth + 1], int) else {}
            current[part] = child
        current = child
