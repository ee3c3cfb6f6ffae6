"""Node pools as the requirement policies see them: provider-neutral facts read from RAW resources.

Every provider room reads its own raw resources (``providers/<name>/resources.py``) into
subclasses of :class:`Pool`: the facts every requirement policy needs (machine name, accelerators,
labels) plus what only the provider knows, asked through methods — whether the pool's nodes share
one network domain, whether its machine's interconnect is RDMA-class and configured, whether its
GPUs get a driver. The requirement checks (:mod:`llmd_infra.policy.requirements`) judge these facts
and never ask which provider a pool belongs to. :func:`pools_of` finds the room that reads a type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar

from llmd_infra import catalog
from llmd_infra.catalog.types import MachineShape
from llmd_infra.contract import MULTI_HOST_LABEL
from llmd_infra.policy.common import Deferred, StackResource, config_list, is_true


@dataclass
class Pool:
    """One node pool of a raw resource.

    Subclasses (one per provider room) override the ``*_problem(s)`` methods; the defaults say "no
    problem", which is right for a provider where the fact holds by construction (e.g. a DOKS
    cluster and its pools share one region and VPC, so one network domain).
    """

    provider: ClassVar[str] = ""
    """The room whose catalog knows :attr:`machine`."""

    name: str
    """Pool name (``name`` property, else the resource's logical name)."""
    where: str
    """Property path of the pool inside the resource ('' when the resource is the pool)."""
    machine: str | None
    """Machine type, size slug or instance type."""
    props: Mapping[str, Any]
    """The pool's own property bag (a ``nodePools[i]`` entry, the node pool, the providerSpec...)."""
    labels: Mapping[str, Any] = field(default_factory=dict)
    accelerator_types: list[str] = field(default_factory=list)
    """Accelerator names as written on the resource (empty: the machine's built-in accelerator)."""
    multi_host: bool = False
    multi_host_reason: str = ""

    @property
    def label(self) -> str:
        """How messages name the pool."""
        return f"pool '{self.name}'" + (f" ({self.where})" if self.where else "")

    def shape(self) -> MachineShape | None:
        if self.machine is None:
            return None
        return catalog.machine_shape(self.provider, self.machine)

    @property
    def accelerators(self) -> list[str]:
        """Accelerator names to judge: written ones, else the machine's built-in accelerator (from
        the catalog row, else from the room's naming rules for machines the catalog does not list)."""
        if self.accelerator_types:
            return list(self.accelerator_types)
        shape = self.shape()
        if shape is not None and shape.accelerator:
            return [shape.accelerator]
        implied = self.implied_accelerator() if shape is None else None
        return [implied] if implied else []

    @property
    def has_accelerator(self) -> bool:
        return bool(self.accelerators)

    @property
    def is_tpu(self) -> bool:
        return any(a.strip().lower().startswith("tpu") for a in self.accelerators)

    # --- what only the provider knows ------------------------------------------------------------

    def implied_accelerator(self) -> str | None:
        """The accelerator a machine the catalog does not list carries, read from its name by the
        provider's public naming rules (an AWS ``p3.*`` is a V100 host; a GKE ``ct4p-*`` a TPU v4
        host), ``None`` for names that imply none. Lets a known older generation get the
        ``accelerator-supported`` advisory, and an unknown one its note, instead of silence."""
        return None

    def intrinsic_multi_host(self) -> str | None:
        """Why the pool is multi-host by its own shape (e.g. a TPU slice spanning hosts), or ``None``."""
        return None

    def placement_problems(self, deferred: Deferred) -> list[str]:
        """Why the pool's nodes may not share one network domain (each part read through ``deferred``)."""
        return []

    def cluster_placement_problems(self, cluster: StackResource | None, deferred: Deferred) -> list[str]:
        """What :meth:`placement_problems` leaves to the pool's cluster: why the nodes may not share one
        network domain once the cluster is known (``cluster``: the cluster resource in the stack, found
        through the pool's link to it; ``None`` when it is out of sight). Judged by the stack
        companion of ``multi-host-placement``; the default (nothing depends on the cluster) is ``[]``."""
        return []

    def interconnect_problem(self, shape: MachineShape) -> str | None:
        """Why a multi-host pool of this (catalogued) machine lacks a configured RDMA-class interconnect."""
        return None

    def driver_problem(self, resources: Sequence[StackResource]) -> str | None:
        """Why the pool's GPUs get no driver from the platform itself (``None``: they do)."""
        return None


def pools_of(
    resource_type: str,
    name: str,
    props: Mapping[str, Any],
    config: Mapping[str, Any],
    deferred: Deferred | None = None,
) -> list[Pool]:
    """The node pools of a raw resource, with their multi-host intent decided.

    A pool is intended for multi-host inference when it carries the node label
    ``llm-d.ai/multi-host: "true"``, when the policy config's ``multiHostPools`` names it (pool or
    resource name), or when its own shape makes it one (:meth:`Pool.intrinsic_multi_host`). With
    ``deferred``, a pool whose facts are unknown in preview is left out (and the error kept) instead
    of hiding the other pools of a cluster.
    """
    from llmd_infra.policy.resources import pool_reader

    reader = pool_reader(resource_type)
    if reader is None:
        return []
    named = set(config_list(config, "multiHostPools"))
    pools = reader.pools(resource_type, name, props, deferred)
    if deferred is None:
        for pool in pools:
            _decide_multi_host(pool, name, named)
        return pools
    return [pool for pool in pools if deferred.run(partial(_decide_multi_host, pool, name, named))]


def _decide_multi_host(pool: Pool, name: str, named: set[str]) -> bool:
    if is_true(pool.labels.get(MULTI_HOST_LABEL)):
        pool.multi_host, pool.multi_host_reason = True, f'label {MULTI_HOST_LABEL}="true"'
    elif pool.name in named or name in named:
        pool.multi_host, pool.multi_host_reason = True, "named in the policy config's multiHostPools"
    else:
        reason = pool.intrinsic_multi_host()
        if reason:
            pool.multi_host, pool.multi_host_reason = True, reason
    return True
