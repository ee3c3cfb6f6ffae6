"""``llmd-infra``: offline previews with a policy verdict, the requirement table, image checks.

Exit codes: 0 fine, 1 mandatory policy violations (``image-check``: a convention fails) and nothing
else, 2 bad input (usage, config, project, program or image errors — one message, the traceback only
under ``--debug``), 3 an internal error of llmd-infra itself (a bug; ``--debug`` shows the traceback),
130 interrupted, 141 the reader of stdout went away (``| head``).

Subcommands are rows of :data:`COMMANDS`: each is a module (or object) with ``add_parser(subparsers)``
and ``run(args) -> int``, so adding one is one line here.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console

from llmd_infra import requirements as reqs
from llmd_infra.errors import LlmdInfraError, ProgramError, ProjectError, UsageError

EXIT_OK = 0
EXIT_MANDATORY = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE, as a shell reports a command whose reader closed the pipe."""


class Command(Protocol):
    """A subcommand: registers its parser, runs with the parsed arguments, returns the exit code."""

    def add_parser(self, subparsers: Any) -> argparse.ArgumentParser | None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def consoles() -> tuple[Console, Console]:
    """(stdout, stderr) consoles. rich detects the terminal: its width and colours on a TTY; on a
    pipe or file no colours and no width to wrap at (one line stays one line)."""
    out = Console(file=sys.stdout, soft_wrap=False)
    if not out.is_terminal:
        from llmd_infra.report.text import PLAIN_WIDTH

        out = Console(file=sys.stdout, soft_wrap=False, width=PLAIN_WIDTH)
    return out, Console(file=sys.stderr, soft_wrap=True)


@contextmanager
def status_line(err: Console, text: str) -> Iterator[Callable[[str], None]]:
    """A transient status line on stderr while work runs — on a terminal only, and cleared before
    the report is printed. Yields a function that replaces the text."""
    if not err.is_terminal:
        yield lambda _text: None
        return
    from rich.live import Live
    from rich.spinner import Spinner

    with Live(Spinner("dots", text), console=err, transient=True, refresh_per_second=12.5) as live:
        live.refresh()  # shown at once, however fast the work is
        yield lambda new: live.update(Spinner("dots", new), refresh=True)


# --- preview --------------------------------------------------------------------------------------


def _find_project_root(start: Path) -> Path:
    for candidate in (start, *start.parents):
        if (candidate / "Pulumi.yaml").is_file() or (candidate / "Pulumi.yml").is_file():
            return candidate
    raise ProjectError(f"no Pulumi.yaml in {start} or any folder above it")


def _resolve_target(args: argparse.Namespace) -> tuple[Path, str, Path | None]:
    """(project dir, stack name, explicit config file) from the preview arguments."""
    if args.program:
        if args.target:
            raise UsageError("give either STACK or --program, not both")
        return Path(args.program), args.stack or "dev", None
    if not args.target:
        raise UsageError("name a stack (e.g. gke-a3-ultra), a Pulumi.<stack>.yaml file, or --program DIR")
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
    if args.stack and args.stack != args.target:
        raise UsageError(f"--stack {args.stack} conflicts with the stack named {args.target}; give one of them")
    project_dir = Path(args.project_dir) if args.project_dir else _find_project_root(Path.cwd())
    return project_dir, args.target, None


def _parse_config(pairs: Sequence[str]) -> dict[str, str]:
    config: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--config expects key=value, got '{pair}'")
        config[key] = value
    return config


