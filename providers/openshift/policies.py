"""OpenShift-on-AWS security policies on raw ``MachineSet``s: the EC2 settings of every worker they create.

No peer scanner reads a MachineSet, so these rules port the EC2 instance rules of Checkov and Trivy
to the AWS ``providerSpec`` a MachineSet carries (``spec.template.spec.providerSpec.value``,
``AWSMachineProviderConfig`` of openshift/api ``machine/v1beta1/types_awsprovider.go``):

* ``metadataServiceOptions.authentication``: ``Required`` enforces IMDSv2 (session tokens);
  ``Optional`` — or the field absent, which leaves AWS's defaults — allows IMDSv1, whose credentials
  a pod can read through any server-side request forgery on a GPU worker.
* ``blockDevices[].ebs.encrypted``: ``false`` is an unencrypted volume; absent, the volume is
  encrypted only if the account's "EBS encryption by default" is on, which a program cannot see.
* ``publicIp``: ``true`` gives every worker a public address.

Values unknown in preview: each MachineSet and each block device is judged on its own
(:class:`~llmd_infra.policy.common.Deferred`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from llmd_infra.policy.common import (
    Deferred,
    Finding,
    PolicySpec,
    Resource,
    as_list,
    as_mapping,
    as_str,
    get,
    is_false,
    is_true,
    security_policy,
)
from llmd_infra.providers.openshift.resources import MACHINE_SET

PROVIDER_SPEC = ("spec", "template", "spec", "providerSpec", "value")
_WHERE = "spec.template.spec.providerSpec.value"


def provider_spec(r: Resource) -> Mapping[str, Any]:
    return as_mapping(get(r.props, *PROVIDER_SPEC))


def check_imdsv2(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type != MACHINE_SET:
        return []
    mode = as_str(get(provider_spec(r), "metadataServiceOptions", "authentication"))
    if mode == "Required":
        return []
    shown = f'is "{mode}"' if mode else "is not set (AWS's defaults may allow IMDSv1)"
    return [
        Finding(
            f"{_WHERE}.metadataServiceOptions.authentication {shown}, not \"Required\": a pod that can make the "
            "node send a request reads the instance role's credentials from the metadata service without a "
            "session token (IMDSv1)"
        )
    ]


def _ebs_encrypted(devices: list[Any], index: int) -> Any:
    ebs = get(devices[index], "ebs")
    return get(ebs, "encrypted") if isinstance(ebs, Mapping) else True  # not an EBS device: nothing to encrypt


def _block_devices(r: Resource, deferred: Deferred) -> list[tuple[int, Any]]:
    """``(index, encrypted)`` of each block device (unknown ones left out, the error kept)."""
    devices = deferred.run(lambda: as_list(get(provider_spec(r), "blockDevices"))) or []
    values = [(i, deferred.run(partial(_ebs_encrypted, devices, i))) for i in range(len(devices))]
    return [(i, value) for i, value in values if not (value is None and deferred.unknown is not None)]


def check_ebs_encrypted(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    """Mandatory: no volume explicitly unencrypted."""
    if r.type != MACHINE_SET:
        return []
    deferred = Deferred()
    findings = [
        Finding(f"{_WHERE}.blockDevices[{i}].ebs.encrypted is false: the worker's volume is stored unencrypted")
        for i, encrypted in _block_devices(r, deferred)
        if is_false(encrypted)
    ]
    return deferred.finish(findings)


def check_ebs_encryption_explicit(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    """Advisory: every EBS volume says ``encrypted: true`` (absent, the account default decides)."""
    if r.type != MACHINE_SET:
        return []
    deferred = Deferred()
    devices = _block_devices(r, deferred)
    if not devices and deferred.unknown is None:
        return [
            Finding(
                f"{_WHERE}.blockDevices is not set: the root volume is encrypted only if the AWS account "
                "encrypts new EBS volumes by default"
            )
        ]
    findings = [
        Finding(
            f"{_WHERE}.blockDevices[{i}].ebs.encrypted is not set: the volume is encrypted only if the AWS account "
            "encrypts new EBS volumes by default"
        )
        for i, encrypted in devices
        if encrypted is None
    ]
    return deferred.finish(findings)


def check_no_public_ip(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type == MACHINE_SET and is_true(get(provider_spec(r), "publicIp")):
        return [Finding(f"{_WHERE}.publicIp is true: every worker this MachineSet creates gets a public IP address")]
    return []


# --- the room's policies: each spec beside its check ------------------------------------------------

_MACHINE_SETS = frozenset({MACHINE_SET})

POLICIES: tuple[PolicySpec, ...] = (
    security_policy(
        "openshift-machineset-imdsv2",
        "OpenShift MachineSets on AWS require IMDSv2 (metadata session tokens) on their workers.",
        check_imdsv2,
        _MACHINE_SETS,
        "mandatory",
        'Set providerSpec.value.metadataServiceOptions.authentication: "Required" in every MachineSet.',
        ("CKV_AWS_79", "Trivy AWS-0028", "Trivy AWS-0130"),
        "openshift",
    ),
    security_policy(
        "openshift-machineset-ebs-encrypted",
        "OpenShift MachineSets on AWS encrypt their EBS volumes (none sets encrypted: false).",
        check_ebs_encrypted,
        _MACHINE_SETS,
        "mandatory",
        "Set providerSpec.value.blockDevices[].ebs.encrypted: true (optionally with a kmsKey).",
        ("CKV_AWS_8", "Trivy AWS-0131", "Trivy AWS-0008"),
        "openshift",
    ),
    security_policy(
        "openshift-machineset-ebs-encryption-explicit",
        "OpenShift MachineSets on AWS say that their EBS volumes are encrypted, instead of leaving it to the "
        "account default.",
        check_ebs_encryption_explicit,
        _MACHINE_SETS,
        "advisory",
        "Give every MachineSet blockDevices with ebs.encrypted: true (the installer's own MachineSets do).",
        ("CKV_AWS_8", "Trivy AWS-0131"),
        "openshift",
        severity="medium",
    ),
    security_policy(
        "openshift-machineset-no-public-ip",
        "OpenShift MachineSets on AWS give their workers no public IP address.",
        check_no_public_ip,
        _MACHINE_SETS,
        "mandatory",
        "Remove providerSpec.value.publicIp: true; reach the internet through a NAT gateway.",
        ("CKV_AWS_88", "Trivy AWS-0009"),
        "openshift",
    ),
)
