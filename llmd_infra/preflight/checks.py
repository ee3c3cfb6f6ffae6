"""Judge host facts against llm-d's requirement records: one result per requirement a host can answer.

Every threshold comes from :mod:`llmd_infra.requirements`; messages quote the record's seed sentence.
A fact the host did not give is ``unknown`` with the reason, never a guess and never a failure.

Enforcement is the record's default, with one exception: ``accelerator-interconnect`` is mandatory
for *multi-host* pools, and a host alone cannot know whether it is in one. It is judged advisory
unless the caller says the node serves multi-host inference (``--multi-host``, or in the cluster the
node's ``llm-d.ai/multi-host=true`` label).

Standard library only (runs in the node-check DaemonSet).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from llmd_infra.catalog.accelerators import accelerator_family, family_support_status
from llmd_infra.catalog.types import SupportStatus
from llmd_infra.preflight.model import HostFacts, PcieLink, Report, Result, Status
from llmd_infra.requirements import (
    ACCELERATOR_INTERCONNECT,
    ACCELERATOR_SUPPORTED,
    GPU_DRIVER_VERSION,
    HOST_CPU_CORES,
    HOST_MEMORY,
    HOST_NETWORK_BANDWIDTH,
    HOST_PCIE_GENERATION,
    Enforcement,
    Requirement,
)
from llmd_infra.versions import try_parse_version

JUDGED = (
    HOST_CPU_CORES,
    HOST_MEMORY,
    HOST_PCIE_GENERATION,
    HOST_NETWORK_BANDWIDTH,
    ACCELERATOR_SUPPORTED,
    ACCELERATOR_INTERCONNECT,
    GPU_DRIVER_VERSION,
)
"""The requirements a host can answer, in report order."""

_VENDOR = {"nvidia": "NVIDIA", "amd": "AMD", "google": "Google"}


def _result(record: Requirement, status: Status, value: object, message: str, enforcement: str = "") -> Result:
    return Result(record.id, status, value, message, enforcement or record.enforcement.value)


def _asks(record: Requirement) -> str:
    return f'llm-d asks for "{record.seed}" ({record.threshold_text()})'


def check_cpu_cores(facts: HostFacts) -> Result:
    cpu, record = facts.cpu, HOST_CPU_CORES
    if cpu.physical_cores is None:
        return _result(record, Status.UNKNOWN, None, f"physical cores unknown: {cpu.problem}")
    sockets = "unknown sockets" if cpu.sockets is None else f"{cpu.sockets} socket{'s' if cpu.sockets != 1 else ''}"
    shape = f"{cpu.physical_cores} physical cores ({sockets}, {cpu.logical_cpus} logical CPUs)"
    if cpu.physical_cores < record.min_int():
        return _result(record, Status.FAIL, cpu.physical_cores, f"{shape}; {_asks(record)}")
    return _result(record, Status.PASS, cpu.physical_cores, f"{shape}; {record.threshold_text()}")


def check_memory(facts: HostFacts) -> Result:
    memory, record = facts.memory, HOST_MEMORY
    gib = memory.total_gib
    if gib is None:
        return _result(record, Status.UNKNOWN, None, f"memory unknown: {memory.problem}")
    value = round(gib, 1)
    shape = f"{value:g} GiB of memory (MemTotal {memory.total_kib} kB)"
    if gib < record.min_int():
        return _result(record, Status.FAIL, value, f"{shape}; {_asks(record)}")
    return _result(record, Status.PASS, value, f"{shape}; {record.threshold_text()}")


def _link_text(name: str, link: PcieLink) -> str:
    parts = [f"current {link.current_speed or 'unknown'}", f"max {link.max_speed or 'unknown'}"]
    if link.upstream:
        upstream = f"gen {link.upstream_max_gen}" if link.upstream_max_gen else "unknown"
        parts.append(f"port {link.upstream} max {upstream}")
    return f"{name} gen {link.generation} ({', '.join(parts)})"


def check_pcie_generation(facts: HostFacts) -> Result:
    """The lowest link generation among the accelerators and the physical NICs with link files."""
    record = HOST_PCIE_GENERATION
    judged: list[tuple[str, PcieLink]] = []
    unknown: list[str] = []
    for acc in facts.accelerators:
        label = f"{acc.family or acc.model or _VENDOR[acc.vendor] + ' GPU'} {acc.pci_address or '?'}"
        if acc.link is not None and acc.link.generation is not None:
            judged.append((label, acc.link))
        else:
            unknown.append(label)
    nic_functions: set[str] = set()
    for nic in facts.nics:
        if nic.virtual:
            continue
        if nic.pci_address:
            nic_functions.add(nic.pci_address)
        if nic.link is not None and nic.link.generation is not None:
            judged.append((f"{nic.name} {nic.pci_address}", nic.link))
        else:
            unknown.append(f"{nic.name} (no PCIe link files)")
    for port in facts.rdma:  # RDMA functions without a network interface (InfiniBand without IPoIB)
        if port.pci_address is None or port.pci_address in nic_functions:
            continue
        nic_functions.add(port.pci_address)
        if port.link is not None and port.link.generation is not None:
            judged.append((f"{port.device} {port.pci_address}", port.link))
        else:
            unknown.append(f"{port.device} (no PCIe link files)")
    unknown_text = f"; link unknown, not counted: {', '.join(unknown)}" if unknown else ""
    if not judged:
        return _result(
            record, Status.UNKNOWN, None, f"no accelerator or physical NIC with PCIe link files{unknown_text}"
        )
    lowest = min(link.generation or 0 for _, link in judged)
    below = [_link_text(name, link) for name, link in judged if (link.generation or 0) < record.min_int()]
    if below:
        return _result(
            record, Status.FAIL, lowest, f"PCIe links below gen {record.min_int()}: {'; '.join(below)}; "
            f"{_asks(record)}{unknown_text}"
        )
    return _result(
        record, Status.PASS, lowest,
        f"{len(judged)} PCIe links at gen {lowest} or newer; {record.threshold_text()}{unknown_text}",
    )


def check_network_bandwidth(facts: HostFacts) -> Result:
    """Aggregate link speed of the physical NICs, plus RDMA ports that have no network interface."""
    record = HOST_NETWORK_BANDWIDTH
    counted: list[str] = []
    unknown: list[str] = []
    total_gbps = 0.0
    counted_pci: set[str] = set()
    for nic in facts.nics:
        if nic.virtual:
            continue
        if nic.sriov_vf:
            unknown.append(f"{nic.name} (SR-IOV VF, counted with its PF)")
            continue
        if nic.speed_mbps is None:
            unknown.append(f"{nic.name} (speed unknown)")
            continue
        total_gbps += nic.speed_mbps / 1000
        counted.append(f"{nic.name} {nic.speed_mbps / 1000:g}")
        if nic.pci_address:
            counted_pci.add(nic.pci_address)
    for port in facts.rdma:
        if port.pci_address in counted_pci or port.netdevs:
            continue
        name = f"{port.device}/{port.port}"
        if port.rate_gbps is None or "ACTIVE" not in (port.state or "").upper():
            unknown.append(f"{name} (RDMA port not active or rate unknown)")
            continue
        total_gbps += port.rate_gbps
        counted.append(f"{name} {port.rate_gbps:g}")
    value = round(total_gbps, 1)
    unknown_text = f"; not counted: {', '.join(unknown)}" if unknown else ""
    detail = f"{value:g} Gbps aggregate ({', '.join(counted)})" if counted else "no physical NIC with a known speed"
    if value >= record.min_int():
        return _result(record, Status.PASS, value, f"{detail}; {record.threshold_text()}{unknown_text}")
    if unknown or not counted:
        return _result(record, Status.UNKNOWN, value if counted else None, f"{detail}{unknown_text}")
    return _result(record, Status.FAIL, value, f"{detail}; {_asks(record)}")


def _accelerator_problems(facts: HostFacts) -> list[str]:
    """Why accelerators have no model (the tool's problem, or that it did not report them), and tool errors."""
    groups: dict[tuple[str, str], list[str]] = {}
    for acc in facts.accelerators:
        if acc.source != "sysfs" or acc.vendor == "google":
            continue
        names = ("nvidia-smi",) if acc.vendor == "nvidia" else ("amd-smi", "rocm-smi")
        runs = [r for r in (facts.tool(n) for n in names) if r is not None]
        run = next((r for r in runs if r.found), runs[-1] if runs else None)
        if run is not None and run.problem:
            why = run.problem
        else:
            why = f"not reported by {run.name if run is not None else names[0]}"
        vendor = _VENDOR[acc.vendor]
        groups.setdefault((vendor, why), []).append(acc.pci_address or "?")
    problems = [
        f"{len(addresses)} {vendor} GPU(s) of unknown model ({', '.join(addresses)}): {why}"
        for (vendor, why), addresses in groups.items()
    ]
    reasons = {why for _, why in groups}
    problems += [t.problem for t in facts.tools if t.problem and t.found and t.problem not in reasons]
    return problems


def check_accelerator_supported(facts: HostFacts) -> Result:
    record = ACCELERATOR_SUPPORTED
    supported = ", ".join(record.values)
    if not facts.accelerators:
        tried = "; ".join(t.problem for t in facts.tools if t.problem) or "the vendor tools reported none"
        return _result(
            record, Status.UNKNOWN, None,
            f"no accelerator found (no GPU or TPU PCI function in sysfs; {tried})",
        )
    counts = Counter(acc.family or acc.model or f"unknown {_VENDOR[acc.vendor]} GPU" for acc in facts.accelerators)
    value = sorted(counts)
    shown = ", ".join(f"{n} x {name}" for name, n in sorted(counts.items()))
    older: list[str] = []
    uncatalogued: list[str] = []
    for acc in facts.accelerators:
        family = accelerator_family(acc.family) if acc.family else None
        if family is None:
            if acc.model is not None:
                uncatalogued.append(f'"{acc.model}"')
            continue
        if family_support_status(family) is SupportStatus.BEST_EFFORT:
            older.append(family.name)
    if older:
        return _result(
            record, Status.FAIL, value,
            f"{shown}: {', '.join(sorted(set(older)))} older than the generations llm-d tests ({supported}, "
            "and newer); support is best-effort",
        )
    problems = _accelerator_problems(facts)
    if uncatalogued or problems:
        why = [f"{', '.join(sorted(set(uncatalogued)))} not in the accelerator catalog"] if uncatalogued else []
        return _result(record, Status.UNKNOWN, value, f"{shown}; " + "; ".join(why + problems))
    return _result(record, Status.PASS, value, f"{shown}; llm-d tests {supported}, and newer")


def check_interconnect(facts: HostFacts, multi_host: bool) -> Result:
    """RDMA ports (InfiniBand or RoCE) or TPU chips (ICI) give the host a fast inter-node path."""
    record = ACCELERATOR_INTERCONNECT
    enforcement = record.enforcement.value if multi_host else Enforcement.ADVISORY.value
    scope = "" if multi_host else " (advisory here: mandatory only for multi-host pools; pass --multi-host)"
    kinds = Counter(p.kind for p in facts.rdma if p.kind)
    tpus = [a for a in facts.accelerators if a.vendor == "google"]
    if tpus:
        return _result(
            record, Status.PASS, ["TPU ICI"], f"{len(tpus)} TPU chips: TPU ICI links them{scope}", enforcement
        )
    if kinds:
        shown = ", ".join(f"{n} x {k}" for k, n in sorted(kinds.items()))
        return _result(record, Status.PASS, sorted(kinds), f"RDMA ports: {shown}{scope}", enforcement)
    if facts.rdma:
        layers = ", ".join(sorted({p.link_layer or "unknown" for p in facts.rdma}))
        return _result(
            record, Status.UNKNOWN, None, f"RDMA ports with an unknown link layer ({layers}){scope}", enforcement
        )
    return _result(
        record, Status.FAIL, None,
        f"no RDMA device in /sys/class/infiniband and no TPU chip; multi-host inference needs "
        f'"{record.seed}"{scope}',
        enforcement,
    )


def check_driver(facts: HostFacts) -> Result:
    record = GPU_DRIVER_VERSION
    nvidia = [a for a in facts.accelerators if a.vendor == "nvidia"]
    if not nvidia:
        return _result(record, Status.UNKNOWN, None, "no NVIDIA GPU; the requirement is about NVIDIA drivers")
    drivers = sorted({a.driver for a in nvidia if a.driver})
    if not drivers:
        run = facts.tool("nvidia-smi")
        why = run.problem if run is not None and run.problem else "nvidia-smi reported no driver version"
        return _result(record, Status.UNKNOWN, None, f"NVIDIA driver version unknown: {why}")
    value: object = drivers[0] if len(drivers) == 1 else drivers
    minimum = record.min_version()
    bad: list[str] = []
    for driver in drivers:
        version = try_parse_version(driver)
        if version is None:
            return _result(record, Status.UNKNOWN, value, f"NVIDIA driver '{driver}' is not a version")
        if version < minimum or version.major >= record.below_int():
            bad.append(driver)
    if bad:
        too_new = any((v := try_parse_version(d)) is not None and v.major >= record.below_int() for d in bad)
        deepep = f"; R{record.below_int()} and newer crash DeepEP high-throughput kernels" if too_new else ""
        return _result(
            record, Status.FAIL, value,
            f"NVIDIA driver {', '.join(bad)} is outside {record.threshold_text()}; {_asks(record)}{deepep}",
        )
    return _result(record, Status.PASS, value, f"NVIDIA driver {', '.join(drivers)}; {record.threshold_text()}")


CHECKS: dict[str, Callable[[HostFacts], Result]] = {
    HOST_CPU_CORES.id: check_cpu_cores,
    HOST_MEMORY.id: check_memory,
    HOST_PCIE_GENERATION.id: check_pcie_generation,
    HOST_NETWORK_BANDWIDTH.id: check_network_bandwidth,
    ACCELERATOR_SUPPORTED.id: check_accelerator_supported,
    GPU_DRIVER_VERSION.id: check_driver,
}


def judge(facts: HostFacts, *, root: str, multi_host: bool = False, node: dict[str, object] | None = None) -> Report:
    """Every requirement of :data:`JUDGED`, in order."""
    results = []
    for record in JUDGED:
        if record is ACCELERATOR_INTERCONNECT:
            results.append(check_interconnect(facts, multi_host))
        else:
            results.append(CHECKS[record.id](facts))
    return Report(root=root, facts=facts, results=tuple(results), multi_host=multi_host, node=dict(node or {}))
