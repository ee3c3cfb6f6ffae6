"""The program behind ``stacks/``: validate the stack config, build the provider's cluster, export.

All validation happens before the first resource is registered: a bad stack file creates nothing.
The provider's room is imported only once its name is known, so a stack imports only its own
provider's cloud SDK.
"""

from __future__ import annotations

import importlib

import pulumi

from llmd_infra.config.stack import load_settings


def main() -> None:
    """Entry point of ``stacks/__main__.py``."""
    stack = pulumi.get_stack()
    settings = load_settings(source=f"Pulumi.{stack}.yaml")
    provider = importlib.import_module(f"llmd_infra.providers.{settings.cluster.provider}")
    cluster = provider.cluster_from_config(settings)
    pulumi.export("provider", settings.cluster.provider)
    pulumi.export("clusterName", cluster.cluster_name)
    pulumi.export("kubeconfig", cluster.kubeconfig)
    pulumi.export("acceleratorPools", cluster.accelerator_pools)
