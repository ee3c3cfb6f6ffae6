"""GKE policy refinements from the GKE review (issue 9): raw programs, exact verdicts.

* ``gke-auto-repair`` leaves flex-start pools alone: GKE requires auto-repair off on them.
* ``gke-gpu-driver-latest`` advises against GKE's ``LATEST`` GPU driver, which can be a branch at or above
  the ``gpu-driver-version`` requirement's bound (read from the record here too, never written out).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_gcp as gcp

from llmd_infra.plan.analyze import analyze_plan
from llmd_infra.plan.engine import run_callable
from llmd_infra.policy.pack import BY_NAME
from llmd_infra.requirements import GPU_DRIVER_VERSION
from tests.raw_verdicts import gke_cluster as cluster
from tests.raw_verdicts import verdicts

GKE = gcp.container
PROTECT = pulumi.ResourceOptions(protect=True)
CANT = "can't run policy '{}' from policy pack 'llmd-infra@v0.0.1' during preview: {} value at .{} can't be known during preview"  # noqa: E501


# --- gke-auto-repair: flex-start pools are exempt ------------------------------------------------------


def flex_pool(name: str, cluster_name: Any, *, flex: Any, repair: Any) -> Any:
    return GKE.NodePool(
        name,
        cluster=cluster_name,
        autoscaling=GKE.NodePoolAutoscalingArgs(total_min_node_count=0, total_max_node_count=2),
        management=GKE.NodePoolManagementArgs(auto_repair=repair),
        node_config=GKE.NodePoolNodeConfigArgs(machine_type="a4-highgpu-8g", flex_start=flex),
    )


def test_auto_repair_off_is_advised_against_except_on_flex_start_pools() -> None:
    def program() -> None:
        c = cluster()
        flex_pool("flex-no-repair", c.name, flex=True, repair=False)  # GKE requires this: passes
        flex_pool("flex-repair", c.name, flex=True, repair=True)  # not this rule's business
        flex_pool("no-repair", c.name, flex=False, repair=False)
        flex_pool("no-repair-unset-flex", c.name, flex=None, repair=False)
        cluster(
            "inline",
            node_pools=[
                GKE.ClusterNodePoolArgs(
                    name="flex",
                    management=GKE.ClusterNodePoolManagementArgs(auto_repair=False),
                    node_config=GKE.ClusterNodePoolNodeConfigArgs(machine_type="a4-highgpu-8g", flex_start=True),
                ),
                GKE.ClusterNodePoolArgs(
                    name="on-demand",
                    management=GKE.ClusterNodePoolManagementArgs(auto_repair=False),
                    node_config=GKE.ClusterNodePoolNodeConfigArgs(machine_type="a4-highgpu-8g"),
                ),
            ],
        )

    assert verdicts(program, {"gke-auto-repair"}) == [
        ("gke-auto-repair", "advisory", "inline", "nodePools[1].management.autoRepair is false"),
        ("gke-auto-repair", "advisory", "no-repair", "management.autoRepair is false"),
        ("gke-auto-repair", "advisory", "no-repair-unset-flex", "management.autoRepair is false"),
    ]


def test_an_unknown_flex_start_decides_only_when_auto_repair_is_off() -> None:
    def program() -> None:
        flag = gcp.serviceaccount.Account("sa", account_id="nodes").email.apply(lambda _: True)  # unknown
        c = cluster()
        flex_pool("unknown-flex-repair-on", c.name, flex=flag, repair=True)  # flexStart never read: passes
        flex_pool("unknown-flex-repair-off", c.name, flex=flag, repair=False)

    assert verdicts(program, {"gke-auto-repair"}) == [
        ("gke-auto-repair", "advisory", "unknown-flex-repair-off",
         CANT.format("gke-auto-repair", "string", "nodeConfig.flexStart")),
    ]  # fmt: skip


def test_the_component_flex_start_pool_passes_auto_repair() -> None:
    """The GkeCluster's own flex-start pool (auto-repair off, as GKE requires) no longer gets the advisory."""
    cfg = {
        "provider": "gke", "name": "fx", "project": "my-project", "region": "us-central1",
        "zones": ["us-central1-b"], "network": {"masterAuthorizedNetworks": [{"cidr": "203.0.113.0/24"}]},
        "acceleratorPools": [{"name": "flex", "machineType": "a4-highgpu-8g", "flexStart": True,
                              "autoscaling": {"minNodes": 0, "maxNodes": 2}}],
    }  # fmt: skip

    def program() -> None:
        from llmd_infra.config.stack import load_settings
        from llmd_infra.providers.gke import cluster_from_config

        cluster_from_config(load_settings())

    plan = run_callable(program, project="llmd-infra", stack="fx", config={"llmd-infra:cluster": cfg})
    assert plan.named("fx-flex-nodes").inputs["management"] == {"autoRepair": False, "autoUpgrade": True}
    assert [v for v in analyze_plan(plan).violations if v.policy == "gke-auto-repair"] == []


# --- gke-gpu-driver-latest -------------------------------------------------------------------------------

BOUND = GPU_DRIVER_VERSION.below_int()


def latest(path: str) -> str:
    return (
        f'{path}.gpuDriverInstallationConfig.gpuDriverVersion is "LATEST": GKE\'s latest driver for the node '
        f"version can be R{BOUND} or newer, which llm-d's CUDA 12.9.1 images and DeepEP kernels do not support "
        f"(gpu-driver-version: {GPU_DRIVER_VERSION.threshold_text()})"
    )


