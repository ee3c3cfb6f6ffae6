"""EC2 instance types for OpenShift (ROSA / self-managed OCP) MachineSets: GPU types and two CPU
types for control planes.

Sources:

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
  planes (https://github.com/llm-d/llm-d/tree/main/docs/infrastructure/providers/openshift-aws). Their
  cores are vCPU/2 (two threads per core), derived.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from llmd_infra.catalog.types import Arch, MachineShape, RdmaKind


@dataclass(frozen=True)
class AwsInstanceType(MachineShape):
    """An EC2 instance type for OpenShift MachineSets."""

    efa_supported: bool | None = None
    network_cards: int | None = None


_AWS = "https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html"
_EFA = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa.html"
_LLMD_MINIKUBE = "https://github.com/llm-d/llm-d/tree/main/docs/infrastructure/providers/minikube"


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
    _gpu(
        name="g6.xlarge",
        accelerator="L4",
        count=1,
        vcpus=4,
        cores=2,
        memory_gib=16,
        gbps=2.5,
        network_cards=1,
        efa=False,
        note="burst 10 Gbps; L4 22 GiB usable",
    ),
    _gpu(
        name="g6.2xlarge",
        accelerator="L4",
        count=1,
        vcpus=8,
        cores=4,
        memory_gib=32,
        gbps=5,
        network_cards=1,
        efa=False,
        note="burst 10 Gbps",
    ),
    _gpu(
        name="g6.4xlarge",
        accelerator="L4",
        count=1,
        vcpus=16,
        cores=8,
        memory_gib=64,
        gbps=10,
        network_cards=1,
        efa=False,
        note="burst 25 Gbps",
    ),
    _gpu(
        name="g6.8xlarge",
        accelerator="L4",
        count=1,
        vcpus=32,
        cores=16,
        memory_gib=128,
        gbps=25,
        network_cards=1,
        efa=True,
    ),
    _gpu(
        name="g6.12xlarge",
        accelerator="L4",
        count=4,
        vcpus=48,
        cores=24,
        memory_gib=192,
        gbps=40,
        network_cards=1,
        efa=True,
        note=f"llm-d minikube CI host ({_LLMD_MINIKUBE})",
    ),
    _gpu(
        name="g6.16xlarge",
        accelerator="L4",
        count=1,
        vcpus=64,
        cores=32,
        memory_gib=256,
        gbps=25,
        network_cards=1,
        efa=True,
    ),
    _gpu(
        name="g6.24xlarge",
        accelerator="L4",
        count=4,
        vcpus=96,
        cores=48,
        memory_gib=384,
        gbps=50,
        network_cards=1,
        efa=True,
    ),
    _gpu(
        name="g6.48xlarge",
        accelerator="L4",
        count=8,
        vcpus=192,
        cores=96,
        memory_gib=768,
        gbps=100,
        network_cards=1,
        efa=True,
    ),
    _gpu(
        name="g6e.xlarge",
        accelerator="L40S",
        count=1,
        vcpus=4,
        cores=2,
        memory_gib=32,
        gbps=2.5,
        network_cards=1,
        efa=False,
        note="burst 20 Gbps; L40S 44 GiB",
    ),
    _gpu(
        name="g6e.2xlarge",
        accelerator="L40S",
        count=1,
        vcpus=8,
        cores=4,
        memory_gib=64,
        gbps=5,
        network_cards=1,
        efa=False,
        note="burst 20 Gbps; ocp-gpu-setup 'L40S single'",
    ),
    _gpu(
        name="g6e.4xlarge",
        accelerator="L40S",
        count=1,
        vcpus=16,
        cores=8,
        memory_gib=128,
        gbps=20,
        network_cards=1,
        efa=None,
    ),
    _gpu(
        name="g6e.8xlarge",
        accelerator="L40S",
        count=1,
        vcpus=32,
        cores=16,
        memory_gib=256,
        gbps=25,
        network_cards=1,
        efa=True,
    ),
    _gpu(
        name="g6e.12xlarge",
        accelerator="L40S",
        count=4,
        vcpus=48,
        cores=24,
        memory_gib=384,
        gbps=100,
        network_cards=1,
        efa=True,
        note=f"llm-d minikube doc minimum host ({_LLMD_MINIKUBE})",
    ),
    _gpu(
        name="g6e.16xlarge",
        accelerator="L40S",
        count=1,
        vcpus=64,
        cores=32,
        memory_gib=512,
        gbps=35,
        network_cards=1,
        efa=True,
    ),
    _gpu(
        name="g6e.24xlarge",
        accelerator="L40S",
        count=4,
        vcpus=96,
        cores=48,
        memory_gib=768,
        gbps=200,
        network_cards=2,
        efa=True,
    ),
    _gpu(
        name="g6e.48xlarge",
        accelerator="L40S",
        count=8,
        vcpus=192,
        cores=96,
        memory_gib=1536,
        gbps=400,
        network_cards=4,
        efa=True,
    ),
    _gpu(
        name="p4d.24xlarge",
        accelerator="A100",
        count=8,
        vcpus=96,
        cores=48,
        memory_gib=1152,
        gbps=400,
        network_cards=4,
        efa=True,
        note="A100 40GB; 400 Gbps = 4x100",
    ),
    _gpu(
        name="p4de.24xlarge",
        accelerator="A100",
        count=8,
        vcpus=96,
        cores=48,
        memory_gib=1152,
        gbps=400,
        network_cards=4,
        efa=True,
        note="A100 80GB; 400 Gbps = 4x100",
    ),
    _gpu(
        name="p5.4xlarge",
        accelerator="H100",
        count=1,
        vcpus=16,
        cores=8,
        memory_gib=256,
        gbps=100,
        network_cards=1,
        efa=None,
    ),
    _gpu(
        name="p5.48xlarge",
        accelerator="H100",
        count=8,
        vcpus=192,
        cores=96,
        memory_gib=2048,
        gbps=3200,
        network_cards=32,
        efa=True,
        note="[EFA] example: 32 EFA + 1 ENA interfaces",
        rdma_nic_count=32,
        source=f"{_AWS}; {_EFA}",
    ),
    _gpu(
        name="p5e.48xlarge",
        accelerator="H200",
        count=8,
        vcpus=192,
        cores=96,
        memory_gib=2048,
        gbps=3200,
        network_cards=32,
        efa=True,
    ),
    _gpu(
        name="p5en.48xlarge",
        accelerator="H200",
        count=8,
        vcpus=192,
        cores=96,
        memory_gib=2048,
        gbps=3200,
        network_cards=16,
        efa=True,
        note="Sapphire Rapids; Nitro v5; PCIe Gen5 per a third-party source only (not recorded); "
        "llm-d AWS P/D overlay target",
    ),
    _gpu(
        name="p6-b200.48xlarge",
        accelerator="B200",
        count=8,
        vcpus=192,
        cores=96,
        memory_gib=2048,
        gbps=3200,
        network_cards=8,
        efa=True,
        note="B200 179 GiB; Emerald Rapids; Nitro v6",
    ),
    _gpu(
        name="p6-b300.48xlarge",
        accelerator="B300",
        count=8,
        vcpus=192,
        cores=96,
        memory_gib=4096,
        gbps=6400,
        network_cards=17,
        efa=True,
    ),
    _gpu(
        name="p6e-gb200.36xlarge",
        accelerator="GB200",
        count=4,
        vcpus=144,
        cores=144,
        memory_gib=960,
        gbps=3200,
        network_cards=17,
        efa=True,
        note="B200 in GB200 (185 GiB); Grace Arm, 1 thread per core; no Spot; no ENA Express; UltraServer = 18 "
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
        "control-plane use per llm-d's OpenShift-on-AWS reference (docs/infrastructure/providers/openshift-aws)",
        note="CPU-only control-plane type; physical cores = vCPU/2 (derived); bandwidth and EFA unknown",
        efa_supported=None,
        network_cards=None,
    )


_CPU: tuple[AwsInstanceType, ...] = (_cpu(name="m6a.4xlarge"), _cpu(name="m6i.4xlarge"))

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

OPENSHIFT_KUBERNETES: Mapping[int, int] = MappingProxyType({15: 28, 16: 29, 17: 30, 18: 31, 19: 32, 20: 33, 21: 34})
"""OpenShift 4.<key> ships Kubernetes 1.<value>."""

OPENSHIFT_SOURCE = (
    "Red Hat OpenShift release notes (https://docs.redhat.com/en/documentation/openshift_container_platform/); "
    "OKD docs (https://docs.okd.io/); third-party listings for 4.17-4.21"
)

GATEWAY_API_MANAGED_SINCE = 19
"""From OpenShift 4.19 the Ingress Operator owns the Gateway API CRDs: a ValidatingAdmissionPolicy
(``openshift-ingress-operator-gatewayapi-crd-admission``) refuses every other writer (OpenShift 4.19 docs,
"Gateway API with OpenShift Container Platform Networking"; openshift/cluster-ingress-operator). GAIE's
CRDs are not among them."""

# --- Red Hat's Leader Worker Set Operator and the LWS it runs -----------------------------------

LWS_OPERATOR_PACKAGE = "leader-worker-set"
"""The operator's OLM package (openshift/lws-operator ``metadata/annotations.yaml``)."""

