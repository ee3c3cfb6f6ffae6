"""The add-ons every provider installs the same way, written once.

A provider component calls :func:`install_shared_addons` after it has its Kubernetes provider and
system pool: LeaderWorkerSet, the Gateway API / Inference Extension CRDs and Kueue with the
topology-aware-scheduling objects of its multi-host pools are created with
``parent=`` the component, ``provider=`` its Kubernetes provider and ``depends_on=`` its system pool
only — so no add-on ever waits for (or is replaced with) an accelerator pool. Which sections of
``llmd-infra:addons`` a provider acts on at all is its room's ``ADDONS``
(:class:`~llmd_infra.config.addons.AddonSupport`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, cast

import pulumi

from llmd_infra.addons.gateway_crds import GatewayApiCrds, GatewayApiCrdsArgs
from llmd_infra.addons.kueue import Kueue, TopologyPool
from llmd_infra.addons.lws import LeaderWorkerSet
from llmd_infra.config.addons import AddonSupport, GatewayApiCrdsConfig, KueueConfig, LwsConfig

__all__ = ["AddonSupport", "SharedAddons", "TopologyPool", "addon_options", "install_shared_addons", "wants_kueue"]


class SharedAddons(NamedTuple):
    """What :func:`install_shared_addons` created (``None`` where disabled or not needed)."""

    lws: LeaderWorkerSet | None
    gateway_crds: GatewayApiCrds | None
    kueue: Kueue | None = None


def addon_options(
    parent: pulumi.Resource, k8s_provider: pulumi.ProviderResource, system_pool: pulumi.Resource
) -> pulumi.ResourceOptions:
    """Options of every in-cluster add-on of a provider component: its child, on its cluster, after
    its system pool and nothing else."""
    return pulumi.ResourceOptions(parent=parent, provider=k8s_provider, depends_on=[system_pool])


def wants_kueue(kueue: KueueConfig, topology: Sequence[TopologyPool]) -> bool:
    """Whether to install Kueue: as ``enabled`` says, and by default exactly when a pool is multi-host."""
    return kueue.enabled if kueue.enabled is not None else bool(topology)


def install_shared_addons(
    name: str,
    *,
    lws: LwsConfig,
    gateway_crds: GatewayApiCrdsConfig,
    platform: str,
    protect: bool,
    opts: pulumi.ResourceOptions,
    cluster_version: str = "",
    gateway_crds_needed: bool = True,
    kueue: KueueConfig | None = None,
    topology: Sequence[TopologyPool] = (),
) -> SharedAddons:
    """LWS (``<name>-lws``), the Gateway API CRD bundles (``<name>-gateway-crds``) and Kueue
    (``<name>-kueue``) for one cluster.

    ``opts`` is :func:`addon_options`. ``protect`` guards the LWS release, the CRD bundles and the Kueue
    install (all own user objects). ``gateway_crds_needed`` is the provider's word that its cluster
    lacks the CRDs (e.g. GKE versions that do not install them); the add-on itself also skips them
    where the platform profile says the version manages them. ``topology`` describes the cluster's
    multi-host pools (:class:`~llmd_infra.addons.kueue.TopologyPool`); Kueue is installed when
    ``kueue.enabled`` says so, and by default exactly when there is such a pool.
    """
    release = None
    if lws.enabled:
        release = LeaderWorkerSet(
            f"{name}-lws",
            {"version": lws.version, "enable_disaggregated_set": lws.disaggregated_set(), "protect": protect},
            opts,
        )
    bundles = None
    if gateway_crds.enabled and gateway_crds_needed:
        bundles = GatewayApiCrds(
            f"{name}-gateway-crds",
            {
                "platform": platform,
                "cluster_version": cluster_version,
                # What the stack set, no more: the component refuses a version of a bundle it does not
                # install, and applies the same defaults.
                **cast(GatewayApiCrdsArgs, gateway_crds.model_dump(exclude_unset=True, exclude={"enabled"})),
                "protect": protect,
            },
            opts,
        )
    queue = None
    if kueue is not None and wants_kueue(kueue, topology):
        queue = Kueue(
            f"{name}-kueue",
            {
                "version": kueue.version,
                "olm_channel": kueue.olm_channel,
                "local_queue_name": kueue.local_queue_name,
                "local_queue_namespaces": list(kueue.local_queue_namespaces),
                "platform": platform,
                "pools": list(topology),
                "protect": protect,
            },
            opts,
        )
    return SharedAddons(release, bundles, queue)
