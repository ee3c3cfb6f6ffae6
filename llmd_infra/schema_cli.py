"""``llmd-infra schema``: the Pulumi package schema of the ``llmd-infra`` component provider.

The schema is what the Pulumi SDK's analyzer infers from the hosted components (never written by
hand); ``provider/schema.json`` is a copy of this command's output that a test keeps current.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0


def schema_text() -> str:
    """The schema as committed: two-space JSON, keys in the analyzer's order, a final newline."""
    from llmd_infra.component_provider import package_schema

    return json.dumps(package_schema(), indent=2) + "\n"


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register ``schema`` on the ``llmd-infra`` command line."""
    parser = subparsers.add_parser(
        "schema", help="print the Pulumi package schema of the llmd-infra components (inferred by the SDK)"
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write the schema to FILE instead of stdout")

    def handler(args: argparse.Namespace, *_consoles: Any) -> int:
        return run(args)

    parser.set_defaults(handler=handler)


def run(args: argparse.Namespace) -> int:
    """Print (or write) the schema; errors such as a missing provider SDK propagate as ``LlmdInfraError``."""
    text = schema_text()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        sys.stderr.write(f"wrote the llmd-infra package schema to {args.output}\n")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return EXIT_OK
