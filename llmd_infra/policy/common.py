"""Shared pieces of the policy pack: findings, policy metadata and property access.

Every policy is a pure function over resource properties as the engine hands them to ``Analyze``
(camelCase names, plain ``Mapping``/``Sequence`` values). The same functions run

* inside the CrossGuard pack (``policies/__main__.py``), wrapped by :mod:`llmd_infra.policy.pack`,
  where ``props`` are pulumi_policy's unknown-checking proxies: reading a value that is unknown in
  preview raises, and the engine turns that into an advisory "can't run policy" diagnostic;
* directly in tests, on plain dicts.

Nothing here imports ``pulumi_policy``; the pack module is the only adapter to it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

T = TypeVar("T")

# --- resource type tokens (engine spelling) of Kubernetes itself --------------------------------------
# Provider tokens (clusters, node pools, MachineSets, commands) live in each room's ``resources`` part.

HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
HELM_CHART_V4 = "kubernetes:helm.sh/v4:Chart"
HELM_CHART_V3 = "kubernetes:helm.sh/v3:Chart"
CONFIG_FILE_V1 = "kubernetes:yaml:ConfigFile"
CONFIG_GROUP_V1 = "kubernetes:yaml:ConfigGroup"
CONFIG_FILE_V2 = "kubernetes:yaml/v2:ConfigFile"
CONFIG_GROUP_V2 = "kubernetes:yaml/v2:ConfigGroup"
CRD_V1 = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
STACK = "pulumi:pulumi:Stack"

HELM_TYPES = frozenset({HELM_RELEASE, HELM_CHART_V4, HELM_CHART_V3})
MANIFEST_TYPES = frozenset({CONFIG_FILE_V1, CONFIG_GROUP_V1, CONFIG_FILE_V2, CONFIG_GROUP_V2})


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One result of a check: a violation, or (``note=True``) information that is not one."""

    message: str
    urn: str | None = None
    """For stack policies: the resource the finding is about (``None``: the stack)."""
    note: bool = False


@dataclass(frozen=True)
class Resource:
    """What a resource check reads: the analyzed resource, as ``ResourceValidationArgs`` carries it."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    protect: bool = False


@dataclass(frozen=True)
class StackResource:
    """What a stack check reads about one resource (``PolicyResource``: outputs, options, parent)."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    protect: bool = False
    parent: str | None = None
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Property name -> URNs of the resources whose outputs it was built from (the engine's
    ``propertyDependencies``): how a stack check finds, e.g., the cluster a node pool belongs to."""


ResourceCheck = Callable[[Resource, Mapping[str, Any]], list[Finding]]
StackCheck = Callable[[Sequence[StackResource], Mapping[str, Any]], list[Finding]]
Remediation = Callable[[Any], Any]
"""Takes pulumi_policy's (secret-preserving) props proxy, mutates and returns it, or returns None."""


@dataclass(frozen=True)
class PolicySpec:
    """A policy as data: the pack builds a pulumi_policy ``Policy`` from it, reports document it."""

    name: str
    description: str
    enforcement: Literal["mandatory", "advisory", "disabled", "remediate"]
    remediation: str
    """Remediation steps in words (``remediation_steps``)."""
    kind: Literal["resource", "stack"]
    types: frozenset[str]
    """Resource types the policy judges (resource policies skip every other type)."""
    check: ResourceCheck | StackCheck
    anchors: tuple[str, ...] = ()
    """CIS / Checkov / Trivy / KICS ids this policy corresponds to."""
    severity: Literal["low", "medium", "high", "critical"] = "medium"
    config_properties: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """JSON-schema properties of the policy's configuration (with defaults)."""
    remediate: Remediation | None = None
    family: str = ""
    requirement: str | None = None
    """The requirement record id this policy encodes (requirement policies only)."""
    harness_only: bool = False
    """Judged by ``llmd-infra preview`` only: the CLI hides what the check needs from packs."""

    @property
    def full_description(self) -> str:
        """The policy description as registered: what it checks plus its anchors."""
        if not self.anchors:
            return self.description
        return f"{self.description} [{', '.join(self.anchors)}]"

    def metadata(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.full_description,
            "enforcement": self.enforcement,
            "remediation": self.remediation,
            "anchors": list(self.anchors),
            "severity": self.severity,
            "kind": self.kind,
            "family": self.family,
            "requirement": self.requirement,
            "types": sorted(self.types),
            "harnessOnly": self.harness_only,
        }


def security_policy(
    name: str,
    description: str,
    check: ResourceCheck | StackCheck,
    types: frozenset[str],
    enforcement: Literal["mandatory", "advisory", "disabled", "remediate"],
    remediation: str,
    anchors: tuple[str, ...],
    family: str,
    *,
    severity: Literal["low", "medium", "high", "critical"] = "high",
    kind: Literal["resource", "stack"] = "resource",
    config: Mapping[str, Mapping[str, Any]] | None = None,
    remediate: Remediation | None = None,
    harness_only: bool = False,
) -> PolicySpec:
    """A security or reliability policy's spec, written beside its check (``family``: the room or ``stack``)."""
    return PolicySpec(
        name=name,
        description=description,
        enforcement=enforcement,
        remediation=remediation,
        kind=kind,
        types=types,
        check=check,
        anchors=anchors,
        severity=severity,
        config_properties=config or {},
        remediate=remediate,
        family=family,
        harness_only=harness_only,
    )


