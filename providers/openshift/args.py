"""The ``OpenShiftCluster`` arguments: the contract other Pulumi languages will consume.

Keys are the snake_case names of the ``llmd-infra:cluster`` config keys (see
:mod:`llmd_infra.providers.openshift.config` for the YAML shape and every rule); the component
validates them with the same pydantic models, so a component built from code fails exactly like a
stack file would. ``tests/test_openshift_config.py`` holds the two in step.
"""

from __future__ import annotations

from typing import Literal

import pulumi
from typing_extensions import Required, TypedDict

from llmd_infra.addons.gpu_operator import NvidiaGpuOperatorArgs
from llmd_infra.addons.network_operator import NetworkAttachmentArgs


class AutoscalingArgs(TypedDict):
    """MachineAutoscaler bounds (machines of the MachineSet)."""

    min_nodes: int
    """Fewest machines (0 allowed: AWS MachineSets scale from zero)."""
    max_nodes: int
    """Most machines (>= min_nodes)."""


class TaintArgs(TypedDict, total=False):
    """A node taint."""

    key: Required[str]
    """Taint key (the pool always carries ``nvidia.com/gpu=present:NoSchedule`` as well)."""
    value: str
    """Taint value (default empty)."""
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]
    """Default ``NoSchedule``."""


class RootVolumeArgs(TypedDict, total=False):
    """The encrypted gp3 root volume."""

    size_gib: int
    """Size (default 200 + 100 per GPU)."""
    iops: int
    """Provisioned IOPS (gp3: 3000-80000; default AWS's baseline)."""
    throughput_mib: int
    """Throughput in MiB/s (gp3: 125-2000; default AWS's baseline)."""


class AcceleratorPoolArgs(TypedDict, total=False):
    """A GPU MachineSet on AWS."""

    name: Required[str]
    """Pool name (in the MachineSet name ``<infrastructure_id>-<name>-<zone>`` and label ``llm-d.ai/pool``)."""
    instance_type: Required[str]
    """A GPU instance type of the catalog (``p5.48xlarge``, ``g6e.2xlarge``, ...)."""
    availability_zone: str
    """A zone of ``aws.subnets`` (default: its only zone)."""
    replicas: int
    """Machines of a fixed-size pool (default 1)."""
    autoscaling: AutoscalingArgs
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
    root_volume: RootVolumeArgs
    """Root volume size and performance."""
    labels: dict[str, str]
    """Extra node labels."""
    taints: list[TaintArgs]
    """Extra node taints."""


class AwsArgs(TypedDict, total=False):
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


class KubeconfigArgs(TypedDict, total=False):
    """Where the kubeconfig comes from when the ``kubeconfig`` argument is not given."""

    source: Literal["config", "ambient"]
    """``config`` (default): the secret config value ``kubernetes:kubeconfig``; ``ambient``: what ``kubectl``
    uses on the machine running Pulumi."""
    context: str
    """A context of that kubeconfig."""


class OlmArgs(TypedDict, total=False):
    """How OLM installs and upgrades the stack's operators."""

    approval: Literal["Automatic", "Manual"]
    """``installPlanApproval`` of every Subscription (default ``Automatic``)."""
    starting_csv: dict[str, str]
    """OLM package -> ``startingCSV`` (needs ``Manual``)."""
    channels: dict[str, str]
    """OLM package -> channel (defaults: the pins)."""
    install_cert_manager: bool
    """Subscribe to the cert-manager Operator the LWS operator needs (default true)."""


class RdmaPodsArgs(TypedDict, total=False):
    """Who may use the RDMA SecurityContextConstraints."""

    namespace: str
    """Namespace of llm-d's model servers (default ``llm-d``)."""
    service_accounts: list[str]
    """Their service accounts (default ``[default]``)."""


class LwsArgs(TypedDict, total=False):
    """LeaderWorkerSet through Red Hat's Leader Worker Set Operator."""

    enabled: bool
    """Install the operator (and the cert-manager Operator it needs); default true."""


class GatewayCrdsArgs(TypedDict, total=False):
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


