"""``llmd-infra image-check PATH``: judge a vLLM image against llm-d's conventions, no runtime needed.

Exit codes: 0 no convention fails, 1 at least one fails, 2 bad input (not an image, a corrupt or
incomplete archive, an unknown platform) — reported as one message.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from llmd_infra.image.errors import ImageError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def add_parser(subparsers: Any) -> None:
    """Register ``image-check`` on the ``llmd-infra`` subcommand parser."""
    parser = subparsers.add_parser(
        "image-check",
        help="check a vLLM image (OCI layout, docker save/OCI archive, or config JSON) against llm-d's conventions",
        description="Reads the image without a container runtime and reports each convention as pass, fail or "
        "unknown. Exit codes: 0 none fails, 1 a convention fails, 2 bad input.",
    )
    parser.add_argument("path", metavar="PATH",
                        help="OCI layout directory, docker save / OCI archive (.tar, .tar.gz), or image config JSON")
    parser.add_argument("--format", choices=("text", "json", "sarif", "markdown"), default="text")
    parser.add_argument("--platform", metavar="OS/ARCH[/VARIANT]",
                        help="check only this platform of a multi-platform image (default: every platform)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.set_defaults(handler=_handle)


def _handle(args: argparse.Namespace, out: Any, err: Any) -> int:
    return run(args)


def run(args: argparse.Namespace) -> int:
    """Check ``args.path``; print or write the report; return the exit code."""
    from llmd_infra.image.check import check_image
    from llmd_infra.image.render import render

    try:
        report = check_image(args.path, args.platform)
    except ImageError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_BAD_INPUT
    text = render(args.format, report)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        sys.stderr.write(f"wrote {args.format} report to {args.output}\n")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return EXIT_FAILED if report.failed else EXIT_OK
