"""The stack configuration: every ``llmd-infra:*`` key of ``Pulumi.<stack>.yaml``, validated.

Keys: ``llmd-infra:cluster`` (provider-discriminated cluster spec), ``llmd-infra:addons``,
``llmd-infra:protect``. Any other key in the ``llmd-infra`` namespace is a typo and an error. The
whole configuration is validated before the program registers a single resource.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import Field

from llmd_infra import registry
from llmd_infra.config.addons import AddonsConfig, AddonSupport
from llmd_infra.config.base import ClusterConfigBase, LlmdModel, validate_model
from llmd_infra.errors import ConfigError, Problem

NAMESPACE = "llmd-infra"


def _cluster_models() -> tuple[type[LlmdModel], ...]:
    """Every room's ``ClusterConfig``, in registry order (each has ``provider: Literal["<name>"]``)."""
    return tuple(room.ClusterConfig for _, room in registry.parts("config"))


if TYPE_CHECKING:
    ClusterConfig = ClusterConfigBase
else:
    ClusterConfig = Annotated[Union[_cluster_models()], Field(discriminator="provider")]  # noqa: UP007
    """``llmd-infra:cluster``: one provider room's model, picked by ``provider`` (error paths stay
    ``llmd-infra:cluster.<key>``; an unknown provider lists the allowed ones)."""


def addon_support(provider: str) -> AddonSupport:
    """Which ``llmd-infra:addons`` sections ``provider`` installs, and why it refuses the others."""
    room = registry.part(provider, "config")
    support: AddonSupport = room.ADDONS  # type: ignore[union-attr]
    return support


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
        return not stack.endswith("-dev") and not self.cluster.disposable


def _refused_raw(data: Mapping[str, Any]) -> list[Problem]:
    """The refused add-on sections of a configuration that did not validate (when its provider is known)."""
    cluster, addons = data.get("cluster"), data.get("addons")
    provider = cluster.get("provider") if isinstance(cluster, Mapping) else None
    if provider not in registry.PROVIDERS or not isinstance(addons, Mapping):
        return []
    return addon_support(str(provider)).refused_sections({str(key) for key in addons}, str(provider))


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
    try:
        settings = validate_model(StackSettings, data, f"{NAMESPACE}:", source, context={"config": dict(values)})
    except ConfigError as error:
        refused = _refused_raw(data)
        if not refused:
            raise
        # Every problem of the file at once: refused add-on sections too, not only after a fix.
        raise ConfigError([*error.problems, *refused], error.source) from None
    refused = addon_support(settings.cluster.provider).refused(settings.addons, settings.cluster.provider)
    if refused:
        raise ConfigError(refused, source)
    return settings


def load_settings(source: str | None = None) -> StackSettings:
    """Read and validate the running program's configuration (raises :class:`ConfigError`)."""
    from pulumi.runtime.config import CONFIG

    return settings_from_values(dict(CONFIG.get()), source)
