"""Wall time of ``node-check`` on a captured 8 x H200 host tree (the tests' compliant host).

Plain script, no assertions: prints the best and median time of one check (sysfs/procfs reading plus the
stand-in nvidia-smi), the same without running any tool, the share the tools take, and the time of a
``--capture`` of that tree.

    python benchmarks/bench_node_check.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llmd_infra.preflight import check_host
from llmd_infra.preflight.capture import capture
from llmd_infra.preflight.model import ToolRun
from tests.preflight_trees import DATA, fake_tool, h200_host


def _no_tool(name: str, args: tuple[str, ...]) -> ToolRun:
    return ToolRun(name=name, args=args, found=False, problem=f"{name} not found on PATH")


def _times(fn: object, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        h200_host(root)
        fake_tool(Path(tmp) / "bin", "nvidia-smi", DATA / "h200-nvidia-smi.csv")
        os.environ["PATH"] = f"{Path(tmp) / 'bin'}:{os.environ.get('PATH', '')}"
        full = _times(lambda: check_host(root), args.repeat)
        sysfs = _times(lambda: check_host(root, run_tool=_no_tool), args.repeat)
        caps = [Path(tmp) / f"cap{i}" for i in range(3)]
        captured = [_times(lambda c=c: capture(c, root), 1)[0] for c in caps]
    print(f"node-check, 8 x H200 tree, {args.repeat} runs")
    print(f"  full check (sysfs + nvidia-smi stand-in): best {min(full) * 1000:.1f} ms, "
          f"median {statistics.median(full) * 1000:.1f} ms")
    print(f"  sysfs/procfs only:                        best {min(sysfs) * 1000:.1f} ms, "
          f"median {statistics.median(sysfs) * 1000:.1f} ms")
    print(f"  tools' share of the check: {1 - statistics.median(sysfs) / statistics.median(full):.0%}")
    print(f"  --capture of the tree: best {min(captured) * 1000:.1f} ms "
          f"({min(captured) / statistics.median(full):.1f} x a check)")


if __name__ == "__main__":
    main()
