"""The ``OpenShiftCluster`` arguments: the contract every Pulumi language consumes.

Keys are the snake_case names of the ``llmd-infra:cluster`` config keys (see
:mod:`llmd_infra.providers.openshift.config` for the YAML shape and every rule); the component
validates them with the same pydantic models, so a component built from code fails exactly like a
stack file would. ``tests/test_openshift_config.py`` and ``tests/test_args_shape.py`` hold the two in step.

The same classes are the source of the ``llmd-infra`` package schema (``llmd-infra schema``): the
SDK's analyzer reads their annotations and docstrings at run time, so this module must not use
``from __future__ import annotations``, ``TypedDict`` is ``typing``'s (the analyzer reads optional
keys only from it), and every type name is unique across providers (the analyzer puts all types in
one ``index`` module) — hence the ``OpenShift`` prefix. The names without it (``AcceleratorPoolArgs``,
...) stay as aliases.

A choice between fixed strings is an ``Enum`` at run time (the schema gets an enum type, so other
languages offer the values) and, for type checkers, the plain string ``Literal`` a Python caller
writes or the enum member: see the ``*Value`` aliases below.
"""

from enum import Enum
from typing import TYPE_CHECKING, Literal, TypedDict

import pulumi
from typing_extensions import Required


class OpenShiftInfrastructure(str, Enum):
    """Where the OpenShift cluster runs."""

    AWS = "aws"
    """Self-managed (IPI) on AWS: GPU MachineSets are allowed."""
    ROSA = "rosa"
    """Red Hat OpenShift Service on AWS (GPU machine pools are ROSA's, made with ``rosa``)."""
    OTHER = "other"
    """Anywhere else (the default): no GPU MachineSets."""


class OpenShiftKubeconfigOrigin(str, Enum):
    """Where the kubeconfig comes from when the ``kubeconfig`` argument is not given."""

    CONFIG = "config"
    """The secret config value ``kubernetes:kubeconfig`` (the default)."""
    AMBIENT = "ambient"
    """The kubeconfig ``kubectl`` uses on the machine running Pulumi (``KUBECONFIG`` or ``~/.kube/config``)."""


class OpenShiftApproval(str, Enum):
    """``installPlanApproval`` of an OLM Subscription."""

    AUTOMATIC = "Automatic"
    """OLM installs and upgrades at once (the default)."""
    MANUAL = "Manual"
    """OLM installs or upgrades nothing until an InstallPlan is approved."""


class OpenShiftTaintEffect(str, Enum):
    """Kubernetes taint effect."""

    NO_SCHEDULE = "NoSchedule"
    """New pods without a toleration are not scheduled."""
    PREFER_NO_SCHEDULE = "PreferNoSchedule"
    """The scheduler avoids the node for pods without a toleration."""
    NO_EXECUTE = "NoExecute"
    """Pods without a toleration are evicted too."""


class OpenShiftLinkType(str, Enum):
    """Link type of the RDMA NICs the NVIDIA Network Operator serves."""

    INFINIBAND = "infiniband"
    """InfiniBand."""
    ETHER = "ether"
    """Ethernet (RoCE)."""


class OpenShiftNadCni(str, Enum):
    """CNI plugin of a secondary network."""

    MACVLAN = "macvlan"
    """macvlan on the host interface (RoCE; the default)."""
    IPOIB = "ipoib"
    """IP over InfiniBand."""
    HOST_DEVICE = "host-device"
    """The host interface moved into the pod."""


if TYPE_CHECKING:
    InfrastructureValue = Literal["aws", "rosa", "other"] | OpenShiftInfrastructure
    KubeconfigOriginValue = Literal["config", "ambient"] | OpenShiftKubeconfigOrigin
    ApprovalValue = Literal["Automatic", "Manual"] | OpenShiftApproval
    TaintEffectValue = Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | OpenShiftTaintEffect
    LinkTypeValue = Literal["infiniband", "ether"] | OpenShiftLinkType
    NadCniValue = Literal["macvlan", "ipoib", "host-device"] | OpenShiftNadCni
else:
    InfrastructureValue = OpenShiftInfrastructure
    KubeconfigOriginValue = OpenShiftKubeconfigOrigin
    ApprovalValue = OpenShiftApproval
    TaintEffectValue = OpenShiftTaintEffect
    LinkTypeValue = OpenShiftLinkType
    NadCniValue = OpenShiftNadCni


