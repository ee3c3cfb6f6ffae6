"""The provider conformance kit: what every well-lit provider must prove before it is "ready".

llm-d asks new providers for "an automated test environment that validates the supported guides";
ours is this kit. A provider registers :class:`ConformanceCase` objects in
``tests/conformance/cases_<provider>.py`` (a module-level ``CASES`` list) and the parametrized tests in
``test_conformance.py`` run every check below against every case. The checks read only the
recorded plan, so they hold for any provider without knowing its cloud.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llmd_infra import registry
from llmd_infra.contract import CLUSTER_OUTPUTS
from llmd_infra.plan.graph import Plan, PlannedResource

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ConformanceCase:
    """One ready stack of a provider, and what identifies its resources in a plan."""

    provider: str
    """Package name under ``llmd_infra.providers``."""
    stack: str
    """Ready stack in ``stacks/`` (``Pulumi.<stack>.yaml``)."""
    component_type: str
    """Type token of the provider's cluster component, e.g. ``llmd-infra:gke:GkeCluster``."""
    cluster_type: str | None
    """Type token of the raw cluster resource; ``None`` for a provider that adopts an existing cluster
    (OpenShift), whose plan must then hold no cluster resource of any provider."""
    accelerator_pool_types: tuple[str, ...]
    """Type tokens of raw node pool resources (accelerator and system pools may share one); empty in
    single-node mode."""
    deletion_protected: Callable[[PlannedResource], bool] | None
    """Whether the raw cluster has the cloud's own deletion protection on; ``None`` where the cloud
    has no such field (DOKS): then Pulumi's ``protect`` is the only guard and is checked alone."""
    bad_config: dict[str, str] = field(default_factory=dict)
    """A ``--config`` override that must be rejected before any resource is registered."""
    bad_config_message: str = ""
    """A fragment the rejection message must contain (path and allowed values)."""
    expect_protected: bool = True
    single_node: bool = False
    """One node that is both system and accelerator host (minikube): no accelerator pool resources;
    the accelerator pool summary still describes the declared GPUs."""
    cluster_name: str = ""
    """The raw cluster's resource name, when other resources share its type (minikube: the profile is one
    of three ``command:local:Command``s); empty: the only resource of ``cluster_type``."""
    accelerator_pool_parent: str = ""
    """Type token of the component that owns each accelerator pool, when system and accelerator pools
    share a raw type (GKE: both are ``NodePool``s)."""

    @property
    def id(self) -> str:
        return f"{self.provider}:{self.stack}"

    @property
    def sdks(self) -> tuple[str, ...]:
        """The provider's own cloud SDK modules (allowed to be imported), from the registry."""
        return registry.SDKS[self.provider]

    @property
    def foreign_sdks(self) -> tuple[str, ...]:
        """Every other provider's cloud SDK modules, which this provider must never import."""
        own = set(self.sdks)
        return tuple(sorted({m for mods in registry.SDKS.values() for m in mods} - own))


def accelerator_pools(plan: Plan, case: ConformanceCase) -> list[PlannedResource]:
    """The raw accelerator pool resources of the plan (never the system pool)."""
    by_urn = {r.urn: r for r in plan.resources}
    pools = [r for r in plan.resources if r.type in case.accelerator_pool_types]
    if case.accelerator_pool_parent:
        pools = [p for p in pools if p.parent in by_urn and by_urn[p.parent].type == case.accelerator_pool_parent]
    return pools


def clusters(plan: Plan, case: ConformanceCase) -> list[PlannedResource]:
    """The raw cluster resources of the plan (``cluster_type``, narrowed by ``cluster_name``)."""
    found = plan.of_type(case.cluster_type) if case.cluster_type else []
    return [r for r in found if not case.cluster_name or r.name == case.cluster_name]


def component(plan: Plan, case: ConformanceCase) -> PlannedResource:
    found = plan.of_type(case.component_type)
    assert len(found) == 1, f"expected one {case.component_type}, found {len(found)}"
    return found[0]


def dependency_closure(plan: Plan, resource: PlannedResource) -> set[str]:
    """Every URN ``resource`` waits for: explicit and implicit dependencies, and its ancestors' ones."""
    by_urn = {r.urn: r for r in plan.resources}
    seen: set[str] = set()
    frontier = [resource]
    while frontier:
        current = frontier.pop()
        edges = list(current.dependencies)
        for urns in current.property_dependencies.values():
            edges += urns
        if current.parent in by_urn:
            edges.append(current.parent)
        for urn in edges:
            if urn not in seen and urn in by_urn:
                seen.add(urn)
                frontier.append(by_urn[urn])
    return seen


def expand(urns: set[str], plan: Plan) -> set[str]:
    """``urns`` plus all their descendants (depending on a component means waiting for its children)."""
    out = set(urns)
    for urn in urns:
        out |= {r.urn for r in plan.descendants(urn)}
    return out


def registered_outputs(resource: PlannedResource) -> dict[str, Any]:
    return resource.outputs


__all__ = ["CLUSTER_OUTPUTS", "REPO", "ConformanceCase", "component", "dependency_closure", "expand"]
