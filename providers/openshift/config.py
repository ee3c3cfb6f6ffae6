"""OpenShift cluster configuration (``llmd-infra:cluster`` with ``provider: openshift``).

An OpenShift cluster is never created here: it exists (installed with ``openshift-install`` or as a
ROSA service), and the stack brings it to llm-d's prerequisites — operators through OLM, LWS through
Red Hat's Leader Worker Set Operator and, on self-managed OpenShift on AWS, GPU ``MachineSet`` s.

YAML shape (camelCase keys)::

    llmd-infra:cluster:
      provider: openshift
      name: ocp-llmd                    # names the stack's resources and the clusterName output (required)
      openshiftVersion: "4.20"          # the cluster's release (required); its Kubernetes must meet llm-d's minimum
      infrastructure: aws               # aws (self-managed IPI on AWS) | rosa | other (default)
      kubeconfig:
        source: config                  # config: the secret `kubernetes:kubeconfig`; ambient: what `kubectl` uses
        context: admin                  # optional context of that kubeconfig
      aws:                              # infrastructure: aws, for GPU MachineSets (every value plain, known in preview)
        region: us-east-2
        infrastructureId: ocp-llmd-x7k2p      # oc get infrastructure cluster -o jsonpath='{.status.infrastructureName}'
        amiId: ami-0123456789abcdef0          # the RHCOS AMI of the cluster's workers in this region
        subnets: {us-east-2a: subnet-0123456789abcdef0}   # private subnet per availability zone
        securityGroupIds: [sg-0123456789abcdef0]
        iamInstanceProfile: ocp-llmd-x7k2p-worker-profile   # default <infrastructureId>-worker-profile
        kmsKeyArn: arn:aws:kms:...            # optional customer key for the root volumes
        tags: {team: inference}
      acceleratorPools:                 # one MachineSet each (infrastructure: aws only)
        - name: p5                      # required
          instanceType: p5.48xlarge     # required; a GPU instance type of the catalog
          availabilityZone: us-east-2a  # default: the only zone of aws.subnets
          replicas: 2                   # or autoscaling: {minNodes, maxNodes} (a MachineAutoscaler)
          multiHost: true               # llm-d.ai/multi-host=true; needs EFA and a cluster placement group
          efa: true                     # networkInterfaceType EFA (default: multiHost)
          placementGroup: true          # an EC2 cluster placement group (default: multiHost)
          spot: false
          spotMaxPrice: "30.00"
          capacityReservationId: cr-0123456789abcdef0
          rootVolume: {sizeGib: 1000, iops: 6000, throughputMib: 500}   # gp3, always encrypted
          labels: {}
          taints: [{key: dedicated, value: llm-d, effect: NoSchedule}]
      olm:
        approval: Manual                # Automatic (default) | Manual: OLM installs or upgrades nothing unapproved
        startingCsv: {leader-worker-set: leader-worker-set.v1.0.0}
        channels: {nfd: stable}
        installCertManager: true        # false when the cluster already runs the cert-manager Operator
      rdmaPods: {namespace: llm-d, serviceAccounts: [default]}   # who may use the RDMA SecurityContextConstraints

Every rule runs in the model validators, so a bad stack fails in ``load_settings()`` before a single
resource is registered, with one problem per invalid value at its exact key path.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from llmd_infra.catalog.accelerators import accelerator_family
from llmd_infra.catalog.types import RdmaKind
from llmd_infra.config.addons import AddonSupport
from llmd_infra.config.base import Autoscaling, ClusterConfigBase, LlmdModel, Problems, one_of
from llmd_infra.providers.openshift.catalog import (
    AWS_INSTANCE_TYPES,
    OPENSHIFT_KUBERNETES,
    AwsInstanceType,
    aws_instance_type,
)
from llmd_infra.requirements import KUBERNETES_VERSION
from llmd_infra.versions import Version

Infrastructure = Literal["aws", "rosa", "other"]
TaintEffect = Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]
Approval = Literal["Automatic", "Manual"]

ROSA_MACHINE_POOLS = (
    "ROSA manages compute through machine pools, not MachineSets (\"Machine sets are not directly modifiable in "
    "ROSA\", https://docs.openshift.com/rosa/rosa_cluster_admin/rosa_nodes/rosa-nodes-machinepools-about.html); "
    "create the GPU capacity with `rosa create machinepool --cluster <cluster> --name <pool> --instance-type "
    "<type> --replicas <n> --labels ... --taints ...` (or the OCM API) and remove acceleratorPools"
)
"""Why a MachineSet on a ROSA cluster is refused."""

LABEL_VALUE_MAX = 63
"""Kubernetes label values: at most 63 characters. The MachineSet name is the value of the
``machine.openshift.io/cluster-api-machineset`` label of its Machines."""

ROOT_VOLUME_GIB_BASE = 200
ROOT_VOLUME_GIB_PER_GPU = 100
"""Default root volume: 200 GiB plus 100 GiB per GPU (images and model caches on the node), as the
GKE pools size their boot disks."""

GP3_IOPS = (3000, 80000)
GP3_THROUGHPUT_MIB = (125, 2000)
"""gp3 limits: AWS EBS volume types (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html);
the throughput range is also openshift/api machine/v1beta1 types_awsprovider.go ``throughputMib``."""

_NAME_RE = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_INFRA_ID_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_REGION_RE = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$")
_VERSION_RE = re.compile(r"^(\d+)\.(\d+)(\.\d+)?$")


def _aws_id(prefix: str) -> re.Pattern[str]:
    """EC2 resource ids: ``<prefix>-`` and 8 or 17 hex digits."""
    return re.compile(rf"^{prefix}-([0-9a-f]{{8}}|[0-9a-f]{{17}})$")


_AMI_RE, _SUBNET_RE, _SG_RE = _aws_id("ami"), _aws_id("subnet"), _aws_id("sg")
_CAPACITY_RESERVATION_RE = re.compile(r"^cr-[0-9a-f]{17}$")
_KMS_ARN_RE = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/.+$")




# --- OpenShift version ----------------------------------------------------------------------------


def openshift_kubernetes(version: str) -> Version | None:
    """The Kubernetes minor an OpenShift release ships, ``None`` when the catalog's table does not say.

    Releases newer than the table are not guessed (4.22 is disputed, 5.x unreleased); callers treat
    them as at least the newest mapped minor, since OpenShift never moves to an older Kubernetes.
    """
    match = _VERSION_RE.match(version.strip())
    if match is None or int(match.group(1)) != 4:
        return None
    minor = OPENSHIFT_KUBERNETES.get(int(match.group(2)))
    return Version(1, minor) if minor is not None else None


def oldest_openshift_meeting(kubernetes: Version) -> str:
    """The oldest mapped OpenShift release whose Kubernetes is at least ``kubernetes``."""
    minors = [o for o, k in sorted(OPENSHIFT_KUBERNETES.items()) if Version(1, k) >= kubernetes]
    return f"4.{minors[0]}" if minors else f"4.{max(OPENSHIFT_KUBERNETES) + 1}"


def check_openshift_version(value: str) -> str:
    """An OpenShift release (``4.20``, ``4.20.3``) whose Kubernetes meets the ``kubernetes-version`` requirement."""
    match = _VERSION_RE.match(value.strip())
    if match is None:
        raise ValueError(f"'{value}' is not an OpenShift release (e.g. 4.20 or 4.20.3)")
    major, minor = int(match.group(1)), int(match.group(2))
    minimum = KUBERNETES_VERSION.min_version()
    fix = f"use OpenShift {oldest_openshift_meeting(minimum)} or newer"
    oldest = min(OPENSHIFT_KUBERNETES)
    if major < 4 or (major == 4 and minor < oldest):
        raise ValueError(
            f"OpenShift {value} is older than 4.{oldest}, which ships Kubernetes 1.{OPENSHIFT_KUBERNETES[oldest]}: "
            f"older than llm-d's minimum {minimum.minor_str()} (requirement {KUBERNETES_VERSION.id}); {fix}"
        )
    kube = openshift_kubernetes(value)
    if kube is not None and kube < minimum:
        raise ValueError(
            f"OpenShift {value} ships Kubernetes {kube.minor_str()}, older than llm-d's minimum "
            f"{minimum.minor_str()} (requirement {KUBERNETES_VERSION.id}); {fix}"
        )
    return value.strip()


# --- pools ----------------------------------------------------------------------------------------


def gpu_instance_types() -> list[str]:
    """The GPU instance types of the catalog (what an accelerator pool may use)."""
    return sorted(n for n, row in AWS_INSTANCE_TYPES.items() if row.accelerator is not None)


def efa_instance_types() -> list[str]:
    """GPU instance types AWS documents with EFA support."""
    return sorted(n for n in gpu_instance_types() if AWS_INSTANCE_TYPES[n].efa_supported is True)


def gpudirect_instance_types() -> list[str]:
    """GPU instance types whose EFA is an RDMA-class GPU interconnect: EFA, and GPUs with a scale-up
    interconnect (NVLink), i.e. GPUDirect RDMA between hosts (p4d, p5, p6); what multi-host pools need."""
    return sorted(n for n in efa_instance_types() if has_gpudirect_efa(AWS_INSTANCE_TYPES[n]))


def has_gpudirect_efa(row: AwsInstanceType) -> bool:
    family = accelerator_family(row.accelerator) if row.accelerator else None
    return row.rdma == RdmaKind.EFA and family is not None and bool(family.interconnect)


class TaintConfig(LlmdModel):
    """A Kubernetes node taint."""

    key: str = Field(min_length=1)
    value: str = ""
    effect: TaintEffect = "NoSchedule"


class RootVolumeConfig(LlmdModel):
    """The encrypted gp3 root volume of every machine of the pool."""

    size_gib: int | None = Field(default=None, ge=120, le=16384, description="Default 200 + 100 per GPU.")
    iops: int | None = Field(default=None, ge=GP3_IOPS[0], le=GP3_IOPS[1])
    throughput_mib: int | None = Field(default=None, ge=GP3_THROUGHPUT_MIB[0], le=GP3_THROUGHPUT_MIB[1])


POOL_LABELS = ("llm-d.ai/pool", "llm-d.ai/multi-host", "llm-d.ai/efa", "cluster-api/accelerator")
"""Node labels a pool sets itself (``labels`` may not override them)."""


class AcceleratorPoolConfig(LlmdModel):
    """A GPU MachineSet on AWS."""

    name: str
    instance_type: str
    availability_zone: str | None = None
    replicas: int | None = Field(default=None, ge=0)
    autoscaling: Autoscaling | None = None
    multi_host: bool = False
    efa: bool | None = None
    placement_group: bool | None = None
    spot: bool = False
    spot_max_price: str | None = None
    capacity_reservation_id: str | None = None
    root_volume: RootVolumeConfig = RootVolumeConfig()
    labels: dict[str, str] = {}
    taints: list[TaintConfig] = []

    @field_validator("name")
    @classmethod
    def _pool_name(cls, value: str) -> str:
        if not _NAME_RE.match(value) or len(value) > 24:
            raise ValueError(
                f"'{value}' is not a pool name (lowercase letters, digits and '-', starting with a letter, "
                "at most 24 characters)"
            )
        return value

    @field_validator("instance_type")
    @classmethod
    def _known_instance(cls, value: str) -> str:
        return one_of(value.strip().lower(), gpu_instance_types(), "GPU instance type")

    @field_validator("spot_max_price")
    @classmethod
    def _price(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^\d+(\.\d+)?$", value):
            raise ValueError(f"'{value}' is not a price in USD per hour (e.g. \"30.00\")")
        return value

    @field_validator("capacity_reservation_id")
    @classmethod
    def _reservation(cls, value: str | None) -> str | None:
        if value is not None and not _CAPACITY_RESERVATION_RE.match(value):
            raise ValueError(f"'{value}' is not a Capacity Reservation id (cr- and 17 hex digits)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> AcceleratorPoolConfig:
        problems = Problems("AcceleratorPoolConfig")
        row = self.instance()
        if self.replicas is not None and self.autoscaling is not None:
            problems.add(["autoscaling"], "set replicas or autoscaling, not both")
        if self.efa and row.efa_supported is not True:
            known = "does not support EFA" if row.efa_supported is False else "has no documented EFA support"
            problems.add(
                ["efa"],
                f"{row.name} {known} (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa.html); EFA instance "
                f"types: {', '.join(efa_instance_types())}",
                self.efa,
            )
        if self.multi_host:
            if not has_gpudirect_efa(row):
                problems.add(
                    ["multiHost"],
                    f"multi-host inference needs an RDMA-class GPU interconnect; {row.name} ({row.accelerator}) has "
                    f"none (EFA with GPUDirect RDMA is on {', '.join(gpudirect_instance_types())})",
                    True,
                )
            elif self.efa is False:
                problems.add(["efa"], "multi-host pools use EFA between hosts; remove efa: false", False)
            if self.placement_group is False:
                problems.add(
                    ["placementGroup"],
                    "multi-host pools are placed in one EC2 cluster placement group (one network domain); "
                    "remove placementGroup: false",
                    False,
                )
        if self.spot_max_price is not None and not self.spot:
            problems.add(["spotMaxPrice"], "spotMaxPrice needs spot: true", self.spot_max_price)
        if self.spot and self.capacity_reservation_id is not None:
            problems.add(["capacityReservationId"], "a Capacity Reservation is not used by Spot instances; "
                         "set spot or capacityReservationId, not both")
        for key in self.labels:
            if key in POOL_LABELS or key.startswith(("machine.openshift.io/", "node-role.kubernetes.io/")):
                problems.add(["labels", key], f"'{key}' is set by the pool itself; remove it", self.labels[key])
        problems.raise_if_any()
        return self

    def instance(self) -> AwsInstanceType:
        row = aws_instance_type(self.instance_type)
        assert row is not None and row.accelerator is not None  # the field validator checked it
        return row

    def uses_efa(self) -> bool:
        return self.efa if self.efa is not None else self.multi_host

    def uses_placement_group(self) -> bool:
        return self.placement_group if self.placement_group is not None else self.multi_host

    def node_range(self) -> tuple[int, int]:
        if self.autoscaling is not None:
            return self.autoscaling.min_nodes, self.autoscaling.max_nodes
        count = 1 if self.replicas is None else self.replicas
        return count, count

    def root_volume_gib(self) -> int:
        if self.root_volume.size_gib is not None:
            return self.root_volume.size_gib
        return ROOT_VOLUME_GIB_BASE + ROOT_VOLUME_GIB_PER_GPU * self.instance().accelerator_count

    def accelerator_label(self) -> str:
        """The ``cluster-api/accelerator`` node label value: the cluster autoscaler counts a node's GPUs
        against ``ClusterAutoscaler.spec.resourceLimits.gpus[].type`` by this label (OpenShift docs,
        "Labeling GPU machine sets for the cluster autoscaler")."""
        return f"nvidia-{(self.instance().accelerator or '').lower()}"


# --- AWS ------------------------------------------------------------------------------------------


class AwsConfig(LlmdModel):
    """Where GPU machines of a self-managed (IPI) OpenShift cluster on AWS go: plain values, so every
    MachineSet is fully known in preview (no lookups)."""

    region: str
    infrastructure_id: str
    ami_id: str
    subnets: dict[str, str] = Field(min_length=1)
    security_group_ids: list[str] = Field(min_length=1)
    iam_instance_profile: str | None = None
    kms_key_arn: str | None = None
    tags: dict[str, str] = {}

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not _REGION_RE.match(value):
            raise ValueError(f"'{value}' is not an AWS region (e.g. us-east-2)")
        return value

    @field_validator("infrastructure_id")
    @classmethod
    def _infra_id(cls, value: str) -> str:
        if not _INFRA_ID_RE.match(value) or len(value) > 27:
            raise ValueError(
                f"'{value}' is not an infrastructure id (lowercase letters, digits and '-'; read it with "
                "oc get infrastructure cluster -o jsonpath='{.status.infrastructureName}')"
            )
        return value

    @field_validator("ami_id")
    @classmethod
    def _ami(cls, value: str) -> str:
        if not _AMI_RE.match(value):
            raise ValueError(f"'{value}' is not an AMI id (ami- and 8 or 17 hex digits)")
        return value

    @field_validator("security_group_ids")
    @classmethod
    def _groups(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not _SG_RE.match(v)]
        if bad:
            raise ValueError(f"not security group ids (sg- and 8 or 17 hex digits): {', '.join(bad)}")
        return value

    @field_validator("kms_key_arn")
    @classmethod
    def _kms(cls, value: str | None) -> str | None:
        if value is not None and not _KMS_ARN_RE.match(value):
            raise ValueError(f"'{value}' is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)")
        return value

    @model_validator(mode="after")
    def _zones(self) -> AwsConfig:
        problems = Problems("AwsConfig")
        for zone, subnet in self.subnets.items():
            if not (zone.startswith(self.region) and re.match(r"^[a-z]$", zone[len(self.region):] or "-")):
                problems.add(["subnets", zone], f"'{zone}' is not an availability zone of {self.region}", zone)
            if not _SUBNET_RE.match(subnet):
                problems.add(["subnets", zone], f"'{subnet}' is not a subnet id (subnet- and 8 or 17 hex digits)",
                             subnet)
        problems.raise_if_any()
        return self

    def instance_profile(self) -> str:
        """The workers' IAM instance profile (the installer names it ``<infrastructureId>-worker-profile``)."""
        return self.iam_instance_profile or f"{self.infrastructure_id}-worker-profile"


