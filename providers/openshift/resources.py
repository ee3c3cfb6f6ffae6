"""How the policy pack reads raw OpenShift resources: MachineSets on AWS and the ClusterVersion.

A ``machine.openshift.io/v1beta1`` ``MachineSet`` is one pool whose machine is the AWS
``providerSpec`` (https://docs.openshift.com/container-platform/latest/machine_management/creating_machinesets/creating-machineset-aws.html);
the ``config.openshift.io/v1`` ``ClusterVersion`` names the OpenShift release, whose Kubernetes
minor comes from the catalog's release table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from llmd_infra import catalog
from llmd_infra.catalog.types import MachineShape
from llmd_infra.policy.common import Deferred, Resource, StackResource, as_mapping, as_str, get
from llmd_infra.policy.pools import Pool
from llmd_infra.policy.resources import LwsInstall, ResourceReader, VersionField
from llmd_infra.providers.openshift.catalog import (
    LWS_OPERATOR_PACKAGE,
    OPENSHIFT_KUBERNETES,
    lws_operator_lws_version,
)
from llmd_infra.requirements import KUBERNETES_VERSION
from llmd_infra.versions import Version

MACHINE_SET = "kubernetes:machine.openshift.io/v1beta1:MachineSet"
CLUSTER_VERSION = "kubernetes:config.openshift.io/v1:ClusterVersion"
OLM_SUBSCRIPTION = "kubernetes:operators.coreos.com/v1alpha1:Subscription"
LWS_OPERATOR = "kubernetes:operator.openshift.io/v1:LeaderWorkerSetOperator"
"""The Leader Worker Set Operator's CR (openshift/lws-operator ``deploy/07_lws-operator.cr.yaml``: named
``cluster``); the operator deploys the LWS controller only once it exists. Its OLM package is
:data:`~llmd_infra.providers.openshift.catalog.LWS_OPERATOR_PACKAGE`."""

_OLDEST_MAPPED = min(OPENSHIFT_KUBERNETES)


# EC2 accelerated instance families and the accelerator each carries, for instance types the catalog does
# not list (https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html; previous generation P2/G3:
# https://docs.aws.amazon.com/ec2/latest/instancetypes/pg.html). Accelerators the accelerator catalog does
# not know (M60, Radeon Pro V520, T4G, Gaudi, Inferentia, Trainium) are named as AWS names them, to be noted.
_INSTANCE_FAMILY_ACCELERATORS: dict[str, str] = {
    "p2": "K80",
    "p3": "V100",
    "p3dn": "V100",
    "p4d": "A100",
    "p4de": "A100",
    "p5": "H100",
    "p5e": "H200",
    "p5en": "H200",
    "p6-b200": "B200",
    "p6-b300": "B300",
    "p6e-gb200": "GB200",
    "g3": "M60",
    "g3s": "M60",
    "g4dn": "T4",
    "g4ad": "Radeon Pro V520",
    "g5": "A10G",
    "g5g": "T4G",
    "g6": "L4",
    "gr6": "L4",
    "g6e": "L40S",
    "dl1": "Gaudi",
    "inf1": "Inferentia",
    "inf2": "Inferentia2",
    "trn1": "Trainium",
    "trn1n": "Trainium",
    "trn2": "Trainium2",
}


def aws_instance_accelerator(instance_type: str | None) -> str | None:
    """The accelerator an EC2 instance family carries (``p3.8xlarge`` -> ``V100``), ``None`` for others."""
    family = (instance_type or "").strip().lower().split(".", 1)[0]
    return _INSTANCE_FAMILY_ACCELERATORS.get(family)


@dataclass
class MachineSetPool(Pool):
    """An OpenShift MachineSet; ``props`` is its AWS ``providerSpec.value``."""

    provider = "openshift"

    def implied_accelerator(self) -> str | None:
        return aws_instance_accelerator(self.machine)

    def placement_problems(self, deferred: Deferred) -> list[str]:
        group = deferred.run(lambda: as_str(get(self.props, "placementGroupName")) or "")
        if group == "":
            return ["its AWS providerSpec has no placementGroupName (use a cluster placement group)"]
        return []

    def interconnect_problem(self, shape: MachineShape) -> str | None:
        # EFA counts only with GPUDirect RDMA, i.e. on instances whose GPUs have a scale-up
        # interconnect (p4d/p5/p6); g5/g6/g6e EFA carries host traffic for PCIe-only GPUs.
        family = catalog.accelerator_family(shape.accelerator) if shape.accelerator else None
        if not shape.rdma.is_rdma_class or family is None or not family.interconnect:
            return (
                f'instance type "{self.machine}" has no RDMA-class GPU interconnect (EFA with GPUDirect RDMA, '
                "as on p4d/p5/p6 instances)"
            )
        interface = as_str(get(self.props, "networkInterfaceType")) or "ENA"
        if interface != "EFA":
            return (
                f'providerSpec.networkInterfaceType is "{interface}"; set "EFA" to use the instance\'s EFA '
                "interconnect"
            )
        return None

    def driver_problem(self, resources: Sequence[StackResource]) -> str | None:
        return "OpenShift installs no GPU driver by itself"


def read_pools(resource_type: str, name: str, props: Mapping[str, Any], deferred: Deferred | None) -> list[Pool]:
    provider_spec = as_mapping(get(props, "spec", "template", "spec", "providerSpec", "value"))
    labels: dict[str, Any] = {}
    labels.update(as_mapping(get(props, "spec", "template", "metadata", "labels")))
    labels.update(as_mapping(get(props, "spec", "template", "spec", "metadata", "labels")))
    return [
        MachineSetPool(
            name=as_str(get(props, "metadata", "name")) or name,
            where="spec.template.spec.providerSpec.value",
            machine=as_str(get(provider_spec, "instanceType")),
            props=provider_spec,
            labels=labels,
        )
    ]


def oldest_openshift_meeting(kubernetes: Version) -> str:
    """The oldest mapped OpenShift release whose Kubernetes is at least ``kubernetes`` (remediation text)."""
    minors = [o for o, k in sorted(OPENSHIFT_KUBERNETES.items()) if Version(1, k) >= kubernetes]
    return f"4.{minors[0]}" if minors else f"4.{max(OPENSHIFT_KUBERNETES)}+"


def openshift_kubernetes(value: str) -> tuple[Version, bool] | None:
    """Kubernetes version of an OpenShift version or channel; ``(v, True)`` when the OpenShift minor
    is older than the mapped ones (its Kubernetes is older than ``v``); ``None`` when not judged."""
    match = re.search(r"(\d+)\.(\d+)", value)
    if not match or int(match.group(1)) != 4:
        return None
    minor = int(match.group(2))
    if minor < _OLDEST_MAPPED:
        return Version(1, OPENSHIFT_KUBERNETES[_OLDEST_MAPPED]), True
    kube_minor = OPENSHIFT_KUBERNETES.get(minor)
    return (Version(1, kube_minor), False) if kube_minor is not None else None


def _judge_openshift(path: str, value: str, minimum: Version, minimum_text: str) -> str | None:
    judged = openshift_kubernetes(value)
    if judged is None:
        return None
    kube, older = judged
    if not ((older and kube <= minimum) or kube < minimum):
        return None
    shown = (
        f"OpenShift older than 4.{_OLDEST_MAPPED} (Kubernetes {kube.minor_str()}), so"
        if older
        else f"Kubernetes {kube.minor_str()},"
    )
    return f'{path} "{value}" is {shown} older than {minimum_text}; llm-d needs Kubernetes {minimum_text} or newer'


def _spec_str(props: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    return as_str(get(props, "spec", *keys))


def read_versions(r: Resource) -> list[VersionField]:
    """``spec.desiredUpdate.version`` and ``spec.channel`` of the ClusterVersion, as Kubernetes versions."""
    return [
        VersionField(path, partial(_spec_str, r.props, keys), _judge_openshift)
        for path, keys in (("spec.desiredUpdate.version", ("desiredUpdate", "version")), ("spec.channel", ("channel",)))
    ]


def _is_lws_subscription(props: Mapping[str, Any]) -> bool:
    return as_str(get(props, "spec", "name")) == LWS_OPERATOR_PACKAGE


def lws_installs(resource_type: str, props: Mapping[str, Any]) -> list[LwsInstall] | None:
    """The Leader Worker Set Operator as an LWS install: its OLM subscription, and its CR.

    The subscription's LWS version is the upstream release its operator line runs (the catalog's
    :data:`~llmd_infra.providers.openshift.catalog.LWS_OPERATOR_UPSTREAM`, read from ``startingCSV`` or a
    ``stable-vX.Y`` channel); an operator line the table does not know is noted, not judged.
    """
    if resource_type == LWS_OPERATOR:
        return [LwsInstall("LeaderWorkerSetOperator CR", None)]
    if resource_type != OLM_SUBSCRIPTION or not _is_lws_subscription(props):
        return None
    csv = as_str(get(props, "spec", "startingCSV"))
    channel = as_str(get(props, "spec", "channel"))
    release = f"startingCSV {csv}" if csv else (f'channel "{channel}"' if channel else "the default channel")
    where = f'OLM Subscription "{LWS_OPERATOR_PACKAGE}" (Leader Worker Set Operator, {release})'
    version = lws_operator_lws_version(channel, csv)
    if version is not None:
        return [LwsInstall(f"{where}: upstream LWS", version)]
    return [
        LwsInstall(
            where,
            None,
            "no public source known to the catalog maps this operator release to the LeaderWorkerSet release it "
            "ships, so the LWS version is not judged",
        )
    ]


def lws_gaps(resources: Sequence[StackResource]) -> list[str]:
    """A subscription to the operator without its CR runs no LWS controller."""
    subscribed = any(r.type == OLM_SUBSCRIPTION and _is_lws_subscription(r.props) for r in resources)
    if subscribed and not any(r.type == LWS_OPERATOR for r in resources):
        return [
            f'it subscribes to the Leader Worker Set Operator ("{LWS_OPERATOR_PACKAGE}") but creates no '
            "LeaderWorkerSetOperator CR (operator.openshift.io/v1, named \"cluster\"), so no LWS controller runs"
        ]
    return []


READER = ResourceReader(
    provider="openshift",
    pool_types=frozenset({MACHINE_SET}),
    pools=read_pools,
    version_types=frozenset({CLUSTER_VERSION}),
    versions=read_versions,
    lws_types=frozenset({OLM_SUBSCRIPTION, LWS_OPERATOR}),
    lws_installs=lws_installs,
    lws_gaps=lws_gaps,
    remediation={
        "kubernetes-version": f"OpenShift: {oldest_openshift_meeting(KUBERNETES_VERSION.min_version())} or newer",
        "multi-host-placement": "AWS: a placementGroupName in the MachineSet's providerSpec",
        "accelerator-interconnect": "AWS: EFA instances with networkInterfaceType EFA",
        "gpu-driver-path": "OpenShift: install the NVIDIA GPU Operator through OLM",
    },
)
