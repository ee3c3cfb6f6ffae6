"""The minikube "catalog": one row, the host minikube runs on, whose facts only the host knows.

A minikube node is the docker container ``minikube start`` creates on whatever machine runs it, so no
public source states its cores, memory, NICs or PCIe generation, and its GPUs are whatever the stack
declares (``accelerator``/``acceleratorCount`` of ``llmd-infra:cluster``). The row therefore carries no
accelerator and leaves every host fact unknown (``None``): the host-* policies report them as not
judged instead of guessing, and ``llmd-infra node-check`` measures them on the host. The declared GPUs
reach the policies through the pool itself (``resources.py``), not through this row.
"""

from __future__ import annotations

from collections.abc import Mapping

from llmd_infra.catalog.types import Arch, MachineShape, RdmaKind

HOST = "minikube"
"""The machine name of a minikube node (``machineType`` of its accelerator pool summary)."""

MACHINES: Mapping[str, MachineShape] = {
    HOST: MachineShape(
        name=HOST,
        accelerator=None,
        accelerator_count=0,
        vcpus=None,
        physical_cores=None,
        memory_gib=None,
        max_nic_gbps=None,
        pcie_generation=None,
        rdma=RdmaKind.NONE,
        rdma_nic_count=None,
        nic_count=None,
        arch=Arch.X86_64,
        source="https://minikube.sigs.k8s.io/docs/tutorials/nvidia/ (docker driver on the local host; the host's "
        "facts are not published anywhere: llmd-infra node-check measures them)",
        note="One node on one host: no inter-host interconnect. GPUs are declared per stack. The row says x86_64, "
        "the architecture of llm-d's minikube hosts (g6.12xlarge, g6e.12xlarge); minikube's --gpus also accepts "
        "arm64 and ppc64le hosts (validateGPUsArch, cmd/minikube/cmd/start.go), which the row cannot know.",
    ),
}
"""Machine name -> shape."""


def machine_shape(name: str) -> MachineShape | None:
    """The row for ``name``; ``None`` for anything but :data:`HOST`."""
    return MACHINES.get(name)


__all__ = ["HOST", "MACHINES", "machine_shape"]
