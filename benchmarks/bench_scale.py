"""Goal 3: a raw program of 10,000 resources previewed end to end, and how time and memory grow.

Each size runs in a fresh process (``--child N``): the program (``tests/perf_plans.raw_program``:
GKE clusters and GPU node pools, DOKS clusters, Helm releases and ConfigMaps, written with the
typed SDK classes) under the offline engine (``run_callable``, preview), then ``analyze_plan`` on
its plan. The parent prints wall and CPU time of each phase and the child's peak resident memory,
then the growth per resource between sizes (linear: the same slope at every step) against the
30 s bound for 10,000 resources, with the machine's core count. No assertions.

    python benchmarks/bench_scale.py [--sizes 1000,5000,10000]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BOUND_S = 30.0


def child(n: int) -> None:
    sys.path.insert(0, str(REPO))
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    from llmd_infra.plan.analyze import analyze_plan
    from llmd_infra.plan.engine import run_callable
    from tests.perf_plans import raw_program

    imported_wall = time.perf_counter()
    plan = run_callable(raw_program(n), project="scale", stack="scale")
    ran_wall, ran_cpu = time.perf_counter(), time.process_time()
    analysis = analyze_plan(plan)
    done_wall, done_cpu = time.perf_counter(), time.process_time()
    print(json.dumps({
        "resources": len(plan),
        "import_s": imported_wall - start_wall,
        "run_s": ran_wall - imported_wall,
        "analyze_s": done_wall - ran_wall,
        "total_s": done_wall - start_wall,
        "cpu_s": done_cpu - start_cpu,
        "run_cpu_s": ran_cpu - start_cpu,
        "violations": len(analysis.violations),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return {}

    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"cores: {os.cpu_count()}")
    rows = []
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], cwd=REPO, capture_output=True,
                             text=True, check=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"{row['resources']:6d} resources: end to end {row['total_s']:6.1f} s wall "
              f"(imports {row['import_s']:.1f}, program {row['run_s']:.1f}, policies {row['analyze_s']:.2f}), "
              f"{row['cpu_s']:6.1f} s CPU, peak {row['peak_mib']:5.0f} MiB, {row['violations']} violations")
    for a, b in itertools.pairwise(rows):
        added = b["resources"] - a["resources"]
        print(f"  {a['resources']} -> {b['resources']}: +{(b['run_cpu_s'] - a['run_cpu_s']) / added * 1000:.2f} ms "
              f"CPU and +{(b['peak_mib'] - a['peak_mib']) / added * 1024:.0f} KiB peak memory per added resource")
    last = rows[-1]
    print(f"{last['resources']} resources end to end: {last['total_s']:.1f} s wall (goal < {BOUND_S:.0f} s: "
          f"{'met' if last['total_s'] < BOUND_S else 'NOT met'}) on {os.cpu_count()} cores")
    return {"scale_wall_s": last["total_s"], "scale_peak_mib": last["peak_mib"]}


if __name__ == "__main__":
    main()
