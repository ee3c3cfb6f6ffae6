"""GPU ``MachineSet`` s of a self-managed OpenShift cluster on AWS, with their autoscaler and placement group.

A ``machine.openshift.io/v1beta1`` MachineSet clones the installer's compute MachineSets
(https://docs.openshift.com/container-platform/latest/machine_management/creating_machinesets/creating-machineset-aws.html,
openshift/openshift-docs ``modules/machineset-yaml-aws.adoc``): ``<infrastructureId>-<pool>-<zone>`` in
``openshift-machine-api``, the worker role and user data, the workers' IAM instance profile. Every
providerSpec value is plain config (no lookups), so the whole object is known in preview and the
policy pack judges it there. On top of the installer's template it is hardened: an encrypted gp3
root volume, IMDSv2 required (``metadataServiceOptions.authentication: Required``,
``modules/machineset-imds-options.adoc``), no public IP, the ``nvidia.com/gpu`` NoSchedule taint.

Multi-host pools get an EC2 ``cluster`` placement group (pulumi_aws) named in
``placementGroupName`` and ``networkInterfaceType: EFA``
(``modules/machineset-aws-existing-placement-group.adoc``). The Machine API attaches one network
interface per machine (openshift/api#1065: "We only support a single network interface within Machine
API"), so only the primary interface becomes an EFA — see README.md for what that means for bandwidth.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from llmd_infra.catalog.types import RdmaKind
from llmd_infra.contract import MULTI_HOST_LABEL, AcceleratorPoolSummary
from llmd_infra.providers.openshift.config import AcceleratorPoolConfig, AwsConfig, OpenShiftClusterConfig

MACHINE_API_NAMESPACE = "openshift-machine-api"
MACHINE_API_VERSION = "machine.openshift.io/v1beta1"
AUTOSCALER_API_VERSION = "autoscaling.openshift.io/v1beta1"
ROLE = "worker"
"""GPU machines join as workers: the worker MachineConfigPool configures them (``worker-user-data``)."""
CREDENTIALS_SECRET = "aws-cloud-credentials"
USER_DATA_SECRET = "worker-user-data"
GPU_TAINT = ("nvidia.com/gpu", "present")
EFA_LABEL = "llm-d.ai/efa"
"""Nodes whose primary interface is an EFA: where the EFA device plugin runs."""
MANAGED_BY = {"managed-by": "llmd-infra"}

_CLUSTER = "machine.openshift.io/cluster-api-cluster"
_MACHINE_SET = "machine.openshift.io/cluster-api-machineset"


def provider_spec(
    config: OpenShiftClusterConfig, pool: AcceleratorPoolConfig, placement_group: str | None
) -> dict[str, Any]:
    """The ``AWSMachineProviderConfig`` (openshift/api ``machine/v1beta1/types_awsprovider.go``)."""
    aws_cfg = config.aws
    assert aws_cfg is not None
    zone = config.pool_zone(pool)
    ebs: dict[str, Any] = {"volumeSize": pool.root_volume_gib(), "volumeType": "gp3", "encrypted": True}
    if pool.root_volume.iops is not None:
        ebs["iops"] = pool.root_volume.iops
    if pool.root_volume.throughput_mib is not None:
        ebs["throughputMib"] = pool.root_volume.throughput_mib
    if aws_cfg.kms_key_arn:
        ebs["kmsKey"] = {"arn": aws_cfg.kms_key_arn}
    spec: dict[str, Any] = {
        "apiVersion": MACHINE_API_VERSION,
        "kind": "AWSMachineProviderConfig",
        "ami": {"id": aws_cfg.ami_id},
        "instanceType": pool.instance().name,
        "deviceIndex": 0,
        "placement": {"region": aws_cfg.region, "availabilityZone": zone},
        "subnet": {"id": aws_cfg.subnets[zone]},
        "securityGroups": [{"id": group} for group in aws_cfg.security_group_ids],
        "iamInstanceProfile": {"id": aws_cfg.instance_profile()},
        "credentialsSecret": {"name": CREDENTIALS_SECRET},
        "userDataSecret": {"name": USER_DATA_SECRET},
        "blockDevices": [{"ebs": ebs}],
        "metadataServiceOptions": {"authentication": "Required"},
        "publicIp": False,
        "networkInterfaceType": "EFA" if pool.uses_efa() else "ENA",
        "tags": _tags(aws_cfg),
    }
    if placement_group is not None:
        spec["placementGroupName"] = placement_group
    if pool.spot:
        spec["spotMarketOptions"] = {"maxPrice": pool.spot_max_price} if pool.spot_max_price else {}
    if pool.capacity_reservation_id:
        spec["capacityReservationId"] = pool.capacity_reservation_id
    return spec


def _tags(aws_cfg: AwsConfig) -> list[dict[str, str]]:
    # kubernetes.io/cluster/<id>: owned is what the installer's MachineSets carry: the cluster's cloud
    # integrations (and `openshift-install destroy cluster`) find the machines by it.
    tags = {f"kubernetes.io/cluster/{aws_cfg.infrastructure_id}": "owned", **MANAGED_BY, **aws_cfg.tags}
    return [{"name": key, "value": value} for key, value in tags.items()]


def node_labels(pool: AcceleratorPoolConfig) -> dict[str, str]:
    labels = {
        f"node-role.kubernetes.io/{ROLE}": "",
        "llm-d.ai/pool": pool.name,
        "cluster-api/accelerator": pool.accelerator_label(),
    }
    if pool.multi_host:
        labels[MULTI_HOST_LABEL] = "true"
    if pool.uses_efa():
        labels[EFA_LABEL] = "true"
    labels.update(pool.labels)
    return labels


def node_taints(pool: AcceleratorPoolConfig) -> list[dict[str, str]]:
    key, value = GPU_TAINT
    return [
        {"key": key, "value": value, "effect": "NoSchedule"},
        *({"key": t.key, "value": t.value, "effect": t.effect} for t in pool.taints),
    ]


def machine_set_spec(
    config: OpenShiftClusterConfig, pool: AcceleratorPoolConfig, placement_group: str | None
) -> dict[str, Any]:
    """The MachineSet ``spec``: the selector matches the template labels (the machine-api webhook checks it)."""
    assert config.aws is not None
    name = config.machine_set_name(pool)
    infra = config.aws.infrastructure_id
    selector = {_CLUSTER: infra, _MACHINE_SET: name}
    return {
        "replicas": pool.node_range()[0],
        "selector": {"matchLabels": selector},
        "template": {
            "metadata": {
                "labels": {
                    _CLUSTER: infra,
                    "machine.openshift.io/cluster-api-machine-role": ROLE,
                    "machine.openshift.io/cluster-api-machine-type": ROLE,
                    _MACHINE_SET: name,
                }
            },
            "spec": {
                "metadata": {"labels": node_labels(pool)},
                "taints": node_taints(pool),
                "providerSpec": {"value": provider_spec(config, pool, placement_group)},
            },
        },
    }


def machine_autoscaler_spec(machine_set: str, min_nodes: int, max_nodes: int) -> dict[str, Any]:
    """``MachineAutoscaler`` (``autoscaling.openshift.io/v1beta1``): scales ``machine_set`` within bounds."""
    return {
        "minReplicas": min_nodes,
        "maxReplicas": max_nodes,
        "scaleTargetRef": {"apiVersion": MACHINE_API_VERSION, "kind": "MachineSet", "name": machine_set},
    }


def pool_summary(config: OpenShiftClusterConfig, pool: AcceleratorPoolConfig) -> AcceleratorPoolSummary:
    row = pool.instance()
    lo, hi = pool.node_range()
    return AcceleratorPoolSummary(
        name=pool.name,
        machineType=row.name,
        accelerator=row.accelerator or "",
        acceleratorsPerNode=row.accelerator_count,
        minNodes=lo,
        maxNodes=hi,
        autoscaling=pool.autoscaling is not None,
        multiHost=pool.multi_host,
        interconnect=(RdmaKind.EFA if pool.uses_efa() else RdmaKind.NONE).value,
        zones=[config.pool_zone(pool)],
    )


class AcceleratorMachineSet(pulumi.ComponentResource):
    """One GPU MachineSet, its MachineAutoscaler (autoscaled pools) and its placement group (multi-host)."""

    summary: AcceleratorPoolSummary
    machine_set_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        pool: AcceleratorPoolConfig,
        config: OpenShiftClusterConfig,
        *,
        k8s_provider: k8s.Provider,
        protect: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        assert config.aws is not None
        self.summary = pool_summary(config, pool)
        ms_name = config.machine_set_name(pool)
        super().__init__(
            "llmd-infra:openshift:AcceleratorMachineSet",
            name,
            {**self.summary, "machineSetName": ms_name, "efa": pool.uses_efa()},
            opts,
        )

        self.placement_group: aws.ec2.PlacementGroup | None = None
        group_name: str | None = None
        if pool.uses_placement_group():
            group_name = config.placement_group_name(pool)
            # A cluster placement group: one low-latency network segment in one zone
            # (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/placement-strategies.html#placement-groups-cluster).
            # Named plainly so the MachineSet names it in preview; created in the cluster's region.
            self.placement_group = aws.ec2.PlacementGroup(
                f"{name}-placement-group",
                aws.ec2.PlacementGroupArgs(
                    name=group_name,
                    strategy="cluster",
                    region=config.aws.region,
                    tags={**MANAGED_BY, "llm-d.ai/cluster": config.aws.infrastructure_id, **config.aws.tags},
                ),
                opts=pulumi.ResourceOptions(parent=self, protect=protect),
            )

        lo, hi = pool.node_range()
        autoscaled = pool.autoscaling is not None
        self.machine_set = k8s.apiextensions.CustomResource(
            f"{name}-machineset",
            api_version=MACHINE_API_VERSION,
            kind="MachineSet",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=ms_name,
                namespace=MACHINE_API_NAMESPACE,
                labels={_CLUSTER: config.aws.infrastructure_id, "llm-d.ai/pool": pool.name},
            ),
            spec=machine_set_spec(config, pool, group_name),
            # protect: deleting the MachineSet deletes its machines. delete_before_replace: the name is
            # fixed, so create-before-delete could never succeed (and would need a second pool of GPUs).
            # An autoscaled MachineSet's replicas belong to the cluster autoscaler.
            opts=pulumi.ResourceOptions(
                parent=self,
                provider=k8s_provider,
                protect=protect,
                delete_before_replace=True,
                depends_on=[self.placement_group] if self.placement_group is not None else None,
                ignore_changes=["spec.replicas"] if autoscaled else None,
            ),
        )
        self.autoscaler: k8s.apiextensions.CustomResource | None = None
        if autoscaled:
            self.autoscaler = k8s.apiextensions.CustomResource(
                f"{name}-autoscaler",
                api_version=AUTOSCALER_API_VERSION,
                kind="MachineAutoscaler",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=ms_name, namespace=MACHINE_API_NAMESPACE),
                spec=machine_autoscaler_spec(ms_name, lo, hi),
                # A part of the MachineSet (it scales that one object), so its child: whatever waits for
                # the pool waits for it, and nothing else does.
                opts=pulumi.ResourceOptions(
                    parent=self.machine_set, provider=k8s_provider, depends_on=[self.machine_set]
                ),
            )
        self.machine_set_name = pulumi.Output.from_input(ms_name)
        self.register_outputs({"machineSetName": self.machine_set_name, "summary": dict(self.summary)})
