"""DigitalOcean Kubernetes (DOKS) reliability and security policies on raw ``KubernetesCluster``s.

Anchors: Trivy DIG-0005 (surge upgrades) and DIG-0008 (auto-upgrade, with a maintenance policy as its
recommended action); DO's Terraform documentation of ``kubernetes_cluster`` for ``auto_upgrade``,
``maintenance_policy``, ``ha`` and ``vpc_uuid``. Absent properties take the provider's defaults
(``surge_upgrade`` defaults to true, ``auto_upgrade`` and ``ha`` to false). Values unknown in preview:
a computed ``vpcUuid`` (a ``digitalocean.Vpc``'s id) or maintenance window counts as set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmd_infra.policy.common import (
    Finding,
    PolicySpec,
    Resource,
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


def check_auto_upgrade(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    """Auto-upgrade must be on: DigitalOcean applies patch releases only to clusters that auto-upgrade, and
    a maintenance policy only says *when* (it has no effect without ``auto_upgrade``; Trivy DIG-0008).
    Teams that pin and upgrade by hand set this policy to ``advisory`` in the policy config."""
    if r.type == DOKS_CLUSTER and not is_true(get(r.props, "autoUpgrade")):
        return [
            Finding(
                "autoUpgrade is not true: DigitalOcean never applies patch releases to the cluster (a "
                "maintenancePolicy alone does not upgrade it)"
            )
        ]
    return []


def check_maintenance_window(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    """A maintenance window says when auto-upgrades and DigitalOcean's own maintenance may drain nodes."""
    if r.type != DOKS_CLUSTER:
        return []
    policy = get(r.props, "maintenancePolicy")
    if isinstance(policy, Mapping) and (
        is_set_or_unknown(lambda: as_str(get(policy, "day")))
        or is_set_or_unknown(lambda: as_str(get(policy, "startTime")))
    ):
        return []
    return [
        Finding(
            "maintenancePolicy is not set: upgrades and maintenance drain nodes in a window DigitalOcean chooses, "
            "not one you picked"
        )
    ]


def check_ha_control_plane(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type == DOKS_CLUSTER and not is_true(get(r.props, "ha")):
        return [
            Finding(
                "ha is not true: the control plane has no redundancy, so its failure or maintenance stops the "
                "Kubernetes API"
            )
        ]
    return []


def check_vpc_native(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type == DOKS_CLUSTER and not is_set_or_unknown(lambda: as_str(get(r.props, "vpcUuid"))):
        return [Finding("vpcUuid is not set: the cluster lands in the region's default VPC")]
    return []


# --- the room's policies: each spec beside its check ------------------------------------------------

_DOKS = frozenset({DOKS_CLUSTER})
_DO_CLUSTER_DOCS = "https://docs.digitalocean.com/reference/terraform/reference/resources/kubernetes_cluster/"

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
        "doks-auto-upgrade",
        "DOKS clusters auto-upgrade to new patch releases (teams that upgrade by hand set this policy advisory).",
        check_auto_upgrade,
        _DOKS,
        "mandatory",
        'Set auto_upgrade=True (with a maintenance_policy). Clusters pinned and upgraded by hand: set '
        '"doks-auto-upgrade": "advisory" in the policy config.',
        ("Trivy DIG-0008", _DO_CLUSTER_DOCS),
        "doks",
        severity="high",
    ),
    security_policy(
        "doks-maintenance-window",
        "DOKS clusters set the maintenance window their upgrades run in.",
        check_maintenance_window,
        _DOKS,
        "advisory",
        "Set maintenance_policy with day and start_time.",
        ("Trivy DIG-0008 (recommended action)", _DO_CLUSTER_DOCS),
        "doks",
        severity="low",
    ),
    security_policy(
        "doks-ha-control-plane",
        "DOKS clusters run a highly available control plane.",
        check_ha_control_plane,
        _DOKS,
        "advisory",
        "Set ha=True (it cannot be turned off later).",
        (_DO_CLUSTER_DOCS,),
        "doks",
        severity="medium",
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
