"""Requirement policies: llm-d's infrastructure prerequisites judged on RAW provider resources.

Each policy is named by its requirement record id and reads its threshold from the record
(:mod:`llmd_infra.requirements`) and machine facts from :mod:`llmd_infra.catalog`; no threshold is
written here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from llmd_infra import catalog
from llmd_infra.catalog.openshift import OPENSHIFT_KUBERNETES
from llmd_infra.catalog.types import RdmaKind, SupportStatus
from llmd_infra.policy.common import (
    CRD_V1,
    DEPLOYMENT,
    DOKS_CLUSTER,
    GKE_CLUSTER,
    GKE_NODE_POOL,
    HELM_TYPES,
    LOCAL_COMMAND,
    MANIFEST_TYPES,
    POOL_TYPES,
    REMOTE_COMMAND,
    Deferred,
    Finding,
    Resource,
    StackResource,
    as_list,
    as_mapping,
    as_str,
    config_bool,
    config_int,
    config_str,
    get,
    is_false,
    is_true,
)
from llmd_infra.policy.pools import Pool, is_gke_zone, pools_of
from llmd_infra.requirements import (
    ACCELERATOR_SUPPORTED,
    HOST_CPU_CORES,
    HOST_MEMORY,
    HOST_NETWORK_BANDWIDTH,
    HOST_PCIE_GENERATION,
    KUBERNETES_VERSION,
    LWS_VERSION,
    Requirement,
)
from llmd_infra.versions import Version, try_parse_version

OPENSHIFT_CLUSTER_VERSION = "kubernetes:config.openshift.io/v1:ClusterVersion"

# OpenShift minor -> Kubernetes minor: a catalog fact (4.22 is disputed and left out there).
_OPENSHIFT_TO_KUBERNETES = OPENSHIFT_KUBERNETES

LWS_CRD_NAME = "leaderworkersets.leaderworkerset.x-k8s.io"
LWS_OCI_CHART = "oci://registry.k8s.io/lws/charts/lws"
_LWS_RELEASE_URL_RE = re.compile(r"kubernetes-sigs/lws/releases/download/v?(\d+\.\d+\.\d+)")
_LWS_IMAGE_RE = re.compile(r"registry\.k8s\.io/lws/lws:v?(\d+\.\d+\.\d+)")
_MINIKUBE_VERSION_RE = re.compile(r"--kubernetes-version[= ]+[\"']?(v?[0-9][^\s\"']*)")


def _min_version(config: Mapping[str, Any], record: Requirement, default: str) -> tuple[Version, str]:
    text = config_str(config, "minimumVersion", default)
    parsed = try_parse_version(text)
    if parsed is None:
        return record.min_version(), default
    return parsed, text


# --- kubernetes-version -------------------------------------------------------------------------


def _version_fields(r: Resource) -> list[tuple[str, Any]]:
    """(property path, reader of the value) of every Kubernetes version the resource may set.

    Each value is read on its own (:class:`Deferred`), so a version unknown in preview does not hide
    an old one set elsewhere on the resource.
    """
    props = r.props
    if r.type == GKE_CLUSTER:
        fields: list[tuple[str, Any]] = [
            (key, lambda key=key: as_str(get(props, key))) for key in ("minMasterVersion", "nodeVersion")
        ]
        for i in range(len(as_list(get(props, "nodePools")))):
            fields.append((f"nodePools[{i}].version", lambda i=i: as_str(get(props, "nodePools", i, "version"))))
        return fields
    if r.type in (GKE_NODE_POOL, DOKS_CLUSTER):
        return [("version", lambda: as_str(get(props, "version")))]
    if r.type in (LOCAL_COMMAND, REMOTE_COMMAND):

        def minikube() -> str | None:
            create = as_str(get(props, "create")) or ""
            match = _MINIKUBE_VERSION_RE.search(create) if "minikube" in create else None
            return match.group(1) if match else None

        return [("create (minikube --kubernetes-version)", minikube)]
    return []


_OLDEST_MAPPED_OPENSHIFT = min(_OPENSHIFT_TO_KUBERNETES)


def oldest_openshift_meeting(kubernetes: Version) -> str:
    """The oldest mapped OpenShift release whose Kubernetes is at least ``kubernetes`` (remediation text)."""
    minors = [o for o, k in sorted(_OPENSHIFT_TO_KUBERNETES.items()) if Version(1, k) >= kubernetes]
    return f"4.{minors[0]}" if minors else f"4.{max(_OPENSHIFT_TO_KUBERNETES)}+"


def _spec_str(props: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    return as_str(get(props, "spec", *keys))


def _openshift_kubernetes(value: str) -> tuple[Version, bool] | None:
    """Kubernetes version of an OpenShift version or channel; ``(v, True)`` when the OpenShift minor
    is older than the mapped ones (its Kubernetes is older than ``v``); ``None`` when not judged."""
    match = re.search(r"(\d+)\.(\d+)", value)
    if not match or int(match.group(1)) != 4:
        return None
    minor = int(match.group(2))
    if minor < _OLDEST_MAPPED_OPENSHIFT:
        return Version(1, _OPENSHIFT_TO_KUBERNETES[_OLDEST_MAPPED_OPENSHIFT]), True
    kube_minor = _OPENSHIFT_TO_KUBERNETES.get(minor)
    return (Version(1, kube_minor), False) if kube_minor is not None else None


def check_kubernetes_version(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    minimum, minimum_text = _min_version(config, KUBERNETES_VERSION, KUBERNETES_VERSION.min_version().minor_str())
    deferred = Deferred()
    findings: list[Finding] = []
    for path, read in _version_fields(r):
        value = deferred.run(read)
        version = try_parse_version(value) if value else None
        if version is not None and version < minimum:
            findings.append(
                Finding(
                    f'{path} "{value}" is older than Kubernetes {minimum_text}; llm-d needs {minimum_text} or newer'
                )
            )
    if r.type == OPENSHIFT_CLUSTER_VERSION:
        openshift = (("spec.desiredUpdate.version", ("desiredUpdate", "version")), ("spec.channel", ("channel",)))
        for path, keys in openshift:
            value = deferred.run(partial(_spec_str, r.props, keys))
            judged = _openshift_kubernetes(value) if value else None
            if judged is None:
                continue
            kube, older = judged
            if (older and kube <= minimum) or kube < minimum:
                shown = (
                    f"OpenShift older than 4.{_OLDEST_MAPPED_OPENSHIFT} (Kubernetes {kube.minor_str()}), so"
                    if older
                    else f"Kubernetes {kube.minor_str()},"
                )
                findings.append(
                    Finding(
                        f'{path} "{value}" is {shown} older than {minimum_text}; '
                        f"llm-d needs Kubernetes {minimum_text} or newer"
                    )
                )
    return deferred.finish(findings)


KUBERNETES_VERSION_TYPES = frozenset(
    {GKE_CLUSTER, GKE_NODE_POOL, DOKS_CLUSTER, LOCAL_COMMAND, REMOTE_COMMAND, OPENSHIFT_CLUSTER_VERSION}
)


# --- accelerator-supported ----------------------------------------------------------------------


def check_accelerator_supported(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    allow_older = config_bool(config, "allowOlderAccelerators")
    allow_unknown = config_bool(config, "allowUnknownAccelerators")
    supported = ", ".join(ACCELERATOR_SUPPORTED.values)
    findings: list[Finding] = []
    for pool in pools_of(r.type, r.name, r.props, config):
        for accelerator in pool.accelerators:
            status = catalog.support_status(accelerator)
            family = catalog.accelerator_family(accelerator)
            shown = f'"{accelerator}"' + (f" ({family.name})" if family and family.name != accelerator else "")
            if status == SupportStatus.BEST_EFFORT and not allow_older:
                findings.append(
                    Finding(
                        f"{pool.label}: accelerator {shown} is older than the generations llm-d tests "
                        f"({supported}, and newer); it may work, but support is best-effort"
                    )
                )
            elif status == SupportStatus.UNKNOWN and not allow_unknown:
                findings.append(
                    Finding(
                        f"{pool.label}: accelerator {shown} is not in the accelerator catalog; llm-d tests "
                        f"{supported}, and newer; support is unknown"
                    )
                )
    return findings


# --- multi-host-placement -----------------------------------------------------------------------


def _gke_zone_problem(pool: Pool) -> str | None:
    zones, source = pool.node_zones()
    if zones is not None:
        if len(zones) > 1:
            return f"it spreads over {len(zones)} zones ({source} {', '.join(zones)})"
        return None
    if pool.location and not is_gke_zone(pool.location):
        return (
            f'it has no nodeLocations in the regional location "{pool.location}", so its nodes spread '
            "over the region's zones"
        )
    return (
        "it sets no nodeLocations, so it takes its cluster's node_locations, which may span several zones: "
        "set nodeLocations to one zone"
    )


def _gke_policy_problem(pool: Pool) -> str | None:
    if pool.is_tpu:
        if pool.tpu_topology or as_str(get(pool.props, "placementPolicy", "policyName")):
            return None
        return "it has neither placementPolicy.tpuTopology nor a placementPolicy.policyName"
    if as_str(get(pool.props, "placementPolicy", "type")) == "COMPACT":
        return None
    if as_str(get(pool.props, "nodeConfig", "reservationAffinity", "consumeReservationType")) == "SPECIFIC_RESERVATION":
        return None
    return (
        'it has no COMPACT placement (placementPolicy.type "COMPACT") and no SPECIFIC reservation '
        'affinity (nodeConfig.reservationAffinity.consumeReservationType "SPECIFIC_RESERVATION")'
    )


def _placement_problems(pool: Pool, deferred: Deferred) -> list[str]:
    if pool.provider == "gke":
        parts = (deferred.run(lambda: _gke_zone_problem(pool)), deferred.run(lambda: _gke_policy_problem(pool)))
        return [p for p in parts if p]
    if pool.provider == "openshift":
        group = deferred.run(lambda: as_str(get(pool.props, "placementGroupName")) or "")
        if group == "":
            return ["its AWS providerSpec has no placementGroupName (use a cluster placement group)"]
    # DOKS: a cluster and its pools live in one region and one VPC: one network domain.
    return []


def check_multi_host_placement(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    deferred = Deferred()
    findings: list[Finding] = []
    for pool in pools_of(r.type, r.name, r.props, config, deferred):
        if not pool.multi_host:
            continue
        problems = _placement_problems(pool, deferred)
        if problems:
            findings.append(
                Finding(
                    f"{pool.label} is meant for multi-host inference ({pool.multi_host_reason}) but is not "
                    f"confined to one network domain: {'; '.join(problems)}"
                )
            )
    return deferred.finish(findings)


# --- accelerator-interconnect -------------------------------------------------------------------


def _interconnect_problem(pool: Pool) -> str | None:
    if pool.machine is None:
        return "it names no machine type, so its interconnect cannot be shown to be RDMA-class"
    shape = pool.shape()
    if shape is None:
        return f'machine "{pool.machine}" is not in the catalog, so its interconnect cannot be shown to be RDMA-class'
    if pool.provider == "gke":
        if shape.rdma == RdmaKind.ICI:
            return None
        if not shape.rdma.is_rdma_class:
            return (
                f'machine type "{pool.machine}" has {shape.rdma.value} GPU networking, not an RDMA-class '
                "interconnect (RoCE/InfiniBand NICs or TPU ICI)"
            )
        network = as_mapping(get(pool.props, "networkConfig"))
        if as_str(get(network, "acceleratorNetworkProfile")) == "auto":
            return None
        given = len(as_list(get(network, "additionalNodeNetworkConfigs")))
        needed = catalog.gke_rdma_nic_count(pool.machine) or shape.rdma_nic_count
        if needed is not None and given >= needed:
            return None
        return (
            f'machine type "{pool.machine}" has RDMA NICs but the pool configures no RDMA networking: set '
            'networkConfig.acceleratorNetworkProfile "auto", or one networkConfig.additionalNodeNetworkConfigs '
            f"entry per RDMA NIC ({given} given, {needed if needed is not None else 'unknown'} needed)"
        )
    if pool.provider == "doks":
        if getattr(shape, "fabric", False):
            return None
        return f'size "{pool.machine}" has no multi-node RDMA fabric (only fabric sizes do)'
    # OpenShift on AWS: EFA counts only with GPUDirect RDMA, i.e. on instances whose GPUs have a
    # scale-up interconnect (p4d/p5/p6); g5/g6/g6e EFA carries host traffic for PCIe-only GPUs.
    family = catalog.accelerator_family(shape.accelerator) if shape.accelerator else None
    if not shape.rdma.is_rdma_class or family is None or not family.interconnect:
        return (
            f'instance type "{pool.machine}" has no RDMA-class GPU interconnect (EFA with GPUDirect RDMA, '
            "as on p4d/p5/p6 instances)"
        )
    interface = as_str(get(pool.props, "networkInterfaceType")) or "ENA"
    if interface != "EFA":
        return f'providerSpec.networkInterfaceType is "{interface}"; set "EFA" to use the instance\'s EFA interconnect'
    return None


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


# --- host-* -------------------------------------------------------------------------------------


def _host_check(record: Requirement, fact: str, attribute: str, unit: str) -> Any:
    def check(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
        minimum = config_int(config, "minimum", record.min_int())
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
            if value is None:
                findings.append(
                    Finding(
                        f'{pool.label}: the catalog does not know the {fact} of "{pool.machine}"; not judged', note=True
                    )
                )
            elif value < minimum:
                findings.append(
                    Finding(
                        f'{pool.label}: "{pool.machine}" has {value:g}{unit} {fact}; llm-d asks for '
                        f'"{record.seed}" (>= {minimum}{unit})'
                    )
                )
        return findings

    return check


check_host_cpu_cores = _host_check(HOST_CPU_CORES, "physical cores", "physical_cores", "")
check_host_memory = _host_check(HOST_MEMORY, "memory", "memory_gib", " GiB")
check_host_network_bandwidth = _host_check(HOST_NETWORK_BANDWIDTH, "NIC bandwidth", "max_nic_gbps", " Gbps")
check_host_pcie_generation = _host_check(HOST_PCIE_GENERATION, "PCIe generation", "pcie_generation", "")


# --- lws-version --------------------------------------------------------------------------------


def is_lws_chart(props: Mapping[str, Any]) -> bool:
    chart = as_str(get(props, "chart")) or ""
    return chart.rstrip("/") in (LWS_OCI_CHART, "lws") or chart.endswith("/lws")


def lws_versions(resource_type: str, props: Mapping[str, Any]) -> list[tuple[str, str]] | None:
    """(where, version) of the LWS install a resource makes; ``None`` when it installs no LWS.

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


