"""Compute Engine machine types for GKE node pools: GPU (A/G series), TPU, and a few CPU types.

Every row names its public sources in ``source`` (documentation URLs, upstream files @ commit):

* [A] https://docs.cloud.google.com/compute/docs/gpus and https://docs.cloud.google.com/ai-hypercomputer/docs/gpu
  (AI Hypercomputer GPU page, 2026-04-06): A4X, A4, A3, G4
* [B] https://cloud.google.com/compute/docs/accelerator-optimized-machines (older revision): A2, G2, older A3 bandwidths
* [C] https://cloud.google.com/compute/docs/gpus/gpu-network-bandwidth: NIC arrangement and bandwidth per type
* [D] GoogleCloudPlatform/cluster-toolkit modules/internal/gpu-definition/main.tf @2056cc5a4: machine type ->
  GKE accelerator string
* [E] AI-Hypercomputer/xpk src/xpk/core/system_characteristics.py: accelerator labels, GPUDirect kinds, TPU shapes
* [H] https://docs.cloud.google.com/ai-hypercomputer/docs/create/gke-ai-hypercompute: GKE floors and drivers for RDMA
* [L] GoogleCloudPlatform/cluster-toolkit modules/compute/gke-node-pool/disk_definitions.tf @1047080: the local
  SSD count the blueprints give ephemeral storage
* [S] GoogleCloudPlatform/applied-ai-engineering-samples (saxml README): v5e shapes
* [T5e] https://cloud.google.com/tpu/docs/v5e; [T5p] https://cloud.google.com/tpu/docs/v5p;
  [T6e] https://cloud.google.com/tpu/docs/v6e; [T7] https://docs.cloud.google.com/kubernetes-engine/docs/concepts/tpu-ironwood
* [P] https://cloud.google.com/kubernetes-engine/docs/concepts/plan-tpus
* [G] https://cloud.google.com/tpu/docs/tpus-in-gke#tpu-machine-types: the oldest GKE version per TPU generation

Rows are built with keyword arguments only, so every number says what it is.

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
  by a source used here, so its physical cores stay unknown.

Left out on purpose: ``a4-highgpu-8g-lowmem`` and ``a3-edgegpu-8g-nolssd`` (host shapes not published
in the sources above) and the fractional-GPU ``g4-standard-6/12/24`` (no whole-GPU count).

The CPU rows (system pools) follow Compute Engine's naming convention ``<series>-standard-N`` = N vCPU
with 4 GB per vCPU (https://cloud.google.com/compute/docs/general-purpose-machines).
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
    min_gke_version: str | None = None
    """Oldest GKE Standard version that runs this machine type at all (with or without RDMA), where
    Google states one (TPU v6e, TPU7x)."""
    boot_disk_types: tuple[str, ...] = field(default=())
    """Boot disk types this machine type accepts, where a source restricts them; empty = no stated limit."""
    provisioning: tuple[str, ...] = field(default=())
    """Restrictions, e.g. ``("spot", "flex-start")`` or ``("reservation",)``."""
    ephemeral_local_ssds: int | None = None
    """Local SSDs a node pool gives to ephemeral storage (``ephemeral_storage_local_ssd_config``): the
    blueprints' count [L] (A3 Ultra, A4: 32); ``0`` for a machine type with a fixed bundle of local SSDs
    whose disk count no source gives (A4X, A4X Max): the GKE API reads 0 on machine types "which dictate
    a specific number of local ssds" as "the default number of local ssds that goes with that machine
    type" (``google.container.v1.EphemeralStorageLocalSsdConfig.local_ssd_count``,
    https://docs.cloud.google.com/java/docs/reference/google-cloud-container/2.51.0/com.google.container.v1.EphemeralStorageLocalSsdConfigOrBuilder;
    that A4X is such a machine type is inferred from its bundled local SSD [A]); ``None`` where the pool
    keeps GKE's default (no local SSD ephemeral storage)."""

    @property
    def is_tpu(self) -> bool:
        return self.accelerator is not None and self.accelerator.startswith("TPU")

    @property
    def is_arm(self) -> bool:
        return self.arch is Arch.ARM64


