"""How the policy pack reads each provider's RAW resources: one :class:`ResourceReader` per room.

A room's ``resources`` part exports ``READER``; this module gathers them through the registry, so
the requirement policies know which type tokens carry node pools or Kubernetes versions without
naming a single one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from llmd_infra import registry
from llmd_infra.policy.common import Deferred, Resource
from llmd_infra.policy.pools import Pool
from llmd_infra.versions import Version, try_parse_version

PoolReader = Callable[[str, str, Mapping[str, Any], Deferred | None], list[Pool]]
"""``(type, name, props, deferred) -> pools``: the node pools of one raw resource."""


def older_than(path: str, value: str, minimum: Version, minimum_text: str) -> str | None:
    """The usual judgement of a Kubernetes version field: a parseable version below ``minimum``."""
    version = try_parse_version(value)
    if version is not None and version < minimum:
        return f'{path} "{value}" is older than Kubernetes {minimum_text}; llm-d needs {minimum_text} or newer'
    return None


VersionJudge = Callable[[str, str, Version, str], str | None]
"""``(path, value, minimum, minimum_text) -> message | None`` for one version field."""


@dataclass(frozen=True)
class VersionField:
    """One property of a resource that sets a Kubernetes version (or something that implies one)."""

    path: str
    """Where it is, as messages name it."""
    read: Callable[[], str | None]
    """Reads the value (may raise the unknown-value error in preview; callers defer it)."""
    judge: VersionJudge = older_than
    """Turns the value into a finding; a platform version (OpenShift 4.x) maps it to Kubernetes first."""


def _no_pools(resource_type: str, name: str, props: Mapping[str, Any], deferred: Deferred | None) -> list[Pool]:
    return []


def _no_versions(r: Resource) -> list[VersionField]:
    return []


@dataclass(frozen=True)
class ResourceReader:
    """What one provider room teaches the pack about its raw resources."""

    provider: str
    pool_types: frozenset[str] = frozenset()
    """Types that carry node pools (clusters with inline pools, node pools, MachineSets...)."""
    pools: PoolReader = _no_pools
    version_types: frozenset[str] = frozenset()
    """Types that set a Kubernetes (or platform) version."""
    versions: Callable[[Resource], list[VersionField]] = _no_versions
    cluster_types: frozenset[str] = frozenset()
    """Raw cluster resources: what ``cluster-protected`` wants protected."""
    remediation: Mapping[str, str] = field(default_factory=dict)
    """Requirement id -> how to meet it on this provider (joined into the policy's remediation)."""


@cache
def readers() -> tuple[ResourceReader, ...]:
    """Every room's reader, in registry order."""
    found: list[ResourceReader] = []
    for _, module in registry.parts("resources"):
        reader: ResourceReader = module.READER
        found.append(reader)
    return tuple(found)


@cache
def _pool_readers() -> dict[str, ResourceReader]:
    return {token: reader for reader in readers() for token in reader.pool_types}


def pool_reader(resource_type: str) -> ResourceReader | None:
    """The reader of a type that carries node pools, ``None`` for any other type."""
    return _pool_readers().get(resource_type)


@cache
def _version_readers() -> dict[str, ResourceReader]:
    return {token: reader for reader in readers() for token in reader.version_types}


def version_fields(r: Resource) -> list[VersionField]:
    """Every Kubernetes version field of a raw resource (none for types no room reads)."""
    reader = _version_readers().get(r.type)
    return reader.versions(r) if reader is not None else []


def pool_types() -> frozenset[str]:
    return frozenset(_pool_readers())


def version_types() -> frozenset[str]:
    return frozenset(_version_readers())


def cluster_types() -> frozenset[str]:
    return frozenset(token for reader in readers() for token in reader.cluster_types)


def remediation(requirement: str, **thresholds: str) -> str:
    """Each provider's way to meet a requirement, joined (``""`` when no room says anything).

    Rooms write thresholds as ``{name}`` placeholders (``{kubernetes}``), filled from the requirement
    records by the caller, so no room restates one.
    """
    texts = [reader.remediation[requirement] for reader in readers() if requirement in reader.remediation]
    return "; ".join(text.format(**thresholds) for text in texts)