# --- values unknown in preview -------------------------------------------------------------------


def _unknown_value_error() -> type[BaseException] | None:
    """pulumi_policy's ``UnknownValueError`` when its proxies are in use (never imported from here)."""
    module = sys.modules.get("pulumi_policy.proxy")
    error = getattr(module, "UnknownValueError", None)
    return error if isinstance(error, type) and issubclass(error, BaseException) else None


class Deferred:
    """Judge the independent parts of a resource so that a value unknown in preview hides nothing.

    The engine downgrades a policy that reads an unknown value to an advisory "can't run policy"
    diagnostic, even a mandatory one. A check therefore judges each pool / field under :meth:`run`:
    a part that reads an unknown value is skipped and the error kept; :meth:`finish` returns the
    violations found elsewhere, and re-raises the kept error only when there are none (then the
    verdict really depends on the unknown value and "can't run" is the truth).
    """

    def __init__(self) -> None:
        self.unknown: BaseException | None = None

    def run(self, part: Callable[[], T]) -> T | None:
        try:
            return part()
        except Exception as exc:
            error = _unknown_value_error()
            if error is None or not isinstance(exc, error):
                raise
            if self.unknown is None:
                self.unknown = exc
            return None

    def finish(self, findings: list[Finding]) -> list[Finding]:
        if self.unknown is not None and not any(not f.note for f in findings):
            raise self.unknown
        return findings


def any_holds(*alternatives: Callable[[], bool]) -> bool:
    """Whether one of several alternatives (e.g. a private endpoint OR authorized networks) holds.

    ``True`` as soon as one is known to hold, even if another is unknown in preview; ``False`` when
    all are known not to hold; when none is known to hold and one is unknown, the verdict depends on
    it and its error is raised (the engine then reports "can't run").
    """
    unknown: BaseException | None = None
    for alternative in alternatives:
        probe = Deferred()
        if probe.run(alternative):
            return True
        if probe.unknown is not None and unknown is None:
            unknown = probe.unknown
    if unknown is not None:
        raise unknown
    return False


def known_or_none(read: Callable[[], T]) -> T | None:
    """``read()``, or ``None`` when it reads a value unknown in preview (for lookups that only help,
    such as matching a node pool to its cluster by name, where "unknown" just means "no match")."""
    try:
        return read()
    except Exception as exc:
        error = _unknown_value_error()
        if error is not None and isinstance(exc, error):
            return None
        raise


def is_set_or_unknown(read: Callable[[], Any]) -> bool:
    """Whether a property is set: a non-empty value, or a value unknown in preview (a computed output
    is set by the time the resource is created). ``read`` reads the property (e.g. through :func:`get`)."""
    try:
        value = read()
    except Exception as exc:
        error = _unknown_value_error()
        if error is not None and isinstance(exc, error):
            return True
        raise
    if isinstance(value, (Mapping, Sequence)):
        return len(value) > 0
    return value is not None


# --- property access ------------------------------------------------------------------------------

Path = str | int


def get(value: Any, *path: Path) -> Any:
    """``value[path[0]][path[1]]...`` or ``None`` when a step is missing or of the wrong shape.

    Reading goes through ``__getitem__``, so pulumi_policy's proxies still raise for unknown values.
    """
    current = value
    for step in path:
        if isinstance(step, int):
            if isinstance(current, Sequence) and not isinstance(current, str) and -len(current) <= step < len(current):
                current = current[step]
            else:
                return None
        elif isinstance(current, Mapping) and step in current:
            current = current[step]
        else:
            return None
    return current


def as_mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [value[i] for i in range(len(value))]
    return []


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def is_true(value: Any) -> bool:
    """``True`` or ``"true"`` (labels and Helm values write booleans both ways)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def config_list(config: Mapping[str, Any], key: str) -> list[str]:
    return [str(v) for v in as_list(config.get(key))]


def config_bool(config: Mapping[str, Any], key: str, default: bool = False) -> bool:
    value = config.get(key, default)
    return bool(value) if isinstance(value, bool) else default


def config_str(config: Mapping[str, Any], key: str, default: str) -> str:
    value = config.get(key, default)
    return value if isinstance(value, str) else default


def config_int(config: Mapping[str, Any], key: str, default: int) -> int:
    value = config.get(key, default)
    if isinstance(value, bool):
        return default
    if isinstance(value, (int, float)):
        return int(value)
    return default


def quote(value: Any) -> str:
    """How messages show a property value."""
    if isinstance(value, str):
        return f'"{value}"'
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)