_REFS = {
    "A": "https://docs.cloud.google.com/compute/docs/gpus",
    "B": "https://cloud.google.com/compute/docs/accelerator-optimized-machines",
    "C": "https://cloud.google.com/compute/docs/gpus/gpu-network-bandwidth",
    "D": "GoogleCloudPlatform/cluster-toolkit modules/internal/gpu-definition/main.tf @2056cc5a4",
    "E": "AI-Hypercomputer/xpk src/xpk/core/system_characteristics.py",
    "H": "https://docs.cloud.google.com/ai-hypercomputer/docs/create/gke-ai-hypercompute",
    "L": "GoogleCloudPlatform/cluster-toolkit modules/compute/gke-node-pool/disk_definitions.tf @1047080",
    "S": "GoogleCloudPlatform/applied-ai-engineering-samples (saxml README)",
    "T5e": "https://cloud.google.com/tpu/docs/v5e",
    "T5p": "https://cloud.google.com/tpu/docs/v5p",
    "T6e": "https://cloud.google.com/tpu/docs/v6e",
    "T7": "https://docs.cloud.google.com/kubernetes-engine/docs/concepts/tpu-ironwood",
    "P": "https://cloud.google.com/kubernetes-engine/docs/concepts/plan-tpus",
    "G": "https://cloud.google.com/tpu/docs/tpus-in-gke#tpu-machine-types",
}


def _src(*letters: str) -> str:
    return "; ".join(f"[{letter}] {_REFS[letter]}" for letter in letters)


_CORES_NOTE = "physical cores = vCPU/2 (derived: one vCPU is one hyperthread [A])"


def _x86_cores(vcpus: int | None) -> int | None:
    return None if vcpus is None else vcpus // 2


def _gpu(
    *,
    name: str,
    accelerator: str,
    gke_accelerator: str,
    gpus: int,
    vcpus: int,
    memory_gb: int,
    max_nic_gbps: float | None,
    rdma: RdmaKind,
    rdma_nics: int | None,
    nics: int | None,
    source: str,
    note: str = "",
    arch: Arch = Arch.X86_64,
    rdma_floors: tuple[str, ...] = (),
    provisioning: tuple[str, ...] = (),
    boot_disks: tuple[str, ...] = (),
    ephemeral_local_ssds: int | None = None,
) -> GkeMachineType:
    arm = arch is Arch.ARM64
    cores_note = "physical cores unknown (Arm host; no source gives cores)" if arm else _CORES_NOTE
    return GkeMachineType(
        name=name,
        accelerator=accelerator,
        accelerator_count=gpus,
        vcpus=vcpus,
        physical_cores=None if arm else _x86_cores(vcpus),
        memory_gib=gb_to_gib(memory_gb),
        max_nic_gbps=max_nic_gbps,
        pcie_generation=None,
        rdma=rdma,
        rdma_nic_count=rdma_nics,
        nic_count=nics,
        arch=arch,
        source=source,
        note="; ".join(part for part in (note, cores_note, "PCIe generation unknown") if part),
        gke_accelerator=gke_accelerator,
        min_rdma_gke_version=min(rdma_floors, key=gke_version_key) if rdma_floors else None,
        rdma_gke_version_floors=rdma_floors,
        provisioning=provisioning,
        boot_disk_types=boot_disks,
        ephemeral_local_ssds=ephemeral_local_ssds,
    )


_A4X_NOTE = "R580 driver required for RDMA [H] — conflicts with llm-d's '< 580' driver guidance"
_BUNDLED_SSD = "local SSD bundled with the machine type (12,000 GiB [A]); its disk count is not stated"

