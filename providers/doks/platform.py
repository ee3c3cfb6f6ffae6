"""What DOKS already does for the shared add-ons (:class:`~llmd_infra.config.platform.PlatformProfile`)."""

from __future__ import annotations

from llmd_infra.config.platform import PlatformProfile

PLATFORM = PlatformProfile(
    # DOKS installs the NVIDIA driver, container toolkit and device plugin on GPU nodes; llm-d's DOKS
    # verification installs the GPU Operator with driver.enabled=false, toolkit.enabled=false
    # (https://github.com/llm-d/llm-d/tree/main/docs/infrastructure/providers/digitalocean).
    gpu_driver_by_operator=False,
    gpu_toolkit_by_operator=False,
    # DOKS labels every node with its node pool (and node id, pool id, version); it documents no label for a
    # node's place in the fabric (https://docs.digitalocean.com/products/kubernetes/details/managed/,
    # "Automatic Application of Labels to Nodes").
    topology_labels=("doks.digitalocean.com/node-pool",),
)
