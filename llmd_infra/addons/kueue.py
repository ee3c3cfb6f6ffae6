"""Kueue with topology-aware scheduling (TAS): one LeaderWorkerSet group lands in one network domain.

llm-d's prerequisite "your cluster scheduler must support placing multiple pods within the same
networking domain" is met on the node side by compact placement, and on the pod side by a scheduler
that keeps one multi-host group together. Kueue's TAS does the latter: a LeaderWorkerSet labelled
``kueue.x-k8s.io/queue-name`` and annotated ``kueue.x-k8s.io/podset-required-topology: <level>`` is
admitted only when one domain of that level (a GKE block, a TPU slice, a host) has room for the whole
group (https://kueue.sigs.k8s.io/docs/tasks/run/leaderworkerset/).

The component installs Kueue and, for the multi-host pools its provider describes
(:class:`TopologyPool`, provider-neutral), one object of each kind Kueue's TAS needs: a ``Topology``
per distinct level list, a ``ResourceFlavor`` per pool (the pool's node labels and tolerations, bound
to its topology), one ``ClusterQueue`` holding every pool's accelerators as quota, and the
``LocalQueue`` llm-d's overlays name, in each namespace given.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, Literal, TypedDict

import pulumi
import yaml
from pydantic import Field, field_validator, model_validator
from typing_extensions import Required

from llmd_infra import pins
from llmd_infra.addons._common import (
    TYPE_PREFIX,
    caller_dependencies,
    custom_resource,
    helm_release,
    namespace,
    validate_args,
)
from llmd_infra.addons.dra import Toleration
from llmd_infra.addons.olm import Approval, olm_operator
from llmd_infra.addons.sdk import k8s
from llmd_infra.config.addons import KueueSettings, Platform, check_dns_label, check_dns_subdomain
from llmd_infra.config.base import LlmdModel
from llmd_infra.config.platform import platform_profile
from llmd_infra.contract import HOSTNAME_LABEL

KUEUE_API = "kueue.x-k8s.io/v1beta2"
"""The API version of the objects created here (served from Kueue 0.15 on, storage version in 0.19)."""
RELEASE_NAME = "kueue"
CLUSTER_QUEUE_NAME = "llm-d"
"""The one ClusterQueue every LocalQueue of the add-on points to."""

FRAMEWORKS = (
    # The integrations of the chart's default configuration (charts/kueue/values.yaml @v0.19.2),
    # LeaderWorkerSet among them; none acts on a workload without a kueue.x-k8s.io/queue-name label.
    "batch/job",
    "kubeflow.org/mpijob",
    "ray.io/rayjob",
    "ray.io/rayservice",
    "ray.io/raycluster",
    "jobset.x-k8s.io/jobset",
    "workload.codeflare.dev/appwrapper",
    "trainer.kubeflow.org/trainjob",
    "pod",
    "deployment",
    "statefulset",
    "leaderworkerset.x-k8s.io/leaderworkerset",
)

OLM_KUEUE_API = "kueue.openshift.io/v1"
OLM_FRAMEWORKS = ("BatchJob", "LeaderWorkerSet")
"""Red Hat build of Kueue integrations: its documented LeaderWorkerSet setup
(https://docs.redhat.com/en/documentation/openshift_container_platform/4.20/html/ai_workloads/integrating-lws)."""
OLM_MANAGED_LABEL = "kueue.openshift.io/managed"
"""The Red Hat build manages workloads only in namespaces with this label set to ``"true"``
(openshift/kueue-operator pkg/configmap/configmap.go, managedJobsNamespaceSelector)."""

_LABEL_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$"
)
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")
_RESOURCE_NAME = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
)
_MAX_LEVELS = 16
_MAX_NODE_LABELS = 8
_MAX_TOLERATIONS = 8
"""Limits of the kueue.x-k8s.io/v1beta2 Topology and ResourceFlavor schemas (config/components/crd/bases)."""


