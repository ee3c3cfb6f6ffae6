"""DigitalOcean droplet size slugs for DOKS node pools (GPU sizes and a few CPU sizes), and what DOKS
puts on GPU nodes.

Sources:

* [DO-F] https://docs.digitalocean.com/products/droplets/details/features/ (GPU Droplets, contract-only
  single- and multi-node GPU Droplets)
* [DO-RN] https://docs.digitalocean.com/release-notes/kubernetes/;
  [DO-G] https://docs.digitalocean.com/products/kubernetes/details/supported-gpus/
* [DO-MN] https://docs.digitalocean.com/products/kubernetes/how-to/configure-multinode-gpus/
* [DO-M] https://docs.digitalocean.com/products/kubernetes/details/managed/ (labels and taints of GPU nodes)

Why the numbers look the way they do:

* **Bandwidth.** Every GPU Droplet has 10 Gbps public and 25 Gbps private (VPC) bandwidth [DO-F];
  rows keep the VPC figure, 25 Gbps, as ``max_nic_gbps``. Fabric sizes add 8 fabric NICs whose
  speed no source gives, so their figure stays the VPC one (conservative) and ``note`` says so.
* **Fabric RDMA kind.** [DO-MN] says fabric NICs carry RDMA, exposed by the Mellanox
  ``k8s-rdma-shared-dev-plugin`` as ``rdma/fabric0..7``. The reference does not say RoCE or
  InfiniBand; the 2025-10-31 revision of [DO-MN] itself names the ``doca-roce`` RDMA driver for
  these NICs, so fabric rows are ``RdmaKind.ROCE`` and cite that in ``note``.
* **DOKS support.** ``doks_supported`` is ``None`` where no DigitalOcean source was found
  for DOKS node pools of that size: H200 sizes and the spot MI350X/MI355X sizes.
* **Cores, PCIe** are not published for Droplets: ``None``. ``arch`` is x86_64 (no Arm GPU Droplet
  appears in any source).
* **CPU sizes** (system pools). Their vCPU count and memory
  are read from the slug (``s-4vcpu-8gb`` = 4 vCPU, 8 GB); memory is stored as GB → GiB rounded
  down, the conservative reading of "gb". ``c-16`` names only its vCPUs, so its memory is ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from llmd_infra.catalog.types import Arch, MachineShape, RdmaKind, Vendor, gb_to_gib


@dataclass(frozen=True)
class DoksSize(MachineShape):
    """A DigitalOcean droplet size slug usable in a DOKS node pool."""

    fabric: bool = False
    """Multi-node fabric size (8 RDMA fabric NICs)."""
    contract_only: bool = False
    doks_supported: bool | None = True
    """``None`` where no DigitalOcean source confirms DOKS node pools of this size."""


_DO_F = "[DO-F] https://docs.digitalocean.com/products/droplets/details/features/ (GPU Droplet sizes)"
_DO_MN = "[DO-MN] docs.digitalocean.com/products/kubernetes/how-to/configure-multinode-gpus/"
_SPOT_SRC = "third-party listing of DigitalOcean API size slugs (unconfirmed by DigitalOcean)"
_VPC_GBPS = 25.0
_NET_NOTE = "10 Gbps public + 25 Gbps VPC [DO-F]; the VPC 25 Gbps is kept"
_FABRIC_NOTE = (
    "contract-only multi-node fabric size (multiples of 8 GPUs, GA 2025-10-31 [DO-RN]); "
    "NICs: fabric0..fabric7 + eth0 (public) + eth1 (VPC) [DO-MN]; "
    "RDMA via the Mellanox k8s-rdma-shared-dev-plugin (rdma/fabric0..7) "
    "installed by DOKS; RoCE per the doca-roce RDMA driver named in [DO-MN] (2025-10-31 revision) — the "
    "reference itself says only 'RDMA'; fabric NIC speed unknown, so max_nic_gbps is the VPC 25 Gbps"
)


def _gpu(
    slug: str,
    accelerator: str,
    count: int,
    vcpus: int,
    memory_gib: float,
    source: str,
    note: str = "",
    *,
    contract_only: bool = False,
    doks_supported: bool | None = True,
) -> DoksSize:
    return DoksSize(
        name=slug,
        accelerator=accelerator,
        accelerator_count=count,
        vcpus=vcpus,
        physical_cores=None,
        memory_gib=memory_gib,
        max_nic_gbps=_VPC_GBPS,
        pcie_generation=None,
        rdma=RdmaKind.NONE,
        rdma_nic_count=0,
        nic_count=None,
        arch=Arch.X86_64,
        source=source,
        note="; ".join(part for part in (note, _NET_NOTE) if part),
        fabric=False,
        contract_only=contract_only,
        doks_supported=doks_supported,
    )


def _fabric(base: DoksSize, extra_note: str = "") -> DoksSize:
    """The ``-fabric-contracted`` variant of an 8-GPU size: same shape, 8 RDMA fabric NICs."""
    slug = base.name.removesuffix("-contracted") + "-fabric-contracted"
    return DoksSize(
        name=slug,
        accelerator=base.accelerator,
        accelerator_count=base.accelerator_count,
        vcpus=base.vcpus,
        physical_cores=None,
        memory_gib=base.memory_gib,
        max_nic_gbps=_VPC_GBPS,
        pcie_generation=None,
        rdma=RdmaKind.ROCE,
        rdma_nic_count=8,
        nic_count=10,
        arch=Arch.X86_64,
        source=f"{_DO_F} (variant of {base.name}, shape as listed for it); {_DO_MN}",
        note="; ".join(part for part in (extra_note, _FABRIC_NOTE) if part),
        fabric=True,
        contract_only=True,
        doks_supported=base.doks_supported,
    )


_H200_NOTE = "DOKS node pools of H200 sizes: no DigitalOcean source found"
_SPOT_NOTE = "spot; DOKS support unknown; listing unconfirmed"

_H100_8 = _gpu(slug="gpu-h100x8-640gb", accelerator="H100", count=8, vcpus=160, memory_gib=1920, source=_DO_F)
_H200_8 = _gpu(
    slug="gpu-h200x8-1128gb",
    accelerator="H200",
    count=8,
    vcpus=192,
    memory_gib=1920,
    source=_DO_F,
    note=_H200_NOTE,
    doks_supported=None,
)
_MI300X_8 = _gpu(slug="gpu-mi300x8-1536gb", accelerator="MI300X", count=8, vcpus=160, memory_gib=1920, source=_DO_F)
_MI325X_8 = _gpu(
    slug="gpu-mi325x8-2048gb-contracted",
    accelerator="MI325X",
    count=8,
    vcpus=160,
    memory_gib=1310,
    source=_DO_F,
    note="contract",
    contract_only=True,
)

_GPU: tuple[DoksSize, ...] = (
    _gpu(slug="gpu-h100x1-80gb", accelerator="H100", count=1, vcpus=20, memory_gib=240, source=_DO_F),
    _H100_8,
    _gpu(
        slug="gpu-h100x8-640gb-contracted",
        accelerator="H100",
        count=8,
        vcpus=160,
        memory_gib=1920,
        source=f"{_DO_F} (contract variant of gpu-h100x8-640gb)",
        note="contract",
        contract_only=True,
    ),
    _gpu(
        slug="gpu-h200x1-141gb",
        accelerator="H200",
        count=1,
        vcpus=24,
        memory_gib=240,
        source=_DO_F,
        note=_H200_NOTE,
        doks_supported=None,
    ),
    _H200_8,
    _fabric(base=_H200_8, extra_note=_H200_NOTE),
    _gpu(slug="gpu-mi300x1-192gb", accelerator="MI300X", count=1, vcpus=20, memory_gib=240, source=_DO_F),
    _MI300X_8,
    _fabric(base=_MI300X_8),
    _gpu(
        slug="gpu-mi325x1-256gb-contracted",
        accelerator="MI325X",
        count=1,
        vcpus=20,
        memory_gib=164,
        source=_DO_F,
        note="contract",
        contract_only=True,
    ),
    _MI325X_8,
    _fabric(base=_MI325X_8),
    _gpu(slug="gpu-l40sx1-48gb", accelerator="L40S", count=1, vcpus=8, memory_gib=64, source=_DO_F),
    _gpu(slug="gpu-4000adax1-20gb", accelerator="RTX 4000 Ada", count=1, vcpus=8, memory_gib=32, source=_DO_F),
    _gpu(slug="gpu-6000adax1-48gb", accelerator="RTX 6000 Ada", count=1, vcpus=8, memory_gib=64, source=_DO_F),
    *(
        _gpu(
            slug=f"gpu-{model.lower()}{count}-{mem}gb-spot",
            accelerator=model,
            count=count,
            vcpus=vcpus,
            memory_gib=ram,
            source=_SPOT_SRC,
            note=_SPOT_NOTE,
            doks_supported=None,
        )
        for model in ("MI350X", "MI355X")
        for count, mem, vcpus, ram in ((1, 288, 24, 256), (8, 2304, 192, 2048))
    ),
)


def _cpu(slug: str, vcpus: int, memory_gb: int | None) -> DoksSize:
    memory_note = "memory from the slug, GB read as decimal GB" if memory_gb else "memory not in the slug: unknown"
    return DoksSize(
        name=slug,
        accelerator=None,
        accelerator_count=0,
        vcpus=vcpus,
        physical_cores=None,
        memory_gib=None if memory_gb is None else gb_to_gib(memory_gb),
        max_nic_gbps=None,
        pcie_generation=None,
        rdma=RdmaKind.NONE,
        rdma_nic_count=0,
        nic_count=None,
        arch=Arch.X86_64,
        source=(
            "DigitalOcean Droplet slug naming convention (<class>-<N>vcpu-<M>gb); "
            "https://docs.digitalocean.com/products/droplets/details/features/ (CPU Droplet plans)"
        ),
        note=f"CPU-only system-pool size; {memory_note}; no jumbo frames on non-GPU Droplets "
        "(docs.digitalocean.com/products/droplets/details/limits)",
    )


_CPU: tuple[DoksSize, ...] = (
    _cpu(slug="s-4vcpu-8gb", vcpus=4, memory_gb=8),
    _cpu(slug="s-8vcpu-16gb", vcpus=8, memory_gb=16),
    _cpu(slug="c-16", vcpus=16, memory_gb=None),
    _cpu(slug="g-8vcpu-32gb", vcpus=8, memory_gb=32),
)

DOKS_SIZES: dict[str, DoksSize] = {s.name: s for s in (*_GPU, *_CPU)}
"""Size slug → row."""


def doks_size(slug: str) -> DoksSize | None:
    """The row for a size slug (case-insensitive), ``None`` when the catalog does not know it."""
    return DOKS_SIZES.get(slug.strip().lower())


MACHINES = DOKS_SIZES
"""The room's catalog as the core reads it (:mod:`llmd_infra.registry`)."""
machine_shape = doks_size


