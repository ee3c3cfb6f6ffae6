"""What GKE already does for the shared add-ons (:class:`~llmd_infra.config.platform.PlatformProfile`)."""

from __future__ import annotations

from llmd_infra.config.platform import PlatformProfile
from llmd_infra.providers.gke.versions import version_at_least

MANAGED_GATEWAY_CRDS_SINCE = "1.34.0-gke.1626000"
"""GKE installs the GA Gateway API and GAIE CRDs itself from this version on
(https://github.com/llm-d/llm-d/blob/main/docs/infrastructure/gateway/install-crds.md and
https://cloud.google.com/kubernetes-engine/docs/how-to/deploying-gateways)."""

NVIDIA_INSTALL_DIR = "/home/kubernetes/bin/nvidia"
"""Where GKE's driver installer puts the NVIDIA driver
(NVIDIA/cloud-native-docs gpu-operator/google-gke.rst)."""


TOPOLOGY_LABELS = (
    # GKE labels nodes of dense (reservation-bound, compactly placed) A3/A4 capacity with the reserved block,
    # sub-block and host they sit on; "the more label values two VMs share, the closer" they are
    # (https://cloud.google.com/ai-hypercomputer/docs/workloads/schedule-gke-workloads-tas, "View the topology
    # of your GKE cluster").
    "cloud.google.com/gce-topology-block",
    "cloud.google.com/gce-topology-subblock",
    "cloud.google.com/gce-topology-host",
    # Every GKE node carries its node pool's name; a standard TPU slice node pool is exactly one slice
    # (llm-d/llm-d guides/pd-disaggregation/README.ds.md @ce96515, "Pinning Slices to Accelerator Domains").
    "cloud.google.com/gke-nodepool",
)
"""Node labels GKE itself puts on nodes that say where they sit in the network."""


def manages_gateway_crds(cluster_version: str) -> bool:
    """Whether a GKE version installs the GA Gateway API and GAIE CRDs itself."""
    return version_at_least(cluster_version, MANAGED_GATEWAY_CRDS_SINCE)


PLATFORM = PlatformProfile(
    # GKE installs the driver (gpu-driver-version default/latest, or the COS installer); the
    # operator's toolkit goes beside it.
    gpu_driver_by_operator=False,
    gpu_toolkit_by_operator=True,
    nvidia_install_dir=NVIDIA_INSTALL_DIR,
    manages_gateway_crds=manages_gateway_crds,
    topology_labels=TOPOLOGY_LABELS,
)
