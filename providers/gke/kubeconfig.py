"""A kubeconfig for a GKE cluster that holds no credential: ``gke-gcloud-auth-plugin`` mints tokens."""

from __future__ import annotations

import json

import pulumi

AUTH_PLUGIN = "gke-gcloud-auth-plugin"
INSTALL_HINT = (
    "Install gke-gcloud-auth-plugin for use with kubectl by following "
    "https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin"
)


def render_kubeconfig(context: str, endpoint: str, ca_certificate: str) -> str:
    """The kubeconfig document (JSON is valid YAML) for one cluster endpoint."""
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": context,
                "cluster": {"server": f"https://{endpoint}", "certificate-authority-data": ca_certificate},
            }
        ],
        "contexts": [{"name": context, "context": {"cluster": context, "user": context}}],
        "current-context": context,
        "preferences": {},
        "users": [
            {
                "name": context,
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": AUTH_PLUGIN,
                        "installHint": INSTALL_HINT,
                        "provideClusterInfo": True,
                        "interactiveMode": "IfAvailable",
                    }
                },
            }
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=False)


def kubeconfig_output(
    project: pulumi.Input[str],
    location: pulumi.Input[str],
    name: pulumi.Input[str],
    endpoint: pulumi.Input[str],
    ca_certificate: pulumi.Input[str],
) -> pulumi.Output[str]:
    """The kubeconfig as a secret Output (the endpoint and CA are not secret, but the whole
    document is treated as one, like every provider's kubeconfig)."""
    rendered = pulumi.Output.all(project, location, name, endpoint, ca_certificate).apply(
        lambda v: render_kubeconfig(f"gke_{v[0]}_{v[1]}_{v[2]}", str(v[3]), str(v[4]))
    )
    return pulumi.Output.secret(rendered)
