"""``llmd-infra node-check --cluster``: read the NodeCheck DaemonSet's results back, summarised per pool.

The results are the ``node-check-<node>`` ConfigMaps the agent writes (labels
:data:`~llmd_infra.preflight.names.RESULT_LABELS`). They are read with ``kubectl get configmaps -o
json`` through the user's kubeconfig — the Kubernetes Python client is not a dependency of
llmd-infra — and grouped by the node label ``llm-d.ai/pool`` (or ``--pool-label``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llmd_infra.preflight.checks import JUDGED
from llmd_infra.preflight.model import SCHEMA
from llmd_infra.preflight.names import NODE_ANNOTATION, RESULT_KEY, RESULT_SELECTOR

KUBECTL_TIMEOUT_S = 60

Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


class ClusterReadError(Exception):
    """The results cannot be read (no kubectl, no kubeconfig, kubectl failed)."""


@dataclass(frozen=True)
class NodeResult:
    node: str
    pool: str
    verdict: str
    statuses: dict[str, str]
    failures: list[dict[str, str]]


@dataclass
class PoolSummary:
    pool: str
    nodes: list[str] = field(default_factory=list)
    verdicts: Counter[str] = field(default_factory=Counter)
    requirements: dict[str, Counter[str]] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pool": self.pool,
            "nodes": self.nodes,
            "verdicts": dict(self.verdicts),
            "requirements": {k: dict(v) for k, v in self.requirements.items()},
            "failures": self.failures,
        }


@dataclass
class ClusterSummary:
    namespace: str
    pool_label: str
    pools: list[PoolSummary]
    problems: list[str]

    @property
    def node_count(self) -> int:
        return sum(len(p.nodes) for p in self.pools)

    @property
    def exit_code(self) -> int:
        """1 when a node fails a mandatory requirement."""
        return 1 if any(p.verdicts.get("fail") for p in self.pools) else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "namespace": self.namespace,
            "poolLabel": self.pool_label,
            "nodes": self.node_count,
            "pools": [p.to_dict() for p in self.pools],
            "problems": self.problems,
        }


def _default_runner(cmd: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), capture_output=True, text=True, timeout=KUBECTL_TIMEOUT_S, check=False)


def _check_kubeconfig(kubeconfig: str | None) -> None:
    if kubeconfig:
        if not Path(kubeconfig).is_file():
            raise ClusterReadError(f"kubeconfig {kubeconfig} does not exist")
        return
    env = os.environ.get("KUBECONFIG", "")
    if env:
        if not any(Path(p).is_file() for p in env.split(os.pathsep) if p):
            raise ClusterReadError(f"KUBECONFIG names no existing file ({env})")
        return
    default = Path.home() / ".kube" / "config"
    if not default.is_file():
        raise ClusterReadError(f"no kubeconfig: pass --kubeconfig FILE or set KUBECONFIG (no {default})")


def read_configmaps(
    namespace: str,
    kubeconfig: str | None = None,
    context: str | None = None,
    runner: Runner = _default_runner,
) -> list[dict[str, Any]]:
    """The result ConfigMaps, as ``kubectl get configmaps -o json`` returns them."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise ClusterReadError(
            "kubectl is not on PATH; node-check --cluster reads the results with "
            f"`kubectl get configmaps -n {namespace} -l {RESULT_SELECTOR} -o json`"
        )
    _check_kubeconfig(kubeconfig)
    cmd = [kubectl, "get", "configmaps", "-n", namespace, "-l", RESULT_SELECTOR, "-o", "json"]
    if kubeconfig:
        cmd += ["--kubeconfig", kubeconfig]
    if context:
        cmd += ["--context", context]
    try:
        proc = runner(cmd)
    except subprocess.TimeoutExpired:
        raise ClusterReadError(f"kubectl get configmaps did not finish within {KUBECTL_TIMEOUT_S} s") from None
    if proc.returncode != 0:
        said = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        detail = f": {said[0]}" if said else ""
        raise ClusterReadError(f"kubectl get configmaps -n {namespace} failed (exit {proc.returncode}){detail}")
    try:
        items = json.loads(proc.stdout).get("items", [])
    except (json.JSONDecodeError, AttributeError):
        raise ClusterReadError("kubectl get configmaps printed no JSON list") from None
    return [i for i in items if isinstance(i, dict)]