def check_lws_version(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    minimum, minimum_text = _min_version(config, LWS_VERSION, str(LWS_VERSION.min_version()))
    findings: list[Finding] = []
    for where, value in lws_versions(r.type, r.props) or []:
        version = try_parse_version(value)
        if version is not None and version < minimum:
            findings.append(
                Finding(
                    f'{where} "{value}" installs LeaderWorkerSet {version}; llm-d needs LWS {minimum_text} or newer'
                )
            )
    return findings


LWS_TYPES = frozenset({*HELM_TYPES, *MANIFEST_TYPES, DEPLOYMENT, CRD_V1})


# --- stack-level companions: lws-installed and gpu-driver-path -----------------------------------


def stack_pools(resources: Sequence[StackResource], config: Mapping[str, Any]) -> list[tuple[StackResource, Pool]]:
    return [
        (res, pool)
        for res in resources
        if res.type in POOL_TYPES
        for pool in pools_of(res.type, res.name, res.props, config)
    ]


def check_lws_installed(resources: Sequence[StackResource], config: Mapping[str, Any]) -> list[Finding]:
    multi_host = [(res, pool) for res, pool in stack_pools(resources, config) if pool.multi_host]
    if not multi_host:
        return []
    if any(res.type in LWS_TYPES and lws_versions(res.type, res.props) is not None for res in resources):
        return []
    names = ", ".join(f"'{pool.name}'" for _, pool in multi_host)
    return [
        Finding(
            f"the stack has multi-host pools ({names}) but installs no LeaderWorkerSet; llm-d deploys "
            f"multi-host inference with LWS {LWS_VERSION.min_version()} or newer"
        )
    ]


_DRIVER_CHART_MARKERS = ("gpu-operator", "dra-driver-gpu", "dra-driver-nvidia", "amd-gpu")
_DRIVER_CR_TYPES = frozenset({"kubernetes:nvidia.com/v1:ClusterPolicy", "kubernetes:amd.com/v1alpha1:DeviceConfig"})
_OLM_SUBSCRIPTION = "kubernetes:operators.coreos.com/v1alpha1:Subscription"
_DRIVER_OPERATOR_PACKAGES = ("gpu-operator-certified", "amd-gpu-operator", "gpu-operator")


def _installs_driver(res: StackResource) -> bool:
    if res.type in HELM_TYPES:
        chart = (as_str(get(res.props, "chart")) or "").lower()
        return any(marker in chart for marker in _DRIVER_CHART_MARKERS)
    if res.type in _DRIVER_CR_TYPES:
        return True
    if res.type == _OLM_SUBSCRIPTION:
        return (as_str(get(res.props, "spec", "name")) or "") in _DRIVER_OPERATOR_PACKAGES
    return False


def _gke_driver_disabled(pool: Pool) -> bool:
    versions = [
        as_str(get(a, "gpuDriverInstallationConfig", "gpuDriverVersion"))
        for a in as_list(get(pool.props, "nodeConfig", "guestAccelerators"))
    ]
    return "INSTALLATION_DISABLED" in versions


def _doks_plugins_disabled(resources: Sequence[StackResource]) -> bool:
    for res in resources:
        if res.type != DOKS_CLUSTER:
            continue
        nvidia_off = is_false(get(res.props, "nvidiaGpuDevicePlugin", "enabled"))
        amd_off = is_false(get(res.props, "amdGpuDevicePlugin", "enabled"))
        dra_on = is_true(get(res.props, "nvidiaGpuDraDriver", "enabled")) or is_true(
            get(res.props, "amdGpuDraDriver", "enabled")
        )
        if (nvidia_off or amd_off) and not dra_on:
            return True
    return False


def check_gpu_driver_path(resources: Sequence[StackResource], config: Mapping[str, Any]) -> list[Finding]:
    if any(_installs_driver(res) for res in resources):
        return []
    doks_disabled = _doks_plugins_disabled(resources)
    findings: list[Finding] = []
    for res, pool in stack_pools(resources, config):
        if not pool.has_accelerator or pool.is_tpu:
            continue
        reason = None
        if pool.provider == "gke" and _gke_driver_disabled(pool):
            reason = "GKE driver installation is disabled (gpuDriverVersion INSTALLATION_DISABLED)"
        elif pool.provider == "doks" and doks_disabled:
            reason = "the DOKS GPU device plugin is disabled without a DRA driver"
        elif pool.provider == "openshift":
            reason = "OpenShift installs no GPU driver by itself"
        if reason:
            findings.append(
                Finding(
                    f"{pool.label} has GPUs but no driver path: {reason}, and the stack installs neither "
                    "the GPU Operator nor a DRA driver",
                    urn=res.urn,
                )
            )
    return findings