class OpenShiftAutoscaling(TypedDict):
    """MachineAutoscaler bounds (machines of the MachineSet)."""

    min_nodes: int
    """Fewest machines (0 allowed: AWS MachineSets scale from zero)."""
    max_nodes: int
    """Most machines (>= min_nodes)."""


class OpenShiftTaint(TypedDict, total=False):
    """A node taint."""

    key: Required[str]
    """Taint key (the pool always carries ``nvidia.com/gpu=present:NoSchedule`` as well)."""
    value: str
    """Taint value (default empty)."""
    effect: TaintEffectValue
    """Default ``NoSchedule``."""


class OpenShiftRootVolume(TypedDict, total=False):
    """The encrypted gp3 root volume."""

    size_gib: int
    """Size (default 200 + 100 per GPU)."""
    iops: int
    """Provisioned IOPS (gp3: 3000-80000; default AWS's baseline)."""
    throughput_mib: int
    """Throughput in MiB/s (gp3: 125-2000; default AWS's baseline)."""


class OpenShiftGpuPool(TypedDict, total=False):
    """A GPU MachineSet on AWS."""

    name: Required[str]
    """Pool name (in the MachineSet name ``<infrastructure_id>-<name>-<zone>`` and label ``llm-d.ai/pool``)."""
    instance_type: Required[str]
    """A GPU instance type of the catalog (``p5.48xlarge``, ``g6e.2xlarge``, ...)."""
    availability_zone: str
    """A zone of ``aws.subnets`` (default: its only zone)."""
    replicas: int
    """Machines of a fixed-size pool (default 1)."""
    autoscaling: OpenShiftAutoscaling
    """Instead of ``replicas``: a MachineAutoscaler (needs the cluster's ClusterAutoscaler)."""
    multi_host: bool
    """Labels nodes ``llm-d.ai/multi-host=true``; needs an EFA instance type with GPUDirect RDMA (p4d/p5/p6)."""
    efa: bool
    """``networkInterfaceType: EFA`` and the EFA device plugin (default: ``multi_host``)."""
    placement_group: bool
    """An EC2 ``cluster`` placement group for the pool's machines (default: ``multi_host``)."""
    spot: bool
    """Spot instances (``spotMarketOptions``)."""
    spot_max_price: str
    """Most USD per hour for a Spot instance (default: the On-Demand price)."""
    capacity_reservation_id: str
    """Launch into this Capacity Reservation (``cr-...``)."""
    root_volume: OpenShiftRootVolume
    """Root volume size and performance."""
    labels: dict[str, str]
    """Extra node labels."""
    taints: list[OpenShiftTaint]
    """Extra node taints."""


class OpenShiftAws(TypedDict, total=False):
    """Where GPU machines go, as plain values (known in preview)."""

    region: Required[str]
    """The cluster's region."""
    infrastructure_id: Required[str]
    """``oc get infrastructure cluster -o jsonpath='{.status.infrastructureName}'``."""
    ami_id: Required[str]
    """The RHCOS AMI the cluster's workers boot in this region."""
    subnets: Required[dict[str, str]]
    """Availability zone -> private subnet id."""
    security_group_ids: Required[list[str]]
    """The workers' security groups."""
    iam_instance_profile: str
    """Default ``<infrastructure_id>-worker-profile``."""
    kms_key_arn: str
    """Customer KMS key for the root volumes (default: the account's EBS key)."""
    tags: dict[str, str]
    """Extra EC2 tags of the machines and the placement groups."""


class OpenShiftKubeconfigSource(TypedDict, total=False):
    """Where the kubeconfig comes from when the ``kubeconfig`` argument is not given."""

    source: KubeconfigOriginValue
    """``config`` (default): the secret config value ``kubernetes:kubeconfig``; ``ambient``: what ``kubectl``
    uses on the machine running Pulumi."""
    context: str
    """A context of that kubeconfig."""


class OpenShiftOlm(TypedDict, total=False):
    """How OLM installs and upgrades the stack's operators."""

    approval: ApprovalValue
    """``installPlanApproval`` of every Subscription (default ``Automatic``)."""
    starting_csv: dict[str, str]
    """OLM package -> ``startingCSV`` (needs ``Manual``)."""
    channels: dict[str, str]
    """OLM package -> channel (defaults: the pins)."""
    install_cert_manager: bool
    """Subscribe to the cert-manager Operator the LWS operator needs (default true)."""


