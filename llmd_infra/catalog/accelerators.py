"""Accelerator families in vendor generation order, their spellings, and llm-d's support status.

Why generation ranks: llm-d names a handful of families ("AMD MI250X or newer; Google TPU v5e,
v6e, and newer; NVIDIA L4, A100, H100, H200, B200, and newer") and calls anything older
best-effort. "Newer" is only decidable with an order, so every family carries a ``generation`` rank
per vendor. One architecture is one rank: families built on the same architecture are the same
generation whatever their form factor. Consequences worth knowing:

* L40S, RTX 4000 Ada and RTX 6000 Ada share L4's Ada Lovelace rank, so they are supported — and
  llm-d's own DOKS guide tests exactly these ("NVIDIA H100, NVIDIA RTX 6000 Ada, NVIDIA RTX 4000
  Ada, NVIDIA L40S"; https://github.com/llm-d/llm-d/tree/main/docs/infrastructure/providers/digitalocean).
* A10/A10G share A100's Ampere rank; MI210 and MI250 share MI250X's CDNA2 rank; TPU v5p shares
  TPU v5e's v5 rank. All are therefore supported by the rule.

The support status is *derived* (:func:`support_status`), never written per row: the oldest
family named by ``ACCELERATOR_SUPPORTED.values`` for a vendor (parsed through
:func:`accelerator_family`) sets that vendor's floor rank.

Sources, cited per row: GoogleCloudPlatform/cluster-toolkit ``modules/internal/gpu-definition/main.tf``
for GKE accelerator strings; the GKE TPU docs and AI-Hypercomputer/xpk
``src/xpk/core/system_characteristics.py`` for TPU labels; the ROCm documentation for AMD
architectures; the cloud's machine/size pages where a family is offered. Architecture names of
NVIDIA families are NVIDIA's public product naming (https://www.nvidia.com/en-us/data-center/).
"""

from __future__ import annotations

import re

from llmd_infra.catalog.types import AcceleratorFamily, SupportStatus, Vendor
from llmd_infra.requirements import ACCELERATOR_SUPPORTED

_NV_ARCH = "architecture: NVIDIA product naming (https://www.nvidia.com/en-us/data-center/)"
_GKE_STRINGS = "GKE accelerator strings: GoogleCloudPlatform/cluster-toolkit modules/internal/gpu-definition/main.tf"
_GCP_GPUS = "https://cloud.google.com/compute/docs/gpus"
_DO_GPUS = "https://docs.digitalocean.com/products/droplets/concepts/gpu-droplets/"
_AWS_TYPES = "https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html"
_LLMD_DOKS = "tested by llm-d's DOKS guide (https://github.com/llm-d/llm-d/tree/main/docs/infrastructure/providers/digitalocean)"
_SEED = "named by llm-d's infrastructure prerequisites"
_NVLINK = ("NVLink",)
_IF = ("Infinity Fabric",)
_ICI = ("ICI",)


def _nv(
    name: str,
    generation: int,
    architecture: str,
    interconnect: tuple[str, ...],
    source: str,
    aliases: tuple[str, ...] = (),
    note: str = "",
) -> AcceleratorFamily:
    return AcceleratorFamily(
        name=name,
        vendor=Vendor.NVIDIA,
        generation=generation,
        architecture=architecture,
        interconnect=interconnect,
        source=source,
        aliases=aliases,
        note=note,
    )


def _amd(
    name: str, generation: int, architecture: str, source: str, aliases: tuple[str, ...] = (), note: str = ""
) -> AcceleratorFamily:
    return AcceleratorFamily(
        name=name,
        vendor=Vendor.AMD,
        generation=generation,
        architecture=architecture,
        interconnect=_IF,
        source=source,
        aliases=aliases,
        note=note,
    )


def _tpu(
    name: str, generation: int, architecture: str, source: str, aliases: tuple[str, ...] = (), note: str = ""
) -> AcceleratorFamily:
    return AcceleratorFamily(
        name=name,
        vendor=Vendor.GOOGLE,
        generation=generation,
        architecture=architecture,
        interconnect=_ICI,
        source=source,
        aliases=aliases,
        note=note,
    )


