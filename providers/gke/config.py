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
      labels: {team: inference}        # GCP labels (lowercase keys, <= 63 characters, <= 64 labels)
      maintenanceStartTime: "09:00"     # daily maintenance window start (GMT), with maintenanceExclusions
      maintenanceExclusions:            # hold upgrades so a node upgrade never breaks a multi-host slice
        - {name: hold-nodes, startTime: "2026-01-01T00:00:00Z", scope: NO_MINOR_OR_NODE_UPGRADES}
      binaryAuthorization:              # default: the project's Binary Authorization policy is enforced
        evaluationMode: PROJECT_SINGLETON_POLICY_ENFORCE   # or DISABLED
      secretsEncryption:                # optional: application-layer Secrets encryption with Cloud KMS
        kmsKeyName: projects/my-kms-project/locations/us-central1/keyRings/gke/cryptoKeys/secrets
        createKmsBinding: false         # true: grant the GKE service agent the key (needs setIamPolicy on it)
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
          gpuDriver: disabled           # default | latest | disabled (dranet on x86: disabled)
          reservation: {name: my-res, block: my-block}
          spot: false
          flexStart: false
          compactPlacement: true        # default: multiHost
          diskSizeGb: 1000
          diskType: hyperdisk-balanced
          labels: {}
          taints: [{key: dedicated, value: llm-d, effect: NoSchedule}]
          localSsdEphemeralStorage: true  # default: on where the catalog knows the machine's local SSDs

Cross-field rules (catalog lookups) run in the model validators, so a bad stack fails in
``load_settings()`` before a single resource is registered, with one problem per invalid value at
its exact key path. Checks that need only the raw input (zones, project) also run when another field
of the file is already invalid, so a file's problems come out together.