def _node_result(item: dict[str, Any], pool_label: str) -> NodeResult:
    meta = item.get("metadata") or {}
    name = meta.get("name", "?")
    text = (item.get("data") or {}).get(RESULT_KEY)
    if not text:
        raise ValueError(f"ConfigMap {name} has no {RESULT_KEY}")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"ConfigMap {name}: {RESULT_KEY} is not JSON ({exc.msg})") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise ValueError(f"ConfigMap {name}: {RESULT_KEY} is not a {SCHEMA} report")
    node_info = doc.get("node") or {}
    node = node_info.get("name") or (meta.get("annotations") or {}).get(NODE_ANNOTATION) or name
    labels = node_info.get("labels") or {}
    pool = labels.get(pool_label) or f"(no {pool_label} label)"
    statuses = {r["id"]: r["status"] for r in doc.get("results", []) if "id" in r and "status" in r}
    failures = [
        {"node": node, "id": r["id"], "enforcement": r.get("enforcement", ""), "message": r.get("message", "")}
        for r in doc.get("results", [])
        if r.get("status") == "fail"
    ]
    return NodeResult(node, pool, str(doc.get("verdict", "unknown")), statuses, failures)


def summarise(items: list[dict[str, Any]], namespace: str, pool_label: str) -> ClusterSummary:
    pools: dict[str, PoolSummary] = {}
    problems: list[str] = []
    for item in items:
        try:
            result = _node_result(item, pool_label)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        pool = pools.setdefault(result.pool, PoolSummary(result.pool))
        pool.nodes.append(result.node)
        pool.verdicts[result.verdict] += 1
        for record in JUDGED:
            status = result.statuses.get(record.id)
            if status is not None:
                pool.requirements.setdefault(record.id, Counter())[status] += 1
        pool.failures += result.failures
    for pool in pools.values():
        pool.nodes.sort()
    return ClusterSummary(namespace, pool_label, [pools[k] for k in sorted(pools)], problems)


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{n} {k}" for k, n in sorted(counter.items()))


def render_summary(summary: ClusterSummary, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(summary.to_dict(), indent=2) + "\n"
    md = fmt == "markdown"
    head = (
        f"node-check results in namespace {summary.namespace}: {summary.node_count} node(s) in "
        f"{len(summary.pools)} pool(s) (by {summary.pool_label})"
    )
    lines = [f"### {head}" if md else head]
    if not summary.pools:
        lines.append("no results yet: is the NodeCheck component deployed, and are accelerator nodes up?")
    for pool in summary.pools:
        title = f"pool {pool.pool}: {len(pool.nodes)} node(s), {_counts(pool.verdicts)}"
        if md:
            lines += ["", f"**{title}**", "", "| Requirement | Nodes |", "| --- | --- |"]
            lines += [f"| `{rid}` | {_counts(c)} |" for rid, c in pool.requirements.items()]
            lines += [""] + [f"- {f['node']} `{f['id']}` ({f['enforcement']}): {f['message']}" for f in pool.failures]
        else:
            width = max((len(r) for r in pool.requirements), default=0)
            lines += ["", title, *(f"  {rid:<{width}}  {_counts(c)}" for rid, c in pool.requirements.items())]
            lines += [f"  FAIL {f['node']} {f['id']} ({f['enforcement']}): {f['message']}" for f in pool.failures]
    for problem in summary.problems:
        lines.append(f"unreadable result: {problem}")
    return "\n".join(lines) + "\n"