_A_SERIES: tuple[GkeMachineType, ...] = (
    _gpu(
        name="a4x-maxgpu-4g-metal",
        accelerator="GB300",
        gke_accelerator="nvidia-gb300",
        gpus=4,
        vcpus=144,
        memory_gb=960,
        max_nic_gbps=3600,
        rdma=RdmaKind.ROCE,
        rdma_nics=None,
        nics=6,
        source=_src("A", "D", "H"),
        note="Grace (Arm) bare metal; RoCE via the <ZONE>-vpc-roce-metal network profile [H]; RDMA NIC count "
        f"not stated; driver R580.95.05 + CDMM; {_A4X_NOTE}; {_BUNDLED_SSD}",
        arch=Arch.ARM64,
        rdma_floors=("1.35.0-gke.2745000", "1.34.3-gke.1318000"),
        provisioning=("reservation",),
        ephemeral_local_ssds=0,
    ),
    _gpu(
        name="a4x-highgpu-4g",
        accelerator="GB200",
        gke_accelerator="nvidia-gb200",
        gpus=4,
        vcpus=140,
        memory_gb=884,
        max_nic_gbps=2000,
        rdma=RdmaKind.ROCE,
        rdma_nics=4,
        nics=6,
        source=_src("A", "C", "D", "E", "H"),
        note="Grace Neoverse V2, NVLink-C2C; 6 NICs = 4x CX-7 RDMA (1,600 Gbps) + 2 Titanium (400 Gbps); NVL72 "
        f"domain = 18 VMs, accelerator topology 1x72; arm64 images; {_A4X_NOTE}; {_BUNDLED_SSD}",
        arch=Arch.ARM64,
        rdma_floors=("1.33.4-gke.1036000", "1.32.8-gke.1108000"),
        provisioning=("reservation",),
        ephemeral_local_ssds=0,
    ),
    _gpu(
        name="a4-highgpu-8g",
        accelerator="B200",
        gke_accelerator="nvidia-b200",
        gpus=8,
        vcpus=224,
        memory_gb=3968,
        max_nic_gbps=3600,
        rdma=RdmaKind.ROCE,
        rdma_nics=8,
        nics=10,
        source=_src("A", "D", "H", "L"),
        note="10 NICs = 8 CX-7 RDMA + 2 gVNIC; driver R570 (default from 1.32.1-gke.1729000); the -lowmem variant "
        "is also nvidia-b200 but has no row (shape not published in these sources); 32 local SSDs [L]",
        rdma_floors=("1.32.2-gke.1475000",),
        ephemeral_local_ssds=32,
    ),
    _gpu(
        name="a3-ultragpu-8g",
        accelerator="H200",
        gke_accelerator="nvidia-h200-141gb",
        gpus=8,
        vcpus=224,
        memory_gb=2952,
        max_nic_gbps=3600,
        rdma=RdmaKind.ROCE,
        rdma_nics=8,
        nics=10,
        source=_src("A", "C", "D", "H", "L"),
        note="10 NICs = 8 CX-7 (3,200 Gbps) + 2 gVNIC (400 Gbps); boot disk must be hyperdisk-balanced [H]; "
        "driver R550 (gpu-driver-version=latest on 1.31, default from 1.31.5-gke.1169000); 32 local SSDs [L]",
        rdma_floors=("1.31.4-gke.1183000",),
        boot_disks=("hyperdisk-balanced",),
        ephemeral_local_ssds=32,
    ),
    _gpu(
        name="a3-megagpu-8g",
        accelerator="H100",
        gke_accelerator="nvidia-h100-mega-80gb",
        gpus=8,
        vcpus=208,
        memory_gb=1872,
        max_nic_gbps=1800,
        rdma=RdmaKind.TCPXO,
        rdma_nics=8,
        nics=9,
        source=_src("A", "C", "D", "E"),
        note="9 NICs = 8 GPU NICs (GPUDirect-TCPXO, 200 Gbps each) + 1 host",
    ),
    _gpu(
        name="a3-highgpu-8g",
        accelerator="H100",
        gke_accelerator="nvidia-h100-80gb",
        gpus=8,
        vcpus=208,
        memory_gb=1872,
        max_nic_gbps=800,
        rdma=RdmaKind.TCPX,
        rdma_nics=4,
        nics=5,
        source=_src("A", "B", "D", "E"),
        note="conflict: max bandwidth 1,000 Gbps [A, C] vs 800 Gbps [B]; conservative 800 kept; "
        "5 NICs = 4 GPU NICs (GPUDirect-TCPX, 200 Gbps each) + 1 host",
    ),
    *(
        _gpu(
            name=f"a3-highgpu-{gpus}g",
            accelerator="H100",
            gke_accelerator="nvidia-h100-80gb",
            gpus=gpus,
            vcpus=vcpus,
            memory_gb=memory_gb,
            max_nic_gbps=gbps,
            rdma=RdmaKind.NONE,
            rdma_nics=0,
            nics=1,
            source=_src("A"),
            note="Spot / Flex-start only; no GPUDirect",
            provisioning=("spot", "flex-start"),
        )
        for gpus, vcpus, memory_gb, gbps in ((4, 104, 936, 100), (2, 52, 468, 50), (1, 26, 234, 25))
    ),
    _gpu(
        name="a3-edgegpu-8g",
        accelerator="H100",
        gke_accelerator="nvidia-h100-80gb",
        gpus=8,
        vcpus=208,
        memory_gb=1872,
        max_nic_gbps=400,
        rdma=RdmaKind.TCPX,
        rdma_nics=None,
        nics=5,
        source=_src("A", "B", "C"),
        note="conflict: max bandwidth 600 Gbps in asia-south1/northamerica-northeast2 and 400 elsewhere [A], "
        "600 [C], 800 [B]; conservative 400 kept; GPU NIC count not stated; GKE string per the A3 family [D]",
    ),
    *(
        _gpu(
            name=f"a2-ultragpu-{gpus}g",
            accelerator="A100",
            gke_accelerator="nvidia-a100-80gb",
            gpus=gpus,
            vcpus=vcpus,
            memory_gb=memory_gb,
            max_nic_gbps=gbps,
            rdma=RdmaKind.NONE,
            rdma_nics=0,
            nics=None,
            source=_src("B", "D"),
            note="A100 80GB, Cascade Lake; conflict: cluster-toolkit pkg/config/machine_mappings.json says "
            "nvidia-tesla-a100, [D] and GKE docs say nvidia-a100-80gb ([D] kept); NIC count unknown",
        )
        for gpus, vcpus, memory_gb, gbps in ((8, 96, 1360, 100), (4, 48, 680, 50), (2, 24, 340, 32), (1, 12, 170, 24))
    ),
    _gpu(
        name="a2-megagpu-16g",
        accelerator="A100",
        gke_accelerator="nvidia-tesla-a100",
        gpus=16,
        vcpus=96,
        memory_gb=1360,
        max_nic_gbps=100,
        rdma=RdmaKind.NONE,
        rdma_nics=0,
        nics=None,
        source=_src("B", "D"),
        note="A100 40GB, Cascade Lake; NIC count unknown",
    ),
    *(
        _gpu(
            name=f"a2-highgpu-{gpus}g",
            accelerator="A100",
            gke_accelerator="nvidia-tesla-a100",
            gpus=gpus,
            vcpus=vcpus,
            memory_gb=memory_gb,
            max_nic_gbps=gbps,
            rdma=RdmaKind.NONE,
            rdma_nics=0,
            nics=None,
            source=_src("B", "D"),
            note="A100 40GB, Cascade Lake; NIC count unknown",
        )
        for gpus, vcpus, memory_gb, gbps in ((8, 96, 680, 100), (4, 48, 340, 50), (2, 24, 170, 32), (1, 12, 85, 24))
    ),
)

