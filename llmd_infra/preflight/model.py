"""What node-check measures on a host and what it concludes, as plain data with a JSON form.

Facts are what the host says (sysfs, procfs, vendor tools), each ``None`` where the host did not say;
results judge those facts against :mod:`llmd_infra.requirements` records. Standard library only
(runs in the node-check DaemonSet).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

SCHEMA = "llmd-infra/node-check/v1"
"""``schema`` of the JSON report; the DaemonSet's ConfigMaps carry the same document."""


class Status(str, Enum):
    """A requirement's status on one host."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PcieLink:
    """A PCIe device's link, from sysfs ``current_link_speed``/``max_link_speed`` and its upstream port's."""

    address: str
    current_speed: str | None
    current_gen: int | None
    max_speed: str | None
    max_gen: int | None
    upstream: str | None = None
    """PCI address of the port above the device (a root or switch port), when the sysfs path has one."""
    upstream_max_gen: int | None = None

    @property
    def generation(self) -> int | None:
        """The generation the link runs at or can train to.

        Accelerators drop their link to a low speed when idle (an idle H100 reads "2.5 GT/s PCIe"), so
        the current speed alone understates a healthy link. The link can train to the lower of the
        device's and the upstream port's maximum; the judged generation is the higher of that and the
        current one. Without max files it is the current generation.
        """
        capable = self.max_gen
        if capable is not None and self.upstream_max_gen is not None:
            capable = min(capable, self.upstream_max_gen)
        known = [g for g in (self.current_gen, capable) if g is not None]
        return max(known) if known else None


@dataclass(frozen=True)
class Accelerator:
    """One GPU or TPU chip."""

    vendor: str
    """``nvidia``, ``amd`` or ``google``."""
    model: str | None
    """As the vendor tool prints it (``NVIDIA H100 80GB HBM3``); ``None`` when only sysfs saw the device."""
    family: str | None
    """Catalog family (``H100``), ``None`` when the model is unknown or not in the catalog."""
    driver: str | None
    pci_address: str | None
    link: PcieLink | None
    source: str
    """Who reported it: ``nvidia-smi``, ``amd-smi``, ``rocm-smi`` or ``sysfs``."""


@dataclass(frozen=True)
class Nic:
    """A network interface from ``/sys/class/net``."""

    name: str
    pci_address: str | None
    speed_mbps: int | None
    """``None`` when the speed file is missing, unreadable (link down) or says -1."""
    virtual: bool
    """No ``device`` link: a bridge, veth, bond or tunnel; never counted against the host."""
    sriov_vf: bool = False
    """An SR-IOV virtual function whose physical function is on this host (its speed is the PF's)."""
    link: PcieLink | None = None


@dataclass(frozen=True)
class RdmaPort:
    """A port of an RDMA device from ``/sys/class/infiniband``."""

    device: str
    port: str
    link_layer: str | None
    """As sysfs writes it: ``InfiniBand`` or ``Ethernet``."""
    kind: str | None
    """``InfiniBand`` or ``RoCE`` (an RDMA port on Ethernet)."""
    state: str | None
    rate_gbps: float | None
    pci_address: str | None
    netdevs: tuple[str, ...] = ()
    link: PcieLink | None = None


@dataclass(frozen=True)
class CpuFacts:
    logical_cpus: int | None
    physical_cores: int | None
    sockets: int | None
    problem: str | None = None


@dataclass(frozen=True)
class MemoryFacts:
    total_kib: int | None
    problem: str | None = None

    @property
    def total_gib(self) -> float | None:
        return None if self.total_kib is None else self.total_kib / (1024 * 1024)


@dataclass(frozen=True)
class ToolRun:
    """One vendor tool invocation: what ran and what it said."""

    name: str
    args: tuple[str, ...]
    found: bool
    returncode: int | None = None
    stdout: str = ""
    stderr: str = ""
    problem: str | None = None
    """Why its answer is unusable (not on PATH, non-zero exit, timeout, unparsable output)."""


@dataclass(frozen=True)
class HostFacts:
    hostname: str | None
    cpu: CpuFacts
    memory: MemoryFacts
    accelerators: tuple[Accelerator, ...]
    nics: tuple[Nic, ...]
    rdma: tuple[RdmaPort, ...]
    accel_device_nodes: tuple[str, ...]
    """TPU device nodes: ``/dev/accel*`` and ``/sys/class/accel`` entries."""
    tools: tuple[ToolRun, ...]
    notes: tuple[str, ...] = ()

    def tool(self, name: str) -> ToolRun | None:
        return next((t for t in self.tools if t.name == name), None)


@dataclass(frozen=True)
class Result:
    """One requirement judged on one host."""

    id: str
    status: Status
    value: Any
    message: str
    enforcement: str
    """The record's default enforcement, except where the host cannot know it applies (see checks)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status.value,
            "value": self.value,
            "message": self.message,
            "enforcement": self.enforcement,
        }


@dataclass(frozen=True)
class Report:
    """A node-check run: the facts and the results."""

    root: str
    facts: HostFacts
    results: tuple[Result, ...]
    multi_host: bool
    node: dict[str, Any] = field(default_factory=dict)
    """In the cluster: the Kubernetes node's name and labels."""

    @property
    def mandatory_failures(self) -> list[Result]:
        return [r for r in self.results if r.status is Status.FAIL and r.enforcement == "mandatory"]

    @property
    def verdict(self) -> str:
        """``fail`` (a mandatory requirement fails), ``advisory`` (only advisory ones fail) or ``pass``."""
        if self.mandatory_failures:
            return "fail"
        if any(r.status is Status.FAIL for r in self.results):
            return "advisory"
        return "pass"

    @property
    def exit_code(self) -> int:
        return 1 if self.mandatory_failures else 0

    def to_dict(self) -> dict[str, Any]:
        facts = asdict(self.facts)
        for tool in facts["tools"]:
            tool["args"] = list(tool["args"])
        for acc, src in zip(facts["accelerators"], self.facts.accelerators, strict=True):
            if acc["link"] is not None and src.link is not None:
                acc["link"]["generation"] = src.link.generation
        links: list[tuple[dict[str, Any], PcieLink | None]] = [
            *zip(facts["nics"], (n.link for n in self.facts.nics), strict=True),
            *zip(facts["rdma"], (p.link for p in self.facts.rdma), strict=True),
        ]
        for item, link in links:
            if link is not None:
                item["link"]["generation"] = link.generation
        facts["memory"]["total_gib"] = (
            None if self.facts.memory.total_gib is None else round(self.facts.memory.total_gib, 1)
        )
        return {
            "schema": SCHEMA,
            "root": self.root,
            "node": self.node,
            "multi_host": self.multi_host,
            "verdict": self.verdict,
            "results": [r.to_dict() for r in self.results],
            "host": facts,
        }