LWS_OPERATOR_UPSTREAM: Mapping[str, str] = MappingProxyType({"1.0": "kubernetes-sigs/lws v0.7.0"})
"""Leader Worker Set Operator ``<major>.<minor>`` -> the upstream LWS tag its operand is built from. Operator
1.0's operand (``lws-operand-1-0``) builds openshift/kubernetes-sigs-lws at the release branch of that tag
(``charts/lws/Chart.yaml`` ``appVersion: "v0.7.0"``); its channel is ``stable-v1.0`` and its CSV
``leader-worker-set.v1.0.0`` (openshift/lws-operator ``fbc`` branch, ``v4.20/catalog/lws-operator/catalog.json``)."""


def lws_operator_lws_version(channel: str | None, starting_csv: str | None) -> str | None:
    """The LWS release a ``leader-worker-set`` Subscription installs: read from its ``startingCSV``
    (``leader-worker-set.v1.0.0``) or its channel (``stable-v1.0``); ``None`` when the table does not say."""
    for text, pattern in ((starting_csv, r"^leader-worker-set\.v(\d+)\.(\d+)\."), (channel, r"^stable-v(\d+)\.(\d+)$")):
        match = re.match(pattern, text or "")
        if match:
            upstream = LWS_OPERATOR_UPSTREAM.get(f"{match.group(1)}.{match.group(2)}")
            return upstream.rsplit(" ", 1)[-1].removeprefix("v") if upstream else None
    return None
