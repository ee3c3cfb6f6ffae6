"""Captured-host trees for the node-check tests: sysfs/procfs/dev laid out as the kernel does.

A :class:`HostTree` writes the files node-check reads under a root folder, with sysfs's symlinks as
relative links (``/sys/bus/pci/devices/X`` → ``/sys/devices/pci0000:00/.../X``, a NIC's ``device``
link → its PCI function). :func:`fake_tool` puts a stand-in vendor tool on a bin folder that prints a
captured output file, exactly as a captured support bundle's ``tools/bin`` does.

The host shapes (:func:`h200_host`, :func:`l4_host`, ...) are the fixtures of
``tests/test_preflight*.py``; each builds the tree and names the captured tool output it needs.
"""

from __future__ import annotations

import os
import posixpath
import sys
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "preflight"

GEN5 = "32.0 GT/s PCIe"
GEN4 = "16.0 GT/s PCIe"
GEN1 = "2.5 GT/s PCIe"

NVIDIA, AMD, GOOGLE, MELLANOX, GOOGLE_NIC = "0x10de", "0x1002", "0x1ae0", "0x15b3", "0x1ae0"
CLASS_3D, CLASS_ETH, CLASS_IB, CLASS_BRIDGE, CLASS_ACCEL = "0x030200", "0x020000", "0x020700", "0x060400", "0x120000"


