"""Compute Engine machine types for GKE node pools: GPU (A/G series), TPU, and a few CPU types.

Every fact comes from ``/work/shared/reference/accelerator-catalog.md`` (§1a, §1b, §2, §3a); the
``source`` of each row names the section and the reference's source letters:

* [A] https://docs.cloud.google.com/compute/docs/gpus (AI Hypercomputer GPU page, 2026-04-06)
* [B] https://cloud.google.com/compute/docs/accelerator-optimized-machines (older revision)
* [C] https://cloud.google.com/compute/docs/gpus/gpu-network-bandwidth
* [D] GoogleCloudPlatform/cluster-toolkit modules/internal/gpu-definition/main.tf @2056cc5a4
* [E] AI-Hypercomputer/xpk src/xpk/core/system_characteristics.py
* [H] https://docs.cloud.google.com/ai-hypercomputer/docs/create/gke-ai-hypercompute
* [X] xpk system_characteristics.py (TPU); [S] applied-ai-engineering-samples saxml README;
  [T5e] https://cloud.google.com/tpu/docs/v5e; [T5p] https://cloud.google.com/tpu/docs/v5p;
  [T6e] https://cloud.google.com/tpu/docs/v6e; [T7] Cloud TPU7x (Ironwood) / GKE TPU7x docs;
  [P] https://cloud.google.com/kubernetes-engine/docs/concepts/plan-tpus

Conventions, so a reader can check any number:

* **Memory.** GCP lists memory in GB; rows store GiB, converted conservatively:
  ``GB * 1e9 / 2**30`` rounded *down* to one decimal (:func:`gb_to_gib`). Values the source already
  gives in GiB (TPU v6e, TPU7x) are stored as given.
* **Cores.** One vCPU is one hyperthread on Compute Engine [A], so x86 physical cores are
  ``vCPU / 2`` — derived, and each such row says so. Arm hosts (Grace, A4X) are unknown (``None``).
* **Conflicts** keep the conservative value and name the conflict in ``note``.
* **Unknown** is ``None``: NIC counts of A2/G2/G4, per-type G4 bandwidth, PCIe generation of every
  GPU type (only TPU v6e's Gen5 host has a Google source, [T6e]).
* ``rdma_nic_count`` counts the NICs carrying the row's ``rdma`` transport (GPUDirect-RDMA, TCPX or
  TCPXO GPU NICs); 0 where the source says there is no GPUDirect; ``None`` where unknown or for ICI.
* ``arch`` is ``x86_64`` unless a source says Arm (A4X, A4X Max); TPU7x host CPUs are not described
  in the reference, so its physical cores stay unknown.

Left out on purpose: ``a4-highgpu-8g-lowmem`` and ``a3-edgegpu-8g-nolssd`` (named in the reference,
host shapes not given) and the fractional-GPU ``g4-standard-6/12/24`` (no whole-GPU count).

The CPU rows (system pools) are not in the accelerator reference: their shapes follow Compute
Engine's naming convention ``<series>-standard-N`` = N vCPU with 4 GB per vCPU.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llmd_infra.catalog.accelerators import accelerator_family
from llmd_infra.catalog.types import Arch, MachineShape, RdmaKind, gb_to_gib
from llmd_infra.providers.gke.versions import gke_version_key


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

_REFS = {
    "A": "[A] docs.cloud.google.com/compute/docs/gpus",
    "B": "[B] cloud.google.com/compute/docs/accelerator-optimized-machines",
    "C": "[C] cloud.google.com/compute/docs/gpus/gpu-network-bandwidth",
    "D": "[D] cluster-toolkit gpu-definition/main.tf",
    "E": "[E] xpk system_characteristics.py",
    "H": "[H] docs.cloud.google.com/ai-hypercomputer/docs/create/gke-ai-hypercompute",
    "X": "[X] xpk system_characteristics.py",
    "S": "[S] applied-ai-engineering-samples saxml README",
    "T5e": "[T5e] cloud.google.com/tpu/docs/v5e",
    "T5p": "[T5p] cloud.google.com/tpu/docs/v5p",
    "T6e": "[T6e] cloud.google.com/tpu/docs/v6e",
    "T7": "[T7] Cloud TPU7x (Ironwood) docs",
    "P": "[P] cloud.google.com/kubernetes-engine/docs/concepts/plan-tpus",
}


def _src(section: str, *letters: str) -> str:
    return f"accelerator-catalog.md {section}: " + "; ".join(_REFS[letter] for letter in letters)


_CORES_NOTE = "physical cores = vCPU/2 (derived: one vCPU is one hyperthread [A])"


def _x86_cores(vcpus: int | None) -> int | None:
    return None if vcpus is None else vcpus // 2


def _gpu(
    name: str,
    accelerator: str,
    gke_accelerator: str,
    count: int,
    vcpus: int,
    memory_gb: int,
    max_nic_gbps: float | None,
    rdma: RdmaKind,
    rdma_nic_count: int | None,
    nic_count: int | None,
    source: str,
    note: str = "",
    *,
    arch: Arch = Arch.X86_64,
    min_rdma: tuple[str, ...] = (),
    provisioning: tuple[str, ...] = (),
    boot_disks: tuple[str, ...] = (),
) -> GkeMachineType:
    arm = arch is Arch.ARM64
    cores_note = "physical cores unknown (Arm host; no source gives cores)" if arm else _CORES_NOTE
    return GkeMachineType(
        name=name,
        accelerator=accelerator,
        accelerator_count=count,
        vcpus=vcpus,
        physical_cores=None if arm else _x86_cores(vcpus),
        memory_gib=gb_to_gib(memory_gb),
        max_nic_gbps=max_nic_gbps,
        pcie_generation=None,
        rdma=rdma,
        rdma_nic_count=rdma_nic_count,
        nic_count=nic_count,
        arch=arch,
        source=source,
        note="; ".join(part for part in (note, cores_note, "PCIe generation unknown") if part),
        gke_accelerator=gke_accelerator,
        min_rdma_gke_version=min(min_rdma, key=gke_version_key) if min_rdma else None,
        rdma_gke_version_floors=min_rdma,
        provisioning=provisioning,
        boot_disk_types=boot_disks,
    )


_A4X_NOTE = "R580 driver required for RDMA [H] — conflicts with llm-d's '< 580' driver guidance (§3a)"

_A_SERIES: tuple[GkeMachineType, ...] = (
    _gpu(
        "a4x-maxgpu-4g-metal",
        "GB300",
        "nvidia-gb300",
        4,
        144,
        960,
        3600,
        RdmaKind.ROCE,
        None,
        6,
        _src("§1a, §3a, §3b", "A", "D", "H"),
        "Grace (Arm) bare metal; RoCE via the <ZONE>-vpc-roce-metal network profile (§3b); RDMA NIC count "
        f"not stated; driver R580.95.05 + CDMM; {_A4X_NOTE}",
        arch=Arch.ARM64,
        min_rdma=("1.35.0-gke.2745000", "1.34.3-gke.1318000"),
        provisioning=("reservation",),
    ),
    _gpu(
        "a4x-highgpu-4g",
        "GB200",
        "nvidia-gb200",
        4,
        140,
        884,
        2000,
        RdmaKind.ROCE,
        4,
        6,
        _src("§1a, §3a", "A", "C", "D", "E", "H"),
        "Grace Neoverse V2, NVLink-C2C; 6 NICs = 4x CX-7 RDMA (1,600 Gbps) + 2 Titanium (400 Gbps); NVL72 "
        f"domain = 18 VMs, accelerator topology 1x72; arm64 images; {_A4X_NOTE}",
        arch=Arch.ARM64,
        min_rdma=("1.33.4-gke.1036000", "1.32.8-gke.1108000"),
        provisioning=("reservation",),
    ),
    _gpu(
        "a4-highgpu-8g",
        "B200",
        "nvidia-b200",
        8,
        224,
        3968,
        3600,
        RdmaKind.ROCE,
        8,
        10,
        _src("§1a, §3a", "A", "D", "H"),
        "10 NICs = 8 CX-7 RDMA + 2 gVNIC; driver R570 (default from 1.32.1-gke.1729000); the -lowmem variant "
        "is also nvidia-b200 but has no row (shape not in the reference)",
        min_rdma=("1.32.2-gke.1475000",),
    ),
    _gpu(
        "a3-ultragpu-8g",
        "H200",
        "nvidia-h200-141gb",
        8,
        224,
        2952,
        3600,
        RdmaKind.ROCE,
        8,
        10,
        _src("§1a, §3a", "A", "C", "D", "H"),
        "10 NICs = 8 CX-7 (3,200 Gbps) + 2 gVNIC (400 Gbps); boot disk must be hyperdisk-balanced; "
        "driver R550 "
        "(gpu-driver-version=latest on 1.31, default from 1.31.5-gke.1169000)",
        min_rdma=("1.31.4-gke.1183000",),
        boot_disks=("hyperdisk-balanced",),
    ),
    _gpu(
        "a3-megagpu-8g",
        "H100",
        "nvidia-h100-mega-80gb",
        8,
        208,
        1872,
        1800,
        RdmaKind.TCPXO,
        8,
        9,
        _src("§1a", "A", "C", "D", "E"),
        "9 NICs = 8 GPU NICs (GPUDirect-TCPXO, 200 Gbps each) + 1 host",
    ),
    _gpu(
        "a3-highgpu-8g",
        "H100",
        "nvidia-h100-80gb",
        8,
        208,
        1872,
        800,
        RdmaKind.TCPX,
        4,
        5,
        _src("§1a", "A", "B", "D", "E"),
        "conflict: max bandwidth 1,000 Gbps [A, C] vs 800 Gbps [B]; conservative 800 kept; "
        "5 NICs = 4 GPU NICs (GPUDirect-TCPX, 200 Gbps each) + 1 host",
    ),
    *(
        _gpu(
            f"a3-highgpu-{n}g",
            "H100",
            "nvidia-h100-80gb",
            n,
            vcpus,
            mem,
            gbps,
            RdmaKind.NONE,
            0,
            1,
            _src("§1a", "A"),
            "Spot / Flex-start only; no GPUDirect",
            provisioning=("spot", "flex-start"),
        )
        for n, vcpus, mem, gbps in ((4, 104, 936, 100), (2, 52, 468, 50), (1, 26, 234, 25))
    ),
    _gpu(
        "a3-edgegpu-8g",
        "H100",
        "nvidia-h100-80gb",
        8,
        208,
        1872,
        400,
        RdmaKind.TCPX,
        None,
        5,
        _src("§1a", "A", "B", "C"),
        "conflict: max bandwidth 600 Gbps in asia-south1/northamerica-northeast2 and 400 elsewhere [A], "
        "600 [C], "
        "800 [B]; conservative 400 kept; GPU NIC count not stated; GKE string per the A3 family [D]",
    ),
    *(
        _gpu(
            f"a2-ultragpu-{n}g",
            "A100",
            "nvidia-a100-80gb",
            n,
            vcpus,
            mem,
            gbps,
            RdmaKind.NONE,
            0,
            None,
            _src("§1a", "B", "D"),
            "A100 80GB, Cascade Lake; conflict: cluster-toolkit machine_mappings.json says "
            "nvidia-tesla-a100, "
            "[D] and GKE docs say nvidia-a100-80gb ([D] kept); NIC count unknown",
        )
        for n, vcpus, mem, gbps in ((8, 96, 1360, 100), (4, 48, 680, 50), (2, 24, 340, 32), (1, 12, 170, 24))
    ),
    _gpu(
        "a2-megagpu-16g",
        "A100",
        "nvidia-tesla-a100",
        16,
        96,
        1360,
        100,
        RdmaKind.NONE,
        0,
        None,
        _src("§1a", "B", "D"),
        "A100 40GB, Cascade Lake; NIC count unknown",
    ),
    *(
        _gpu(
            f"a2-highgpu-{n}g",
            "A100",
            "nvidia-tesla-a100",
            n,
            vcpus,
            mem,
            gbps,
            RdmaKind.NONE,
            0,
            None,
            _src("§1a", "B", "D"),
            "A100 40GB, Cascade Lake; NIC count unknown",
        )
        for n, vcpus, mem, gbps in ((8, 96, 680, 100), (4, 48, 340, 50), (2, 24, 170, 32), (1, 12, 85, 24))
    ),
)

_G_SERIES: tuple[GkeMachineType, ...] = (
    *(
        _gpu(
            f"g2-standard-{vcpus}",
            "L4",
            "nvidia-l4",
            n,
            vcpus,
            mem,
            gbps,
            RdmaKind.NONE,
            0,
            None,
            _src("§1b", "B", "D"),
            "NIC count unknown",
        )
        for vcpus, n, mem, gbps in (
            (4, 1, 16, 10),
            (8, 1, 32, 16),
            (12, 1, 48, 16),
            (16, 1, 64, 32),
            (24, 2, 96, 32),
            (32, 1, 128, 32),
            (48, 4, 192, 50),
            (96, 8, 384, 100),
        )
    ),
    *(
        _gpu(
            f"g4-standard-{vcpus}",
            "RTX PRO 6000",
            "nvidia-rtx-pro-6000",
            n,
            vcpus,
            mem,
            None,
            RdmaKind.NONE,
            0,
            None,
            _src("§1b", "A", "D"),
            "per-type bandwidth unknown (G4 series maximum 400 Gbps); NIC count unknown; "
            "a third-party summary "
            "says G4 uses PCIe Gen5 switches (no Google source, so not recorded)",
        )
        for vcpus, n, mem in ((48, 1, 180), (96, 2, 360), (192, 4, 720), (384, 8, 1440))
    ),
)


def _tpu(
    name: str,
    accelerator: str,
    label: str,
    chips: int,
    vcpus: int | None,
    memory_gib: float | None,
    single_host: str,
    source: str,
    note: str,
    *,
    max_nic_gbps: float | None = None,
    nic_count: int | None = None,
    pcie_generation: int | None = None,
    cores_known: bool = True,
) -> GkeMachineType:
    cores = _x86_cores(vcpus) if cores_known else None
    cores_note = _CORES_NOTE if cores is not None else "physical cores unknown"
    return GkeMachineType(
        name=name,
        accelerator=accelerator,
        accelerator_count=chips,
        vcpus=vcpus,
        physical_cores=cores,
        memory_gib=memory_gib,
        max_nic_gbps=max_nic_gbps,
        pcie_generation=pcie_generation,
        rdma=RdmaKind.ICI,
        rdma_nic_count=None,
        nic_count=nic_count,
        arch=Arch.X86_64,
        source=source,
        note=f"{note}; {cores_note}",
        gke_accelerator=label,
        tpu_single_host_topology=single_host,
    )


_V5E_NIC = "2x100 Gbps NIC per host [T5e] (stated for v5e hosts, applied to every v5e type)"
_V6E_PCIE = "PCIe Gen5 host [T6e]"
_TPU7X_NOTE = (
    "multi-host slices need a compute.ResourcePolicy workload_policy (HIGH_THROUGHPUT, accelerator_topology) "
    "instead of tpu_topology; 2 containers per VM (xpk); host CPU architecture not described in the reference"
)

_TPU: tuple[GkeMachineType, ...] = (
    _tpu(
        "ct5lp-hightpu-1t",
        "TPU v5e",
        "tpu-v5-lite-podslice",
        1,
        24,
        gb_to_gib(48),
        "1x1",
        _src("§2", "X", "S", "T5e"),
        _V5E_NIC,
        max_nic_gbps=200,
        nic_count=2,
    ),
    _tpu(
        "ct5lp-hightpu-4t",
        "TPU v5e",
        "tpu-v5-lite-podslice",
        4,
        112,
        gb_to_gib(192),
        "2x2",
        _src("§2", "X", "S", "T5e"),
        _V5E_NIC,
        max_nic_gbps=200,
        nic_count=2,
    ),
    _tpu(
        "ct5lp-hightpu-8t",
        "TPU v5e",
        "tpu-v5-lite-podslice",
        8,
        224,
        gb_to_gib(384),
        "2x4",
        _src("§2", "S", "T5e"),
        f"2 NUMA nodes; single-host 2x4 only; {_V5E_NIC}",
        max_nic_gbps=200,
        nic_count=2,
    ),
    _tpu(
        "ct5p-hightpu-4t",
        "TPU v5p",
        "tpu-v5p-slice",
        4,
        208,
        gb_to_gib(448),
        "2x2x1",
        _src("§2", "X", "T5p"),
        "max_nic_gbps = 4 chips x 50 Gbps DCN per chip [T5p] (derived); NIC count unknown",
        max_nic_gbps=200,
    ),
    _tpu(
        "ct6e-standard-1t",
        "TPU v6e",
        "tpu-v6e-slice",
        1,
        44,
        gb_to_gib(176),
        "1x1",
        _src("§2", "X", "P", "T6e"),
        "conflict: host memory 448 GiB [P] vs 176 GB (unidentified third-party); conservative 176 GB kept; "
        f"{_V6E_PCIE}; NIC bandwidth unknown",
        pcie_generation=5,
    ),
    _tpu(
        "ct6e-standard-4t",
        "TPU v6e",
        "tpu-v6e-slice",
        4,
        180,
        720.0,
        "2x2",
        _src("§2", "X", "P", "T6e"),
        f"{_V6E_PCIE}; NIC bandwidth unknown",
        pcie_generation=5,
    ),
    _tpu(
        "ct6e-standard-8t",
        "TPU v6e",
        "tpu-v6e-slice",
        8,
        180,
        1440.0,
        "2x4",
        _src("§2", "P", "T6e"),
        "2 NUMA nodes; [T6e] also says 1,536 GiB DRAM per 8-chip host; conservative 1,440 GiB [P] kept; "
        f"single-host 2x4 only; {_V6E_PCIE}; NIC bandwidth unknown",
        pcie_generation=5,
    ),
    _tpu(
        "tpu7x-standard-4t",
        "TPU7x",
        "tpu7x",
        4,
        224,
        960.0,
        "2x2x1",
        _src("§2", "X", "P", "T7"),
        f"2 NUMA nodes; 2 NICs per VM (speed unknown); {_TPU7X_NOTE}",
        nic_count=2,
        cores_known=False,
    ),
    _tpu(
        "tpu7x-standard-1t",
        "TPU7x",
        "tpu7x",
        1,
        None,
        None,
        "1x1x1",
        _src("§2", "X"),
        "vCPU and memory unknown",
        cores_known=False,
    ),
)


def _cpu(series: str, vcpus: int) -> GkeMachineType:
    return GkeMachineType(
        name=f"{series}-standard-{vcpus}",
        accelerator=None,
        accelerator_count=0,
        vcpus=vcpus,
        physical_cores=_x86_cores(vcpus),
        memory_gib=gb_to_gib(4 * vcpus),
        max_nic_gbps=None,
        pcie_generation=None,
        rdma=RdmaKind.NONE,
        rdma_nic_count=0,
        nic_count=None,
        arch=Arch.X86_64,
        source=(
            f"Compute Engine naming convention {series}-standard-N = N vCPU, 4 GB per vCPU (general-purpose "
            "machine docs; not in accelerator-catalog.md); system-pool use per llmd-providers.md §6"
        ),
        note=f"CPU-only system-pool type; {_CORES_NOTE}; bandwidth unknown",
    )


_CPU: tuple[GkeMachineType, ...] = (
    *(_cpu("e2", n) for n in (4, 8, 16, 32)),
    *(_cpu("n2", n) for n in (16, 32)),
)

GKE_MACHINE_TYPES: dict[str, GkeMachineType] = {m.name: m for m in (*_A_SERIES, *_G_SERIES, *_TPU, *_CPU)}
"""Machine type name → row."""

GKE_RDMA_MACHINE_TYPES: frozenset[str] = frozenset(
    name for name, row in GKE_MACHINE_TYPES.items() if row.rdma in (RdmaKind.ROCE, RdmaKind.INFINIBAND)
)
"""Machine types with GPUDirect-RDMA NICs (derived from the rows)."""


def gke_machine_type(name: str) -> GkeMachineType | None:
    """The row for a machine type (case-insensitive), ``None`` when the catalog does not know it."""
    return GKE_MACHINE_TYPES.get(name.strip().lower())


def gke_rdma_nic_count(machine_type: str) -> int | None:
    """RDMA NICs of a machine type: 0 for known types without RDMA NICs (TCPX/TCPXO are not RDMA),
    ``None`` for unknown machine types or an RDMA type whose NIC count no source gives."""
    row = gke_machine_type(machine_type)
    if row is None:
        return None
    if row.name not in GKE_RDMA_MACHINE_TYPES:
        return 0
    return row.rdma_nic_count


# --- TPU slice topologies ------------------------------------------------------------------------
#
# 2D (v5e, v6e): GKE accepts an explicit list [X, S, T5e, P]. 3D (v5p, TPU7x): 2x2x1 on one host, then
# 2x2x2, 2x2x4, 2x4x4, 4x4x4; beyond a 4x4x4 cube every dimension is a multiple of 4, up to a cap of
# cubes per slice (v5p: 140 cubes = 8,960 chips [T5p]; TPU7x: 144 cubes = 9,216 chips [T7]).

_CUBE_CHIPS = 4 * 4 * 4
_SMALL_3D = ("2x2x1", "2x2x2", "2x2x4", "2x4x4")
_MULTI_HOST_2D = ("2x4", "4x4", "4x8", "8x8", "8x16", "16x16")
"""v5e multi-host list [X, S]; the reference abbreviates v6e's as "2x4 … 16x16" and this list is used."""

