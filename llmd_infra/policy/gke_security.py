"""GKE security and reliability policies on raw ``gcp:container`` resources.

Rules follow the anchors of ``policy-anchors.md`` (Checkov, Trivy, KICS, CIS GKE 1.9.0). Where the
provider has a safe default and the property is absent the rule passes (the engine runs the
provider's ``Check`` before ``Analyze``, which fills such defaults in); where the default is unsafe
an absent property is a violation.

Node settings (shielded nodes, metadata server, service account) are read from every pool's
``nodeConfig``: each ``NodePool``, each inline ``nodePools[]`` entry, and the cluster's own
``nodeConfig`` while the default pool is kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from llmd_infra.policy.common import (
    GKE_CLUSTER,
    GKE_NODE_POOL,
    Finding,
    Resource,
    as_list,
    as_mapping,
    as_str,
    config_list,
    get,
    is_false,
    is_true,
    quote,
)

_DEFAULT_COMPUTE_SA = re.compile(r"^\d+-compute@developer\.gserviceaccount\.com$")


def node_configs(r: Resource) -> list[tuple[str, Mapping[str, Any]]]:
    """(where, nodeConfig) of every pool the resource creates."""
    if r.type == GKE_NODE_POOL:
        return [("nodeConfig", as_mapping(get(r.props, "nodeConfig")))]
    if r.type != GKE_CLUSTER:
        return []
    out: list[tuple[str, Mapping[str, Any]]] = []
    if not is_true(get(r.props, "removeDefaultNodePool")) and not as_list(get(r.props, "nodePools")):
        out.append(("nodeConfig", as_mapping(get(r.props, "nodeConfig"))))
    for i, pool in enumerate(as_list(get(r.props, "nodePools"))):
        out.append((f"nodePools[{i}].nodeConfig", as_mapping(get(pool, "nodeConfig"))))
    return out


def pool_blocks(r: Resource) -> list[tuple[str, Mapping[str, Any]]]:
    """(prefix, pool props) of the NodePool itself or of each inline pool."""
    if r.type == GKE_NODE_POOL:
        return [("", r.props)]
    if r.type == GKE_CLUSTER:
        return [(f"nodePools[{i}].", as_mapping(p)) for i, p in enumerate(as_list(get(r.props, "nodePools")))]
    return []


def check_private_nodes(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type != GKE_CLUSTER:
        return []
    if is_true(get(r.props, "privateClusterConfig", "enablePrivateNodes")):
        return []
    return [Finding("privateClusterConfig.enablePrivateNodes is not true: nodes get public IP addresses")]


def check_master_authorized_networks(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type != GKE_CLUSTER:
        return []
    if is_true(get(r.props, "privateClusterConfig", "enablePrivateEndpoint")):
        return []
    block = get(r.props, "masterAuthorizedNetworksConfig")
    if not isinstance(block, Mapping):
        return [
            Finding(
                "the control plane endpoint is public and masterAuthorizedNetworksConfig is not set: any "
                "address can reach the API server"
            )
        ]
    open_cidrs = [
        str(get(c, "cidrBlock"))
        for c in as_list(get(block, "cidrBlocks"))
        if as_str(get(c, "cidrBlock")) in ("0.0.0.0/0", "::/0")
    ]
    if open_cidrs:
        return [
            Finding(
                f"masterAuthorizedNetworksConfig allows {', '.join(open_cidrs)}: the API server is open to the internet"
            )
        ]
    return []


def check_workload_identity(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    if r.type == GKE_CLUSTER and not as_str(get(r.props, "workloadIdentityConfig", "workloadPool")):
        findings.append(Finding("workloadIdentityConfig.workloadPool is not set: Workload Identity is off"))
    for where, node_config in node_configs(r):
        mode = as_str(get(node_config, "workloadMetadataConfig", "mode"))
        if mode != "GKE_METADATA":
            shown = quote(mode) if mode else "not set"
            findings.append(
                Finding(
                    f'{where}.workloadMetadataConfig.mode is {shown}, not "GKE_METADATA": pods can read '
                    "the node's credentials from the Compute Engine metadata server"
                )
            )
    return findings


def check_shielded_nodes(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    if r.type == GKE_CLUSTER and is_false(get(r.props, "enableShieldedNodes")):
        findings.append(Finding("enableShieldedNodes is false"))
    for where, node_config in node_configs(r):
        shielded = as_mapping(get(node_config, "shieldedInstanceConfig"))
        if not is_true(get(shielded, "enableSecureBoot")):
            findings.append(Finding(f"{where}.shieldedInstanceConfig.enableSecureBoot is not true"))
        if is_false(get(shielded, "enableIntegrityMonitoring")):
            findings.append(Finding(f"{where}.shieldedInstanceConfig.enableIntegrityMonitoring is false"))
    return findings


def check_legacy_abac(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type == GKE_CLUSTER and is_true(get(r.props, "enableLegacyAbac")):
        return [Finding("enableLegacyAbac is true: legacy ABAC grants bypass RBAC")]
    return []


def remediate_legacy_abac(props: Any) -> Any:
    if is_true(get(props, "enableLegacyAbac")):
        props["enableLegacyAbac"] = False
        return props
    return None


def check_legacy_auth(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type != GKE_CLUSTER:
        return []
    findings: list[Finding] = []
    master_auth = as_mapping(get(r.props, "masterAuth"))
    if is_true(get(master_auth, "clientCertificateConfig", "issueClientCertificate")):
        findings.append(Finding("masterAuth.clientCertificateConfig.issueClientCertificate is true"))
    if as_str(get(master_auth, "username")) or as_str(get(master_auth, "password")):
        findings.append(Finding("masterAuth sets a basic-auth username/password"))
    return findings


def remediate_legacy_auth(props: Any) -> Any:
    cert = get(props, "masterAuth", "clientCertificateConfig")
    if cert is not None and is_true(get(cert, "issueClientCertificate")):
        cert["issueClientCertificate"] = False
        return props
    return None


def check_release_channel(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type != GKE_CLUSTER:
        return []
    allowed = config_list(config, "allowedChannels")
    channel = as_str(get(r.props, "releaseChannel", "channel"))
    if channel is None or channel == "UNSPECIFIED":
        return [Finding("releaseChannel.channel is not set: the cluster is not enrolled in a release channel")]
    if allowed and channel not in allowed:
        return [Finding(f'releaseChannel.channel "{channel}" is not one of {", ".join(allowed)}')]
    return []


def check_auto_repair(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    return [
        Finding(f"{prefix}management.autoRepair is false")
        for prefix, pool in pool_blocks(r)
        if is_false(get(pool, "management", "autoRepair"))
    ]


def check_deletion_protection(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type == GKE_CLUSTER and is_false(get(r.props, "deletionProtection")):
        return [Finding("deletionProtection is false: a destroy or a replacement deletes the cluster")]
    return []


def check_network_policy(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type != GKE_CLUSTER:
        return []
    if as_str(get(r.props, "datapathProvider")) == "ADVANCED_DATAPATH":
        return []
    if is_true(get(r.props, "networkPolicy", "enabled")):
        return []
    return [Finding('neither networkPolicy.enabled is true nor datapathProvider is "ADVANCED_DATAPATH" (Dataplane V2)')]


def check_node_service_account(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    for where, node_config in node_configs(r):
        account = as_str(get(node_config, "serviceAccount"))
        if account is None:
            findings.append(
                Finding(f"{where}.serviceAccount is not set: nodes run as the Compute Engine default service account")
            )
        elif account == "default" or _DEFAULT_COMPUTE_SA.match(account):
            findings.append(
                Finding(f'{where}.serviceAccount "{account}" is the Compute Engine default service account')
            )
    return findings
