"""The node-check agent: runs the check on its node and publishes the report, in a loop.

This is what the :class:`~llmd_infra.preflight.component.NodeCheck` DaemonSet runs
(``python3 -m llmd_infra.preflight.agent --root /host``) on every accelerator node, with the host's
/proc, /sys and /dev mounted read-only under ``/host``. Each round it:

1. reads its Node (``NODE_NAME``) to learn whether it serves multi-host inference
   (``llm-d.ai/multi-host=true`` makes ``accelerator-interconnect`` mandatory) and its pool;
2. runs the check;
3. labels the Node ``node-check.llm-d.ai/<requirement id>=pass|fail|unknown`` and
   ``node-check.llm-d.ai/verdict=pass|advisory|fail``;
4. writes the JSON report to the ConfigMap ``node-check-<node>`` in its namespace.

It talks to the API server with its service account token over HTTPS using only the standard
library, so the image is a stock Python image and the code ships in a ConfigMap. API errors are
logged and retried next round; they never stop the loop.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from llmd_infra.preflight import check_host
from llmd_infra.preflight.model import Report
from llmd_infra.preflight.names import (
    LABEL_PREFIX,
    MULTI_HOST_LABEL,
    NAMESPACE,
    NODE_ANNOTATION,
    RESULT_KEY,
    RESULT_LABELS,
    VERDICT_LABEL,
    result_configmap_name,
)
from llmd_infra.preflight.render import render_json

SERVICE_ACCOUNT = Path("/var/run/secrets/kubernetes.io/serviceaccount")


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


class KubeApi:
    """A minimal Kubernetes API client: JSON requests with a bearer token."""

    def __init__(self, base_url: str, token: str = "", ca_file: str | None = None, timeout: float = 15) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.context = ssl.create_default_context(cafile=ca_file) if base_url.startswith("https") else None

    @classmethod
    def in_cluster(cls) -> KubeApi:
        host = os.environ.get("KUBERNETES_SERVICE_HOST", "")
        port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
        if not host:
            raise ApiError(0, "KUBERNETES_SERVICE_HOST is not set: not running in a pod")
        if ":" in host:
            host = f"[{host}]"
        token = (SERVICE_ACCOUNT / "token").read_text().strip()
        return cls(f"https://{host}:{port}", token, str(SERVICE_ACCOUNT / "ca.crt"))

    def request(
        self, method: str, path: str, body: object = None, content_type: str = "application/json"
    ) -> dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", content_type)
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout, context=self.context) as resp:
                payload = resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            with contextlib.suppress(json.JSONDecodeError, AttributeError):
                detail = json.loads(detail).get("message", detail)
            raise ApiError(exc.code, f"{method} {path}: {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise ApiError(0, f"{method} {path}: {exc}") from None
        parsed = json.loads(payload) if payload else {}
        return parsed if isinstance(parsed, dict) else {}


def node_labels(report: Report) -> dict[str, str]:
    """The labels the agent sets on its node."""
    labels = {f"{LABEL_PREFIX}{r.id}": r.status.value for r in report.results}
    labels[VERDICT_LABEL] = report.verdict
    return labels


def result_configmap(report: Report, namespace: str) -> dict[str, Any]:
    node = str(report.node.get("name", ""))
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": result_configmap_name(node),
            "namespace": namespace,
            "labels": {**RESULT_LABELS, VERDICT_LABEL: report.verdict},
            "annotations": {NODE_ANNOTATION: node},
        },
        "data": {RESULT_KEY: render_json(report)},
    }


def publish(api: KubeApi, report: Report, namespace: str) -> None:
    """Label the node and write (create or replace) its result ConfigMap."""
    node = str(report.node["name"])
    api.request(
        "PATCH",
        f"/api/v1/nodes/{quote(node)}",
        {"metadata": {"labels": node_labels(report)}},
        content_type="application/merge-patch+json",
    )
    body = result_configmap(report, namespace)
    name = body["metadata"]["name"]
    base = f"/api/v1/namespaces/{quote(namespace)}/configmaps"
    try:
        api.request("PUT", f"{base}/{quote(name)}", body)
    except ApiError as exc:
        if exc.status != 404:
            raise
        api.request("POST", base, body)


def run_once(api: KubeApi | None, node: str, root: str, namespace: str) -> Report:
    """One round: read the node, check the host, publish (``api=None``: check only)."""
    labels: dict[str, str] = {}
    if api is not None:
        try:
            meta = api.request("GET", f"/api/v1/nodes/{quote(node)}").get("metadata", {})
            labels = dict(meta.get("labels") or {})
        except ApiError as exc:
            print(f"node-check: cannot read node {node}: {exc}", file=sys.stderr, flush=True)
    multi_host = labels.get(MULTI_HOST_LABEL, "").lower() == "true"
    report = check_host(root, multi_host=multi_host, node={"name": node, "labels": labels})
    if api is not None:
        publish(api, report, namespace)
    return report


def _summary(report: Report) -> str:
    parts = " ".join(f"{r.id}={r.status.value}" for r in report.results)
    return f"node-check {report.node.get('name')}: {report.verdict} ({parts})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="llmd_infra.preflight.agent", description=__doc__.split("\n")[0])
    parser.add_argument("--root", default="/host", help="where the host's /proc, /sys and /dev are mounted")
    parser.add_argument("--namespace", default=os.environ.get("POD_NAMESPACE", NAMESPACE))
    parser.add_argument("--node", default=os.environ.get("NODE_NAME", ""), help="this node's name (NODE_NAME)")
    parser.add_argument("--interval-minutes", type=float, default=0, help="re-check period; 0 checks once")
    parser.add_argument("--dry-run", action="store_true", help="print the JSON report; do not call the API")
    args = parser.parse_args(argv)
    if not args.node and not args.dry_run:
        parser.error("--node or NODE_NAME is required")
    try:
        api = None if args.dry_run else KubeApi.in_cluster()
    except (ApiError, OSError) as exc:
        print(f"node-check: no in-cluster API access: {exc}", file=sys.stderr, flush=True)
        return 2
    while True:
        try:
            report = run_once(api, args.node, args.root, args.namespace)
            print(render_json(report) if args.dry_run else _summary(report), flush=True)
        except ApiError as exc:
            print(f"node-check: publishing failed, retrying next round: {exc}", file=sys.stderr, flush=True)
        if args.interval_minutes <= 0:
            return 0
        time.sleep(args.interval_minutes * 60)


if __name__ == "__main__":
    sys.exit(main())