_G_SERIES: tuple[GkeMachineType, ...] = (
    *(
        _gpu(
            name=f"g2-standard-{vcpus}",
            accelerator="L4",
            gke_accelerator="nvidia-l4",
            gpus=gpus,
            vcpus=vcpus,
            memory_gb=memory_gb,
            max_nic_gbps=gbps,
            rdma=RdmaKind.NONE,
            rdma_nics=0,
            nics=None,
            source=_src("B", "D"),
            note="NIC count unknown",
        )
        for vcpus, gpus, memory_gb, gbps in (
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
            name=f"g4-standard-{vcpus}",
            accelerator="RTX PRO 6000",
            gke_accelerator="nvidia-rtx-pro-6000",
            gpus=gpus,
            vcpus=vcpus,
            memory_gb=memory_gb,
            max_nic_gbps=None,
            rdma=RdmaKind.NONE,
            rdma_nics=0,
            nics=None,
            source=_src("A", "D"),
            note="per-type bandwidth unknown (G4 series maximum 400 Gbps); NIC count unknown; "
            "a third-party summary says G4 uses PCIe Gen5 switches (no Google source, so not recorded)",
        )
        for vcpus, gpus, memory_gb in ((48, 1, 180), (96, 2, 360), (192, 4, 720), (384, 8, 1440))
    ),
)


