"""Version strings as llm-d and the providers write them, compared as numbers.

Kubernetes versions come in many dialects: ``1.29``, ``v1.29.3``, GKE's ``1.31.4-gke.1183000``,
DOKS slugs ``1.33.1-do.3``, OpenShift ``4.19``. Everything that compares versions (config
validation, policies, preflight) goes through :func:`parse_version` so that a threshold means the
same thing everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

_VERSION_RE = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+._].*)?$")


class VersionError(ValueError):
    """A string that is not a version."""


@total_ordering
@dataclass(frozen=True)
class Version:
    """A ``major.minor.patch`` version; missing parts compare as 0."""

    major: int
    minor: int = 0
    patch: int = 0

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return (self.major, self.minor, self.patch) < (other.major, other.minor, other.patch)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def minor_str(self) -> str:
        """``major.minor`` — how Kubernetes minimums are written."""
        return f"{self.major}.{self.minor}"


def parse_version(text: str) -> Version:
    """Parse ``1.29``, ``v0.7.0``, ``1.31.4-gke.1183000`` or ``1.33.1-do.3``.

    Raises :class:`VersionError` for anything else, including ``latest`` and empty strings.
    """
    match = _VERSION_RE.match(text.strip())
    if match is None:
        raise VersionError(f"'{text}' is not a version (expected MAJOR.MINOR[.PATCH])")
    major, minor, patch = match.groups()
    return Version(int(major), int(minor or 0), int(patch or 0))


def try_parse_version(text: object) -> Version | None:
    """Like :func:`parse_version`, but ``None`` for non-strings and non-versions."""
    if not isinstance(text, str):
        return None
    try:
        return parse_version(text)
    except VersionError:
        return None
