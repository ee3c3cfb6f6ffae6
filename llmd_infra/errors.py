"""Errors a user can cause, each rendered as a clear message (the CLI exits 2 on them)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


class LlmdInfraError(Exception):
    """Base class of user-facing errors: the message is complete, no traceback is needed."""

    plan: Any = None
    """When raised by the plan engine: the :class:`~llmd_infra.plan.graph.Plan` recorded until the
    error (so callers can check that nothing was half-created)."""


@dataclass(frozen=True)
class Problem:
    """One invalid value: where it is and what is wrong with it."""

    path: str
    """Config key path, e.g. ``llmd-infra:cluster.acceleratorPools[0].machineType``."""
    message: str
    source: str | None = None
    """Where the value came from when that differs between problems (a stack file, ``--config``)."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ConfigError(LlmdInfraError):
    """Invalid stack configuration or component arguments; one :class:`Problem` per invalid value.

    ``source`` names where every value came from; problems carrying their own ``source`` (values of
    one stack coming from several places) name it on their line instead.
    """

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        sources = {p.source for p in problems}
        if len(sources) == 1 and None not in sources:
            source, problems = sources.pop(), [replace(p, source=None) for p in problems]
        self.problems = problems
        self.source = source
        where = f"from {source}" if source and source.startswith("--") else f"in {source}"
        head = f"invalid configuration {where}" if source else "invalid configuration"
        lines = [f"{head} ({len(problems)} problem{'s' if len(problems) != 1 else ''}):"]
        lines += [f"  - {p}" + (f" (from {p.source})" if p.source else "") for p in problems]
        super().__init__("\n".join(lines))

    def with_sources(self, source_of: Any) -> ConfigError:
        """The same problems, each attributed by ``source_of(path) -> str | None`` (the one the program
        assumed is dropped: it may name a file that does not exist)."""
        problems = [replace(p, source=source_of(p.path) or p.source) for p in self.problems]
        error = ConfigError(problems)
        error.plan = self.plan
        return error


class ProjectError(LlmdInfraError):
    """A Pulumi project or stack file that cannot be read."""


class UsageError(LlmdInfraError):
    """A command line that cannot work: conflicting options, an output path that cannot be written."""


class ProgramError(LlmdInfraError):
    """The Pulumi program raised while it ran under the plan engine."""

    def __init__(self, message: str, details: str = "", where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.details = details
        """The full traceback (shown with ``--debug``)."""
        self.where = where
        """``file:line`` of the program line that raised (or called into the code that raised)."""
