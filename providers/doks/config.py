"""DigitalOcean Kubernetes (DOKS) cluster configuration (``llmd-infra:cluster`` with ``provider: doks``).

YAML shape (camelCase keys; optional unless marked)::

    llmd-infra:cluster:
      provider: doks
      name: llmd-h100                   # DOKS cluster name (required)
      region: tor1                      # DigitalOcean region slug (required)
      kubernetesVersion: "1.33"         # (required) a minor, resolved to its newest 1.33.x-do.N slug at
                                        # every run, or a full slug such as 1.33.1-do.3
      ha: true                          # HA control plane; default: follows llmd-infra:protect
      autoUpgrade: true                 # patch upgrades in the maintenance window (default true)
      surgeUpgrade: true                # default true
      maintenanceWindow: {day: sunday, startTime: "04:00"}
      kubeconfigExpireSeconds: 86400    # lifetime of the credential minted at each run (default: DOKS's 7 days)
      tags: [team-inference]
      network:
        vpcCidr: 10.110.0.0/20          # ip_range of the new VPC (default: DigitalOcean picks one)
        existingVpcUuid: ...            # use this VPC instead of creating one
        clusterSubnet: 10.200.0.0/16    # pod range of the VPC-native cluster (default: DOKS picks)
        serviceSubnet: 10.201.0.0/16    # service range (default: DOKS picks)
        controlPlaneFirewall:           # DOKS's authorized networks; private preview, only where the
          allowedAddresses: [203.0.113.0/24]   # account has it
      systemPool: {size: s-8vcpu-16gb, nodeCount: 2}    # or autoscaling: {minNodes, maxNodes}
      nvidiaGpu: device-plugin          # device-plugin | dra-driver (both DOKS-managed, never both)
      amdGpu: device-plugin             # device-plugin | dra-driver
      amdMetricsExporter: false         # DOKS's AMD device metrics exporter
      fabric:                           # multi-host pools only (fabric sizes)
        cidr: 192.168.64.0/21           # one /24 per fabric NIC, handed out by whereabouts
        namespace: default              # where the fabric NetworkAttachmentDefinitions live
        ipam: whereabouts               # whereabouts | none (DigitalOcean's documented NADs, no IPAM)
      acceleratorPools:
        - name: h100                    # required; DOKS node pool name
          size: gpu-h100x1-80gb         # required; a GPU size slug of the catalog
          nodeCount: 2                  # or autoscaling: {minNodes, maxNodes}
          multiHost: false              # true only on fabric (-fabric-contracted) sizes
          gpuPartitionMode: AMD_PARTITION_MODE_SPX_NPS1   # AMD sizes only
          labels: {}
          taints: [{key: dedicated, value: llm-d, effect: NoSchedule}]
          tags: []

Every rule runs in the model validators, so a bad stack fails in ``load_settings()`` with one problem
per invalid value at its exact key path, before a single resource is registered.

Sources (public): DOKS GPU node labels and taints, docs.digitalocean.com/products/kubernetes/details/managed/;
multi-node fabric, docs.digitalocean.com/products/kubernetes/how-to/configure-multinode-gpus/; per-NIC
subnets on rail-only fabrics, docs.digitalocean.com/products/droplets/how-to/gpu/configure-multi-node/;
control-plane firewall (private preview), docs.digitalocean.com/products/kubernetes/how-to/add-control-plane-firewall/;
autoscaling to zero in private preview, ``min_nodes`` >= 1 and ``gpu_partition_mode`` values, the
``pulumi_digitalocean`` 4.84.1 ``KubernetesCluster``/``KubernetesNodePool`` docstrings.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from llmd_infra.catalog.accelerators import accelerator_family
from llmd_infra.catalog.types import RdmaKind, Vendor
from llmd_infra.config.addons import AddonSupport
from llmd_infra.config.base import ClusterConfigBase, LlmdModel, Problems, admin_network
from llmd_infra.providers.doks.catalog import DOKS_LABEL_PREFIX, DOKS_SIZES, DoksSize, doks_size
from llmd_infra.requirements import KUBERNETES_VERSION
from llmd_infra.versions import VersionError, parse_version

TaintEffect = Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]
NvidiaGpuPath = Literal["device-plugin", "dra-driver"]
AmdGpuPath = Literal["device-plugin", "dra-driver"]
FabricIpam = Literal["whereabouts", "none"]
WeekDay = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "any"]
GPU_PARTITION_MODES = ("AMD_PARTITION_MODE_SPX_NPS1", "AMD_PARTITION_MODE_DPX_NPS2")
"""``gpu_partition_mode`` values the DigitalOcean provider accepts (pulumi_digitalocean 4.84.1)."""

DEFAULT_SYSTEM_SIZE = "s-8vcpu-16gb"
"""Two of these carry the add-ons, llm-d's router and EPP (the EPP alone requests 4 vCPUs in llm-d's
guides); no llm-d source names a DOKS CPU size."""

RFC1918 = tuple(ipaddress.IPv4Network(r) for r in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
"""The ranges a DigitalOcean VPC may use (``ip_range``: RFC 1918, /16 to /24; pulumi_digitalocean ``VpcArgs``)."""

NAME_MAX = 63
"""Cluster and pool names are also Kubernetes label values (``doks.digitalocean.com/node-pool``)."""

_NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_REGION_RE = re.compile(r"^[a-z]{3}[0-9]$")
_VERSION_SLUG_RE = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+)-do\.(\d+))?$")
_TAG_RE = re.compile(r"^[A-Za-z0-9_:\-]{1,255}$")
_START_TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_CPU_SIZE_RE = re.compile(r"^(?!gpu-)[a-z][a-z0-9]*(-[a-z0-9_.]+)+$")




def _name(value: str, what: str) -> str:
    if not _NAME_RE.match(value) or len(value) > NAME_MAX:
        raise ValueError(
            f"'{value}' is not a valid {what} (lowercase letters, digits and '-', starting and ending with a "
            f"letter or digit, at most {NAME_MAX} characters)"
        )
    return value


def _cidr(value: str) -> str:
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a CIDR block ({exc})") from None
    return value


def _tags(values: list[str]) -> list[str]:
    for tag in values:
        if not _TAG_RE.match(tag):
            raise ValueError(
                f"'{tag}' is not a DigitalOcean tag (letters, digits, ':', '-' and '_', at most 255 characters)"
            )
    return values


def gpu_sizes() -> list[str]:
    """Every GPU size slug of the catalog, sorted."""
    return sorted(name for name, row in DOKS_SIZES.items() if row.accelerator is not None)


def fabric_sizes() -> list[str]:
    """The multi-node fabric size slugs of the catalog, sorted."""
    return sorted(name for name, row in DOKS_SIZES.items() if row.fabric)


def size_vendor(row: DoksSize) -> Vendor | None:
    """The accelerator vendor of a size (``None`` for CPU sizes)."""
    family = accelerator_family(row.accelerator) if row.accelerator else None
    return family.vendor if family is not None else None


class Autoscaling(LlmdModel):
    """Autoscaling bounds of a DOKS pool: at least one node (scaling to zero is a private preview)."""

    min_nodes: int = Field(description="Fewest nodes (at least one).")
    max_nodes: int = Field(ge=1, description="Most nodes.")

    @field_validator("min_nodes")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        if value < 1:
            raise ValueError(
                f"{value} is not allowed: a DOKS pool keeps at least one node (autoscaling to zero is a private "
                "preview); use 1"
            )
        return value

    @model_validator(mode="after")
    def _min_le_max(self) -> Autoscaling:
        if self.min_nodes > self.max_nodes:
            raise ValueError(f"minNodes ({self.min_nodes}) must not exceed maxNodes ({self.max_nodes})")
        return self


class TaintConfig(LlmdModel):
    """A node taint (DOKS adds ``nvidia.com/gpu`` / ``amd.com/gpu`` NoSchedule to GPU nodes itself)."""

    key: str = Field(min_length=1)
    value: str = ""
    effect: TaintEffect = "NoSchedule"


class MaintenanceWindow(LlmdModel):
    """The weekly window DOKS applies patch upgrades in (UTC)."""

    day: WeekDay = "sunday"
    start_time: str = "04:00"

    @field_validator("start_time")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        if not _START_TIME_RE.match(value):
            raise ValueError(f"'{value}' is not a UTC time in HH:MM (24-hour) notation, e.g. 04:00")
        return value


class ControlPlaneFirewall(LlmdModel):
    """Addresses allowed to reach the API server (DOKS control-plane firewall, private preview)."""

    allowed_addresses: list[str] = Field(min_length=1)

    @field_validator("allowed_addresses")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        for value in values:
            admin_network(value, strict=False, what="an IPv4 address or CIDR block")
        return values


class NetworkConfig(LlmdModel):
    """The cluster's VPC (new unless ``existingVpcUuid``) and VPC-native ranges."""

    vpc_cidr: str | None = None
    existing_vpc_uuid: str | None = Field(default=None, min_length=1)
    cluster_subnet: str | None = None
    service_subnet: str | None = None
    control_plane_firewall: ControlPlaneFirewall | None = None

    _check_cidrs = field_validator("vpc_cidr", "cluster_subnet", "service_subnet")(
        lambda value: None if value is None else _cidr(value)
    )

    @model_validator(mode="after")
    def _ranges(self) -> NetworkConfig:
        problems = Problems("NetworkConfig")
        if self.vpc_cidr is not None:
            if self.existing_vpc_uuid is not None:
                problems.add(["vpcCidr"], "set vpcCidr (a new VPC) or existingVpcUuid, not both", self.vpc_cidr)
            net = ipaddress.ip_network(self.vpc_cidr)
            if not (isinstance(net, ipaddress.IPv4Network) and any(net.subnet_of(r) for r in RFC1918)
                    and 16 <= net.prefixlen <= 24):
                problems.add(
                    ["vpcCidr"],
                    f"'{self.vpc_cidr}' must be an RFC 1918 IPv4 range between /16 and /24 (DigitalOcean VPC rule)",
                    self.vpc_cidr,
                )
        named = {k: v for k, v in (("vpcCidr", self.vpc_cidr), ("clusterSubnet", self.cluster_subnet),
                                   ("serviceSubnet", self.service_subnet)) if v is not None}
        keys = list(named)
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if ipaddress.ip_network(named[a]).overlaps(ipaddress.ip_network(named[b])):
                    problems.add([b], f"'{named[b]}' overlaps {a} '{named[a]}'", named[b])
        problems.raise_if_any()
        return self


