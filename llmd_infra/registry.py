"""The provider registry: the one place the core learns which provider rooms exist.

Every provider lives in its room, ``providers/<name>/`` (installed as ``llmd_infra.providers.<name>``),
and every room has the same SDK-free parts:

============  ===================================================================================
part          what the core reads from it
============  ===================================================================================
``catalog``   ``MACHINES`` (machine shapes with public sources) and ``machine_shape(name)``
``config``    ``ClusterConfig``: that provider's ``llmd-infra:cluster`` model; ``ADDONS``: which
              ``llmd-infra:addons`` sections it installs and which it refuses, with the reason
``resources`` ``READER``: how the policy pack reads the provider's RAW resources (type tokens,
              node pools, Kubernetes version fields)
``platform``  ``PLATFORM``: what the platform already does for the shared add-ons (driver,
              toolkit, OLM, Gateway API CRDs)
``policies``  ``POLICIES``: its security and reliability policies, each spec beside its check
``fakes``     ``OUTPUTS``, ``INVOKES``, ``ADDITIONAL_SECRET_OUTPUTS`` for the offline engine
============  ===================================================================================

and, on its SDK side, ``cluster_from_config`` (the stack program's entry, through the room's lazy
``__init__``) and ``components`` (``COMPONENTS`` for the multi-language package,
:mod:`llmd_infra.component_provider`).

The core iterates :data:`PROVIDERS` and never names a provider's type tokens, machine types or SDK
anywhere else (``tests/test_rooms.py`` holds that boundary). The SDK modules of a room (its
components) are imported only when a program asks for them, so a DOKS program never imports
``pulumi_gcp``.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType, ModuleType
from typing import Any

PROVIDERS: tuple[str, ...] = ("gke", "doks", "openshift", "minikube")
"""Every well-lit provider, in the order reports and the policy pack list them."""

SDKS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "gke": ("pulumi_gcp",),
        "doks": ("pulumi_digitalocean",),
        "openshift": ("pulumi_aws", "pulumi_command"),
        "minikube": ("pulumi_command",),
    }
)
"""The SDK modules each provider's components import; a provider never imports another's (shared ones,
such as ``pulumi_command`` for OpenShift's ambient kubeconfig and minikube's commands, are allowed to both)."""

PARTS: tuple[str, ...] = ("catalog", "config", "platform", "resources", "policies", "fakes")
"""The SDK-free modules of a room (``tests/test_rooms.py`` imports each and requires no cloud SDK)."""

PACKAGE = "llmd_infra.providers"


@cache
def part(provider: str, name: str) -> ModuleType | None:
    """``llmd_infra.providers.<provider>.<name>``, or ``None`` while that room has no such part yet.

    A room is added part by part (a provider whose component is not written yet still has its
    catalog and pool readers), so a missing part is not an error; an import error inside a part is.
    """
    if provider not in PROVIDERS:
        raise ValueError(f"unknown provider '{provider}'; known: {', '.join(PROVIDERS)}")
    module = f"{PACKAGE}.{provider}.{name}"
    if importlib.util.find_spec(module) is None:
        return None
    return importlib.import_module(module)


def parts(name: str) -> list[tuple[str, ModuleType]]:
    """``(provider, module)`` of every room that has part ``name``, in :data:`PROVIDERS` order."""
    found = [(provider, part(provider, name)) for provider in PROVIDERS]
    return [(provider, module) for provider, module in found if module is not None]


def lazy_exports(package: str, exports: Mapping[str, tuple[str, ...]]) -> tuple[Callable[[str], Any], list[str]]:
    """A module ``__getattr__`` and ``__all__`` that import a room's component modules on first use.

    ``exports`` maps a submodule name to the names it provides; a room's ``__init__`` does
    ``__getattr__, __all__ = lazy_exports(__name__, {...})`` so that importing the room (or one of its
    SDK-free parts) imports no cloud SDK.
    """
    where = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return __getattr__, sorted(where)
