"""GKE node pools: the CPU system pool and accelerator (GPU/TPU) pools."""

from __future__ import annotations

import math
from typing import Any

import pulumi

from llmd_infra.contract import MULTI_HOST_LABEL, AcceleratorPoolSummary
from llmd_infra.providers.gke.config import GPU_TAINT_KEY, TPU_TAINT_KEY, AcceleratorPoolConfig, GkeClusterConfig
from llmd_infra.providers.gke.network import RdmaNetwork
from llmd_infra.providers.gke.sdk import gcp

OAUTH_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
"""Access is governed by the node service account's IAM roles, as GKE recommends."""
IMAGE_TYPE = "COS_CONTAINERD"
"""Container-Optimized OS: CIS GKE 5.5.1; required for GPUDirect-RDMA
(https://docs.cloud.google.com/ai-hypercomputer/docs/create/gke-ai-hypercompute)."""

GPU_TAINT = (GPU_TAINT_KEY, "present")
TPU_TAINT = (TPU_TAINT_KEY, "present")

DRANET_NIC_LABEL = "cloud.google.com/gke-networking-dra-driver"
"""Schedules GKE's networking DRA driver (DRANET) on the pool: the one label every managed-DRANET pool gets
(GoogleCloudPlatform/cluster-toolkit modules/compute/gke-node-pool/main.tf @1047080)."""

DRANET_LABELS = {
    # llm-d's GKE DRA + managed DRANET node pool (llm-d/llm-d docs/infrastructure/providers/gke/README.md
    # @65f37a7, https://github.com/llm-d/llm-d/blob/main/docs/infrastructure/providers/gke/README.md): the
    # --node-labels of its gcloud command, verbatim (goog-gke-accelerator-type is added per machine below).
    # These are opt-in labels GKE's own DRA/DRANET setup pages ask users to put on a pool
    # (gke-no-default-nvidia-gpu-device-plugin turns GKE's device plugin off; the DRANET label schedules
    # GKE's networking-dra-driver DaemonSet), so GKE accepts them as user labels even though it otherwise sets
    # cloud.google.com/gke-* labels itself; no other key of that prefix is set here.
    DRANET_NIC_LABEL: "true",
    "nvidia.com/gpu.present": "true",
    "cloud.google.com/gke-nvidia-gpu-dra-driver": "true",
    "gke-no-default-nvidia-gpu-device-plugin": "true",
}
DRANET_ACCELERATOR_LABEL = "goog-gke-accelerator-type"

_EFFECTS = {"NoSchedule": "NO_SCHEDULE", "PreferNoSchedule": "PREFER_NO_SCHEDULE", "NoExecute": "NO_EXECUTE"}
_DRIVER_VERSIONS = {"default": "DEFAULT", "latest": "LATEST", "disabled": "INSTALLATION_DISABLED"}

NODE_COUNT_FIELDS = ["nodeCount", "initialNodeCount"]
LOCAL_SSD_FIELD = "nodeConfig.ephemeralStorageLocalSsdConfig"
"""GKE reads the machine type's local SSD count back (a pool asks for 0 = "the machine's own" on A4X), so
the field is kept as created rather than diffed into a replacement (cluster-toolkit gke-node-pool/main.tf
@1047080 ignores it the same way: "tied to machine types")."""


def secure_node_config(
    machine_type: str,
    service_account: pulumi.Input[str],
    disk_size_gb: int,
    disk_type: str,
    labels: dict[str, str],
    resource_labels: dict[str, str],
) -> gcp.container.NodePoolNodeConfigArgs:
    """The node settings every pool shares: COS, shielded VM, GKE metadata server, dedicated SA."""
    return gcp.container.NodePoolNodeConfigArgs(
        machine_type=machine_type,
        image_type=IMAGE_TYPE,
        disk_size_gb=disk_size_gb,
        disk_type=disk_type,
        service_account=service_account,
        oauth_scopes=OAUTH_SCOPES,
        labels=labels,
        resource_labels=resource_labels,
        shielded_instance_config=gcp.container.NodePoolNodeConfigShieldedInstanceConfigArgs(
            enable_secure_boot=True, enable_integrity_monitoring=True
        ),
        workload_metadata_config=gcp.container.NodePoolNodeConfigWorkloadMetadataConfigArgs(mode="GKE_METADATA"),
        metadata={"disable-legacy-endpoints": "true"},
    )


