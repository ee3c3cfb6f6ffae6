"""The three performance goals in one run, each against its peer or bound, with the core count.

1. cold ``llmd-infra preview gke-a3-ultra --format json`` vs Checkov on the same infrastructure
   written as Terraform (``bench_cold_preview.py``; the peer is skipped, with a message, when no
   ``checkov`` is given through ``--checkov`` or ``$CHECKOV``);
2. the policy pack over 1,000 and 10,000 generated resources through ``analyze_plan``
   (``bench_policy.py``);
3. a raw program of 10,000 resources previewed and judged end to end (``bench_scale.py``).

Prints each script's own lines, then a summary. No assertions (timings are never test results).

    CHECKOV=/tmp/checkov-venv/bin/checkov python benchmarks/run_all.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_cold_preview
import bench_policy
import bench_scale


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the cold preview benchmark")
    parser.add_argument("--checkov", help="path of the checkov executable (default: $CHECKOV, then PATH)")
    args = parser.parse_args(argv)

    print("== 1. cold preview vs Checkov ==")
    peer = ["--checkov", args.checkov] if args.checkov else []
    cold = bench_cold_preview.main(["--rounds", str(args.rounds), *peer])
    print("\n== 2. policy evaluation at 1,000 and 10,000 resources ==")
    policy = bench_policy.main(["--repeat", "3"])
    print("\n== 3. a 10,000-resource raw program end to end ==")
    scale = bench_scale.main(["--sizes", "1000,5000,10000"])

    print(f"\n== summary ({os.cpu_count()} cores) ==")
    if "wall_ratio" in cold:
        print(f"1. preview/Checkov wall {cold['wall_ratio']:.2f}x (goal <= 0.5x), "
              f"peak memory {cold['memory_ratio']:.2f}x (goal <= 1x): "
              f"{cold['preview_wall_s']:.2f} s vs {cold['checkov_wall_s']:.2f} s, "
              f"{cold['preview_peak_mib']:.0f} vs {cold['checkov_peak_mib']:.0f} MiB")
    else:
        print(f"1. preview {cold['preview_wall_s']:.2f} s, {cold['preview_peak_mib']:.0f} MiB (Checkov not run)")
    print(f"2. 10,000 resources judged in {policy['policy_10k_wall_s']:.2f} s wall (goal < 1 s), "
          f"growth 1,000 -> 10,000 {policy['policy_growth']:.1f}x (goal < 12x)")
    print(f"3. 10,000-resource program end to end {scale['scale_wall_s']:.1f} s wall (goal < 30 s), "
          f"peak {scale['scale_peak_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
