"""The catalogs: accelerator families and machine shapes, each row with its source.

Everything that needs a machine's facts — config validation, provider components, policies,
reports — asks here, keyed by the name the cloud uses (GKE machine type, DOKS size slug, EC2
instance type). The catalog holds facts, never llm-d's thresholds: those live in
:mod:`llmd_infra.requirements`, and judging a shape against them is the caller's job.
"""

from __future__ import annotations

from typing import Literal

from llmd_infra.catalog.accelerators import (
    ACCELERATOR_FAMILIES,
    SUPPORT_FLOORS,
    accelerator_family,
    family_support_status,
    support_status,
)
from llmd_infra.catalog.aws import AWS_INSTANCE_TYPES, aws_instance_type
from llmd_infra.catalog.digitalocean import DOKS_SIZES, doks_size
from llmd_infra.catalog.gcp import (
    GKE_MACHINE_TYPES,
    GKE_RDMA_MACHINE_TYPES,
    gb_to_gib,
    gke_machine_type,
    gke_rdma_nic_count,
    tpu_is_multi_host,
    tpu_topology_chips,
    tpu_topology_hosts,
    tpu_topology_valid,
    tpu_valid_topologies,
)
from llmd_infra.catalog.types import (
    AcceleratorFamily,
    Arch,
    AwsInstanceType,
    DoksSize,
    GkeMachineType,
    MachineShape,
    RdmaKind,
    SupportStatus,
    Vendor,
)

Provider = Literal["gke", "doks", "aws"]

__all__ = [
    "ACCELERATOR_FAMILIES",
    "AWS_INSTANCE_TYPES",
    "DOKS_SIZES",
    "GKE_MACHINE_TYPES",
    "GKE_RDMA_MACHINE_TYPES",
    "SUPPORT_FLOORS",
    "AcceleratorFamily",
    "Arch",
    "AwsInstanceType",
    "DoksSize",
    "GkeMachineType",
    "MachineShape",
    "Provider",
    "RdmaKind",
    "SupportStatus",
    "Vendor",
    "accelerator_family",
    "accelerator_offered_on",
    "aws_instance_type",
    "doks_size",
    "family_support_status",
    "gb_to_gib",
    "gke_machine_type",
    "gke_rdma_nic_count",
    "known_names",
    "machine_shape",
    "support_status",
    "tpu_is_multi_host",
    "tpu_topology_chips",
    "tpu_topology_hosts",
    "tpu_topology_valid",
    "tpu_valid_topologies",
]

_GKE_ACCELERATOR_STRINGS = frozenset(
    row.gke_accelerator for row in GKE_MACHINE_TYPES.values() if row.gke_accelerator is not None
)


def machine_shape(provider: Provider, name: str) -> MachineShape | None:
    """The row for ``name`` in one provider's catalog, ``None`` when unknown."""
    if provider == "gke":
        return gke_machine_type(name)
    if provider == "doks":
        return doks_size(name)
    if provider == "aws":
        return aws_instance_type(name)
    raise ValueError(f"unknown provider '{provider}'; known: gke, doks, aws")


def known_names(provider: Provider) -> list[str]:
    """Every name the catalog knows for a provider, sorted — for "did you mean" error messages."""
    if provider == "gke":
        return sorted(GKE_MACHINE_TYPES)
    if provider == "doks":
        return sorted(DOKS_SIZES)
    if provider == "aws":
        return sorted(AWS_INSTANCE_TYPES)
    raise ValueError(f"unknown provider '{provider}'; known: gke, doks, aws")


def accelerator_offered_on(machine_type: str, accelerator: str) -> bool:
    """Whether a GKE machine type carries this accelerator.

    A GKE accelerator string (``nvidia-h100-80gb``, ``tpu-v6e-slice``) must match the machine type's
    string exactly, because GKE rejects another string of the same family (``nvidia-tesla-a100`` on
    ``a2-ultragpu-8g``, ``nvidia-h100-80gb`` on ``a3-megagpu-8g``). Any other spelling is compared by
    family (``H100`` is offered on ``a3-megagpu-8g``). Unknown machine types and names are ``False``.
    """
    row = gke_machine_type(machine_type)
    if row is None or row.accelerator is None:
        return False
    key = accelerator.strip().lower()
    if key in _GKE_ACCELERATOR_STRINGS:
        return key == row.gke_accelerator
    family = accelerator_family(accelerator)
    return family is not None and family.name == row.accelerator
