"""Offline-engine fakes for DigitalOcean Kubernetes: outputs of an update run and answers to provider functions.

Gathered by :mod:`llmd_infra.plan.fakes` through the registry. Addresses come from the documentation
range 203.0.113.0/24 (RFC 5737).
"""

from __future__ import annotations

from typing import Any

from llmd_infra.plan.fakes import FAKE_CA, InvokeFactory, OutputFactory, fake_ip, fake_uuid


def _raw_kubeconfig(cluster: str, endpoint: str, token: str) -> str:
    """A kubeconfig shaped like the one DOKS returns (bearer-token user ``do-<cluster>-admin``)."""
    return (
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: "
        f"{FAKE_CA}\n    server: {endpoint}\n  name: do-{cluster}\n"
        f"contexts:\n- context:\n    cluster: do-{cluster}\n    user: do-{cluster}-admin\n  name: do-{cluster}\n"
        f"current-context: do-{cluster}\nusers:\n- name: do-{cluster}-admin\n  user:\n    token: {token}\n"
    )


def _doks_cluster(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    cluster_id = fake_uuid(name)
    endpoint = f"https://{cluster_id}.k8s.ondigitalocean.com"
    raw = _raw_kubeconfig(str(inputs.get("name", name)), endpoint, "offline-token")
    return cluster_id, {
        "endpoint": endpoint,
        "ipv4Address": fake_ip(name),
        "status": "running",
        "urn": f"do:kubernetes:{cluster_id}",
        "kubeConfigs": [
            {"rawConfig": raw, "host": endpoint, "clusterCaCertificate": FAKE_CA, "token": "offline-token"}
        ],
    }


def _get_doks_cluster(args: dict[str, Any]) -> dict[str, Any]:
    """``get_kubernetes_cluster``: the cluster looked up by name, with a credential minted for this lookup
    (the DOKS provider builds its Kubernetes provider from it at every run)."""
    name = str(args.get("name", "cluster"))
    cluster_id = fake_uuid(name)
    endpoint = f"https://{cluster_id}.k8s.ondigitalocean.com"
    token = "offline-fresh-token"
    return {
        "id": cluster_id,
        "name": name,
        "endpoint": endpoint,
        "status": "running",
        "kubeConfigs": [
            {
                "rawConfig": _raw_kubeconfig(name, endpoint, token),
                "host": endpoint,
                "clusterCaCertificate": FAKE_CA,
                "token": token,
                "clientCertificate": "",
                "clientKey": "",
                "expiresAt": "2000-01-08T00:00:00Z",
            }
        ],
    }


def _doks_node_pool(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return fake_uuid(name), {"actualNodeCount": inputs.get("nodeCount") or inputs.get("minNodes") or 1, "nodes": []}


OUTPUTS: dict[str, OutputFactory] = {
    "digitalocean:index/kubernetesCluster:KubernetesCluster": _doks_cluster,
    "digitalocean:index/kubernetesNodePool:KubernetesNodePool": _doks_node_pool,
}

INVOKES: dict[str, InvokeFactory] = {
    "digitalocean:index/getKubernetesCluster:getKubernetesCluster": _get_doks_cluster,
    "digitalocean:index/getKubernetesVersions:getKubernetesVersions": lambda args: {
        "latestVersion": f"{args.get('versionPrefix', '1.34.')}1-do.0",
        "validVersions": [f"{args.get('versionPrefix', '1.34.')}1-do.0"],
        "id": "versions",
    },
}

ADDITIONAL_SECRET_OUTPUTS: dict[str, tuple[str, ...]] = {
    # The SDK asks the engine to mark these outputs secret; the mock monitor would not.
    "digitalocean:index/kubernetesCluster:KubernetesCluster": ("kubeConfigs",),
}