def _tpu(
    *,
    name: str,
    accelerator: str,
    gke_accelerator: str,
    chips: int,
    vcpus: int | None,
    memory_gib: float | None,
    single_host_topology: str,
    source: str,
    note: str,
    max_nic_gbps: float | None = None,
    nics: int | None = None,
    pcie_generation: int | None = None,
    cores_known: bool = True,
    min_gke_version: str | None = None,
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
        nic_count=nics,
        arch=Arch.X86_64,
        source=source,
        note=f"{note}; {cores_note}",
        gke_accelerator=gke_accelerator,
        tpu_single_host_topology=single_host_topology,
        min_gke_version=min_gke_version,
    )


_V5E_NIC = "2x100 Gbps NIC per host [T5e] (stated for v5e hosts, applied to every v5e type)"
_V6E_PCIE = "PCIe Gen5 host [T6e]"
_V6E_GKE = "1.31.2-gke.1115000"
"""TPU v6e runs on GKE 1.31.2-gke.1115000 or later [G]."""
_TPU7X_GKE = "1.34.0-gke.2201000"
"""TPU7x runs on GKE Standard 1.34.0-gke.2201000 or later [T7]."""
_TPU7X_NOTE = (
    "multi-host slices need a compute.ResourcePolicy workload_policy (HIGH_THROUGHPUT, accelerator_topology) "
    "instead of tpu_topology [T7]; 2 containers per VM [E]; host CPU architecture not described by these sources"
)

