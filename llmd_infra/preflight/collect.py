"""Gather every host fact node-check judges: sysfs/procfs readers plus the vendor tools.

GPUs are found twice, on purpose: sysfs lists the PCI functions of NVIDIA and AMD display
controllers whatever is installed, and the vendor tool names them and their driver. A GPU sysfs sees
but the tool does not report (tool missing, or a GPU that fell off the bus) is still listed, with an
unknown model, so its PCIe link is judged and the gap is visible.

Standard library only (runs in the node-check DaemonSet).
"""

from __future__ import annotations

from collections.abc import Callable

from llmd_infra.catalog.accelerators import accelerator_family
from llmd_infra.preflight import host, tools
from llmd_infra.preflight.fs import HostFs
from llmd_infra.preflight.model import Accelerator, HostFacts, ToolRun

ToolRunner = Callable[[str, tuple[str, ...]], ToolRun]


def _family(name: str | None) -> str | None:
    family = accelerator_family(name) if name else None
    return family.name if family else None


def _gpus(
    fs: HostFs,
    vendor: str,
    functions: list[str],
    reported: list[tools.ToolGpu],
    source: str,
) -> list[Accelerator]:
    out: list[Accelerator] = []
    seen: set[str] = set()
    for gpu in reported:
        address = host.normalize_bus_id(gpu.bus_id) if gpu.bus_id else None
        if address is not None:
            seen.add(address)
        out.append(
            Accelerator(
                vendor=vendor,
                model=gpu.name,
                family=_family(gpu.name),
                driver=gpu.driver,
                pci_address=address,
                link=host.read_pcie_link(fs, address) if address else None,
                source=source,
            )
        )
    for address in functions:
        if address in seen:
            continue
        out.append(
            Accelerator(
                vendor=vendor,
                model=None,
                family=None,
                driver=None,
                pci_address=address,
                link=host.read_pcie_link(fs, address),
                source="sysfs",
            )
        )
    return out


def _tpus(fs: HostFs, devices: dict[str, tuple[str, str, str]]) -> list[Accelerator]:
    out: list[Accelerator] = []
    for address, (vendor, device, cls) in sorted(devices.items()):
        if vendor != host.PCI_VENDOR_GOOGLE:
            continue
        family = host.TPU_PCI_DEVICE_IDS.get(device)
        # Google's vendor id also marks gVNIC and NVMe functions: a TPU is a known chip id or a
        # processing-accelerator/co-processor class.
        if family is None and not cls.startswith(("0x12", "0x0b40")):
            continue
        out.append(
            Accelerator(
                vendor="google",
                model=family or f"Google TPU (PCI device {device})",
                family=family,
                driver=None,
                pci_address=address,
                link=host.read_pcie_link(fs, address),
                source="sysfs",
            )
        )
    return out


def collect(fs: HostFs, run_tool: ToolRunner = tools.run_tool) -> HostFacts:
    """Read the host under ``fs`` and run the vendor tools from PATH."""
    devices = host.pci_devices(fs)
    notes: list[str] = []
    runs: list[ToolRun] = []

    nvidia_run = run_tool(tools.NVIDIA_SMI, tools.NVIDIA_SMI_ARGS)
    nvidia, nvidia_run = tools.parse_nvidia_smi(nvidia_run)
    runs.append(nvidia_run)
    accelerators = _gpus(
        fs, "nvidia", host.gpu_functions(devices, host.PCI_VENDOR_NVIDIA), nvidia, tools.NVIDIA_SMI
    )

    amd_run = run_tool(tools.AMD_SMI, tools.AMD_SMI_ARGS)
    amd, amd_run = tools.parse_amd_smi(amd_run)
    runs.append(amd_run)
    amd_source = tools.AMD_SMI
    if not amd_run.found:
        rocm_run = run_tool(tools.ROCM_SMI, tools.ROCM_SMI_ARGS)
        amd, rocm_run = tools.parse_rocm_smi(rocm_run)
        runs.append(rocm_run)
        amd_source = tools.ROCM_SMI
    accelerators += _gpus(fs, "amd", host.gpu_functions(devices, host.PCI_VENDOR_AMD), amd, amd_source)
    accelerators += _tpus(fs, devices)

    nodes = host.read_accel_device_nodes(fs)
    if nodes and not any(a.vendor == "google" for a in accelerators):
        notes.append(f"accelerator device nodes ({', '.join(nodes)}) but no TPU PCI function in {host.PCI_DEVICES}")

    return HostFacts(
        hostname=host.read_hostname(fs),
        cpu=host.read_cpu(fs),
        memory=host.read_memory(fs),
        accelerators=tuple(accelerators),
        nics=tuple(host.read_nics(fs)),
        rdma=tuple(host.read_rdma(fs)),
        accel_device_nodes=tuple(nodes),
        tools=tuple(runs),
        notes=tuple(notes),
    )