class TopologyPool(TypedDict, total=False):
    """A multi-host pool as Kueue's TAS sees it: the provider-neutral description a room hands over."""

    name: Required[str]
    """Pool name (the ResourceFlavor is named after it)."""
    node_labels: Required[dict[str, str]]
    """Labels every node of the pool carries and no other node does (the flavor's ``nodeLabels``)."""
    tolerations: list[Toleration]
    """Tolerations of the pool's taints, added to the pods Kueue admits on this flavor."""
    resource: Required[str]
    """Accelerator resource the pool's nodes advertise (``nvidia.com/gpu``, ``google.com/tpu``...)."""
    quota: Required[int]
    """Accelerators of the whole pool: its most nodes times accelerators per node."""
    topology: Required[str]
    """Name of the ``Topology`` describing the pool's network (pools may share one)."""
    levels: Required[list[str]]
    """Node labels of the topology, broadest domain first, ``kubernetes.io/hostname`` last if present."""
    extra_quota: dict[str, str]
    """Other resources the pool's workloads request, with the pool's total of each (``cpu``, ``memory``,
    an RDMA device...). Needed only where Kueue checks every requested resource against the
    ClusterQueue (the Red Hat build: Kueue 0.16, before ``quotaCheckStrategy``); elsewhere the add-on
    makes Kueue ignore resources the ClusterQueue does not cover."""
    device_classes: dict[str, str]
    """DRA DeviceClasses the pool's pods claim -> the resource Kueue counts each device as
    (``resources.deviceClassMappings``): a pool whose accelerators come through DRA maps its GPU class
    to ``resource``; every class a workload claims must be mapped, or Kueue refuses the workload
    (``DeviceClass ... is not mapped``, pkg/dra/claims.go @v0.19.2)."""


class KueueArgs(TypedDict, total=False):
    """Arguments of :class:`Kueue`."""

    version: str
    """Kueue Helm chart version (``oci://registry.k8s.io/kueue/charts/kueue``), at least 0.18.0;
    default ``llmd_infra.pins.KUEUE``."""
    olm_channel: str
    """OLM channel of the Red Hat build of Kueue (platforms whose operators come from OLM)."""
    olm_approval: str
    """OLM: ``installPlanApproval`` of the Subscription (``Automatic`` or ``Manual``)."""
    olm_starting_csv: str
    """OLM: ``startingCSV`` of the Subscription; needs ``olm_approval`` ``Manual``."""
    local_queue_name: str
    """LocalQueue name workloads put in ``kueue.x-k8s.io/queue-name`` (default ``default``, as llm-d's
    topology-aware overlays)."""
    local_queue_namespaces: list[str]
    """Existing namespaces that get the LocalQueue (default ``["default"]``)."""
    platform: str
    """Where Kueue runs: a platform whose operators come from OLM gets the Red Hat build."""
    pools: list[TopologyPool]
    """The multi-host pools to schedule topology-aware (none: Kueue alone)."""
    protect: bool
    """Pulumi ``protect`` on the Helm release / the Red Hat build's ``Kueue`` CR (default true): the chart
    renders Kueue's CRDs as templates, so deleting the release deletes every queue and workload object."""


class _TolerationInput(LlmdModel):
    key: str = ""
    operator: Literal["Equal", "Exists"] = "Equal"
    value: str = ""
    effect: Literal["", "NoSchedule", "PreferNoSchedule", "NoExecute"] = ""

    @model_validator(mode="after")
    def _consistent(self) -> _TolerationInput:
        if self.operator == "Exists" and self.value:
            raise ValueError("a toleration with operator Exists has no value")
        if not self.key and self.operator != "Exists":
            raise ValueError("a toleration without a key must use operator Exists")
        return self

    def spec(self) -> dict[str, str]:
        """The toleration as the API takes it (empty fields left out)."""
        out = {"key": self.key, "operator": self.operator, "value": self.value, "effect": self.effect}
        return {k: v for k, v in out.items() if v}


def _label_key(value: str) -> str:
    if len(value) > 316 or not _LABEL_KEY.match(value):
        raise ValueError(f"'{value}' is not a node label key ([prefix/]name)")
    return value


