"""What minikube already does for the shared add-ons (:class:`~llmd_infra.config.platform.PlatformProfile`)."""

from __future__ import annotations

from llmd_infra.config.platform import PlatformProfile

PLATFORM = PlatformProfile(
    # `minikube start --gpus all` uses the host's NVIDIA driver and the nvidia-ctk-configured Docker
    # runtime, and enables the NVIDIA device plugin (https://minikube.sigs.k8s.io/docs/tutorials/nvidia/).
    gpu_driver_by_operator=False,
    gpu_toolkit_by_operator=False,
)