_TPU: tuple[GkeMachineType, ...] = (
    _tpu(
        name="ct5lp-hightpu-1t",
        accelerator="TPU v5e",
        gke_accelerator="tpu-v5-lite-podslice",
        chips=1,
        vcpus=24,
        memory_gib=gb_to_gib(48),
        single_host_topology="1x1",
        source=_src("E", "S", "T5e"),
        note=_V5E_NIC,
        max_nic_gbps=200,
        nics=2,
    ),
    _tpu(
        name="ct5lp-hightpu-4t",
        accelerator="TPU v5e",
        gke_accelerator="tpu-v5-lite-podslice",
        chips=4,
        vcpus=112,
        memory_gib=gb_to_gib(192),
        single_host_topology="2x2",
        source=_src("E", "S", "T5e"),
        note=_V5E_NIC,
        max_nic_gbps=200,
        nics=2,
    ),
    _tpu(
        name="ct5lp-hightpu-8t",
        accelerator="TPU v5e",
        gke_accelerator="tpu-v5-lite-podslice",
        chips=8,
        vcpus=224,
        memory_gib=gb_to_gib(384),
        single_host_topology="2x4",
        source=_src("S", "T5e"),
        note=f"2 NUMA nodes; single-host 2x4 only; {_V5E_NIC}",
        max_nic_gbps=200,
        nics=2,
    ),
    _tpu(
        name="ct5p-hightpu-4t",
        accelerator="TPU v5p",
        gke_accelerator="tpu-v5p-slice",
        chips=4,
        vcpus=208,
        memory_gib=gb_to_gib(448),
        single_host_topology="2x2x1",
        source=_src("E", "T5p"),
        note="max_nic_gbps = 4 chips x 50 Gbps DCN per chip [T5p] (derived); NIC count unknown",
        max_nic_gbps=200,
    ),
    _tpu(
        name="ct6e-standard-1t",
        accelerator="TPU v6e",
        gke_accelerator="tpu-v6e-slice",
        chips=1,
        vcpus=44,
        memory_gib=gb_to_gib(176),
        single_host_topology="1x1",
        source=_src("E", "P", "T6e", "G"),
        note="conflict: host memory 448 GiB [P] vs 176 GB (unidentified third-party); conservative 176 GB kept; "
        f"{_V6E_PCIE}; NIC bandwidth unknown",
        pcie_generation=5,
        min_gke_version=_V6E_GKE,
    ),
    _tpu(
        name="ct6e-standard-4t",
        accelerator="TPU v6e",
        gke_accelerator="tpu-v6e-slice",
        chips=4,
        vcpus=180,
        memory_gib=720.0,
        single_host_topology="2x2",
        source=_src("E", "P", "T6e", "G"),
        note=f"{_V6E_PCIE}; NIC bandwidth unknown",
        pcie_generation=5,
        min_gke_version=_V6E_GKE,
    ),
    _tpu(
        name="ct6e-standard-8t",
        accelerator="TPU v6e",
        gke_accelerator="tpu-v6e-slice",
        chips=8,
        vcpus=180,
        memory_gib=1440.0,
        single_host_topology="2x4",
        source=_src("P", "T6e", "G"),
        note="2 NUMA nodes; [T6e] also says 1,536 GiB DRAM per 8-chip host; conservative 1,440 GiB [P] kept; "
        f"single-host 2x4 only; {_V6E_PCIE}; NIC bandwidth unknown",
        pcie_generation=5,
        min_gke_version=_V6E_GKE,
    ),
    _tpu(
        name="tpu7x-standard-4t",
        accelerator="TPU7x",
        gke_accelerator="tpu7x",
        chips=4,
        vcpus=224,
        memory_gib=960.0,
        single_host_topology="2x2x1",
        source=_src("E", "P", "T7"),
        note=f"2 NUMA nodes; 2 NICs per VM (speed unknown) [T7]; {_TPU7X_NOTE}",
        nics=2,
        cores_known=False,
        min_gke_version=_TPU7X_GKE,
    ),
    _tpu(
        name="tpu7x-standard-1t",
        accelerator="TPU7x",
        gke_accelerator="tpu7x",
        chips=1,
        vcpus=None,
        memory_gib=None,
        single_host_topology="1x1x1",
        source=_src("E", "T7"),
        note="vCPU and memory unknown",
        cores_known=False,
        min_gke_version=_TPU7X_GKE,
    ),
)


def _cpu(*, series: str, vcpus: int) -> GkeMachineType:
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
            f"Compute Engine naming convention {series}-standard-N = N vCPU, 4 GB per vCPU "
            "(https://cloud.google.com/compute/docs/general-purpose-machines)"
        ),
        note=f"CPU-only system-pool type; {_CORES_NOTE}; bandwidth unknown",
    )


_CPU: tuple[GkeMachineType, ...] = (
    *(_cpu(series="e2", vcpus=n) for n in (4, 8, 16, 32)),
    *(_cpu(series="n2", vcpus=n) for n in (16, 32)),
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
# 2D (v5e, v6e): GKE accepts an explicit list [E, S, T5e, P]. 3D (v5p, TPU7x): 2x2x1 on one host, then
# 2x2x2, 2x2x4, 2x4x4, 4x4x4; beyond a 4x4x4 cube every dimension is a multiple of 4, up to a cap of
# cubes per slice (v5p: 140 cubes = 8,960 chips [T5p]; TPU7x: 144 cubes = 9,216 chips [T7]).

_CUBE_CHIPS = 4 * 4 * 4
_SMALL_3D = ("2x2x1", "2x2x2", "2x2x4", "2x4x4")
_MULTI_HOST_2D = ("2x4", "4x4", "4x8", "8x8", "8x16", "16x16")
"""v5e multi-host list [E, S]; [P] lists v6e's multi-host range as 2x4 to 16x16 and this list is used."""

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