def _sizing(lo: int, hi: int, zones: int, autoscaled: bool, *, location_policy: str) -> dict[str, Any]:
    """Node-count arguments of a pool of ``lo``..``hi`` nodes in total over ``zones`` zones.

    A fixed pool sets ``node_count`` (per zone); an autoscaled one sets the totals, starts at
    ``initial_node_count`` per zone and ignores the autoscaler's node-count drift.
    """
    if not autoscaled:
        return {"node_count": lo // zones}
    return {
        "initial_node_count": math.ceil(lo / zones),
        "autoscaling": gcp.container.NodePoolAutoscalingArgs(
            total_min_node_count=lo, total_max_node_count=hi, location_policy=location_policy
        ),
        "ignore_node_count_changes": True,
    }


class SystemPool(pulumi.ComponentResource):
    """The CPU pool llm-d's router/EPP and every add-on run on (what add-ons wait for)."""

    def __init__(
        self,
        name: str,
        config: GkeClusterConfig,
        cluster: gcp.container.Cluster,
        service_account: pulumi.Input[str],
        project: pulumi.Input[str] | None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        sp = config.system_pool
        zones = config.system_zones()
        lo, hi = sp.node_range(len(zones))
        autoscaled = sp.autoscaling is not None
        super().__init__(
            "llmd-infra:gke:SystemPool",
            name,
            {"machineType": sp.machine_type, "minNodes": lo, "maxNodes": hi, "zones": zones},
            opts,
        )
        node_config = secure_node_config(
            sp.machine_type, service_account, sp.disk_size_gb, "pd-balanced", {"llm-d.ai/role": "system"},
            dict(config.labels),
        )
        self.node_pool = gcp.container.NodePool(
            f"{name}-nodes",
            gcp.container.NodePoolArgs(
                name="system",
                cluster=cluster.id,
                location=config.region,
                project=project,
                node_locations=zones,
                **_sizing(lo, hi, len(zones), autoscaled, location_policy="BALANCED"),
                management=gcp.container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True),
                upgrade_settings=gcp.container.NodePoolUpgradeSettingsArgs(
                    strategy="SURGE", max_surge=1, max_unavailable=0
                ),
                node_config=node_config,
            ),
            # A fixed GKE pool name: create-before-delete would fail with "already exists".
            opts=pulumi.ResourceOptions(
                parent=self,
                delete_before_replace=True,
                ignore_changes=NODE_COUNT_FIELDS if autoscaled else None,
            ),
        )
        self.register_outputs({"nodePoolName": self.node_pool.name})


class AcceleratorPool(pulumi.ComponentResource):
    """One GPU or TPU node pool (and the workload policy of a multi-host TPU7x slice)."""

    summary: AcceleratorPoolSummary

    def __init__(
        self,
        name: str,
        pool: AcceleratorPoolConfig,
        config: GkeClusterConfig,
        cluster: gcp.container.Cluster,
        service_account: pulumi.Input[str],
        project: pulumi.Input[str] | None,
        rdma_network: RdmaNetwork | None,
        protect: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        m = pool.machine()
        zones = config.pool_zones(pool)
        lo, hi = pool.node_range()
        autoscaled = pool.autoscaling is not None
        multi_host = pool.is_multi_host()
        self.summary = AcceleratorPoolSummary(
            name=pool.name,
            machineType=m.name,
            accelerator=m.accelerator or "",
            acceleratorsPerNode=m.accelerator_count,
            minNodes=lo,
            maxNodes=hi,
            autoscaling=autoscaled,
            multiHost=multi_host,
            interconnect=pool.interconnect().value,
            zones=zones,
        )
        super().__init__(
            "llmd-infra:gke:AcceleratorPool",
            name,
            {**self.summary, "rdma": pool.rdma, "tpuTopology": pool.topology() if m.is_tpu else None},
            opts,
        )
        child = pulumi.ResourceOptions(parent=self)

        labels: dict[str, str] = {"llm-d.ai/pool": pool.name}
        if multi_host:
            labels[MULTI_HOST_LABEL] = "true"
        if pool.dra_gpus():
            labels.update(DRANET_LABELS)
            labels[DRANET_ACCELERATOR_LABEL] = m.gke_accelerator or ""
        elif pool.rdma == "dranet":
            # A4X: DRANET for the NICs only; GKE's driver and device plugin serve nvidia.com/gpu.
            labels[DRANET_NIC_LABEL] = "true"
        labels.update(pool.labels)

        taint_key, taint_value = TPU_TAINT if m.is_tpu else GPU_TAINT
        taints = [gcp.container.NodePoolNodeConfigTaintArgs(key=taint_key, value=taint_value, effect="NO_SCHEDULE")]
        taints += [
            gcp.container.NodePoolNodeConfigTaintArgs(key=t.key, value=t.value, effect=_EFFECTS[t.effect])
            for t in pool.taints
        ]

        node_config = secure_node_config(
            m.name, service_account, pool.boot_disk_gb(), pool.boot_disk_type(), labels, dict(config.labels)
        )
        node_config.taints = taints
        if not m.is_tpu:
            driver = pool.driver()
            assert driver is not None
            node_config.guest_accelerators = [
                gcp.container.NodePoolNodeConfigGuestAcceleratorArgs(
                    type=m.gke_accelerator or "",
                    count=m.accelerator_count,
                    gpu_driver_installation_config=(
                        gcp.container.NodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfigArgs(
                            gpu_driver_version=_DRIVER_VERSIONS[driver]
                        )
                    ),
                )
            ]
        if pool.rdma != "none":
            node_config.gvnic = gcp.container.NodePoolNodeConfigGvnicArgs(enabled=True)
        local_ssds = pool.ephemeral_local_ssds()
        if local_ssds is not None:
            # The machine's local NVMe SSDs back ephemeral storage, as the A3 Ultra / A4 / A4X blueprints
            # set it; llm-d's wide-EP GKE overlay caches under /mnt/stateful_partition/kube-ephemeral-ssd
            # (llm-d/llm-d guides/wide-ep-lws/modelserver/gpu/vllm/gke/kustomization.yaml @ae2ec29).
            node_config.ephemeral_storage_local_ssd_config = (
                gcp.container.NodePoolNodeConfigEphemeralStorageLocalSsdConfigArgs(local_ssd_count=local_ssds)
            )
        if pool.spot:
            node_config.spot = True
        if pool.flex_start:
            node_config.flex_start = True
        if pool.reservation is not None:
            node_config.reservation_affinity = gcp.container.NodePoolNodeConfigReservationAffinityArgs(
                consume_reservation_type="SPECIFIC_RESERVATION",
                key="compute.googleapis.com/reservation-name",
                values=pool.reservation.values(),
            )
        elif pool.spot or pool.flex_start:
            node_config.reservation_affinity = gcp.container.NodePoolNodeConfigReservationAffinityArgs(
                consume_reservation_type="NO_RESERVATION"
            )

        network_config: gcp.container.NodePoolNetworkConfigArgs | None = None
        if pool.rdma == "dranet":
            network_config = gcp.container.NodePoolNetworkConfigArgs(accelerator_network_profile="auto")
        elif pool.rdma == "multi-network":
            assert rdma_network is not None
            network_config = gcp.container.NodePoolNetworkConfigArgs(
                additional_node_network_configs=rdma_network.node_network_configs()
            )

        self.workload_policy: gcp.compute.ResourcePolicy | None = None
        placement: gcp.container.NodePoolPlacementPolicyArgs | None = None
        if pool.needs_workload_policy():
            self.workload_policy = gcp.compute.ResourcePolicy(
                f"{name}-workload-policy",
                gcp.compute.ResourcePolicyArgs(
                    name=config.workload_policy_name(pool),
                    project=project,
                    region=config.region,
                    workload_policy=gcp.compute.ResourcePolicyWorkloadPolicyArgs(
                        type="HIGH_THROUGHPUT", accelerator_topology=pool.topology()
                    ),
                ),
                opts=child,
            )
            placement = gcp.container.NodePoolPlacementPolicyArgs(
                type="COMPACT", policy_name=self.workload_policy.name
            )
        elif m.is_tpu and multi_host:
            placement = gcp.container.NodePoolPlacementPolicyArgs(type="COMPACT", tpu_topology=pool.topology())
        elif pool.compact():
            placement = gcp.container.NodePoolPlacementPolicyArgs(type="COMPACT")

        self.node_pool = gcp.container.NodePool(
            f"{name}-nodes",
            gcp.container.NodePoolArgs(
                name=pool.name,
                cluster=cluster.id,
                location=config.region,
                project=project,
                node_locations=zones,
                **_sizing(lo, hi, len(zones), autoscaled, location_policy="ANY"),
                # Flex-start nodes are not repaired: GKE refuses auto-repair on them (cluster-toolkit
                # gke-node-pool/main.tf @1047080: "enable_flex_start needs node auto_repair set to false").
                management=gcp.container.NodePoolManagementArgs(auto_repair=not pool.flex_start, auto_upgrade=True),
                # Scarce capacity: never surge extra accelerator VMs during upgrades; surge VMs "are subject to
                # the resource quota of your project, resource availability, and reservation capacity"
                # (https://cloud.google.com/kubernetes-engine/docs/how-to/node-upgrades-quota).
                upgrade_settings=gcp.container.NodePoolUpgradeSettingsArgs(
                    strategy="SURGE", max_surge=0, max_unavailable=1
                ),
                queued_provisioning=None,
                placement_policy=placement,
                network_config=network_config,
                node_config=node_config,
            ),
            # delete_before_replace: the pool has a fixed GKE name, so create-before-delete could never
            # succeed, and it would also need a second pool's worth of scarce accelerator quota or
            # reservation ("May be necessary for resources that manage scarce resources",
            # https://www.pulumi.com/docs/iac/concepts/options/deletebeforereplace/). The price is downtime: a
            # replacement removes every node of the pool before the new ones come up. protect makes any
            # replacement an explicit step.
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=protect,
                delete_before_replace=True,
                ignore_changes=[
                    *(NODE_COUNT_FIELDS if autoscaled else []),
                    *([LOCAL_SSD_FIELD] if local_ssds is not None else []),
                ]
                or None,
            ),
        )
        self.register_outputs({"nodePoolName": self.node_pool.name, "summary": dict(self.summary)})
