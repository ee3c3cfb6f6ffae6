"""Shared helpers of the raw-program policy tests: run a program offline and read the verdict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_gcp as gcp

from llmd_infra.plan.analyze import analyze_plan
from llmd_infra.plan.engine import run_callable

GKE = gcp.container
PROTECT = pulumi.ResourceOptions(protect=True)


def verdicts(
    program: Callable[[], None], only: set[str], config: dict[str, Any] | None = None
) -> list[tuple[str, str, str, str]]:
    """Sorted ``(policy, enforcement, resource name, message)`` of the named policies' violations."""
    analysis = analyze_plan(run_callable(program), config)
    return sorted(
        (v.policy, v.enforcement, v.urn.rsplit("::", 1)[-1] if v.urn else "", v.message)
        for v in analysis.violations
        if v.policy in only
    )


def gke_cluster(name: str = "c", **overrides: Any) -> Any:
    """A protected zonal GKE cluster in a release channel, with ``overrides`` as its arguments."""
    args: dict[str, Any] = {
        "location": "us-central1-a",
        "release_channel": GKE.ClusterReleaseChannelArgs(channel="REGULAR"),
    }
    args.update(overrides)
    return GKE.Cluster(name, opts=PROTECT, **args)