class SystemPoolConfig(LlmdModel):
    """The CPU pool of the cluster (``KubernetesCluster.node_pool``): add-ons, router and EPP run here."""

    size: str = DEFAULT_SYSTEM_SIZE
    node_count: int | None = Field(default=None, ge=1)
    autoscaling: Autoscaling | None = None

    @field_validator("size")
    @classmethod
    def _cpu_size(cls, value: str) -> str:
        row = doks_size(value)
        if row is not None and row.accelerator is not None:
            raise ValueError(
                f"'{value}' carries accelerators ({row.accelerator}); the system pool needs a CPU size such as "
                f"{DEFAULT_SYSTEM_SIZE}"
            )
        if row is None and not _CPU_SIZE_RE.match(value):
            raise ValueError(f"'{value}' is not a DigitalOcean CPU Droplet size slug (e.g. {DEFAULT_SYSTEM_SIZE})")
        return value

    @model_validator(mode="after")
    def _count_or_autoscaling(self) -> SystemPoolConfig:
        if self.node_count is not None and self.autoscaling is not None:
            raise ValueError("set nodeCount or autoscaling, not both")
        return self

    def node_range(self) -> tuple[int, int]:
        """(min, max) nodes; default two, so the add-ons survive a node replacement."""
        if self.autoscaling is not None:
            return self.autoscaling.min_nodes, self.autoscaling.max_nodes
        count = self.node_count if self.node_count is not None else 2
        return count, count