class OpenShiftRdmaPods(TypedDict, total=False):
    """Who may use the RDMA SecurityContextConstraints."""

    namespace: str
    """Namespace of llm-d's model servers (default ``llm-d``)."""
    service_accounts: list[str]
    """Their service accounts (default ``[default]``)."""


class OpenShiftLws(TypedDict, total=False):
    """LeaderWorkerSet through Red Hat's Leader Worker Set Operator (its channel decides the LWS version)."""

    enabled: bool
    """Install the operator (and the cert-manager Operator it needs); default true."""


class OpenShiftGatewayCrds(TypedDict, total=False):
    """Gateway API Inference Extension CRDs (and Gateway API's where OpenShift does not manage them)."""

    enabled: bool
    """Default true."""
    gateway_api_version: str
    """Gateway API release tag (OpenShift before 4.19 only)."""
    gaie_version: str
    """GAIE release tag (default: the pinned one)."""
    install_gateway_api: bool
    """Install the Gateway API CRDs (default: only before 4.19; the Ingress Operator owns them from 4.19)."""
    install_inference_extension: bool
    """Install the GAIE CRDs (default true)."""


class OpenShiftGpuOperator(TypedDict, total=False):
    """The certified NVIDIA GPU Operator (OLM) and its ClusterPolicy."""

    enabled: bool
    """Install it (default false; needs ``nfd``)."""
    olm_channel: str
    """OLM channel of ``gpu-operator-certified`` (default: the pinned one)."""
    driver_enabled: bool
    """Let the operator install the driver (default true on OpenShift, with the Driver Toolkit)."""
    driver_version: str
    """Driver the operator installs (default: the pinned one); R580+ needs ``allow_driver_r580``."""
    allow_driver_r580: bool
    """Accept a driver >= R580 (llm-d's CUDA 12.9 images do not run on it; default false)."""
    toolkit_enabled: bool
    """Let the operator install the container toolkit (default true on OpenShift)."""
    rdma_enabled: bool
    """GPUDirect RDMA through the operator's ``driver.rdma`` (default false)."""
    use_host_mofed: bool
    """MOFED/DOCA is preinstalled on the host rather than by the Network Operator (default false)."""
    cdi_enabled: bool
    """Container Device Interface (default true)."""


class OpenShiftNfd(TypedDict, total=False):
    """The Red Hat NFD operator (OLM) and a NodeFeatureDiscovery instance."""

    enabled: bool
    """Install it (default false; required by the GPU and Network Operators)."""


class OpenShiftNetworkAttachment(TypedDict, total=False):
    """One secondary network (Multus ``NetworkAttachmentDefinition``)."""

    name: Required[str]
    """NetworkAttachmentDefinition name."""
    namespace: str
    """Its namespace, the pods' (default ``default``; OpenShift's Multus isolates networks by namespace)."""
    master: Required[str]
    """Host interface (e.g. ``ib0`` for IPoIB, ``ens1f0np0`` for RoCE)."""
    cni: NadCniValue
    """CNI plugin (default ``macvlan``)."""
    ipam_range: Required[str]
    """Whereabouts CIDR for the pods' addresses on this network."""


class OpenShiftNetworkOperator(TypedDict, total=False):
    """The certified NVIDIA Network Operator (OLM), a NicClusterPolicy and NetworkAttachmentDefinitions."""

    enabled: bool
    """Install it (default false; needs ``nfd``)."""
    rdma_resource_name: str
    """Advertised as ``rdma/<name>`` (default ``ib``)."""
    rdma_hca_max: int
    """Pods that may share one HCA (default 8)."""
    link_types: list[LinkTypeValue]
    """Default ``[infiniband]``."""
    ofed_driver: bool
    """Install the DOCA/OFED driver container (default false)."""
    doca_driver_version: str
    """DOCA driver image tag (default: the pinned one)."""
    networks: list[OpenShiftNetworkAttachment]
    """NetworkAttachmentDefinitions (in the pods' namespace: OpenShift's Multus isolates them)."""


class OpenShiftKueue(TypedDict, total=False):
    """The Red Hat build of Kueue with topology-aware scheduling of the multi-host pools."""

    enabled: bool
    """Install it and the TAS objects (default: when a pool is multi-host)."""
    olm_channel: str
    """OLM channel of the ``kueue-operator`` package (default: the pinned one)."""
    local_queue_name: str
    """LocalQueue name LeaderWorkerSets name in ``kueue.x-k8s.io/queue-name`` (default ``default``)."""
    local_queue_namespaces: list[str]
    """Existing namespaces that get the LocalQueue and the ``kueue.openshift.io/managed=true`` label."""


