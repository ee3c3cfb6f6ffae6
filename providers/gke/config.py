"""GKE cluster configuration (``llmd-infra:cluster`` with ``provider: gke``).

YAML shape (camelCase keys; every key below the pool level is optional unless marked)::

    llmd-infra:cluster:
      provider: gke
      name: llmd-a3u                    # GKE cluster name (required)
      project: my-project               # default: gcp:project / the provider's project
      region: us-central1               # regional control plane (required)
      zones: [us-central1-b]            # default node zones (required, all in region)
      kubernetesVersion: "1.34"         # min_master_version; >= llm-d's minimum
      releaseChannel: REGULAR           # RAPID | REGULAR | STABLE | EXTENDED
      deletionProtection: true         # default: follows llmd-infra:protect
      labels: {team: inference}
      network:                          # required
        masterAuthorizedNetworks:       # required, at least one, never 0.0.0.0/0
          - {cidr: 203.0.113.0/24, name: office}
        existing: {network: vpc, subnetwork: subnet, podsRangeName: pods, servicesRangeName: svc}
        nodeCidr: 10.0.0.0/20           # new-network ranges (ignored with existing)
        podsCidr: 10.4.0.0/14
        servicesCidr: 10.8.0.0/20
        masterCidr: 172.16.0.0/28
        proxyCidr: 10.9.0.0/23          # proxy-only subnet for GKE's regional Gateway classes
        privateEndpoint: false
        gvnicCidr: 192.168.0.0/24       # manual multi-network path: second gVNIC network
        rdmaCidr: 192.168.64.0/18       # manual multi-network path: one /24 per RDMA NIC
      systemPool:
        machineType: e2-standard-16
        nodeCount: 1                    # or autoscaling: {minNodes, maxNodes}
        diskSizeGb: 200
        zones: [us-central1-b]
      acceleratorPools:
        - name: a3u                     # required; GKE node pool name
          machineType: a3-ultragpu-8g   # required; catalog machine type
          accelerator: nvidia-h200-141gb  # optional, must match the machine type
          acceleratorCount: 8           # optional, must match the machine type
          nodeCount: 2                  # total nodes, or autoscaling: {minNodes, maxNodes}
          multiHost: true               # default: derived (TPU topology) / false
          zones: [us-central1-b]        # default: cluster zones
          tpuTopology: 4x4              # TPU only
          rdma: dranet                  # none | dranet | multi-network
          gpuDriver: disabled           # default | latest | disabled (dranet: disabled)
          reservation: {name: my-res, block: my-block}
          spot: false
          flexStart: false
          compactPlacement: true        # default: multiHost
          diskSizeGb: 1000
          diskType: hyperdisk-balanced
          labels: {}
          taints: [{key: dedicated, value: llm-d, effect: NoSchedule}]

Cross-field rules (catalog lookups) run in the model validators, so a bad stack fails in
``load_settings()`` before a single resource is registered, with one problem per invalid value at
its exact key path.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import InitErrorDetails, PydanticCustomError

from llmd_infra.catalog.accelerators import accelerator_family
from llmd_infra.catalog.types import RdmaKind
from llmd_infra.config.addons import AddonSupport
from llmd_infra.config.base import Autoscaling, ClusterConfigBase, LlmdModel, one_of
from llmd_infra.providers.gke.catalog import (
    GKE_MACHINE_TYPES,
    GKE_RDMA_MACHINE_TYPES,
    GkeMachineType,
    gke_machine_type,
    gke_rdma_nic_count,
    tpu_is_multi_host,
    tpu_topology_hosts,
    tpu_topology_valid,
    tpu_valid_topologies,
)
from llmd_infra.providers.gke.platform import MANAGED_GATEWAY_CRDS_SINCE
from llmd_infra.providers.gke.versions import floors_text, meets_version_floors, version_at_least
from llmd_infra.requirements import KUBERNETES_VERSION
from llmd_infra.versions import VersionError, parse_version

RdmaPath = Literal["none", "dranet", "multi-network"]
GpuDriver = Literal["default", "latest", "disabled"]
ReleaseChannel = Literal["RAPID", "REGULAR", "STABLE", "EXTENDED"]
TaintEffect = Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]
DiskType = Literal["pd-balanced", "pd-ssd", "hyperdisk-balanced"]

HYPERDISK_DEFAULT_MACHINE_PREFIXES = ("a4-highgpu-", "a4x-")
"""Machine families that boot from hyperdisk-balanced by default — a choice, not a catalog fact: the
catalog restricts boot disks (``GkeMachineType.boot_disk_types``) only where a source says so (A3 Ultra)."""

DEFAULT_SYSTEM_MACHINE_TYPE = "e2-standard-16"
"""llm-d: "The standalone router pod requests up to 12 CPUs. Provide an e2-standard-16 or larger CPU
node" (wide-EP GKE overlay, llmd-providers.md §5)."""

