"""Configuration of the in-cluster add-ons (``llmd-infra:addons``).

Each section is also the validation model of the matching component's args (snake_case keys are
accepted next to the camelCase config keys). Versions default to :mod:`llmd_infra.pins`; where llm-d
states a minimum, overrides are checked against the requirement record, never a number written here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from llmd_infra import pins
from llmd_infra.config.base import LlmdModel, Problems, VersionText, alias_of
from llmd_infra.config.platform import check_platform
from llmd_infra.errors import Problem
from llmd_infra.requirements import LWS_VERSION
from llmd_infra.versions import VersionError, parse_version

Platform = Annotated[str, AfterValidator(check_platform)]
"""Where an add-on runs (a provider of the registry, ``aks`` or ``generic``); its
:class:`~llmd_infra.config.platform.PlatformProfile` decides which parts the platform already manages."""

LinkType = Literal["infiniband", "ether"]



@functools.cache
def _defaults(model: type[LlmdModel]) -> LlmdModel:
    """A section with every default, validated (what an unset key amounts to)."""
    return model()


class _Switchable(LlmdModel):
    """An ``llmd-infra:addons`` section with ``enabled``: settings of a section switched off with
    ``enabled: false`` have no effect, so they are refused rather than silently ignored (a value equal
    to its default changes nothing either way and passes, so a dumped section validates again)."""

    enabled: bool

    @model_validator(mode="after")
    def _nothing_set_while_disabled(self) -> _Switchable:
        if "enabled" not in self.model_fields_set or self.enabled:
            return self
        problems = Problems(type(self).__name__)
        fields = type(self).model_fields
        # A value equal to the default says nothing (a dumped-and-revalidated section carries them all).
        defaults = _defaults(type(self))
        changed = {n for n in self.model_fields_set - {"enabled"} if getattr(self, n) != getattr(defaults, n)}
        for name in sorted(changed, key=list(fields).index):
            problems.add(
                [alias_of(type(self), name)],
                "has no effect: this add-on is switched off (enabled: false); remove the key or set enabled: true",
            )
        problems.raise_if_any()
        return self


def _parsed(value: str) -> str:
    try:
        parse_version(value)
    except VersionError as exc:
        raise ValueError(str(exc)) from None
    return value


LWS_DISAGGREGATED_SET_SINCE = "0.9.0"
"""The LWS chart has had the ``enableDisaggregatedSet`` value since v0.9.0 (kubernetes-sigs/lws
charts/lws/values.yaml @v0.9.0; "helm: bundle DisaggregatedSet into the lws chart", #871, 7d64d66)."""


def lws_has_disaggregated_set(version: str) -> bool:
    """Whether the LWS chart ``version`` knows ``enableDisaggregatedSet``."""
    return parse_version(version) >= parse_version(LWS_DISAGGREGATED_SET_SINCE)


def resolve_disaggregated_set(version: str, requested: bool | None) -> bool:
    """``enableDisaggregatedSet`` for an LWS chart version: on by default where the chart has it (an older
    pinned chart drops it); a request for it on a chart without it raises ``ValueError``."""
    if requested is None:
        return lws_has_disaggregated_set(version)
    if requested and not lws_has_disaggregated_set(version):
        raise ValueError(
            f"true needs LWS {LWS_DISAGGREGATED_SET_SINCE} or newer (the chart's enableDisaggregatedSet value "
            f"arrived in kubernetes-sigs/lws v{LWS_DISAGGREGATED_SET_SINCE}), got version {version}; allowed: false, "
            f"or a version >= {LWS_DISAGGREGATED_SET_SINCE}"
        )
    return requested


def check_disaggregated_set(title: str, version: str, requested: bool | None) -> None:
    """Raise a ``ValidationError`` at ``enableDisaggregatedSet`` when the version lacks a requested option."""
    try:
        resolve_disaggregated_set(version, requested)
    except ValueError as exc:
        error = PydanticCustomError("value_error", "{message}", {"message": str(exc)})
        detail = InitErrorDetails(type=error, loc=("enableDisaggregatedSet",), input=requested)
        raise ValidationError.from_exception_data(title, [detail]) from None


def check_lws_version(value: str) -> str:
    """An LWS chart version at or above the ``lws-version`` requirement, without a ``v`` prefix."""
    try:
        version = parse_version(value)
    except VersionError as exc:
        raise ValueError(str(exc)) from None
    minimum = LWS_VERSION.min_version()
    if version < minimum:
        raise ValueError(
            f"LWS {value} is older than llm-d's minimum {minimum} (requirement {LWS_VERSION.id})"
        )
    return value.removeprefix("v")


class LwsConfig(_Switchable):
    """LeaderWorkerSet: llm-d's controller for multi-host inference."""

    enabled: bool = True
    version: VersionText = Field(
        default=pins.LWS.version, description="LWS Helm chart version (>= the lws-version requirement)."
    )
    enable_disaggregated_set: bool | None = Field(
        default=None,
        description=(
            "Install the DisaggregatedSet webhook and RBAC (llm-d's wide-EP and P/D guides); default: on where "
            "the chart version has the value."
        ),
    )

    @field_validator("version")
    @classmethod
    def _at_least_minimum(cls, value: str) -> str:
        return check_lws_version(value)

    @model_validator(mode="after")
    def _option_in_version(self) -> LwsConfig:
        check_disaggregated_set("LwsConfig", self.version, self.enable_disaggregated_set)
        return self

    def disaggregated_set(self) -> bool:
        """``enableDisaggregatedSet`` as installed (the default resolved against the version)."""
        return resolve_disaggregated_set(self.version, self.enable_disaggregated_set)


class GatewayApiCrdsSettings(LlmdModel):
    """Gateway API (standard channel) and Gateway API Inference Extension CRDs."""

    gateway_api_version: VersionText = Field(default=pins.GATEWAY_API.version, description="Gateway API release tag.")
    gaie_version: VersionText = Field(default=pins.GAIE.version, description="GAIE release tag.")
    install_gateway_api: bool = Field(default=True, description="Install the Gateway API standard CRDs.")
    install_inference_extension: bool = Field(default=True, description="Install the GAIE v1 CRDs.")

    @field_validator("gateway_api_version", "gaie_version")
    @classmethod
    def _tag(cls, value: str) -> str:
        _parsed(value)
        return value if value.startswith("v") else f"v{value}"

    @model_validator(mode="after")
    def _version_of_an_installed_bundle(self) -> GatewayApiCrdsSettings:
        problems = Problems(type(self).__name__)
        for version, install in (("gateway_api_version", "install_gateway_api"),
                                 ("gaie_version", "install_inference_extension")):
            if version not in self.model_fields_set or getattr(self, install):
                continue
            if getattr(self, version) != getattr(_defaults(type(self)), version):
                problems.add(
                    [alias_of(type(self), version)],
                    f"has no effect: {alias_of(type(self), install)} is false, so that bundle is not installed; "
                    "remove the key",
                )
        problems.raise_if_any()
        return self


class GatewayApiCrdsConfig(GatewayApiCrdsSettings, _Switchable):
    """``llmd-infra:addons`` section of the add-on (its settings plus ``enabled``)."""

    enabled: bool = True


class GpuOperatorSettings(LlmdModel):
    """NVIDIA GPU Operator (Helm, or OLM ``gpu-operator-certified`` + ClusterPolicy on OpenShift)."""

    platform: Platform = "generic"
    version: str = Field(default=pins.GPU_OPERATOR.version, description="gpu-operator chart version.")
    olm_channel: str = Field(default=pins.GPU_OPERATOR_OLM.version, description="OLM channel on OpenShift.")
    driver_enabled: bool | None = Field(default=None, description="Operator driver (default per platform).")
    driver_version: str = Field(default=pins.NVIDIA_DRIVER.version, description="Driver to install.")
    allow_driver_r580: bool = Field(
        default=False,
        description="Allow driver >= R580 (A4X RDMA needs it; llm-d's CUDA 12.9 images do not run on it).",
    )
    toolkit_enabled: bool | None = Field(default=None, description="Toolkit (default per platform).")
    nfd_enabled: bool = Field(default=True, description="Deploy the bundled NFD.")
    rdma_enabled: bool = Field(default=False, description="GPUDirect RDMA (driver.rdma).")
    use_host_mofed: bool = Field(default=False, description="MOFED/DOCA is on the host.")
    cdi_enabled: bool = True

    @field_validator("driver_version")
    @classmethod
    def _driver(cls, value: str) -> str:
        return _parsed(value)

    @model_validator(mode="after")
    def _driver_ceiling(self) -> GpuOperatorSettings:
        major = parse_version(self.driver_version).major
        if major >= pins.NVIDIA_DRIVER_MAJOR_CEILING and not self.allow_driver_r580:
            raise ValueError(
                f"driver {self.driver_version} is R{pins.NVIDIA_DRIVER_MAJOR_CEILING} or newer; "
                f"llm-d's CUDA 12.9.1 images need an older one ({pins.NVIDIA_DRIVER.version} recommended). "
                "Set allowDriverR580: true only for hardware that requires it."
            )
        return self


class GpuOperatorConfig(GpuOperatorSettings, _Switchable):
    """``llmd-infra:addons`` section of the add-on (its settings plus ``enabled``)."""

    enabled: bool = False


class NadConfig(LlmdModel):
    """A NetworkAttachmentDefinition pods attach to for their RDMA NIC."""

    name: str
    namespace: str = "default"
    master: str = Field(description="Host interface the macvlan/ipoib link sits on, e.g. ib0 or ens1f0np0.")
    cni: Literal["macvlan", "ipoib", "host-device"] = "macvlan"
    ipam_range: str = Field(description="Whereabouts range (CIDR) for the secondary network.")


class NetworkOperatorSettings(LlmdModel):
    """NVIDIA Network Operator + NicClusterPolicy for InfiniBand/RoCE NICs (not GKE)."""

    version: str = Field(default=pins.NETWORK_OPERATOR.version, description="network-operator chart version.")
    nfd_enabled: bool = Field(default=False, description="Deploy the chart's NFD.")
    rdma_resource_name: str = Field(default="ib", description="Advertised as rdma/<name>.")
    rdma_hca_max: int = Field(default=8, ge=1, description="Pods that may share one HCA.")
    link_types: list[LinkType] = Field(default_factory=lambda: list[LinkType](["infiniband"]))
    ofed_driver: bool = Field(default=False, description="Install the DOCA/OFED driver container.")
    doca_driver_version: str = pins.DOCA_DRIVER.version
    networks: list[NadConfig] = Field(default_factory=list)


class NetworkOperatorConfig(NetworkOperatorSettings, _Switchable):
    """``llmd-infra:addons`` section of the add-on (its settings plus ``enabled``)."""

    enabled: bool = False


class DraDriverConfig(_Switchable):
    """NVIDIA DRA driver for GPUs (GKE DRANET path) and the COS driver installer it relies on."""

    enabled: bool = False
    version: VersionText = Field(default=pins.DRA_DRIVER_GPU.version, description="DRA driver chart version.")
    cos_driver_installer: bool = Field(default=True, description="Apply the COS preloaded driver DaemonSet.")

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        return _parsed(value).removeprefix("v")


class AmdGpuOperatorSettings(LlmdModel):
    """AMD GPU Operator + DeviceConfig (with cert-manager) for Instinct nodes."""

    version: str = Field(default=pins.AMD_GPU_OPERATOR.version, description="gpu-operator-charts version.")
    install_cert_manager: bool = Field(default=True, description="Install cert-manager (skip if present).")
    cert_manager_version: str = pins.CERT_MANAGER.version
    install_driver: bool = Field(default=True, description="Install the amdgpu driver through KMM.")
    driver_version: str = Field(default="", description="KMM driver version ('' = default).")
    nfd_enabled: bool = Field(default=True, description="Deploy the chart's NFD.")
    device_config: bool = Field(default=True, description="Create the DeviceConfig.")


class AmdGpuOperatorConfig(AmdGpuOperatorSettings, _Switchable):
    """``llmd-infra:addons`` section of the add-on (its settings plus ``enabled``)."""

    enabled: bool = False


class NfdSettings(LlmdModel):
    """Node Feature Discovery, installed once for every operator that needs it."""

    version: str = Field(default=pins.NFD.version, description="NFD chart version.")
    platform: Platform = "generic"

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        return _parsed(value).removeprefix("v")


class NfdConfig(NfdSettings, _Switchable):
    """``llmd-infra:addons`` section of the add-on (its settings plus ``enabled``)."""

    enabled: bool = False


KUEUE_MIN_VERSION = "0.19.0"
"""The first Kueue where ``resources.quotaCheckStrategy: IgnoreUndeclared`` works without a feature gate
(the field came in 0.18 behind the alpha gate QuotaCheckStrategy, beta and on from 0.19:
kubernetes-sigs/kueue pkg/features/kube_features.go @v0.19.2). The add-on sets it so that a group's
CPU, memory and RDMA requests are not held against the accelerator-only ClusterQueue. These versions
also serve the ``kueue.x-k8s.io/v1beta2`` API (from 0.15), schedule topology-aware by default (beta
from 0.14) and count DRA devices (KueueDRAIntegration, beta from 0.18)."""

LOCAL_QUEUE_NAME = "default"
"""The LocalQueue llm-d's topology-aware overlays label their LeaderWorkerSets with
(``kueue.x-k8s.io/queue-name: default``: llm-d/llm-d
guides/wide-ep-lws/modelserver/gpu/vllm-deepseek-r1-0528/topology-aware/gke/kustomization.yaml)."""

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def check_kueue_version(value: str) -> str:
    """A Kueue chart version at or above :data:`KUEUE_MIN_VERSION`, without a ``v`` prefix."""
    try:
        version = parse_version(value)
    except VersionError as exc:
        raise ValueError(str(exc)) from None
    if version < parse_version(KUEUE_MIN_VERSION):
        raise ValueError(
            f"Kueue {value} is older than {KUEUE_MIN_VERSION}, the first release that can ignore resources the "
            "ClusterQueue does not cover without a feature gate (resources.quotaCheckStrategy: IgnoreUndeclared)"
        )
    return value.removeprefix("v")


def check_dns_label(value: str, what: str) -> str:
    """A Kubernetes DNS-1123 label (namespace names)."""
    if len(value) > 63 or not _DNS_LABEL.match(value):
        raise ValueError(f"'{value}' is not a {what} (lowercase letters, digits and '-', at most 63 characters)")
    return value


def check_dns_subdomain(value: str, what: str) -> str:
    """A Kubernetes DNS-1123 subdomain (names of most objects)."""
    if len(value) > 253 or not _DNS_SUBDOMAIN.match(value):
        raise ValueError(
            f"'{value}' is not a {what} (lowercase letters, digits, '-' and '.', at most 253 characters)"
        )
    return value


class KueueSettings(LlmdModel):
    """Kueue with topology-aware scheduling (TAS) for multi-host pools: Helm chart, or the Red Hat build
    of Kueue through OLM where the platform delivers operators that way."""

    version: str = Field(
        default=pins.KUEUE.version, description=f"Kueue Helm chart version (>= {KUEUE_MIN_VERSION})."
    )
    olm_channel: str = Field(
        default=pins.KUEUE_OLM.version, description="OLM channel of the Red Hat build of Kueue (OpenShift)."
    )
    local_queue_name: str = Field(
        default=LOCAL_QUEUE_NAME,
        description="LocalQueue name LeaderWorkerSets name in kueue.x-k8s.io/queue-name (llm-d's overlays: default).",
    )
    local_queue_namespaces: list[str] = Field(
        default_factory=lambda: ["default"],
        min_length=1,
        description="Namespaces (existing ones) that get the LocalQueue: those you deploy llm-d into.",
    )

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        return check_kueue_version(value)

    @field_validator("local_queue_name")
    @classmethod
    def _queue_name(cls, value: str) -> str:
        return check_dns_subdomain(value, "LocalQueue name")

    @field_validator("local_queue_namespaces")
    @classmethod
    def _namespaces(cls, value: list[str]) -> list[str]:
        for ns in value:
            check_dns_label(ns, "namespace name")
        duplicates = sorted({ns for ns in value if value.count(ns) > 1})
        if duplicates:
            raise ValueError(f"namespaces listed twice: {', '.join(duplicates)}")
        return value


class KueueConfig(KueueSettings):
    """``llmd-infra:addons`` section of the add-on (its settings plus ``enabled``)."""

    enabled: bool | None = Field(
        default=None,
        description="Install Kueue and its TAS objects (default: when the cluster has multi-host pools).",
    )


class AddonsConfig(LlmdModel):
    """Which add-ons to install and at which versions."""

    lws: LwsConfig = LwsConfig()
    gateway_api_crds: GatewayApiCrdsConfig = GatewayApiCrdsConfig()
    gpu_operator: GpuOperatorConfig = GpuOperatorConfig()
    network_operator: NetworkOperatorConfig = NetworkOperatorConfig()
    dra_driver: DraDriverConfig = DraDriverConfig()
    amd_gpu_operator: AmdGpuOperatorConfig = AmdGpuOperatorConfig()
    nfd: NfdConfig = NfdConfig()
    kueue: KueueConfig = KueueConfig()


SECTIONS: tuple[str, ...] = tuple(f.alias or n for n, f in AddonsConfig.model_fields.items())
"""Every ``llmd-infra:addons`` section, as written in a stack file."""


@dataclass(frozen=True)
class AddonSupport:
    """Which ``llmd-infra:addons`` sections a provider acts on, and why it refuses the others.

    Every section is either installed or refused with a reason (``tests/test_rooms.py`` holds that for
    every room): a key that is accepted and then ignored would tell the user something false.
    """

    installs: frozenset[str]
    refuses: Mapping[str, str] = field(default_factory=dict)

    def refused(self, addons: AddonsConfig, provider: str) -> list[Problem]:
        """One problem per section the stack file sets that ``provider`` refuses."""
        given = {AddonsConfig.model_fields[n].alias or n for n in addons.model_fields_set}
        return self.refused_sections(given, provider)

    def refused_sections(self, given: set[str], provider: str) -> list[Problem]:
        """One problem per section name in ``given`` that ``provider`` refuses (raw keys of a stack file
        that did not validate as a whole, so its other problems are reported together with these)."""
        return [
            Problem(f"llmd-infra:addons.{key}", f"not used by the {provider} provider: {why}; remove this key")
            for key, why in self.refuses.items()
            if key in given
        ]
