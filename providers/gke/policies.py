"""GKE security and reliability policies on raw ``gcp:container`` resources.

Each rule names its public anchors: CIS Google Kubernetes Engine (GKE) Benchmark 1.9.0 recommendation
numbers, Checkov check ids (bridgecrewio/checkov ``checkov/terraform/checks/resource/gcp/``), Trivy ids
(aquasecurity/trivy-checks ``checks/cloud/google/gke/``), KICS query ids (Checkmarx/kics
``assets/queries/terraform/gcp/``), and for llm-d's own requirements the requirement id with llm-d's
page. Where the provider has a safe default and the property is absent the rule passes (the engine
runs the provider's ``Check`` before ``Analyze``, which fills such defaults in); where the default is
unsafe an absent property is a violation.

Node settings (shielded nodes, metadata server, service account) are read from every pool's
``nodeConfig``: each ``NodePool``, each inline ``nodePools[]`` entry, and the cluster's own
``nodeConfig`` while the default pool is kept.

Values unknown in preview (``Deferred``): every pool and every field is judged on its own, so an
unknown value hides nothing else; a policy reports "can't run" only when nothing known already
fails. A presence-only field (``workloadPool``) whose value is computed counts as set.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from llmd_infra import catalog
from llmd_infra.policy.common import (
    Deferred,
    Finding,
    PolicySpec,
    Resource,
    StackResource,
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
from llmd_infra.policy.requirements import installs_gpu_driver
from llmd_infra.policy.resources import cluster_of
from llmd_infra.providers.gke.resources import GKE_CLUSTER, GKE_NODE_POOL, gke_machine_accelerator
from llmd_infra.requirements import GPU_DRIVER_VERSION

_DEFAULT_COMPUTE_SA = re.compile(r"^\d+-compute@developer\.gserviceaccount\.com$")


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


# Address blocks that are not public Internet space (RFC 6890 special-purpose registries): a wide
# authorized network inside one of them (10.0.0.0/8) opens the API server to no one on the internet.
_NON_PUBLIC = tuple(
    ipaddress.ip_network(block)
    for block in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "2001:db8::/32", "fc00::/7", "fe80::/10", "ff00::/8",
    )
)  # fmt: skip
_WIDE_PREFIX = 8
"""Public address space of a /8 (16.7 million IPv4 addresses) or more counts as open to the internet."""


def _is_public(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    return not any(
        network.version == block.version and network.subnet_of(block)  # type: ignore[arg-type]
        for block in _NON_PUBLIC
    )


def _open_address_space(cidrs: list[str]) -> list[str]:
    """Why a set of authorized networks opens the API server to the internet: a public prefix of /8 or
    wider, or public prefixes of one address family that together span a /8's worth of addresses."""
    networks: list[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network]] = []
    for cidr in cidrs:
        try:
            network = ipaddress.ip_network(cidr.strip(), strict=False)
        except ValueError:
            continue  # the API rejects it; nothing to judge
        if _is_public(network):
            networks.append((cidr.strip(), network))
    wide = [text for text, network in networks if network.prefixlen <= _WIDE_PREFIX]
    if wide:
        return [f"masterAuthorizedNetworksConfig allows {', '.join(wide)}: the API server is open to the internet"]
    problems: list[str] = []
    for version, bits in ((4, 32), (6, 128)):
        family = [(text, network) for text, network in networks if network.version == version]
        collapsed = ipaddress.collapse_addresses(network for _, network in family)  # type: ignore[type-var]
        if sum(network.num_addresses for network in collapsed) >= 2 ** (bits - _WIDE_PREFIX):
            problems.append(
                f"masterAuthorizedNetworksConfig allows {', '.join(text for text, _ in family)}: together they "
                f"span a /{_WIDE_PREFIX} or more of public IPv{version} addresses, so the API server is open to "
                "the internet"
            )
    return problems