class OpenShiftClusterArgs(TypedDict, total=False):
    """Arguments of :class:`~llmd_infra.providers.openshift.OpenShiftCluster`."""

    openshift_version: Required[str]
    """The cluster's OpenShift release (``4.20``); its Kubernetes must meet llm-d's minimum."""
    cluster_name: str
    """Names the child resources' cluster and the ``clusterName`` output (default: the resource name)."""
    infrastructure: InfrastructureValue
    """``aws``: self-managed (IPI) on AWS, GPU MachineSets allowed; ``rosa``; ``other`` (default)."""
    kubeconfig: pulumi.Input[str]
    """The kubeconfig itself (made secret); default: from ``kubeconfig_source``."""
    kubeconfig_source: OpenShiftKubeconfigSource
    """Where the kubeconfig comes from when ``kubeconfig`` is not given (the ``kubeconfig`` config key)."""
    aws: OpenShiftAws
    """AWS placement of GPU MachineSets (``infrastructure: aws``)."""
    accelerator_pools: list[OpenShiftGpuPool]
    """GPU MachineSets (``infrastructure: aws`` only)."""
    olm: OpenShiftOlm
    """OLM approval, starting CSVs and channels."""
    rdma_pods: OpenShiftRdmaPods
    """Who may use the RDMA SecurityContextConstraints."""
    lws: OpenShiftLws
    """``llmd-infra:addons.lws``: LWS through the Red Hat Leader Worker Set Operator."""
    gateway_crds: OpenShiftGatewayCrds
    """``llmd-infra:addons.gatewayApiCrds``: GAIE CRDs (and Gateway API's before OpenShift 4.19)."""
    gpu_operator: OpenShiftGpuOperator
    """``llmd-infra:addons.gpuOperator``: the certified GPU Operator through OLM."""
    network_operator: OpenShiftNetworkOperator
    """``llmd-infra:addons.networkOperator``: the certified Network Operator through OLM."""
    nfd: OpenShiftNfd
    """``llmd-infra:addons.nfd``: the Red Hat NFD operator through OLM."""
    kueue: OpenShiftKueue
    """``llmd-infra:addons.kueue``: the Red Hat build of Kueue through OLM and the TAS objects."""
    protect: bool
    """Pulumi ``protect`` on the MachineSets, placement groups and the LWS operator's CR (default: the
    ``opts.protect`` passed to the component, else true)."""


# The names before the schema needed unique ones (kept for existing programs).
AutoscalingArgs = OpenShiftAutoscaling
TaintArgs = OpenShiftTaint
RootVolumeArgs = OpenShiftRootVolume
AcceleratorPoolArgs = OpenShiftGpuPool
AwsArgs = OpenShiftAws
KubeconfigArgs = OpenShiftKubeconfigSource
OlmArgs = OpenShiftOlm
RdmaPodsArgs = OpenShiftRdmaPods
LwsArgs = OpenShiftLws
GatewayCrdsArgs = OpenShiftGatewayCrds
GpuOperatorArgs = OpenShiftGpuOperator
NfdArgs = OpenShiftNfd
NetworkOperatorArgs = OpenShiftNetworkOperator
KueueArgs = OpenShiftKueue

__all__ = [
    "AcceleratorPoolArgs",
    "AutoscalingArgs",
    "AwsArgs",
    "GatewayCrdsArgs",
    "GpuOperatorArgs",
    "KubeconfigArgs",
    "KueueArgs",
    "LwsArgs",
    "NetworkOperatorArgs",
    "NfdArgs",
    "OlmArgs",
    "OpenShiftApproval",
    "OpenShiftAutoscaling",
    "OpenShiftAws",
    "OpenShiftClusterArgs",
    "OpenShiftGatewayCrds",
    "OpenShiftGpuOperator",
    "OpenShiftGpuPool",
    "OpenShiftInfrastructure",
    "OpenShiftKubeconfigOrigin",
    "OpenShiftKubeconfigSource",
    "OpenShiftKueue",
    "OpenShiftLinkType",
    "OpenShiftLws",
    "OpenShiftNadCni",
    "OpenShiftNetworkAttachment",
    "OpenShiftNetworkOperator",
    "OpenShiftNfd",
    "OpenShiftOlm",
    "OpenShiftRdmaPods",
    "OpenShiftRootVolume",
    "OpenShiftTaint",
    "RdmaPodsArgs",
    "RootVolumeArgs",
    "TaintArgs",
]
