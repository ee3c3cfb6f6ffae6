"""Row types of the catalogs: accelerator families and machine shapes, each with its source.

A fact nobody published is ``None`` (unknown) — never a guess. Where sources disagree the row keeps
the conservative value and says so in ``note``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Vendor(str, Enum):
    NVIDIA = "nvidia"
    AMD = "amd"
    GOOGLE = "google"


class SupportStatus(str, Enum):
    """llm-d's support level for an accelerator family."""

    SUPPORTED = "supported"
    BEST_EFFORT = "best-effort"
    """Older than the families llm-d names: "testing is best-effort"."""
    UNKNOWN = "unknown"


class RdmaKind(str, Enum):
    """How a machine's accelerators talk to other hosts."""

    ROCE = "RoCE"
    INFINIBAND = "InfiniBand"
    EFA = "EFA"
    TCPX = "TCPX"
    TCPXO = "TCPXO"
    ICI = "ICI"
    NONE = "none"

    @property
    def is_rdma_class(self) -> bool:
        """True for the interconnects llm-d's seed names (RDMA NICs or TPU ICI)."""
        return self in (RdmaKind.ROCE, RdmaKind.INFINIBAND, RdmaKind.EFA, RdmaKind.ICI)


class Arch(str, Enum):
    X86_64 = "x86_64"
    ARM64 = "arm64"


@dataclass(frozen=True)
class AcceleratorFamily:
    """An accelerator family (H200, MI300X, TPU v6e) in its vendor's generation order."""

    name: str
    """Canonical name as llm-d writes it: ``H200``, ``MI250X``, ``TPU v6e``."""
    vendor: Vendor
    generation: int
    """Rank within the vendor, higher is newer; families of one architecture share a rank."""
    architecture: str
    interconnect: tuple[str, ...]
    """Scale-up interconnects of the family (NVLink, Infinity Fabric, ICI), empty for PCIe-only."""
    source: str
    aliases: tuple[str, ...] = field(default=())
    """Other spellings: GKE accelerator strings, product names."""
    note: str = ""


@dataclass(frozen=True)
class MachineShape:
    """Host facts of one machine type, size slug or instance type."""

    name: str
    accelerator: str | None
    """Canonical :class:`AcceleratorFamily` name, ``None`` for CPU-only shapes."""
    accelerator_count: int
    """GPUs, or TPU chips, per machine."""
    vcpus: int | None
    physical_cores: int | None
    memory_gib: float | None
    max_nic_gbps: float | None
    pcie_generation: int | None
    rdma: RdmaKind
    rdma_nic_count: int | None
    nic_count: int | None
    arch: Arch
    source: str
    note: str = ""


@dataclass(frozen=True)
class GkeMachineType(MachineShape):
    """A Compute Engine machine type as used by a GKE node pool."""

    gke_accelerator: str | None = None
    """``guest_accelerators[].type`` for GPUs, ``cloud.google.com/gke-tpu-accelerator`` for TPUs."""
    tpu_single_host_topology: str | None = None
    """The topology of a single-host slice of this machine type (TPU only)."""
    min_rdma_gke_version: str | None = None
    """Oldest GKE version with GPUDirect RDMA on this machine type, where Google states one."""
    rdma_gke_version_floors: tuple[str, ...] = field(default=())
    """Every GKE floor Google lists for RDMA, one per minor line (A4X Max: ``1.35.0-gke.2745000`` and
    ``1.34.3-gke.1318000``). A version qualifies when it meets the floor of its own minor line, or
    its minor line is newer than every listed one; ``min_rdma_gke_version`` is the oldest floor."""
    boot_disk_types: tuple[str, ...] = field(default=())
    """Boot disk types this machine type accepts, where a source restricts them; empty = no stated limit."""
    provisioning: tuple[str, ...] = field(default=())
    """Restrictions, e.g. ``("spot", "flex-start")`` or ``("reservation",)``."""

    @property
    def is_tpu(self) -> bool:
        return self.accelerator is not None and self.accelerator.startswith("TPU")


@dataclass(frozen=True)
class DoksSize(MachineShape):
    """A DigitalOcean droplet size slug usable in a DOKS node pool."""

    fabric: bool = False
    """Multi-node fabric size (8 RDMA fabric NICs)."""
    contract_only: bool = False
    doks_supported: bool | None = True
    """``None`` where no DigitalOcean source confirms DOKS node pools of this size."""


@dataclass(frozen=True)
class AwsInstanceType(MachineShape):
    """An EC2 instance type for OpenShift MachineSets."""

    efa_supported: bool | None = None
    network_cards: int | None = None
