"""DigitalOcean Kubernetes (DOKS) reliability and security policies on raw ``KubernetesCluster``s.

Anchors: Trivy DIG-0005 (surge upgrades) and DIG-0008 (auto-upgrade / maintenance policy); DO's
Terraform documentation for ``vpc_uuid``. Absent properties take the provider's defaults
(``surge_upgrade`` defaults to true, ``auto_upgrade`` to false). Values unknown in preview: a
computed ``vpcUuid`` (a ``digitalocean.Vpc``'s id) or maintenance window counts as set; auto-upgrade
OR a maintenance window passes as soon as one of them is known to hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmd_infra.policy.common import (
    Finding,
    PolicySpec,
    Resource,
    any_holds,
    as_str,
    get,
    is_false,
    is_set_or_unknown,
    is_true,
    security_policy,
)
from llmd_infra.providers.doks.resources import DOKS_CLUSTER


def check_surge_upgrade(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type == DOKS_CLUSTER and is_false(get(r.props, "surgeUpgrade")):
        return [Finding("surgeUpgrade is false: upgrades drain nodes before replacements exist")]
    return []


def remediate_surge_upgrade(props: Any) -> Any:
    if is_false(get(props, "surgeUpgrade")):
        props["surgeUpgrade"] = True
        return props
    return None


def check_auto_upgrade_or_maintenance(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type != DOKS_CLUSTER:
        return []

    def maintenance_window() -> bool:
        policy = get(r.props, "maintenancePolicy")
        return isinstance(policy, Mapping) and (
            is_set_or_unknown(lambda: as_str(get(policy, "day")))
            or is_set_or_unknown(lambda: as_str(get(policy, "startTime")))
        )

    if any_holds(lambda: is_true(get(r.props, "autoUpgrade")), maintenance_window):
        return []
    return [
        Finding(
            "autoUpgrade is not true and no maintenancePolicy is set: patch releases are never applied on a schedule"
        )
    ]


def check_vpc_native(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type == DOKS_CLUSTER and not is_set_or_unknown(lambda: as_str(get(r.props, "vpcUuid"))):
        return [Finding("vpcUuid is not set: the cluster lands in the region's default VPC")]
    return []


# --- the room's policies: each spec beside its check ------------------------------------------------

_DOKS = frozenset({DOKS_CLUSTER})

POLICIES: tuple[PolicySpec, ...] = (
    security_policy(
        "doks-surge-upgrade",
        "DOKS clusters upgrade with surge nodes.",
        check_surge_upgrade,
        _DOKS,
        "advisory",
        "Set surge_upgrade=True (the default).",
        ("Trivy DIG-0005",),
        "doks",
        severity="medium",
        remediate=remediate_surge_upgrade,
    ),
    security_policy(
        "doks-auto-upgrade-or-maintenance",
        "DOKS clusters auto-upgrade, or upgrade in a set maintenance window.",
        check_auto_upgrade_or_maintenance,
        _DOKS,
        "mandatory",
        "Set auto_upgrade=True with a maintenance_policy (day, start_time), or at least a maintenance_policy.",
        ("Trivy DIG-0008",),
        "doks",
        severity="high",
    ),
    security_policy(
        "doks-vpc-native",
        "DOKS clusters sit in an explicit VPC.",
        check_vpc_native,
        _DOKS,
        "advisory",
        "Create a digitalocean.Vpc and pass vpc_uuid.",
        ("DO kubernetes_cluster vpc_uuid",),
        "doks",
        severity="low",
    ),
)