def _network_problems(props: Mapping[str, Any]) -> list[str]:
    """Why the authorized networks leave the public IP endpoint open; each entry judged on its own (an
    entry unknown in preview is skipped, and re-raised only when nothing known is open)."""
    block = get(props, "masterAuthorizedNetworksConfig")
    if not isinstance(block, Mapping):
        return [
            "the control plane endpoint is public and masterAuthorizedNetworksConfig is not set: any address "
            "can reach the API server"
        ]
    deferred = Deferred()
    problems: list[str] = []
    if deferred.run(lambda: is_true(get(block, "gcpPublicCidrsAccessEnabled"))):
        problems.append(
            "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is true: every Google Cloud public IP "
            "address (any customer's VMs) can reach the API server"
        )
    entries = deferred.run(lambda: as_list(get(block, "cidrBlocks"))) or []
    cidrs = [deferred.run(partial(_str_at, entries, i, "cidrBlock")) for i in range(len(entries))]
    problems += _open_address_space([c for c in cidrs if c])
    return [finding.message for finding in deferred.finish([Finding(p) for p in problems])]


def _ip_endpoint_problems(props: Mapping[str, Any]) -> list[str]:
    """A private endpoint (CIS GKE 5.6.4) or disabled IP endpoints close the IP endpoint whatever the
    networks; else the networks decide. Raises the unknown-value error when the verdict depends on it."""
    if any_holds(
        lambda: is_true(get(props, "privateClusterConfig", "enablePrivateEndpoint")),
        lambda: is_false(get(props, "controlPlaneEndpointsConfig", "ipEndpointsConfig", "enabled")),
        lambda: not _network_problems(props),
    ):
        return []
    return _network_problems(props)


