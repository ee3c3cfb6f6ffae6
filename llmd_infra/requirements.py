"""llm-d's infrastructure prerequisites, as data.

Every threshold of llm-d's "Infrastructure Prerequisite" page lives here exactly once, next to the
sentence it encodes. Config validation, the policy pack, reports, preflight and the README table
all read these records; nothing else in the project writes 1.29, 80, 500, 100, 5 or 0.7.0.

Record ids are public names: policies are named after them, reports and docs cite them. Never
rename one; add a new record instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from llmd_infra.versions import Version

SEED_DOCUMENT = "llm-d guides/prereq/infrastructure/README.md (docs/infrastructure/README.md)"


class Enforcement(str, Enum):
    """How a violated requirement is reported by default (Pulumi's enforcement levels)."""

    MANDATORY = "mandatory"
    ADVISORY = "advisory"


class Category(str, Enum):
    """What part of the platform a requirement is about."""

    CLUSTER = "cluster"
    ACCELERATOR = "accelerator"
    NETWORK = "network"
    HOST = "host"
    ADDON = "add-on"
    IMAGE = "image"


@dataclass(frozen=True)
class Requirement:
    """One prerequisite of llm-d, with its threshold and the seed sentence it encodes."""

    id: str
    """Stable public id, e.g. ``host-cpu-cores``."""
    title: str
    category: Category
    enforcement: Enforcement
    """Default enforcement level when the pack judges this requirement."""
    seed: str
    """The sentence of llm-d's prerequisites page this record encodes, verbatim."""
    minimum: Version | int | None = None
    maximum: Version | int | None = None
    below: Version | int | None = None
    """Exclusive upper bound: values must be lower than this (e.g. a driver branch that breaks llm-d)."""
    unit: str = ""
    values: tuple[str, ...] = field(default=())
    """Named values: accelerator families, paths, interconnect kinds."""
    note: str = ""

    def min_version(self) -> Version:
        """The minimum as a :class:`Version` (for version requirements)."""
        if not isinstance(self.minimum, Version):
            raise TypeError(f"requirement {self.id} has no version minimum")
        return self.minimum

    def max_version(self) -> Version:
        if not isinstance(self.maximum, Version):
            raise TypeError(f"requirement {self.id} has no version maximum")
        return self.maximum

    def min_int(self) -> int:
        """The minimum as an integer (for counts and sizes)."""
        if not isinstance(self.minimum, int):
            raise TypeError(f"requirement {self.id} has no integer minimum")
        return self.minimum

    def below_int(self) -> int:
        """The exclusive upper bound as an integer (e.g. a driver major)."""
        if not isinstance(self.below, int):
            raise TypeError(f"requirement {self.id} has no integer exclusive bound")
        return self.below

    def threshold_text(self) -> str:
        """The threshold in words, for tables and messages."""
        unit = f" {self.unit}" if self.unit else ""
        if self.minimum is not None and self.below is not None:
            return f">= {_fmt(self.minimum)}, < {_fmt(self.below)}{unit}"
        if self.minimum is not None and self.maximum is not None:
            return f"{_fmt(self.minimum)} to {_fmt(self.maximum)}{unit}"
        if self.minimum is not None:
            return f">= {_fmt(self.minimum)}{unit}"
        if self.values:
            return ", ".join(self.values)
        return "-"


def _fmt(value: Version | int) -> str:
    if isinstance(value, Version):
        # Kubernetes/Python style minimums read "1.29"; 0.x and patch-level ones keep all three parts.
        return str(value) if value.patch or value.major == 0 else value.minor_str()
    return str(value)


KUBERNETES_VERSION = Requirement(
    id="kubernetes-version",
    title="Kubernetes version",
    category=Category.CLUSTER,
    enforcement=Enforcement.MANDATORY,
    seed="Kubernetes: 1.29 or newer",
    minimum=Version(1, 29),
)

MULTI_HOST_PLACEMENT = Requirement(
    id="multi-host-placement",
    title="Multi-host pools in one network domain",
    category=Category.CLUSTER,
    enforcement=Enforcement.MANDATORY,
    seed=(
        "Your cluster scheduler must support placing multiple pods within the same networking "
        "domain for running multi-host inference"
    ),
    note="A pool is multi-host when labelled llm-d.ai/multi-host=true or when it is a multi-host TPU slice.",
)

ACCELERATOR_SUPPORTED = Requirement(
    id="accelerator-supported",
    title="Supported accelerator generation",
    category=Category.ACCELERATOR,
    enforcement=Enforcement.ADVISORY,
    seed=(
        "Recent generation datacenter-class accelerators: AMD MI250X or newer; Google TPU v5e, "
        "v6e, and newer; NVIDIA L4, A100, H100, H200, B200, and newer"
    ),
    values=("MI250X", "TPU v5e", "TPU v6e", "L4", "A100", "H100", "H200", "B200"),
    note=(
        "Families named by llm-d, or of a generation at least as new as the oldest one named for "
        "that vendor, are supported; older ones are best-effort."
    ),
)

ACCELERATOR_INTERCONNECT = Requirement(
    id="accelerator-interconnect",
    title="Fast accelerator interconnect for multi-host pools",
    category=Category.NETWORK,
    enforcement=Enforcement.MANDATORY,
    seed=(
        "Fast internode networking for accelerators: AMD Infinity Fabric, InfiniBand NICs; "
        "Google TPU ICI; NVIDIA NVLink, InfiniBand or RoCE NICs"
    ),
    values=("Infinity Fabric", "InfiniBand", "TPU ICI", "NVLink", "RoCE"),
    note="Judged on multi-host pools: their nodes must reach each other over RDMA-class NICs or ICI.",
)

HOST_NETWORK_BANDWIDTH = Requirement(
    id="host-network-bandwidth",
    title="Host NIC bandwidth",
    category=Category.HOST,
    enforcement=Enforcement.ADVISORY,
    seed="Fast (100Gbps+ aggregate throughput) datacenter NICs",
    minimum=100,
    unit="Gbps",
)

HOST_CPU_CORES = Requirement(
    id="host-cpu-cores",
    title="Host CPU cores",
    category=Category.HOST,
    enforcement=Enforcement.ADVISORY,
    seed="80+ x86 or ARM cores per machine",
    minimum=80,
    unit="cores",
)

HOST_MEMORY = Requirement(
    id="host-memory",
    title="Host memory",
    category=Category.HOST,
    enforcement=Enforcement.ADVISORY,
    seed="500GiB or more of memory",
    minimum=500,
    unit="GiB",
)

HOST_PCIE_GENERATION = Requirement(
    id="host-pcie-generation",
    title="Host PCIe generation",
    category=Category.HOST,
    enforcement=Enforcement.ADVISORY,
    seed="PCIe 5+",
    minimum=5,
    unit="",
)

LWS_VERSION = Requirement(
    id="lws-version",
    title="LeaderWorkerSet version",
    category=Category.ADDON,
    enforcement=Enforcement.MANDATORY,
    seed=(
        "Use the LWS installation guide to install 0.7.0 or newer when deploying an llm-d guide "
        "using LWS."
    ),
    minimum=Version(0, 7, 0),
)

GPU_DRIVER_PATH = Requirement(
    id="gpu-driver-path",
    title="GPU driver delivered to every GPU pool",
    category=Category.ACCELERATOR,
    enforcement=Enforcement.ADVISORY,
    seed=(
        "Expecting to mount hardware-specific drivers and libraries from a standard host location "
        "as a value"
    ),
    note="A GPU pool needs a driver path: provider-installed, the GPU Operator, or a DRA driver.",
)

IMAGE_VLLM_VERSION = Requirement(
    id="image-vllm-version",
    title="vLLM version in the image",
    category=Category.IMAGE,
    enforcement=Enforcement.ADVISORY,
    seed="vLLM: 0.10.0 or newer",
    minimum=Version(0, 10, 0),
)

IMAGE_NIXL_VERSION = Requirement(
    id="image-nixl-version",
    title="NIXL version in the image",
    category=Category.IMAGE,
    enforcement=Enforcement.ADVISORY,
    seed="NIXL: 0.5.0 or newer",
    minimum=Version(0, 5, 0),
)

IMAGE_UCX_VERSION = Requirement(
    id="image-ucx-version",
    title="UCX version in the image",
    category=Category.IMAGE,
    enforcement=Enforcement.ADVISORY,
    seed="UCX: 0.19.0 or newer",
    minimum=Version(1, 19, 0),
    note=(
        "Read as UCX 1.19.0: UCX has never published a 0.x release (its tags start at v1.2.0, "
        "https://github.com/openucx/ucx/tags); 1.19.0 (2025-06-18, openucx/ucx NEWS) was the current "
        "release when llm-d wrote this list, llm-d's own image then built v1.19.0-rc1 "
        "(https://github.com/llm-d/llm-d/issues/242, which also writes the version without its leading 1). "
        "Read literally, 0.19.0 would be met by every UCX ever released and check nothing. UCX's library "
        "files are named libucp.so.0.0.0 (libtool ABI version 0:0:0, openucx/ucx configure.ac), which is "
        "not the release number; the release comes from ucx.pc, uct/api/version.h or ucx-config-version.cmake."
    ),
)

IMAGE_NVSHMEM_VERSION = Requirement(
    id="image-nvshmem-version",
    title="NVSHMEM version in NVIDIA images",
    category=Category.IMAGE,
    enforcement=Enforcement.ADVISORY,
    seed="NVSHMEM: 3.3.9 or newer",
    minimum=Version(3, 3, 9),
)

IMAGE_PYTHON_VERSION = Requirement(
    id="image-python-version",
    title="vLLM-compatible Python in the image",
    category=Category.IMAGE,
    enforcement=Enforcement.ADVISORY,
    seed="At least one vLLM compatible Python version must be available (3.9 to 3.12)",
    minimum=Version(3, 9),
    maximum=Version(3, 12),
    note="llm-d recommends 3.10 or newer.",
)

IMAGE_VLLM_ON_PATH = Requirement(
    id="image-vllm-on-path",
    title="vllm on PATH",
    category=Category.IMAGE,
    enforcement=Enforcement.ADVISORY,
    seed=(
        "PATH must contain the vLLM binary and directly invoking vllm should start with the "
        "correct Python environment (i.e. a virtual env)"
    ),
    values=("vllm",),
)

IMAGE_LD_LIBRARY_PATH = Requirement(
    id="image-ld-library-path",
    title="NVIDIA driver libraries on LD_LIBRARY_PATH",
    category=Category.IMAGE,
    enforcement=Enforcement.ADVISORY,
    seed=(
        "LD_LIBRARY_PATH includes the /usr/local/nvidia/lib64 directory to allow Kubernetes GPU "
        "operators to inject the appropriate driver"
    ),
    values=("/usr/local/nvidia/lib64",),
)

IMAGE_VLLM_CACHE_ROOT = Requirement(
    id="image-vllm-cache-root",
    title="VLLM_CACHE_ROOT under /tmp/cache/compile",
    category=Category.IMAGE,
    enforcement=Enforcement.ADVISORY,
    seed=(
        "Default compilation cache directory environment variables under a shared root path under "
        "/tmp/cache/compile/<NAME>"
    ),
    values=("/tmp/cache/compile/",),
    note=(
        "The narrower check of image-compile-cache: VLLM_CACHE_ROOT is set to a directory under the root, "
        "e.g. VLLM_CACHE_ROOT=/tmp/cache/compile/vllm."
    ),
)

IMAGE_ENTRYPOINT = Requirement(
    id="image-entrypoint",
    title="Default command serves vLLM and takes extra arguments",
    category=Category.IMAGE,
    enforcement=Enforcement.ADVISORY,
    seed=(
        "The default image command (or if not specified, entrypoint) should start vLLM in a serving "
        "configuration and accept additional arguments"
    ),
    note=(
        "Judged with Kubernetes semantics: a pod's args replace CMD and are appended to ENTRYPOINT, so "
        "ENTRYPOINT alone must start vLLM serving and pass appended arguments on; a pod's command "
        "replaces both."
    ),
)

IMAGE_COMPILE_CACHE = Requirement(
    id="image-compile-cache",
    title="Compilation caches under /tmp/cache/compile",
    category=Category.IMAGE,
    enforcement=Enforcement.ADVISORY,
    seed=(
        "Default compilation cache directory environment variables under a shared root path under "
        "/tmp/cache/compile/<NAME>"
    ),
    values=("/tmp/cache/compile/",),
    note=(
        "VLLM_CACHE_ROOT is set, and every compile-cache variable the image sets (Triton, TorchInductor, "
        "FlashInfer, DeepGEMM, CUDA, ...) names its own directory under the root."
    ),
)

IMAGE_MODEL_CACHE = Requirement(
    id="image-model-cache",
    title="No hard-coded model cache",
    category=Category.IMAGE,
    enforcement=Enforcement.ADVISORY,
    seed="Do not hardcode the model cache directory and model cache environment variables",
    note="The image sets no model cache variable (HF_HOME, HF_HUB_CACHE, ...) and no --download-dir.",
)

GPU_DRIVER_VERSION = Requirement(
    id="gpu-driver-version",
    title="NVIDIA driver in the range of llm-d's CUDA 12.9.1 images",
    category=Category.ACCELERATOR,
    enforcement=Enforcement.ADVISORY,
    seed="Recommended driver version: 575.x for current llm-d releases using CUDA 12.9.1.",
    minimum=Version(525, 60, 13),
    below=580,
    note=(
        "Range of llm-d's CUDA 12.9.1 images: minimum driver 525.60.13, maximum '< 580' (llm-d "
        "docs/getting-started/accelerators.md). R580 drivers also crash DeepEP high-throughput kernels "
        "(llm-d guides/wide-ep/modelserver/gpu/vllm-deepseek-r1-0528/gke/README.md @aa259bf, 'GPU driver'); "
        "llm-d's own preflight warns on it (guides/wide-ep/preflight.yaml @2878d99 gpuDriver.maxMajorExclusive: "
        "580, severity: warn), hence advisory. The bound is the driver's major (branch) version. Machines whose "
        "RDMA needs R580 (e.g. GKE A4X) cannot meet it."
    ),
)

REQUIREMENTS: tuple[Requirement, ...] = (
    KUBERNETES_VERSION,
    ACCELERATOR_SUPPORTED,
    MULTI_HOST_PLACEMENT,
    ACCELERATOR_INTERCONNECT,
    HOST_NETWORK_BANDWIDTH,
    HOST_CPU_CORES,
    HOST_MEMORY,
    HOST_PCIE_GENERATION,
    LWS_VERSION,
    GPU_DRIVER_PATH,
    IMAGE_VLLM_VERSION,
    IMAGE_NIXL_VERSION,
    IMAGE_UCX_VERSION,
    IMAGE_NVSHMEM_VERSION,
    IMAGE_PYTHON_VERSION,
    IMAGE_VLLM_ON_PATH,
    IMAGE_LD_LIBRARY_PATH,
    IMAGE_ENTRYPOINT,
    IMAGE_COMPILE_CACHE,
    IMAGE_VLLM_CACHE_ROOT,
    IMAGE_MODEL_CACHE,
    GPU_DRIVER_VERSION,
)

_BY_ID = {r.id: r for r in REQUIREMENTS}


def get(requirement_id: str) -> Requirement:
    """The record with this id; ``KeyError`` names the known ids."""
    try:
        return _BY_ID[requirement_id]
    except KeyError:
        raise KeyError(f"unknown requirement '{requirement_id}'; known: {', '.join(_BY_ID)}") from None


def all_requirements() -> Iterator[Requirement]:
    return iter(REQUIREMENTS)
