"""Configuration of the in-cluster add-ons (``llmd-infra:addons``)."""

from __future__ import annotations

from pydantic import Field, field_validator

from llmd_infra import pins
from llmd_infra.config.base import LlmdModel
from llmd_infra.requirements import LWS_VERSION
from llmd_infra.versions import VersionError, parse_version


class LwsConfig(LlmdModel):
    """LeaderWorkerSet: llm-d's controller for multi-host inference."""

    enabled: bool = True
    version: str = Field(default=pins.LWS.version, description="LWS Helm chart version (>= the lws-version requirement).")
    enable_disaggregated_set: bool = Field(
        default=False, description="Install the DisaggregatedSet webhook (newest llm-d P/D guides, LWS >= 0.11)."
    )

    @field_validator("version")
    @classmethod
    def _at_least_minimum(cls, value: str) -> str:
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


class AddonsConfig(LlmdModel):
    """Which add-ons to install and at which versions."""

    lws: LwsConfig = LwsConfig()