class FabricConfig(LlmdModel):
    """Pod networking over the fabric NICs of multi-host pools (Multus + NetworkAttachmentDefinitions)."""

    cidr: str = "192.168.64.0/21"
    """Carved into one /24 per fabric NIC (fabric0 gets the first): DigitalOcean asks for a disjoint
    subnet per NIC on rail-only fabrics."""
    namespace: str = "default"
    ipam: FabricIpam = "whereabouts"

    _check_cidr = field_validator("cidr")(_cidr)

    @field_validator("namespace")
    @classmethod
    def _namespace(cls, value: str) -> str:
        return _name(value, "Kubernetes namespace name")

    def nic_cidrs(self, count: int) -> list[str]:
        """One /24 per fabric NIC, in order."""
        subnets = ipaddress.ip_network(self.cidr).subnets(new_prefix=24)
        return [str(next(subnets)) for _ in range(count)]


class AcceleratorPoolConfig(LlmdModel):
    """A GPU node pool (``KubernetesNodePool``)."""

    name: str
    size: str
    node_count: int | None = Field(default=None, ge=1)
    autoscaling: Autoscaling | None = None
    multi_host: bool = False
    gpu_partition_mode: str | None = None
    labels: dict[str, str] = {}
    taints: list[TaintConfig] = []
    tags: list[str] = []

    @field_validator("name")
    @classmethod
    def _pool_name(cls, value: str) -> str:
        return _name(value, "DOKS node pool name")

    @field_validator("size")
    @classmethod
    def _gpu_size(cls, value: str) -> str:
        row = doks_size(value)
        if row is None or row.accelerator is None:
            raise ValueError(f"unknown GPU size '{value}'; allowed: {', '.join(gpu_sizes())}")
        if row.doks_supported is False:
            raise ValueError(f"'{value}' cannot be a DOKS node pool ({row.note})")
        return row.name

    @field_validator("gpu_partition_mode")
    @classmethod
    def _partition(cls, value: str | None) -> str | None:
        if value is not None and value not in GPU_PARTITION_MODES:
            raise ValueError(f"'{value}' is not allowed; allowed: {', '.join(GPU_PARTITION_MODES)}")
        return value

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if key.startswith(DOKS_LABEL_PREFIX):
                raise ValueError(
                    f"'{key}': DOKS sets and reconciles the {DOKS_LABEL_PREFIX}* labels itself; use another key"
                )
        return value

    _check_tags = field_validator("tags")(_tags)

    @model_validator(mode="after")
    def _cross(self) -> AcceleratorPoolConfig:
        problems = Problems("AcceleratorPoolConfig")
        row = self.machine()
        if self.node_count is not None and self.autoscaling is not None:
            problems.add(["autoscaling"], "set nodeCount or autoscaling, not both")
        if self.multi_host and not row.fabric:
            problems.add(
                ["multiHost"],
                f"a multi-host pool needs RDMA between hosts, and {row.name} has only "
                f"{row.max_nic_gbps:g} Gbps VPC networking without RDMA; multi-host pools need a fabric size "
                f"(contract only): {', '.join(fabric_sizes())}",
                self.multi_host,
            )
        if self.multi_host and self.node_range()[1] < 2:
            problems.add(
                ["multiHost"] if self.autoscaling is None else ["autoscaling", "maxNodes"],
                "a multi-host pool needs at least two nodes (nodeCount, or autoscaling.maxNodes)",
            )
        if self.gpu_partition_mode is not None and size_vendor(row) is not Vendor.AMD:
            problems.add(
                ["gpuPartitionMode"],
                f"GPU partition modes are for AMD sizes; {row.name} carries {row.accelerator}",
                self.gpu_partition_mode,
            )
        problems.raise_if_any()
        return self

    # --- derived values (valid after validation) ---------------------------------------------------

    def machine(self) -> DoksSize:
        row = doks_size(self.size)
        assert row is not None
        return row

    def vendor(self) -> Vendor | None:
        return size_vendor(self.machine())

    def node_range(self) -> tuple[int, int]:
        """(min, max) nodes (default: one)."""
        if self.autoscaling is not None:
            return self.autoscaling.min_nodes, self.autoscaling.max_nodes
        count = self.node_count if self.node_count is not None else 1
        return count, count

    def interconnect(self) -> RdmaKind:
        """What the pool's nodes use between hosts: the fabric's RDMA on multi-host fabric pools."""
        return self.machine().rdma if self.multi_host else RdmaKind.NONE


