"""Requirement policies: llm-d's infrastructure prerequisites judged on RAW provider resources.

Each policy is named by its requirement record id and reads its threshold from the record
(:mod:`llmd_infra.requirements`) and machine facts from :mod:`llmd_infra.catalog`; no threshold is
written here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from llmd_infra import catalog
from llmd_infra.catalog.types import MachineShape, SupportStatus
from llmd_infra.policy.common import (
    CRD_V1,
    DEPLOYMENT,
    HELM_TYPES,
    MANIFEST_TYPES,
    STACK,
    Deferred,
    Finding,
    PolicySpec,
    Resource,
    StackResource,
    as_list,
    as_str,
    config_bool,
    config_int,
    config_str,
    get,
)
from llmd_infra.policy.pools import Pool, pools_of
from llmd_infra.policy.resources import (
    LwsInstall,
    cluster_of,
    lws_gaps,
    lws_types,
    pool_types,
    room_lws_installs,
    version_fields,
    version_types,
)
from llmd_infra.policy.specs import (
    K8S,
    LWS_MIN,
    MULTI_HOST_POOLS,
    how_to_meet,
    min_version_property,
    minimum_property,
    requirement_policy,
)
from llmd_infra.requirements import (
    ACCELERATOR_INTERCONNECT,
    ACCELERATOR_SUPPORTED,
    GPU_DRIVER_PATH,
    HOST_CPU_CORES,
    HOST_MEMORY,
    HOST_NETWORK_BANDWIDTH,
    HOST_PCIE_GENERATION,
    KUBERNETES_VERSION,
    LWS_VERSION,
    MULTI_HOST_PLACEMENT,
    Requirement,
)
from llmd_infra.versions import Version, try_parse_version

LWS_CRD_NAME = "leaderworkersets.leaderworkerset.x-k8s.io"
LWS_OCI_CHART = "oci://registry.k8s.io/lws/charts/lws"
_LWS_RELEASE_URL_RE = re.compile(r"kubernetes-sigs/lws/releases/download/v?(\d+\.\d+\.\d+)")
_LWS_IMAGE_RE = re.compile(r"registry\.k8s\.io/lws/lws:v?(\d+\.\d+\.\d+)")


def _min_version(config: Mapping[str, Any], record: Requirement, default: str) -> tuple[Version, str]:
    text = config_str(config, "minimumVersion", default)
    parsed = try_parse_version(text)
    if parsed is None:
        return record.min_version(), default
    return parsed, text


# --- kubernetes-version -------------------------------------------------------------------------


def check_kubernetes_version(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    """Every Kubernetes version field the resource's room reads, each judged on its own (:class:`Deferred`),
    so a version unknown in preview does not hide an old one set elsewhere on the resource."""
    minimum, minimum_text = _min_version(config, KUBERNETES_VERSION, KUBERNETES_VERSION.min_version().minor_str())
    deferred = Deferred()
    findings: list[Finding] = []
    for field in version_fields(r):
        value = deferred.run(field.read)
        message = field.judge(field.path, value, minimum, minimum_text) if value else None
        if message:
            findings.append(Finding(message))
    return deferred.finish(findings)


KUBERNETES_VERSION_POLICY = requirement_policy(
    KUBERNETES_VERSION,
    check_kubernetes_version,
    version_types(),
    how_to_meet(KUBERNETES_VERSION, f"Run Kubernetes {K8S} or newer."),
    config=min_version_property(KUBERNETES_VERSION, KUBERNETES_VERSION.min_version().minor_str()),
    severity="high",
)


# --- accelerator-supported ----------------------------------------------------------------------


def check_accelerator_supported(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    """Older generations than llm-d tests are an advisory finding; an accelerator the catalog does not
    know is a note (``info``) saying so. Accelerators are the written ones, else the machine's: its
    catalog row, else what the room's naming rules read from a machine name the catalog lacks
    (:meth:`~llmd_infra.policy.pools.Pool.implied_accelerator`) — so no accelerator pool is silent."""
    allow_older = config_bool(config, "allowOlderAccelerators")
    supported = ", ".join(ACCELERATOR_SUPPORTED.values)
    findings: list[Finding] = []
    for pool in pools_of(r.type, r.name, r.props, config):
        of_machine = "" if pool.accelerator_types else f' of machine "{pool.machine}"'
        for accelerator in pool.accelerators:
            status = catalog.support_status(accelerator)
            family = catalog.accelerator_family(accelerator)
            shown = f'"{accelerator}"' + (f" ({family.name})" if family and family.name != accelerator else "")
            if status == SupportStatus.BEST_EFFORT and not allow_older:
                findings.append(
                    Finding(
                        f"{pool.label}: accelerator {shown}{of_machine} is older than the generations llm-d tests "
                        f"({supported}, and newer); it may work, but support is best-effort"
                    )
                )
            elif status == SupportStatus.UNKNOWN:
                findings.append(
                    Finding(
                        f"{pool.label}: accelerator {shown}{of_machine} is not in the accelerator catalog, so "
                        f"whether llm-d supports it is unknown (llm-d tests {supported}, and newer)",
                        note=True,
                    )
                )
    return findings


ACCELERATOR_SUPPORTED_POLICY = requirement_policy(
    ACCELERATOR_SUPPORTED,
    check_accelerator_supported,
    pool_types(),
    "Use an accelerator llm-d tests (NVIDIA L4, A100, H100, H200, B200 or newer; AMD MI250X or newer; "
    "TPU v5e, v6e or newer), or set allowOlderAccelerators to accept best-effort support.",
    config={
        "allowOlderAccelerators": {
            "type": "boolean",
            "default": False,
            "description": "Accept accelerators older than llm-d's tested ones.",
        },
    },
    severity="low",
)


# --- multi-host-placement -----------------------------------------------------------------------


def check_multi_host_placement(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    deferred = Deferred()
    findings: list[Finding] = []
    for pool in pools_of(r.type, r.name, r.props, config, deferred):
        if not pool.multi_host:
            continue
        problems = pool.placement_problems(deferred)
        if problems:
            findings.append(
                Finding(
                    f"{pool.label} is meant for multi-host inference ({pool.multi_host_reason}) but is not "
                    f"confined to one network domain: {'; '.join(problems)}"
                )
            )
    return deferred.finish(findings)


MULTI_HOST_PLACEMENT_POLICY = requirement_policy(
    MULTI_HOST_PLACEMENT,
    check_multi_host_placement,
    pool_types(),
    how_to_meet(MULTI_HOST_PLACEMENT, "Confine each multi-host pool to one network domain."),
    config=MULTI_HOST_POOLS,
    severity="high",
)


def check_multi_host_placement_cluster(
    resources: Sequence[StackResource], config: Mapping[str, Any]
) -> list[Finding]:
    """The part of ``multi-host-placement`` a standalone pool cannot show alone: where its cluster puts it.

    A resource policy sees one resource; ``AnalyzeStack`` carries every resource with its property
    dependencies, so the pool's cluster is found through the pool's link to it (:func:`cluster_of`)
    and the pool is judged with it (a zonal cluster without ``nodeLocations`` keeps its pools in its
    zone). Only a pool whose cluster is not in the stack stays "cannot tell".
    """
    deferred = Deferred()
    types = pool_types()
    findings: list[Finding] = []
    for res in resources:
        if res.type not in types:
            continue
        for pool in pools_of(res.type, res.name, res.props, config, deferred):
            if not pool.multi_host:
                continue
            problems = pool.cluster_placement_problems(cluster_of(res, resources), deferred)
            if problems:
                findings.append(
                    Finding(
                        f"{pool.label} is meant for multi-host inference ({pool.multi_host_reason}) but is not "
                        f"confined to one network domain: {'; '.join(problems)}",
                        urn=res.urn,
                    )
                )
    return deferred.finish(findings)


MULTI_HOST_PLACEMENT_CLUSTER_POLICY = requirement_policy(
    MULTI_HOST_PLACEMENT,
    check_multi_host_placement_cluster,
    frozenset({STACK}),
    how_to_meet(
        MULTI_HOST_PLACEMENT,
        "Keep the cluster of a standalone multi-host pool in the same stack, or set the pool's nodeLocations "
        "to one zone.",
    ),
    kind="stack",
    name="multi-host-placement-cluster",
    enforcement="mandatory",
    description=(
        "Multi-host pools that take their zones from their cluster stay in one network domain, judged with "
        f"the cluster the pool links to (companion of '{MULTI_HOST_PLACEMENT.id}', which sees one resource)."
    ),
    config=MULTI_HOST_POOLS,
    severity="high",
)


# --- accelerator-interconnect -------------------------------------------------------------------


def _interconnect_problem(pool: Pool) -> str | None:
    if pool.machine is None:
        return "it names no machine type, so its interconnect cannot be shown to be RDMA-class"
    shape = pool.shape()
    if shape is None:
        return f'machine "{pool.machine}" is not in the catalog, so its interconnect cannot be shown to be RDMA-class'
    return pool.interconnect_problem(shape)


def check_accelerator_interconnect(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    deferred = Deferred()
    findings: list[Finding] = []
    for pool in pools_of(r.type, r.name, r.props, config, deferred):
        if not pool.multi_host:
            continue
        problem = deferred.run(partial(_interconnect_problem, pool))
        if problem:
            findings.append(
                Finding(f"{pool.label} is meant for multi-host inference ({pool.multi_host_reason}) but {problem}")
            )
    return deferred.finish(findings)


ACCELERATOR_INTERCONNECT_POLICY = requirement_policy(
    ACCELERATOR_INTERCONNECT,
    check_accelerator_interconnect,
    pool_types(),
    how_to_meet(ACCELERATOR_INTERCONNECT, "Use RDMA-capable machines for multi-host pools, RDMA networking set up."),
    config=MULTI_HOST_POOLS,
    severity="high",
)


# --- host-* -------------------------------------------------------------------------------------


Bounds = Callable[[MachineShape], tuple[float, float, str] | None]
"""``shape -> (lower, upper, why)``: a published figure that bounds an unpublished fact, ``None`` if none."""


def _cores_from_vcpus(shape: MachineShape) -> tuple[float, float, str] | None:
    """A machine's vCPUs bound its physical cores: at most one core per vCPU, and at least half as many
    cores as vCPUs, since a core runs at most two hardware threads (x86 SMT is 2-way, Arm cores 1-way)."""
    if shape.vcpus is None:
        return None
    return math.ceil(shape.vcpus / 2), shape.vcpus, f"{shape.vcpus} vCPUs"


def _host_check(record: Requirement, fact: str, attribute: str, unit: str, bounds: Bounds | None = None) -> Any:
    def check(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
        minimum = config_int(config, "minimum", record.min_int())
        asks = f'llm-d asks for "{record.seed}" (>= {minimum}{unit})'
        findings: list[Finding] = []
        for pool in pools_of(r.type, r.name, r.props, config):
            if not pool.has_accelerator or pool.machine is None:
                continue
            shape = pool.shape()
            if shape is None:
                findings.append(
                    Finding(
                        f'{pool.label}: machine "{pool.machine}" is not in the catalog; {fact} not judged', note=True
                    )
                )
                continue
            value = getattr(shape, attribute)
            bound = bounds(shape) if value is None and bounds is not None else None
            if value is not None:
                if value < minimum:
                    findings.append(Finding(f'{pool.label}: "{pool.machine}" has {value:g}{unit} {fact}; {asks}'))
            elif bound is not None:
                lower, upper, why = bound
                if upper < minimum:
                    findings.append(
                        Finding(f'{pool.label}: "{pool.machine}" has {why}, so at most {upper:g}{unit} {fact}; {asks}')
                    )
                elif lower < minimum:
                    findings.append(
                        Finding(
                            f'{pool.label}: the catalog does not know the {fact} of "{pool.machine}" (its {why} '
                            f"mean {lower:g} to {upper:g}{unit}); not judged",
                            note=True,
                        )
                    )
            else:
                findings.append(
                    Finding(
                        f'{pool.label}: the catalog does not know the {fact} of "{pool.machine}"; not judged', note=True
                    )
                )
        return findings

    return check


check_host_cpu_cores = _host_check(HOST_CPU_CORES, "physical cores", "physical_cores", "", _cores_from_vcpus)
check_host_memory = _host_check(HOST_MEMORY, "memory", "memory_gib", " GiB")
check_host_network_bandwidth = _host_check(HOST_NETWORK_BANDWIDTH, "NIC bandwidth", "max_nic_gbps", " Gbps")
check_host_pcie_generation = _host_check(HOST_PCIE_GENERATION, "PCIe generation", "pcie_generation", "")

HOST_NETWORK_BANDWIDTH_POLICY = requirement_policy(
    HOST_NETWORK_BANDWIDTH,
    check_host_network_bandwidth,
    pool_types(),
    f"Choose a machine type with {HOST_NETWORK_BANDWIDTH.min_int()} Gbps or more of host networking.",
    config=minimum_property(HOST_NETWORK_BANDWIDTH),
    severity="low",
)

HOST_CPU_CORES_POLICY = requirement_policy(
    HOST_CPU_CORES,
    check_host_cpu_cores,
    pool_types(),
    f"Choose a machine type with {HOST_CPU_CORES.min_int()} or more physical cores.",
    config=minimum_property(HOST_CPU_CORES),
    severity="low",
)

HOST_MEMORY_POLICY = requirement_policy(
    HOST_MEMORY,
    check_host_memory,
    pool_types(),
    f"Choose a machine type with {HOST_MEMORY.min_int()} GiB or more of memory.",
    config=minimum_property(HOST_MEMORY),
    severity="low",
)

HOST_PCIE_GENERATION_POLICY = requirement_policy(
    HOST_PCIE_GENERATION,
    check_host_pcie_generation,
    pool_types(),
    f"Choose a machine type with PCIe {HOST_PCIE_GENERATION.min_int()} or newer.",
    config=minimum_property(HOST_PCIE_GENERATION),
    severity="low",
)


# --- lws-version --------------------------------------------------------------------------------


def is_lws_chart(props: Mapping[str, Any]) -> bool:
    chart = as_str(get(props, "chart")) or ""
    return chart.rstrip("/") in (LWS_OCI_CHART, "lws") or chart.endswith("/lws")


def lws_versions(resource_type: str, props: Mapping[str, Any]) -> list[tuple[str, str]] | None:
    """(where, version) of the LWS install a Helm chart, manifest set, controller image or CRD makes;
    ``None`` when it installs no LWS.

    An empty list means an LWS install whose version is not stated (a chart without ``version``).
    """
    if resource_type in HELM_TYPES:
        if not is_lws_chart(props):
            return None
        version = as_str(get(props, "version"))
        return [(f'Helm chart "{get(props, "chart")}" version', version)] if version else []
    if resource_type in MANIFEST_TYPES:
        texts: list[str] = []
        for key in ("file", "yaml"):
            texts += [s for s in [as_str(get(props, key))] if s]
        for key in ("files", "yaml"):
            texts += [s for s in (as_str(v) for v in as_list(get(props, key))) if s]
        found = [(m.group(0), m.group(1)) for t in texts for m in _LWS_RELEASE_URL_RE.finditer(t)]
        found += [(m.group(0), m.group(1)) for t in texts for m in _LWS_IMAGE_RE.finditer(t)]
        if not found:
            return None
        return [(f'manifests "{where}"', version) for where, version in found]
    if resource_type == DEPLOYMENT:
        images = [as_str(get(c, "image")) or "" for c in as_list(get(props, "spec", "template", "spec", "containers"))]
        found = [(image, m.group(1)) for image in images for m in [_LWS_IMAGE_RE.search(image)] if m]
        return [(f'image "{image}"', version) for image, version in found] or None
    if resource_type == CRD_V1 and as_str(get(props, "metadata", "name")) == LWS_CRD_NAME:
        return []
    return None


def lws_installs(resource_type: str, props: Mapping[str, Any]) -> list[LwsInstall] | None:
    """Every LWS install a resource makes: the charts, manifests, images and CRD above, and the rooms'
    own ways (an OpenShift operator subscription); ``None`` when it installs no LWS."""
    found = lws_versions(resource_type, props)
    if found is not None:
        return [LwsInstall(where, version) for where, version in found]
    return room_lws_installs(resource_type, props)


def check_lws_version(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    minimum, minimum_text = _min_version(config, LWS_VERSION, str(LWS_VERSION.min_version()))
    findings: list[Finding] = []
    for install in lws_installs(r.type, r.props) or []:
        if install.version is None:
            if install.unjudged:
                findings.append(Finding(f"{install.where}: {install.unjudged}", note=True))
            continue
        version = try_parse_version(install.version)
        if version is not None and version < minimum:
            findings.append(
                Finding(
                    f'{install.where} "{install.version}" installs LeaderWorkerSet {version}; llm-d needs LWS '
                    f"{minimum_text} or newer"
                )
            )
    return findings


LWS_TYPES = frozenset({*HELM_TYPES, *MANIFEST_TYPES, DEPLOYMENT, CRD_V1, *lws_types()})

LWS_VERSION_POLICY = requirement_policy(
    LWS_VERSION,
    check_lws_version,
    LWS_TYPES,
    f"Install LeaderWorkerSet {LWS_MIN} or newer: helm chart oci://registry.k8s.io/lws/charts/lws with "
    f"version >= {LWS_MIN}, or the release manifests of v{LWS_MIN} or newer.",
    config=min_version_property(LWS_VERSION, str(LWS_VERSION.min_version())),
    severity="high",
)


# --- stack-level companions: lws-installed and gpu-driver-path -----------------------------------


def stack_pools(resources: Sequence[StackResource], config: Mapping[str, Any]) -> list[tuple[StackResource, Pool]]:
    types = pool_types()
    return [
        (res, pool)
        for res in resources
        if res.type in types
        for pool in pools_of(res.type, res.name, res.props, config)
    ]


def check_lws_installed(resources: Sequence[StackResource], config: Mapping[str, Any]) -> list[Finding]:
    multi_host = [(res, pool) for res, pool in stack_pools(resources, config) if pool.multi_host]
    if not multi_host:
        return []
    names = ", ".join(f"'{pool.name}'" for _, pool in multi_host)
    if any(res.type in LWS_TYPES and lws_installs(res.type, res.props) is not None for res in resources):
        return [
            Finding(f"the stack has multi-host pools ({names}) but its LeaderWorkerSet install is incomplete: {gap}")
            for gap in lws_gaps(resources)
        ]
    return [
        Finding(
            f"the stack has multi-host pools ({names}) but installs no LeaderWorkerSet; llm-d deploys "
            f"multi-host inference with LWS {LWS_VERSION.min_version()} or newer"
        )
    ]


LWS_INSTALLED_POLICY = requirement_policy(
    LWS_VERSION,
    check_lws_installed,
    frozenset({STACK}),
    "Install LeaderWorkerSet (llmd-infra's LWS add-on, or the LWS Helm chart) in stacks with multi-host pools.",
    kind="stack",
    name="lws-installed",
    enforcement="advisory",
    description=(
        "Stacks with multi-host pools install LeaderWorkerSet: llm-d deploys multi-host inference with "
        f"LWS (companion of '{LWS_VERSION.id}')."
    ),
    config=MULTI_HOST_POOLS,
    severity="low",
)


_DRIVER_CHART_MARKERS = ("gpu-operator", "dra-driver-gpu", "dra-driver-nvidia", "amd-gpu")
_DRIVER_CR_TYPES = frozenset({"kubernetes:nvidia.com/v1:ClusterPolicy", "kubernetes:amd.com/v1alpha1:DeviceConfig"})
_OLM_SUBSCRIPTION = "kubernetes:operators.coreos.com/v1alpha1:Subscription"
_DRIVER_OPERATOR_PACKAGES = ("gpu-operator-certified", "amd-gpu-operator", "gpu-operator")


def installs_gpu_driver(res: StackResource) -> bool:
    """Whether a resource installs a GPU driver path of its own: a GPU Operator or DRA driver (chart, CR or
    OLM subscription)."""
    if res.type in HELM_TYPES:
        chart = (as_str(get(res.props, "chart")) or "").lower()
        return any(marker in chart for marker in _DRIVER_CHART_MARKERS)
    if res.type in _DRIVER_CR_TYPES:
        return True
    if res.type == _OLM_SUBSCRIPTION:
        return (as_str(get(res.props, "spec", "name")) or "") in _DRIVER_OPERATOR_PACKAGES
    return False


def check_gpu_driver_path(resources: Sequence[StackResource], config: Mapping[str, Any]) -> list[Finding]:
    if any(installs_gpu_driver(res) for res in resources):
        return []
    findings: list[Finding] = []
    for res, pool in stack_pools(resources, config):
        if not pool.has_accelerator or pool.is_tpu:
            continue
        reason = pool.driver_problem(resources)
        if reason:
            findings.append(
                Finding(
                    f"{pool.label} has GPUs but no driver path: {reason}, and the stack installs neither "
                    "the GPU Operator nor a DRA driver",
                    urn=res.urn,
                )
            )
    return findings


GPU_DRIVER_PATH_POLICY = requirement_policy(
    GPU_DRIVER_PATH,
    check_gpu_driver_path,
    frozenset({STACK}),
    how_to_meet(GPU_DRIVER_PATH, "Keep the provider's driver installation, or install a GPU Operator or DRA driver."),
    kind="stack",
    severity="low",
)


POLICIES: tuple[PolicySpec, ...] = (
    KUBERNETES_VERSION_POLICY,
    ACCELERATOR_SUPPORTED_POLICY,
    MULTI_HOST_PLACEMENT_POLICY,
    MULTI_HOST_PLACEMENT_CLUSTER_POLICY,
    ACCELERATOR_INTERCONNECT_POLICY,
    HOST_NETWORK_BANDWIDTH_POLICY,
    HOST_CPU_CORES_POLICY,
    HOST_MEMORY_POLICY,
    HOST_PCIE_GENERATION_POLICY,
    LWS_VERSION_POLICY,
    LWS_INSTALLED_POLICY,
    GPU_DRIVER_PATH_POLICY,
)
"""The requirement policies, in report order."""
