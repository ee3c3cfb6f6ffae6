"""Host readers: CPU topology, memory, PCIe links, NICs, RDMA ports and TPU chips from procfs/sysfs.

Where each fact comes from (host paths; under ``--root`` they are read from the captured tree):

* physical cores: distinct (``physical_package_id``, ``core_id``) pairs of
  ``/sys/devices/system/cpu/cpu*/topology`` (``core_cpus_list`` where a CPU has no ``core_id``), sockets:
  distinct ``physical_package_id`` — the topology the kernel reports, not the vCPU count;
* memory: ``MemTotal`` of ``/proc/meminfo``;
* PCIe generation: ``current_link_speed``/``max_link_speed`` of ``/sys/bus/pci/devices/*`` and of the
  port above the device (``32.0 GT/s PCIe`` is generation 5);
* NICs: ``/sys/class/net/*`` with a ``device`` link (no link: virtual, listed but not counted), their
  ``speed`` in Mb/s (-1, missing or unreadable: unknown);
* RDMA: ``/sys/class/infiniband/*/ports/*/{link_layer,state,rate}`` (InfiniBand, or RoCE on Ethernet);
* TPU chips: PCI functions of Google's vendor id, ``/dev/accel*``, ``/dev/vfio/*`` and ``/sys/class/accel``.

Standard library only (runs in the node-check DaemonSet).
"""

from __future__ import annotations

import posixpath
import re

from llmd_infra.preflight.fs import HostFs
from llmd_infra.preflight.model import CpuFacts, MemoryFacts, Nic, PcieLink, RdmaPort

PCI_DEVICES = "/sys/bus/pci/devices"
PCI_VENDOR_NVIDIA = "0x10de"
PCI_VENDOR_AMD = "0x1002"
PCI_VENDOR_GOOGLE = "0x1ae0"
"""Google's PCI vendor id, which TPU chips carry (google/cloud-accelerator-diagnostics
tpu_info/tpu_info/device.py, GOOGLE_PCI_VENDOR_ID)."""

GPU_CLASS_PREFIXES = ("0x0300", "0x0302", "0x0380", "0x1200")
"""PCI classes of GPUs: display controllers (VGA, 3D, other) and processing accelerators (AMD Instinct
MI300-series); not NVIDIA's NVSwitch bridges (0x0680)."""

TPU_PCI_DEVICE_IDS: dict[str, str] = {
    "0x005e": "TPU v4",
    "0x0063": "TPU v5e",
    "0x0062": "TPU v5p",
    "0x006f": "TPU v6e",
}
"""TPU chip PCI device ids → catalog family (google/cloud-accelerator-diagnostics
tpu_info/tpu_info/device.py, ``TpuChip.from_pci_device_id``). Other ids are listed with an unknown family."""

_BDF = re.compile(r"[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]")
_GTS_TO_GEN = {2.5: 1, 5.0: 2, 8.0: 3, 16.0: 4, 32.0: 5, 64.0: 6, 128.0: 7}
"""PCIe transfer rate per lane (GT/s) → generation (PCI-SIG: 2.5, 5, 8, 16, 32, 64, 128 GT/s)."""


def pcie_generation(speed: str | None) -> int | None:
    """``"32.0 GT/s PCIe"`` → 5; ``"Unknown"``, ``None`` or an unlisted rate → ``None``."""
    if not speed:
        return None
    match = re.match(r"\s*([0-9.]+)\s*GT/s", speed)
    if match is None:
        return None
    try:
        return _GTS_TO_GEN.get(float(match.group(1)))
    except ValueError:
        return None


def read_hostname(fs: HostFs) -> str | None:
    return fs.read("/proc/sys/kernel/hostname") or None


def read_cpu(fs: HostFs) -> CpuFacts:
    """Physical cores and sockets from the kernel's CPU topology."""
    base = "/sys/devices/system/cpu"
    cpus = fs.listdir(base, r"cpu[0-9]+")
    if not cpus:
        return CpuFacts(None, None, None, f"no {base}/cpu* entries")
    cores: set[tuple[str, str]] = set()
    packages: set[str] = set()
    online = 0
    for cpu in cpus:
        topo = f"{base}/{cpu}/topology"
        package = fs.read(f"{topo}/physical_package_id")
        core = fs.read(f"{topo}/core_id")
        siblings = None if core is not None else fs.read(f"{topo}/core_cpus_list") or fs.read(
            f"{topo}/thread_siblings_list"
        )
        if package is None and core is None and siblings is None:
            continue  # offline CPUs have no topology directory
        online += 1
        if package is not None:
            packages.add(package)
        if core is not None:
            cores.add((package or "?", core))
        elif siblings is not None:
            cores.add(("siblings", siblings))
    if online == 0:
        return CpuFacts(None, None, None, f"no CPU under {base} has a topology directory")
    return CpuFacts(online, len(cores) or None, len(packages) or None)


def read_memory(fs: HostFs) -> MemoryFacts:
    text = fs.read("/proc/meminfo")
    if text is None:
        return MemoryFacts(None, "/proc/meminfo is missing or unreadable")
    match = re.search(r"^MemTotal:\s+(\d+)\s*kB", text, re.MULTILINE)
    if match is None:
        return MemoryFacts(None, "/proc/meminfo has no MemTotal line")
    return MemoryFacts(int(match.group(1)))


