"""OpenShift's way to the add-ons llm-d needs: LWS through Red Hat's operator, RDMA pod permissions, EFA.

The NFD, GPU and Network Operators are the shared add-ons in their OLM variant
(:mod:`llmd_infra.addons`, ``platform: openshift``); this module adds what only OpenShift (or only AWS)
needs:

* :class:`LeaderWorkerSetOperator` — LWS from Red Hat's Leader Worker Set Operator (OLM) and the
  cert-manager Operator for Red Hat OpenShift it requires, then the operator's ``LeaderWorkerSetOperator``
  ``cluster`` CR that makes it run the LWS controller (Red Hat OpenShift docs, AI workloads, "Leader
  Worker Set Operator"). Operator 1.0 runs upstream LWS 0.7.0 (``pins.LWS_OPERATOR_OLM``).
* :class:`RdmaSecurityContext` — the SecurityContextConstraints llm-d's RDMA pods need (they add
  capabilities ``restricted-v2`` forbids) and the binding that lets the model servers' service
  accounts use it.
* :class:`EfaDevicePlugin` — AWS's EFA device plugin (Helm), so pods can request ``vpc.amazonaws.com/efa``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from llmd_infra import pins
from llmd_infra.addons._common import caller_dependencies, helm_release, namespace
from llmd_infra.addons.olm import Approval, OlmOperator, olm_operator
from llmd_infra.providers.openshift.machinesets import EFA_LABEL, GPU_TAINT

TYPE_PREFIX = "llmd-infra:openshift:"

LWS_OPERATOR_CR = "cluster"
"""The one ``LeaderWorkerSetOperator`` the operator reconciles (openshift/lws-operator
``deploy/07_lws-operator.cr.yaml``)."""
CLUSTER_MONITORING_LABEL = {"openshift.io/cluster-monitoring": "true"}
"""Lets the platform Prometheus scrape an operator namespace (the LWS operator's CSV asks for it:
``operatorframework.io/cluster-monitoring: "true"``)."""

RDMA_SCC = "llm-d-rdma"
RDMA_CAPABILITIES = ("IPC_LOCK", "SYS_RAWIO", "NET_ADMIN", "NET_RAW")
"""The capabilities llm-d's OpenShift RDMA pods add (llm-d guides/pd-disaggregation/ms-pd/values_ocp_rdma.yaml
@f90b04f, with ``runAsUser: 0``); IPC_LOCK alone is what EFA's libfabric needs to pin memory."""
RDMA_VOLUMES = ("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected",
                "secret")
"""The volume types of OpenShift's ``restricted-v2`` SCC: the RDMA devices come from a device plugin, not hostPath."""

PRIVILEGED_SCC_ROLE = "system:openshift:scc:privileged"
"""OpenShift's ClusterRole granting ``use`` of the ``privileged`` SCC (what ``oc adm policy add-scc-to-user
privileged`` binds)."""


class OpenShiftObject(pulumi.CustomResource):
    """A Kubernetes object whose fields sit beside ``metadata`` rather than in a ``spec``.

    ``SecurityContextConstraints`` is such a kind, and ``pulumi_kubernetes`` has no typed class for it (its
    ``apiextensions.CustomResource`` only carries ``spec``); the Kubernetes provider takes any object under the
    token ``kubernetes:<apiVersion>:<kind>``, so the object is registered under that token directly.
    """

    def __init__(
        self,
        resource_name: str,
        *,
        api_version: str,
        kind: str,
        metadata: k8s.meta.v1.ObjectMetaArgs,
        fields: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"apiVersion": api_version, "kind": kind, "metadata": metadata, **fields}
        super().__init__(f"kubernetes:{api_version}:{kind}", resource_name, props, opts)