# NVIDIA ranks: 1 Kepler, 2 Pascal, 3 Volta, 4 Turing, 5 Ampere, 6 Ada Lovelace, 7 Hopper,
# 8 Blackwell, 9 Blackwell Ultra.
_NVIDIA: tuple[AcceleratorFamily, ...] = (
    _nv(
        "K80",
        1,
        "Kepler",
        (),
        f"{_NV_ARCH}; GKE string nvidia-tesla-k80 (GKE GPU docs)",
        ("Tesla K80", "nvidia-tesla-k80"),
    ),
    _nv(
        "P4",
        2,
        "Pascal",
        (),
        f"{_NV_ARCH}; GKE string nvidia-tesla-p4 (GKE GPU docs)",
        ("Tesla P4", "nvidia-tesla-p4"),
    ),
    _nv(
        "P100",
        2,
        "Pascal",
        _NVLINK,
        f"{_NV_ARCH}; GKE string nvidia-tesla-p100 (GKE GPU docs)",
        ("Tesla P100", "nvidia-tesla-p100"),
        note="NVLink on SXM2 modules only; PCIe cards have none.",
    ),
    _nv(
        "V100",
        3,
        "Volta",
        _NVLINK,
        f"{_NV_ARCH}; GKE string nvidia-tesla-v100 (GKE GPU docs)",
        ("Tesla V100", "nvidia-tesla-v100"),
        note="NVLink on SXM2 modules only; PCIe cards have none.",
    ),
    _nv(
        "T4",
        4,
        "Turing",
        (),
        f"{_NV_ARCH}; GKE string nvidia-tesla-t4 (GKE GPU docs)",
        ("Tesla T4", "nvidia-tesla-t4"),
    ),
    _nv(
        "A10G",
        5,
        "Ampere",
        (),
        _NV_ARCH,
        ("A10",),
        note="A10 and AWS's A10G variant kept as one family (same Ampere GA102 generation).",
    ),
    _nv(
        "A100",
        5,
        "Ampere",
        _NVLINK,
        f"{_SEED}; {_NV_ARCH}; {_GKE_STRINGS}; AWS accelerated instances {_AWS_TYPES}",
        ("A100 40GB", "A100 80GB", "A100-40GB", "A100-80GB", "nvidia-tesla-a100", "nvidia-a100-80gb"),
        note="40 GB and 80 GB parts are one family. GKE: nvidia-tesla-a100 = 40 GB, nvidia-a100-80gb = 80 GB.",
    ),
    _nv("L4", 6, "Ada Lovelace", (), f"{_SEED}; {_NV_ARCH}; {_GKE_STRINGS}", ("nvidia-l4", "L4 24GB")),
    _nv(
        "L40S",
        6,
        "Ada Lovelace",
        (),
        f"{_NV_ARCH}; DigitalOcean GPU Droplets {_DO_GPUS}; AWS {_AWS_TYPES}",
        ("L40S 48GB",),
        note=f"Shares L4's Ada generation; {_LLMD_DOKS}.",
    ),
    _nv(
        "RTX 4000 Ada",
        6,
        "Ada Lovelace",
        (),
        f"{_NV_ARCH}; DigitalOcean GPU Droplets {_DO_GPUS}",
        ("RTX 4000 Ada Generation", "RTX 4000 Ada 20GB", "RTX4000 Ada"),
        note=f"Shares L4's Ada generation; {_LLMD_DOKS}.",
    ),
    _nv(
        "RTX 6000 Ada",
        6,
        "Ada Lovelace",
        (),
        f"{_NV_ARCH}; DigitalOcean GPU Droplets {_DO_GPUS}",
        ("RTX 6000 Ada Generation", "RTX 6000 Ada 48GB", "RTX6000 Ada"),
        note=f"Shares L4's Ada generation; {_LLMD_DOKS}.",
    ),
    _nv(
        "H100",
        7,
        "Hopper",
        _NVLINK,
        f"{_SEED}; {_NV_ARCH}; {_GKE_STRINGS}",
        ("H100 80GB", "H100-80GB", "H100 Mega", "nvidia-h100-80gb", "nvidia-h100-mega-80gb"),
        note="nvidia-h100-mega-80gb is the A3 Mega (TCPXO) string; same H100 family.",
    ),
    _nv(
        "H200",
        7,
        "Hopper",
        _NVLINK,
        f"{_SEED}; {_NV_ARCH}; {_GKE_STRINGS}",
        ("H200 141GB", "H200-141GB", "nvidia-h200-141gb"),
    ),
    _nv("B200", 8, "Blackwell", _NVLINK, f"{_SEED}; {_NV_ARCH}; {_GKE_STRINGS}", ("nvidia-b200",)),
    _nv(
        "GB200",
        8,
        "Blackwell",
        _NVLINK,
        f"{_NV_ARCH}; {_GKE_STRINGS} (A4X); {_GCP_GPUS}",
        ("GB200 NVL72", "nvidia-gb200"),
        note="B200 GPUs paired with Grace (Arm) CPUs over NVLink-C2C; NVL72 NVLink domain.",
    ),
    _nv(
        "RTX PRO 6000",
        8,
        "Blackwell",
        (),
        f"{_NV_ARCH}; {_GKE_STRINGS} (G4); {_GCP_GPUS}",
        ("RTX PRO 6000 Blackwell", "RTX PRO 6000 Blackwell Server Edition", "nvidia-rtx-pro-6000"),
        note="GPU interconnect on G4 not published (no GPUDirect).",
    ),
    _nv(
        "B300", 9, "Blackwell Ultra", _NVLINK, f"{_NV_ARCH}; AWS P6 instances {_AWS_TYPES}", ()
    ),
    _nv(
        "GB300",
        9,
        "Blackwell Ultra",
        _NVLINK,
        f"{_NV_ARCH}; {_GKE_STRINGS} (A4X Max); {_GCP_GPUS}",
        ("GB300 NVL72", "nvidia-gb300"),
    ),
)

