"""``llmd-infra``: offline previews with a policy verdict, the requirement table, image checks.

Exit codes: 0 fine, 1 mandatory policy violations (``image-check``: a convention fails), 2 bad input
(config, project, program or image errors — reported as a message, with the traceback only under
``--debug``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from llmd_infra import requirements as reqs
from llmd_infra import schema_cli
from llmd_infra.errors import LlmdInfraError, ProgramError, ProjectError

EXIT_OK = 0
EXIT_MANDATORY = 1
EXIT_BAD_INPUT = 2


def _find_project_root(start: Path) -> Path:
    for candidate in (start, *start.parents):
        if (candidate / "Pulumi.yaml").is_file() or (candidate / "Pulumi.yml").is_file():
            return candidate
    raise ProjectError(f"no Pulumi.yaml in {start} or any folder above it")


def _resolve_target(args: argparse.Namespace) -> tuple[Path, str, Path | None]:
    """(project dir, stack name, explicit config file) from the preview arguments."""
    if args.program:
        if args.target:
            raise ProjectError("give either STACK or --program, not both")
        return Path(args.program), args.stack or "dev", None
    if not args.target:
        raise ProjectError("name a stack (e.g. gke-a3-ultra), a Pulumi.<stack>.yaml file, or --program DIR")
    target = Path(args.target)
    if target.suffix in (".yaml", ".yml") or target.is_file():
        if not target.is_file():
            raise ProjectError(f"stack config file {target} does not exist")
        name = target.name
        if not (name.startswith("Pulumi.") and name.count(".") >= 2):
            raise ProjectError(f"{target} is not named Pulumi.<stack>.yaml")
        stack = args.stack or name[len("Pulumi.") : name.rindex(".")]
        project_dir = Path(args.project_dir) if args.project_dir else _find_project_root(target.resolve().parent)
        return project_dir, stack, target
    project_dir = Path(args.project_dir) if args.project_dir else _find_project_root(Path.cwd())
    return project_dir, args.target, None


def _parse_config(pairs: Sequence[str]) -> dict[str, str]:
    config: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ProjectError(f"--config expects key=value, got '{pair}'")
        config[key] = value
    return config


def _cmd_preview(args: argparse.Namespace, out: Console, err: Console) -> int:
    from llmd_infra.plan.analyze import analyze_plan, load_policy_config
    from llmd_infra.plan.engine import run_program
    from llmd_infra.report import render

    project_dir, stack, config_file = _resolve_target(args)
    if config_file is None and not args.program:
        from llmd_infra.plan.project import load_project

        project = load_project(project_dir)
        if not project.stack_file(stack).is_file():
            known = ", ".join(project.stacks()) or "none"
            raise ProjectError(f"no stack '{stack}' in {project.stack_config_dir}; ready stacks: {known}")
    policy_config = load_policy_config(Path(args.policy_config)) if args.policy_config else None
    plan = run_program(
        project_dir,
        stack,
        config=_parse_config(args.config),
        config_file=config_file,
        preview=not args.update,
    )
    analysis = analyze_plan(plan, policy_config)
    text = render(args.format, plan, analysis)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        err.print(f"wrote {args.format} report to {args.output}")
    else:
        out.file.write(text)
        out.file.flush()
    return EXIT_MANDATORY if analysis.mandatory else EXIT_OK


def requirements_markdown() -> str:
    """The README's requirement table, generated from the records."""
    lines = [
        "| Id | Requirement | Threshold | Default enforcement | llm-d's words |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in reqs.REQUIREMENTS:
        lines.append(f"| `{r.id}` | {r.title} | {r.threshold_text()} | {r.enforcement.value} | {r.seed} |")
    return "\n".join(lines) + "\n"


def _cmd_requirements(args: argparse.Namespace, out: Console, err: Console) -> int:
    if args.format == "markdown":
        out.file.write(requirements_markdown())
        return EXIT_OK
    if args.format == "json":
        import json

        out.file.write(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "title": r.title,
                        "category": r.category.value,
                        "enforcement": r.enforcement.value,
                        "threshold": r.threshold_text(),
                        "seed": r.seed,
                    }
                    for r in reqs.REQUIREMENTS
                ],
                indent=2,
            )
            + "\n"
        )
        return EXIT_OK
    from rich.table import Table

    table = Table(title="llm-d infrastructure prerequisites", show_lines=False)
    for column in ("Id", "Requirement", "Threshold", "Enforcement", "Seed"):
        table.add_column(column, overflow="fold")
    for r in reqs.REQUIREMENTS:
        table.add_row(r.id, r.title, r.threshold_text(), r.enforcement.value, r.seed)
    out.print(table)
    return EXIT_OK


