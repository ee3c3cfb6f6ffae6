"""Node preflight: check a real accelerator host against llm-d's requirement records.

``llmd-infra node-check`` reads the host (CPU topology, memory, PCIe links, NICs, RDMA ports, GPUs
and TPUs, the NVIDIA driver) and judges each requirement a host can answer as pass, fail or unknown.
The same code runs in the cluster (:mod:`.agent`, deployed by :mod:`.component`) and publishes its
report as node labels and a ConfigMap.

Everything here but :mod:`.cli` and :mod:`.component` is standard library only: the DaemonSet ships
these modules as source in a ConfigMap and runs them on a stock Python image. See docs/preflight.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llmd_infra.preflight import tools
from llmd_infra.preflight.checks import JUDGED, judge
from llmd_infra.preflight.collect import ToolRunner, collect
from llmd_infra.preflight.fs import HostFs, Recorder
from llmd_infra.preflight.model import Report, Result, Status

__all__ = ["JUDGED", "HostFs", "Recorder", "Report", "Result", "Status", "check_host"]


def check_host(
    root: Path | str = "/",
    *,
    multi_host: bool = False,
    run_tool: ToolRunner = tools.run_tool,
    recorder: Recorder | None = None,
    node: dict[str, Any] | None = None,
) -> Report:
    """Read the host under ``root`` (``/``, or a captured tree) and judge it."""
    fs = HostFs(root, recorder)
    return judge(collect(fs, run_tool), root=str(root), multi_host=multi_host, node=node)
