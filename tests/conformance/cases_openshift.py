"""OpenShift's ready stacks in the provider conformance kit (existing-cluster mode: no cluster resource)."""

from __future__ import annotations

import json

import yaml

from tests.conformance.kit import REPO, ConformanceCase


def _too_old(stack: str) -> dict[str, str]:
    """The stack's own cluster config with OpenShift 4.15 (Kubernetes 1.28), as ``--config``."""
    doc = yaml.safe_load((REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text())
    cluster = dict(doc["config"]["llmd-infra:cluster"], openshiftVersion="4.15")
    return {"llmd-infra:cluster": json.dumps(cluster)}


def _case(stack: str) -> ConformanceCase:
    return ConformanceCase(
        provider="openshift",
        stack=stack,
        component_type="llmd-infra:openshift:OpenShiftCluster",
        cluster_type=None,
        accelerator_pool_types=("kubernetes:machine.openshift.io/v1beta1:MachineSet",),
        deletion_protected=None,
        bad_config=_too_old(stack),
        bad_config_message=(
            "llmd-infra:cluster.openshiftVersion: OpenShift 4.15 ships Kubernetes 1.28, older than llm-d's minimum "
            "1.29 (requirement kubernetes-version); use OpenShift 4.16 or newer"
        ),
    )


CASES = [_case("ocp-aws-p5"), _case("ocp-l40s")]