# AMD ranks: 1 CDNA, 2 CDNA2, 3 CDNA3, 4 CDNA4.
_AMD_SRC = "ROCm GPU specifications https://rocm.docs.amd.com/en/latest/reference/gpu-arch-specs.html"
_AMD: tuple[AcceleratorFamily, ...] = (
    _amd(
        "MI100",
        1,
        "CDNA",
        "AMD Instinct product naming (https://www.amd.com/en/products/accelerators/instinct.html)",
        ("Instinct MI100",),
    ),
    _amd(
        "MI210",
        2,
        "CDNA2",
        "AMD Instinct product naming: MI200 series (https://www.amd.com/en/products/accelerators/instinct.html)",
        ("Instinct MI210",),
        note="MI200-series PCIe card; shares MI250X's CDNA2 generation.",
    ),
    _amd("MI250", 2, "CDNA2", _AMD_SRC, ("Instinct MI250",)),
    _amd(
        "MI250X",
        2,
        "CDNA2",
        f"{_SEED}; {_AMD_SRC}",
        ("Instinct MI250X",),
        note="Infinity Fabric 50 GB/s per 16-wide link (ROCm MI250 page).",
    ),
    _amd(
        "MI300X",
        3,
        "CDNA3",
        f"{_AMD_SRC}; DigitalOcean GPU Droplets {_DO_GPUS}",
        ("Instinct MI300X", "MI300X 192GB"),
        note="PCIe Gen5 x16 to host per an MLCommons AMD submission (mlcommons/inference_results_v4.1).",
    ),
    _amd(
        "MI325X", 3, "CDNA3", f"{_AMD_SRC}; DigitalOcean GPU Droplets {_DO_GPUS}", ("Instinct MI325X", "MI325X 256GB")
    ),
    _amd("MI350X", 4, "CDNA4", f"{_AMD_SRC} (CDNA4, gfx950)", ("Instinct MI350X", "MI350X 288GB")),
    _amd("MI355X", 4, "CDNA4", f"{_AMD_SRC} (CDNA4, gfx950)", ("Instinct MI355X", "MI355X 288GB")),
)

# Google TPU ranks: 1 v2, 2 v3, 3 v4, 4 v5 (v5e and v5p), 5 v6e Trillium, 6 TPU7x Ironwood.
_TPU_SRC = "AI-Hypercomputer/xpk src/xpk/core/system_characteristics.py"
_GOOGLE: tuple[AcceleratorFamily, ...] = (
    _tpu(
        "TPU v2",
        1,
        "TPU v2",
        "Cloud TPU version naming (https://cloud.google.com/tpu/docs/system-architecture-tpu-vm)",
        ("v2", "tpu-v2"),
    ),
    _tpu(
        "TPU v3",
        2,
        "TPU v3",
        "Cloud TPU version naming (https://cloud.google.com/tpu/docs/system-architecture-tpu-vm)",
        ("v3", "tpu-v3"),
    ),
    _tpu(
        "TPU v4",
        3,
        "TPU v4",
        "GKE TPU label tpu-v4-podslice (GKE TPU docs)",
        ("v4", "tpu-v4", "tpu-v4-podslice"),
    ),
    _tpu(
        "TPU v5e",
        4,
        "TPU v5",
        f"{_SEED}; {_TPU_SRC}; https://cloud.google.com/tpu/docs/v5e",
        ("v5e", "tpu-v5e", "TPU v5 lite", "v5litepod", "tpu-v5-lite-podslice"),
    ),
    _tpu(
        "TPU v5p",
        4,
        "TPU v5",
        f"{_TPU_SRC}; [T5p]",
        ("v5p", "tpu-v5p", "tpu-v5p-slice"),
        note="Same TPU v5 generation as v5e, hence supported.",
    ),
    _tpu(
        "TPU v6e",
        5,
        "Trillium",
        f"{_SEED}; {_TPU_SRC}; https://cloud.google.com/tpu/docs/v6e",
        ("v6e", "tpu-v6e", "Trillium", "tpu-v6e-slice"),
    ),
    _tpu(
        "TPU7x",
        6,
        "Ironwood",
        f"{_TPU_SRC}; https://cloud.google.com/tpu/docs/tpu7x",
        ("TPU v7", "TPU v7x", "v7", "v7x", "tpu7x", "Ironwood", "TPU7x Ironwood"),
    ),
)

