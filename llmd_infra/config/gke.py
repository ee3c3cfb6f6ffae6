"""GKE cluster configuration (placeholder: the GKE provider work replaces this module)."""

from __future__ import annotations

from typing import Literal

from llmd_infra.config.base import LlmdModel


class GkeClusterConfig(LlmdModel):
    """``llmd-infra:cluster`` for ``provider: gke``."""

    provider: Literal["gke"]
    name: str