# --- what DOKS puts on GPU nodes -------------------------------------------------------------------

DOKS_LABEL_PREFIX = "doks.digitalocean.com/"
"""DOKS sets and reconciles node labels of this prefix itself [DO-M]: a pool cannot set them."""
GPU_BRAND_LABEL = "doks.digitalocean.com/gpu-brand"
GPU_MODEL_LABEL = "doks.digitalocean.com/gpu-model"


@dataclass(frozen=True)
class GpuNodeFacts:
    """What DOKS puts on the GPU nodes of one vendor [DO-M], and the resource pods request [DO-MN]."""

    brand: str
    """Value of ``doks.digitalocean.com/gpu-brand``."""
    taint: str
    """Key of the ``NoSchedule`` taint DOKS puts on the nodes (pods tolerate it)."""
    resource: str
    """Extended resource of the vendor's device plugin."""
    source: str = "[DO-M] https://docs.digitalocean.com/products/kubernetes/details/managed/; [DO-MN]"


GPU_NODES: Mapping[Vendor, GpuNodeFacts] = MappingProxyType(
    {
        Vendor.NVIDIA: GpuNodeFacts(brand="nvidia", taint="nvidia.com/gpu", resource="nvidia.com/gpu"),
        Vendor.AMD: GpuNodeFacts(brand="amd", taint="amd.com/gpu", resource="amd.com/gpu"),
    }
)
"""Per accelerator vendor: DOKS's GPU node label value, taint and device-plugin resource."""