def check_master_authorized_networks(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    """The control plane must not be reachable from most of the internet: judged by the address space
    the authorized networks really open, the Google Cloud public ranges, and the DNS endpoint (which
    authorized networks do not cover)."""
    if r.type != GKE_CLUSTER:
        return []
    deferred = Deferred()
    findings: list[Finding] = []
    if deferred.run(
        lambda: is_true(get(r.props, "controlPlaneEndpointsConfig", "dnsEndpointConfig", "allowExternalTraffic"))
    ):
        findings.append(
            Finding(
                "controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic is true: the control plane's "
                "DNS endpoint takes traffic from any address (authorized networks do not apply to it, only IAM)"
            )
        )
    findings += [Finding(problem) for problem in deferred.run(partial(_ip_endpoint_problems, r.props)) or []]
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
    if r.type != GKE_CLUSTER or is_autopilot(r):
        return []  # Autopilot clusters are always enrolled in a release channel (REGULAR unless set)
    allowed = config_list(config, "allowedChannels")
    channel = as_str(get(r.props, "releaseChannel", "channel"))
    if channel is None or channel == "UNSPECIFIED":
        return [Finding("releaseChannel.channel is not set: the cluster is not enrolled in a release channel")]
    if allowed and channel not in allowed:
        return [Finding(f'releaseChannel.channel "{channel}" is not one of {", ".join(allowed)}')]
    return []


def _repair_off_without_flex_start(pool: Mapping[str, Any]) -> bool:
    """Auto-repair turned off on a pool that is not flex-start: GKE requires auto-repair off on flex-start
    pools (GoogleCloudPlatform/cluster-toolkit modules/compute/gke-node-pool/main.tf @1047080, precondition
    "enable_flex_start needs node auto_repair set to false"), so only other pools are judged. ``flexStart``
    is read only when auto-repair is off, so an unknown ``flexStart`` hides nothing else."""
    return is_false(get(pool, "management", "autoRepair")) and not is_true(get(pool, "nodeConfig", "flexStart"))


def check_auto_repair(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    deferred = Deferred()
    findings = [
        Finding(f"{prefix}management.autoRepair is false")
        for prefix, pool in pool_blocks(r, deferred)
        if deferred.run(partial(_repair_off_without_flex_start, pool))
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


# --- upgrades, alpha, observability, supply chain, node image -------------------------------------


def in_release_channel(cluster: Mapping[str, Any]) -> bool:
    """A cluster enrolled in a release channel (Autopilot always is); GKE then keeps node auto-upgrade on."""
    if is_true(get(cluster, "enableAutopilot")):
        return True
    channel = as_str(get(cluster, "releaseChannel", "channel"))
    return channel is not None and channel != "UNSPECIFIED"


_NO_PATCHES = "the pool's nodes never get Kubernetes patch and security updates"


def check_node_auto_upgrade(resources: Sequence[StackResource], config: Mapping[str, Any]) -> list[Finding]:
    """Node pools keep auto-upgrade on unless a release channel does it for them (stack policy: a
    standalone pool is judged with the cluster it links to, found through its property dependencies).

    A pool whose cluster is not in the stack and turns auto-upgrade off fails too: GKE keeps node
    auto-upgrade on in release-channel clusters
    (https://cloud.google.com/kubernetes-engine/docs/how-to/node-auto-upgrades), so such a pool is in a
    cluster without one (or GKE rejects it).
    """
    deferred = Deferred()
    findings: list[Finding] = []
    for res in resources:
        if res.type == GKE_CLUSTER:
            if deferred.run(partial(in_release_channel, res.props)) is not False:
                continue
            for prefix, block in pool_blocks(Resource(res.type, res.name, res.urn, res.props), deferred):
                if deferred.run(partial(_false_at, block, "management", "autoUpgrade")):
                    findings.append(
                        Finding(
                            f"{prefix}management.autoUpgrade is false and the cluster is enrolled in no release "
                            f"channel: {_NO_PATCHES}",
                            urn=res.urn,
                        )
                    )
        elif res.type == GKE_NODE_POOL and deferred.run(partial(_false_at, res.props, "management", "autoUpgrade")):
            cluster = cluster_of(res, resources)
            if cluster is None:
                findings.append(
                    Finding(
                        "management.autoUpgrade is false and its cluster is not in this stack: GKE keeps node "
                        f"auto-upgrade on in release-channel clusters, so its cluster has none and {_NO_PATCHES}",
                        urn=res.urn,
                    )
                )
            elif deferred.run(partial(in_release_channel, cluster.props)) is False:
                findings.append(
                    Finding(
                        f"management.autoUpgrade is false and its cluster '{cluster.name}' is enrolled in no release "
                        f"channel: {_NO_PATCHES}",
                        urn=res.urn,
                    )
                )
    return deferred.finish(findings)


def check_alpha_cluster(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type == GKE_CLUSTER and is_true(get(r.props, "enableKubernetesAlpha")):
        return [
            Finding(
                "enableKubernetesAlpha is true: an alpha cluster runs unsupported alpha APIs, gets no SLA and is "
                "deleted after 30 days"
            )
        ]
    return []


def _empty_components(props: Mapping[str, Any], block: str) -> bool:
    """``<block>.enableComponents`` given as an empty list: a config with no components disables the service
    (absent, the provider leaves GKE's default components on)."""
    config = get(props, block)
    if not isinstance(config, Mapping) or "enableComponents" not in config:
        return False
    components = config["enableComponents"]
    return isinstance(components, Sequence) and not isinstance(components, str) and len(components) == 0


def check_logging_monitoring(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type != GKE_CLUSTER:
        return []
    deferred = Deferred()
    findings: list[Finding] = []
    for service, block, what in (
        ("loggingService", "loggingConfig", "Cloud Logging"),
        ("monitoringService", "monitoringConfig", "Cloud Monitoring"),
    ):
        if deferred.run(partial(_str_at, r.props, service)) == "none":
            findings.append(Finding(f'{service} is "none": the cluster sends nothing to {what}'))
        if deferred.run(partial(_empty_components, r.props, block)):
            findings.append(
                Finding(f"{block}.enableComponents is empty: the cluster sends no component to {what}")
            )
    return deferred.finish(findings)


def check_secrets_encryption(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type != GKE_CLUSTER:
        return []
    deferred = Deferred()
    state = deferred.run(partial(_str_at, r.props, "databaseEncryption", "state"))
    keyed = is_set_or_unknown(lambda: as_str(get(r.props, "databaseEncryption", "keyName")))
    if state == "ENCRYPTED" and keyed:
        return []
    findings: list[Finding] = []
    if state is not None:
        findings.append(
            Finding(
                'databaseEncryption is not "ENCRYPTED" with a Cloud KMS keyName: Kubernetes Secrets in etcd are '
                "encrypted only with Google-managed keys"
            )
        )
    return deferred.finish(findings)


def check_binary_authorization(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type != GKE_CLUSTER:
        return []
    if any_holds(
        lambda: _str_at(r.props, "binaryAuthorization", "evaluationMode") == "PROJECT_SINGLETON_POLICY_ENFORCE",
        lambda: is_true(get(r.props, "binaryAuthorization", "enabled")),
    ):
        return []
    return [
        Finding(
            'binaryAuthorization.evaluationMode is not "PROJECT_SINGLETON_POLICY_ENFORCE": the cluster runs images '
            "without checking them against a Binary Authorization policy"
        )
    ]


def check_intranode_visibility(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    if r.type == GKE_CLUSTER and not is_true(get(r.props, "enableIntranodeVisibility")):
        return [
            Finding(
                "enableIntranodeVisibility is not true: pod-to-pod traffic on one node bypasses the VPC, its flow "
                "logs and firewall rules"
            )
        ]
    return []


_COS_DEVICE_PLUGIN_OFF = "gke-no-default-nvidia-gpu-device-plugin"
"""Node label with which GKE leaves a pool's GPUs to the NVIDIA GPU Operator
(https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/google-gke.html)."""


def _nvidia_gpus(node_config: Mapping[str, Any]) -> bool:
    types = [as_str(get(a, "type")) or "" for a in as_list(get(node_config, "guestAccelerators"))]
    if any(t.lower().startswith("nvidia") for t in types):
        return True
    machine = as_str(get(node_config, "machineType"))
    shape = catalog.machine_shape("gke", machine) if machine else None
    accelerator = shape.accelerator if shape is not None else gke_machine_accelerator(machine)
    return accelerator is not None and not accelerator.upper().startswith("TPU")


def _driver_left_to_operator(node_config: Mapping[str, Any]) -> bool:
    """GKE's GPU driver or device plugin turned off for the pool: the GPU Operator (or a DRA driver) runs it."""
    versions = [
        as_str(get(a, "gpuDriverInstallationConfig", "gpuDriverVersion"))
        for a in as_list(get(node_config, "guestAccelerators"))
    ]
    return "INSTALLATION_DISABLED" in versions or is_true(get(node_config, "labels", _COS_DEVICE_PLUGIN_OFF))


def _image_problem(where: str, node_config: Mapping[str, Any], operator_in_stack: bool) -> str | None:
    image = _str_at(node_config, "imageType")
    if not image or image.upper().startswith("COS"):
        return None  # absent: GKE's default, COS_CONTAINERD
    if _nvidia_gpus(node_config) and (operator_in_stack or _driver_left_to_operator(node_config)):
        return None  # the NVIDIA GPU Operator's driver containers need Ubuntu nodes on GKE
    return f'{where}.imageType is "{image}", not "COS_CONTAINERD" (Container-Optimized OS)'


_DRIVER_BOUND = GPU_DRIVER_VERSION.below_int()
"""The first NVIDIA driver branch llm-d's images do not support, from the ``gpu-driver-version`` record."""


def _latest_drivers(where: str, node_config: Mapping[str, Any]) -> list[str]:
    """Where ``node_config`` asks GKE for its latest GPU driver (one entry per accelerator that does)."""
    accelerators = as_list(get(node_config, "guestAccelerators"))
    return [
        f"{where}.guestAccelerators[{i}].gpuDriverInstallationConfig.gpuDriverVersion"
        for i in range(len(accelerators))
        if _str_at(accelerators, i, "gpuDriverInstallationConfig", "gpuDriverVersion") == "LATEST"
    ]


def check_gpu_driver_latest(r: Resource, config: Mapping[str, Any]) -> list[Finding]:
    """GPU pools that ask for GKE's latest driver: it follows the node version and can be an R580+ branch
    (GKE installs the newest driver it supports for the version,
    https://cloud.google.com/kubernetes-engine/docs/how-to/gpus#installing_drivers), which llm-d's CUDA 12.9.1
    images (driver below R580, llm-d docs/getting-started/accelerators.md) and DeepEP's high-throughput
    kernels (llm-d guides/wide-ep, GKE README "GPU driver") do not support."""
    deferred = Deferred()
    findings: list[Finding] = []
    for where, node_config in node_configs(r, deferred):
        for path in deferred.run(partial(_latest_drivers, where, node_config)) or []:
            findings.append(
                Finding(
                    f'{path} is "LATEST": GKE\'s latest driver for the node version can be R{_DRIVER_BOUND} or newer, '
                    f"which llm-d's CUDA 12.9.1 images and DeepEP kernels do not support "
                    f"({GPU_DRIVER_VERSION.id}: {GPU_DRIVER_VERSION.threshold_text()})"
                )
            )
    return deferred.finish(findings)


def check_cos_image(resources: Sequence[StackResource], config: Mapping[str, Any]) -> list[Finding]:
    """Nodes run Container-Optimized OS, except GPU pools whose driver the NVIDIA GPU Operator (or a DRA
    driver) provides — GKE's driver disabled on the pool, or an operator installed by the stack."""
    operator_in_stack = any(installs_gpu_driver(res) for res in resources)
    deferred = Deferred()
    findings: list[Finding] = []
    for res in resources:
        if res.type not in _GKE:
            continue
        for where, node_config in node_configs(Resource(res.type, res.name, res.urn, res.props), deferred):
            problem = deferred.run(partial(_image_problem, where, node_config, operator_in_stack))
            if problem:
                findings.append(Finding(problem, urn=res.urn))
    return deferred.finish(findings)


# --- the room's policies: each spec beside its check ------------------------------------------------

_GKE = frozenset({GKE_CLUSTER, GKE_NODE_POOL})
_CLUSTER = frozenset({GKE_CLUSTER})
_STACK: frozenset[str] = frozenset()
"""Types of the room's stack policies: none — they read the whole stack (``AnalyzeStack``), not a type."""

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
        "GKE node pools keep auto-repair on (except flex-start pools, where GKE requires it off).",
        check_auto_repair,
        _GKE,
        "advisory",
        "Remove management.auto_repair=False (auto-repair is on by default); flex-start pools "
        "(node_config.flex_start=True) keep it off.",
        (
            "CIS GKE 5.5.2",
            "CKV_GCP_9",
            "Trivy GCP-0063",
            "KICS acfdbec6",
            "GoogleCloudPlatform/cluster-toolkit modules/compute/gke-node-pool/main.tf (flex-start precondition)",
        ),
        "gke",
        severity="low",
    ),
    security_policy(
        "gke-node-auto-upgrade",
        "GKE node pools keep auto-upgrade on in clusters without a release channel (judged with the pool's "
        "cluster).",
        check_node_auto_upgrade,
        _STACK,
        "mandatory",
        "Remove management.auto_upgrade=False, or enroll the cluster in a release channel (which keeps node "
        "auto-upgrade on).",
        ("CIS GKE 5.5.3", "CKV_GCP_10", "Trivy GCP-0058", "KICS b139213e"),
        "gke",
        kind="stack",
    ),
    security_policy(
        "gke-alpha-cluster",
        "GKE clusters are not alpha clusters.",
        check_alpha_cluster,
        _CLUSTER,
        "mandatory",
        "Remove enable_kubernetes_alpha=True; alpha clusters are for short-lived tests only.",
        ("CIS GKE 5.10.2", "CKV2_GCP_19", "KICS 8ca7e731"),
        "gke",
        severity="medium",
    ),
    security_policy(
        "gke-logging-monitoring",
        "Cloud Logging and Cloud Monitoring stay on (a service of \"none\" or a config with no components is off).",
        check_logging_monitoring,
        _CLUSTER,
        "mandatory",
        'Remove logging_service/monitoring_service "none" and empty enable_components lists (GKE\'s defaults send '
        "system components and workloads).",
        (
            "CIS GKE 5.7.1",
            "CKV_GCP_1",
            "CKV_GCP_8",
            "Trivy GCP-0060",
            "Trivy GCP-0052",
            "KICS 4c7ebcb2",
            "KICS 30e8dfd2",
        ),
        "gke",
        severity="medium",
    ),
    security_policy(
        "gke-secrets-encryption",
        "Kubernetes Secrets are encrypted at the application layer with a Cloud KMS key (advisory; set it "
        "mandatory in the policy config where required).",
        check_secrets_encryption,
        _CLUSTER,
        "advisory",
        'Set database_encryption state="ENCRYPTED" with key_name of a Cloud KMS key the GKE service agent may use.',
        ("CIS GKE 5.3.1", "KICS 83d1c89f"),
        "gke",
        severity="medium",
    ),
    security_policy(
        "gke-binary-authorization",
        "Binary Authorization enforces the project's image policy.",
        check_binary_authorization,
        _CLUSTER,
        "advisory",
        'Set binary_authorization evaluation_mode="PROJECT_SINGLETON_POLICY_ENFORCE" (and a policy admitting '
        "llm-d's images).",
        ("CIS GKE 5.1.4", "CKV_GCP_66", "KICS 4ca625e5"),
        "gke",
        severity="low",
    ),
    security_policy(
        "gke-intranode-visibility",
        "Intranode visibility puts pod-to-pod traffic on one node through the VPC network.",
        check_intranode_visibility,
        _CLUSTER,
        "advisory",
        "Set enable_intranode_visibility=True (with VPC flow logs on the subnet).",
        ("CIS GKE 5.6.1", "CKV_GCP_61"),
        "gke",
        severity="low",
    ),
    security_policy(
        "gke-cos-image",
        "Nodes run Container-Optimized OS with containerd, except GPU pools whose driver the NVIDIA GPU Operator "
        "provides.",
        check_cos_image,
        _STACK,
        "advisory",
        'Keep node_config.image_type "COS_CONTAINERD" (GKE\'s default); GPU pools served by the NVIDIA GPU Operator '
        "(Ubuntu nodes) are exempt.",
        ("CIS GKE 5.5.1", "CKV_GCP_22", "Trivy GCP-0054", "KICS 8a893e46"),
        "gke",
        severity="low",
        kind="stack",
    ),
    security_policy(
        "gke-gpu-driver-latest",
        f"GKE GPU pools do not ask for GKE's latest NVIDIA driver, which can be an R{_DRIVER_BOUND}+ branch llm-d's "
        "images do not support.",
        check_gpu_driver_latest,
        _GKE,
        "advisory",
        'Set gpu_driver_installation_config.gpu_driver_version="DEFAULT" (and check that GKE\'s default driver for '
        f'the node version is below R{_DRIVER_BOUND}), or "INSTALLATION_DISABLED" with a driver you pin below '
        f"R{_DRIVER_BOUND} (e.g. through the NVIDIA GPU Operator).",
        (
            GPU_DRIVER_VERSION.id,
            "llm-d docs/getting-started/accelerators.md",
            "https://github.com/llm-d/llm-d/tree/main/guides/wide-ep",
            "https://cloud.google.com/kubernetes-engine/docs/how-to/gpus#installing_drivers",
        ),
        "gke",
        severity="medium",
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