def _check_output(path: str | None) -> None:
    """Fail before running anything when the report could not be written."""
    if not path:
        return
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"--output {path} is a directory; name a file")
    parent = target.parent
    if not parent.is_dir():
        raise UsageError(f"--output {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise UsageError(f"--output {path}: not writable")


def _add_preview(sub: Any) -> argparse.ArgumentParser:
    preview: argparse.ArgumentParser = sub.add_parser(
        "preview", help="record what a stack or program would create, and judge it",
        description="Run a stack or a Pulumi Python program offline and judge it with the policy pack. "
        "Exit: 0 no mandatory violation, 1 mandatory violations, 2 bad input, 3 internal error.",
    )
    preview.add_argument("target", nargs="?", help="stack name in stacks/, or a path to Pulumi.<stack>.yaml")
    preview.add_argument("--program", metavar="DIR", help="any Pulumi Python project folder (with Pulumi.yaml)")
    preview.add_argument("--stack", help="stack name (with --program, default dev; or for a stack file)")
    preview.add_argument("--project-dir", metavar="DIR", help="project folder (default: nearest Pulumi.yaml)")
    preview.add_argument("--config", action="append", default=[], metavar="KEY=VALUE",
                         help="config override; KEY is a path as in `pulumi config set --path` "
                         "(e.g. llmd-infra:cluster.systemPool.nodeCount=3); repeatable")
    preview.add_argument("--format", choices=("text", "json", "sarif", "markdown"), default="text")
    preview.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    preview.add_argument("--policy-config", metavar="FILE", help="policy pack config (JSON, as --policy-pack-config)")
    preview.add_argument("--update", action="store_true",
                         help="mock an update instead of a preview (computed outputs get fake values)")
    return preview


def _run_preview(args: argparse.Namespace) -> int:
    from llmd_infra.plan.analyze import analyze_plan, load_policy_config
    from llmd_infra.plan.engine import run_program
    from llmd_infra.report import render
    from llmd_infra.report.text import render_to

    out, err = consoles()
    project_dir, stack, config_file = _resolve_target(args)
    overrides = _parse_config(args.config)
    _check_output(args.output)
    if config_file is None and not args.program:
        from llmd_infra.plan.project import load_project

        project = load_project(project_dir)
        if not project.stack_file(stack).is_file():
            known = ", ".join(project.stacks()) or "none"
            raise ProjectError(f"no stack '{stack}' in {project.stack_config_dir}; ready stacks: {known}")
    policy_config = load_policy_config(Path(args.policy_config)) if args.policy_config else None
    with status_line(err, f"Running {stack} under the offline engine…") as update:
        plan = run_program(project_dir, stack, config=overrides, config_file=config_file, preview=not args.update)
        update(f"Judging {len(plan.counted())} resources with the policy pack…")
        analysis = analyze_plan(plan, policy_config)
    if args.output:
        text = render(args.format, plan, analysis)
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write the report to {args.output}: {exc.strerror or exc}") from None
        err.print(f"wrote {args.format} report to {args.output}", highlight=False, markup=False)
    elif args.format == "text" and out.is_terminal:
        render_to(out, plan, analysis)
    else:
        out.file.write(render(args.format, plan, analysis))
        out.file.flush()
    return EXIT_MANDATORY if analysis.mandatory else EXIT_OK


# --- requirements, policies, stacks -----------------------------------------------------------


def requirements_markdown() -> str:
    """The README's requirement table, generated from the records."""
    lines = [
        "| Id | Requirement | Threshold | Default enforcement | llm-d's words |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in reqs.REQUIREMENTS:
        lines.append(f"| `{r.id}` | {r.title} | {r.threshold_text()} | {r.enforcement.value} | {r.seed} |")
    return "\n".join(lines) + "\n"


def _add_requirements(sub: Any) -> argparse.ArgumentParser:
    requirements: argparse.ArgumentParser = sub.add_parser(
        "requirements", help="print llm-d's requirements as encoded here"
    )
    requirements.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    return requirements


def _run_requirements(args: argparse.Namespace) -> int:
    out, _ = consoles()
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


def _add_policies(sub: Any) -> argparse.ArgumentParser:
    policies: argparse.ArgumentParser = sub.add_parser(
        "policies", help="list every policy of the pack: providers, enforcement, anchors"
    )
    policies.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    return policies


def _run_policies(args: argparse.Namespace) -> int:
    from llmd_infra.policy import listing

    out, _ = consoles()
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


def _add_stacks(sub: Any) -> argparse.ArgumentParser:
    stacks: argparse.ArgumentParser = sub.add_parser("stacks", help="list the ready stacks of the project")
    stacks.add_argument("--project-dir", metavar="DIR")
    return stacks


def _run_stacks(args: argparse.Namespace) -> int:
    from llmd_infra.plan.project import load_project

    out, _ = consoles()
    project = load_project(Path(args.project_dir) if args.project_dir else _find_project_root(Path.cwd()))
    for name in project.stacks():
        out.print(name, highlight=False, markup=False)
    return EXIT_OK


# --- the dispatch table ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Builtin:
    add_parser: Callable[[Any], argparse.ArgumentParser | None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: list[Command | str] = [
    _Builtin(_add_preview, _run_preview),
    _Builtin(_add_requirements, _run_requirements),
    _Builtin(_add_policies, _run_policies),
    _Builtin(_add_stacks, _run_stacks),
    # One line per further subcommand: a module path (imported when the parser is built) exposing
    # add_parser(subparsers) and run(args) -> int.
    "llmd_infra.preflight.cli",  # node-check
    "llmd_infra.schema_cli",  # schema
    "llmd_infra.image.cli",  # image-check
]

_DEBUG_HELP = "show full tracebacks (of program errors and internal errors)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="llmd-infra",
        description="llm-d-ready Kubernetes clusters with Pulumi: offline previews and policy verdicts.",
    )
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for entry in COMMANDS:
        command: Any = import_module(entry) if isinstance(entry, str) else entry
        before = set(sub.choices)
        command.add_parser(sub)
        for name in set(sub.choices) - before:
            subparser = sub.choices[name]
            subparser.set_defaults(_run=command.run)
            if "--debug" not in subparser._option_string_actions:
                # Also after the subcommand; SUPPRESS keeps a --debug given before it.
                subparser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors are 2, --help is 0
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    debug = bool(getattr(args, "debug", False))
    _, err = consoles()
    try:
        code: int = args._run(args)
        return code
    except LlmdInfraError as exc:
        err.print(f"error: {exc}", highlight=False, markup=False)
        if isinstance(exc, ProgramError) and exc.details:
            if debug:
                err.print(exc.details, highlight=False, markup=False)
            else:
                err.print("(--debug shows the full traceback)", highlight=False, markup=False, style="dim")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        err.print("interrupted", highlight=False, markup=False)
        return EXIT_INTERRUPTED
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_BROKEN_PIPE
        # A file that cannot be read or written is the environment's doing, not a bug of ours.
        where = f": {exc.filename}" if exc.filename else ""
        err.print(f"error: {exc.strerror or exc}{where}", highlight=False, markup=False)
        return EXIT_BAD_INPUT
    except Exception as exc:
        if debug:
            err.print(traceback.format_exc(), highlight=False, markup=False)
        report = "report it with the traceback above" if debug else "rerun with --debug and report the traceback"
        err.print(
            f"internal error: {type(exc).__name__}: {exc}\nThis is a bug in llmd-infra, not in your input; {report}.",
            highlight=False, markup=False,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
