"""Offline-engine fakes for GKE: outputs of an update run and answers to provider functions.

Gathered by :mod:`llmd_infra.plan.fakes` through the registry. Addresses come from the documentation
range 203.0.113.0/24 (RFC 5737).
"""

from __future__ import annotations

import hashlib
from typing import Any

from llmd_infra.plan.fakes import FAKE_CA, InvokeFactory, OutputFactory, fake_ip


def _gke_cluster(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    project = inputs.get("project", "offline-project")
    location = inputs.get("location", "us-central1")
    cluster = inputs.get("name", name)
    return f"projects/{project}/locations/{location}/clusters/{cluster}", {
        "endpoint": fake_ip(name),
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


OUTPUTS: dict[str, OutputFactory] = {
    "gcp:container/cluster:Cluster": _gke_cluster,
    "gcp:container/nodePool:NodePool": _gke_node_pool,
    "gcp:compute/network:Network": _gcp_compute,
    "gcp:compute/subnetwork:Subnetwork": _gcp_compute,
    "gcp:serviceaccount/account:Account": _gcp_service_account,
}

def _gcp_project(args: dict[str, Any]) -> dict[str, Any]:
    """A project with a stable 12-digit fake number (the GKE service agent's name is built from it)."""
    project = args.get("projectId") or "offline-project"
    number = str(10**11 + int(hashlib.sha256(project.encode()).hexdigest(), 16) % (9 * 10**11))
    return {"projectId": project, "number": number, "name": project, "id": f"projects/{project}"}


INVOKES: dict[str, InvokeFactory] = {
    "gcp:organizations/getProject:getProject": _gcp_project,
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
}

ADDITIONAL_SECRET_OUTPUTS: dict[str, tuple[str, ...]] = {}
