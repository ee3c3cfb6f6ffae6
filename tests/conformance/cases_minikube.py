"""minikube's ready stack in the provider conformance kit (single-node mode, disposable: not protected)."""

from __future__ import annotations

import json

import yaml

from tests.conformance.kit import REPO, ConformanceCase


def _too_old(stack: str) -> dict[str, str]:
    """The stack's own cluster config with Kubernetes v1.28.3 (as ``--config llmd-infra:cluster=<json>``)."""
    doc = yaml.safe_load((REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text())
    cluster = dict(doc["config"]["llmd-infra:cluster"], kubernetesVersion="v1.28.3")
    return {"llmd-infra:cluster": json.dumps(cluster)}


CASES = [
    ConformanceCase(
        provider="minikube",
        stack="minikube",
        component_type="llmd-infra:minikube:MinikubeCluster",
        # The profile: the command that runs `minikube start` (and `minikube delete` on destroy).
        cluster_type="command:local:Command",
        cluster_name="llmd-profile",
        accelerator_pool_types=(),
        # minikube has no deletion-protection field: Pulumi's protect is the only guard (off: disposable).
        deletion_protected=None,
        bad_config=_too_old("minikube"),
        bad_config_message=(
            "llmd-infra:cluster.kubernetesVersion: Kubernetes v1.28.3 is older than llm-d's minimum 1.29 "
            "(requirement kubernetes-version)"
        ),
        expect_protected=False,
        single_node=True,
    )
]
