"""Errors a user can cause, each rendered as a clear message (the CLI exits 2 on them)."""

from __future__ import annotations

from dataclasses import dataclass
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

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ConfigError(LlmdInfraError):
    """Invalid stack configuration or component arguments; one :class:`Problem` per invalid value."""

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        head = f"invalid configuration in {source}" if source else "invalid configuration"
        lines = [f"{head} ({len(problems)} problem{'s' if len(problems) != 1 else ''}):"]
        lines += [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


class ProjectError(LlmdInfraError):
    """A Pulumi project or stack file that cannot be read."""


class ProgramError(LlmdInfraError):
    """The Pulumi program raised while it ran under the plan engine."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details
