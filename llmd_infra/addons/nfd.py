"""Node Feature Discovery: Helm chart, or the Red Hat NFD operator (OLM) on OpenShift."""

from __future__ import annotations

from typing import Any, TypedDict

import pulumi
from pydantic import Field, model_validator

from llmd_infra import pins
from llmd_infra.addons._common import (
    TYPE_PREFIX,
    caller_dependencies,
    custom_resource,
    helm_release,
    namespace,
    validate_args,
)
from llmd_infra.addons.olm import Approval, olm_operator
from llmd_infra.addons.sdk import k8s
from llmd_infra.config.addons import NfdSettings
from llmd_infra.config.platform import platform_profile

# rh-aiservices-bu/ocp-gpu-setup crs/ @a66cafb: PCI classes 0200 (network), 03 (display), 12 (accelerator),
# labelled by vendor — what the GPU and Network Operators select on. 0207 (InfiniBand controller) as in
# the NVIDIA Network Operator's OpenShift guide (Mellanox/network-operator-docs
# docs/openshift/deployment-guide-openshift.rst), so InfiniBand HCAs get feature.node.kubernetes.io/pci-15b3.present.
NFD_WORKER_CONFIG = """sources:
  pci:
    deviceClassWhitelist:
      - "0200"
      - "0207"
      - "03"
      - "12"
    deviceLabelFields:
      - vendor
"""


def helm_values() -> dict[str, Any]:
    """Chart values: the PCI whitelist, and workers that tolerate tainted accelerator nodes."""
    pci = {"deviceClassWhitelist": ["0200", "03", "12"], "deviceLabelFields": ["vendor"]}
    return {
        "worker": {
            "config": {"sources": {"pci": pci}},
            # Accelerator pools are tainted (nvidia.com/gpu, amd.com/gpu); NFD must label them anyway.
            "tolerations": [{"operator": "Exists", "effect": "NoSchedule"}],
        }
    }


class NodeFeatureDiscoveryArgs(TypedDict, total=False):
    """Arguments of :class:`NodeFeatureDiscovery`."""

    version: pulumi.Input[str]
    """NFD chart version (``oci://registry.k8s.io/nfd/charts/node-feature-discovery``); default ``pins.NFD``."""
    platform: pulumi.Input[str]
    """Where NFD runs: a platform whose operators come from OLM (OpenShift) gets the Red Hat NFD operator;
    any other the upstream chart."""
    olm_channel: str
    """OpenShift: the Subscription channel (default ``pins.NFD_OLM``, ``stable``)."""
    olm_approval: str
    """OpenShift: the Subscription's ``installPlanApproval``, ``Automatic`` (default) or ``Manual``."""
    olm_starting_csv: str
    """OpenShift: ``startingCSV`` of the Subscription; needs ``olm_approval`` ``Manual``."""


class _NfdInput(NfdSettings):
    olm_channel: str = Field(default=pins.NFD_OLM.version, min_length=1)
    olm_approval: Approval = "Automatic"
    olm_starting_csv: str | None = None

    @model_validator(mode="after")
    def _pinned_only_with_manual(self) -> _NfdInput:
        if self.olm_starting_csv and self.olm_approval != "Manual":
            raise ValueError("olm_starting_csv needs olm_approval 'Manual' (OLM upgrades an Automatic subscription)")
        return self


class NodeFeatureDiscovery(pulumi.ComponentResource):
    """NFD, installed once for all operators (GPU, Network, AMD operators each have an NFD switch).

    Helm path: ``helm.v3.Release`` (the chart installs the ``nfd.k8s-sigs.io`` CRDs from ``crds/`` and
    has a post-delete prune hook). Its worker DaemonSet runs on accelerator nodes too, so the release
    does not wait for readiness (``skip_await``, not atomic) — waiting would tie it to those pools.
    OpenShift: OLM ``nfd`` (``stable``, ``redhat-operators``) in
    ``openshift-nfd`` plus ``NodeFeatureDiscovery nfd-instance`` with the PCI whitelist above.
    """

    namespace: pulumi.Output[str]

    def __init__(
        self, name: str, args: NodeFeatureDiscoveryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        cfg = validate_args(_NfdInput, dict(args), "NodeFeatureDiscovery", name)
        super().__init__(f"{TYPE_PREFIX}NodeFeatureDiscovery", name, cfg.model_dump(by_alias=True), opts)
        deps = caller_dependencies(opts)
        self.release: k8s.helm.v3.Release | None = None
        self.instance: k8s.apiextensions.CustomResource | None = None
        if platform_profile(cfg.platform).operators_via_olm:
            ns_name = pins.NFD_OLM.namespace
            olm = olm_operator(
                name,
                parent=self,
                depends_on=deps,
                namespace_name=ns_name,
                operator_group_name="openshift-nfd",
                package=pins.NFD_OLM.chart,
                channel=cfg.olm_channel,
                source=pins.NFD_OLM.repository,
                approval=cfg.olm_approval,
                starting_csv=cfg.olm_starting_csv,
                namespace_labels={"openshift.io/cluster-monitoring": "true"},
            )
            self.instance = custom_resource(
                f"{name}-instance",
                api_version="nfd.openshift.io/v1",
                kind="NodeFeatureDiscovery",
                name="nfd-instance",
                namespace=ns_name,
                spec={"workerConfig": {"configData": NFD_WORKER_CONFIG}},
                parent=self,
                depends_on=[*deps, olm.subscription],
            )
        else:
            ns_name = pins.NFD.namespace
            ns = namespace(f"{name}-namespace", ns_name, self, deps)
            self.release = helm_release(
                f"{name}-release",
                release_name="node-feature-discovery",
                chart=pins.NFD.chart,
                version=cfg.version,
                namespace=ns_name,
                values=helm_values(),
                wait=False,
                parent=self,
                depends_on=[*deps, ns],
            )
        self.namespace = pulumi.Output.from_input(ns_name)
        self.register_outputs({"namespace": self.namespace})
