"""The catalogs: accelerator families (here) and machine shapes (one per provider room).

Everything that needs a machine's facts — config validation, provider components, policies,
reports — asks here, keyed by the name the cloud uses (a machine type, size slug or instance type).
Each provider room's ``catalog`` part holds its rows (:mod:`llmd_infra.registry`); this module only
knows accelerator families, which every provider shares. The catalog holds facts, never llm-d's
thresholds: those live in :mod:`llmd_infra.requirements`, and judging a shape against them is the
caller's job.
"""

from __future__ import annotations

from llmd_infra import registry
from llmd_infra.catalog.accelerators import (
    ACCELERATOR_FAMILIES,
    SUPPORT_FLOORS,
    accelerator_family,
    family_support_status,
    support_status,
)
from llmd_infra.catalog.types import (
    AcceleratorFamily,
    Arch,
    MachineShape,
    RdmaKind,
    SupportStatus,
    Vendor,
    gb_to_gib,
)

__all__ = [
    "ACCELERATOR_FAMILIES",
    "SUPPORT_FLOORS",
    "AcceleratorFamily",
    "Arch",
    "MachineShape",
    "RdmaKind",
    "SupportStatus",
    "Vendor",
    "accelerator_family",
    "family_support_status",
    "gb_to_gib",
    "known_names",
    "machine_shape",
    "support_status",
]


def machine_shape(provider: str, name: str) -> MachineShape | None:
    """The row for ``name`` in one provider's catalog, ``None`` when unknown."""
    room = registry.part(provider, "catalog")
    if room is None:
        return None
    shape: MachineShape | None = room.machine_shape(name)
    return shape


def known_names(provider: str) -> list[str]:
    """Every name one provider's catalog knows, sorted — for "did you mean" error messages."""
    room = registry.part(provider, "catalog")
    return sorted(room.MACHINES) if room is not None else []
