"""Offline-engine fakes for OpenShift: the ambient kubeconfig and outputs of an update run.

Gathered by :mod:`llmd_infra.plan.fakes` through the registry. An existing cluster has no resource whose
outputs could carry its kubeconfig; with ``kubeconfig.source: ambient`` the program reads it through the
``command:local:run`` invoke of ``kubectl config view``, which the offline engine answers here with a
placeholder that holds no credential and points at a documentation address (RFC 5737).
"""

from __future__ import annotations

from typing import Any

from llmd_infra.plan.fakes import FAKE_CA, InvokeFactory, OutputFactory, fake_ip

KUBECTL_CONFIG_VIEW = "kubectl config view"


def offline_kubeconfig(context: str = "offline") -> str:
    """A syntactically complete kubeconfig with no credential (what the offline engine hands out)."""
    server = f"https://{fake_ip('openshift-api')}:6443"
    return (
        "apiVersion: v1\nkind: Config\n"
        f"clusters:\n- name: {context}\n  cluster:\n    server: {server}\n    certificate-authority-data: {FAKE_CA}\n"
        f"contexts:\n- name: {context}\n  context:\n    cluster: {context}\n    user: {context}\n"
        f"current-context: {context}\n"
        f"users:\n- name: {context}\n  user: {{}}\n"
    )


def _local_run(args: dict[str, Any]) -> dict[str, Any]:
    command = str(args.get("command", ""))
    if not command.startswith(KUBECTL_CONFIG_VIEW):
        return {"command": command, "stdout": "", "stderr": ""}
    context = command.split("--context", 1)[1].strip().strip("'") if "--context" in command else "offline"
    return {"command": command, "stdout": offline_kubeconfig(context), "stderr": ""}


def _placement_group(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    group = inputs.get("name", name)
    region = inputs.get("region", "us-east-1")
    return group, {
        "arn": f"arn:aws:ec2:{region}:123456789012:placement-group/{group}",
        "placementGroupId": "pg-0123456789abcdef0",
        "tagsAll": inputs.get("tags", {}),
    }


OUTPUTS: dict[str, OutputFactory] = {
    "aws:ec2/placementGroup:PlacementGroup": _placement_group,
}

INVOKES: dict[str, InvokeFactory] = {
    # pulumi_command's local.run; only `kubectl config view` is answered (the ambient kubeconfig).
    "command:local:run": _local_run,
}

ADDITIONAL_SECRET_OUTPUTS: dict[str, tuple[str, ...]] = {}
