"""OpenShift OLM building blocks: an operator's namespace, OperatorGroup and Subscription."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pulumi

from llmd_infra.addons._common import custom_resource, namespace
from llmd_infra.addons.sdk import k8s

MARKETPLACE_NAMESPACE = "openshift-marketplace"

Approval = Literal["Automatic", "Manual"]
"""``installPlanApproval`` of a Subscription: ``Manual`` makes OLM wait for an approved InstallPlan before
it installs or upgrades anything (the first install included)."""


@dataclass(frozen=True)
class OlmOperator:
    """The three objects that make OLM install an operator into its own namespace."""

    namespace: k8s.core.v1.Namespace
    operator_group: k8s.apiextensions.CustomResource
    subscription: k8s.apiextensions.CustomResource


def subscription_spec(
    package: str, channel: str, source: str, approval: Approval = "Automatic", starting_csv: str | None = None
) -> dict[str, Any]:
    """A Subscription ``spec`` (operator-framework/api ``operators.coreos.com_subscriptions.yaml``).

    ``startingCSV`` pins the version of the first install; only with ``Manual`` approval does it stay
    there, since OLM upgrades an Automatic subscription along its channel at once.
    """
    spec: dict[str, Any] = {
        "name": package,
        "channel": channel,
        "source": source,
        "sourceNamespace": MARKETPLACE_NAMESPACE,
        "installPlanApproval": approval,
    }
    if starting_csv:
        spec["startingCSV"] = starting_csv
    return spec


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
    approval: Approval = "Automatic",
    starting_csv: str | None = None,
    all_namespaces: bool = False,
) -> OlmOperator:
    """Namespace + OperatorGroup + Subscription.

    The OperatorGroup targets the operator's own namespace (OLM install mode OwnNamespace), or every
    namespace with ``all_namespaces`` (an empty spec: AllNamespaces, for operators that support only it
    or recommend it).
    """
    ns = namespace(f"{prefix}-namespace", namespace_name, parent, depends_on, labels=namespace_labels)
    group = custom_resource(
        f"{prefix}-operator-group",
        api_version="operators.coreos.com/v1",
        kind="OperatorGroup",
        name=operator_group_name,
        namespace=namespace_name,
        spec={} if all_namespaces else {"targetNamespaces": [namespace_name]},
        parent=parent,
        depends_on=[*depends_on, ns],
    )
    subscription = custom_resource(
        f"{prefix}-subscription",
        api_version="operators.coreos.com/v1alpha1",
        kind="Subscription",
        name=package,
        namespace=namespace_name,
        spec=subscription_spec(package, channel, source, approval, starting_csv),
        parent=parent,
        depends_on=[*depends_on, group],
    )
    return OlmOperator(namespace=ns, operator_group=group, subscription=subscription)
