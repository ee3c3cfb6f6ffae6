"""Offline-engine fakes for DigitalOcean Kubernetes: outputs of an update run and answers to provider functions.

Gathered by :mod:`llmd_infra.plan.fakes` through the registry. Addresses come from the documentation
range 203.0.113.0/24 (RFC 5737).
"""

from __future__ import annotations

from typing import Any

from llmd_infra.plan.fakes import FAKE_CA, InvokeFactory, OutputFactory, fake_ip, fake_uuid


def _doks_cluster(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    cluster_id = fake_uuid(name)
    endpoint = f"https://{cluster_id}.k8s.ondigitalocean.com"
    raw = (
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: "
        f"{FAKE_CA}\n    server: {endpoint}\n  name: do-{inputs.get('name', name)}\n"
        "contexts:\n- context:\n    cluster: do-{0}\n    user: do-{0}-admin\n  name: do-{0}\n"
        "current-context: do-{0}\nusers:\n- name: do-{0}-admin\n  user:\n    token: offline-token\n"
    ).replace("{0}", str(inputs.get("name", name)))
    return cluster_id, {
        "endpoint": endpoint,
        "ipv4Address": fake_ip(name),
        "status": "running",
        "urn": f"do:kubernetes:{cluster_id}",
        "kubeConfigs": [
            {"rawConfig": raw, "host": endpoint, "clusterCaCertificate": FAKE_CA, "token": "offline-token"}
        ],
    }


def _doks_node_pool(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return fake_uuid(name), {"actualNodeCount": inputs.get("nodeCount") or inputs.get("minNodes") or 1, "nodes": []}


OUTPUTS: dict[str, OutputFactory] = {
    "digitalocean:index/kubernetesCluster:KubernetesCluster": _doks_cluster,
    "digitalocean:index/kubernetesNodePool:KubernetesNodePool": _doks_node_pool,
}

INVOKES: dict[str, InvokeFactory] = {
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
