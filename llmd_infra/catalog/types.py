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


def gb_to_gib(gb: int) -> float:
    """A cloud's decimal GB as GiB, rounded down to one decimal (never overstates memory)."""
    return (gb * 10**10 // 2**30) / 10
