"""Builders of requirement-policy specs: a spec named by its requirement id, reading its threshold,
description and configuration defaults from the record (never restating a number)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, cast

from llmd_infra.policy.common import PolicySpec, ResourceCheck, StackCheck
from llmd_infra.policy.resources import remediation as providers_remediation
from llmd_infra.requirements import KUBERNETES_VERSION, LWS_VERSION, Requirement

MULTI_HOST_POOLS = {
    "multiHostPools": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "description": "Pool (or resource) names intended for multi-host inference, besides labelled pools.",
    }
}


def min_version_property(record: Requirement, default: str) -> dict[str, Any]:
    return {
        "minimumVersion": {
            "type": "string",
            "pattern": r"^v?\d+(\.\d+){0,2}$",
            "default": default,
            "description": f"Oldest accepted version (llm-d: {record.threshold_text()}).",
        }
    }


def minimum_property(record: Requirement) -> dict[str, Any]:
    return {
        "minimum": {
            "type": "integer",
            "minimum": 1,
            "default": record.min_int(),
            "description": f"Threshold ({record.unit or 'generation'}); llm-d: {record.threshold_text()}.",
        }
    }


def requirement_policy(
    record: Requirement,
    check: ResourceCheck | StackCheck,
    types: frozenset[str],
    remediation: str,
    *,
    kind: Literal["resource", "stack"] = "resource",
    name: str | None = None,
    enforcement: Literal["mandatory", "advisory", "disabled", "remediate"] | None = None,
    description: str | None = None,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    severity: Literal["low", "medium", "high", "critical"] = "medium",
) -> PolicySpec:
    return PolicySpec(
        name=name or record.id,
        description=description or f"{record.title}: {record.seed} (llm-d prerequisite '{record.id}').",
        enforcement=enforcement or cast(Any, record.enforcement.value),
        remediation=remediation,
        kind=kind,
        types=types,
        check=check,
        severity=severity,
        config_properties=config or {},
        family="requirements",
        requirement=record.id,
    )


# Thresholds in remediation text come from the requirement records, never restated here; each
# provider's way to meet a requirement comes from its room (``ResourceReader.remediation``).
K8S = KUBERNETES_VERSION.min_version().minor_str()
LWS_MIN = str(LWS_VERSION.min_version())


def how_to_meet(record: Requirement, general: str) -> str:
    """``general`` advice plus every provider's own way to meet ``record``."""
    providers = providers_remediation(record.id, kubernetes=K8S, lws=LWS_MIN)
    return f"{general} {providers}." if providers else general
