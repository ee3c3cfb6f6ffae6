"""Goal 2: the policy pack over generated plans of 1,000 and 10,000 resources, through ``analyze_plan``.

Prints the best-of-N wall and CPU time of the public analysis API at both sizes, the growth from
1,000 to 10,000 (linear would be 10x; the goal is < 12x), the 10,000-resource time against its
1 s bound, and the machine's core count. ``--reference`` also times the reference path
(``analyze_plan_by_servicer``: every resource through pulumi_policy's servicer as protobuf, which is
how the pack was run before) once, and checks both verdicts are equal. No assertions.

    python benchmarks/bench_policy.py [--repeat N] [--reference]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llmd_infra.plan.analyze import analyze_plan, analyze_plan_by_servicer
from llmd_infra.policy.pack import ALL_POLICIES, PACK_POLICIES
from tests.perf_plans import synthetic_plan

SIZES = (1_000, 10_000)
BOUND_S = 1.0
GROWTH_BOUND = 12.0


def timed(fn: object, repeat: int) -> tuple[float, float, object]:
    """Best wall and best CPU seconds of ``repeat`` calls, and the last result."""
    walls, cpus = [], []
    result = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()  # type: ignore[operator]
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return min(walls), min(cpus), result


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reference", action="store_true", help="also time the servicer path once")
    args = parser.parse_args(argv)

    print(f"cores: {os.cpu_count()}  policies: {len(PACK_POLICIES)} in the pack, {len(ALL_POLICIES)} in all")
    results: dict[int, tuple[float, float]] = {}
    for n in SIZES:
        plan = synthetic_plan(n)
        analyze_plan(plan)  # warm: caches of the pack (type -> policies), imports
        wall, cpu, analysis = timed(lambda plan=plan: analyze_plan(plan), args.repeat)
        results[n] = (wall, cpu)
        print(f"analyze_plan {n:6d} resources: {wall:6.3f} s wall, {cpu:6.3f} s CPU "
              f"({wall / n * 1e6:5.0f} us/resource), {len(analysis.violations)} violations")  # type: ignore[attr-defined]
        if args.reference and n == SIZES[-1]:
            ref_wall, _, reference = timed(lambda plan=plan: analyze_plan_by_servicer(plan), 1)
            same = reference.violations == analysis.violations  # type: ignore[attr-defined]
            print(f"  reference (servicer, protobuf per policy): {ref_wall:6.3f} s wall, "
                  f"{ref_wall / wall:.1f}x slower; same verdict: {same}")
    small, large = results[SIZES[0]], results[SIZES[-1]]
    growth = large[0] / small[0]
    print(f"growth {SIZES[0]} -> {SIZES[-1]}: {growth:.1f}x wall, {large[1] / small[1]:.1f}x CPU "
          f"(goal < {GROWTH_BOUND:.0f}x: {'met' if growth < GROWTH_BOUND else 'NOT met'})")
    print(f"{SIZES[-1]} resources: {large[0]:.3f} s wall (goal < {BOUND_S:.0f} s: "
          f"{'met' if large[0] < BOUND_S else 'NOT met'}) on {os.cpu_count()} cores")
    return {"policy_10k_wall_s": large[0], "policy_10k_cpu_s": large[1], "policy_growth": growth}


if __name__ == "__main__":
    main()
