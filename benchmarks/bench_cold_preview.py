"""Goal 1: a cold ``llmd-infra preview gke-a3-ultra --format json`` against Checkov on the same infrastructure.

Each round starts both tools as fresh processes, one after the other (the order alternates), so both
see the same machine load; the script prints the median wall time and the peak resident memory of
each, their ratios and the machine's core count. No assertions: the bound (preview <= 0.5x Checkov's
wall time, peak memory no higher) is printed next to the ratio.

The peer runs ``checkov -d benchmarks/terraform/gke-a3-ultra --framework terraform`` (the stack
written as Terraform, resource for resource) with ``--skip-download`` (no calls to the vendor's API,
which an offline machine would only time out on) and ``-o json`` (like ``--format json``). Checkov is
not a dependency of this project: install it into its own virtualenv and name its executable with
``--checkov`` or the ``CHECKOV`` environment variable; without it only the preview is timed.

    python -m venv /tmp/checkov-venv && /tmp/checkov-venv/bin/pip install checkov
    CHECKOV=/tmp/checkov-venv/bin/checkov python benchmarks/bench_cold_preview.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TERRAFORM = REPO / "benchmarks" / "terraform" / "gke-a3-ultra"
STACK = "gke-a3-ultra"
WALL_BOUND = 0.5


@dataclass
class Run:
    wall_s: float
    peak_mib: float
    returncode: int


def measure(command: list[str], cwd: Path) -> Run:
    """Wall time and peak RSS of one child process (``wait4`` gives that child's own rusage)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_maxrss / 1024, process.returncode)


def preview_command() -> list[str]:
    """The installed ``llmd-infra`` script beside this interpreter, else ``python -m llmd_infra``."""
    script = Path(sys.executable).with_name("llmd-infra")
    base = [str(script)] if script.is_file() else [sys.executable, "-m", "llmd_infra"]
    return [*base, "preview", STACK, "--format", "json"]


def checkov_command(checkov: str) -> list[str]:
    return [checkov, "-d", str(TERRAFORM), "--framework", "terraform", "--skip-download", "-o", "json"]


def find_checkov(given: str | None) -> str | None:
    candidate = given or os.environ.get("CHECKOV") or shutil.which("checkov")
    if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    return None


def summary(runs: list[Run]) -> tuple[float, float]:
    return statistics.median(r.wall_s for r in runs), max(r.peak_mib for r in runs)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--checkov", help="path of the checkov executable (default: $CHECKOV, then PATH)")
    args = parser.parse_args(argv)

    checkov = find_checkov(args.checkov)
    preview = preview_command()
    print(f"cores: {os.cpu_count()}  rounds: {args.rounds}")
    print(f"preview: {' '.join(preview)}")
    if checkov is None:
        print("checkov: not found (give --checkov PATH or set CHECKOV); timing the preview alone")
    else:
        print(f"checkov: {' '.join(checkov_command(checkov))}")

    mine: list[Run] = []
    peer: list[Run] = []
    measure(preview, REPO)  # one unmeasured run: page cache and .pyc files, for both tools alike
    if checkov:
        measure(checkov_command(checkov), REPO)
    for i in range(args.rounds):
        order = [("preview", preview), ("checkov", checkov_command(checkov) if checkov else None)]
        if i % 2:
            order.reverse()
        for label, command in order:
            if command is None:
                continue
            run = measure(command, REPO)
            (mine if label == "preview" else peer).append(run)
            if run.returncode not in (0, 1):
                print(f"  warning: {label} exited {run.returncode}")

    wall, peak = summary(mine)
    result = {"preview_wall_s": wall, "preview_peak_mib": peak, "cores": float(os.cpu_count() or 0)}
    print(f"llmd-infra preview {STACK}: median {wall:.2f} s wall, peak {peak:.0f} MiB")
    if peer:
        peer_wall, peer_peak = summary(peer)
        ratio = wall / peer_wall
        result.update(checkov_wall_s=peer_wall, checkov_peak_mib=peer_peak, wall_ratio=ratio,
                      memory_ratio=peak / peer_peak)
        print(f"checkov (terraform equivalent):   median {peer_wall:.2f} s wall, peak {peer_peak:.0f} MiB")
        print(f"ratio preview/checkov: wall {ratio:.2f}x (goal <= {WALL_BOUND}x: "
              f"{'met' if ratio <= WALL_BOUND else 'NOT met'}), peak memory {peak / peer_peak:.2f}x "
              f"(goal <= 1.00x: {'met' if peak <= peer_peak else 'NOT met'}) on {os.cpu_count()} cores")
    return result


if __name__ == "__main__":
    main()
