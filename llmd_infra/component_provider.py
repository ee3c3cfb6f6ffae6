"""The ``llmd-infra`` Pulumi package: every provider room's components, for every Pulumi language.

``pulumi package add`` runs ``provider/__main__.py`` (a source-based plugin, ``PulumiPlugin.yaml``
``runtime: python``), which calls :func:`main`: a component provider whose schema the Pulumi SDK's
analyzer infers from the components' annotations and docstrings
(``pulumi.provider.experimental``) — nothing here writes a schema by hand. The engine then calls
``GetSchema`` to generate an SDK in the user's language, and ``Construct`` to build a component,
whose children register with the engine exactly as a Python program's would.

Which components: each provider room (:data:`llmd_infra.registry.PROVIDERS`) lists its own in
``providers/<name>/components.py`` as ``COMPONENTS``; a room without that module hosts none yet.
"""

import argparse
import asyncio
import importlib
import importlib.metadata
import importlib.util
import json
import sys
from collections.abc import Sequence
from typing import Any

import pulumi
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.provider import ConstructResult
from pulumi.provider.server import ProviderServicer
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from llmd_infra.errors import ProjectError
from llmd_infra.hosting import hosted_as
from llmd_infra.registry import PROVIDERS

PACKAGE = "llmd-infra"
"""The Pulumi package name (the first part of every type token: ``llmd-infra:index:GkeCluster``)."""

ROOMS = "llmd_infra.providers"
COMPONENTS_MODULE = "components"


def package_version() -> str:
    """The installed ``llmd-infra`` distribution's version (the schema's ``version``)."""
    return importlib.metadata.version(PACKAGE)


def hosted_components() -> list[type[pulumi.ComponentResource]]:
    """Every room's ``COMPONENTS``, in registry order.

    A room whose components need a provider SDK that is not installed is an error, never a silent
    gap in the schema: the package is installed with every SDK (``requirements.txt``: ``.[all]``).
    """
    found: list[type[pulumi.ComponentResource]] = []
    for provider in PROVIDERS:
        if importlib.util.find_spec(f"{ROOMS}.{provider}") is None:
            continue
        module_name = f"{ROOMS}.{provider}.{COMPONENTS_MODULE}"
        if importlib.util.find_spec(module_name) is None:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            raise ProjectError(
                f"the {provider} components need the Python package '{exc.name}', which is not installed; "
                "install llmd-infra with every provider SDK: pip install 'llmd-infra[all]'"
            ) from None
        found.extend(module.COMPONENTS)
    if not found:
        raise ProjectError("no provider room lists components (providers/<name>/components.py: COMPONENTS)")
    return found


class LlmdComponentProvider(ComponentProvider):
    """The SDK's component provider; a constructed component registers under the token the engine asked for."""

    def construct(
        self,
        name: str,
        resource_type: str,
        inputs: pulumi.Inputs,
        options: pulumi.ResourceOptions | None = None,
    ) -> ConstructResult:
        with hosted_as(resource_type):
            return super().construct(name, resource_type, inputs, options)


def build_provider() -> LlmdComponentProvider:
    """The provider (its constructor runs the SDK's analyzer over every hosted component)."""
    return LlmdComponentProvider(hosted_components(), PACKAGE, version=package_version())


def package_schema() -> dict[str, Any]:
    """The package schema, as ``GetSchema`` returns it."""
    schema = build_provider().schema
    assert schema is not None
    loaded: dict[str, Any] = json.loads(schema)
    return loaded


class _Servicer(ProviderServicer):
    """The SDK's servicer, except that a ``Construct`` without ``protect`` leaves ``protect`` unset.

    The SDK reads the optional field as ``False`` when absent, which would turn off the component's
    default (clusters are protected unless the caller says otherwise); here absent stays ``None``.
    """

    @staticmethod
    def _construct_options(request: provider_pb2.ConstructRequest) -> pulumi.ResourceOptions:
        options: pulumi.ResourceOptions = ProviderServicer._construct_options(request)
        if not request.HasField("protect"):
            options.protect = None
        return options


def serve(provider: LlmdComponentProvider, engine_address: str) -> None:
    """Serve ``provider`` on a free localhost port and print the port, as the engine expects of a plugin."""
    import grpc.aio
    from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS

    async def run() -> None:
        server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(
            _Servicer(provider, sys.argv[1:], engine_address=engine_address), server
        )
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        sys.stdout.write(f"{port}\n")
        sys.stdout.flush()
        await server.wait_for_termination()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


def main(argv: Sequence[str] | None = None) -> None:
    """The plugin's entry point, parsing its arguments as the SDK's own provider host does."""
    parser = argparse.ArgumentParser(prog="llmd-infra provider", description="The llmd-infra Pulumi plugin.")
    parser.add_argument("engine", help="Pulumi engine address")
    parser.add_argument("--logflow", action="store_true", help="ignored")
    parser.add_argument("--logtostderr", action="store_true", help="ignored")
    known, _ = parser.parse_known_args(sys.argv[1:] if argv is None else list(argv))
    serve(build_provider(), known.engine)