@dataclass
class HostTree:
    root: Path
    pci_paths: dict[str, str] = field(default_factory=dict)

    def path(self, host_path: str) -> Path:
        return self.root / host_path.lstrip("/")

    def write(self, host_path: str, text: str) -> None:
        target = self.path(host_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text if text.endswith("\n") else text + "\n")

    def link(self, host_path: str, target_host_path: str) -> None:
        """A relative symlink, as sysfs has them."""
        link = self.path(host_path)
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(posixpath.relpath(target_host_path, posixpath.dirname(host_path)), link)

    def hostname(self, name: str) -> HostTree:
        self.write("/proc/sys/kernel/hostname", name)
        return self

    def meminfo(self, total_kib: int) -> HostTree:
        self.write(
            "/proc/meminfo",
            f"MemTotal:       {total_kib} kB\nMemFree:        {total_kib // 2} kB\n"
            f"MemAvailable:   {total_kib // 2} kB\nBuffers:          123456 kB\n",
        )
        return self

    def cpus(self, sockets: int, cores_per_socket: int, threads: int = 2, offline: int = 0) -> HostTree:
        """Linux numbering: the first thread of every core first, then the siblings."""
        n = 0
        for _thread in range(threads):
            for socket in range(sockets):
                for core in range(cores_per_socket):
                    topo = f"/sys/devices/system/cpu/cpu{n}/topology"
                    self.write(f"{topo}/physical_package_id", str(socket))
                    self.write(f"{topo}/core_id", str(core))
                    n += 1
        for extra in range(offline):
            self.write(f"/sys/devices/system/cpu/cpu{n + extra}/online", "0")
        self.write("/sys/devices/system/cpu/online", f"0-{n - 1}")
        self.path("/sys/devices/system/cpu/cpufreq").mkdir(parents=True, exist_ok=True)
        return self

    def pci(
        self,
        address: str,
        vendor: str,
        device: str,
        cls: str,
        current: str | None = None,
        maximum: str | None = None,
        port: str | None = None,
        port_max: str | None = None,
    ) -> str:
        """A PCI function (behind ``port`` when given) and its /sys/bus/pci/devices link."""
        bus = f"/sys/devices/pci{address[:4]}:{address[5:7]}"
        parent = bus
        if port is not None:
            parent = f"{bus}/{port}"
            self.write(f"{parent}/class", CLASS_BRIDGE)
            if port_max is not None:
                self.write(f"{parent}/max_link_speed", port_max)
        real = f"{parent}/{address}"
        self.write(f"{real}/vendor", vendor)
        self.write(f"{real}/device", device)
        self.write(f"{real}/class", cls)
        if current is not None:
            self.write(f"{real}/current_link_speed", current)
        if maximum is not None:
            self.write(f"{real}/max_link_speed", maximum)
        self.link(f"/sys/bus/pci/devices/{address}", real)
        self.pci_paths[address] = real
        return real

    def nic(self, name: str, pci: str | None, speed: str | None, sub: str = "") -> HostTree:
        """A NIC on PCI function ``pci`` (``sub``: a child device such as ``virtio1``); ``pci=None``: virtual."""
        if pci is None:
            real = f"/sys/devices/virtual/net/{name}"
            self.path(real).mkdir(parents=True, exist_ok=True)
        else:
            device = self.pci_paths[pci] + (f"/{sub}" if sub else "")
            real = f"{device}/net/{name}"
            self.path(real).mkdir(parents=True, exist_ok=True)
            self.link(f"{real}/device", device)
        if speed is not None:
            self.write(f"{real}/speed", speed)
        self.write(f"{real}/operstate", "up")
        self.link(f"/sys/class/net/{name}", real)
        return self

    def rdma(self, device: str, pci: str, link_layer: str, rate: str = "400 Gb/sec (4X NDR)",
             state: str = "4: ACTIVE") -> HostTree:
        real = f"{self.pci_paths[pci]}/infiniband/{device}"
        self.write(f"{real}/ports/1/link_layer", link_layer)
        self.write(f"{real}/ports/1/state", state)
        self.write(f"{real}/ports/1/rate", rate)
        self.link(f"{real}/device", self.pci_paths[pci])
        self.link(f"/sys/class/infiniband/{device}", real)
        return self

    def dev(self, name: str) -> HostTree:
        target = self.path(f"/dev/{name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()
        return self


def fake_tool(bin_dir: Path, name: str, output: Path | str, returncode: int = 0, stderr: str = "") -> Path:
    """A stand-in ``name`` on ``bin_dir`` that prints ``output`` (a captured file, or text) and exits."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    text = output.read_text() if isinstance(output, Path) else output
    script = bin_dir / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"sys.stdout.write({text!r})\n"
        f"sys.stderr.write({stderr!r})\n"
        f"sys.exit({returncode})\n"
    )
    script.chmod(0o755)
    return script


# --- host shapes ---------------------------------------------------------------------------------

H200_GPUS = ("18", "2a", "3a", "5d", "9a", "ab", "ba", "db")
"""Bus numbers of the eight GPUs in h200-nvidia-smi.csv (nvidia-smi prints them upper-case)."""


def h200_host(root: Path, idle: bool = True) -> HostTree:
    """A compliant 8 x H200 host: 2 x 56 cores, 2 TiB, PCIe 5, 8 x 400G RoCE + 200G front-end."""
    tree = HostTree(root).hostname("h200-node-0").cpus(sockets=2, cores_per_socket=56).meminfo(2_113_515_904)
    for i, bus in enumerate(H200_GPUS):
        gpu = f"0000:{bus}:00.0"
        port = f"0000:{int(bus, 16) - 1:02x}:00.0"
        # Idle GPUs train their link down to 2.5 GT/s; the device and its port can do 32 GT/s.
        tree.pci(gpu, NVIDIA, "0x2335", CLASS_3D, GEN1 if idle else GEN5, GEN5, port=port, port_max=GEN5)
        nic = f"0000:{bus}:00.1"
        tree.pci(nic, MELLANOX, "0x1021", CLASS_ETH, GEN5, GEN5, port=port, port_max=GEN5)
        tree.nic(f"eth{i + 1}", nic, "400000")
        tree.rdma(f"mlx5_{i}", nic, "Ethernet")
    tree.pci("0000:05:00.0", GOOGLE_NIC, "0x0042", CLASS_ETH, GEN5, GEN5, port="0000:04:01.0", port_max=GEN5)
    tree.nic("eth0", "0000:05:00.0", "200000")
    tree.nic("docker0", None, "-1")
    tree.nic("lo", None, None)
    return tree


def l4_host(root: Path) -> HostTree:
    """A single-L4 development box: 4 cores / 8 threads, 32 GiB, PCIe 4, one 32G NIC."""
    tree = HostTree(root).hostname("l4-dev").cpus(sockets=1, cores_per_socket=4).meminfo(32_853_900)
    tree.pci("0000:00:03.0", NVIDIA, "0x27b8", CLASS_3D, GEN4, GEN4)
    tree.pci("0000:00:04.0", GOOGLE_NIC, "0x0042", CLASS_ETH)
    tree.nic("ens4", "0000:00:04.0", "32000")
    tree.nic("cni0", None, "10000")
    return tree


def no_tools_host(root: Path) -> HostTree:
    """Four H100 GPUs in sysfs but no vendor tool on PATH."""
    tree = HostTree(root).hostname("bare").cpus(sockets=2, cores_per_socket=48).meminfo(1_056_757_952)
    for bus in ("1b", "43", "52", "61"):
        tree.pci(f"0000:{bus}:00.0", NVIDIA, "0x2330", CLASS_3D, GEN5, GEN5, port=f"0000:{bus}:01.0",
                 port_max=GEN5)
    tree.pci("0000:0c:00.0", MELLANOX, "0x101d", CLASS_ETH, GEN4, GEN4)
    tree.nic("enp12s0", "0000:0c:00.0", "100000")
    return tree


def odd_host(root: Path) -> HostTree:
    """Odd sysfs: CPUs known only by core_cpus_list, an offline CPU, no /proc/meminfo, a NIC without a speed
    file, a physical NIC whose link is down (speed -1), virtual NICs with speeds, a virtio NIC whose PCI
    function has no link files, and an RDMA device whose link layer is unknown."""
    tree = HostTree(root).hostname("odd")
    for n in range(4):
        tree.write(f"/sys/devices/system/cpu/cpu{n}/topology/core_cpus_list", f"{n}")
    tree.write("/sys/devices/system/cpu/cpu4/online", "0")
    tree.pci("0000:3b:00.0", MELLANOX, "0x101d", CLASS_ETH, GEN4, GEN4)
    tree.pci("0000:3b:00.1", MELLANOX, "0x101d", CLASS_ETH, GEN4, GEN4)
    tree.pci("0000:00:05.0", "0x1af4", "0x1041", CLASS_ETH)
    tree.nic("eth0", "0000:3b:00.0", None)
    tree.nic("eth1", "0000:3b:00.1", "-1")
    tree.nic("ens5", "0000:00:05.0", "10000", sub="virtio1")
    tree.nic("veth12ab", None, "-1")
    tree.nic("bond0", None, "200000")
    tree.rdma("rxe0", "0000:3b:00.0", "Unknown", rate="", state="1: DOWN")
    return tree


def tpu_host(root: Path) -> HostTree:
    """A TPU v6e host: four chips (PCI id 0x006f) on /dev/vfio, one 100G gVNIC."""
    tree = HostTree(root).hostname("tpu-v6e").cpus(sockets=2, cores_per_socket=90).meminfo(743_000_000)
    for i in range(4):
        tree.pci(f"0000:0{i}:05.0", GOOGLE, "0x006f", CLASS_ACCEL, GEN5, GEN5)
        tree.dev(f"vfio/{i}")
    tree.pci("0000:00:04.0", GOOGLE_NIC, "0x0042", CLASS_ETH)
    tree.nic("eth0", "0000:00:04.0", "100000")
    return tree


MI300X_GPUS = ("0c", "22", "38", "5c", "9f", "af", "bf", "df")


def amd_host(root: Path) -> HostTree:
    """8 x MI300X (processing-accelerator class) with amd-smi, 8 x 400G InfiniBand ports without IPoIB."""
    tree = HostTree(root).hostname("mi300x").cpus(sockets=2, cores_per_socket=64).meminfo(2_113_515_904)
    for i, bus in enumerate(MI300X_GPUS):
        tree.pci(f"0000:{bus}:00.0", AMD, "0x74a1", CLASS_ACCEL, GEN5, GEN5)
        hca = f"0000:{int(bus, 16) + 1:02x}:00.0"
        tree.pci(hca, MELLANOX, "0x1021", CLASS_IB, GEN5, GEN5)
        tree.rdma(f"mlx5_{i}", hca, "InfiniBand")
    return tree
