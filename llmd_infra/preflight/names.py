"""Names the node-check DaemonSet, its results and ``node-check --cluster`` agree on.

Standard library only (runs in the node-check DaemonSet).
"""

from __future__ import annotations

import hashlib

NAMESPACE = "llmd-node-check"
"""Namespace of the DaemonSet and of the result ConfigMaps."""

APP = "llmd-node-check"
RESULT_LABELS = {"app.kubernetes.io/name": APP, "app.kubernetes.io/component": "result"}
"""Labels of every result ConfigMap (``kubectl get configmaps -l`` selects them)."""
RESULT_SELECTOR = ",".join(f"{k}={v}" for k, v in RESULT_LABELS.items())
RESULT_KEY = "result.json"
"""ConfigMap data key holding the node's JSON report."""

LABEL_PREFIX = "node-check.llm-d.ai/"
"""Node labels: ``node-check.llm-d.ai/<requirement id>=pass|fail|unknown`` and ``.../verdict``."""
VERDICT_LABEL = f"{LABEL_PREFIX}verdict"
NODE_ANNOTATION = f"{LABEL_PREFIX}node"

MULTI_HOST_LABEL = "llm-d.ai/multi-host"
"""Same as :data:`llmd_infra.contract.MULTI_HOST_LABEL` (a test keeps them equal); restated because the
contract module imports Pulumi, which the DaemonSet's image does not have."""
POOL_LABEL = "llm-d.ai/pool"
"""Node label naming the llmd-infra pool a node belongs to (set by the providers' accelerator pools)."""

_MAX_NAME = 253


def result_configmap_name(node: str) -> str:
    """``node-check-<node>``, shortened with a hash when the node name is too long for a ConfigMap."""
    name = f"node-check-{node}"
    if len(name) <= _MAX_NAME:
        return name
    digest = hashlib.sha256(node.encode()).hexdigest()[:10]
    return f"{name[: _MAX_NAME - 11].rstrip('.-')}-{digest}"
