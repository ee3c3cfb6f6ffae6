"""The stack configuration: every ``llmd-infra:*`` key of ``Pulumi.<stack>.yaml``, validated.

Keys: ``llmd-infra:cluster`` (provider-discriminated cluster spec), ``llmd-infra:addons``,
``llmd-infra:protect``. Any other key in the ``llmd-infra`` namespace is a typo and an error. The
whole configuration is validated before the program registers a single resource.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llmd_infra.config.addons import AddonsConfig
from llmd_infra.config.base import LlmdModel, validate_model
from llmd_infra.config.gke import GkeClusterConfig

NAMESPACE = "llmd-infra"

# One member today; each provider issue adds its model here and the field becomes a
# discriminated union on ``provider``.
ClusterConfig = GkeClusterConfig

UNPROTECTED_PROVIDERS = ("minikube",)
"""Providers whose clusters are disposable (local development)."""


class StackSettings(LlmdModel):
    """Validated ``llmd-infra:*`` configuration of one stack."""

    cluster: ClusterConfig
    addons: AddonsConfig = AddonsConfig()
    protect: bool | None = None
    """Pulumi ``protect`` on the cluster and its expensive pools; default: on, except for stacks
    named ``*-dev`` and local providers."""

    def protect_for(self, stack: str) -> bool:
        """Whether expensive resources get ``protect=True`` in ``stack``."""
        if self.protect is not None:
            return self.protect
        return not stack.endswith("-dev") and self.cluster.provider not in UNPROTECTED_PROVIDERS


def settings_from_values(values: Mapping[str, str], source: str | None = None) -> StackSettings:
    """Validate the ``llmd-infra:*`` entries of a CLI-shaped config map (values are strings)."""
    data: dict[str, Any] = {}
    for key, raw in values.items():
        namespace, _, name = key.partition(":")
        if namespace != NAMESPACE:
            continue
        try:
            data[name] = json.loads(raw)
        except ValueError:
            data[name] = raw
    # One validation for everything: a typo such as ``llmd-infra:clustr`` is named as an unknown key
    # next to the missing ``llmd-infra:cluster``, never hidden behind it.
    return validate_model(StackSettings, data, f"{NAMESPACE}:", source)


def load_settings(source: str | None = None) -> StackSettings:
    """Read and validate the running program's configuration (raises :class:`ConfigError`)."""
    from pulumi.runtime.config import CONFIG

    return settings_from_values(dict(CONFIG.get()), source)