def normalize_bus_id(bus_id: str) -> str | None:
    """``00000000:18:00.0`` (nvidia-smi) or ``0000:18:00.0`` → sysfs's ``0000:18:00.0``."""
    text = bus_id.strip().lower()
    if not _BDF.fullmatch(text):
        return None
    domain, rest = text.split(":", 1)
    return f"{domain[-4:].rjust(4, '0')}:{rest}"


def nearest_pci_address(real_path: str | None) -> str | None:
    """The PCI address nearest to a sysfs device path (itself or an ancestor), e.g. virtio's parent."""
    path = real_path
    while path and path != "/":
        name = posixpath.basename(path)
        if _BDF.fullmatch(name):
            return name
        path = posixpath.dirname(path)
    return None


def read_pcie_link(fs: HostFs, address: str) -> PcieLink | None:
    """The device's link, or ``None`` when it has no link files (virtual and emulated devices)."""
    base = f"{PCI_DEVICES}/{address}"
    current = fs.read(f"{base}/current_link_speed")
    maximum = fs.read(f"{base}/max_link_speed")
    if current is None and maximum is None:
        return None
    upstream = upstream_max = None
    real = fs.realpath(base)
    if real is not None:
        parent = posixpath.dirname(real)
        if _BDF.fullmatch(posixpath.basename(parent)):
            upstream = posixpath.basename(parent)
            upstream_max = pcie_generation(fs.read(f"{parent}/max_link_speed"))
    return PcieLink(
        address=address,
        current_speed=current,
        current_gen=pcie_generation(current),
        max_speed=maximum,
        max_gen=pcie_generation(maximum),
        upstream=upstream,
        upstream_max_gen=upstream_max,
    )


def pci_devices(fs: HostFs) -> dict[str, tuple[str, str, str]]:
    """PCI address → (vendor, device, class) for every function in sysfs."""
    out: dict[str, tuple[str, str, str]] = {}
    for address in fs.listdir(PCI_DEVICES):
        base = f"{PCI_DEVICES}/{address}"
        out[address] = (
            (fs.read(f"{base}/vendor") or "").lower(),
            (fs.read(f"{base}/device") or "").lower(),
            (fs.read(f"{base}/class") or "").lower(),
        )
    return out


def gpu_functions(devices: dict[str, tuple[str, str, str]], vendor: str) -> list[str]:
    """PCI addresses of a vendor's GPUs (display-controller classes)."""
    return [
        a for a, (v, _, cls) in devices.items() if v == vendor and cls.startswith(GPU_CLASS_PREFIXES)
    ]


def read_nics(fs: HostFs) -> list[Nic]:
    nics: list[Nic] = []
    for name in fs.listdir("/sys/class/net"):
        if name == "lo":
            continue
        base = f"/sys/class/net/{name}"
        device = fs.realpath(f"{base}/device")
        speed_text = fs.read(f"{base}/speed")
        speed: int | None
        try:
            speed = int(speed_text) if speed_text is not None else None
        except ValueError:
            speed = None
        if speed is not None and speed <= 0:
            speed = None
        if device is None:
            nics.append(Nic(name=name, pci_address=None, speed_mbps=speed, virtual=True))
            continue
        address = nearest_pci_address(device)
        vf = address is not None and fs.exists(f"{PCI_DEVICES}/{address}/physfn")
        link = read_pcie_link(fs, address) if address is not None else None
        nics.append(Nic(name=name, pci_address=address, speed_mbps=speed, virtual=False, sriov_vf=vf, link=link))
    return nics


def _rate_gbps(rate: str | None) -> float | None:
    match = re.match(r"\s*([0-9.]+)\s*Gb/sec", rate or "")
    return float(match.group(1)) if match else None


def read_rdma(fs: HostFs) -> list[RdmaPort]:
    ports: list[RdmaPort] = []
    for device in fs.listdir("/sys/class/infiniband"):
        base = f"/sys/class/infiniband/{device}"
        address = nearest_pci_address(fs.realpath(f"{base}/device"))
        netdevs = tuple(fs.listdir(f"{base}/device/net"))
        for port in fs.listdir(f"{base}/ports"):
            pbase = f"{base}/ports/{port}"
            layer = fs.read(f"{pbase}/link_layer")
            kind = {"infiniband": "InfiniBand", "ethernet": "RoCE"}.get((layer or "").lower())
            ports.append(
                RdmaPort(
                    device=device,
                    port=port,
                    link_layer=layer,
                    kind=kind,
                    state=fs.read(f"{pbase}/state"),
                    rate_gbps=_rate_gbps(fs.read(f"{pbase}/rate")),
                    pci_address=address,
                    netdevs=netdevs,
                    link=read_pcie_link(fs, address) if address is not None else None,
                )
            )
    return ports


def read_accel_device_nodes(fs: HostFs) -> list[str]:
    """TPU device nodes: ``/dev/accel*`` (v4, v5e), ``/dev/vfio/<n>`` (v5p, v6e) and ``/sys/class/accel/*``."""
    nodes = [f"/dev/{n}" for n in fs.listdir("/dev", r"accel[0-9]+")]
    nodes += [f"/dev/vfio/{n}" for n in fs.listdir("/dev/vfio", r"[0-9]+")]
    nodes += [f"/sys/class/accel/{n}" for n in fs.listdir("/sys/class/accel", r"accel[0-9]+")]
    return nodes
