"""The core never imports a cloud SDK: a DOKS user never pays for pulumi_gcp or pulumi_aws."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLOUD_SDKS = ("pulumi_gcp", "pulumi_digitalocean", "pulumi_aws", "pulumi_command")
CORE_MODULES = (
    "llmd_infra.cli",
    "llmd_infra.stack_program",
    "llmd_infra.config.stack",
    "llmd_infra.catalog",
    "llmd_infra.addons",
    "llmd_infra.plan.engine",
    "llmd_infra.plan.analyze",
    "llmd_infra.policy.pack",
    "llmd_infra.report.sarif",
    "llmd_infra.report.markdown",
)


def test_core_modules_import_no_cloud_sdk() -> None:
    code = (
        "import importlib, sys\n"
        f"for m in {CORE_MODULES!r}: importlib.import_module(m)\n"
        f"loaded = [m for m in {CLOUD_SDKS!r} if m in sys.modules]\n"
        "print(loaded); sys.exit(1 if loaded else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_policy_pack_entry_point_imports_no_cloud_sdk() -> None:
    """The pack judges raw resources by type token; it needs no provider SDK."""
    code = (
        "import sys\n"
        "from llmd_infra.policy.pack import ALL_POLICIES\n"
        f"loaded = [m for m in {CLOUD_SDKS!r} if m in sys.modules]\n"
        "print(len(ALL_POLICIES), loaded); sys.exit(1 if loaded or not ALL_POLICIES else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