class DoksClusterConfig(ClusterConfigBase):
    """``llmd-infra:cluster`` for ``provider: doks``."""

    provider: Literal["doks"]
    name: str
    region: str
    kubernetes_version: str
    ha: bool | None = None
    """HA control plane (cannot be turned off once on); default: on when the stack protects its resources."""
    auto_upgrade: bool = True
    surge_upgrade: bool = True
    maintenance_window: MaintenanceWindow = MaintenanceWindow()
    kubeconfig_expire_seconds: int | None = Field(default=None, ge=1)
    tags: list[str] = []
    network: NetworkConfig = NetworkConfig()
    system_pool: SystemPoolConfig = SystemPoolConfig()
    nvidia_gpu: NvidiaGpuPath = "device-plugin"
    amd_gpu: AmdGpuPath = "device-plugin"
    amd_metrics_exporter: bool = False
    fabric: FabricConfig = FabricConfig()
    accelerator_pools: list[AcceleratorPoolConfig] = []

    @field_validator("name")
    @classmethod
    def _cluster_name(cls, value: str) -> str:
        return _name(value, "DOKS cluster name")

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not _REGION_RE.match(value):
            raise ValueError(f"'{value}' is not a DigitalOcean region slug (e.g. tor1, nyc2, atl1)")
        return value

    @field_validator("kubernetes_version")
    @classmethod
    def _version(cls, value: str) -> str:
        text = value.strip().removeprefix("v")
        if not _VERSION_SLUG_RE.match(text):
            raise ValueError(
                f"'{value}' is neither a Kubernetes minor (e.g. 1.33, resolved to its newest DOKS patch at every "
                "run) nor a DOKS version slug (e.g. 1.33.1-do.3; list them with doctl kubernetes options versions)"
            )
        try:
            version = parse_version(text)
        except VersionError as exc:  # pragma: no cover - the pattern above admits only versions
            raise ValueError(str(exc)) from None
        minimum = KUBERNETES_VERSION.min_version()
        if version < minimum:
            raise ValueError(
                f"Kubernetes {value} is older than llm-d's minimum {minimum.minor_str()} "
                f"(requirement {KUBERNETES_VERSION.id})"
            )
        return text

    _check_tags = field_validator("tags")(_tags)

    @model_validator(mode="after")
    def _cross(self) -> DoksClusterConfig:
        problems = Problems("DoksClusterConfig")
        seen: dict[str, int] = {}
        for i, pool in enumerate(self.accelerator_pools):
            if pool.name == "system":
                problems.add(["acceleratorPools", i, "name"], "'system' is the name of the system pool")
            if pool.name in seen:
                problems.add(
                    ["acceleratorPools", i, "name"],
                    f"'{pool.name}' is already the name of acceleratorPools[{seen[pool.name]}]",
                )
            seen.setdefault(pool.name, i)
        nics = self.fabric_nic_count()
        if nics:
            prefix = ipaddress.ip_network(self.fabric.cidr).prefixlen
            if ipaddress.ip_network(self.fabric.cidr).version != 4 or 2 ** (24 - prefix) < nics:
                problems.add(
                    ["fabric", "cidr"],
                    f"'{self.fabric.cidr}' must be an IPv4 range with room for one /24 per fabric NIC "
                    f"({nics} NICs: /{24 - (nics - 1).bit_length()} or larger)",
                    self.fabric.cidr,
                )
            for key, value in (("clusterSubnet", self.network.cluster_subnet),
                               ("serviceSubnet", self.network.service_subnet), ("vpcCidr", self.network.vpc_cidr)):
                if value is not None and ipaddress.ip_network(value).overlaps(ipaddress.ip_network(self.fabric.cidr)):
                    problems.add(["fabric", "cidr"], f"'{self.fabric.cidr}' overlaps network.{key} '{value}'")
        problems.raise_if_any()
        return self

    # --- derived values ---------------------------------------------------------------------------

    def uses_vendor(self, vendor: Vendor) -> bool:
        return any(pool.vendor() is vendor for pool in self.accelerator_pools)

    def multi_host_pools(self) -> list[AcceleratorPoolConfig]:
        return [pool for pool in self.accelerator_pools if pool.multi_host]

    def fabric_nic_count(self) -> int:
        """RDMA fabric NICs per node of the multi-host pools (0 without multi-host pools)."""
        return max((pool.machine().rdma_nic_count or 0 for pool in self.multi_host_pools()), default=0)

    def version_prefix(self) -> str | None:
        """``1.33.`` for a configured minor (resolved through the versions invoke); ``None`` for a full slug."""
        match = _VERSION_SLUG_RE.match(self.kubernetes_version)
        assert match is not None
        return None if match.group(3) is not None else f"{match.group(1)}.{match.group(2)}."


ClusterConfig = DoksClusterConfig
"""The room-contract name of this provider's cluster model."""

ADDONS = AddonSupport(
    installs=frozenset({"lws", "gatewayApiCrds", "gpuOperator", "kueue"}),
    refuses={
        "amdGpuOperator": "DOKS installs the AMD GPU driver stack and the ROCm device plugin (or its AMD DRA driver) "
        "on AMD nodes itself",
        "networkOperator": "DOKS installs the RDMA shared device plugin on fabric nodes itself, and the doks provider "
        "adds Multus, whereabouts and the fabric NetworkAttachmentDefinitions",
        "draDriver": "DOKS provides the NVIDIA DRA driver; set llmd-infra:cluster.nvidiaGpu: dra-driver",
        "nfd": "no add-on on DOKS needs Node Feature Discovery (the GPU Operator brings its own)",
    },
)
"""``llmd-infra:addons`` sections the doks provider installs, and the ones it refuses with the reason. The
GPU Operator is llm-d's fallback on DOKS: it replaces DOKS's NVIDIA device plugin, driver and toolkit off."""
