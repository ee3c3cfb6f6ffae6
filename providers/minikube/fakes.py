"""Offline-engine fakes for minikube: what the ``command:local:Command``s print in an update run.

In an update run (``llmd-infra preview --update``) the program reads the kubeconfig command's stdout,
so that command gets a flattened kubeconfig shaped like the one ``kubectl config view --flatten
--minify`` prints for a minikube profile: the docker driver publishes the API server on a
``127.0.0.1`` port (https://minikube.sigs.k8s.io/docs/drivers/docker/), and minikube names the
cluster, context and user after the profile. Certificates are placeholders. The ids follow
pulumi-command's shape (the resource name plus 8 hex digits, ``resource.NewUniqueHex(name, 8, 0)``
in provider/pkg/provider/local/command.go), made stable from the name.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from llmd_infra.plan.fakes import FAKE_CA, InvokeFactory, OutputFactory
from llmd_infra.providers.minikube.resources import LOCAL_COMMAND

_CONTEXT = re.compile(r"kubectl config view --flatten --minify --context (\S+)")
_PROFILE = re.compile(r"minikube start -p (\S+)")
FAKE_CLIENT = base64.b64encode(b"llmd-infra offline plan: no client key").decode()


def fake_kubeconfig(profile: str) -> str:
    """A flattened single-context kubeconfig for ``profile``, as kubectl prints it."""
    port = 32768 + int(hashlib.sha256(profile.encode()).hexdigest(), 16) % 1000
    return (
        "apiVersion: v1\n"
        "clusters:\n"
        "- cluster:\n"
        f"    certificate-authority-data: {FAKE_CA}\n"
        f"    server: https://127.0.0.1:{port}\n"
        f"  name: {profile}\n"
        "contexts:\n"
        "- context:\n"
        f"    cluster: {profile}\n"
        "    namespace: default\n"
        f"    user: {profile}\n"
        f"  name: {profile}\n"
        f"current-context: {profile}\n"
        "kind: Config\n"
        "preferences: {}\n"
        "users:\n"
        f"- name: {profile}\n"
        "  user:\n"
        f"    client-certificate-data: {FAKE_CLIENT}\n"
        f"    client-key-data: {FAKE_CLIENT}"
    )


def _local_command(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    create = str(inputs.get("create") or "")
    stdout = ""
    context = _CONTEXT.search(create)
    started = _PROFILE.search(create)
    if context:
        stdout = fake_kubeconfig(context.group(1))
    elif started:
        stdout = f'Done! kubectl is now configured to use "{started.group(1)}" cluster and "default" namespace'
    resource_id = f"{name}{hashlib.sha256(name.encode()).hexdigest()[:8]}"
    return resource_id, {"stdout": stdout, "stderr": ""}


OUTPUTS: dict[str, OutputFactory] = {LOCAL_COMMAND: _local_command}

INVOKES: dict[str, InvokeFactory] = {}

ADDITIONAL_SECRET_OUTPUTS: dict[str, tuple[str, ...]] = {}
"""The kubeconfig command asks for its stdout to be secret itself (``additional_secret_outputs``)."""

__all__ = ["ADDITIONAL_SECRET_OUTPUTS", "INVOKES", "OUTPUTS", "fake_kubeconfig"]