def gpu(version: str | None, count: int = 2) -> Any:
    install = (
        GKE.NodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfigArgs(gpu_driver_version=version)
        if version
        else None
    )
    return GKE.NodePoolNodeConfigGuestAcceleratorArgs(
        type="nvidia-l4", count=count, gpu_driver_installation_config=install
    )


def gpu_pool(name: str, cluster_name: Any, *accelerators: Any) -> Any:
    return GKE.NodePool(
        name,
        cluster=cluster_name,
        node_count=1,
        node_config=GKE.NodePoolNodeConfigArgs(machine_type="g2-standard-24", guest_accelerators=list(accelerators)),
    )


def test_latest_gpu_driver_is_advised_against_wherever_a_pool_asks_for_it() -> None:
    def program() -> None:
        c = cluster()
        gpu_pool("latest", c.name, gpu("LATEST"))
        gpu_pool("default", c.name, gpu("DEFAULT"))
        gpu_pool("disabled", c.name, gpu("INSTALLATION_DISABLED"))
        gpu_pool("unset", c.name, gpu(None))
        gpu_pool("second-latest", c.name, gpu("DEFAULT"), gpu("LATEST", 1))
        GKE.NodePool(  # a TPU pool has no guest accelerators
            "tpu", cluster=c.name, node_count=1, node_config=GKE.NodePoolNodeConfigArgs(machine_type="ct6e-standard-8t")
        )
        cluster(
            "inline",
            node_pools=[
                GKE.ClusterNodePoolArgs(
                    name="l4",
                    node_config=GKE.ClusterNodePoolNodeConfigArgs(
                        machine_type="g2-standard-24",
                        guest_accelerators=[
                            GKE.ClusterNodePoolNodeConfigGuestAcceleratorArgs(
                                type="nvidia-l4",
                                count=2,
                                gpu_driver_installation_config=(
                                    GKE.ClusterNodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfigArgs(
                                        gpu_driver_version="LATEST"
                                    )
                                ),
                            )
                        ],
                    ),
                )
            ],
        )
        cluster(  # the default pool is kept: its nodeConfig is a pool too
            "default-pool",
            node_config=GKE.ClusterNodeConfigArgs(
                machine_type="g2-standard-24",
                guest_accelerators=[
                    GKE.ClusterNodeConfigGuestAcceleratorArgs(
                        type="nvidia-l4",
                        count=2,
                        gpu_driver_installation_config=(
                            GKE.ClusterNodeConfigGuestAcceleratorGpuDriverInstallationConfigArgs(
                                gpu_driver_version="LATEST"
                            )
                        ),
                    )
                ],
            ),
        )

    assert verdicts(program, {"gke-gpu-driver-latest"}) == [
        ("gke-gpu-driver-latest", "advisory", "default-pool", latest("nodeConfig.guestAccelerators[0]")),
        ("gke-gpu-driver-latest", "advisory", "inline", latest("nodePools[0].nodeConfig.guestAccelerators[0]")),
        ("gke-gpu-driver-latest", "advisory", "latest", latest("nodeConfig.guestAccelerators[0]")),
        ("gke-gpu-driver-latest", "advisory", "second-latest", latest("nodeConfig.guestAccelerators[1]")),
    ]


def test_the_component_latest_driver_gets_the_advisory_and_default_does_not() -> None:
    cfg = {
        "provider": "gke", "name": "drv", "project": "my-project", "region": "us-central1",
        "zones": ["us-central1-b"], "network": {"masterAuthorizedNetworks": [{"cidr": "203.0.113.0/24"}]},
        "acceleratorPools": [{"name": "new", "machineType": "g2-standard-24", "gpuDriver": "latest"},
                             {"name": "safe", "machineType": "g2-standard-24"}],
    }  # fmt: skip

    def program() -> None:
        from llmd_infra.config.stack import load_settings
        from llmd_infra.providers.gke import cluster_from_config

        cluster_from_config(load_settings())

    plan = run_callable(program, project="llmd-infra", stack="drv", config={"llmd-infra:cluster": cfg})
    found = [(v.enforcement, v.urn.rsplit("::", 1)[-1], v.message)
             for v in analyze_plan(plan).violations if v.policy == "gke-gpu-driver-latest"]  # fmt: skip
    assert found == [("advisory", "drv-new-nodes", latest("nodeConfig.guestAccelerators[0]"))]


def test_refined_rules_are_listed_with_public_anchors() -> None:
    repair = BY_NAME["gke-auto-repair"]
    assert repair.enforcement == "advisory"
    assert repair.anchors[:4] == ("CIS GKE 5.5.2", "CKV_GCP_9", "Trivy GCP-0063", "KICS acfdbec6")
    assert "flex-start" in repair.description and "flex_start" in repair.remediation
    driver = BY_NAME["gke-gpu-driver-latest"]
    assert (driver.enforcement, driver.severity, driver.family) == ("advisory", "medium", "gke")
    assert driver.anchors[0] == GPU_DRIVER_VERSION.id
    assert all("../shared" not in a and "policy-anchors" not in a for a in (*repair.anchors, *driver.anchors))
    assert f"R{BOUND}" in driver.description and f"R{BOUND}" in driver.remediation
