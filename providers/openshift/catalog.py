"""EC2 instance types for OpenShift (ROSA / self-managed OCP) MachineSets: GPU types (§5a) and two
CPU types for control planes.

Sources (``accelerator-catalog.md`` §5):

* [AWS] https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html — vCPU, cores, GiB, network,
  network cards, EFA. AWS lists memory in GiB, so rows store it as given; cores are AWS's figures.
* [EFA] https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa.html

Choices, and why:

* ``max_nic_gbps`` is the baseline figure; "up to"/burst figures are named in ``note`` only.
* ``rdma`` is ``EFA`` where AWS says EFA is supported, else ``NONE``; where EFA support is unknown
  (g6e.4xlarge, p5.4xlarge) ``efa_supported`` is ``None`` and the note says so.
* ``pcie_generation`` is ``None`` everywhere: no first-party source gives it (p5en's PCIe Gen5 is
  third-party only and stays in ``note``).
* ``rdma_nic_count`` is given only where a source states it (p5.48xlarge: 32 EFA in the [EFA]
  example); 0 where EFA is not supported.
* The CPU rows are not in the accelerator reference: 16 vCPU / 64 GiB is AWS's published size of
  ``m6a.4xlarge`` / ``m6i.4xlarge``; llm-d's OpenShift-on-AWS reference used m6a.4xlarge control
  planes (``llmd-providers.md`` §8). Their cores are vCPU/2 (two threads per core), derived.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from llmd_infra.catalog.types import Arch, MachineShape, RdmaKind


@dataclass(frozen=True)
class AwsInstanceType(MachineShape):
    """An EC2 instance type for OpenShift MachineSets."""

    efa_supported: bool | None = None
    network_cards: int | None = None

_AWS = "accelerator-catalog.md §5a [AWS] docs.aws.amazon.com/ec2/latest/instancetypes/ac.html"
_EFA = "[EFA] docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa.html"


def _gpu(
    name: str,
    accelerator: str,
    count: int,
    vcpus: int,
    cores: int,
    memory_gib: float,
    gbps: float,
    network_cards: int,
    efa: bool | None,
    note: str = "",
    *,
    rdma_nic_count: int | None = None,
    arch: Arch = Arch.X86_64,
    source: str = _AWS,
) -> AwsInstanceType:
    efa_note = "EFA support unknown" if efa is None else ""
    return AwsInstanceType(
        name=name,
        accelerator=accelerator,
        accelerator_count=count,
        vcpus=vcpus,
        physical_cores=cores,
        memory_gib=memory_gib,
        max_nic_gbps=gbps,
        pcie_generation=None,
        rdma=RdmaKind.EFA if efa else RdmaKind.NONE,
        rdma_nic_count=0 if efa is False else rdma_nic_count,
        nic_count=None,
        arch=arch,
        source=source,
        note="; ".join(part for part in (note, efa_note) if part),
        efa_supported=efa,
        network_cards=network_cards,
    )


_GPU: tuple[AwsInstanceType, ...] = (
    _gpu("g6.xlarge", "L4", 1, 4, 2, 16, 2.5, 1, False, "burst 10 Gbps; L4 22 GiB usable"),
    _gpu("g6.2xlarge", "L4", 1, 8, 4, 32, 5, 1, False, "burst 10 Gbps"),
    _gpu("g6.4xlarge", "L4", 1, 16, 8, 64, 10, 1, False, "burst 25 Gbps"),
    _gpu("g6.8xlarge", "L4", 1, 32, 16, 128, 25, 1, True),
    _gpu("g6.12xlarge", "L4", 4, 48, 24, 192, 40, 1, True, "llm-d minikube CI host (llmd-providers.md §10)"),
    _gpu("g6.16xlarge", "L4", 1, 64, 32, 256, 25, 1, True),
    _gpu("g6.24xlarge", "L4", 4, 96, 48, 384, 50, 1, True),
    _gpu("g6.48xlarge", "L4", 8, 192, 96, 768, 100, 1, True),
    _gpu("g6e.xlarge", "L40S", 1, 4, 2, 32, 2.5, 1, False, "burst 20 Gbps; L40S 44 GiB"),
    _gpu("g6e.2xlarge", "L40S", 1, 8, 4, 64, 5, 1, False, "burst 20 Gbps; ocp-gpu-setup 'L40S single'"),
    _gpu("g6e.4xlarge", "L40S", 1, 16, 8, 128, 20, 1, None),
    _gpu("g6e.8xlarge", "L40S", 1, 32, 16, 256, 25, 1, True),
    _gpu(
        "g6e.12xlarge",
        "L40S",
        4,
        48,
        24,
        384,
        100,
        1,
        True,
        "llm-d minikube doc minimum host (llmd-providers.md §10)",
    ),
    _gpu("g6e.16xlarge", "L40S", 1, 64, 32, 512, 35, 1, True),
    _gpu("g6e.24xlarge", "L40S", 4, 96, 48, 768, 200, 2, True),
    _gpu("g6e.48xlarge", "L40S", 8, 192, 96, 1536, 400, 4, True),
    _gpu("p4d.24xlarge", "A100", 8, 96, 48, 1152, 400, 4, True, "A100 40GB; 400 Gbps = 4x100"),
    _gpu("p4de.24xlarge", "A100", 8, 96, 48, 1152, 400, 4, True, "A100 80GB; 400 Gbps = 4x100"),
    _gpu("p5.4xlarge", "H100", 1, 16, 8, 256, 100, 1, None),
    _gpu(
        "p5.48xlarge",
        "H100",
        8,
        192,
        96,
        2048,
        3200,
        32,
        True,
        "[EFA] example: 32 EFA + 1 ENA interfaces",
        rdma_nic_count=32,
        source=f"{_AWS}; {_EFA}",
    ),
    _gpu("p5e.48xlarge", "H200", 8, 192, 96, 2048, 3200, 32, True),
    _gpu(
        "p5en.48xlarge",
        "H200",
        8,
        192,
        96,
        2048,
        3200,
        16,
        True,
        "Sapphire Rapids; Nitro v5; PCIe Gen5 per a third-party source only (not recorded); "
        "llm-d AWS P/D overlay target",
    ),
    _gpu(
        "p6-b200.48xlarge", "B200", 8, 192, 96, 2048, 3200, 8, True, "B200 179 GiB; Emerald Rapids; Nitro v6"
    ),
    _gpu("p6-b300.48xlarge", "B300", 8, 192, 96, 4096, 6400, 17, True),
    _gpu(
        "p6e-gb200.36xlarge",
        "GB200",
        4,
        144,
        144,
        960,
        3200,
        17,
        True,
        "B200 in GB200 (185 GiB); Grace Arm, 1 thread per core; no Spot; no ENA Express; UltraServer = 18 "
        "instances / one 72-GPU NVLink domain with IMEX (third-party)",
        arch=Arch.ARM64,
    ),
)


def _cpu(name: str) -> AwsInstanceType:
    return AwsInstanceType(
        name=name,
        accelerator=None,
        accelerator_count=0,
        vcpus=16,
        physical_cores=8,
        memory_gib=64,
        max_nic_gbps=None,
        pcie_generation=None,
        rdma=RdmaKind.NONE,
        rdma_nic_count=None,
        nic_count=None,
        arch=Arch.X86_64,
        source="AWS general-purpose instance sizes (docs.aws.amazon.com/ec2/latest/instancetypes/gp.html); "
        "not in accelerator-catalog.md; control-plane use per llmd-providers.md §8",
        note="CPU-only control-plane type; physical cores = vCPU/2 (derived); bandwidth and EFA unknown",
        efa_supported=None,
        network_cards=None,
    )


_CPU: tuple[AwsInstanceType, ...] = (_cpu("m6a.4xlarge"), _cpu("m6i.4xlarge"))

AWS_INSTANCE_TYPES: dict[str, AwsInstanceType] = {t.name: t for t in (*_GPU, *_CPU)}
"""Instance type name → row."""


def aws_instance_type(name: str) -> AwsInstanceType | None:
    """The row for an instance type (case-insensitive), ``None`` when the catalog does not know it."""
    return AWS_INSTANCE_TYPES.get(name.strip().lower())


MACHINES = AWS_INSTANCE_TYPES
"""The room's catalog as the core reads it (:mod:`llmd_infra.registry`)."""
machine_shape = aws_instance_type

# --- OpenShift releases and the Kubernetes minor each ships ------------------------------------
# Sources: Red Hat release notes (4.15), OKD docs (4.16), third-party repositories
# for 4.17-4.21. 4.22 is left out: two sources say Kubernetes 1.35, one says 1.34, and an unknown
# stays unknown rather than guessed.

OPENSHIFT_KUBERNETES: Mapping[int, int] = MappingProxyType(
    {15: 28, 16: 29, 17: 30, 18: 31, 19: 32, 20: 33, 21: 34}
)
"""OpenShift 4.<key> ships Kubernetes 1.<value>."""

OPENSHIFT_SOURCE = "accelerator-catalog.md §5c (Red Hat release notes; OKD docs; third-party for 4.17-4.21)"