# --- access, OLM, RDMA pods -----------------------------------------------------------------------


class KubeconfigConfig(LlmdModel):
    """Where the kubeconfig of the existing cluster comes from (see README.md, "Credentials")."""

    source: Literal["config", "ambient"] = "config"
    """``config``: the secret config value ``kubernetes:kubeconfig``; ``ambient``: the kubeconfig ``kubectl``
    uses on the machine running Pulumi (``KUBECONFIG`` or ``~/.kube/config``, current context)."""
    context: str | None = Field(default=None, min_length=1)


OLM_PACKAGES = (
    "nfd",
    "gpu-operator-certified",
    "nvidia-network-operator",
    "openshift-cert-manager-operator",
    "leader-worker-set",
    "kueue-operator",
)
"""The OLM packages this provider may subscribe to."""


class OlmConfig(LlmdModel):
    """How OLM installs and upgrades the operators of the stack."""

    approval: Approval = "Automatic"
    starting_csv: dict[str, str] = {}
    channels: dict[str, str] = {}
    install_cert_manager: bool = True
    """Subscribe to the cert-manager Operator the LWS operator needs; false when the cluster already runs it
    (Red Hat supports one cert-manager Operator per cluster)."""

    @model_validator(mode="after")
    def _packages(self) -> OlmConfig:
        problems = Problems("OlmConfig")
        for key, mapping in (("startingCsv", self.starting_csv), ("channels", self.channels)):
            for package, value in mapping.items():
                if package not in OLM_PACKAGES:
                    problems.add([key, package], f"unknown OLM package '{package}'; allowed: {', '.join(OLM_PACKAGES)}")
                elif not value.strip():
                    problems.add([key, package], "must not be empty", value)
        if "gpu-operator-certified" in self.channels:
            problems.add(
                ["channels", "gpu-operator-certified"],
                "the GPU Operator's channel is llmd-infra:addons.gpuOperator.olmChannel; remove it here",
            )
        if "kueue-operator" in self.channels:
            problems.add(
                ["channels", "kueue-operator"],
                "the Red Hat build of Kueue's channel is llmd-infra:addons.kueue.olmChannel; remove it here",
            )
        if self.starting_csv and self.approval != "Manual":
            problems.add(
                ["startingCsv"],
                "startingCsv only pins the first install: with approval Automatic OLM upgrades past it at once; "
                "set olm.approval: Manual",
            )
        problems.raise_if_any()
        return self


