"""Run ``mypy --strict`` over ``llmd_infra`` and every provider room, as the installed package sees them.

The rooms live in the top-level ``providers/`` folder and install as ``llmd_infra.providers`` (the
``package-dir`` mapping in pyproject.toml). mypy resolves modules from folders, not from that
mapping, so this script lays out the package as installed — ``.typecheck/llmd_infra/`` with a link
to each core entry and ``providers`` linked in — and checks it with the project's mypy settings.
Usage: ``.venv/bin/python scripts/typecheck.py [extra mypy args]``; exit status is mypy's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VIEW = REPO / ".typecheck"


def build_view() -> Path:
    """``.typecheck/llmd_infra``: the core package with ``providers/`` mounted at ``llmd_infra/providers``."""
    package = VIEW / "llmd_infra"
    if package.exists():
        shutil.rmtree(package)
    package.mkdir(parents=True)
    for entry in (REPO / "llmd_infra").iterdir():
        if entry.name != "__pycache__":
            os.symlink(entry, package / entry.name)
    os.symlink(REPO / "providers", package / "providers")
    return VIEW


def main(argv: list[str]) -> int:
    view = build_view()
    mypy = Path(sys.executable).parent / "mypy"
    executable = str(mypy) if mypy.exists() else "mypy"
    command = [executable, "--config-file", str(REPO / "pyproject.toml"), "-p", "llmd_infra"]
    env = {**os.environ, "MYPY_CACHE_DIR": str(REPO / ".mypy_cache")}
    return subprocess.run([*command, *argv], cwd=view, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
