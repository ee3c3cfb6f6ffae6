"""Wall time of an offline preview of every ready stack (the largest one is the headline).

Plain script, no assertions: prints per-stack timings and the ratio of the largest stack's preview
time to the engine's fixed cost (a one-resource program), best of N runs.

    python benchmarks/bench_preview.py [--repeat N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from llmd_infra.plan.engine import run_callable, run_program
from llmd_infra.plan.project import load_project

REPO = Path(__file__).resolve().parents[1]


def _time(fn: object, repeat: int) -> tuple[float, int]:
    samples = []
    count = 0
    for _ in range(repeat):
        start = time.perf_counter()
        plan = fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
        count = len(plan)
    return min(samples), count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    def tiny() -> None:
        import pulumi_kubernetes as k8s

        k8s.core.v1.Namespace("ns")

    baseline, _ = _time(lambda: run_callable(tiny), args.repeat)
    print(f"engine fixed cost (1 resource): {baseline * 1000:.1f} ms")
    results = []
    for stack in load_project(REPO).stacks():
        best, count = _time(lambda stack=stack: run_program(REPO, stack), args.repeat)
        results.append((count, best, stack))
        per_resource = best / max(count, 1) * 1000
        print(f"{stack:24s} {count:4d} resources  preview {best * 1000:8.1f} ms  ({per_resource:.2f} ms/resource)")
    if results:
        count, best, stack = max(results)
        print(f"largest stack: {stack} ({count} resources): {best * 1000:.1f} ms, "
              f"{best / baseline:.1f}x the fixed cost; median of all stacks "
              f"{statistics.median(r[1] for r in results) * 1000:.1f} ms")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
