"""Benchmark: the policy pack over a synthetic 10,000-resource plan.

Prints timings (no assertions). Compares ``analyze_plan`` (per-type servicers, unjudged types
skipped) with a naive bridge that sends every resource to one servicer holding every policy, as
the engine does with the subprocess pack. Run: ``python benchmarks/bench_policy.py [N]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llmd_infra.plan.analyze import (
    analyze_plan,
    analyze_request,
    configure_request,
    new_servicer,
    stack_request,
    violations_from,
)
from llmd_infra.plan.graph import Plan, PlannedResource
from llmd_infra.plan.values import UNKNOWN
from llmd_infra.policy import config as pack_config
from llmd_infra.policy.pack import ALL_POLICIES, PACK_POLICIES

STACK = "urn:pulumi:bench::bench::pulumi:pulumi:Stack::bench-bench"


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:bench::bench::{type_}::{name}"


def synthetic_plan(n: int) -> Plan:
    """~n resources: per 100, 1 GKE cluster, 9 GPU/TPU node pools, 2 DOKS, 2 Helm, 86 ConfigMaps."""
    resources: list[PlannedResource] = []
    i = 0
    while len(resources) < n:
        cluster = urn("gcp:container/cluster:Cluster", f"c{i}")
        resources.append(
            PlannedResource(
                urn=cluster,
                type="gcp:container/cluster:Cluster",
                name=f"c{i}",
                parent=STACK,
                custom=True,
                inputs={
                    "location": "us-central1-a",
                    "minMasterVersion": "1.28",
                    "removeDefaultNodePool": True,
                    "privateClusterConfig": {"enablePrivateNodes": True},
                },
                protect=i % 2 == 0,
            )
        )
        for j in range(9):
            machine, accel = [
                ("a3-ultragpu-8g", "nvidia-h200-141gb"),
                ("g2-standard-96", "nvidia-l4"),
                ("n1-standard-8", "nvidia-tesla-t4"),
            ][j % 3]
            resources.append(
                PlannedResource(
                    urn=urn("gcp:container/nodePool:NodePool", f"p{i}-{j}"),
                    type="gcp:container/nodePool:NodePool",
                    name=f"p{i}-{j}",
                    parent=STACK,
                    custom=True,
                    dependencies=[cluster],
                    inputs={
                        "cluster": UNKNOWN,
                        "location": "us-central1",
                        "nodeLocations": ["us-central1-a", "us-central1-b"],
                        "nodeConfig": {
                            "machineType": machine,
                            "labels": {"llm-d.ai/multi-host": "true"},
                            "guestAccelerators": [{"type": accel, "count": 8}],
                        },
                    },
                )
            )
        for j in range(2):
            resources.append(
                PlannedResource(
                    urn=urn("digitalocean:index/kubernetesCluster:KubernetesCluster", f"d{i}-{j}"),
                    type="digitalocean:index/kubernetesCluster:KubernetesCluster",
                    name=f"d{i}-{j}",
                    parent=STACK,
                    custom=True,
                    inputs={"version": "1.28.2-do.0", "nodePool": {"name": "gpu", "size": "gpu-h100x8-640gb"}},
                )
            )
            resources.append(
                PlannedResource(
                    urn=urn("kubernetes:helm.sh/v3:Release", f"lws{i}-{j}"),
                    type="kubernetes:helm.sh/v3:Release",
                    name=f"lws{i}-{j}",
                    parent=STACK,
                    custom=True,
                    inputs={"chart": "oci://registry.k8s.io/lws/charts/lws", "version": "0.6.0"},
                )
            )
        for j in range(86):
            resources.append(
                PlannedResource(
                    urn=urn("kubernetes:core/v1:ConfigMap", f"cm{i}-{j}"),
                    type="kubernetes:core/v1:ConfigMap",
                    name=f"cm{i}-{j}",
                    parent=STACK,
                    custom=True,
                    inputs={"data": {"k": "v" * 20}},
                )
            )
        i += 1
    resources = resources[:n]
    for r in resources:
        r.outputs = dict(r.inputs)
    return Plan("bench", "bench", True, resources, {"kubeconfig": "x"}, stack_urn=STACK)


def naive(plan: Plan) -> int:
    reconciled = pack_config.reconcile(ALL_POLICIES)
    servicer = new_servicer(PACK_POLICIES)
    servicer.Configure(
        configure_request({k: v for k, v in reconciled.items() if k in {p.name for p in PACK_POLICIES}}), None
    )
    count = 0
    for r in plan.resources:
        count += len(violations_from(servicer.Analyze(analyze_request(r, {}), None), r.urn))
    count += len(violations_from(servicer.AnalyzeStack(stack_request(plan), None), ""))
    return count


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    t0 = time.perf_counter()
    plan = synthetic_plan(n)
    t1 = time.perf_counter()
    analysis = analyze_plan(plan)
    t2 = time.perf_counter()
    naive_count = naive(plan)
    t3 = time.perf_counter()
    print(f"resources: {len(plan.resources)}  policies: {len(PACK_POLICIES)} in the pack, {len(ALL_POLICIES)} in all")
    print(f"build synthetic plan:       {t1 - t0:7.2f} s")
    print(
        f"analyze_plan:               {t2 - t1:7.2f} s  ({(t2 - t1) / n * 1e6:6.0f} us/resource)  "
        f"violations={len(analysis.violations)} mandatory={len(analysis.mandatory)} notes={len(analysis.notes)}"
    )
    print(
        f"naive (one servicer, all):  {t3 - t2:7.2f} s  ({(t3 - t2) / n * 1e6:6.0f} us/resource)  "
        f"violations={naive_count}"
    )
    print(f"speed-up:                   {(t3 - t2) / (t2 - t1):7.2f} x")


if __name__ == "__main__":
    main()
