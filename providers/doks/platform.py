"""What DOKS already does for the shared add-ons (:class:`~llmd_infra.config.platform.PlatformProfile`)."""

from __future__ import annotations

from llmd_infra.config.platform import PlatformProfile

PLATFORM = PlatformProfile(
    # DOKS installs the NVIDIA driver, container toolkit and device plugin on GPU nodes; llm-d's DOKS
    # verification installs the GPU Operator with driver.enabled=false, toolkit.enabled=false
    # (https://github.com/llm-d/llm-d/tree/main/docs/infrastructure/providers/digitalocean).
    gpu_driver_by_operator=False,
    gpu_toolkit_by_operator=False,
)