class GpuOperatorArgs(NvidiaGpuOperatorArgs, total=False):
    """The certified NVIDIA GPU Operator (OLM) and its ClusterPolicy; ``platform`` is ``openshift``."""

    enabled: bool
    """Install it (default false)."""


class NfdArgs(TypedDict, total=False):
    """The Red Hat NFD operator (OLM) and a NodeFeatureDiscovery instance."""

    enabled: bool
    """Install it (default false; required by the GPU and Network Operators)."""


class NetworkOperatorArgs(TypedDict, total=False):
    """The certified NVIDIA Network Operator (OLM), a NicClusterPolicy and NetworkAttachmentDefinitions."""

    enabled: bool
    """Install it (default false)."""
    rdma_resource_name: str
    """Advertised as ``rdma/<name>`` (default ``ib``)."""
    rdma_hca_max: int
    """Pods that may share one HCA (default 8)."""
    link_types: list[Literal["infiniband", "ether"]]
    """Default ``[infiniband]``."""
    ofed_driver: bool
    """Install the DOCA/OFED driver container (default false)."""
    doca_driver_version: str
    """DOCA driver image tag (default: the pinned one)."""
    networks: list[NetworkAttachmentArgs]
    """NetworkAttachmentDefinitions (in the pods' namespace: OpenShift's Multus isolates them)."""


class OpenShiftClusterArgs(TypedDict, total=False):
    """Arguments of :class:`~llmd_infra.providers.openshift.OpenShiftCluster`."""

    openshift_version: Required[str]
    """The cluster's OpenShift release (``4.20``); its Kubernetes must meet llm-d's minimum."""
    cluster_name: str
    """Names the child resources' cluster and the ``clusterName`` output (default: the resource name)."""
    infrastructure: Literal["aws", "rosa", "other"]
    """``aws``: self-managed (IPI) on AWS, GPU MachineSets allowed; ``rosa``; ``other`` (default)."""
    kubeconfig: pulumi.Input[str]
    """The kubeconfig itself (made secret); default: from ``kubeconfig_source``."""
    kubeconfig_source: KubeconfigArgs
    """Where the kubeconfig comes from when ``kubeconfig`` is not given (the ``kubeconfig`` config key)."""
    aws: AwsArgs
    """AWS placement of GPU MachineSets (``infrastructure: aws``)."""
    accelerator_pools: list[AcceleratorPoolArgs]
    """GPU MachineSets (``infrastructure: aws`` only)."""
    olm: OlmArgs
    """OLM approval, starting CSVs and channels."""
    rdma_pods: RdmaPodsArgs
    """Who may use the RDMA SecurityContextConstraints."""
    lws: LwsArgs
    """``llmd-infra:addons.lws``: LWS through the Red Hat Leader Worker Set Operator."""
    gateway_crds: GatewayCrdsArgs
    """``llmd-infra:addons.gatewayApiCrds``: GAIE CRDs (and Gateway API's before OpenShift 4.19)."""
    gpu_operator: GpuOperatorArgs
    """``llmd-infra:addons.gpuOperator``: the certified GPU Operator through OLM."""
    network_operator: NetworkOperatorArgs
    """``llmd-infra:addons.networkOperator``: the certified Network Operator through OLM."""
    nfd: NfdArgs
    """``llmd-infra:addons.nfd``: the Red Hat NFD operator through OLM."""
    protect: bool
    """Pulumi ``protect`` on the MachineSets, placement groups and the LWS operator's CR (default: the
    ``opts.protect`` passed to the component, else true)."""


__all__ = [
    "AcceleratorPoolArgs",
    "AutoscalingArgs",
    "AwsArgs",
    "GatewayCrdsArgs",
    "GpuOperatorArgs",
    "KubeconfigArgs",
    "LwsArgs",
    "NetworkOperatorArgs",
    "NfdArgs",
    "OlmArgs",
    "OpenShiftClusterArgs",
    "RdmaPodsArgs",
    "RootVolumeArgs",
    "TaintArgs",
]
