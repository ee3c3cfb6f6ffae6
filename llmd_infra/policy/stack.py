"""Policies for every provider: protected clusters, protected LWS CRDs, secret kubeconfig outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from llmd_infra.plan.values import Secret
from llmd_infra.policy.common import (
    CRD_V1,
    HELM_TYPES,
    MANIFEST_TYPES,
    STACK,
    Finding,
    PolicySpec,
    Resource,
    StackResource,
    as_str,
    get,
    security_policy,
)
from llmd_infra.policy.requirements import LWS_CRD_NAME, is_lws_chart, lws_versions
from llmd_infra.policy.resources import cluster_types
from llmd_infra.versions import Version, try_parse_version

# Helm releases of LWS up to this version ship the CRD as a template: a later upgrade to 0.9.0+
# deletes it and cascades to every LeaderWorkerSet (llm-d multi-node docs; kubernetes-sigs/lws#880).
_LWS_CRD_TEMPLATE_LAST = Version(0, 7, 99)


def check_cluster_protected(resources: Sequence[StackResource], config: Mapping[str, Any]) -> list[Finding]:
    clusters = cluster_types()
    return [
        Finding(
            f"cluster '{res.name}' ({res.type}) is not protected: `pulumi destroy` or a replacement deletes it",
            urn=res.urn,
        )
        for res in resources
        if res.type in clusters and not res.protect
    ]


def _is_lws_install(r: Resource) -> bool:
    if r.type in HELM_TYPES:
        return is_lws_chart(r.props)
    if r.type == CRD_V1:
        return as_str(get(r.props, "metadata", "name")) == LWS_CRD_NAME
    if r.type in MANIFEST_TYPES:
        return lws_versions(r.type, r.props) is not None
    return False


def check_lws_crd_protected(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if not _is_lws_install(r):
        return []
    findings: list[Finding] = []
    if not r.protect:
        findings.append(
            Finding(
                "the LeaderWorkerSet install is not protected: deleting or replacing it deletes the "
                "leaderworkersets CRD and, with it, every LeaderWorkerSet in the cluster"
            )
        )
    if r.type in HELM_TYPES:
        version = try_parse_version(get(r.props, "version"))
        if version is not None and version <= _LWS_CRD_TEMPLATE_LAST:
            findings.append(
                Finding(
                    f'LWS chart version "{get(r.props, "version")}" ships the CRD as a Helm template: upgrading '
                    "this release directly to 0.9.0 or later makes Helm delete the CRD and every "
                    "LeaderWorkerSet (kubernetes-sigs/lws#880)"
                )
            )
    return findings


LWS_CRD_TYPES = frozenset({*HELM_TYPES, CRD_V1, *MANIFEST_TYPES})


def _kubeconfig_values(prefix: str, value: Any) -> list[tuple[str, Any]]:
    """(name, value) of kubeconfig-like entries of an output value (top level and one level down)."""
    out: list[tuple[str, Any]] = []
    if "kubeconfig" in prefix.lower():
        out.append((prefix, value))
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            if "kubeconfig" in str(key).lower():
                out.append((f"{prefix}.{key}", inner))
    return out


def check_kubeconfig_secret(resources: Sequence[StackResource], config: Mapping[str, Any]) -> list[Finding]:
    """Stack outputs and component outputs that hold a kubeconfig must be secrets.

    Reads :class:`~llmd_infra.plan.values.Secret` markers, which only the recorded plan keeps:
    pulumi_policy unwraps secrets before a pack's policy sees them, so this check runs in
    ``llmd-infra preview`` only (``harness_only``).
    """
    findings: list[Finding] = []
    for res in resources:
        if res.type != STACK and res.type.startswith("pulumi:"):
            continue
        for key, value in res.props.items():
            for name, inner in _kubeconfig_values(str(key), value):
                if isinstance(inner, Secret) or inner is None:
                    continue
                what = "stack output" if res.type == STACK else f"output of '{res.name}'"
                findings.append(
                    Finding(
                        f'{what} "{name}" holds a kubeconfig but is not a secret: wrap it in pulumi.Output.secret',
                        urn=res.urn,
                    )
                )
    return findings


POLICIES: tuple[PolicySpec, ...] = (
    security_policy(
        "cluster-protected",
        "Clusters carry Pulumi's protect option.",
        check_cluster_protected,
        frozenset({STACK}),
        "advisory",
        "Create clusters with opts=pulumi.ResourceOptions(protect=True) (llmd-infra:protect, default on).",
        ("https://www.pulumi.com/docs/iac/concepts/options/protect/",),
        "stack",
        severity="medium",
        kind="stack",
    ),
    security_policy(
        "lws-crd-protected",
        "LeaderWorkerSet installs are protected and cannot lose the LWS CRD in an upgrade.",
        check_lws_crd_protected,
        LWS_CRD_TYPES,
        "advisory",
        "Give the LWS release/manifests protect=True; move installs of chart <= 0.7.x to 0.8+ before 0.9+.",
        ("kubernetes-sigs/lws#880", "llm-d multi-node docs"),
        "stack",
        severity="medium",
    ),
    security_policy(
        "kubeconfig-output-secret",
        "Outputs holding a kubeconfig are secrets.",
        check_kubeconfig_secret,
        frozenset({STACK}),
        "mandatory",
        "Export kubeconfigs as pulumi.Output.secret(...) (DOKS kube_configs are secret already).",
        ("CIS GKE 5.8.1 (credential exposure)",),
        "stack",
        severity="high",
        kind="stack",
        harness_only=True,
    ),
)