RESOURCE_NAME_MAX = 63
"""Compute Engine resource names (RFC 1035): at most 63 characters."""

_NAME_RE = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_REGION_RE = re.compile(r"^[a-z]+-[a-z]+[0-9]+$")
_CPU_MACHINE_RE = re.compile(r"^[a-z][a-z0-9]*-(standard|highmem|highcpu)-[0-9]+$")


def gpu_machine_types() -> list[str]:
    return sorted(n for n, m in GKE_MACHINE_TYPES.items() if m.accelerator is not None)


def gke_accelerator_strings() -> list[str]:
    return sorted({m.gke_accelerator for m in GKE_MACHINE_TYPES.values() if m.gke_accelerator})


def accelerator_matches(machine: GkeMachineType, accelerator: str) -> bool:
    """``accelerator`` (GKE string or family name) names the accelerator ``machine`` carries."""
    if machine.gke_accelerator and accelerator.strip().lower() == machine.gke_accelerator:
        return True
    family = accelerator_family(accelerator)
    return family is not None and family.name == machine.accelerator


class _Problems:
    """Collects (loc, message) pairs and raises them as one pydantic ValidationError."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.errors: list[InitErrorDetails] = []

    def add(self, loc: Sequence[str | int], message: str, value: Any = None) -> None:
        self.errors.append(
            InitErrorDetails(
                type=PydanticCustomError("value_error", "{message}", {"message": message}),
                loc=tuple(loc),
                input=value,
            )
        )

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError.from_exception_data(self.title, self.errors)


class TaintConfig(LlmdModel):
    """A Kubernetes node taint."""

    key: str = Field(min_length=1)
    value: str = ""
    effect: TaintEffect = "NoSchedule"


class ReservationConfig(LlmdModel):
    """A specific Compute Engine reservation (optionally one block of it) the pool consumes."""

    name: str = Field(min_length=1)
    block: str | None = None
    project: str | None = None
    """Project owning a shared reservation (default: the cluster's)."""

    def values(self) -> list[str]:
        base = f"projects/{self.project}/reservations/{self.name}" if self.project else self.name
        return [f"{base}/reservationBlocks/{self.block}" if self.block else base]


class AuthorizedNetwork(LlmdModel):
    """A CIDR allowed to reach the control plane."""

    cidr: str
    name: str = ""

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        try:
            net = ipaddress.ip_network(value, strict=True)
        except ValueError as exc:
            raise ValueError(f"'{value}' is not a CIDR block ({exc})") from None
        if net.prefixlen == 0:
            raise ValueError(
                f"'{value}' opens the control plane to the whole internet; list the CIDRs that run "
                "kubectl/pulumi instead"
            )
        return value


class ExistingNetworkConfig(LlmdModel):
    """A VPC and subnet that already exist, with secondary ranges for pods and services."""

    network: str = Field(min_length=1)
    subnetwork: str = Field(min_length=1)
    pods_range_name: str = Field(min_length=1)
    services_range_name: str = Field(min_length=1)


def _cidr_field(value: str) -> str:
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a CIDR block ({exc})") from None
    return value


class NetworkConfig(LlmdModel):
    """The cluster network: a new VPC-native network (default) or an existing one."""

    master_authorized_networks: list[AuthorizedNetwork] = Field(min_length=1)
    existing: ExistingNetworkConfig | None = None
    node_cidr: str = "10.0.0.0/20"
    pods_cidr: str = "10.4.0.0/14"
    services_cidr: str = "10.8.0.0/20"
    master_cidr: str = "172.16.0.0/28"
    proxy_cidr: str = "10.9.0.0/23"
    """Proxy-only subnet for GKE's regional Gateway classes (gke-l7-rilb, gke-l7-regional-external-managed)."""
    private_endpoint: bool = False
    """Also make the control-plane endpoint private (then kubectl must run inside the VPC)."""
    gvnic_cidr: str = "192.168.0.0/24"
    rdma_cidr: str = "192.168.64.0/18"

    _check_cidrs = field_validator(
        "node_cidr", "pods_cidr", "services_cidr", "master_cidr", "proxy_cidr", "gvnic_cidr", "rdma_cidr"
    )(_cidr_field)

    @model_validator(mode="after")
    def _no_overlap(self) -> NetworkConfig:
        problems = _Problems("NetworkConfig")
        if ipaddress.ip_network(self.master_cidr).prefixlen != 28:
            problems.add(["masterCidr"], f"'{self.master_cidr}' must be a /28 (GKE control-plane range)")
        named = {
            "nodeCidr": self.node_cidr,
            "podsCidr": self.pods_cidr,
            "servicesCidr": self.services_cidr,
            "masterCidr": self.master_cidr,
            "proxyCidr": self.proxy_cidr,
            "gvnicCidr": self.gvnic_cidr,
            "rdmaCidr": self.rdma_cidr,
        }
        if self.existing is not None:
            for key in ("nodeCidr", "podsCidr", "servicesCidr", "proxyCidr"):
                named.pop(key)
            # An existing network brings its own ranges: a new-network range set next to it is ignored.
            for field in ("node_cidr", "pods_cidr", "services_cidr", "proxy_cidr"):
                if field in self.model_fields_set:
                    problems.add(
                        [to_camel(field)],
                        "has no effect with existing: no network, subnetwork or proxy-only subnet is created; "
                        "remove the key",
                    )
        keys = list(named)
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if ipaddress.ip_network(named[a]).overlaps(ipaddress.ip_network(named[b])):
                    problems.add([b], f"'{named[b]}' overlaps {a} '{named[a]}'")
        if ipaddress.ip_network(self.rdma_cidr).prefixlen > 24:
            problems.add(["rdmaCidr"], f"'{self.rdma_cidr}' must be /24 or larger (one /24 per RDMA NIC)")
        problems.raise_if_any()
        return self

    def rdma_subnet_cidrs(self, count: int) -> list[str]:
        """One /24 per RDMA NIC, carved from ``rdmaCidr`` in order."""
        subnets = ipaddress.ip_network(self.rdma_cidr).subnets(new_prefix=24)
        return [str(next(subnets)) for _ in range(count)]


class SystemPoolConfig(LlmdModel):
    """The CPU pool for system add-ons, the router and the EPP (never accelerators)."""

    machine_type: str = DEFAULT_SYSTEM_MACHINE_TYPE
    node_count: int | None = Field(default=None, ge=1)
    autoscaling: Autoscaling | None = None
    disk_size_gb: int = Field(default=200, ge=10)
    zones: list[str] | None = Field(default=None, min_length=1)

    @field_validator("machine_type")
    @classmethod
    def _cpu_machine(cls, value: str) -> str:
        row = gke_machine_type(value)
        if row is not None and row.accelerator is not None:
            raise ValueError(
                f"'{value}' carries accelerators ({row.accelerator}); the system pool needs a CPU machine "
                f"type such as {DEFAULT_SYSTEM_MACHINE_TYPE}"
            )
        if row is None and not _CPU_MACHINE_RE.match(value):
            raise ValueError(
                f"'{value}' is not a Compute Engine CPU machine type (<series>-standard|highmem|highcpu-<vCPUs>, "
                f"e.g. {DEFAULT_SYSTEM_MACHINE_TYPE})"
            )
        return value

    @model_validator(mode="after")
    def _count_or_autoscaling(self) -> SystemPoolConfig:
        if self.node_count is not None and self.autoscaling is not None:
            raise ValueError("set nodeCount or autoscaling, not both")
        return self

    def node_range(self, zones: int) -> tuple[int, int]:
        """(min, max) total nodes; the default is one node per zone."""
        if self.autoscaling is not None:
            return self.autoscaling.min_nodes, self.autoscaling.max_nodes
        count = self.node_count if self.node_count is not None else zones
        return count, count


class AcceleratorPoolConfig(LlmdModel):
    """A GPU or TPU node pool."""

    name: str
    machine_type: str
    accelerator: str | None = None
    accelerator_count: int | None = Field(default=None, ge=1)
    tpu_topology: str | None = None
    node_count: int | None = Field(default=None, ge=1)
    autoscaling: Autoscaling | None = None
    multi_host: bool | None = None
    zones: list[str] | None = Field(default=None, min_length=1)
    rdma: RdmaPath = "none"
    gpu_driver: GpuDriver | None = None
    reservation: ReservationConfig | None = None
    spot: bool = False
    flex_start: bool = False
    compact_placement: bool | None = None
    disk_size_gb: int | None = Field(default=None, ge=10)
    disk_type: DiskType | None = None
    labels: dict[str, str] = {}
    taints: list[TaintConfig] = []

    @field_validator("name")
    @classmethod
    def _pool_name(cls, value: str) -> str:
        if not _NAME_RE.match(value) or len(value) > 32:
            raise ValueError(
                f"'{value}' is not a node pool name (lowercase letters, digits and '-', starting with a "
                "letter, at most 32 characters)"
            )
        return value

    @field_validator("machine_type")
    @classmethod
    def _known_machine(cls, value: str) -> str:
        return one_of(value, gpu_machine_types(), "GKE accelerator machine type")

    @field_validator("accelerator")
    @classmethod
    def _known_accelerator(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if accelerator_family(value) is None and value not in gke_accelerator_strings():
            one_of(value, gke_accelerator_strings(), "accelerator")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> AcceleratorPoolConfig:
        problems = _Problems("AcceleratorPoolConfig")
        m = self.machine()
        if self.accelerator is not None and not accelerator_matches(m, self.accelerator):
            problems.add(
                ["accelerator"],
                f"'{self.accelerator}' is not offered on {m.name}; {m.name} carries {m.gke_accelerator} "
                f"({m.accelerator})",
                self.accelerator,
            )
        if self.accelerator_count is not None and self.accelerator_count != m.accelerator_count:
            unit = "TPU chips" if m.is_tpu else "GPUs"
            problems.add(
                ["acceleratorCount"],
                f"{m.name} has {m.accelerator_count} {unit}, not {self.accelerator_count}",
                self.accelerator_count,
            )
        if self.node_count is not None and self.autoscaling is not None:
            problems.add(["autoscaling"], "set nodeCount or autoscaling, not both")
        if m.is_tpu:
            self._check_tpu(m, problems)
        else:
            self._check_gpu(m, problems)
        self._check_disk(m, problems)
        self._check_provisioning(m, problems)
        problems.raise_if_any()
        return self

    def _check_tpu(self, m: GkeMachineType, problems: _Problems) -> None:
        if self.tpu_topology is not None and not tpu_topology_valid(m.name, self.tpu_topology):
            problems.add(
                ["tpuTopology"],
                f"'{self.tpu_topology}' is not a valid topology for {m.name}; allowed: "
                f"{', '.join(tpu_valid_topologies(m.name))}",
                self.tpu_topology,
            )
            return
        if self.rdma != "none":
            problems.add(
                ["rdma"],
                f"'{self.rdma}' needs GPUDirect-RDMA NICs; {m.name} is a TPU (hosts talk over ICI); allowed: none",
                self.rdma,
            )
        if self.gpu_driver is not None:
            problems.add(["gpuDriver"], f"gpuDriver applies to GPU machine types only; {m.name} is a TPU")
        multi = self.tpu_multi_host()
        if self.multi_host is not None and self.multi_host != multi:
            topo = self.topology()
            problems.add(
                ["multiHost"],
                f"topology {topo} on {m.name} is a {'multi' if multi else 'single'}-host slice; "
                f"multiHost must be {str(multi).lower()}",
                self.multi_host,
            )
        if multi and self.compact_placement is False:
            problems.add(
                ["compactPlacement"],
                f"has no effect: a multi-host TPU slice is always placed compactly by its topology "
                f"({self.topology()}); remove the key",
                self.compact_placement,
            )
        if multi:
            hosts = tpu_topology_hosts(m.name, self.topology())
            if self.autoscaling is not None:
                problems.add(
                    ["autoscaling"],
                    f"a multi-host TPU slice cannot be resized; drop autoscaling (topology {self.topology()} "
                    f"= {hosts} nodes)",
                )
            if self.node_count is not None and self.node_count != hosts:
                problems.add(
                    ["nodeCount"],
                    f"topology {self.topology()} on {m.name} is {hosts} nodes, not {self.node_count}",
                    self.node_count,
                )

    def _check_gpu(self, m: GkeMachineType, problems: _Problems) -> None:
        if self.tpu_topology is not None:
            problems.add(
                ["tpuTopology"], f"tpuTopology applies to TPU machine types only; {m.name} is a GPU machine type"
            )
        rdma_types = ", ".join(sorted(GKE_RDMA_MACHINE_TYPES))
        if self.rdma != "none":
            nics = gke_rdma_nic_count(m.name)
            if not nics and m.name not in GKE_RDMA_MACHINE_TYPES:
                via = f" (its GPU NICs use {m.rdma.value})" if m.rdma is not RdmaKind.NONE else ""
                problems.add(
                    ["rdma"],
                    f"'{self.rdma}' needs GPUDirect-RDMA NICs and {m.name} has none{via}; "
                    f"machine types with RDMA NICs: {rdma_types}",
                    self.rdma,
                )
            elif self.rdma == "multi-network" and nics is None:
                problems.add(
                    ["rdma"],
                    f"'multi-network' needs the RDMA NIC count of {m.name}, which no source states; use dranet",
                    self.rdma,
                )
        if self.rdma == "dranet" and self.gpu_driver not in (None, "disabled"):
            problems.add(
                ["gpuDriver"],
                f"'{self.gpu_driver}' is not allowed with rdma 'dranet': the NVIDIA DRA driver path needs "
                "the GKE driver installation disabled; allowed: disabled",
                self.gpu_driver,
            )
        if self.multi_host and self.rdma == "none":
            problems.add(
                ["multiHost"],
                f"a multi-host GPU pool needs RDMA between hosts (llm-d: NVLink, InfiniBand or RoCE NICs); set "
                f"rdma to dranet or multi-network on a machine type with RDMA NICs ({rdma_types})",
                self.multi_host,
            )

    def _check_disk(self, m: GkeMachineType, problems: _Problems) -> None:
        if self.disk_type is not None and m.boot_disk_types and self.disk_type not in m.boot_disk_types:
            problems.add(
                ["diskType"],
                f"'{self.disk_type}' cannot be the boot disk of {m.name}; allowed: {', '.join(m.boot_disk_types)}",
                self.disk_type,
            )

    def _check_provisioning(self, m: GkeMachineType, problems: _Problems) -> None:
        if self.spot and self.flex_start:
            problems.add(["flexStart"], "spot and flexStart are mutually exclusive")
        if self.reservation is not None and (self.spot or self.flex_start):
            problems.add(["reservation"], "spot and flex-start nodes cannot consume a reservation")
        if self.flex_start and self.autoscaling is None:
            problems.add(["flexStart"], "flex-start pools must autoscale (set autoscaling: {minNodes: 0, maxNodes: N})")
        if "reservation" in m.provisioning and self.reservation is None:
            problems.add(["reservation"], f"{m.name} is reservation-bound; set reservation: {{name: ...}}")
        if "spot" in m.provisioning and not (self.spot or self.flex_start):
            problems.add(["spot"], f"{m.name} is offered only as Spot or Flex-start; set spot or flexStart")

    # --- derived values (valid only after validation) ---------------------------------------------

    def machine(self) -> GkeMachineType:
        row = gke_machine_type(self.machine_type)
        assert row is not None
        return row

    def topology(self) -> str:
        """The TPU slice topology (explicit, or the machine type's single-host one)."""
        m = self.machine()
        return self.tpu_topology or m.tpu_single_host_topology or ""

    def tpu_multi_host(self) -> bool:
        m = self.machine()
        return m.is_tpu and tpu_is_multi_host(m.name, self.topology())

    def is_multi_host(self) -> bool:
        if self.machine().is_tpu:
            return self.tpu_multi_host()
        return bool(self.multi_host)

    def needs_workload_policy(self) -> bool:
        """A multi-host TPU7x slice is placed by a ``compute.ResourcePolicy`` workload policy
        (accelerator-catalog.md §2), not by ``placement_policy.tpu_topology``."""
        return self.tpu_multi_host() and self.machine_type.startswith("tpu7x-")

    def compact(self) -> bool:
        return self.is_multi_host() if self.compact_placement is None else self.compact_placement

    def node_range(self) -> tuple[int, int]:
        """(min, max) total nodes."""
        if self.autoscaling is not None:
            return self.autoscaling.min_nodes, self.autoscaling.max_nodes
        if self.node_count is not None:
            return self.node_count, self.node_count
        if self.tpu_multi_host():
            hosts = tpu_topology_hosts(self.machine_type, self.topology())
            return hosts, hosts
        return 1, 1

    def driver(self) -> GpuDriver | None:
        if self.machine().is_tpu:
            return None
        if self.gpu_driver is not None:
            return self.gpu_driver
        return "disabled" if self.rdma == "dranet" else "default"

    def interconnect(self) -> RdmaKind:
        m = self.machine()
        if m.is_tpu:
            return RdmaKind.ICI
        return m.rdma if self.rdma != "none" else RdmaKind.NONE

    def boot_disk_type(self) -> str:
        if self.disk_type is not None:
            return self.disk_type
        machine = gke_machine_type(self.machine_type)
        if machine is not None and machine.boot_disk_types:
            return machine.boot_disk_types[0]
        if self.machine_type.startswith(HYPERDISK_DEFAULT_MACHINE_PREFIXES):
            return "hyperdisk-balanced"
        return "pd-balanced"

    def boot_disk_gb(self) -> int:
        """Default: images plus room for the weights of a model that fills the node's accelerators
        (roughly 100 GB per GPU or TPU chip, on top of 200 GB)."""
        if self.disk_size_gb is not None:
            return self.disk_size_gb
        return 200 + 100 * self.machine().accelerator_count


class GkeClusterConfig(ClusterConfigBase):
    """``llmd-infra:cluster`` for ``provider: gke``."""

    provider: Literal["gke"]
    name: str
    project: str | None = None
    region: str
    zones: list[str] = Field(min_length=1)
    kubernetes_version: str | None = None
    release_channel: ReleaseChannel = "REGULAR"
    deletion_protection: bool | None = None
    """GKE deletion protection; default: on when the stack protects its resources."""
    labels: dict[str, str] = {}
    network: NetworkConfig
    system_pool: SystemPoolConfig = SystemPoolConfig()
    accelerator_pools: list[AcceleratorPoolConfig] = []

    @field_validator("name")
    @classmethod
    def _cluster_name(cls, value: str) -> str:
        if not _NAME_RE.match(value) or len(value) > 40:
            raise ValueError(
                f"'{value}' is not a GKE cluster name (lowercase letters, digits and '-', starting with a "
                "letter, at most 40 characters)"
            )
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not _REGION_RE.match(value):
            raise ValueError(f"'{value}' is not a GCP region (e.g. us-central1)")
        return value

    @field_validator("kubernetes_version")
    @classmethod
    def _at_least_minimum(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            version = parse_version(value)
        except VersionError as exc:
            raise ValueError(str(exc)) from None
        minimum = KUBERNETES_VERSION.min_version()
        if version < minimum:
            raise ValueError(
                f"Kubernetes {value} is older than llm-d's minimum {minimum.minor_str()} "
                f"(requirement {KUBERNETES_VERSION.id})"
            )
        return value.removeprefix("v")

    @model_validator(mode="after")
    def _cross(self) -> GkeClusterConfig:
        problems = _Problems("GkeClusterConfig")
        for i, zone in enumerate(self.zones):
            self._zone_in_region(problems, ["zones", i], zone)
        for i, zone in enumerate(self.system_pool.zones or []):
            self._zone_in_region(problems, ["systemPool", "zones", i], zone)
        seen: dict[str, int] = {}
        multi_network: list[tuple[int, AcceleratorPoolConfig]] = []
        for i, pool in enumerate(self.accelerator_pools):
            loc: list[str | int] = ["acceleratorPools", i]
            if pool.name in seen:
                problems.add(
                    [*loc, "name"], f"'{pool.name}' is already the name of acceleratorPools[{seen[pool.name]}]"
                )
            seen.setdefault(pool.name, i)
            for j, zone in enumerate(pool.zones or []):
                self._zone_in_region(problems, [*loc, "zones", j], zone)
            zones = self.pool_zones(pool)
            if pool.is_multi_host() and len(zones) != 1:
                problems.add(
                    [*loc, "zones"],
                    f"a multi-host pool must stay in one zone (one network domain), got {len(zones)}: "
                    f"{', '.join(zones)}",
                )
            elif pool.compact() and pool.rdma != "multi-network" and len(zones) != 1:
                problems.add(
                    [*loc, "zones"],
                    f"compact placement keeps a pool in one zone; pick one zone or set compactPlacement: false, "
                    f"got {len(zones)}: {', '.join(zones)}",
                )
            if pool.needs_workload_policy() and len(self.workload_policy_name(pool)) > RESOURCE_NAME_MAX:
                problems.add(
                    [*loc, "name"],
                    f"the workload policy name '{self.workload_policy_name(pool)}' (cluster name-pool name) is "
                    f"longer than {RESOURCE_NAME_MAX} characters; shorten the cluster or pool name",
                )
            if pool.rdma == "multi-network" and len(zones) != 1:
                problems.add(
                    [*loc, "zones"],
                    f"the multi-network RDMA path uses a zonal RoCE VPC; pick one zone, got {', '.join(zones)}",
                )
            lo, _ = pool.node_range()
            if pool.autoscaling is None and lo % len(zones) != 0:
                problems.add(
                    [*loc, "nodeCount"],
                    f"{lo} nodes cannot be spread evenly over {len(zones)} zones ({', '.join(zones)})",
                    lo,
                )
            self._check_versions(problems, loc, pool)
            if pool.rdma == "multi-network":
                multi_network.append((i, pool))
        if multi_network:
            first_i, first = multi_network[0]
            for i, pool in multi_network[1:]:
                if self.pool_zones(pool) != self.pool_zones(first):
                    problems.add(
                        ["acceleratorPools", i, "zones"],
                        f"multi-network pools share the rdma-0..N networks of one zone; acceleratorPools[{first_i}] "
                        f"uses {self.pool_zones(first)[0]}",
                    )
                if gke_rdma_nic_count(pool.machine_type) != gke_rdma_nic_count(first.machine_type):
                    problems.add(
                        ["acceleratorPools", i, "machineType"],
                        f"multi-network pools share the rdma-0..N networks; {pool.machine_type} has a different "
                        f"RDMA NIC count than {first.machine_type}",
                    )
        if not multi_network:
            for field in ("gvnic_cidr", "rdma_cidr"):
                if field in self.network.model_fields_set:
                    problems.add(
                        ["network", to_camel(field)],
                        "has no effect: only the multi-network RDMA path (an accelerator pool with rdma: "
                        "multi-network) creates the gVNIC and RDMA networks; remove the key",
                    )
        sys_zones = self.system_pool.zones or self.zones
        lo, _ = self.system_pool.node_range(len(sys_zones))
        if self.system_pool.autoscaling is None and lo % len(sys_zones) != 0:
            problems.add(
                ["systemPool", "nodeCount"],
                f"{lo} nodes cannot be spread evenly over {len(sys_zones)} zones ({', '.join(sys_zones)})",
                lo,
            )
        problems.raise_if_any()
        return self

    def _zone_in_region(self, problems: _Problems, loc: list[str | int], zone: str) -> None:
        if not zone.startswith(f"{self.region}-") or len(zone) != len(self.region) + 2:
            problems.add(loc, f"zone '{zone}' is not in region '{self.region}' (e.g. {self.region}-b)", zone)

    def _check_versions(self, problems: _Problems, loc: list[str | int], pool: AcceleratorPoolConfig) -> None:
        if self.kubernetes_version is None or pool.rdma == "none":
            return
        m = pool.machine()
        floors = m.rdma_gke_version_floors or ((m.min_rdma_gke_version,) if m.min_rdma_gke_version else ())
        if floors and not meets_version_floors(self.kubernetes_version, floors):
            problems.add(
                ["kubernetesVersion"],
                f"GPUDirect-RDMA on {m.name} (acceleratorPools[{loc[1]}]) needs GKE {floors_text(floors)}, "
                f"got {self.kubernetes_version}",
                self.kubernetes_version,
            )

    # --- derived values ---------------------------------------------------------------------------

    def workload_policy_name(self, pool: AcceleratorPoolConfig) -> str:
        """Name of the ``compute.ResourcePolicy`` of a multi-host TPU7x pool."""
        return f"{self.name}-{pool.name}"

    def pool_zones(self, pool: AcceleratorPoolConfig) -> list[str]:
        return list(pool.zones or self.zones)

    def system_zones(self) -> list[str]:
        return list(self.system_pool.zones or self.zones)

    def uses_rdma(self, path: str) -> bool:
        return any(p.rdma == path for p in self.accelerator_pools)

    def multi_network_zone(self) -> str | None:
        for pool in self.accelerator_pools:
            if pool.rdma == "multi-network":
                return self.pool_zones(pool)[0]
        return None

    def multi_network_nic_count(self) -> int:
        for pool in self.accelerator_pools:
            if pool.rdma == "multi-network":
                return gke_rdma_nic_count(pool.machine_type) or 0
        return 0

    def needs_gateway_crds(self) -> bool:
        """GKE lacks the GA Gateway API / GAIE CRDs before 1.34.0-gke.1626000.

        Unset ``kubernetesVersion`` follows the release channel, whose defaults are past that version.
        """
        if self.kubernetes_version is None:
            return False
        return not version_at_least(self.kubernetes_version, MANAGED_GATEWAY_CRDS_SINCE)


ClusterConfig = GkeClusterConfig
"""The room's ``llmd-infra:cluster`` model as the core reads it (:mod:`llmd_infra.registry`)."""

ADDONS = AddonSupport(
    installs=frozenset({"lws", "gatewayApiCrds", "draDriver"}),
    refuses={
        "gpuOperator": "GKE installs the NVIDIA driver and device plugin itself (the dranet path uses the DRA driver)",
        "networkOperator": "GKE provides the RDMA NICs itself (dranet or the multi-network path)",
        "amdGpuOperator": "GKE offers no AMD accelerators",
        "nfd": "no add-on on GKE needs Node Feature Discovery",
    },
)
"""``llmd-infra:addons`` sections the GKE provider installs, and the ones it refuses with the reason."""
