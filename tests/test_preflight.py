"""node-check on captured host trees: exact statuses, values and messages for every host shape and failure mode."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from llmd_infra import requirements as reqs
from llmd_infra.catalog import accelerator_family
from llmd_infra.preflight import check_host
from llmd_infra.preflight.host import normalize_bus_id, pcie_generation
from llmd_infra.preflight.model import Report, Result
from llmd_infra.preflight.render import render
from llmd_infra.preflight.tools import run_tool
from tests.preflight_trees import (
    CLASS_3D,
    DATA,
    GEN4,
    GEN5,
    NVIDIA,
    HostTree,
    amd_host,
    fake_tool,
    h200_host,
    l4_host,
    no_tools_host,
    odd_host,
    tpu_host,
)

SUPPORTED = "MI250X, TPU v5e, TPU v6e, L4, A100, H100, H200, B200"
NOT_FOUND = "nvidia-smi not found on PATH; amd-smi not found on PATH; rocm-smi not found on PATH"
ADVISORY_HERE = " (advisory here: mandatory only for multi-host pools; pass --multi-host)"
SEED_INTERCONNECT = (
    "Fast internode networking for accelerators: AMD Infinity Fabric, InfiniBand NICs; Google TPU ICI; "
    "NVIDIA NVLink, InfiniBand or RoCE NICs"
)
DRIVER_SEED = "Recommended driver version: 575.x for current llm-d releases using CUDA 12.9.1."


def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, build, *tools: tuple, multi_host: bool = False) -> Report:
    """Build the tree, put only the given stand-in tools on PATH, run the check."""
    root = tmp_path / "root"
    build(root)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in tools:
        fake_tool(bin_dir, *tool)
    monkeypatch.setenv("PATH", str(bin_dir))
    return check_host(root, multi_host=multi_host)


def results(report: Report) -> dict[str, Result]:
    return {r.id: r for r in report.results}


def triple(result: Result) -> tuple[str, object, str]:
    return result.status.value, result.value, result.message


# --- the host shapes -----------------------------------------------------------------------------


def test_compliant_h200_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, h200_host, ("nvidia-smi", DATA / "h200-nvidia-smi.csv"))
    r = results(report)
    assert [x.id for x in report.results] == [
        "host-cpu-cores", "host-memory", "host-pcie-generation", "host-network-bandwidth",
        "accelerator-supported", "accelerator-interconnect", "gpu-driver-version",
    ]
    assert triple(r["host-cpu-cores"]) == (
        "pass", 112, "112 physical cores (2 sockets, 224 logical CPUs); >= 80 cores"
    )
    assert triple(r["host-memory"]) == ("pass", 2015.6, "2015.6 GiB of memory (MemTotal 2113515904 kB); >= 500 GiB")
    # The GPUs are idle (2.5 GT/s now) but they and their ports train to 32 GT/s: gen 5, not gen 1.
    assert triple(r["host-pcie-generation"]) == ("pass", 5, "17 PCIe links at gen 5 or newer; >= 5")
    assert triple(r["host-network-bandwidth"]) == (
        "pass", 3400.0,
        "3400 Gbps aggregate (eth0 200, eth1 400, eth2 400, eth3 400, eth4 400, eth5 400, eth6 400, eth7 400, "
        "eth8 400); >= 100 Gbps",
    )
    assert triple(r["accelerator-supported"]) == ("pass", ["H200"], f"8 x H200; llm-d tests {SUPPORTED}, and newer")
    assert triple(r["accelerator-interconnect"]) == ("pass", ["RoCE"], f"RDMA ports: 8 x RoCE{ADVISORY_HERE}")
    assert triple(r["gpu-driver-version"]) == ("pass", "575.57.08", "NVIDIA driver 575.57.08; >= 525.60.13, < 580")
    assert {x.enforcement for x in report.results} == {"advisory"}
    assert (report.verdict, report.exit_code) == ("pass", 0)
    gpus = report.facts.accelerators
    assert [g.pci_address for g in gpus] == [f"0000:{b}:00.0" for b in ("18", "2a", "3a", "5d", "9a", "ab", "ba", "db")]
    assert {(g.model, g.family, g.driver, g.source) for g in gpus} == {
        ("NVIDIA H200", "H200", "575.57.08", "nvidia-smi")
    }
    link = gpus[0].link
    assert link is not None
    assert (link.current_gen, link.max_gen, link.upstream, link.upstream_max_gen, link.generation) == (
        1, 5, "0000:17:00.0", 5, 5
    )
    assert [n.name for n in report.facts.nics if n.virtual] == ["docker0"]  # lo is skipped, docker0 listed
    assert {p.netdevs for p in report.facts.rdma} == {(f"eth{i}",) for i in range(1, 9)}


def test_multi_host_makes_interconnect_mandatory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, h200_host, ("nvidia-smi", DATA / "h200-nvidia-smi.csv"), multi_host=True)
    assert triple(results(report)["accelerator-interconnect"]) == ("pass", ["RoCE"], "RDMA ports: 8 x RoCE")
    assert results(report)["accelerator-interconnect"].enforcement == "mandatory"
    assert report.exit_code == 0


def test_l4_development_box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, l4_host, ("nvidia-smi", DATA / "l4-nvidia-smi.csv"))
    r = results(report)
    assert triple(r["host-cpu-cores"]) == (
        "fail", 4,
        '4 physical cores (1 socket, 8 logical CPUs); llm-d asks for "80+ x86 or ARM cores per machine" (>= 80 cores)',
    )
    assert triple(r["host-memory"]) == (
        "fail", 31.3,
        '31.3 GiB of memory (MemTotal 32853900 kB); llm-d asks for "500GiB or more of memory" (>= 500 GiB)',
    )
    assert triple(r["host-pcie-generation"]) == (
        "fail", 4,
        'PCIe links below gen 5: L4 0000:00:03.0 gen 4 (current 16.0 GT/s PCIe, max 16.0 GT/s PCIe); llm-d asks for '
        '"PCIe 5+" (>= 5); link unknown, not counted: ens4 (no PCIe link files)',
    )
    assert triple(r["host-network-bandwidth"]) == (
        "fail", 32.0,
        '32 Gbps aggregate (ens4 32); llm-d asks for "Fast (100Gbps+ aggregate throughput) datacenter NICs" '
        "(>= 100 Gbps)",
    )
    assert triple(r["accelerator-supported"]) == ("pass", ["L4"], f"1 x L4; llm-d tests {SUPPORTED}, and newer")
    assert triple(r["accelerator-interconnect"]) == (
        "fail", None,
        f'no RDMA device in /sys/class/infiniband and no TPU chip; multi-host inference needs "{SEED_INTERCONNECT}"'
        f"{ADVISORY_HERE}",
    )
    assert triple(r["gpu-driver-version"]) == ("pass", "550.90.07", "NVIDIA driver 550.90.07; >= 525.60.13, < 580")
    # Everything that fails is advisory by default: the check reports, and exits 0.
    assert (report.verdict, report.exit_code) == ("advisory", 0)


def test_l4_box_for_multi_host_fails_the_mandatory_interconnect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = check(tmp_path, monkeypatch, l4_host, ("nvidia-smi", DATA / "l4-nvidia-smi.csv"), multi_host=True)
    r = results(report)["accelerator-interconnect"]
    assert (r.status.value, r.enforcement) == ("fail", "mandatory")
    assert r.message == (
        f'no RDMA device in /sys/class/infiniband and no TPU chip; multi-host inference needs "{SEED_INTERCONNECT}"'
    )
    assert (report.verdict, report.exit_code) == ("fail", 1)


def test_host_without_gpu_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, no_tools_host)
    r = results(report)
    assert triple(r["accelerator-supported"]) == (
        "unknown", ["unknown NVIDIA GPU"],
        "4 x unknown NVIDIA GPU; 4 NVIDIA GPU(s) of unknown model (0000:1b:00.0, 0000:43:00.0, 0000:52:00.0, "
        "0000:61:00.0): nvidia-smi not found on PATH",
    )
    assert triple(r["gpu-driver-version"]) == (
        "unknown", None, "NVIDIA driver version unknown: nvidia-smi not found on PATH"
    )
    # sysfs still answers the PCIe question for GPUs no tool named.
    assert triple(r["host-pcie-generation"]) == (
        "fail", 4,
        'PCIe links below gen 5: enp12s0 0000:0c:00.0 gen 4 (current 16.0 GT/s PCIe, max 16.0 GT/s PCIe); '
        'llm-d asks for "PCIe 5+" (>= 5)',
    )
    assert triple(r["host-cpu-cores"])[:2] == ("pass", 96)
    assert [t.problem for t in report.facts.tools] == [
        "nvidia-smi not found on PATH", "amd-smi not found on PATH", "rocm-smi not found on PATH"
    ]
    assert report.exit_code == 0


def test_host_with_no_accelerator_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, lambda root: HostTree(root).cpus(1, 2).meminfo(8_000_000))
    r = results(report)
    assert triple(r["accelerator-supported"]) == (
        "unknown", None, f"no accelerator found (no GPU or TPU PCI function in sysfs; {NOT_FOUND})"
    )
    assert triple(r["gpu-driver-version"]) == (
        "unknown", None, "no NVIDIA GPU; the requirement is about NVIDIA drivers"
    )
    assert triple(r["host-pcie-generation"]) == (
        "unknown", None, "no accelerator or physical NIC with PCIe link files"
    )
    assert triple(r["host-network-bandwidth"]) == ("unknown", None, "no physical NIC with a known speed")


def test_odd_sysfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, odd_host)
    r = results(report)
    # core_cpus_list stands in for core_id; the offline CPU (no topology) is not counted.
    assert triple(r["host-cpu-cores"]) == (
        "fail", 4,
        '4 physical cores (unknown sockets, 4 logical CPUs); llm-d asks for "80+ x86 or ARM cores per machine" '
        "(>= 80 cores)",
    )
    assert triple(r["host-memory"]) == ("unknown", None, "memory unknown: /proc/meminfo is missing or unreadable")
    # A missing speed file and speed -1 are unknown; virtual NICs (veth -1, bond0 200G) are never counted;
    # the virtio NIC counts for speed but has no PCIe link files.
    assert triple(r["host-network-bandwidth"]) == (
        "unknown", 10.0, "10 Gbps aggregate (ens5 10); not counted: eth0 (speed unknown), eth1 (speed unknown)"
    )
    assert triple(r["host-pcie-generation"]) == (
        "fail", 4,
        "PCIe links below gen 5: eth0 0000:3b:00.0 gen 4 (current 16.0 GT/s PCIe, max 16.0 GT/s PCIe); "
        'eth1 0000:3b:00.1 gen 4 (current 16.0 GT/s PCIe, max 16.0 GT/s PCIe); llm-d asks for "PCIe 5+" (>= 5); '
        "link unknown, not counted: ens5 (no PCIe link files)",
    )
    assert triple(r["accelerator-interconnect"]) == (
        "unknown", None, f"RDMA ports with an unknown link layer (Unknown){ADVISORY_HERE}"
    )
    nics = {n.name: n for n in report.facts.nics}
    assert sorted(nics) == ["bond0", "ens5", "eth0", "eth1", "veth12ab"]
    assert (nics["bond0"].virtual, nics["bond0"].speed_mbps) == (True, 200000)
    assert (nics["veth12ab"].virtual, nics["veth12ab"].speed_mbps) == (True, None)
    assert (nics["ens5"].pci_address, nics["ens5"].link) == ("0000:00:05.0", None)
    assert (nics["eth1"].virtual, nics["eth1"].speed_mbps) == (False, None)


def test_tpu_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, tpu_host)
    r = results(report)
    assert triple(r["accelerator-supported"]) == (
        "pass", ["TPU v6e"], f"4 x TPU v6e; llm-d tests {SUPPORTED}, and newer"
    )
    assert triple(r["accelerator-interconnect"]) == (
        "pass", ["TPU ICI"], f"4 TPU chips: TPU ICI links them{ADVISORY_HERE}"
    )
    assert triple(r["host-pcie-generation"]) == (
        "pass", 5, "4 PCIe links at gen 5 or newer; >= 5; link unknown, not counted: eth0 (no PCIe link files)"
    )
    # gVNIC (Google's vendor id, network class) is a NIC, not a TPU.
    assert [a.pci_address for a in report.facts.accelerators] == [f"0000:0{i}:05.0" for i in range(4)]
    assert report.facts.accel_device_nodes == ("/dev/vfio/0", "/dev/vfio/1", "/dev/vfio/2", "/dev/vfio/3")


def test_amd_host_with_amd_smi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, amd_host, ("amd-smi", DATA / "mi300x-amd-smi.json"))
    r = results(report)
    assert triple(r["accelerator-supported"]) == (
        "pass", ["MI300X"], f"8 x MI300X; llm-d tests {SUPPORTED}, and newer"
    )
    assert triple(r["accelerator-interconnect"]) == (
        "pass", ["InfiniBand"], f"RDMA ports: 8 x InfiniBand{ADVISORY_HERE}"
    )
    # InfiniBand ports without IPoIB interfaces count by their rate, and their PCIe links are judged.
    assert r["host-network-bandwidth"].value == 3200.0
    assert triple(r["host-pcie-generation"]) == ("pass", 5, "16 PCIe links at gen 5 or newer; >= 5")
    assert {(a.model, a.driver, a.source) for a in report.facts.accelerators} == {
        ("AMD Instinct MI300X", "6.10.5", "amd-smi")
    }
    assert [t.name for t in report.facts.tools] == ["nvidia-smi", "amd-smi"]  # rocm-smi only without amd-smi


def test_rocm_smi_when_amd_smi_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = {
        "card0": {"Card Series": "AMD Instinct MI250X", "PCI Bus": "0000:0C:00.0"},
        "system": {"Driver version": "6.3.6"},
    }
    report = check(tmp_path, monkeypatch, amd_host, ("rocm-smi", json.dumps(doc)))
    first = report.facts.accelerators[0]
    assert (first.model, first.family, first.driver, first.pci_address, first.source) == (
        "AMD Instinct MI250X", "MI250X", "6.3.6", "0000:0c:00.0", "rocm-smi"
    )
    # The other seven MI300X functions are in sysfs but rocm-smi did not report them.
    assert results(report)["accelerator-supported"].message == (
        "1 x MI250X, 7 x unknown AMD GPU; 7 AMD GPU(s) of unknown model (0000:22:00.0, 0000:38:00.0, 0000:5c:00.0, "
        "0000:9f:00.0, 0000:af:00.0, 0000:bf:00.0, 0000:df:00.0): not reported by rocm-smi"
    )


# --- accelerator and driver failure modes --------------------------------------------------------


def _one_gpu(root: Path) -> None:
    HostTree(root).cpus(2, 48).meminfo(1_056_757_952).pci("0000:18:00.0", NVIDIA, "0x2330", CLASS_3D, GEN5, GEN5)


@pytest.mark.parametrize(
    ("line", "status", "message"),
    [
        (
            "NVIDIA H100 80GB HBM3, 580.65.06, 00000000:18:00.0",
            "fail",
            f'NVIDIA driver 580.65.06 is outside >= 525.60.13, < 580; llm-d asks for "{DRIVER_SEED}" '
            "(>= 525.60.13, < 580); R580 and newer crash DeepEP high-throughput kernels",
        ),
        (
            "NVIDIA H100 80GB HBM3, 470.256.02, 00000000:18:00.0",
            "fail",
            f'NVIDIA driver 470.256.02 is outside >= 525.60.13, < 580; llm-d asks for "{DRIVER_SEED}" '
            "(>= 525.60.13, < 580)",
        ),
        ("NVIDIA H100 80GB HBM3, 579.99.99, 00000000:18:00.0", "pass", "NVIDIA driver 579.99.99; >= 525.60.13, < 580"),
        ("NVIDIA H100 80GB HBM3, 525.60.13, 00000000:18:00.0", "pass", "NVIDIA driver 525.60.13; >= 525.60.13, < 580"),
        ("NVIDIA H100 80GB HBM3, [N/A], 00000000:18:00.0", "unknown", "NVIDIA driver '[N/A]' is not a version"),
    ],
)
def test_driver_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, status: str, message: str
) -> None:
    report = check(tmp_path, monkeypatch, _one_gpu, ("nvidia-smi", line + "\n"))
    result = results(report)["gpu-driver-version"]
    assert (result.status.value, result.message, result.enforcement) == (status, message, "advisory")
    assert results(report)["accelerator-supported"].value == ["H100"]


def test_driver_record_reads_the_threshold_once() -> None:
    record = reqs.get("gpu-driver-version")
    assert record is reqs.REQUIREMENTS[-1]
    assert (record.minimum, record.below, record.enforcement) == (
        reqs.Version(525, 60, 13), 580, reqs.Enforcement.ADVISORY
    )
    assert record.threshold_text() == ">= 525.60.13, < 580"


def test_nvidia_smi_that_cannot_reach_the_driver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said = (
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest "
        "NVIDIA driver is installed and running.\n"
    )
    report = check(tmp_path, monkeypatch, _one_gpu, ("nvidia-smi", said, 9))
    r = results(report)
    problem = f"nvidia-smi exited 9: {said.strip()}"
    assert triple(r["accelerator-supported"]) == (
        "unknown", ["unknown NVIDIA GPU"],
        f"1 x unknown NVIDIA GPU; 1 NVIDIA GPU(s) of unknown model (0000:18:00.0): {problem}",
    )
    assert triple(r["gpu-driver-version"]) == ("unknown", None, f"NVIDIA driver version unknown: {problem}")
    assert results(report)["host-pcie-generation"].status.value == "pass"


def test_nvidia_smi_with_an_unexpected_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, _one_gpu, ("nvidia-smi", "NVIDIA H100 80GB HBM3, 575.57.08\n"))
    assert results(report)["gpu-driver-version"].message == (
        "NVIDIA driver version unknown: nvidia-smi printed an unexpected line: 'NVIDIA H100 80GB HBM3, 575.57.08'"
    )


def test_nvidia_smi_that_hangs_or_cannot_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    slow = bin_dir / "nvidia-smi"
    slow.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(5)\n")
    slow.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert run_tool("nvidia-smi", ("-L",), timeout=0.3).problem == "nvidia-smi did not finish within 0.3 s"
    slow.write_text("#!/nonexistent/interpreter\n")
    assert run_tool("nvidia-smi", ("-L",)).problem == "nvidia-smi could not run: No such file or directory"


def test_older_and_uncatalogued_accelerators(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, _one_gpu, ("nvidia-smi", "Tesla T4, 550.90.07, 00000000:18:00.0\n"))
    assert triple(results(report)["accelerator-supported"]) == (
        "fail", ["T4"],
        f"1 x T4: T4 older than the generations llm-d tests ({SUPPORTED}, and newer); support is best-effort",
    )
    rtx = "NVIDIA GeForce RTX 3090, 550.90.07, 00000000:18:00.0\n"
    report = check(tmp_path, monkeypatch, lambda root: None, ("nvidia-smi", rtx))
    assert triple(results(report)["accelerator-supported"]) == (
        "unknown", ["NVIDIA GeForce RTX 3090"],
        '1 x NVIDIA GeForce RTX 3090; "NVIDIA GeForce RTX 3090" not in the accelerator catalog',
    )


@pytest.mark.parametrize(
    ("printed", "family"),
    [
        ("NVIDIA H100 80GB HBM3", "H100"),
        ("NVIDIA H200", "H200"),
        ("NVIDIA L4", "L4"),
        ("AMD Instinct MI300X", "MI300X"),
        ("NVIDIA A100-SXM4-80GB", "A100"),
        ("NVIDIA A100 80GB PCIe", "A100"),
        ("NVIDIA H100 NVL", "H100"),
        ("NVIDIA H200 NVL", "H200"),
        ("NVIDIA B200", "B200"),
        ("NVIDIA RTX 6000 Ada Generation", "RTX 6000 Ada"),
        ("NVIDIA-H100-80GB-HBM3", "H100"),
        ("NVIDIA GeForce RTX 3090", None),
        ("nvidia-foo-80gb", None),
    ],
)
def test_tool_printed_names_map_onto_catalog_families(printed: str, family: str | None) -> None:
    found = accelerator_family(printed)
    assert (found.name if found else None) == family


# --- PCIe links ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("speed", "generation"),
    [("32.0 GT/s PCIe", 5), ("16.0 GT/s PCIe", 4), ("8.0 GT/s PCIe", 3), ("64.0 GT/s PCIe", 6),
     ("2.5 GT/s PCIe", 1), ("Unknown", None), ("", None), (None, None), ("7.5 GT/s", None)],
)
def test_pcie_generation_from_sysfs_speed(speed: str | None, generation: int | None) -> None:
    assert pcie_generation(speed) == generation


def test_gen5_gpu_in_a_gen4_slot_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def build(root: Path) -> None:
        HostTree(root).cpus(2, 48).meminfo(1_056_757_952).pci(
            "0000:1b:00.0", NVIDIA, "0x2330", CLASS_3D, GEN4, GEN5, port="0000:1a:00.0", port_max=GEN4
        )

    report = check(tmp_path, monkeypatch, build, ("nvidia-smi", "NVIDIA H100 80GB HBM3, 575.57.08, 00000000:1B:00.0\n"))
    assert triple(results(report)["host-pcie-generation"]) == (
        "fail", 4,
        "PCIe links below gen 5: H100 0000:1b:00.0 gen 4 (current 16.0 GT/s PCIe, max 32.0 GT/s PCIe, "
        'port 0000:1a:00.0 max gen 4); llm-d asks for "PCIe 5+" (>= 5)',
    )


def test_bus_ids_as_tools_print_them() -> None:
    assert normalize_bus_id("00000000:2A:00.0") == "0000:2a:00.0"
    assert normalize_bus_id("0000:c1:00.0") == "0000:c1:00.0"
    assert normalize_bus_id("N/A") is None


# --- reports -----------------------------------------------------------------------------------------


def test_json_report_contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, l4_host, ("nvidia-smi", DATA / "l4-nvidia-smi.csv"))
    doc = json.loads(render(report, "json"))
    assert doc["schema"] == "llmd-infra/node-check/v1"
    assert doc["verdict"] == "advisory"
    assert doc["results"][0] == {
        "id": "host-cpu-cores",
        "status": "fail",
        "value": 4,
        "message": '4 physical cores (1 socket, 8 logical CPUs); llm-d asks for "80+ x86 or ARM cores per machine" '
        "(>= 80 cores)",
        "enforcement": "advisory",
    }
    assert doc["host"]["cpu"] == {"logical_cpus": 8, "physical_cores": 4, "sockets": 1, "problem": None}
    assert doc["host"]["memory"] == {"total_kib": 32853900, "problem": None, "total_gib": 31.3}
    gpu = doc["host"]["accelerators"][0]
    assert (gpu["model"], gpu["family"], gpu["link"]["generation"]) == ("NVIDIA L4", "L4", 4)
    assert doc["host"]["tools"][0]["args"] == ["--query-gpu=name,driver_version,pci.bus_id", "--format=csv,noheader"]


def test_text_and_markdown_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, l4_host, ("nvidia-smi", DATA / "l4-nvidia-smi.csv"))
    text = render(report, "text")
    assert text.startswith(f"node-check of l4-dev (read from {tmp_path / 'root'}): advisory\n")
    assert "  FAIL     host-cpu-cores            advisory   4 physical cores" in text
    assert "  NVIDIA L4 [L4] at 0000:00:03.0, gen 4, driver 550.90.07 (nvidia-smi)" in text
    assert "  cni0: virtual (no device link), not counted" in text
    md = render(report, "markdown")
    assert "| `gpu-driver-version` | pass | advisory | 550.90.07 | NVIDIA driver 550.90.07; >= 525.60.13, < 580 |" in md


def test_real_host_round_trips_through_a_capture(tmp_path: Path) -> None:
    """This machine (whatever it is) judged live and from its own capture gives the same results."""
    if not Path("/sys/devices/system/cpu").is_dir():
        pytest.skip("no sysfs here")
    from llmd_infra.preflight.capture import capture

    live = capture(tmp_path / "cap")
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{tmp_path / 'cap' / 'tools' / 'bin'}:{path}"
    try:
        replay = check_host(tmp_path / "cap")
    finally:
        os.environ["PATH"] = path
    assert [r.to_dict() for r in replay.results] == [r.to_dict() for r in live.results]
    assert replay.facts.cpu == live.facts.cpu and replay.facts.nics == live.facts.nics
