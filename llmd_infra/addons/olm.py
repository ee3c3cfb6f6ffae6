"""OpenShift OLM building blocks: an operator's namespace, OperatorGroup and Subscription."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi

from llmd_infra.addons._common import custom_resource, namespace
from llmd_infra.addons.sdk import k8s

MARKETPLACE_NAMESPACE = "openshift-marketplace"


@dataclass(frozen=True)
class OlmOperator:
    """The three objects that make OLM install an operator into its own namespace."""

    namespace: k8s.core.v1.Namespace
    operator_group: k8s.apiextensions.CustomResource
    subscription: k8s.apiextensions.CustomResource


def olm_operator(
    prefix: str,
    *,
    parent: pulumi.Resource,
    depends_on: Sequence[pulumi.Resource],
    namespace_name: str,
    operator_group_name: str,
    package: str,
    channel: str,
    source: str,
    namespace_labels: Mapping[str, str] | None = None,
) -> OlmOperator:
    """Namespace + OperatorGroup (targeting that namespace) + automatic Subscription."""
    ns = namespace(f"{prefix}-namespace", namespace_name, parent, depends_on, labels=namespace_labels)
    group = custom_resource(
        f"{prefix}-operator-group",
        api_version="operators.coreos.com/v1",
        kind="OperatorGroup",
        name=operator_group_name,
        namespace=namespace_name,
        spec={"targetNamespaces": [namespace_name]},
        parent=parent,
        depends_on=[*depends_on, ns],
    )
    subscription = custom_resource(
        f"{prefix}-subscription",
        api_version="operators.coreos.com/v1alpha1",
        kind="Subscription",
        name=package,
        namespace=namespace_name,
        spec={
            "name": package,
            "channel": channel,
            "source": source,
            "sourceNamespace": MARKETPLACE_NAMESPACE,
            "installPlanApproval": "Automatic",
        },
        parent=parent,
        depends_on=[*depends_on, group],
    )
    return OlmOperator(namespace=ns, operator_group=group, subscription=subscription)
