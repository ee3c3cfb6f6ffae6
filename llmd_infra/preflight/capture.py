"""``llmd-infra node-check --capture DIR``: write the files the check read, and the tools' answers.

The tree holds exactly what the check used: each file it read (copied), each directory entry it
listed, and each sysfs symlink on the way, recreated as a relative link so that ``device`` links
resolve inside the tree. ``DIR/tools/bin`` gets one stand-in script per vendor tool that replays
what the tool printed and its exit status, so::

    PATH="DIR/tools/bin:$PATH" llmd-infra node-check --root DIR

reproduces the check anywhere. ``DIR/node-check.json`` is the report as the host judged itself.
Attach the folder to a bug report (it holds the host name and PCI layout, nothing else personal).
"""

from __future__ import annotations

import os
import posixpath
import shlex
from pathlib import Path, PurePosixPath

from llmd_infra.preflight import check_host, tools
from llmd_infra.preflight.collect import ToolRunner
from llmd_infra.preflight.fs import Recorder
from llmd_infra.preflight.model import Report, ToolRun
from llmd_infra.preflight.render import render_json

_MAX_LINKS = 40


class CaptureError(Exception):
    """The capture folder cannot be written."""


class _TreeWriter:
    """Copies host paths from ``source`` into ``dest``, recreating the symlinks along the way."""

    def __init__(self, source: Path, dest: Path) -> None:
        self.source = source
        self.dest = dest
        self._made: set[Path] = set()

    def mkdir(self, path: Path) -> None:
        if path not in self._made:
            path.mkdir(parents=True, exist_ok=True)
            self._made.add(path)

    def src(self, host_path: str) -> Path:
        return self.source / host_path.lstrip("/")

    def dst(self, host_path: str) -> Path:
        return self.dest / host_path.lstrip("/")

    def resolve(self, host_path: str, depth: int = 0) -> str:
        """Recreate each symlink on ``host_path`` in ``dest``; the real host path it leads to."""
        if depth > _MAX_LINKS:
            raise CaptureError(f"too many symbolic links resolving {host_path}")
        current = "/"
        for part in PurePosixPath(host_path).parts[1:]:
            step = posixpath.join(current, part)
            source = self.src(step)
            if not os.path.islink(source):
                current = step
                continue
            target = os.readlink(source)
            target_host = posixpath.normpath(target if target.startswith("/") else posixpath.join(current, target))
            link = self.dst(step)
            if not os.path.lexists(link):
                self.mkdir(link.parent)
                os.symlink(posixpath.relpath(target_host, current), link)
            current = self.resolve(target_host, depth + 1)
        return current

    def entry(self, host_path: str) -> None:
        """Make the entry exist in ``dest`` (a directory, or an empty placeholder for a file or device)."""
        if not os.path.lexists(self.src(host_path)):
            return
        real = self.resolve(host_path)
        source, dest = self.src(real), self.dst(real)
        if source.is_dir():
            self.mkdir(dest)
        elif not dest.exists():
            self.mkdir(dest.parent)
            dest.touch()

    def file(self, host_path: str) -> None:
        if not os.path.lexists(self.src(host_path)):
            return
        real = self.resolve(host_path)
        try:
            data = self.src(real).read_bytes()
        except OSError:
            return  # unreadable there (a down link's speed): absent here reads the same, as unknown
        dest = self.dst(real)
        self.mkdir(dest.parent)
        dest.write_bytes(data)


def write_tree(source: Path, dest: Path, recorder: Recorder) -> None:
    writer = _TreeWriter(source, dest)
    for directory, names in sorted(recorder.listed.items()):
        if not os.path.lexists(writer.src(directory)):
            continue
        real = writer.resolve(directory)
        writer.mkdir(writer.dst(real))
        for name in sorted(names):
            writer.entry(posixpath.join(real, name))
    for path in sorted(recorder.resolved):
        writer.entry(path)
    for path in sorted(recorder.files):
        writer.file(path)


def _replay_script(run: ToolRun) -> str:
    return (
        "#!/bin/sh\n"
        f"# Replays what `{shlex.join([run.name, *run.args])}` printed when llmd-infra node-check --capture ran.\n"
        'here="${0%/*}"\n'
        "PATH=/usr/bin:/bin:$PATH\n"
        f'cat "$here/../{run.name}.stdout"\n'
        f'cat "$here/../{run.name}.stderr" >&2\n'
        f"exit {run.returncode}\n"
    )


def write_tools(dest: Path, runs: tuple[ToolRun, ...]) -> None:
    folder = dest / "tools"
    (folder / "bin").mkdir(parents=True, exist_ok=True)
    lines = []
    for run in runs:
        lines.append(f"{run.name}: {run.problem or 'ok'}")
        if not run.found or run.returncode is None:
            continue
        (folder / f"{run.name}.stdout").write_text(run.stdout, encoding="utf-8")
        (folder / f"{run.name}.stderr").write_text(run.stderr, encoding="utf-8")
        script = folder / "bin" / run.name
        script.write_text(_replay_script(run), encoding="utf-8")
        script.chmod(0o755)
    (folder / "runs.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def capture(
    dest: Path,
    source: Path = Path("/"),
    *,
    multi_host: bool = False,
    run_tool: ToolRunner = tools.run_tool,
) -> Report:
    """Check the host under ``source`` and write what the check used into ``dest`` (new or empty)."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise CaptureError(f"capture folder {dest} exists and is not empty")
    inside = source.resolve() != Path("/") and source.resolve() in (dest.resolve(), *dest.resolve().parents)
    if inside:
        raise CaptureError(f"capture folder {dest} must not be inside the root it reads ({source})")
    recorder = Recorder()
    report = check_host(source, multi_host=multi_host, run_tool=run_tool, recorder=recorder)
    try:
        dest.mkdir(parents=True, exist_ok=True)
        write_tree(source, dest, recorder)
        write_tools(dest, report.facts.tools)
        (dest / "node-check.json").write_text(render_json(report), encoding="utf-8")
    except OSError as exc:
        raise CaptureError(f"cannot write capture folder {dest}: {exc}") from exc
    return report