ACCELERATOR_FAMILIES: dict[str, AcceleratorFamily] = {f.name: f for f in (*_NVIDIA, *_AMD, *_GOOGLE)}
"""Canonical name → family, NVIDIA then AMD then Google, each in generation order."""


def _normalize(name: str) -> str:
    return " ".join(name.strip().lower().split())


def _build_index() -> dict[str, AcceleratorFamily]:
    index: dict[str, AcceleratorFamily] = {}
    for family in ACCELERATOR_FAMILIES.values():
        for spelling in (family.name, *family.aliases):
            key = _normalize(spelling)
            other = index.get(key)
            if other is not None and other is not family:
                raise ValueError(
                    f"accelerator spelling '{spelling}' names both {other.name} and {family.name}"
                )
            index[key] = family
    return index


_INDEX = _build_index()
_PREFIXES = ("nvidia ", "amd instinct ", "amd ", "instinct ", "google cloud ", "google ", "tesla ")
_MEMORY_SUFFIX = re.compile(r"\s+\d+\s*gb$")
# Trailing descriptors vendor tools print after the model: memory size, memory type, form factor.
# nvidia-smi's `name` is e.g. "NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-80GB", "NVIDIA H100 NVL" (the GPU
# Feature Discovery label nvidia.com/gpu.product is that name with dashes: llm-d/llm-d-benchmark
# scenarios/guides/tiered-prefix-cache.sh selects NVIDIA-H100-80GB-HBM3, NVIDIA-A100-SXM4-80GB, NVIDIA-L40S);
# amd-smi's market_name is e.g. "AMD Instinct MI300X" (ROCm/amdsmi docs, `amd-smi static --asic`).
_DESCRIPTOR_SUFFIX = re.compile(r"[\s-]+(\d+\s*gb|hbm\d*e?|pcie|sxm\d*|nvl|oam)$")


def accelerator_family(name: str) -> AcceleratorFamily | None:
    """The family a spelling names, case-insensitively, or ``None``.

    Accepts canonical names (``H200``), aliases (``TPU v7``, ``Trillium``), GKE accelerator strings
    (``nvidia-h200-141gb``), GKE TPU labels (``tpu-v6e-slice``) and product spellings with a vendor
    prefix or memory suffix (``NVIDIA H100 80GB``, ``AMD Instinct MI300X``), and the names vendor tools
    print, with memory and form-factor descriptors (``NVIDIA H100 80GB HBM3``, ``NVIDIA A100-SXM4-80GB``,
    ``NVIDIA H200 NVL``). Unknown names are
    ``None``, never a nearest match: ``nvidia-foo`` is not H100.
    """
    key = _normalize(name)
    if not key:
        return None
    candidates = [key]
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            candidates.append(key[len(prefix) :])
    for candidate in list(candidates):
        stripped = _MEMORY_SUFFIX.sub("", candidate)
        if stripped != candidate:
            candidates.append(stripped)
    for candidate in list(candidates):
        stripped = candidate
        while (shorter := _DESCRIPTOR_SUFFIX.sub("", stripped)) != stripped:
            stripped = shorter
            candidates.append(stripped)
    for candidate in candidates:
        family = _INDEX.get(candidate)
        if family is not None:
            return family
    return None


def _support_floors() -> dict[Vendor, int]:
    """Per vendor, the lowest generation rank among the families llm-d names."""
    floors: dict[Vendor, int] = {}
    for named in ACCELERATOR_SUPPORTED.values:
        family = accelerator_family(named)
        if family is None:
            raise ValueError(
                f"requirement {ACCELERATOR_SUPPORTED.id} names '{named}', unknown to the catalog"
            )
        current = floors.get(family.vendor)
        floors[family.vendor] = family.generation if current is None else min(current, family.generation)
    return floors


SUPPORT_FLOORS: dict[Vendor, int] = _support_floors()
"""Derived from ``ACCELERATOR_SUPPORTED.values``; not a threshold of its own."""


def family_support_status(family: AcceleratorFamily) -> SupportStatus:
    """SUPPORTED at or above the vendor's floor rank, BEST_EFFORT below it."""
    floor = SUPPORT_FLOORS.get(family.vendor)
    if floor is None:
        return SupportStatus.UNKNOWN
    return SupportStatus.SUPPORTED if family.generation >= floor else SupportStatus.BEST_EFFORT


def support_status(name: str) -> SupportStatus:
    """llm-d's support level for any spelling of an accelerator; UNKNOWN when not in the catalog."""
    family = accelerator_family(name)
    if family is None:
        return SupportStatus.UNKNOWN
    return family_support_status(family)