class _PoolInput(LlmdModel):
    name: str
    node_labels: dict[str, str] = Field(min_length=1, max_length=_MAX_NODE_LABELS)
    tolerations: list[_TolerationInput] = Field(default_factory=list, max_length=_MAX_TOLERATIONS)
    resource: str
    quota: int = Field(ge=1)
    topology: str
    levels: list[str] = Field(min_length=1, max_length=_MAX_LEVELS)
    extra_quota: dict[str, str] = Field(default_factory=dict)
    device_classes: dict[str, str] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_dns_label(value, "pool name")

    @field_validator("topology")
    @classmethod
    def _topology(cls, value: str) -> str:
        return check_dns_label(value, "Topology name")

    @field_validator("resource")
    @classmethod
    def _resource(cls, value: str) -> str:
        return _label_key(value)

    @field_validator("extra_quota")
    @classmethod
    def _extra_quota(cls, value: dict[str, str]) -> dict[str, str]:
        for name, quantity in value.items():
            if not _RESOURCE_NAME.match(name) or len(name) > 253:
                raise ValueError(f"'{name}' is not a resource name ([DNS subdomain/]DNS label)")
            if not _QUANTITY.match(str(quantity)):
                raise ValueError(f"'{quantity}' (resource {name}) is not a Kubernetes quantity")
        return value

    @field_validator("device_classes")
    @classmethod
    def _device_classes(cls, value: dict[str, str]) -> dict[str, str]:
        for device_class, counted_as in value.items():
            check_dns_subdomain(device_class, "DeviceClass name")
            if not _RESOURCE_NAME.match(counted_as) or len(counted_as) > 253:
                raise ValueError(
                    f"'{counted_as}' (DeviceClass {device_class}) is not a resource name ([DNS subdomain/]DNS label)"
                )
        return value

    @field_validator("node_labels")
    @classmethod
    def _labels(cls, value: dict[str, str]) -> dict[str, str]:
        for key, label in value.items():
            _label_key(key)
            if len(label) > 63 or not _LABEL_VALUE.match(label):
                raise ValueError(f"'{label}' (label {key}) is not a label value")
        return value

    @field_validator("levels")
    @classmethod
    def _levels(cls, value: list[str]) -> list[str]:
        for level in value:
            _label_key(level)
        if len(set(value)) != len(value):
            raise ValueError(f"levels repeat a label: {', '.join(value)}")
        if HOSTNAME_LABEL in value[:-1]:
            raise ValueError(f"{HOSTNAME_LABEL} can only be the lowest (last) level")
        return value


class _KueueInput(KueueSettings):
    platform: Platform = "generic"
    olm_approval: Approval = "Automatic"
    olm_starting_csv: str | None = None
    pools: list[_PoolInput] = Field(default_factory=list)
    protect: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> _KueueInput:
        if self.olm_starting_csv and self.olm_approval != "Manual":
            raise ValueError("olm_starting_csv needs olm_approval 'Manual' (OLM upgrades an Automatic subscription)")
        seen: set[str] = set()
        levels: dict[str, list[str]] = {}
        counted: dict[str, str] = {}
        for pool in self.pools:
            for device_class, counted_as in pool.device_classes.items():
                if counted.setdefault(device_class, counted_as) != counted_as:
                    raise ValueError(
                        f"DeviceClass '{device_class}' is counted as both {counted[device_class]} and {counted_as}"
                    )
            if pool.name in seen:
                raise ValueError(f"pool '{pool.name}' is described twice")
            seen.add(pool.name)
            known = levels.setdefault(pool.topology, pool.levels)
            if known != pool.levels:
                raise ValueError(
                    f"Topology '{pool.topology}' is given two level lists: {', '.join(known)} and "
                    f"{', '.join(pool.levels)}"
                )
        return self


def digest(spec: Mapping[str, Any]) -> str:
    """Six hex digits of a spec: part of the name of objects whose spec the API makes immutable.

    Kueue forbids changing a Topology's levels and, once bound to a topology, a flavor's node labels
    and tolerations; it also keeps a flavor while a ClusterQueue names it. A changed spec therefore
    gets a new object under a new name, the ClusterQueue moves to it, and Pulumi deletes the old one
    last (its default create-before-delete), instead of an update the API rejects.
    """
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:6]