def rdma_scc_fields() -> dict[str, Any]:
    """SCC fields: ``restricted-v2`` plus the RDMA capabilities and any user id (llm-d runs them as root).
    ``priority`` is left out (null: the SCC is ordered by restrictiveness, after prioritised ones)."""
    return {
        "allowHostDirVolumePlugin": False,
        "allowHostIPC": False,
        "allowHostNetwork": False,
        "allowHostPID": False,
        "allowHostPorts": False,
        "allowPrivilegeEscalation": False,
        "allowPrivilegedContainer": False,
        "allowedCapabilities": list(RDMA_CAPABILITIES),
        "defaultAddCapabilities": [],
        "requiredDropCapabilities": ["MKNOD"],
        "fsGroup": {"type": "RunAsAny"},
        "runAsUser": {"type": "RunAsAny"},
        "seLinuxContext": {"type": "MustRunAs"},
        "supplementalGroups": {"type": "RunAsAny"},
        "seccompProfiles": ["runtime/default"],
        "readOnlyRootFilesystem": False,
        "users": [],
        "groups": [],
        "volumes": list(RDMA_VOLUMES),
    }


class LeaderWorkerSetOperator(pulumi.ComponentResource):
    """cert-manager Operator + Leader Worker Set Operator (OLM) + the ``LeaderWorkerSetOperator`` CR.

    The ``lws-installed``/``lws-version`` policies recognise the ``leader-worker-set`` Subscription as an
    LWS install and read its version from the channel (or ``startingCSV``). The CR is ``protect``-ed:
    deleting it stops the LWS controller every ``LeaderWorkerSet`` depends on. Its CRD exists only once
    OLM has installed the operator; the Kubernetes provider retries the create until then (a Manual
    subscription waits for its InstallPlan to be approved, see README.md).
    """

    def __init__(
        self,
        name: str,
        *,
        approval: Approval,
        starting_csvs: Mapping[str, str],
        channels: Mapping[str, str],
        install_cert_manager: bool,
        protect: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        lws = pins.LWS_OPERATOR_OLM
        cert = pins.CERT_MANAGER_OLM
        channel = channels.get(lws.chart, lws.version)
        super().__init__(
            f"{TYPE_PREFIX}LeaderWorkerSetOperator",
            name,
            {
                "package": lws.chart,
                "channel": channel,
                "approval": approval,
                "installCertManager": install_cert_manager,
            },
            opts,
        )
        deps = caller_dependencies(opts)
        self.cert_manager: OlmOperator | None = None
        if install_cert_manager:
            self.cert_manager = olm_operator(
                f"{name}-cert-manager",
                parent=self,
                depends_on=deps,
                namespace_name=cert.namespace,
                operator_group_name=cert.chart,
                package=cert.chart,
                channel=channels.get(cert.chart, cert.version),
                source=cert.repository,
                approval=approval,
                starting_csv=starting_csvs.get(cert.chart),
                all_namespaces=True,
            )
        after_cert = [self.cert_manager.subscription] if self.cert_manager is not None else []
        self.operator = olm_operator(
            f"{name}-operator",
            parent=self,
            depends_on=[*deps, *after_cert],
            namespace_name=lws.namespace,
            operator_group_name=lws.namespace,
            package=lws.chart,
            channel=channel,
            source=lws.repository,
            namespace_labels=CLUSTER_MONITORING_LABEL,
            approval=approval,
            starting_csv=starting_csvs.get(lws.chart),
        )
        self.instance = k8s.apiextensions.CustomResource(
            f"{name}-instance",
            api_version="operator.openshift.io/v1",
            kind="LeaderWorkerSetOperator",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=LWS_OPERATOR_CR),
            spec={"managementState": "Managed", "logLevel": "Normal", "operatorLogLevel": "Normal"},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*deps, self.operator.subscription], protect=protect),
        )
        self.register_outputs({"package": lws.chart, "channel": channel, "namespace": lws.namespace})


