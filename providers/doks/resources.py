"""How the policy pack reads raw DigitalOcean Kubernetes resources: node pools, sizes, versions.

A ``KubernetesCluster`` has exactly one ``nodePool``; each ``KubernetesNodePool`` is one more
(https://www.pulumi.com/registry/packages/digitalocean/api-docs/kubernetescluster/,
.../kubernetesnodepool/). A cluster and its pools live in one region and one VPC, so every DOKS
pool already shares one network domain.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from llmd_infra.catalog.types import MachineShape
from llmd_infra.policy.common import Deferred, Resource, StackResource, as_mapping, as_str, get, is_false, is_true
from llmd_infra.policy.pools import Pool
from llmd_infra.policy.resources import ResourceReader, VersionField
from llmd_infra.providers.doks.catalog import DoksSize

DOKS_CLUSTER = "digitalocean:index/kubernetesCluster:KubernetesCluster"
DOKS_NODE_POOL = "digitalocean:index/kubernetesNodePool:KubernetesNodePool"


_LAST_STACK: list[tuple[Sequence[StackResource], bool]] = []
"""The last stack judged and its answer: a stack check asks once per GPU pool, with the same list."""


def device_plugins_disabled(resources: Sequence[StackResource]) -> bool:
    """Whether a DOKS cluster of the stack turns a GPU device plugin off without a DRA driver."""
    if _LAST_STACK and _LAST_STACK[0][0] is resources:
        return _LAST_STACK[0][1]
    answer = _device_plugins_disabled(resources)
    _LAST_STACK[:] = [(resources, answer)]
    return answer


def _device_plugins_disabled(resources: Sequence[StackResource]) -> bool:
    for res in resources:
        if res.type != DOKS_CLUSTER:
            continue
        nvidia_off = is_false(get(res.props, "nvidiaGpuDevicePlugin", "enabled"))
        amd_off = is_false(get(res.props, "amdGpuDevicePlugin", "enabled"))
        dra_on = is_true(get(res.props, "nvidiaGpuDraDriver", "enabled")) or is_true(
            get(res.props, "amdGpuDraDriver", "enabled")
        )
        if (nvidia_off or amd_off) and not dra_on:
            return True
    return False


# GPU Droplet size slugs are ``gpu-<model>x<count>-<memory>gb[-<variant>]``
# (https://docs.digitalocean.com/products/droplets/concepts/gpu-droplets/); the model token names the GPU.
_GPU_SLUG = re.compile(r"^gpu-([a-z0-9]+?)x\d+-")
_MODEL_TOKENS = {"4000ada": "RTX 4000 Ada", "6000ada": "RTX 6000 Ada"}


def doks_size_accelerator(size: str | None) -> str | None:
    """The GPU a DigitalOcean GPU size slug names (``gpu-h100x8-640gb`` -> ``H100``); ``None`` for CPU sizes.
    A model the accelerator catalog does not know comes back as written (upper-cased), to be noted."""
    match = _GPU_SLUG.match((size or "").strip().lower())
    if match is None:
        return None
    token = match.group(1)
    return _MODEL_TOKENS.get(token, token.upper())


@dataclass
class DoksPool(Pool):
    """A DOKS node pool: the cluster's ``nodePool`` or a ``KubernetesNodePool``."""

    provider = "doks"

    def implied_accelerator(self) -> str | None:
        return doks_size_accelerator(self.machine)

    def interconnect_problem(self, shape: MachineShape) -> str | None:
        if isinstance(shape, DoksSize) and shape.fabric:
            return None
        return f'size "{self.machine}" has no multi-node RDMA fabric (only fabric sizes do)'

    def driver_problem(self, resources: Sequence[StackResource]) -> str | None:
        if device_plugins_disabled(resources):
            return "the DOKS GPU device plugin is disabled without a DRA driver"
        return None


def read_pools(resource_type: str, name: str, props: Mapping[str, Any], deferred: Deferred | None) -> list[Pool]:
    if resource_type == DOKS_CLUSTER:
        pool = as_mapping(get(props, "nodePool"))
        if not pool:
            return []
        return [
            DoksPool(
                name=as_str(get(pool, "name")) or f"{name}.nodePool",
                where="nodePool",
                machine=as_str(get(pool, "size")),
                props=pool,
                labels=as_mapping(get(pool, "labels")),
            )
        ]
    return [
        DoksPool(
            name=as_str(get(props, "name")) or name,
            where="",
            machine=as_str(get(props, "size")),
            props=props,
            labels=as_mapping(get(props, "labels")),
        )
    ]


def read_versions(r: Resource) -> list[VersionField]:
    """The cluster's version slug (``1.33.1-do.3``)."""
    return [VersionField("version", lambda: as_str(get(r.props, "version")))]


READER = ResourceReader(
    provider="doks",
    pool_types=frozenset({DOKS_CLUSTER, DOKS_NODE_POOL}),
    pools=read_pools,
    version_types=frozenset({DOKS_CLUSTER}),
    versions=read_versions,
    cluster_types=frozenset({DOKS_CLUSTER}),
    remediation={
        "kubernetes-version": "DOKS: a version slug {kubernetes}.x-do.N or newer",
        "accelerator-interconnect": "DOKS: fabric (multi-node GPU) sizes",
        "gpu-driver-path": "DOKS: keep the GPU device plugins on",
    },
)