def device_class_mappings(pools: list[_PoolInput]) -> list[dict[str, Any]]:
    """``resources.deviceClassMappings``: each counted resource with the DeviceClasses it stands for."""
    by_resource: dict[str, list[str]] = {}
    for pool in pools:
        for device_class, counted_as in pool.device_classes.items():
            classes = by_resource.setdefault(counted_as, [])
            if device_class not in classes:
                classes.append(device_class)
    return [{"name": name, "deviceClassNames": classes} for name, classes in by_resource.items()]


def manager_config(pools: list[_PoolInput] | None = None) -> str:
    """``managerConfig.controllerManagerConfigYaml``: the chart's default configuration, plus the quota
    check that counts only the resources the ClusterQueue covers (the accelerators), and the DRA
    DeviceClasses the pools' workloads claim.

    The chart replaces its whole default with this value, so every setting of it is repeated here
    (charts/kueue/values.yaml @v0.19.2); the Kueue manager decodes it strictly.
    """
    config = {
        "apiVersion": "config.kueue.x-k8s.io/v1beta2",
        "kind": "Configuration",
        "health": {"healthProbeBindAddress": ":8081"},
        "metrics": {"bindAddress": ":8443"},
        "webhook": {"port": 9443},
        "leaderElection": {"leaderElect": True, "resourceName": "c1f6bfd2.kueue.x-k8s.io"},
        "controller": {
            "groupKindConcurrency": {
                "Job.batch": 5,
                "Pod": 5,
                "Workload.kueue.x-k8s.io": 10,
                "LocalQueue.kueue.x-k8s.io": 5,
                "ClusterQueue.kueue.x-k8s.io": 5,
                "ResourceFlavor.kueue.x-k8s.io": 1,
            }
        },
        "clientConnection": {"qps": 300, "burst": 500},
        "integrations": {"frameworks": list(FRAMEWORKS)},
        "resources": {"quotaCheckStrategy": "IgnoreUndeclared"},
    }
    mappings = device_class_mappings(pools or [])
    if mappings:
        config["resources"] = {"quotaCheckStrategy": "IgnoreUndeclared", "deviceClassMappings": mappings}
    return yaml.safe_dump(config, sort_keys=False)


def helm_values(pools: list[_PoolInput] | None = None) -> dict[str, Any]:
    """Chart values. No feature gate is set: TopologyAwareScheduling (beta from 0.14), QuotaCheckStrategy
    (beta from 0.19) and KueueDRAIntegration (beta from 0.18) are on by default in every version this
    add-on accepts (pkg/features/kube_features.go @v0.19.2)."""
    return {"managerConfig": {"controllerManagerConfigYaml": manager_config(pools)}}


def topology_specs(pools: list[_PoolInput]) -> dict[str, dict[str, Any]]:
    """Topology name -> spec, in the order the pools name them."""
    return {p.topology: {"levels": [{"nodeLabel": level} for level in p.levels]} for p in pools}


def flavor_spec(pool: _PoolInput, topology_name: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"nodeLabels": dict(pool.node_labels), "topologyName": topology_name}
    if pool.tolerations:
        spec["tolerations"] = [t.spec() for t in pool.tolerations]
    return spec


def cluster_queue_spec(pools: list[_PoolInput], flavors: Mapping[str, str]) -> dict[str, Any]:
    """The ClusterQueue: every namespace admitted, each pool's flavor holding the pool's accelerators.

    Pools without ``extra_quota`` get one resource group per accelerator resource. With extra resources,
    Kueue lets a resource sit in one group only, so every pool joins one group covering all of them,
    each flavor quoting 0 of what its pool lacks.
    """
    if not any(pool.extra_quota for pool in pools):
        groups: dict[str, list[dict[str, Any]]] = {}
        for pool in pools:
            groups.setdefault(pool.resource, []).append(
                {"name": flavors[pool.name], "resources": [{"name": pool.resource, "nominalQuota": pool.quota}]}
            )
        resource_groups = [{"coveredResources": [res], "flavors": fl} for res, fl in groups.items()]
    else:
        covered = list(dict.fromkeys(r for pool in pools for r in (pool.resource, *pool.extra_quota)))

        def quota(pool: _PoolInput, resource: str) -> int | str:
            if resource == pool.resource:
                return pool.quota
            return pool.extra_quota.get(resource, 0)

        resource_groups = [
            {
                "coveredResources": covered,
                "flavors": [
                    {
                        "name": flavors[pool.name],
                        "resources": [{"name": r, "nominalQuota": quota(pool, r)} for r in covered],
                    }
                    for pool in pools
                ],
            }
        ]
    return {"namespaceSelector": {}, "resourceGroups": resource_groups}


