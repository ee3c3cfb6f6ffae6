"""What OpenShift already does for the shared add-ons (:class:`~llmd_infra.config.platform.PlatformProfile`)."""

from __future__ import annotations

from llmd_infra.config.platform import PlatformProfile

PLATFORM = PlatformProfile(
    # Operators come from OLM (OperatorHub); the GPU Operator builds the driver with the OpenShift
    # Driver Toolkit and configures CRI-O
    # (https://docs.nvidia.com/datacenter/cloud-native/openshift/latest/install-gpu-ocp.html).
    operators_via_olm=True,
    gpu_driver_by_operator=True,
    gpu_toolkit_by_operator=True,
)