_TOPOLOGIES_2D: dict[str, tuple[str, ...]] = {
    "ct5lp-hightpu-1t": ("1x1",),
    "ct5lp-hightpu-4t": ("2x2", *_MULTI_HOST_2D),
    "ct5lp-hightpu-8t": ("2x4",),
    "ct6e-standard-1t": ("1x1",),
    "ct6e-standard-4t": ("2x2", *_MULTI_HOST_2D),
    "ct6e-standard-8t": ("2x4",),
    "tpu7x-standard-1t": ("1x1x1",),
}
_MAX_CUBES_3D: dict[str, int] = {
    "ct5p-hightpu-4t": 140,
    "tpu7x-standard-4t": 144,
}


def _parse_topology(topology: str) -> tuple[int, ...]:
    parts = topology.strip().lower().split("x")
    if len(parts) not in (2, 3) or not all(part.isdigit() for part in parts):
        raise ValueError(f"'{topology}' is not a TPU topology (AxB or AxBxC)")
    dims = tuple(int(part) for part in parts)
    if any(dim < 1 for dim in dims):
        raise ValueError(f"'{topology}' has a zero dimension")
    return dims


def tpu_topology_chips(topology: str) -> int:
    """Chips in a slice topology: ``"4x4"`` → 16, ``"4x4x8"`` → 128. ``ValueError`` if malformed."""
    chips = 1
    for dim in _parse_topology(topology):
        chips *= dim
    return chips


