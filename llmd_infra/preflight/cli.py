"""``llmd-infra node-check``: check this host, a captured tree, or a cluster's nodes.

Exit codes: 0 no mandatory requirement fails, 1 a mandatory requirement fails (on the host, or on
any node with ``--cluster``), 2 bad usage (unknown folder, non-empty capture folder, no kubectl or
kubeconfig). A missing tool or file is never an error: the requirement it answers is ``unknown``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_MANDATORY = 1
EXIT_USAGE = 2


class _UsageError(Exception):
    pass


def add_parser(subparsers: Any) -> None:
    """Register ``node-check`` on the ``llmd-infra`` sub-command parsers."""
    from llmd_infra.preflight.names import NAMESPACE, POOL_LABEL
    from llmd_infra.preflight.render import FORMATS

    p = subparsers.add_parser(
        "node-check",
        help="check this host (or a captured tree, or a cluster's nodes) against llm-d's requirements",
        description=(
            "Read CPU topology, memory, PCIe links, NICs, RDMA ports, GPUs/TPUs and the NVIDIA driver, and judge "
            "every requirement a host can answer as pass, fail or unknown. Exit 1 when a mandatory one fails."
        ),
    )
    p.add_argument("--root", metavar="DIR", help="read /proc, /sys and /dev from a captured tree instead of /")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument(
        "--multi-host", action="store_true",
        help="this node serves multi-host inference: judge accelerator-interconnect as mandatory",
    )
    p.add_argument("--capture", metavar="DIR", help="also write the files read and the tools' output to DIR")
    p.add_argument("--cluster", action="store_true", help="summarise the NodeCheck DaemonSet's results per pool")
    p.add_argument(
        "--kubeconfig", metavar="FILE", help="with --cluster: kubeconfig (default: KUBECONFIG, ~/.kube/config)"
    )
    p.add_argument("--context", help="with --cluster: kubeconfig context")
    p.add_argument(
        "--namespace", default=NAMESPACE, help=f"with --cluster: namespace of the results (default {NAMESPACE})"
    )
    p.add_argument(
        "--pool-label", default=POOL_LABEL, help=f"with --cluster: node label naming pools (default {POOL_LABEL})"
    )
    p.set_defaults(handler=lambda args, out, err: run(args))


def _emit(text: str, output: str | None) -> None:
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
        print(f"wrote report to {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _run_cluster(args: argparse.Namespace) -> int:
    from llmd_infra.preflight.cluster import ClusterReadError, read_configmaps, render_summary, summarise

    if args.root or args.capture or args.multi_host:
        raise _UsageError("--cluster reads the nodes' published results; it takes no --root, --capture or --multi-host")
    try:
        items = read_configmaps(args.namespace, args.kubeconfig, args.context)
    except ClusterReadError as exc:
        raise _UsageError(str(exc)) from None
    summary = summarise(items, args.namespace, args.pool_label)
    _emit(render_summary(summary, args.format), args.output)
    return summary.exit_code


def _run_host(args: argparse.Namespace) -> int:
    from llmd_infra.preflight import check_host
    from llmd_infra.preflight.capture import CaptureError, capture
    from llmd_infra.preflight.render import render

    if args.kubeconfig or args.context:
        raise _UsageError("--kubeconfig and --context go with --cluster")
    root = Path(args.root) if args.root else Path("/")
    if not root.is_dir():
        raise _UsageError(f"--root {args.root}: no such directory")
    if args.capture:
        try:
            report = capture(Path(args.capture), root, multi_host=args.multi_host)
        except CaptureError as exc:
            raise _UsageError(str(exc)) from None
        print(f"captured the files read and the tools' output in {args.capture}", file=sys.stderr)
    else:
        report = check_host(root, multi_host=args.multi_host)
    _emit(render(report, args.format), args.output)
    return report.exit_code


def run(args: argparse.Namespace) -> int:
    """Run ``node-check`` with parsed arguments; the exit code."""
    try:
        return _run_cluster(args) if args.cluster else _run_host(args)
    except _UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
