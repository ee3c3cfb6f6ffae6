"""Vendor tools (nvidia-smi, amd-smi, rocm-smi): run from PATH, parse what they print.

A tool that is not on PATH, exits non-zero, hangs or prints something unexpected yields a
:class:`~llmd_infra.preflight.model.ToolRun` with ``problem`` set; the checks report the
requirements that needed it as ``unknown`` with that reason. Tools run from PATH even under
``--root``: tests and support bundles put a stand-in that prints captured output first on PATH.

Standard library only (runs in the node-check DaemonSet).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from dataclasses import dataclass, replace
from typing import Any

from llmd_infra.preflight.model import ToolRun

TOOL_TIMEOUT_S = 30
"""Seconds a vendor tool may take; nvidia-smi answers in about a second on a healthy host."""

NVIDIA_SMI = "nvidia-smi"
NVIDIA_SMI_ARGS = ("--query-gpu=name,driver_version,pci.bus_id", "--format=csv,noheader")
AMD_SMI = "amd-smi"
AMD_SMI_ARGS = ("static", "--asic", "--bus", "--driver", "--json")
"""amd-smi's static ASIC (``market_name``), bus (``bdf``) and driver (``version``) fields as JSON
(ROCm/amdsmi docs/how-to/amdsmi-cli-tool.md)."""
ROCM_SMI = "rocm-smi"
ROCM_SMI_ARGS = ("--showproductname", "--showbus", "--showdriverversion", "--json")
"""The older ROCm tool, used only when amd-smi is not on PATH."""


@dataclass(frozen=True)
class ToolGpu:
    """One GPU as a vendor tool reports it."""

    name: str
    driver: str | None
    bus_id: str | None


def run_tool(name: str, args: tuple[str, ...], timeout: float = TOOL_TIMEOUT_S) -> ToolRun:
    """Run ``name`` from PATH; never raises."""
    path = shutil.which(name)
    if path is None:
        return ToolRun(name=name, args=args, found=False, problem=f"{name} not found on PATH")
    try:
        proc = subprocess.run([path, *args], capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return ToolRun(name=name, args=args, found=True, problem=f"{name} did not finish within {timeout:g} s")
    except OSError as exc:
        return ToolRun(name=name, args=args, found=True, problem=f"{name} could not run: {exc.strerror or exc}")
    run = ToolRun(
        name=name, args=args, found=True, returncode=proc.returncode, stdout=proc.stdout, stderr=proc.stderr
    )
    if proc.returncode != 0:
        said = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        detail = f": {said[0].strip()}" if said else ""
        return replace(run, problem=f"{name} exited {proc.returncode}{detail}")
    return run


def parse_nvidia_smi(run: ToolRun) -> tuple[list[ToolGpu], ToolRun]:
    """GPUs from ``nvidia-smi --query-gpu=name,driver_version,pci.bus_id --format=csv,noheader``."""
    if run.problem is not None or not run.found:
        return [], run
    gpus: list[ToolGpu] = []
    for row in csv.reader(run.stdout.splitlines(), skipinitialspace=True):
        if not row or not "".join(row).strip():
            continue
        if len(row) != 3 or not row[0].strip():
            line = ", ".join(row)
            return [], replace(run, problem=f"nvidia-smi printed an unexpected line: {line!r}")
        name, driver, bus = (c.strip() for c in row)
        gpus.append(ToolGpu(name=name, driver=driver or None, bus_id=bus or None))
    return gpus, run


def _lower_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k).lower(): _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    if isinstance(value, str | int | float) and str(value).strip() and str(value).strip().upper() != "N/A":
        return str(value).strip()
    return None


def parse_amd_smi(run: ToolRun) -> tuple[list[ToolGpu], ToolRun]:
    """GPUs from ``amd-smi static --asic --bus --driver --json`` (a list, or ``{"gpu_data": [...]}``)."""
    if run.problem is not None or not run.found:
        return [], run
    try:
        data = _lower_keys(json.loads(run.stdout))
    except json.JSONDecodeError:
        return [], replace(run, problem="amd-smi printed no JSON")
    entries = data.get("gpu_data") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        return [], replace(run, problem="amd-smi JSON has no list of GPUs")
    gpus: list[ToolGpu] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        asic, bus, driver = (_section(entry, k) for k in ("asic", "bus", "driver"))
        name = _text(asic.get("market_name"))
        if name is None:
            return [], replace(run, problem="amd-smi JSON has a GPU without asic.market_name")
        gpus.append(
            ToolGpu(
                name=name,
                driver=_text(driver.get("version")) or _text(driver.get("driver_version")),
                bus_id=_text(bus.get("bdf")),
            )
        )
    return gpus, run


def parse_rocm_smi(run: ToolRun) -> tuple[list[ToolGpu], ToolRun]:
    """GPUs from ``rocm-smi --showproductname --showbus --showdriverversion --json`` (``card0``...)."""
    if run.problem is not None or not run.found:
        return [], run
    try:
        data = _lower_keys(json.loads(run.stdout))
    except json.JSONDecodeError:
        return [], replace(run, problem="rocm-smi printed no JSON")
    if not isinstance(data, dict):
        return [], replace(run, problem="rocm-smi JSON is not an object")
    system = _section(data, "system")
    driver = _text(system.get("driver version"))
    gpus: list[ToolGpu] = []
    for key in sorted(k for k in data if k.startswith("card")):
        card = _section(data, key)
        name = _text(card.get("card series")) or _text(card.get("card model"))
        if name is None:
            return [], replace(run, problem=f"rocm-smi JSON has no 'Card Series' for {key}")
        gpus.append(ToolGpu(name=name, driver=_text(card.get("driver version")) or driver,
                            bus_id=_text(card.get("pci bus"))))
    return gpus, run