class Kueue(pulumi.ComponentResource):
    """Kueue (Helm, or the Red Hat build through OLM) and the TAS objects of the multi-host pools.

    Helm path: ``Namespace kueue-system`` and ``helm.v3.Release kueue`` (atomic, so ``pulumi up`` waits
    until the controller Deployment is available; Kueue reports ready only once its webhook server has
    certificates and listens, cmd/kueue/main.go ``setupProbeEndpoints`` @v0.19.2). OLM path (the
    platform profile's ``operators_via_olm``): Namespace, an AllNamespaces OperatorGroup and the
    ``kueue-operator`` Subscription in ``openshift-kueue-operator``, the ``Kueue`` CR ``cluster`` with the
    LeaderWorkerSet integration, and the ``kueue.openshift.io/managed=true`` label on each LocalQueue
    namespace.

    Then, each its own resource after the install: ``Topology`` per level list, ``ResourceFlavor`` per
    pool, the ``ClusterQueue llm-d`` and a ``LocalQueue`` per namespace. Every child repeats the
    caller's ``depends_on`` (the cluster API and the system pool), and nothing waits for a pool.
    """

    namespace: pulumi.Output[str]
    cluster_queue: pulumi.Output[str]
    local_queue: pulumi.Output[str]
    topologies: pulumi.Output[list[str]]
    flavors: pulumi.Output[list[str]]

    def __init__(self, name: str, args: KueueArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        cfg = validate_args(_KueueInput, dict(args), "Kueue", name)
        super().__init__(f"{TYPE_PREFIX}Kueue", name, cfg.model_dump(by_alias=True), opts)
        deps = caller_dependencies(opts)

        self.release: k8s.helm.v3.Release | None = None
        self.subscription: k8s.apiextensions.CustomResource | None = None
        self.instance: k8s.apiextensions.CustomResource | None = None
        self.namespace_labels: list[k8s.core.v1.NamespacePatch] = []
        installed: list[pulumi.Resource]
        if platform_profile(cfg.platform).operators_via_olm:
            ns_name = pins.KUEUE_OLM.namespace
            installed = self._olm(name, cfg, deps)
        else:
            ns_name = pins.KUEUE.namespace
            ns = namespace(f"{name}-namespace", ns_name, self, deps)
            self.release = helm_release(
                f"{name}-release",
                release_name=RELEASE_NAME,
                chart=pins.KUEUE.chart,
                version=cfg.version,
                namespace=ns_name,
                values=helm_values(cfg.pools),
                parent=self,
                depends_on=[*deps, ns],
                protect=cfg.protect,
            )
            installed = [self.release]

        after = [*deps, *installed]
        self.topology_objects: dict[str, k8s.apiextensions.CustomResource] = {}
        topology_names: dict[str, str] = {}
        for topo, spec in topology_specs(cfg.pools).items():
            topology_names[topo] = f"{topo}-{digest(spec)}"
            self.topology_objects[topo] = custom_resource(
                f"{name}-topology-{topo}",
                api_version=KUEUE_API,
                kind="Topology",
                name=topology_names[topo],
                spec=spec,
                parent=self,
                depends_on=after,
            )
        self.flavor_objects: dict[str, k8s.apiextensions.CustomResource] = {}
        flavor_names: dict[str, str] = {}
        for pool in cfg.pools:
            spec = flavor_spec(pool, topology_names[pool.topology])
            flavor_names[pool.name] = f"{pool.name}-{digest(spec)}"
            self.flavor_objects[pool.name] = custom_resource(
                f"{name}-flavor-{pool.name}",
                api_version=KUEUE_API,
                kind="ResourceFlavor",
                name=flavor_names[pool.name],
                spec=spec,
                parent=self,
                depends_on=[*after, self.topology_objects[pool.topology]],
            )
        self.cluster_queue_object: k8s.apiextensions.CustomResource | None = None
        self.local_queues: dict[str, k8s.apiextensions.CustomResource] = {}
        if cfg.pools:
            self.cluster_queue_object = custom_resource(
                f"{name}-cluster-queue",
                api_version=KUEUE_API,
                kind="ClusterQueue",
                name=CLUSTER_QUEUE_NAME,
                spec=cluster_queue_spec(cfg.pools, flavor_names),
                parent=self,
                depends_on=[*after, *self.flavor_objects.values()],
            )
            for queue_ns in cfg.local_queue_namespaces:
                self.local_queues[queue_ns] = custom_resource(
                    f"{name}-local-queue-{queue_ns}",
                    api_version=KUEUE_API,
                    kind="LocalQueue",
                    name=cfg.local_queue_name,
                    namespace=queue_ns,
                    spec={"clusterQueue": CLUSTER_QUEUE_NAME},
                    parent=self,
                    depends_on=[*after, self.cluster_queue_object],
                )

        self.namespace = pulumi.Output.from_input(ns_name)
        self.cluster_queue = pulumi.Output.from_input(CLUSTER_QUEUE_NAME if cfg.pools else "")
        self.local_queue = pulumi.Output.from_input(cfg.local_queue_name if cfg.pools else "")
        self.topologies = pulumi.Output.from_input(list(topology_names.values()))
        self.flavors = pulumi.Output.from_input(list(flavor_names.values()))
        self.register_outputs(
            {
                "namespace": self.namespace,
                "clusterQueue": self.cluster_queue,
                "localQueue": self.local_queue,
                "topologies": self.topologies,
                "flavors": self.flavors,
            }
        )

    def _olm(self, name: str, cfg: _KueueInput, deps: list[pulumi.Resource]) -> list[pulumi.Resource]:
        """The Red Hat build: operator (AllNamespaces, the only install mode its CSV supports), the
        ``Kueue`` CR, and the managed-namespace label. The kueue.x-k8s.io CRDs appear once the operator
        has deployed Kueue, so a first ``pulumi up`` may need a rerun for the objects after it. The
        Red Hat build needs the cert-manager Operator for Red Hat OpenShift (its install prerequisite)."""
        operator = olm_operator(
            name,
            parent=self,
            depends_on=deps,
            namespace_name=pins.KUEUE_OLM.namespace,
            operator_group_name=pins.KUEUE_OLM.namespace,
            package=pins.KUEUE_OLM.chart,
            channel=cfg.olm_channel,
            source=pins.KUEUE_OLM.repository,
            approval=cfg.olm_approval,
            starting_csv=cfg.olm_starting_csv,
            all_namespaces=True,
        )
        self.subscription = operator.subscription
        # Cluster-scoped (bundle/manifests/kueue.openshift.io_kueues.yaml) and named cluster. Protected:
        # deleting it makes the operator remove Kueue, and with it every queue and workload object.
        self.instance = k8s.apiextensions.CustomResource(
            f"{name}-instance",
            api_version=OLM_KUEUE_API,
            kind="Kueue",
            metadata=k8s.meta.v1.ObjectMetaArgs(name="cluster"),
            spec={
                "managementState": "Managed",
                "config": {"integrations": {"frameworks": list(OLM_FRAMEWORKS)}},
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*deps, self.subscription], protect=cfg.protect),
        )
        for ns_label in cfg.local_queue_namespaces if cfg.pools else []:
            self.namespace_labels.append(
                k8s.core.v1.NamespacePatch(
                    f"{name}-managed-{ns_label}",
                    metadata=k8s.meta.v1.ObjectMetaPatchArgs(
                        name=ns_label,
                        labels={OLM_MANAGED_LABEL: "true"},
                        annotations={"pulumi.com/patchForce": "true"},
                    ),
                    opts=pulumi.ResourceOptions(parent=self, depends_on=list(deps)),
                )
            )
        return [self.instance, *self.namespace_labels]


__all__ = ["Kueue", "KueueArgs", "TopologyPool"]
