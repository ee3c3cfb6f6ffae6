"""Where a user fixes a finding: a line of their program, or a key of their stack file.

* Resources the llmd-infra stack program registers (:mod:`llmd_infra.stack_program`, which builds
  everything from ``Pulumi.<stack>.yaml``) are located in that stack file, at the key that describes
  them. The file is read with line numbers (``yaml.compose`` keeps each node's position); a resource
  belongs to the deepest configuration entry whose ``name`` is part of its own name or an
  ancestor's (a pool ``big`` describes ``<cluster>-big-nodes``), or whose key ends the name
  (``addons.lws`` describes ``<cluster>-lws``). Inside that entry the finding points at the key
  whose value the message quotes (a quoted machine type → that pool's ``machineType``), else at the
  entry.
* Resources a program registers itself are located at the line of the program that called the
  resource's constructor: the first frame, inside the program's folder, of the call stack the SDK
  sends with every registration (:attr:`~llmd_infra.plan.graph.PlannedResource.source_frames`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from llmd_infra.plan.graph import Plan, PlannedResource

PathPart = str | int


@dataclass(frozen=True)
class SourceLocation:
    """A file and a 1-based line (and column, when known)."""

    path: Path
    line: int
    column: int | None = None


@dataclass(frozen=True)
class _Entry:
    path: tuple[PathPart, ...]
    line: int
    column: int
    scalar: str | None
    """The value when it is a scalar."""


def _walk(node: yaml.Node, path: tuple[PathPart, ...], out: list[_Entry], line: int, column: int) -> None:
    scalar = node.value if isinstance(node, yaml.ScalarNode) else None
    out.append(_Entry(path, line, column, scalar))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                _walk(value, (*path, str(key.value)), out, key.start_mark.line + 1, key.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), out, item.start_mark.line + 1, item.start_mark.column + 1)


class StackFileIndex:
    """Every key of a ``Pulumi.<stack>.yaml`` with its line, below ``config:``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: list[_Entry] = []
        self.config_line = 1
        try:
            root = yaml.compose(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            return
        if not isinstance(root, yaml.MappingNode):
            return
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "config":
                self.config_line = key.start_mark.line + 1
                if isinstance(value, yaml.MappingNode):
                    for k, v in value.value:
                        _walk(v, (str(k.value),), self.entries, k.start_mark.line + 1, k.start_mark.column + 1)

    def at(self, path: tuple[PathPart, ...]) -> _Entry | None:
        return next((e for e in self.entries if e.path == path), None)

    def _matches(self, rest: str, below: tuple[PathPart, ...] | None) -> list[tuple[int, str, _Entry]]:
        """Entries named in ``rest`` (``-a-b-``), below ``below`` when given: (position, word, entry).

        An entry is named by its ``name:`` value (a list item such as a pool) or by its key (a
        section such as ``lws``)."""
        found: list[tuple[int, str, _Entry]] = []
        for entry in self.entries:
            if len(entry.path) < 2:
                continue
            if below is not None and (len(entry.path) <= len(below) + 1 or entry.path[: len(below)] != below):
                continue
            last = entry.path[-1]
            owner: _Entry | None
            if last == "name" and entry.scalar:
                owner, word = self.at(entry.path[:-1]), entry.scalar
            elif isinstance(last, str):
                owner, word = entry, last
            else:
                continue
            if owner is None:
                continue
            position = rest.find(f"-{word}-")
            if position >= 0:
                found.append((position, word, owner))
        return found

    def entry_for_name(self, name: str) -> _Entry | None:
        """The entry that describes a resource called ``name``.

        Names nest (``<cluster>-<pool>-nodes``), so the name is read left to right: the entry named
        first (the cluster), then, in the rest of the name, an entry below it (the pool) or elsewhere
        (an add-on section), until nothing more matches.
        """
        owner: _Entry | None = None
        rest = f"-{name}-"
        while True:
            found = self._matches(rest, owner.path) if owner is not None else []
            if not found:
                found = [
                    f for f in self._matches(rest, None)
                    if owner is None or f[2].path[: len(owner.path)] != owner.path
                ]
            if not found:
                return owner
            position, word, owner = min(found, key=lambda f: (f[0], -len(f[2].path)))
            rest = rest[position + len(word) + 1 :]

    def entry_for(self, chain: list[PlannedResource]) -> _Entry | None:
        """The entry describing the first resource of ``chain`` (itself, then its ancestors)."""
        for resource in chain:
            found = self.entry_for_name(resource.name)
            if found is not None:
                return found
        return None

    def named_in(self, message: str, within: tuple[PathPart, ...]) -> _Entry | None:
        """The key below ``within`` the message names: by its value (quoted values first, then the
        longest), else by its own name (messages name engine properties, which share config keys'
        camelCase names, e.g. ``deletionProtection``)."""
        best: tuple[int, int, _Entry] | None = None
        below = [e for e in self.entries if e.path[: len(within)] == within and len(e.path) > len(within)]
        for entry in below:
            value = entry.scalar
            if value is None or len(value) < 3 or value.isdigit():
                continue
            quoted = any(f"{q}{value}{q}" in message for q in ('"', "'"))
            if not quoted and not _word_in(value, message):
                continue
            rank = (1 if quoted else 0, len(value), entry)
            if best is None or rank[:2] > best[:2]:
                best = rank
        if best is not None:
            return best[2]
        for entry in below:
            key = entry.path[-1]
            if isinstance(key, str) and len(key) >= 4 and _word_in(key, message):
                return entry
        return None


def _word_in(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", text) is not None


def _inside(path: str, folder: Path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(folder)
    except OSError:
        return False


def _stack_program_file() -> Path:
    from llmd_infra import stack_program

    return Path(stack_program.__file__).resolve()


class Locator:
    """Source locations of a plan's resources (see the module docstring)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.by_urn = {r.urn: r for r in plan.resources}
        self.program_dir = Path(plan.program_dir).resolve() if plan.program_dir else None
        config = Path(plan.config_file) if plan.config_file else None
        self.stack_file = StackFileIndex(config) if config is not None and config.is_file() else None
        stack_program = str(_stack_program_file())
        self.config_driven = bool(plan.resources) and all(
            any(str(Path(f).resolve()) == stack_program for f, _ in r.source_frames) for r in plan.resources
        )

    def _chain(self, urn: str) -> list[PlannedResource]:
        chain: list[PlannedResource] = []
        resource = self.by_urn.get(urn)
        while resource is not None:
            chain.append(resource)
            resource = self.by_urn.get(resource.parent)
        return chain

    def in_stack_file(self, urn: str, message: str) -> SourceLocation | None:
        index = self.stack_file
        if index is None:
            return None
        entry = index.entry_for(self._chain(urn))
        within: tuple[PathPart, ...] = entry.path if entry is not None else ()
        named = index.named_in(message, within)
        chosen = named or entry
        if chosen is None:
            return SourceLocation(index.path, index.config_line)
        return SourceLocation(index.path, chosen.line, chosen.column)

    def in_program(self, urn: str) -> SourceLocation | None:
        resource = self.by_urn.get(urn)
        if resource is None or self.program_dir is None:
            return None
        for file, line in resource.source_frames:
            if _inside(file, self.program_dir):
                return SourceLocation(Path(file), line)
        return None

    def locate(self, urn: str, message: str) -> SourceLocation | None:
        """Where to fix the finding about ``urn`` ('' for stack-level findings)."""
        if self.config_driven:
            return self.in_stack_file(urn, message)
        found = self.in_program(urn)
        if found is not None:
            return found
        if self.plan.program_file and Path(self.plan.program_file).is_file():
            return SourceLocation(Path(self.plan.program_file), 1)
        return self.in_stack_file(urn, message)
