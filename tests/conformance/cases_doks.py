"""DOKS's ready stacks in the provider conformance kit.

DOKS has no deletion-protection field of its own (``deletion_protected=None``): Pulumi's ``protect``
on the cluster is the guard the kit checks. The system pool is the cluster's own ``node_pool``, so
every ``KubernetesNodePool`` is an accelerator pool.
"""

from __future__ import annotations

import json

import yaml

from tests.conformance.kit import REPO, ConformanceCase


def _too_old(stack: str) -> dict[str, str]:
    """The stack's own cluster config with Kubernetes 1.28 (as ``--config llmd-infra:cluster=<json>``)."""
    doc = yaml.safe_load((REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text())
    cluster = dict(doc["config"]["llmd-infra:cluster"], kubernetesVersion="1.28")
    return {"llmd-infra:cluster": json.dumps(cluster)}


def _case(stack: str) -> ConformanceCase:
    return ConformanceCase(
        provider="doks",
        stack=stack,
        component_type="llmd-infra:doks:DoksCluster",
        cluster_type="digitalocean:index/kubernetesCluster:KubernetesCluster",
        accelerator_pool_types=("digitalocean:index/kubernetesNodePool:KubernetesNodePool",),
        deletion_protected=None,
        bad_config=_too_old(stack),
        bad_config_message=(
            "llmd-infra:cluster.kubernetesVersion: Kubernetes 1.28 is older than llm-d's minimum 1.29 "
            "(requirement kubernetes-version)"
        ),
    )


CASES = [_case("doks-h100"), _case("doks-mi300x"), _case("doks-fabric")]