class RdmaPodsConfig(LlmdModel):
    """The service accounts whose pods may use the RDMA SecurityContextConstraints (IPC_LOCK and the other
    capabilities llm-d's RDMA pods add); created when a pool uses EFA or the Network Operator is installed."""

    namespace: str = "llm-d"
    service_accounts: list[str] = Field(default_factory=lambda: ["default"], min_length=1)

    @field_validator("namespace")
    @classmethod
    def _namespace(cls, value: str) -> str:
        if not _NAME_RE.match(value) or len(value) > LABEL_VALUE_MAX:
            raise ValueError(f"'{value}' is not a namespace name")
        return value


# --- the cluster ----------------------------------------------------------------------------------


class OpenShiftClusterConfig(ClusterConfigBase):
    """An existing OpenShift cluster brought to llm-d's prerequisites."""

    provider: Literal["openshift"]
    name: str
    openshift_version: str
    infrastructure: Infrastructure = "other"
    kubeconfig: KubeconfigConfig = KubeconfigConfig()
    aws: AwsConfig | None = None
    accelerator_pools: list[AcceleratorPoolConfig] = []
    olm: OlmConfig = OlmConfig()
    rdma_pods: RdmaPodsConfig = RdmaPodsConfig()

    @field_validator("name")
    @classmethod
    def _cluster_name(cls, value: str) -> str:
        if not _NAME_RE.match(value) or len(value) > 40:
            raise ValueError(
                f"'{value}' is not a name (lowercase letters, digits and '-', starting with a letter, at most 40)"
            )
        return value

    @field_validator("openshift_version")
    @classmethod
    def _version(cls, value: str) -> str:
        return check_openshift_version(value)

    @model_validator(mode="after")
    def _cross(self) -> OpenShiftClusterConfig:
        problems = Problems("OpenShiftClusterConfig")
        if self.infrastructure == "rosa" and self.accelerator_pools:
            problems.add(["acceleratorPools"], ROSA_MACHINE_POOLS)
        elif self.infrastructure == "other" and self.accelerator_pools:
            problems.add(
                ["acceleratorPools"],
                "MachineSets here carry an AWS providerSpec; set infrastructure: aws (a self-managed cluster on "
                "AWS), or add GPU nodes the way your platform does and remove acceleratorPools",
            )
        if self.aws is not None and self.infrastructure != "aws":
            problems.add(["aws"], f"only used with infrastructure: aws (this cluster is '{self.infrastructure}')")
        if self.infrastructure == "aws" and self.accelerator_pools and self.aws is None:
            problems.add(["aws"], "required for acceleratorPools (region, infrastructureId, amiId, subnets, "
                         "securityGroupIds)")
        seen: set[str] = set()
        for i, pool in enumerate(self.accelerator_pools):
            if pool.name in seen:
                problems.add(["acceleratorPools", i, "name"], f"duplicate pool name '{pool.name}'", pool.name)
            seen.add(pool.name)
            if self.infrastructure == "aws" and self.aws is not None:
                self._check_zone(i, pool, self.aws, problems)
        problems.raise_if_any()
        return self

    def _check_zone(self, i: int, pool: AcceleratorPoolConfig, aws: AwsConfig, problems: Problems) -> None:
        zones = sorted(aws.subnets)
        if pool.availability_zone is None:
            if len(zones) > 1:
                problems.add(
                    ["acceleratorPools", i, "availabilityZone"],
                    f"required when aws.subnets has several zones; allowed: {', '.join(zones)}",
                )
                return
        elif pool.availability_zone not in aws.subnets:
            problems.add(
                ["acceleratorPools", i, "availabilityZone"],
                f"'{pool.availability_zone}' has no subnet in aws.subnets; allowed: {', '.join(zones)}",
                pool.availability_zone,
            )
            return
        name = self.machine_set_name(pool)
        if len(name) > LABEL_VALUE_MAX:
            problems.add(
                ["acceleratorPools", i, "name"],
                f"the MachineSet name '{name}' is {len(name)} characters; it is a label value (at most "
                f"{LABEL_VALUE_MAX}): shorten the pool name",
                pool.name,
            )

    # --- derived facts ---------------------------------------------------------------------------

    def kubernetes_version(self) -> str | None:
        """``1.<minor>`` of the declared release, ``None`` when the catalog's table does not map it."""
        kube = openshift_kubernetes(self.openshift_version)
        return kube.minor_str() if kube is not None else None

    def pool_zone(self, pool: AcceleratorPoolConfig) -> str:
        assert self.aws is not None
        return pool.availability_zone or sorted(self.aws.subnets)[0]

    def machine_set_name(self, pool: AcceleratorPoolConfig) -> str:
        """``<infrastructureId>-<pool>-<zone>``, the installer's naming for compute MachineSets."""
        assert self.aws is not None
        return f"{self.aws.infrastructure_id}-{pool.name}-{self.pool_zone(pool)}"

    def placement_group_name(self, pool: AcceleratorPoolConfig) -> str:
        assert self.aws is not None
        return f"{self.aws.infrastructure_id}-{pool.name}"

    def uses_efa(self) -> bool:
        return any(p.uses_efa() for p in self.accelerator_pools)


ClusterConfig = OpenShiftClusterConfig
"""The room's ``llmd-infra:cluster`` model (the name the provider-room contract asks for)."""

ADDONS = AddonSupport(
    installs=frozenset({"lws", "gatewayApiCrds", "gpuOperator", "networkOperator", "nfd", "kueue"}),
    refuses={
        "draDriver": "OpenShift's GPU path is the GPU Operator's device plugin (the DRA driver is GKE's DRANET path)",
        "amdGpuOperator": "the OpenShift provider wires NVIDIA GPUs only (its AWS instance catalog has no AMD GPUs)",
    },
)
"""``llmd-infra:addons`` sections the OpenShift provider installs (all through OLM but the GAIE CRDs), and the
ones it refuses with the reason."""