def _tpu_row(machine_type: str) -> GkeMachineType:
    row = gke_machine_type(machine_type)
    if row is None or not row.is_tpu:
        raise ValueError(f"'{machine_type}' is not a TPU machine type known to the catalog")
    return row


def tpu_valid_topologies(machine_type: str) -> tuple[str, ...]:
    """Topologies a node pool of this machine type can form.

    Exhaustive for 2D types and single-host-only types. For 3D types (v5p, TPU7x) the rule admits
    hundreds of shapes (and their permutations), so this returns a representative enumeration for
    messages and docs: the small shapes, then the doubling chain 4x4x4, 4x4x8, 4x8x8, 8x8x8, ... up
    to the chip cap. Shapes such as ``4x8x12`` are valid without being listed:
    :func:`tpu_topology_valid` is the authority. The reference gives no per-dimension maximum (the
    physical pod shape), so the rule checks only multiples of 4 and the chip cap.
    """
    name = _tpu_row(machine_type).name
    if name in _TOPOLOGIES_2D:
        return _TOPOLOGIES_2D[name]
    max_chips = _MAX_CUBES_3D[name] * _CUBE_CHIPS
    sides: list[int] = []
    side = 4
    while side * 4 * 4 <= max_chips:
        sides.append(side)
        side *= 2
    large = [
        (a, b, c)
        for a in sides
        for b in sides
        for c in sides
        if a <= b <= c <= 2 * a and a * b * c <= max_chips
    ]
    large.sort(key=lambda dims: (dims[0] * dims[1] * dims[2], dims))
    return (*_SMALL_3D, *(f"{a}x{b}x{c}" for a, b, c in large))


