"""GKE security and reliability policies on raw ``gcp:container`` resources.

Rules follow the anchors of ``policy-anchors.md`` (Checkov, Trivy, KICS, CIS GKE 1.9.0). Where the
provider has a safe default and the property is absent the rule passes (the engine runs the
provider's ``Check`` before ``Analyze``, which fills such defaults in); where the default is unsafe
an absent property is a violation.

Node settings (shielded nodes, metadata server, service account) are read from every pool's
``nodeConfig``: each ``NodePool``, each inline ``nodePools[]`` entry, and the cluster's own
``nodeConfig`` while the default pool is kept.

Values unknown in preview (``Deferred``): every pool and every field is judged on its own, so an
unknown value hides nothing else; a policy reports "can't run" only when nothing known already
fails. A presence-only field (``workloadPool``) whose value is computed counts as set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from llmd_infra.policy.common import (
    Deferred,
    Finding,
    PolicySpec,
    Resource,
    any_holds,
    as_list,
    as_mapping,
    as_str,
    config_list,
    get,
    is_false,
    is_set_or_unknown,
    is_true,
    quote,
    security_policy,
)
from llmd_infra.providers.gke.resources import GKE_CLUSTER, GKE_NODE_POOL

_DEFAULT_COMPUTE_SA = re.compile(r"^\d+-compute@developer\.gserviceaccount\.com$")
_OPEN_CIDRS = ("0.0.0.0/0", "::/0")


def _true_at(value: Any, *path: str | int) -> bool:
    return is_true(get(value, *path))


def _false_at(value: Any, *path: str | int) -> bool:
    return is_false(get(value, *path))


def _str_at(value: Any, *path: str | int) -> str:
    """The string at ``path`` ("" when absent)."""
    return as_str(get(value, *path)) or ""


def _mapping_at(value: Any, *path: str | int) -> Mapping[str, Any]:
    return as_mapping(get(value, *path))


def is_autopilot(r: Resource) -> bool:
    """An Autopilot cluster: GKE enforces Workload Identity, shielded nodes and secure boot there."""
    return r.type == GKE_CLUSTER and is_true(get(r.props, "enableAutopilot"))


def node_configs(r: Resource, deferred: Deferred | None = None) -> list[tuple[str, Mapping[str, Any]]]:
    """(where, nodeConfig) of every pool the resource creates.

    With ``deferred``, a part of the resource unknown in preview (the ``nodePools`` list, one pool's
    ``nodeConfig``, whether the default pool is removed) is left out and the error kept.
    """
    run: Callable[[Callable[[], Any]], Any] = deferred.run if deferred is not None else (lambda part: part())
    if r.type == GKE_NODE_POOL:
        config = run(lambda: as_mapping(get(r.props, "nodeConfig")))
        return [("nodeConfig", config)] if config is not None else []
    if r.type != GKE_CLUSTER:
        return []
    if run(partial(is_autopilot, r)):
        # Autopilot manages node configuration itself (shielded COS nodes, GKE metadata server).
        return []
    out: list[tuple[str, Mapping[str, Any]]] = []
    pools = run(lambda: as_list(get(r.props, "nodePools")))
    if pools is None:
        return out
    if not pools:
        removed = run(lambda: is_true(get(r.props, "removeDefaultNodePool")))
        config = run(lambda: as_mapping(get(r.props, "nodeConfig"))) if removed is False else None
        if config is not None:
            out.append(("nodeConfig", config))
    for i in range(len(pools)):
        config = run(partial(_mapping_at, pools, i, "nodeConfig"))
        if config is not None:
            out.append((f"nodePools[{i}].nodeConfig", config))
    return out


def pool_blocks(r: Resource, deferred: Deferred | None = None) -> list[tuple[str, Mapping[str, Any]]]:
    """(prefix, pool props) of the NodePool itself or of each inline pool."""
    if r.type == GKE_NODE_POOL:
        return [("", r.props)]
    if r.type == GKE_CLUSTER:
        run: Callable[[Callable[[], Any]], Any] = deferred.run if deferred is not None else (lambda part: part())
        pools = run(lambda: as_list(get(r.props, "nodePools"))) or []
        blocks = [run(partial(_mapping_at, pools, i)) for i in range(len(pools))]
        return [(f"nodePools[{i}].", b) for i, b in enumerate(blocks) if b is not None]
    return []


_POOL_PUBLIC_NODES = (
    "networkConfig.enablePrivateNodes is false: this pool's nodes get public IP addresses even in a "
    "private cluster"
)


def _pool_is_public(pools: list[Any], index: int) -> bool:
    return is_false(get(pools[index], "networkConfig", "enablePrivateNodes"))


def check_private_nodes(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type == GKE_NODE_POOL:
        # A pool may opt out of the cluster's private nodes (networkConfig.enablePrivateNodes=false).
        public = is_false(get(r.props, "networkConfig", "enablePrivateNodes"))
        return [Finding(_POOL_PUBLIC_NODES)] if public else []
    if r.type != GKE_CLUSTER:
        return []
    deferred = Deferred()
    findings: list[Finding] = []
    private = deferred.run(lambda: is_true(get(r.props, "privateClusterConfig", "enablePrivateNodes")))
    if private is False:
        findings.append(Finding("privateClusterConfig.enablePrivateNodes is not true: nodes get public IP addresses"))
    pools = deferred.run(lambda: as_list(get(r.props, "nodePools"))) or []
    for index in range(len(pools)):
        pool_public = deferred.run(partial(_pool_is_public, pools, index))
        if pool_public:
            findings.append(Finding(f"nodePools[{index}].{_POOL_PUBLIC_NODES}"))
    return deferred.finish(findings)


def _open_cidrs(block: Mapping[str, Any], deferred: Deferred) -> list[str]:
    """The 0.0.0.0/0 (or ::/0) entries of masterAuthorizedNetworksConfig; unknown entries are skipped."""
    entries = deferred.run(lambda: as_list(get(block, "cidrBlocks"))) or []
    cidrs = [deferred.run(partial(_str_at, entries, i, "cidrBlock")) for i in range(len(entries))]
    return [c for c in cidrs if c is not None and c.strip() in _OPEN_CIDRS]


def check_master_authorized_networks(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type != GKE_CLUSTER:
        return []
    deferred = Deferred()
    # A private endpoint alone satisfies the rule (CIS GKE 5.6.4): when it is unknown in preview, only
    # networks that already pass decide the verdict.
    private = deferred.run(lambda: is_true(get(r.props, "privateClusterConfig", "enablePrivateEndpoint")))
    if private:
        return []
    block = deferred.run(lambda: get(r.props, "masterAuthorizedNetworksConfig"))
    findings: list[Finding] = []
    if block is not None and not isinstance(block, Mapping):
        block = None
    if block is None and deferred.unknown is None:
        findings.append(
            Finding(
                "the control plane endpoint is public and masterAuthorizedNetworksConfig is not set: any "
                "address can reach the API server"
            )
        )
    elif block is not None:
        networks = Deferred()
        open_cidrs = _open_cidrs(block, networks)
        if open_cidrs:
            findings.append(
                Finding(
                    f"masterAuthorizedNetworksConfig allows {', '.join(open_cidrs)}: the API server is open to "
                    "the internet"
                )
            )
        elif networks.unknown is None:
            return []  # authorized networks without an open CIDR: private endpoint or not
        elif deferred.unknown is None:
            deferred.unknown = networks.unknown
    if findings and private is None:
        # The endpoint may yet be private: the verdict depends on the unknown value.
        assert deferred.unknown is not None
        raise deferred.unknown
    return deferred.finish(findings)


def check_workload_identity(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    deferred = Deferred()
    findings: list[Finding] = []
    if (
        r.type == GKE_CLUSTER
        and not deferred.run(partial(is_autopilot, r))
        and not is_set_or_unknown(lambda: as_str(get(r.props, "workloadIdentityConfig", "workloadPool")))
    ):
        findings.append(Finding("workloadIdentityConfig.workloadPool is not set: Workload Identity is off"))
    for where, node_config in node_configs(r, deferred):
        mode = deferred.run(partial(_str_at, node_config, "workloadMetadataConfig", "mode"))
        if mode is not None and mode != "GKE_METADATA":
            shown = quote(mode) if mode else "not set"
            findings.append(
                Finding(
                    f'{where}.workloadMetadataConfig.mode is {shown}, not "GKE_METADATA": pods can read '
                    "the node's credentials from the Compute Engine metadata server"
                )
            )
    return deferred.finish(findings)


def check_shielded_nodes(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    deferred = Deferred()
    findings: list[Finding] = []
    if r.type == GKE_CLUSTER and deferred.run(lambda: is_false(get(r.props, "enableShieldedNodes"))):
        findings.append(Finding("enableShieldedNodes is false"))
    for where, node_config in node_configs(r, deferred):
        if deferred.run(partial(_true_at, node_config, "shieldedInstanceConfig", "enableSecureBoot")) is False:
            findings.append(Finding(f"{where}.shieldedInstanceConfig.enableSecureBoot is not true"))
        if deferred.run(partial(_false_at, node_config, "shieldedInstanceConfig", "enableIntegrityMonitoring")):
            findings.append(Finding(f"{where}.shieldedInstanceConfig.enableIntegrityMonitoring is false"))
    return deferred.finish(findings)


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
    deferred = Deferred()
    findings: list[Finding] = []
    if deferred.run(partial(_true_at, r.props, "masterAuth", "clientCertificateConfig", "issueClientCertificate")):
        findings.append(Finding("masterAuth.clientCertificateConfig.issueClientCertificate is true"))
    username = deferred.run(partial(_str_at, r.props, "masterAuth", "username"))
    password = deferred.run(partial(_str_at, r.props, "masterAuth", "password"))
    if username or password:
        findings.append(Finding("masterAuth sets a basic-auth username/password"))
    return deferred.finish(findings)


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
    deferred = Deferred()
    findings = [
        Finding(f"{prefix}management.autoRepair is false")
        for prefix, pool in pool_blocks(r, deferred)
        if deferred.run(partial(_false_at, pool, "management", "autoRepair"))
    ]
    return deferred.finish(findings)


def check_deletion_protection(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type == GKE_CLUSTER and is_false(get(r.props, "deletionProtection")):
        return [Finding("deletionProtection is false: a destroy or a replacement deletes the cluster")]
    return []


def _network_policy_enforced(props: Mapping[str, Any]) -> bool:
    """``networkPolicy.enabled`` with the network policy add-on not disabled (KICS 11e7550e)."""
    if not is_true(get(props, "networkPolicy", "enabled")):
        return False
    return not is_true(get(props, "addonsConfig", "networkPolicyConfig", "disabled"))


def check_network_policy(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type != GKE_CLUSTER:
        return []
    if any_holds(
        lambda: as_str(get(r.props, "datapathProvider")) == "ADVANCED_DATAPATH",
        lambda: _network_policy_enforced(r.props),
        # Autopilot clusters always run Dataplane V2 (Trivy GCP-0056 accepts Autopilot too).
        partial(is_autopilot, r),
    ):
        return []
    if is_true(get(r.props, "networkPolicy", "enabled")):
        return [
            Finding(
                "networkPolicy.enabled is true but addonsConfig.networkPolicyConfig.disabled is true: network "
                "policies are not enforced"
            )
        ]
    return [Finding('neither networkPolicy.enabled is true nor datapathProvider is "ADVANCED_DATAPATH" (Dataplane V2)')]


def check_node_service_account(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    deferred = Deferred()
    findings: list[Finding] = []
    configs = node_configs(r, deferred)
    if deferred.run(partial(is_autopilot, r)):
        # Autopilot nodes run as clusterAutoscaling.autoProvisioningDefaults.serviceAccount.
        defaults = deferred.run(lambda: as_mapping(get(r.props, "clusterAutoscaling", "autoProvisioningDefaults")))
        configs = [] if defaults is None else [("clusterAutoscaling.autoProvisioningDefaults", defaults)]
    for where, node_config in configs:
        account = deferred.run(partial(_str_at, node_config, "serviceAccount"))
        if account is None:
            continue
        if account == "":
            findings.append(
                Finding(f"{where}.serviceAccount is not set: nodes run as the Compute Engine default service account")
            )
        elif account == "default" or _DEFAULT_COMPUTE_SA.match(account):
            findings.append(
                Finding(f'{where}.serviceAccount "{account}" is the Compute Engine default service account')
            )
    return deferred.finish(findings)


# --- the room's policies: each spec beside its check ------------------------------------------------

_GKE = frozenset({GKE_CLUSTER, GKE_NODE_POOL})
_CLUSTER = frozenset({GKE_CLUSTER})

POLICIES: tuple[PolicySpec, ...] = (
    security_policy(
        "gke-private-nodes",
        "GKE nodes have no public IP addresses.",
        check_private_nodes,
        _GKE,
        "mandatory",
        "Set private_cluster_config.enable_private_nodes=True (and give nodes egress through Cloud NAT); drop "
        "enable_private_nodes=False from pool network configs.",
        ("CIS GKE 5.6.5", "CKV_GCP_25", "CKV_GCP_64", "Trivy GCP-0059", "KICS f9905dd3"),
        "gke",
    ),
    security_policy(
        "gke-master-authorized-networks",
        "The GKE control plane is private or limited to authorized networks (no 0.0.0.0/0).",
        check_master_authorized_networks,
        _CLUSTER,
        "mandatory",
        "Set master_authorized_networks_config with your admin CIDRs (never 0.0.0.0/0), or "
        "private_cluster_config.enable_private_endpoint=True.",
        ("CIS GKE 5.6.3", "CIS GKE 5.6.4", "CKV_GCP_20", "CKV_GCP_18", "Trivy GCP-0061", "Trivy GCP-0053"),
        "gke",
    ),
    security_policy(
        "gke-workload-identity",
        "Workload Identity is on and every node pool uses the GKE metadata server.",
        check_workload_identity,
        _GKE,
        "mandatory",
        'Set workload_identity_config.workload_pool="<project>.svc.id.goog" on the cluster and '
        'node_config.workload_metadata_config.mode="GKE_METADATA" on every pool.',
        ("CIS GKE 5.2.2", "CIS GKE 5.4.1", "CKV_GCP_69", "Trivy GCP-0057", "KICS e858428b", "KICS edea054b"),
        "gke",
    ),
    security_policy(
        "gke-shielded-nodes",
        "Shielded GKE nodes with Secure Boot and integrity monitoring.",
        check_shielded_nodes,
        _GKE,
        "mandatory",
        "Keep enable_shielded_nodes (default true) and set node_config.shielded_instance_config "
        "enable_secure_boot=True (integrity monitoring stays on by default).",
        (
            "CIS GKE 5.5.5",
            "CIS GKE 5.5.6",
            "CIS GKE 5.5.7",
            "CKV_GCP_71",
            "CKV_GCP_68",
            "CKV_GCP_72",
            "Trivy GCP-0055",
            "KICS 579a0727",
        ),
        "gke",
    ),
    security_policy(
        "gke-legacy-abac-disabled",
        "Legacy ABAC is disabled on GKE clusters.",
        check_legacy_abac,
        _CLUSTER,
        "mandatory",
        "Remove enable_legacy_abac (or set it False); authorize with RBAC.",
        ("CIS GKE 5.8.3", "CKV_GCP_7", "Trivy GCP-0062", "KICS 5baa92d2"),
        "gke",
        remediate=remediate_legacy_abac,
    ),
    security_policy(
        "gke-legacy-auth-disabled",
        "GKE client certificates and basic authentication are off.",
        check_legacy_auth,
        _CLUSTER,
        "mandatory",
        "Set master_auth.client_certificate_config.issue_client_certificate=False and no basic-auth credentials.",
        ("CIS GKE 5.8.1", "CKV_GCP_13", "Trivy GCP-0064", "KICS 73fb21a1", "KICS 70cdf849"),
        "gke",
        remediate=remediate_legacy_auth,
    ),
    security_policy(
        "gke-network-policy",
        "Network policy enforcement (network_policy or Dataplane V2) is on.",
        check_network_policy,
        _CLUSTER,
        "mandatory",
        'Set datapath_provider="ADVANCED_DATAPATH" (Dataplane V2, also needed for llm-d\'s RDMA/DRANET paths) '
        "or network_policy.enabled=True with addons_config.network_policy_config not disabled.",
        ("CKV_GCP_12", "Trivy GCP-0056", "KICS 11e7550e"),
        "gke",
        severity="medium",
    ),
    security_policy(
        "gke-node-service-account",
        "GKE nodes run as a dedicated service account, not the Compute Engine default.",
        check_node_service_account,
        _GKE,
        "mandatory",
        "Create a least-privilege service account and set node_config.service_account on every pool.",
        ("CIS GKE 5.2.1", "CKV2_GCP_1", "Trivy GCP-0050", "KICS 8ef3f681", "KICS 1c8eef02"),
        "gke",
        severity="medium",
    ),
    security_policy(
        "gke-release-channel",
        "GKE clusters are enrolled in a release channel.",
        check_release_channel,
        _CLUSTER,
        "advisory",
        'Set release_channel.channel (e.g. "REGULAR"; TPU dynamic slicing needs "RAPID").',
        ("CIS GKE 5.5.4", "CKV_GCP_70", "KICS c1701dcf"),
        "gke",
        severity="low",
        config={
            "allowedChannels": {
                "type": "array",
                "items": {"enum": ["RAPID", "REGULAR", "STABLE", "EXTENDED"]},
                "default": ["RAPID", "REGULAR", "STABLE", "EXTENDED"],
                "description": "Release channels accepted.",
            }
        },
    ),
    security_policy(
        "gke-auto-repair",
        "GKE node pools keep auto-repair on.",
        check_auto_repair,
        _GKE,
        "advisory",
        "Remove management.auto_repair=False (auto-repair is on by default).",
        ("CIS GKE 5.5.2", "CKV_GCP_9", "Trivy GCP-0063", "KICS acfdbec6"),
        "gke",
        severity="low",
    ),
    security_policy(
        "gke-deletion-protection",
        "GKE clusters keep deletion protection on.",
        check_deletion_protection,
        _CLUSTER,
        "advisory",
        "Remove deletion_protection=False (the provider default is True).",
        ("pulumi-gcp#1394", "https://www.pulumi.com/registry/packages/gcp/api-docs/container/cluster/#deletion_protection"),
        "gke",
        severity="medium",
    ),
)
