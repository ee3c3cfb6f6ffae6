"""GKE's ready stacks in the provider conformance kit."""

from __future__ import annotations

import json

import yaml

from llmd_infra.plan.graph import PlannedResource
from tests.conformance.kit import REPO, ConformanceCase


def _deletion_protected(cluster: PlannedResource) -> bool:
    return cluster.inputs.get("deletionProtection") is True


def _too_old(stack: str) -> dict[str, str]:
    """The stack's own cluster config with Kubernetes 1.28 (as ``--config llmd-infra:cluster=<json>``)."""
    doc = yaml.safe_load((REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text())
    cluster = dict(doc["config"]["llmd-infra:cluster"], kubernetesVersion="1.28")
    return {"llmd-infra:cluster": json.dumps(cluster)}


def _case(stack: str, *, protected: bool = True) -> ConformanceCase:
    return ConformanceCase(
        provider="gke",
        stack=stack,
        component_type="llmd-infra:gke:GkeCluster",
        cluster_type="gcp:container/cluster:Cluster",
        accelerator_pool_types=("gcp:container/nodePool:NodePool",),
        accelerator_pool_parent="llmd-infra:gke:AcceleratorPool",
        deletion_protected=_deletion_protected,
        bad_config=_too_old(stack),
        bad_config_message=(
            "llmd-infra:cluster.kubernetesVersion: Kubernetes 1.28 is older than llm-d's minimum 1.29 "
            "(requirement kubernetes-version)"
        ),
        expect_protected=protected,
    )


CASES = [
    _case("gke-a3-ultra"),
    _case("gke-a4-rdma"),
    _case("gke-tpu-v6e"),
    _case("gke-tpu-v6e-single"),
    _case("gke-l4-dev", protected=False),
]
