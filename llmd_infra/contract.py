"""What every provider component offers, so add-ons, reports and the conformance kit treat all alike.

A provider folder (``providers/<name>/``, importable as ``llmd_infra.providers.<name>``) exports:

* a ``ComponentResource`` with type token ``llmd-infra:<name>:<Cluster>`` that satisfies
  :class:`LlmdCluster` and registers the outputs named in :data:`CLUSTER_OUTPUTS`;
* ``cluster_from_config(settings: StackSettings, opts) -> LlmdCluster`` — what ``stacks/`` calls
  after the stack configuration validated;
* ``README.md`` with the exact ``pulumi up`` steps.

A provider is ready when it passes ``tests/conformance`` — llm-d's own rule for new providers is an
automated test environment that validates the guides; ours is that kit.
"""

from typing import TYPE_CHECKING, Protocol, TypedDict, runtime_checkable

import pulumi

if TYPE_CHECKING:
    import pulumi_kubernetes as k8s

MULTI_HOST_LABEL = "llm-d.ai/multi-host"
"""Node label declaring a pool intended for multi-host inference (value ``"true"``)."""
POOL_LABEL = "llm-d.ai/pool"
"""Node label every accelerator pool of a provider component sets to its pool name."""
HOSTNAME_LABEL = "kubernetes.io/hostname"
"""Well-known label the kubelet sets on every node (https://kubernetes.io/docs/reference/labels-annotations-taints/)."""

CLUSTER_OUTPUTS = ("kubeconfig", "clusterName", "acceleratorPools")
"""Outputs every provider component registers (``register_outputs``)."""


class AcceleratorPoolSummary(TypedDict):
    """An accelerator pool described in requirement terms (provider-neutral).

    Also an output type of the ``llmd-infra`` package schema, so its annotations stay resolvable at
    run time (no ``from __future__ import annotations`` in this module) and every key is documented.
    """

    name: str
    """Logical pool name (as in the stack config)."""
    machineType: str
    """Machine type, size slug or instance type."""
    accelerator: str
    """Canonical accelerator family (catalog name), e.g. ``H200`` or ``TPU v6e``."""
    acceleratorsPerNode: int
    """Accelerators (GPUs or TPU chips) on each node."""
    minNodes: int
    """Fewest nodes (the fixed size of a pool that does not autoscale)."""
    maxNodes: int
    """Most nodes (the fixed size of a pool that does not autoscale)."""
    autoscaling: bool
    """Whether the pool autoscales between ``minNodes`` and ``maxNodes``."""
    multiHost: bool
    """Whether the pool is meant for multi-host inference (one network domain)."""
    interconnect: str
    """:class:`~llmd_infra.catalog.types.RdmaKind` value the pool's nodes use between hosts."""
    zones: list[str]
    """Zones the pool's nodes run in."""


@runtime_checkable
class LlmdCluster(Protocol):
    """The surface of a provider component that the rest of llmd-infra relies on."""

    kubeconfig: pulumi.Output[str]
    """Always a secret Output."""
    cluster_name: pulumi.Output[str]
    k8s_provider: "k8s.Provider"
    """Kubernetes provider for in-cluster add-ons; depends only on the cluster API."""
    system_pool: pulumi.Resource
    """What add-ons wait for: the CPU pool (never an accelerator pool)."""
    accelerator_pools: pulumi.Output[list[AcceleratorPoolSummary]]
