"""How the policy pack reads each provider's RAW resources: one :class:`ResourceReader` per room.

A room's ``resources`` part exports ``READER``; this module gathers them through the registry, so
the requirement policies know which type tokens carry node pools or Kubernetes versions without
naming a single one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from llmd_infra import registry
from llmd_infra.policy.common import Deferred, Resource, StackResource, as_str, get, known_or_none
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


@dataclass(frozen=True)
class LwsInstall:
    """One LeaderWorkerSet install a resource makes, as the ``lws-*`` policies judge it."""

    where: str
    """How messages name it (a chart and its version field, a manifest URL, an operator subscription)."""
    version: str | None
    """The LWS version it installs; ``None`` when it does not say one."""
    unjudged: str = ""
    """Why the version is not judged, as a note (``""``: nothing worth saying, e.g. a chart without a version)."""


def _no_lws(resource_type: str, props: Mapping[str, Any]) -> list[LwsInstall] | None:
    return None


def _no_gaps(resources: Sequence[StackResource]) -> list[str]:
    return []


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
    cluster_links: Mapping[str, str] = field(default_factory=dict)
    """Pool type -> the property naming its cluster (a standalone node pool's ``cluster``): stack
    checks follow it to judge the pool with its cluster (:func:`cluster_of`)."""
    remediation: Mapping[str, str] = field(default_factory=dict)
    """Requirement id -> how to meet it on this provider (joined into the policy's remediation)."""
    lws_types: frozenset[str] = frozenset()
    """Types through which the platform installs LeaderWorkerSet its own way (e.g. an operator)."""
    lws_installs: Callable[[str, Mapping[str, Any]], list[LwsInstall] | None] = _no_lws
    """``(type, props) -> installs`` for :attr:`lws_types` (``None``: this resource installs no LWS)."""
    lws_gaps: Callable[[Sequence[StackResource]], list[str]] = _no_gaps
    """Why the platform's LWS install in this stack is incomplete (e.g. an operator without its CR)."""


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


def cluster_of(pool: StackResource, resources: Sequence[StackResource]) -> StackResource | None:
    """The cluster resource of the stack a standalone pool belongs to, ``None`` when it is out of sight.

    Found through the engine's property dependencies of the pool's link property (``cluster:
    cluster.name`` or ``cluster.id`` — the value itself is unknown in preview), else by value: a
    link written as a plain string that names a cluster of the stack (its ``name``, ``id``, or the
    last segment of a resource path such as ``projects/p/locations/l/clusters/<name>``).
    """
    reader = pool_reader(pool.type)
    key = reader.cluster_links.get(pool.type) if reader is not None else None
    if reader is None or key is None:
        return None
    clusters = [r for r in resources if r.type in reader.cluster_types]
    linked = set(pool.property_dependencies.get(key, ()))
    for cluster in clusters:
        if cluster.urn in linked:
            return cluster
    value = known_or_none(lambda: as_str(get(pool.props, key)))
    if value is None:
        return None
    for cluster in clusters:
        names = {known_or_none(partial(_str_prop, cluster.props, prop)) for prop in ("name", "id")} - {None}
        if value in names or value.rsplit("/", 1)[-1] in names:
            return cluster
    return None


def _str_prop(props: Mapping[str, Any], prop: str) -> str | None:
    return as_str(get(props, prop))


def lws_types() -> frozenset[str]:
    """Types through which some room installs LeaderWorkerSet its own way."""
    return frozenset(token for reader in readers() for token in reader.lws_types)


def room_lws_installs(resource_type: str, props: Mapping[str, Any]) -> list[LwsInstall] | None:
    """The LWS installs a room-specific resource makes (``None``: none)."""
    for reader in readers():
        if resource_type in reader.lws_types:
            return reader.lws_installs(resource_type, props)
    return None


def lws_gaps(resources: Sequence[StackResource]) -> list[str]:
    """Every room's reasons why the stack's LWS install is incomplete."""
    return [gap for reader in readers() for gap in reader.lws_gaps(resources)]