def _cmd_policies(args: argparse.Namespace, out: Console, err: Console) -> int:
    from llmd_infra.policy import listing

    if args.format == "markdown":
        out.file.write(listing.render_markdown())
        return EXIT_OK
    if args.format == "json":
        out.file.write(listing.render_json())
        return EXIT_OK
    from rich.table import Table

    table = Table(title="llmd-infra policy pack", show_lines=False)
    for column in ("Id", "Providers", "Enforcement", "What it checks", "Anchors", "Requirement"):
        table.add_column(column, overflow="fold")
    for item in listing.entries():
        table.add_row(
            item["id"],
            ", ".join(item["providers"]),
            item["enforcement"] + (" (preview only)" if item["harnessOnly"] else ""),
            item["checks"],
            ", ".join(item["anchors"]),
            item["requirement"] or "",
        )
    out.print(table)
    return EXIT_OK


def _cmd_stacks(args: argparse.Namespace, out: Console, err: Console) -> int:
    from llmd_infra.plan.project import load_project

    project = load_project(Path(args.project_dir) if args.project_dir else _find_project_root(Path.cwd()))
    for name in project.stacks():
        out.print(name, highlight=False)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="llmd-infra",
        description="llm-d-ready Kubernetes clusters with Pulumi: offline previews and policy verdicts.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of program errors")
    sub = parser.add_subparsers(dest="command", required=True)

    preview = sub.add_parser("preview", help="record what a stack or program would create, and judge it")
    preview.add_argument("target", nargs="?", help="stack name in stacks/, or a path to Pulumi.<stack>.yaml")
    preview.add_argument("--program", metavar="DIR", help="any Pulumi Python project folder (with Pulumi.yaml)")
    preview.add_argument("--stack", help="stack name (with --program; default dev)")
    preview.add_argument("--project-dir", metavar="DIR", help="project folder (default: nearest Pulumi.yaml)")
    preview.add_argument("--config", action="append", default=[], metavar="KEY=VALUE",
                         help="config override, as `pulumi config set` (repeatable)")
    preview.add_argument("--format", choices=("text", "json", "sarif", "markdown"), default="text")
    preview.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    preview.add_argument("--policy-config", metavar="FILE", help="policy pack config (JSON, as --policy-pack-config)")
    preview.add_argument("--update", action="store_true",
                         help="mock an update instead of a preview (computed outputs get fake values)")
    preview.set_defaults(handler=_cmd_preview)

    requirements = sub.add_parser("requirements", help="print llm-d's requirements as encoded here")
    requirements.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    requirements.set_defaults(handler=_cmd_requirements)

    policies = sub.add_parser("policies", help="list every policy of the pack: providers, enforcement, anchors")
    policies.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    policies.set_defaults(handler=_cmd_policies)

    stacks = sub.add_parser("stacks", help="list the ready stacks of the project")
    stacks.add_argument("--project-dir", metavar="DIR")
    stacks.set_defaults(handler=_cmd_stacks)

    from llmd_infra.preflight.cli import add_parser as add_node_check

    add_node_check(sub)
    schema_cli.add_parser(sub)
    from llmd_infra.image import cli as image_cli

    image_cli.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    out = Console(file=sys.stdout, width=140, soft_wrap=True)
    err = Console(file=sys.stderr, width=140, soft_wrap=True)
    try:
        code: int = args.handler(args, out, err)
        return code
    except LlmdInfraError as exc:
        err.print(f"error: {exc}", highlight=False, markup=False)
        if args.debug and isinstance(exc, ProgramError) and exc.details:
            err.print(exc.details, highlight=False, markup=False)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