def tpu_topology_valid(machine_type: str, topology: str) -> bool:
    """Whether GKE accepts this topology for this machine type (``False`` for malformed input)."""
    name = _tpu_row(machine_type).name
    try:
        dims = _parse_topology(topology)
    except ValueError:
        return False
    canonical = "x".join(str(dim) for dim in dims)
    if name in _TOPOLOGIES_2D:
        return canonical in _TOPOLOGIES_2D[name]
    if len(dims) != 3:
        return False
    if canonical in _SMALL_3D:
        return True
    return (
        all(dim % 4 == 0 for dim in dims)
        and tpu_topology_chips(canonical) <= _MAX_CUBES_3D[name] * _CUBE_CHIPS
    )


def tpu_topology_hosts(machine_type: str, topology: str) -> int:
    """VMs (nodes) in a slice: chips / chips per VM, at least 1. ``ValueError`` for invalid input."""
    row = _tpu_row(machine_type)
    if not tpu_topology_valid(row.name, topology):
        raise ValueError(f"topology '{topology}' is not valid for {row.name}")
    return max(1, tpu_topology_chips(topology) // row.accelerator_count)


def tpu_is_multi_host(machine_type: str, topology: str) -> bool:
    """True when the slice spans more than one VM (needs a placement policy, cannot be resized)."""
    return tpu_topology_hosts(machine_type, topology) > 1


MACHINES = GKE_MACHINE_TYPES
"""The room's catalog as the core reads it (:mod:`llmd_infra.registry`)."""
machine_shape = gke_machine_type


_GKE_ACCELERATOR_STRINGS = frozenset(
    row.gke_accelerator for row in GKE_MACHINE_TYPES.values() if row.gke_accelerator is not None
)


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
