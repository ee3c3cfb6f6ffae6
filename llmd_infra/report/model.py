"""The verdict of a policy run over a recorded plan, shared by every report format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Violation:
    """One policy diagnostic, as ``AnalyzeDiagnostic`` carries it."""

    policy: str
    """Policy name (a requirement id for requirement policies)."""
    enforcement: str
    """``mandatory`` or ``advisory`` after pack configuration."""
    urn: str
    """The resource judged ('' for stack-level findings without one)."""
    message: str
    description: str = ""
    """The policy's description (the engine prefixes messages with it; kept apart here)."""
    severity: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"policy": self.policy, "enforcement": self.enforcement, "urn": self.urn, "message": self.message}


@dataclass(frozen=True)
class Note:
    """Information that is not a violation, e.g. a host fact the catalog does not know."""

    policy: str
    urn: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"policy": self.policy, "urn": self.urn, "message": self.message}


@dataclass
class Analysis:
    """All violations and notes of one run; ``mandatory`` decides the exit status."""

    violations: list[Violation] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    policy_pack: str = ""
    policies: list[dict[str, Any]] = field(default_factory=list)
    """Metadata of every policy that ran: name, description, enforcement, remediation, anchors."""

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement == "mandatory"]

    @property
    def advisory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement == "advisory"]
