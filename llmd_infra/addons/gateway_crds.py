"""Gateway API (standard channel) and Gateway API Inference Extension CRDs, at llm-d's pins."""

from __future__ import annotations

import re
from typing import TypedDict

import pulumi
from pydantic import field_validator

from llmd_infra import pins
from llmd_infra.addons._common import TYPE_PREFIX, caller_dependencies, child_opts, validate_args
from llmd_infra.addons.sdk import k8s
from llmd_infra.config.addons import GatewayApiCrdsSettings, Platform
from llmd_infra.config.platform import platform_profile
from llmd_infra.versions import VersionError, parse_version

_GKE_BUILD = re.compile(r"-gke\.(\d+)")


class GatewayApiCrdsArgs(TypedDict, total=False):
    """Arguments of :class:`GatewayApiCrds`."""

    gateway_api_version: pulumi.Input[str]
    """Gateway API release tag (``standard-install.yaml``); defaults to ``llmd_infra.pins.GATEWAY_API``."""
    gaie_version: pulumi.Input[str]
    """Gateway API Inference Extension release tag (``v1-manifests.yaml``); defaults to ``pins.GAIE``."""
    install_gateway_api: pulumi.Input[bool]
    """Install the Gateway API CRDs (default true)."""
    install_inference_extension: pulumi.Input[bool]
    """Install the GAIE CRDs (default true; standalone-mode guides need them too)."""
    platform: pulumi.Input[str]
    """A provider of the registry, ``aks`` or ``generic`` (default)."""
    cluster_version: pulumi.Input[str]
    """The cluster's Kubernetes version as the provider writes it. Where the platform's profile says that
    version installs these CRDs itself (GKE from ``1.34.0-gke.1626000``), nothing is created."""
    protect: bool
    """Pulumi ``protect`` on the CRD bundles (default true): deleting a CRD deletes every object of its
    kind (HTTPRoutes, InferencePools), so removing the bundles must be a conscious step."""


class _GatewayInput(GatewayApiCrdsSettings):
    platform: Platform = "generic"
    cluster_version: str = ""
    protect: bool = True

    @field_validator("cluster_version")
    @classmethod
    def _cluster_version(cls, value: str) -> str:
        if value:
            try:
                parse_version(value)
            except VersionError as exc:
                raise ValueError(str(exc)) from None
        return value


class GatewayApiCrds(pulumi.ComponentResource):
    """The two CRD bundles llm-d installs with ``kubectl apply -f <release URL>``.

    Each bundle is a ``k8s.yaml.v2.ConfigFile`` of the upstream release asset URL at the pinned tag
    (release assets are immutable). The Kubernetes provider fetches the file at deploy time and
    registers every CRD as its own child, so ``pulumi preview`` shows per-CRD diffs; the YAML is not
    vendored because it cannot be fetched and verified offline. Under the offline plan engine a v2
    ConfigFile is a remote component with no children, so tests assert the URL, not the CRDs.

    Skipped (no children) where the platform installs both bundles itself (its
    :class:`~llmd_infra.config.platform.PlatformProfile`; GKE from ``1.34.0-gke.1626000``).

    The CRDs own user objects (Gateways, HTTPRoutes, InferencePools), so both bundles are
    ``retain_on_delete``: when they leave the program — e.g. a GKE upgrade past the version above
    hands the CRDs to GKE — Pulumi forgets them instead of deleting them and every object of their
    kinds. They are also ``protect``-ed by default, so that step needs a deliberate unprotect.
    """

    skipped: pulumi.Output[bool]
    gateway_api_version: pulumi.Output[str]
    gaie_version: pulumi.Output[str]

    def __init__(
        self, name: str, args: GatewayApiCrdsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        cfg = validate_args(_GatewayInput, dict(args), "GatewayApiCrds", name)
        super().__init__(f"{TYPE_PREFIX}GatewayApiCrds", name, cfg.model_dump(by_alias=True), opts)
        deps = caller_dependencies(opts)
        skipped = bool(cfg.cluster_version) and platform_profile(cfg.platform).manages_gateway_crds(cfg.cluster_version)
        self.gateway_api: k8s.yaml.v2.ConfigFile | None = None
        self.inference_extension: k8s.yaml.v2.ConfigFile | None = None
        if not skipped and cfg.install_gateway_api:
            self.gateway_api = k8s.yaml.v2.ConfigFile(
                f"{name}-gateway-api",
                file=pins.GATEWAY_API.chart.format(version=cfg.gateway_api_version),
                opts=child_opts(self, deps, protect=cfg.protect, retain_on_delete=True),
            )
        if not skipped and cfg.install_inference_extension:
            self.inference_extension = k8s.yaml.v2.ConfigFile(
                f"{name}-inference-extension",
                file=pins.GAIE.chart.format(version=cfg.gaie_version),
                # GAIE's InferencePool references Gateway API types; apply after them.
                opts=child_opts(self, deps, self.gateway_api, protect=cfg.protect, retain_on_delete=True),
            )
        self.skipped = pulumi.Output.from_input(skipped)
        self.gateway_api_version = pulumi.Output.from_input(cfg.gateway_api_version)
        self.gaie_version = pulumi.Output.from_input(cfg.gaie_version)
        self.register_outputs(
            {
                "skipped": self.skipped,
                "gatewayApiVersion": self.gateway_api_version,
                "gaieVersion": self.gaie_version,
            }
        )


__all__ = ["GatewayApiCrds", "GatewayApiCrdsArgs"]