class RdmaSecurityContext(pulumi.ComponentResource):
    """SCC ``llm-d-rdma``, a ClusterRole to ``use`` it, and a ClusterRoleBinding for the model servers'
    service accounts (a cluster binding of namespaced subjects, like ``oc adm policy add-scc-to-user -z``,
    so it does not need their namespace to exist yet)."""

    def __init__(
        self,
        name: str,
        *,
        namespace_name: str,
        service_accounts: Sequence[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            f"{TYPE_PREFIX}RdmaSecurityContext",
            name,
            {"scc": RDMA_SCC, "namespace": namespace_name, "serviceAccounts": list(service_accounts)},
            opts,
        )
        deps = caller_dependencies(opts)
        child = pulumi.ResourceOptions(parent=self, depends_on=deps)
        self.scc = OpenShiftObject(
            f"{name}-scc",
            api_version="security.openshift.io/v1",
            kind="SecurityContextConstraints",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=RDMA_SCC,
                annotations={"kubernetes.io/description": "llm-d model servers with RDMA (EFA, RoCE, InfiniBand) "
                             "NICs: restricted-v2 plus IPC_LOCK, SYS_RAWIO, NET_ADMIN, NET_RAW and any user id"},
            ),
            fields=rdma_scc_fields(),
            opts=child,
        )
        role_name = f"system:openshift:scc:{RDMA_SCC}"
        self.role = k8s.rbac.v1.ClusterRole(
            f"{name}-role",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=role_name),
            rules=[
                k8s.rbac.v1.PolicyRuleArgs(
                    api_groups=["security.openshift.io"],
                    resources=["securitycontextconstraints"],
                    resource_names=[RDMA_SCC],
                    verbs=["use"],
                )
            ],
            opts=child,
        )
        self.binding = k8s.rbac.v1.ClusterRoleBinding(
            f"{name}-binding",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=f"{RDMA_SCC}-{namespace_name}"),
            role_ref=k8s.rbac.v1.RoleRefArgs(api_group="rbac.authorization.k8s.io", kind="ClusterRole", name=role_name),
            subjects=[
                k8s.rbac.v1.SubjectArgs(kind="ServiceAccount", name=sa, namespace=namespace_name)
                for sa in service_accounts
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*deps, self.role]),
        )
        self.register_outputs({"scc": RDMA_SCC})


def efa_plugin_values() -> dict[str, Any]:
    """Chart values: the public image, GPU-node tolerations, and only the nodes whose interface is an EFA."""
    repository, tag = pins.EFA_DEVICE_PLUGIN_IMAGE
    key, _ = GPU_TAINT
    return {
        "image": {"repository": repository, "tag": tag},
        "tolerations": [{"key": key, "operator": "Exists", "effect": "NoSchedule"}],
        "nodeSelector": {EFA_LABEL: "true"},
    }


class EfaDevicePlugin(pulumi.ComponentResource):
    """AWS's EFA device plugin: advertises ``vpc.amazonaws.com/efa`` on EFA nodes.

    ``helm.v3.Release`` of ``aws-efa-k8s-device-plugin`` (https://aws.github.io/eks-charts) into its own
    namespace, whose ``default`` service account may use the ``privileged`` SCC: the chart's DaemonSet is
    privileged, on the host network, and mounts ``/var/lib/kubelet/device-plugins`` and ``/dev/infiniband``
    (aws/eks-charts stable/aws-efa-k8s-device-plugin templates/daemonset.yaml). It runs only on GPU nodes,
    so the release does not wait for it.
    """

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        pin = pins.EFA_DEVICE_PLUGIN
        super().__init__(f"{TYPE_PREFIX}EfaDevicePlugin", name, {"chart": pin.chart, "version": pin.version}, opts)
        deps = caller_dependencies(opts)
        ns = namespace(f"{name}-namespace", pin.namespace, self, deps)
        self.scc_binding = k8s.rbac.v1.RoleBinding(
            f"{name}-privileged-scc",
            metadata=k8s.meta.v1.ObjectMetaArgs(name="efa-device-plugin-privileged", namespace=pin.namespace),
            role_ref=k8s.rbac.v1.RoleRefArgs(
                api_group="rbac.authorization.k8s.io", kind="ClusterRole", name=PRIVILEGED_SCC_ROLE
            ),
            subjects=[k8s.rbac.v1.SubjectArgs(kind="ServiceAccount", name="default", namespace=pin.namespace)],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*deps, ns]),
        )
        self.release = helm_release(
            f"{name}-release",
            release_name=pin.chart,
            chart=pin.chart,
            repository=pin.repository,
            version=pin.version,
            namespace=pin.namespace,
            values=efa_plugin_values(),
            wait=False,
            parent=self,
            depends_on=[*deps, ns, self.scc_binding],
        )
        self.register_outputs({"namespace": pin.namespace, "resource": "vpc.amazonaws.com/efa"})


__all__ = [
    "EfaDevicePlugin",
    "LeaderWorkerSetOperator",
    "OpenShiftObject",
    "RdmaSecurityContext",
]
