"""Realistic fake outputs for a non-preview ("update") run, and answers to provider functions.

In preview the engine returns a new resource's inputs and leaves every computed output unknown;
that needs no table. An update run instead shows what a program does once outputs are known
(kubeconfig rendering, providers built from cluster endpoints), so the types whose computed outputs
programs read get plausible values here. Addresses come from the documentation range 203.0.113.0/24.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

FAKE_CA = base64.b64encode(
    b"-----BEGIN CERTIFICATE-----\nllmd-infra offline plan\n-----END CERTIFICATE-----\n"
).decode()


def _ip(name: str) -> str:
    return f"203.0.113.{int(hashlib.sha256(name.encode()).hexdigest(), 16) % 250 + 2}"


def _uuid(name: str) -> str:
    h = hashlib.sha256(name.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _gke_cluster(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    project = inputs.get("project", "offline-project")
    location = inputs.get("location", "us-central1")
    cluster = inputs.get("name", name)
    return f"projects/{project}/locations/{location}/clusters/{cluster}", {
        "endpoint": _ip(name),
        "masterAuth": {"clusterCaCertificate": FAKE_CA, "clientCertificateConfig": {"issueClientCertificate": False}},
        "masterVersion": inputs.get("minMasterVersion") or "1.33.5-gke.1000000",
        "selfLink": f"https://container.googleapis.com/v1/projects/{project}/locations/{location}/clusters/{cluster}",
        "operation": "",
    }


def _gke_node_pool(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    pool = inputs.get("name", name)
    return f"{inputs.get('location', 'us-central1')}/{inputs.get('cluster', 'cluster')}/{pool}", {
        "instanceGroupUrls": [],
        "managedInstanceGroupUrls": [],
        "operation": "",
    }


def _gcp_compute(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    project = inputs.get("project", "offline-project")
    resource = inputs.get("name", name)
    return f"projects/{project}/global/networks/{resource}", {
        "selfLink": f"https://www.googleapis.com/compute/v1/projects/{project}/global/{resource}",
    }


def _gcp_service_account(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    project = inputs.get("project", "offline-project")
    account = inputs.get("accountId", name)
    email = f"{account}@{project}.iam.gserviceaccount.com"
    return f"projects/{project}/serviceAccounts/{email}", {"email": email, "member": f"serviceAccount:{email}"}


def _doks_cluster(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    cluster_id = _uuid(name)
    endpoint = f"https://{cluster_id}.k8s.ondigitalocean.com"
    raw = (
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: "
        f"{FAKE_CA}\n    server: {endpoint}\n  name: do-{inputs.get('name', name)}\n"
        "contexts:\n- context:\n    cluster: do-{0}\n    user: do-{0}-admin\n  name: do-{0}\n"
        "current-context: do-{0}\nusers:\n- name: do-{0}-admin\n  user:\n    token: offline-token\n"
    ).replace("{0}", str(inputs.get("name", name)))
    return cluster_id, {
        "endpoint": endpoint,
        "ipv4Address": _ip(name),
        "status": "running",
        "urn": f"do:kubernetes:{cluster_id}",
        "kubeConfigs": [
            {"rawConfig": raw, "host": endpoint, "clusterCaCertificate": FAKE_CA, "token": "offline-token"}
        ],
    }


def _doks_node_pool(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return _uuid(name), {"actualNodeCount": inputs.get("nodeCount") or inputs.get("minNodes") or 1, "nodes": []}


OutputFactory = Callable[[str, dict[str, Any]], tuple[str, dict[str, Any]]]

OUTPUTS: dict[str, OutputFactory] = {
    "gcp:container/cluster:Cluster": _gke_cluster,
    "gcp:container/nodePool:NodePool": _gke_node_pool,
    "gcp:compute/network:Network": _gcp_compute,
    "gcp:compute/subnetwork:Subnetwork": _gcp_compute,
    "gcp:serviceaccount/account:Account": _gcp_service_account,
    "digitalocean:index/kubernetesCluster:KubernetesCluster": _doks_cluster,
    "digitalocean:index/kubernetesNodePool:KubernetesNodePool": _doks_node_pool,
}

ADDITIONAL_SECRET_OUTPUTS: dict[str, tuple[str, ...]] = {
    # The SDKs ask the engine to mark these outputs secret; the mock monitor would not.
    "digitalocean:index/kubernetesCluster:KubernetesCluster": ("kubeConfigs",),
}


def fake_outputs(type_token: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """An id and the state a real create would return (inputs plus computed outputs)."""
    factory = OUTPUTS.get(type_token)
    if factory is None:
        return f"{name}-id", dict(inputs)
    resource_id, computed = factory(name, inputs)
    return resource_id, {**inputs, **computed}


INVOKES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "gcp:organizations/getClientConfig:getClientConfig": lambda args: {
        "accessToken": "offline-access-token",
        "project": "offline-project",
        "region": "us-central1",
        "zone": "us-central1-a",
        "id": "offline",
    },
    "gcp:compute/getZones:getZones": lambda args: {
        "names": [f"{args.get('region', 'us-central1')}-{z}" for z in ("a", "b", "c")],
        "id": "zones",
    },
    "digitalocean:index/getKubernetesVersions:getKubernetesVersions": lambda args: {
        "latestVersion": f"{args.get('versionPrefix', '1.34.')}1-do.0",
        "validVersions": [f"{args.get('versionPrefix', '1.34.')}1-do.0"],
        "id": "versions",
    },
}


def fake_invoke(token: str, args: dict[str, Any]) -> dict[str, Any]:
    """The answer to a provider function; unknown functions return an empty result."""
    factory = INVOKES.get(token)
    return factory(args) if factory else {}