Limits are the ones the APIs themselves enforce, each with its public source: GCP resource names
(RFC 1035, https://cloud.google.com/compute/docs/naming-resources), project ids
(https://cloud.google.com/resource-manager/docs/creating-managing-projects), labels
(https://cloud.google.com/compute/docs/labeling-resources#requirements), Kubernetes label keys and
values (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set),
nodes per node pool per zone (https://cloud.google.com/kubernetes-engine/quotas), node and pod address
ranges (https://cloud.google.com/kubernetes-engine/docs/concepts/alias-ips), boot disk sizes
(https://cloud.google.com/compute/docs/disks), GKE versions
(https://cloud.google.com/kubernetes-engine/versioning#versioning_scheme) and Cloud KMS key names and
locations (https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets).
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import InitErrorDetails, PydanticCustomError

from llmd_infra.catalog.accelerators import accelerator_family
from llmd_infra.catalog.types import RdmaKind
from llmd_infra.config.addons import AddonSupport
from llmd_infra.config.base import (
    Autoscaling,
    ClusterConfigBase,
    LlmdModel,
    Problems,
    VersionText,
    admin_network,
    one_of,
)
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
ExclusionScope = Literal["NO_UPGRADES", "NO_MINOR_UPGRADES", "NO_MINOR_OR_NODE_UPGRADES"]
BinauthzEvaluationMode = Literal["DISABLED", "PROJECT_SINGLETON_POLICY_ENFORCE"]

HYPERDISK_DEFAULT_MACHINE_PREFIXES = ("a4-highgpu-", "a4x-")
"""Machine families that boot from hyperdisk-balanced by default — a choice, not a catalog fact: the
catalog restricts boot disks (``GkeMachineType.boot_disk_types``) only where a source says so (A3 Ultra)."""

DEFAULT_SYSTEM_MACHINE_TYPE = "e2-standard-16"
"""llm-d: "The standalone router pod requests up to 12 CPUs. Provide an e2-standard-16 or larger CPU
node" (llm-d/llm-d guides/wide-ep/modelserver/gpu/vllm-deepseek-r1-0528/gke/README.md @aa259bf,
https://github.com/llm-d/llm-d/tree/main/guides/wide-ep)."""

RESOURCE_NAME_MAX = 63
"""Compute Engine resource names (RFC 1035): at most 63 characters."""

DRANET_MIN_GKE_VERSION = "1.34.1-gke.1829001"
"""Managed DRANET (``accelerator_network_profile = "auto"``) needs this GKE version and Dataplane V2
(GoogleCloudPlatform/cluster-toolkit modules/compute/gke-node-pool/gpu_direct.tf @1047080,
``dranet_min_version``, and main.tf check ``dranet_requirements``). Every GKE cluster here runs
Dataplane V2 (``datapath_provider = ADVANCED_DATAPATH``)."""

FLEX_START_COMPACT_PREFIXES = ("a3-ultragpu-", "a4-")
"""GPU machine types that take compact placement together with flex-start (cluster-toolkit
modules/compute/gke-node-pool/main.tf @1047080: "Compact placement with DWS Flex start is only
supported for A3 Ultra, A4, and H4D machine types")."""

MAX_NODES_PER_POOL_ZONE = 1000
"""GKE: at most 1,000 nodes per node pool per zone (https://cloud.google.com/kubernetes-engine/quotas)."""

DISK_SIZE_GB_MIN = 10
DISK_SIZE_GB_MAX = 65536
"""Boot disks: 10 GB to 64 TiB (https://cloud.google.com/compute/docs/disks#disk-types)."""

MAX_GCP_LABELS = 64
"""GCP resources carry at most 64 labels (https://cloud.google.com/compute/docs/labeling-resources#requirements)."""

MAX_MAINTENANCE_EXCLUSIONS = 20
"""A cluster has at most 20 maintenance exclusions (pulumi_gcp ``ClusterMaintenancePolicyArgs.maintenance_exclusions``,
https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions)."""

NO_UPGRADES_MAX_DAYS = 30
"""A ``NO_UPGRADES`` exclusion ends at most 30 days after it starts and cannot run until end of support
(https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions)."""

GKE_SERVICE_AGENT = "service-{project_number}@container-engine-robot.iam.gserviceaccount.com"
"""The GKE service agent of the cluster's project, which encrypts and decrypts Secrets with the KMS key
(https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets, "Grant permission to use the key")."""
KMS_ENCRYPTER_DECRYPTER_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
"""The role the GKE service agent needs on the key (same page)."""

PODS_PER_NODE_PREFIX = 24
"""GKE's default of 110 pods per node reserves a /24 of the pods range per node
(https://cloud.google.com/kubernetes-engine/docs/how-to/flexible-pod-cidr)."""

SUBNET_RESERVED_ADDRESSES = 4
"""Every VPC subnet's primary range loses 4 addresses (https://cloud.google.com/vpc/docs/subnets#unusable-ip-addresses-in-every-subnet)."""

PROXY_SUBNET_MAX_PREFIX = 26
"""A proxy-only subnet is a /26 or larger (https://cloud.google.com/load-balancing/docs/proxy-only-subnets)."""

GPU_TAINT_KEY = "nvidia.com/gpu"
TPU_TAINT_KEY = "google.com/tpu"
"""Every GPU / TPU pool carries ``<key>=present:NoSchedule``."""

_NAME_RE = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_REGION_RE = re.compile(r"^[a-z]+-[a-z]+[0-9]+$")
_CPU_MACHINE_RE = re.compile(r"^([a-z][a-z0-9]*)-(standard|highmem|highcpu)-([0-9]+)$")
_PROJECT_RE = re.compile(r"^(?:[a-z][-a-z0-9.]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]$")
"""Project ids: 6 to 30 lowercase letters, digits and hyphens, starting with a letter, not ending with a
hyphen; legacy domain-scoped ids carry a ``domain:`` prefix."""
_GKE_VERSION_RE = re.compile(r"^\d+\.\d+(?:\.\d+(?:-gke\.\d+)?)?$")
_GCP_LABEL_KEY_RE = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
_GCP_LABEL_VALUE_RE = re.compile(r"^[a-z0-9_-]{0,63}$")
_K8S_NAME_RE = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_DNS_SUBDOMAIN_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_HHMM_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KMS_KEY_RE = re.compile(
    r"^projects/(?P<project>[^/]+)/locations/(?P<location>[^/]+)/keyRings/(?P<ring>[^/]+)/cryptoKeys/(?P<key>[^/]+)$"
)
_KMS_ID_RE = re.compile(r"^[a-zA-Z0-9_-]{1,63}$")
"""Key ring and crypto key ids (Cloud KMS ``CreateKeyRing`` / ``CreateCryptoKey``: ``[a-zA-Z0-9_-]{1,63}``,
https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings/create)."""
_PROJECT_NUMBER_RE = re.compile(r"^[1-9][0-9]{0,29}$")
_NETWORK_REF_RE = re.compile(
    r"^(https://www\.googleapis\.com/compute/(v1|beta)/)?(projects/[^/]+/(global|regions/[a-z0-9-]+)/"
    r"(networks|subnetworks)/)?[a-z]([-a-z0-9]{0,61}[a-z0-9])?$"
)

CPU_SERIES_VCPUS: dict[str, dict[str, tuple[int, ...]]] = {
    "e2": {"standard": (2, 4, 8, 16, 32), "highmem": (2, 4, 8, 16), "highcpu": (2, 4, 8, 16, 32)},
    "n2": {
        "standard": (2, 4, 8, 16, 32, 48, 64, 80, 96, 128),
        "highmem": (2, 4, 8, 16, 32, 48, 64, 80, 96, 128),
        "highcpu": (2, 4, 8, 16, 32, 48, 64, 80, 96),
    },
    "n1": {
        "standard": (1, 2, 4, 8, 16, 32, 64, 96),
        "highmem": (2, 4, 8, 16, 32, 64, 96),
        "highcpu": (2, 4, 8, 16, 32, 64, 96),
    },
}
"""vCPU counts of the predefined shapes of the series the system pool commonly uses
(https://cloud.google.com/compute/docs/general-purpose-machines). Other series are checked by name only."""

KUBELET_LABEL_NAMESPACES = ("kubelet.kubernetes.io", "node.kubernetes.io")
"""The only kubernetes.io / k8s.io label namespaces a node may set on itself (kubelet ``--node-labels``,
https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/)."""


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


Found = list[tuple[list[str | int], str, Any]]
"""(location, message, value) of each problem a check found."""


def _raise_found(title: str, found: Found) -> None:
    """Raise ``found`` as one ValidationError (a field validator's locations are below its field)."""
    if found:
        problems = Problems(title)
        for loc, message, value in found:
            problems.add(loc, message, value)
        problems.raise_if_any()


def _as_init_errors(error: ValidationError) -> list[InitErrorDetails]:
    """``error``'s problems, re-raisable together with more (type, location, input and message kept)."""
    out: list[InitErrorDetails] = []
    for err in error.errors(include_url=False):
        ctx = {k: v for k, v in (err.get("ctx") or {}).items() if k != "error"}
        message = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        out.append(
            InitErrorDetails(
                type=PydanticCustomError(err["type"], "{message}", {**ctx, "message": message}),
                loc=err["loc"],
                input=err["input"],
            )
        )
    return out


def gcp_label_problems(labels: Mapping[str, str]) -> list[tuple[list[str | int], str, Any]]:
    """(location below ``labels``, message, value) for every GCP label the API would refuse."""
    out: list[tuple[list[str | int], str, Any]] = []
    if len(labels) > MAX_GCP_LABELS:
        out.append(([], f"{len(labels)} labels; GCP allows at most {MAX_GCP_LABELS}", len(labels)))
    for key, value in labels.items():
        if not _GCP_LABEL_KEY_RE.match(key):
            out.append((
                [key],
                f"'{key}' is not a GCP label key (1 to 63 lowercase letters, digits, '_' and '-', starting with "
                "a lowercase letter)",
                key,
            ))
        if not isinstance(value, str) or not _GCP_LABEL_VALUE_RE.match(value):
            out.append((
                [key],
                f"'{value}' is not a GCP label value (0 to 63 lowercase letters, digits, '_' and '-')",
                value,
            ))
    return out


def k8s_label_key_problem(key: str) -> str | None:
    """Why ``key`` cannot be a Kubernetes label (or taint) key, or ``None``."""
    prefix, slash, name = key.rpartition("/")
    if not _K8S_NAME_RE.match(name):
        return (
            f"'{key}' is not a Kubernetes label key: the name part must be 1 to 63 letters, digits, '-', '_' "
            "or '.', starting and ending with a letter or digit"
        )
    if slash and (len(prefix) > 253 or not _DNS_SUBDOMAIN_RE.match(prefix)):
        return f"'{key}' is not a Kubernetes label key: the prefix '{prefix}' is not a DNS subdomain"
    return None


def k8s_label_value_problem(value: str) -> str | None:
    if value == "" or _K8S_NAME_RE.match(value):
        return None
    return (
        f"'{value}' is not a Kubernetes label value (at most 63 letters, digits, '-', '_' or '.', starting and "
        "ending with a letter or digit, or empty)"
    )


def node_label_namespace_problem(key: str) -> str | None:
    """Nodes may not label themselves under kubernetes.io / k8s.io except the kubelet's own namespaces."""
    prefix = key.rpartition("/")[0]
    reserved = any(prefix == d or prefix.endswith(f".{d}") for d in ("kubernetes.io", "k8s.io"))
    allowed = any(prefix == d or prefix.endswith(f".{d}") for d in KUBELET_LABEL_NAMESPACES)
    if reserved and not allowed:
        return (
            f"'{key}' is in a namespace reserved for Kubernetes (kubernetes.io, k8s.io); node labels there must be "
            f"under {' or '.join(KUBELET_LABEL_NAMESPACES)}"
        )
    return None


def gke_version_problem(value: str) -> str | None:
    """Why ``value`` is not a GKE version as GKE writes it (``1.34``, ``1.34.1``, ``1.34.1-gke.1829001``)."""
    if _GKE_VERSION_RE.match(value):
        return None
    return (
        f"'{value}' is not a GKE version; write it as GKE does: MAJOR.MINOR (1.34), MAJOR.MINOR.PATCH (1.34.1) "
        "or MAJOR.MINOR.PATCH-gke.BUILD (1.34.1-gke.1829001)"
    )


def rfc3339(value: str) -> datetime:
    """An RFC 3339 timestamp with its offset (``2026-01-01T00:00:00Z``), or a date taken as midnight UTC.

    ``ValueError`` for anything else. A date written unquoted in YAML reaches the config as text
    (Pulumi keeps it a string), so ``2026-01-01`` is accepted as ``2026-01-01T00:00:00Z``.
    """
    text = value.strip()
    if _DATE_RE.match(text):
        text += "T00:00:00Z"
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise ValueError(
            f"'{value}' is not an RFC 3339 timestamp (e.g. 2026-01-01T00:00:00Z) or a date (2026-01-01)"
        ) from None
    if parsed.tzinfo is None or "T" not in text.upper():
        raise ValueError(f"'{value}' has no time zone; write it as an RFC 3339 timestamp, e.g. 2026-01-01T00:00:00Z")
    return parsed


def _optional_timestamp(value: str | None) -> str | None:
    """A timestamp field: kept as written, a bare date completed to midnight UTC."""
    if value is None:
        return None
    parsed = rfc3339(value)
    return value if not _DATE_RE.match(value.strip()) else parsed.strftime("%Y-%m-%dT%H:%M:%SZ")


class TaintConfig(LlmdModel):
    """A Kubernetes node taint (key and value follow the label syntax)."""

    key: str = Field(min_length=1)
    value: str = ""
    effect: TaintEffect = "NoSchedule"

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        problem = k8s_label_key_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("value")
    @classmethod
    def _value(cls, value: str) -> str:
        problem = k8s_label_value_problem(value)
        if problem:
            raise ValueError(problem.replace("label value", "taint value"))
        return value


def _resource_name(value: str, what: str) -> str:
    if not _NAME_RE.match(value) or len(value) > RESOURCE_NAME_MAX:
        raise ValueError(
            f"'{value}' is not a {what} name (1 to {RESOURCE_NAME_MAX} lowercase letters, digits and '-', starting "
            "with a letter and not ending with '-')"
        )
    return value


def _project_id(value: str) -> str:
    if not _PROJECT_RE.match(value):
        raise ValueError(
            f"'{value}' is not a Google Cloud project id (6 to 30 lowercase letters, digits and '-', starting with "
            "a letter and not ending with '-')"
        )
    return value


class ReservationConfig(LlmdModel):
    """A specific Compute Engine reservation (optionally one block of it) the pool consumes."""

    name: str = Field(min_length=1)
    block: str | None = None
    project: str | None = None
    """Project owning a shared reservation (default: the cluster's)."""

    @field_validator("name", "block")
    @classmethod
    def _names(cls, value: str | None) -> str | None:
        return None if value is None else _resource_name(value, "reservation")

    @field_validator("project")
    @classmethod
    def _project(cls, value: str | None) -> str | None:
        return None if value is None else _project_id(value)

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
        return admin_network(value)


class ExistingNetworkConfig(LlmdModel):
    """A VPC and subnet that already exist, with secondary ranges for pods and services."""

    network: str = Field(min_length=1)
    subnetwork: str = Field(min_length=1)
    pods_range_name: str = Field(min_length=1)
    services_range_name: str = Field(min_length=1)

    @field_validator("network", "subnetwork")
    @classmethod
    def _reference(cls, value: str) -> str:
        if not _NETWORK_REF_RE.match(value):
            raise ValueError(
                f"'{value}' is neither a network/subnetwork name (RFC 1035, at most 63 characters) nor its "
                "projects/<project>/(global|regions/<region>)/(networks|subnetworks)/<name> path or URL"
            )
        return value

    @field_validator("pods_range_name", "services_range_name")
    @classmethod
    def _range(cls, value: str) -> str:
        return _resource_name(value, "secondary range")


def _cidr_field(value: str) -> str:
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a CIDR block ({exc})") from None
    if net.version != 4:
        raise ValueError(f"'{value}' is an IPv6 block; GKE subnet and cluster ranges here are IPv4")
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
        problems = Problems("NetworkConfig")
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
        if self.existing is None and ipaddress.ip_network(self.proxy_cidr).prefixlen > PROXY_SUBNET_MAX_PREFIX:
            problems.add(
                ["proxyCidr"],
                f"'{self.proxy_cidr}' is too small for a proxy-only subnet; allowed: /{PROXY_SUBNET_MAX_PREFIX} or "
                "larger (/23 recommended)",
                self.proxy_cidr,
            )
        problems.raise_if_any()
        return self

    def node_capacity(self) -> int:
        """Nodes the node subnet can address (its size less the 4 addresses every subnet reserves)."""
        return ipaddress.ip_network(self.node_cidr).num_addresses - SUBNET_RESERVED_ADDRESSES

    def pod_node_capacity(self) -> int:
        """Nodes the pods range can serve at one /24 per node."""
        prefix = ipaddress.ip_network(self.pods_cidr).prefixlen
        return 2 ** max(0, PODS_PER_NODE_PREFIX - prefix) if prefix <= PODS_PER_NODE_PREFIX else 0

    def rdma_subnet_capacity(self) -> int:
        """How many /24 RDMA subnets ``rdmaCidr`` holds."""
        prefix = ipaddress.ip_network(self.rdma_cidr).prefixlen
        return 2 ** (24 - prefix) if prefix <= 24 else 0

    def rdma_subnet_cidrs(self, count: int) -> list[str]:
        """One /24 per RDMA NIC, carved from ``rdmaCidr`` in order."""
        subnets = ipaddress.ip_network(self.rdma_cidr).subnets(new_prefix=24)
        return [str(next(subnets)) for _ in range(count)]


class SystemPoolConfig(LlmdModel):
    """The CPU pool for system add-ons, the router and the EPP (never accelerators)."""

    machine_type: str = DEFAULT_SYSTEM_MACHINE_TYPE
    node_count: int | None = Field(default=None, ge=1)
    autoscaling: Autoscaling | None = None
    disk_size_gb: int = Field(default=200, ge=DISK_SIZE_GB_MIN, le=DISK_SIZE_GB_MAX)
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
        match = _CPU_MACHINE_RE.match(value)
        if row is None and not match:
            raise ValueError(
                f"'{value}' is not a Compute Engine CPU machine type (<series>-standard|highmem|highcpu-<vCPUs>, "
                f"e.g. {DEFAULT_SYSTEM_MACHINE_TYPE})"
            )
        if row is None and match:
            series, kind, vcpus = match.group(1), match.group(2), int(match.group(3))
            shapes = CPU_SERIES_VCPUS.get(series, {}).get(kind)
            if shapes is not None and vcpus not in shapes:
                raise ValueError(
                    f"'{value}' does not exist: {series}-{kind} comes with "
                    f"{', '.join(str(n) for n in shapes)} vCPUs"
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
    disk_size_gb: int | None = Field(default=None, ge=DISK_SIZE_GB_MIN, le=DISK_SIZE_GB_MAX)
    disk_type: DiskType | None = None
    labels: dict[str, str] = {}
    taints: list[TaintConfig] = []
    local_ssd_ephemeral_storage: bool | None = None
    """Back ephemeral storage with the machine's local NVMe SSDs (default: on where the catalog knows
    them: A3 Ultra, A4, A4X); llm-d's wide-EP GKE overlay caches under that path."""

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

    @field_validator("labels")
    @classmethod
    def _node_labels(cls, labels: dict[str, str]) -> dict[str, str]:
        found: Found = []
        for key, value in labels.items():
            problem = k8s_label_key_problem(key) or node_label_namespace_problem(key)
            if problem:
                found.append(([key], problem, key))
            value_problem = k8s_label_value_problem(value)
            if value_problem:
                found.append(([key], value_problem, value))
        _raise_found("labels", found)
        return labels

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
        problems = Problems("AcceleratorPoolConfig")
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
        self._check_taints(m, problems)
        problems.raise_if_any()
        return self

    def _check_taints(self, m: GkeMachineType, problems: Problems) -> None:
        own_taint = TPU_TAINT_KEY if m.is_tpu else GPU_TAINT_KEY
        seen: dict[tuple[str, str], int] = {}
        for i, taint in enumerate(self.taints):
            if taint.key == own_taint and taint.effect == "NoSchedule":
                problems.add(
                    ["taints", i, "key"],
                    f"'{taint.key}' with effect NoSchedule is the taint every {m.name} pool already carries; "
                    "remove it or use another key or effect",
                    taint.key,
                )
            where = seen.setdefault((taint.key, taint.effect), i)
            if where != i:
                problems.add(
                    ["taints", i, "key"],
                    f"'{taint.key}' with effect {taint.effect} is already taints[{where}]",
                    taint.key,
                )

    def _check_tpu(self, m: GkeMachineType, problems: Problems) -> None:
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

    def _check_gpu(self, m: GkeMachineType, problems: Problems) -> None:
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
        if self.rdma == "dranet" and not m.is_arm and self.gpu_driver not in (None, "disabled"):
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

    def _check_disk(self, m: GkeMachineType, problems: Problems) -> None:
        if self.disk_type is not None and m.boot_disk_types and self.disk_type not in m.boot_disk_types:
            problems.add(
                ["diskType"],
                f"'{self.disk_type}' cannot be the boot disk of {m.name}; allowed: {', '.join(m.boot_disk_types)}",
                self.disk_type,
            )
        if self.local_ssd_ephemeral_storage and m.ephemeral_local_ssds is None:
            problems.add(
                ["localSsdEphemeralStorage"],
                f"true needs the local SSDs of the machine type, and the catalog knows none for {m.name}; "
                "allowed: false",
                self.local_ssd_ephemeral_storage,
            )

    def _check_provisioning(self, m: GkeMachineType, problems: Problems) -> None:
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
        if (
            self.flex_start
            and not m.is_tpu
            and self.compact()
            and not m.name.startswith(FLEX_START_COMPACT_PREFIXES)
        ):
            problems.add(
                ["flexStart"],
                f"flex-start with compact placement is offered on A3 Ultra and A4 only, not {m.name}; set "
                "compactPlacement: false (single-host pools) or use a reservation",
                self.flex_start,
            )

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
        (https://docs.cloud.google.com/kubernetes-engine/docs/concepts/tpu-ironwood), not by
        ``placement_policy.tpu_topology``."""
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
        """GKE's GPU driver installation. ``dranet`` on x86 (A3 Ultra, A4) disables it for llm-d's DRA path;
        on Arm (A4X) llm-d keeps GKE's driver and device plugin and uses DRANET for the NICs only
        (llm-d/llm-d guides/pd-disaggregation/modelserver/gpu/vllm/gke/a4x/kustomization.yaml @434cb1e:
        "GPU requests & limits (managed via NVIDIA Device Plugin on A4X)")."""
        m = self.machine()
        if m.is_tpu:
            return None
        if self.gpu_driver is not None:
            return self.gpu_driver
        return "disabled" if self.rdma == "dranet" and not m.is_arm else "default"

    def dra_gpus(self) -> bool:
        """GPUs come through the NVIDIA DRA driver (``gpu.nvidia.com``), loaded by the COS installer."""
        return self.rdma == "dranet" and self.driver() == "disabled"

    def ephemeral_local_ssds(self) -> int | None:
        """``ephemeral_storage_local_ssd_config.local_ssd_count`` of the pool, ``None`` for none."""
        if self.local_ssd_ephemeral_storage is False:
            return None
        return self.machine().ephemeral_local_ssds

    def version_floors(self) -> list[tuple[str, tuple[str, ...]]]:
        """(what needs it, GKE floors) this pool puts on the cluster version."""
        m = self.machine()
        out: list[tuple[str, tuple[str, ...]]] = []
        if m.min_gke_version:
            out.append((f"{m.accelerator} on {m.name}", (m.min_gke_version,)))
        if self.rdma != "none":
            floors = m.rdma_gke_version_floors or ((m.min_rdma_gke_version,) if m.min_rdma_gke_version else ())
            if floors:
                out.append((f"GPUDirect-RDMA on {m.name}", floors))
        if self.rdma == "dranet":
            out.append(("managed DRANET", (DRANET_MIN_GKE_VERSION,)))
        return out

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


class MaintenanceExclusionConfig(LlmdModel):
    """A GKE maintenance exclusion: upgrades GKE holds back from ``startTime`` on.

    Without ``endTime`` the exclusion lasts until the end of support of the cluster's minor version
    (``end_time_behavior = UNTIL_END_OF_SUPPORT``), as Cluster Toolkit's A3 Ultra / A4 / A4X blueprints
    set it (examples/gke-a4/gke-a4.yaml @1047080: ``NO_MINOR_OR_NODE_UPGRADES``).
    """

    name: str = Field(min_length=1, max_length=RESOURCE_NAME_MAX)
    start_time: str
    end_time: str | None = None
    scope: ExclusionScope = "NO_MINOR_OR_NODE_UPGRADES"

    _timestamps = field_validator("start_time", "end_time")(_optional_timestamp)

    @model_validator(mode="after")
    def _window(self) -> MaintenanceExclusionConfig:
        problems = Problems("MaintenanceExclusionConfig")
        start = rfc3339(self.start_time)
        if self.end_time is not None and rfc3339(self.end_time) <= start:
            problems.add(["endTime"], f"'{self.end_time}' is not after startTime '{self.start_time}'", self.end_time)
        if self.scope == "NO_UPGRADES":
            if self.end_time is None:
                problems.add(
                    ["endTime"],
                    f"scope NO_UPGRADES needs an endTime at most {NO_UPGRADES_MAX_DAYS} days after startTime (it "
                    "cannot last until end of support); allowed without endTime: NO_MINOR_UPGRADES, "
                    "NO_MINOR_OR_NODE_UPGRADES",
                )
            elif (rfc3339(self.end_time) - start).days > NO_UPGRADES_MAX_DAYS:
                problems.add(
                    ["endTime"],
                    f"'{self.end_time}' is more than {NO_UPGRADES_MAX_DAYS} days after startTime; scope NO_UPGRADES "
                    f"lasts at most {NO_UPGRADES_MAX_DAYS} days",
                    self.end_time,
                )
        problems.raise_if_any()
        return self


class BinaryAuthorizationConfig(LlmdModel):
    """Binary Authorization of the cluster: which images its nodes may run.

    ``PROJECT_SINGLETON_POLICY_ENFORCE`` (the default) makes GKE admit a pod only when the project's one
    Binary Authorization policy allows its images. A project's policy allows every image until someone
    changes its default rule ("Allow all images",
    https://cloud.google.com/binary-authorization/docs/configure-policy-gke), so turning enforcement on
    changes nothing for llm-d by itself; a stricter policy must admit llm-d's images (``ghcr.io/llm-d/``)
    and the add-ons' images (README "Binary Authorization"). ``DISABLED`` checks nothing.
    """

    evaluation_mode: BinauthzEvaluationMode = "PROJECT_SINGLETON_POLICY_ENFORCE"


def kms_key_parts(value: str) -> dict[str, str] | None:
    """``project``, ``location``, ``ring`` and ``key`` of a Cloud KMS crypto key resource name, or ``None``."""
    match = _KMS_KEY_RE.match(value)
    return match.groupdict() if match else None


class SecretsEncryptionConfig(LlmdModel):
    """Application-layer encryption of Kubernetes Secrets with a Cloud KMS key (``database_encryption``).

    The key is the user's: this component never creates, rotates or deletes it. GKE's service agent of the
    cluster's project (``service-<PROJECT_NUMBER>@container-engine-robot.iam.gserviceaccount.com``) needs
    ``roles/cloudkms.cryptoKeyEncrypterDecrypter`` on it before the cluster is created or updated; with
    ``createKmsBinding`` the component grants it (a non-authoritative IAM member on the key, which the
    cluster waits for), which needs ``cloudkms.cryptoKeys.setIamPolicy`` on the key — often held only by
    whoever runs the key project, hence off by default.
    """

    kms_key_name: str
    """``projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>``, in the cluster's region."""
    create_kms_binding: bool = False

    @field_validator("kms_key_name")
    @classmethod
    def _key_name(cls, value: str) -> str:
        parts = kms_key_parts(value)
        problems: list[str] = []
        if parts is not None:
            project = parts["project"]
            if not (_PROJECT_RE.match(project) or _PROJECT_NUMBER_RE.match(project)):
                problems.append(f"'{project}' is not a project id or number")
            for what in ("ring", "key"):
                if not _KMS_ID_RE.match(parts[what]):
                    label = "key ring" if what == "ring" else "crypto key"
                    problems.append(
                        f"the {label} id '{parts[what]}' is not 1 to 63 letters, digits, '_' and '-'"
                    )
        if parts is None or problems:
            detail = f" ({'; '.join(problems)})" if problems else ""
            raise ValueError(
                f"'{value}' is not a Cloud KMS crypto key name{detail}; write it as "
                "projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>"
            )
        return value

    def location(self) -> str:
        parts = kms_key_parts(self.kms_key_name)
        assert parts is not None  # validated
        return parts["location"]


def kms_location_problem(key_location: str, region: str) -> str | None:
    """Why a key in ``key_location`` cannot encrypt a regional cluster's Secrets in ``region``, or ``None``.

    GKE: "A regional cluster should use a key ring from the same location"; "The Cloud KMS global region is
    not supported for use with GKE" (https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets,
    "Create a Cloud KMS key"). Every cluster here is regional, so only ``region`` itself is accepted.
    """
    if key_location == region:
        return None
    where = (
        "the key ring's location is 'global', which GKE does not support"
        if key_location == "global"
        else f"the key ring is in '{key_location}'"
    )
    return f"{where}; a regional cluster's key ring must be in its region ('{region}'); allowed: {region}"


class GkeClusterConfig(ClusterConfigBase):
    """``llmd-infra:cluster`` for ``provider: gke``."""

    provider: Literal["gke"]
    name: str
    project: str | None = None
    region: str
    zones: list[str] = Field(min_length=1)
    kubernetes_version: VersionText | None = None
    release_channel: ReleaseChannel = "REGULAR"
    deletion_protection: bool | None = None
    """GKE deletion protection; default: on when the stack protects its resources."""
    labels: dict[str, str] = {}
    network: NetworkConfig
    system_pool: SystemPoolConfig = SystemPoolConfig()
    accelerator_pools: list[AcceleratorPoolConfig] = []
    maintenance_exclusions: list[MaintenanceExclusionConfig] = Field(
        default_factory=list, max_length=MAX_MAINTENANCE_EXCLUSIONS
    )
    """Hold GKE upgrades; ``NO_MINOR_OR_NODE_UPGRADES`` keeps node upgrades from breaking a multi-host slice."""
    maintenance_start_time: str | None = None
    """Daily maintenance window start, ``HH:MM`` GMT (default ``09:00`` when exclusions are set)."""
    binary_authorization: BinaryAuthorizationConfig = BinaryAuthorizationConfig()
    """Binary Authorization (default: enforce the project's policy, which allows every image unless changed)."""
    secrets_encryption: SecretsEncryptionConfig | None = None
    """Encrypt Secrets with a Cloud KMS key (default: GKE's Google-managed encryption only)."""

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

    @field_validator("project")
    @classmethod
    def _project(cls, value: str | None) -> str | None:
        return None if value is None else _project_id(value)

    @field_validator("labels")
    @classmethod
    def _gcp_labels(cls, labels: dict[str, str]) -> dict[str, str]:
        _raise_found("labels", gcp_label_problems(labels))
        return labels

    @field_validator("maintenance_exclusions")
    @classmethod
    def _unique_exclusions(cls, exclusions: list[MaintenanceExclusionConfig]) -> list[MaintenanceExclusionConfig]:
        names: dict[str, int] = {}
        found: Found = []
        for i, exclusion in enumerate(exclusions):
            first = names.setdefault(exclusion.name, i)
            if first != i:
                found.append(
                    ([i, "name"], f"'{exclusion.name}' is already the name of maintenanceExclusions[{first}]",
                     exclusion.name)
                )
        _raise_found("maintenanceExclusions", found)
        return exclusions

    @field_validator("maintenance_start_time")
    @classmethod
    def _hhmm(cls, value: str | None) -> str | None:
        if value is not None and not _HHMM_RE.match(value):
            raise ValueError(f"'{value}' is not a time of day HH:MM (00:00 to 23:59, GMT)")
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
        problem = gke_version_problem(value)
        if problem:
            raise ValueError(problem)
        minimum = KUBERNETES_VERSION.min_version()
        if version < minimum:
            raise ValueError(
                f"Kubernetes {value} is older than llm-d's minimum {minimum.minor_str()} "
                f"(requirement {KUBERNETES_VERSION.id})"
            )
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _every_problem(cls, data: Any, handler: ModelWrapValidatorHandler[GkeClusterConfig],
                       info: ValidationInfo) -> GkeClusterConfig:
        """Run the checks that need only the raw input even when another field already failed, so one
        pass reports every problem of the file."""
        try:
            return handler(data)
        except ValidationError as exc:
            errors = _as_init_errors(exc)
            for extra in _raw_problems(data, info):
                if not any(_same_problem(extra, e) for e in errors):
                    errors.append(extra)
            raise ValidationError.from_exception_data(exc.title, errors) from None

    @model_validator(mode="after")
    def _cross(self, info: ValidationInfo) -> GkeClusterConfig:
        problems = Problems("GkeClusterConfig")
        found = [
            *_zone_problems(self.region, ["zones"], self.zones),
            *_zone_problems(self.region, ["systemPool", "zones"], self.system_pool.zones or []),
            *_project_problems(self.project, info),
        ]
        for where, message, value in found:
            problems.add(where, message, value)
        if self.secrets_encryption is not None:
            kms_problem = kms_location_problem(self.secrets_encryption.location(), self.region)
            if kms_problem:
                problems.add(["secretsEncryption", "kmsKeyName"], kms_problem, self.secrets_encryption.kms_key_name)
        seen: dict[str, int] = {}
        multi_network: list[tuple[int, AcceleratorPoolConfig]] = []
        for i, pool in enumerate(self.accelerator_pools):
            loc: list[str | int] = ["acceleratorPools", i]
            if pool.name in seen:
                problems.add(
                    [*loc, "name"], f"'{pool.name}' is already the name of acceleratorPools[{seen[pool.name]}]"
                )
            seen.setdefault(pool.name, i)
            for zloc, message, value in _zone_problems(self.region, [*loc, "zones"], pool.zones or []):
                problems.add(zloc, message, value)
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
            lo, hi = pool.node_range()
            if pool.autoscaling is None and lo % len(zones) != 0:
                problems.add(
                    [*loc, "nodeCount"],
                    f"{lo} nodes cannot be spread evenly over {len(zones)} zones ({', '.join(zones)})",
                    lo,
                )
            self._check_pool_size(problems, loc, pool.autoscaling is not None, hi, len(set(zones)))
            self._check_versions(problems, loc, pool)
            if pool.rdma == "multi-network":
                multi_network.append((i, pool))
        if multi_network:
            self._check_multi_network(problems, multi_network)
        if not multi_network:
            for field in ("gvnic_cidr", "rdma_cidr"):
                if field in self.network.model_fields_set:
                    problems.add(
                        ["network", to_camel(field)],
                        "has no effect: only the multi-network RDMA path (an accelerator pool with rdma: "
                        "multi-network) creates the gVNIC and RDMA networks; remove the key",
                    )
        sys_zones = self.system_pool.zones or self.zones
        lo, hi = self.system_pool.node_range(len(sys_zones))
        if self.system_pool.autoscaling is None and lo % len(sys_zones) != 0:
            problems.add(
                ["systemPool", "nodeCount"],
                f"{lo} nodes cannot be spread evenly over {len(sys_zones)} zones ({', '.join(sys_zones)})",
                lo,
            )
        self._check_pool_size(
            problems, ["systemPool"], self.system_pool.autoscaling is not None, hi, len(set(sys_zones))
        )
        self._check_address_ranges(problems)
        problems.raise_if_any()
        return self

    def _check_pool_size(
        self, problems: Problems, loc: list[str | int], autoscaled: bool, most: int, zones: int
    ) -> None:
        for where, message, value in _pool_size_problems(loc, autoscaled, most, zones):
            problems.add(where, message, value)

    def _check_multi_network(self, problems: Problems, pools: list[tuple[int, AcceleratorPoolConfig]]) -> None:
        first_i, first = pools[0]
        for i, pool in pools[1:]:
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

    def max_nodes(self) -> int:
        """Most nodes the cluster's pools can reach together."""
        total = self.system_pool.node_range(len(self.system_zones()))[1]
        return total + sum(pool.node_range()[1] for pool in self.accelerator_pools)

    def _check_address_ranges(self, problems: Problems) -> None:
        """Ranges derived from the pools: node and pod addresses, and the multi-network subnets."""
        net = self.network
        most = self.max_nodes()
        if net.existing is None:
            if most > net.node_capacity():
                problems.add(
                    ["network", "nodeCidr"],
                    f"'{net.node_cidr}' addresses {net.node_capacity()} nodes (less the {SUBNET_RESERVED_ADDRESSES} "
                    f"addresses every subnet reserves), but the pools reach {most}; use a larger range",
                    net.node_cidr,
                )
            if most > net.pod_node_capacity():
                problems.add(
                    ["network", "podsCidr"],
                    f"'{net.pods_cidr}' serves {net.pod_node_capacity()} nodes at one /{PODS_PER_NODE_PREFIX} per node "
                    f"(110 pods each), but the pools reach {most}; use a larger range",
                    net.pods_cidr,
                )
        nics = self.multi_network_nic_count()
        if nics:
            if nics > net.rdma_subnet_capacity():
                needed = 24 - math.ceil(math.log2(nics))
                problems.add(
                    ["network", "rdmaCidr"],
                    f"'{net.rdma_cidr}' holds {net.rdma_subnet_capacity()} /24 subnets, but the multi-network pools "
                    f"have {nics} RDMA NICs (one /24 each); allowed: /{needed} or larger",
                    net.rdma_cidr,
                )
            hosts = sum(p.node_range()[1] for p in self.accelerator_pools if p.rdma == "multi-network")
            for key, cidr in (("gvnicCidr", net.gvnic_cidr), ("rdmaCidr", None)):
                size = (
                    ipaddress.ip_network(cidr).num_addresses if cidr else 256
                ) - SUBNET_RESERVED_ADDRESSES
                if hosts > size:
                    what = f"'{cidr}'" if cidr else "each /24 RDMA subnet"
                    problems.add(
                        ["network", key],
                        f"{what} addresses {size} nodes, but the multi-network pools reach {hosts}",
                        cidr or net.rdma_cidr,
                    )

    def _check_versions(self, problems: Problems, loc: list[str | int], pool: AcceleratorPoolConfig) -> None:
        """Every GKE floor of the pool (its accelerator, RDMA on its machine type, managed DRANET). A
        minor-only version (``1.34``) means that minor's newest patch, so it meets a floor within it."""
        if self.kubernetes_version is None:
            return
        for what, floors in pool.version_floors():
            if not meets_version_floors(self.kubernetes_version, floors):
                problems.add(
                    ["kubernetesVersion"],
                    f"{what} (acceleratorPools[{loc[1]}]) needs GKE {floors_text(floors)}, "
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


PROJECT_MESSAGE = "required when gcp:project is not set (pulumi config set gcp:project <project-id>)"


def _zone_problems(region: str, loc: list[str | int], zones: Sequence[Any]) -> list[tuple[list[str | int], str, Any]]:
    """Zones of ``region``, each once."""
    out: list[tuple[list[str | int], str, Any]] = []
    seen: dict[str, int] = {}
    for i, zone in enumerate(zones):
        if not isinstance(zone, str):
            continue
        if not zone.startswith(f"{region}-") or len(zone) != len(region) + 2:
            out.append(([*loc, i], f"zone '{zone}' is not in region '{region}' (e.g. {region}-b)", zone))
        first = seen.setdefault(zone, i)
        if first != i:
            out.append(([*loc, i], f"zone '{zone}' is already {_loc_text(loc)}[{first}]; list each zone once", zone))
    return out


def _pool_size_problems(loc: list[str | int], autoscaled: bool, most: int, zones: int) -> Found:
    limit = MAX_NODES_PER_POOL_ZONE * zones
    if most <= limit:
        return []
    return [(
        [*loc, "autoscaling", "maxNodes"] if autoscaled else [*loc, "nodeCount"],
        f"{most} nodes exceed GKE's {MAX_NODES_PER_POOL_ZONE} nodes per node pool per zone ({zones} "
        f"zone{'s' if zones != 1 else ''}: at most {limit})",
        most,
    )]


def _raw_pool_size(loc: list[str | int], pool: Mapping[str, Any], default_zones: Any) -> Found:
    zones = pool.get("zones") if isinstance(pool.get("zones"), list) else default_zones
    if not isinstance(zones, list) or not zones:
        return []
    count = _field(pool, "node_count")
    scaling = pool.get("autoscaling")
    most = _field(scaling, "max_nodes") if isinstance(scaling, Mapping) else None
    if isinstance(most, int) and not isinstance(most, bool):
        return _pool_size_problems(loc, True, most, len(set(map(str, zones))))
    if isinstance(count, int) and not isinstance(count, bool):
        return _pool_size_problems(loc, False, count, len(set(map(str, zones))))
    return []


def _loc_text(loc: Sequence[str | int]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(loc))


def _project_problems(project: str | None, info: ValidationInfo | None) -> list[tuple[list[str | int], str, Any]]:
    """The cluster needs a project: ``project``, or the stack's ``gcp:project`` (checked when the stack
    settings pass the config map as validation context; a component built from code checks it later)."""
    context = info.context if info is not None else None
    config = context.get("config") if isinstance(context, Mapping) else None
    if project is not None or not isinstance(config, Mapping):
        return []
    fallback = config.get("gcp:project")
    if not fallback:
        return [(["project"], PROJECT_MESSAGE, None)]
    if not isinstance(fallback, str) or not _PROJECT_RE.match(fallback):
        return [(
            ["project"],
            f"gcp:project '{fallback}' is not a Google Cloud project id (6 to 30 lowercase letters, digits and '-', "
            "starting with a letter and not ending with '-')",
            fallback,
        )]
    return []


def _field(data: Mapping[str, Any], name: str) -> Any:
    """A raw input value by its config key or its Python name."""
    alias = "".join(part if i == 0 else part.title() for i, part in enumerate(name.split("_")))
    return data.get(alias, data.get(name))


def _raw_problems(data: Any, info: ValidationInfo) -> list[InitErrorDetails]:
    """Zone, pool size and project problems read from the raw input (for a file whose other fields already
    failed, so that they come out in the same pass)."""
    if not isinstance(data, Mapping):
        return []
    found: Found = []
    region = data.get("region")
    if isinstance(region, str) and _REGION_RE.match(region):
        zones = data.get("zones")
        if isinstance(zones, list):
            found += _zone_problems(region, ["zones"], zones)
        system = _field(data, "system_pool")
        if isinstance(system, Mapping) and isinstance(system.get("zones"), list):
            found += _zone_problems(region, ["systemPool", "zones"], system["zones"])
        pools = _field(data, "accelerator_pools")
        for i, pool in enumerate(pools if isinstance(pools, list) else []):
            if isinstance(pool, Mapping) and isinstance(pool.get("zones"), list):
                found += _zone_problems(region, ["acceleratorPools", i, "zones"], pool["zones"])
    pools = _field(data, "accelerator_pools")
    for i, pool in enumerate(pools if isinstance(pools, list) else []):
        if isinstance(pool, Mapping):
            found += _raw_pool_size(["acceleratorPools", i], pool, data.get("zones"))
    project = data.get("project")
    if project is None or isinstance(project, str):
        found += _project_problems(project, info)
    problems = Problems("GkeClusterConfig")
    for loc, message, value in found:
        problems.add(loc, message, value)
    return problems.errors


def _same_problem(a: InitErrorDetails, b: InitErrorDetails) -> bool:
    def message(e: InitErrorDetails) -> str:
        kind = e["type"]
        return kind.message_template if isinstance(kind, PydanticCustomError) else str(kind)

    def rendered(e: InitErrorDetails) -> str:
        kind = e["type"]
        if isinstance(kind, PydanticCustomError):
            return str(kind.context.get("message", "") if kind.context else "") or message(e)
        return message(e)

    return tuple(a["loc"]) == tuple(b["loc"]) and rendered(a) == rendered(b)


ClusterConfig = GkeClusterConfig
"""The room's ``llmd-infra:cluster`` model as the core reads it (:mod:`llmd_infra.registry`)."""

ADDONS = AddonSupport(
    installs=frozenset({"lws", "gatewayApiCrds", "draDriver", "kueue"}),
    refuses={
        "gpuOperator": "GKE installs the NVIDIA driver and device plugin itself (the dranet path uses the DRA driver)",
        "networkOperator": "GKE provides the RDMA NICs itself (dranet or the multi-network path)",
        "amdGpuOperator": "GKE offers no AMD accelerators",
        "nfd": "no add-on on GKE needs Node Feature Discovery",
    },
)
"""``llmd-infra:addons`` sections the GKE provider installs, and the ones it refuses with the reason."""
