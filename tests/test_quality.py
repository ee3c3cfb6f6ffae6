"""Type checking and lint are part of the test suite, so CI enforces them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _tool(name: str) -> list[str]:
    if shutil.which(name) is None and not (Path(sys.executable).parent / name).exists():
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
    return [str(Path(sys.executable).parent / name)] if (Path(sys.executable).parent / name).exists() else [name]


def test_mypy_strict_on_llmd_infra_and_providers() -> None:
    # providers/ installs as llmd_infra.providers; scripts/typecheck.py lays the package out that way.
    _tool("mypy")
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "typecheck.py")], cwd=REPO,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_clean() -> None:
    result = subprocess.run([*_tool("ruff"), "check", "."], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
