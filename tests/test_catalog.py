"""The catalogs: exact rows, conflict resolutions, derived support status, TPU topologies, integrity."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from llmd_infra import catalog
from llmd_infra.catalog import (
    ACCELERATOR_FAMILIES,
    Arch,
    MachineShape,
    RdmaKind,
    SupportStatus,
    Vendor,
    accelerator_family,
    known_names,
    machine_shape,
    support_status,
)
from llmd_infra.providers.doks.catalog import DOKS_SIZES, doks_size
from llmd_infra.providers.gke.catalog import (
    GKE_MACHINE_TYPES,
    GKE_RDMA_MACHINE_TYPES,
    accelerator_offered_on,
    gke_machine_type,
    gke_rdma_nic_count,
    tpu_is_multi_host,
    tpu_topology_chips,
    tpu_topology_hosts,
    tpu_topology_valid,
    tpu_valid_topologies,
)
from llmd_infra.providers.openshift.catalog import AWS_INSTANCE_TYPES, aws_instance_type
from llmd_infra.requirements import ACCELERATOR_SUPPORTED, REQUIREMENTS
from llmd_infra.versions import Version

ALL_SHAPES: list[MachineShape] = [*GKE_MACHINE_TYPES.values(), *DOKS_SIZES.values(), *AWS_INSTANCE_TYPES.values()]


# --- specific rows --------------------------------------------------------------------------------


def test_a3_ultragpu_row() -> None:
    row = gke_machine_type("a3-ultragpu-8g")
    assert row is not None
    assert row.gke_accelerator == "nvidia-h200-141gb"
    assert row.accelerator == "H200"
    assert row.accelerator_count == 8
    assert row.vcpus == 224
    assert row.physical_cores == 112
    assert row.rdma is RdmaKind.ROCE
    assert row.rdma_nic_count == 8
    assert row.nic_count == 10
    assert row.arch is Arch.X86_64
    assert row.max_nic_gbps == 3600
    assert row.memory_gib == 2749.2  # 2,952 GB
    assert row.pcie_generation is None
    assert row.min_rdma_gke_version == "1.31.4-gke.1183000"
    assert "derived" in row.note


def test_a4x_rows_are_arm_reservation_bound_with_unknown_cores() -> None:
    a4x = gke_machine_type("a4x-highgpu-4g")
    assert a4x is not None
    assert (a4x.arch, a4x.physical_cores, a4x.rdma, a4x.rdma_nic_count) == (Arch.ARM64, None, RdmaKind.ROCE, 4)
    assert a4x.provisioning == ("reservation",)
    assert a4x.min_rdma_gke_version == "1.32.8-gke.1108000"
    assert set(a4x.rdma_gke_version_floors) == {"1.33.4-gke.1036000", "1.32.8-gke.1108000"}
    metal = gke_machine_type("a4x-maxgpu-4g-metal")
    assert metal is not None
    assert (metal.arch, metal.accelerator, metal.rdma_nic_count) == (Arch.ARM64, "GB300", None)
    assert metal.min_rdma_gke_version == "1.34.3-gke.1318000"


def test_gke_rdma_kinds_by_machine_type() -> None:
    expected = {
        "a4-highgpu-8g": RdmaKind.ROCE,
        "a3-megagpu-8g": RdmaKind.TCPXO,
        "a3-highgpu-8g": RdmaKind.TCPX,
        "a3-edgegpu-8g": RdmaKind.TCPX,
        "a3-highgpu-4g": RdmaKind.NONE,
        "a2-ultragpu-8g": RdmaKind.NONE,
        "g2-standard-96": RdmaKind.NONE,
        "ct6e-standard-4t": RdmaKind.ICI,
        "tpu7x-standard-4t": RdmaKind.ICI,
    }
    for name, kind in expected.items():
        row = gke_machine_type(name)
        assert row is not None and row.rdma is kind, name
    assert {"a4x-maxgpu-4g-metal", "a4x-highgpu-4g", "a4-highgpu-8g", "a3-ultragpu-8g"} == GKE_RDMA_MACHINE_TYPES
    assert gke_rdma_nic_count("a4-highgpu-8g") == 8
    assert gke_rdma_nic_count("a3-megagpu-8g") == 0
    assert gke_rdma_nic_count("a4x-maxgpu-4g-metal") is None
    assert gke_rdma_nic_count("n1-standard-1") is None


def test_small_a3_high_types_are_spot_or_flex_start_only() -> None:
    for n, gbps in ((1, 25), (2, 50), (4, 100)):
        row = gke_machine_type(f"a3-highgpu-{n}g")
        assert row is not None
        assert row.provisioning == ("spot", "flex-start")
        assert (row.accelerator_count, row.max_nic_gbps, row.nic_count) == (n, gbps, 1)


def test_memory_is_conservative_gib() -> None:
    a3_mega = gke_machine_type("A3-MEGAGPU-8G")
    assert a3_mega is not None and a3_mega.memory_gib == 1743.4  # 1,872 GB
    assert catalog.gb_to_gib(1000) == 931.3
    cpu = gke_machine_type("e2-standard-8")
    assert cpu is not None
    assert (cpu.accelerator, cpu.accelerator_count, cpu.vcpus, cpu.memory_gib) == (None, 0, 8, 29.8)


def test_tpu_host_facts() -> None:
    v6e = gke_machine_type("ct6e-standard-4t")
    assert v6e is not None
    assert (v6e.accelerator, v6e.gke_accelerator, v6e.accelerator_count) == ("TPU v6e", "tpu-v6e-slice", 4)
    assert (v6e.memory_gib, v6e.pcie_generation, v6e.tpu_single_host_topology) == (720.0, 5, "2x2")
    assert v6e.is_tpu
    v5e = gke_machine_type("ct5lp-hightpu-4t")
    assert v5e is not None and v5e.pcie_generation is None and v5e.gke_accelerator == "tpu-v5-lite-podslice"
    tpu7x = gke_machine_type("tpu7x-standard-1t")
    assert tpu7x is not None and tpu7x.vcpus is None and tpu7x.memory_gib is None


def test_doks_rows() -> None:
    h100 = doks_size("gpu-h100x8-640gb")
    assert h100 is not None
    assert (h100.accelerator, h100.accelerator_count, h100.vcpus, h100.memory_gib) == ("H100", 8, 160, 1920)
    assert (h100.max_nic_gbps, h100.rdma, h100.fabric, h100.doks_supported) == (25, RdmaKind.NONE, False, True)
    fabric = doks_size("gpu-mi300x8-1536gb-fabric-contracted")
    assert fabric is not None
    assert (fabric.fabric, fabric.contract_only, fabric.rdma, fabric.rdma_nic_count) == (True, True, RdmaKind.ROCE, 8)
    assert "doca-roce" in fabric.note
    assert doks_size("gpu-h100x8-640gb-contracted") is not None
    for slug in ("gpu-h200x8-1128gb", "gpu-h200x8-1128gb-fabric-contracted", "gpu-mi355x8-2304gb-spot"):
        row = doks_size(slug)
        assert row is not None and row.doks_supported is None, slug
    cpu = doks_size("c-16")
    assert cpu is not None and cpu.vcpus == 16 and cpu.memory_gib is None


def test_aws_rows() -> None:
    p5 = aws_instance_type("p5.48xlarge")
    assert p5 is not None
    assert (p5.accelerator, p5.physical_cores, p5.memory_gib, p5.network_cards) == ("H100", 96, 2048, 32)
    assert (p5.rdma, p5.efa_supported, p5.rdma_nic_count) == (RdmaKind.EFA, True, 32)
    p5en = aws_instance_type("p5en.48xlarge")
    assert p5en is not None and p5en.pcie_generation is None and "third-party" in p5en.note
    gb200 = aws_instance_type("p6e-gb200.36xlarge")
    assert gb200 is not None and gb200.arch is Arch.ARM64 and gb200.accelerator == "GB200"
    g6 = aws_instance_type("g6.xlarge")
    assert g6 is not None and (g6.rdma, g6.max_nic_gbps) == (RdmaKind.NONE, 2.5)
    unknown_efa = aws_instance_type("g6e.4xlarge")
    assert unknown_efa is not None and unknown_efa.efa_supported is None and unknown_efa.rdma is RdmaKind.NONE
    m6a = aws_instance_type("m6a.4xlarge")
    assert m6a is not None and (m6a.vcpus, m6a.memory_gib, m6a.accelerator) == (16, 64, None)


# --- conflicts resolved conservatively ------------------------------------------------------------


def test_a3_high_bandwidth_conflict_keeps_800_with_note() -> None:
    row = gke_machine_type("a3-highgpu-8g")
    assert row is not None
    assert row.max_nic_gbps == 800
    assert "1,000" in row.note and "800" in row.note and "conflict" in row.note


def test_a3_edge_bandwidth_conflict_keeps_400() -> None:
    row = gke_machine_type("a3-edgegpu-8g")
    assert row is not None and row.max_nic_gbps == 400 and "conflict" in row.note


def test_v6e_1t_memory_conflict_keeps_the_lower_value() -> None:
    row = gke_machine_type("ct6e-standard-1t")
    assert row is not None and row.memory_gib == 163.9 and "448" in row.note


def test_a2_ultragpu_uses_the_gpu_definition_string() -> None:
    row = gke_machine_type("a2-ultragpu-8g")
    assert row is not None and row.gke_accelerator == "nvidia-a100-80gb" and "nvidia-tesla-a100" in row.note
    assert accelerator_offered_on("a2-ultragpu-8g", "nvidia-a100-80gb")
    assert not accelerator_offered_on("a2-ultragpu-8g", "nvidia-tesla-a100")


# --- accelerator families and derived support status ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("H200", SupportStatus.SUPPORTED),
        ("nvidia-h200-141gb", SupportStatus.SUPPORTED),
        ("B300", SupportStatus.SUPPORTED),
        ("A10G", SupportStatus.SUPPORTED),  # Ampere, like A100
        ("T4", SupportStatus.BEST_EFFORT),
        ("nvidia-tesla-v100", SupportStatus.BEST_EFFORT),
        ("L40S", SupportStatus.SUPPORTED),
        ("RTX 4000 Ada", SupportStatus.SUPPORTED),
        ("nvidia-foo", SupportStatus.UNKNOWN),
        ("", SupportStatus.UNKNOWN),
        ("TPU v4", SupportStatus.BEST_EFFORT),
        ("TPU v5e", SupportStatus.SUPPORTED),
        ("tpu-v5p-slice", SupportStatus.SUPPORTED),
        ("v6e", SupportStatus.SUPPORTED),
        ("TPU v7", SupportStatus.SUPPORTED),
        ("Ironwood", SupportStatus.SUPPORTED),
        ("MI300X", SupportStatus.SUPPORTED),
        ("AMD Instinct MI250X", SupportStatus.SUPPORTED),
        # MI210 is a CDNA2 part like MI250X: the same generation, so supported by llm-d's
        # "MI250X or newer". MI100 (CDNA) is the older AMD generation.
        ("MI210", SupportStatus.SUPPORTED),
        ("MI100", SupportStatus.BEST_EFFORT),
    ],
)
def test_support_status(name: str, status: SupportStatus) -> None:
    assert support_status(name) is status


def test_every_family_llm_d_names_resolves_and_is_supported() -> None:
    for named in ACCELERATOR_SUPPORTED.values:
        family = accelerator_family(named)
        assert family is not None, named
        assert support_status(named) is SupportStatus.SUPPORTED


def test_floors_follow_the_oldest_named_family_per_vendor() -> None:
    assert {
        Vendor.NVIDIA: ACCELERATOR_FAMILIES["A100"].generation,
        Vendor.AMD: ACCELERATOR_FAMILIES["MI250X"].generation,
        Vendor.GOOGLE: ACCELERATOR_FAMILIES["TPU v5e"].generation,
    } == catalog.SUPPORT_FLOORS


def test_accelerator_lookup_spellings() -> None:
    for spelling, canonical in {
        "h100": "H100",
        "nvidia-h100-mega-80gb": "H100",
        "NVIDIA H100 80GB": "H100",
        "nvidia-tesla-a100": "A100",
        "A100 40GB": "A100",
        "tpu-v5-lite-podslice": "TPU v5e",
        "TPU7X": "TPU7x",
        "tpu-v4-podslice": "TPU v4",
        "nvidia-rtx-pro-6000": "RTX PRO 6000",
        "  rtx 6000 ada  ": "RTX 6000 Ada",
    }.items():
        family = accelerator_family(spelling)
        assert family is not None and family.name == canonical, spelling
    assert accelerator_family("nvidia-foo") is None
    assert accelerator_family("H1000") is None


def test_ada_families_share_l4_generation() -> None:
    ada = {ACCELERATOR_FAMILIES[n].generation for n in ("L4", "L40S", "RTX 4000 Ada", "RTX 6000 Ada")}
    assert len(ada) == 1


def test_generations_are_ordered_within_each_vendor() -> None:
    for vendor in Vendor:
        ranks = [f.generation for f in ACCELERATOR_FAMILIES.values() if f.vendor is vendor]
        assert ranks == sorted(ranks), vendor
    same_architecture_same_rank: dict[tuple[Vendor, str], set[int]] = {}
    for family in ACCELERATOR_FAMILIES.values():
        same_architecture_same_rank.setdefault((family.vendor, family.architecture), set()).add(family.generation)
    assert all(len(ranks) == 1 for ranks in same_architecture_same_rank.values())


def test_accelerator_offered_on() -> None:
    assert accelerator_offered_on("a3-megagpu-8g", "nvidia-h100-mega-80gb")
    assert accelerator_offered_on("a3-megagpu-8g", "H100")
    assert not accelerator_offered_on("a3-megagpu-8g", "nvidia-h100-80gb")
    assert accelerator_offered_on("ct6e-standard-4t", "tpu-v6e-slice")
    assert not accelerator_offered_on("ct6e-standard-4t", "tpu-v5-lite-podslice")
    assert not accelerator_offered_on("e2-standard-4", "H100")
    assert not accelerator_offered_on("no-such-type", "H100")


# --- TPU topologies -------------------------------------------------------------------------------


def test_v6e_4t_topologies() -> None:
    assert tpu_topology_valid("ct6e-standard-4t", "4x4")
    assert tpu_topology_hosts("ct6e-standard-4t", "4x4") == 4
    assert tpu_is_multi_host("ct6e-standard-4t", "4x4")
    assert not tpu_is_multi_host("ct6e-standard-4t", "2x2")
    assert not tpu_topology_valid("ct6e-standard-4t", "3x3")
    assert tpu_valid_topologies("ct6e-standard-4t") == ("2x2", "2x4", "4x4", "4x8", "8x8", "8x16", "16x16")
    with pytest.raises(ValueError):
        tpu_topology_hosts("ct6e-standard-4t", "3x3")


def test_single_host_only_types() -> None:
    assert tpu_valid_topologies("ct6e-standard-8t") == ("2x4",)
    assert tpu_valid_topologies("ct5lp-hightpu-8t") == ("2x4",)
    assert tpu_valid_topologies("ct6e-standard-1t") == ("1x1",)
    assert not tpu_topology_valid("ct6e-standard-8t", "4x4")
    assert tpu_topology_hosts("ct6e-standard-8t", "2x4") == 1


def test_v5p_3d_rule() -> None:
    assert tpu_topology_valid("ct5p-hightpu-4t", "4x4x8")
    assert tpu_topology_hosts("ct5p-hightpu-4t", "4x4x8") == 32
    assert tpu_topology_hosts("ct5p-hightpu-4t", "2x2x1") == 1
    assert tpu_topology_hosts("ct5p-hightpu-4t", "2x2x2") == 2
    for valid in ("8x8x8", "4x8x12", "2x4x4", "16x20x28"):
        assert tpu_topology_valid("ct5p-hightpu-4t", valid), valid
    for invalid in ("2x2x3", "4x4x6", "4x4", "20x20x24", "4x4xfoo", "0x4x4"):
        assert not tpu_topology_valid("ct5p-hightpu-4t", invalid), invalid
    listed = tpu_valid_topologies("ct5p-hightpu-4t")
    assert listed[:5] == ("2x2x1", "2x2x2", "2x2x4", "2x4x4", "4x4x4")
    assert all(tpu_topology_valid("ct5p-hightpu-4t", t) for t in listed)


def test_tpu7x_cap_is_144_cubes() -> None:
    assert tpu_topology_valid("tpu7x-standard-4t", "16x24x24")  # 9,216 chips
    assert not tpu_topology_valid("ct5p-hightpu-4t", "16x24x24")
    assert tpu_valid_topologies("tpu7x-standard-1t") == ("1x1x1",)


def test_topology_chips_and_errors() -> None:
    assert tpu_topology_chips("4x4x8") == 128
    assert tpu_topology_chips("16x16") == 256
    with pytest.raises(ValueError):
        tpu_topology_chips("4x")
    with pytest.raises(ValueError):
        tpu_valid_topologies("a3-ultragpu-8g")


# --- integrity ------------------------------------------------------------------------------------


def test_every_row_has_a_source() -> None:
    for family in ACCELERATOR_FAMILIES.values():
        assert family.source.strip(), family.name
    for shape in ALL_SHAPES:
        assert shape.source.strip(), shape.name


def test_every_gke_gpu_string_resolves_to_the_row_accelerator() -> None:
    for row in GKE_MACHINE_TYPES.values():
        if row.accelerator is None:
            assert row.gke_accelerator is None and row.accelerator_count == 0
            continue
        assert row.gke_accelerator is not None, row.name
        family = accelerator_family(row.gke_accelerator)
        assert family is not None and family.name == row.accelerator, row.name


def test_every_shape_accelerator_is_a_canonical_family() -> None:
    for shape in ALL_SHAPES:
        if shape.accelerator is not None:
            assert shape.accelerator in ACCELERATOR_FAMILIES, shape.name
            assert shape.accelerator_count > 0, shape.name


def test_rdma_and_efa_are_consistent() -> None:
    for row in AWS_INSTANCE_TYPES.values():
        assert (row.rdma is RdmaKind.EFA) == (row.efa_supported is True), row.name
    for size in DOKS_SIZES.values():
        assert (size.rdma is RdmaKind.ROCE) == size.fabric, size.name
        if size.fabric:
            assert size.contract_only and size.name.endswith("-fabric-contracted")


def test_x86_cores_are_half_the_vcpus_and_arm_cores_unknown_on_gke() -> None:
    for row in GKE_MACHINE_TYPES.values():
        if row.arch is Arch.ARM64:
            assert row.physical_cores is None, row.name
        elif row.physical_cores is not None and row.vcpus is not None:
            assert row.physical_cores * 2 == row.vcpus, row.name


def test_lookups_and_known_names() -> None:
    assert machine_shape("gke", "a4-highgpu-8g") is GKE_MACHINE_TYPES["a4-highgpu-8g"]
    assert machine_shape("doks", "GPU-H100X1-80GB") is DOKS_SIZES["gpu-h100x1-80gb"]
    assert machine_shape("openshift", "p5e.48xlarge") is AWS_INSTANCE_TYPES["p5e.48xlarge"]
    assert machine_shape("gke", "nope") is None
    assert known_names("openshift") == sorted(AWS_INSTANCE_TYPES)
    assert "gpu-l40sx1-48gb" in known_names("doks")
    assert "ct5lp-hightpu-4t" in known_names("gke")


def test_section_1a_1b_2_are_covered() -> None:
    expected = {
        "a4x-maxgpu-4g-metal", "a4x-highgpu-4g", "a4-highgpu-8g", "a3-ultragpu-8g", "a3-megagpu-8g",
        "a3-highgpu-8g", "a3-highgpu-4g", "a3-highgpu-2g", "a3-highgpu-1g", "a3-edgegpu-8g",
        *(f"a2-ultragpu-{n}g" for n in (1, 2, 4, 8)), "a2-megagpu-16g", *(f"a2-highgpu-{n}g" for n in (1, 2, 4, 8)),
        *(f"g2-standard-{n}" for n in (4, 8, 12, 16, 24, 32, 48, 96)),
        *(f"g4-standard-{n}" for n in (48, 96, 192, 384)),
        "ct5lp-hightpu-1t", "ct5lp-hightpu-4t", "ct5lp-hightpu-8t", "ct5p-hightpu-4t",
        "ct6e-standard-1t", "ct6e-standard-4t", "ct6e-standard-8t", "tpu7x-standard-4t", "tpu7x-standard-1t",
        "e2-standard-4", "e2-standard-8", "e2-standard-16", "e2-standard-32", "n2-standard-16", "n2-standard-32",
    }  # fmt: skip
    assert set(GKE_MACHINE_TYPES) == expected


_REPO = Path(__file__).resolve().parents[1]
_FACT_MODULES = (
    "llmd_infra/catalog/accelerators.py",
    "llmd_infra/catalog/__init__.py",
    *(f"providers/{name}/catalog.py" for name in ("gke", "doks", "openshift")),
)


def test_catalog_writes_no_requirement_threshold() -> None:
    """The catalogs hold facts; thresholds live once, in requirements.py."""
    sources = {name: (_REPO / name).read_text(encoding="utf-8") for name in _FACT_MODULES}
    for requirement in REQUIREMENTS:
        for bound in (requirement.minimum, requirement.maximum):
            if bound is None:
                continue
            if isinstance(bound, Version):
                texts = {str(bound), bound.minor_str()} if not bound.patch else {str(bound)}
                patterns = [rf"(?<![\w.]){re.escape(text)}(?![\w.-])" for text in texts]
            else:
                # A comparison against the number, e.g. ">= 80" or "< 500".
                patterns = [rf"[<>]=?\s*{bound}\b"]
            for name, text in sources.items():
                for pattern in patterns:
                    assert not re.search(pattern, text), f"{name} writes {requirement.id}'s threshold ({pattern})"
    for name, text in sources.items():
        assert ".minimum" not in text and ".maximum" not in text, name
        assert "min_int(" not in text and "min_version(" not in text, name
