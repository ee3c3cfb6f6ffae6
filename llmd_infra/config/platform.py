"""What each platform already does for the shared add-ons, as data its room provides.

A shared add-on (GPU Operator, NFD, Gateway API CRDs) installs only what the platform does not: GKE
installs the NVIDIA driver, DOKS the driver, toolkit and device plugin, OpenShift delivers operators
through OLM. Each provider room says so in its ``platform`` part (``PLATFORM``, a
:class:`PlatformProfile`); the add-ons read the profile and never branch on a platform's name.
Platforms without a room (``generic``, ``aks``) are profiles here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from llmd_infra import registry


def _never(cluster_version: str) -> bool:
    return False


@dataclass(frozen=True)
class PlatformProfile:
    """A platform's part in the GPU and gateway add-ons."""

    operators_via_olm: bool = False
    """Operators come from OLM (Subscriptions and a CR), not Helm charts."""
    gpu_driver_by_operator: bool = True
    """Default of the GPU Operator's ``driver.enabled``: false where the platform installs the driver."""
    gpu_toolkit_by_operator: bool = True
    """Default of the GPU Operator's ``toolkit.enabled``: false where the platform configures the runtime."""
    nvidia_install_dir: str | None = None
    """Host directory of the platform's NVIDIA driver, when not the operator's default."""
    gpu_operator_components_off: tuple[str, ...] = ()
    """GPU Operator components the platform's llm-d recipe turns off."""
    manages_gateway_crds: Callable[[str], bool] = _never
    """``cluster_version -> bool``: whether that version of the platform installs the Gateway API and
    GAIE CRDs itself (then the add-on creates nothing)."""
    topology_labels: tuple[str, ...] = ()
    """Node labels the platform itself puts on its nodes that describe where a node sits in the
    network (block, sub-block, host, node pool...): what a Kueue ``Topology`` level may name besides
    the labels a pool sets and ``kubernetes.io/hostname``, which every node carries."""


GENERIC = PlatformProfile()
"""Any conformant cluster: the operators install everything themselves."""

AKS = PlatformProfile(
    # llm-d's AKS helmfile (gpu-operator v25.3.4): node pools created with --gpu-driver none get the
    # operator's driver; features llm-d does not use are off
    # (https://github.com/llm-d/llm-d/tree/main/docs/infrastructure/providers/aks).
    gpu_operator_components_off=("migManager", "vgpuDeviceManager", "vfioManager", "sandboxDevicePlugin"),
)

_OTHER_PLATFORMS = {"aks": AKS, "generic": GENERIC}


def platforms() -> tuple[str, ...]:
    """Every platform name an add-on accepts: the registry's providers, then ``aks`` and ``generic``."""
    return (*registry.PROVIDERS, *_OTHER_PLATFORMS)


def platform_profile(name: str) -> PlatformProfile:
    """The profile of ``name`` (a provider room's ``PLATFORM``, else a profile above)."""
    if name in _OTHER_PLATFORMS:
        return _OTHER_PLATFORMS[name]
    room = registry.part(name, "platform")
    profile: PlatformProfile | None = getattr(room, "PLATFORM", None) if room is not None else None
    return profile if profile is not None else GENERIC


def check_platform(value: str) -> str:
    """Validate a platform name, with the message format used everywhere."""
    allowed = platforms()
    if value not in allowed:
        raise ValueError(f"unknown platform '{value}'; allowed: {', '.join(allowed)}")
    return value
