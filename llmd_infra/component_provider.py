"""The ``llmd-infra`` Pulumi package: every provider room's components, for every Pulumi language.

``pulumi package add`` runs ``provider/__main__.py`` (a source-based plugin, ``PulumiPlugin.yaml``
``runtime: python``), which calls :func:`main`: a component provider whose schema the Pulumi SDK's
analyzer infers from the components' annotations and docstrings
(``pulumi.provider.experimental``) — nothing here writes a schema by hand. The engine then calls
``GetSchema`` to generate an SDK in the user's language, and ``Construct`` to build a component,
whose children register with the engine exactly as a Python program's would.

Which components: each provider room (:data:`llmd_infra.registry.PROVIDERS`) lists its own in its
``components`` part (``providers/<name>/components.py``: ``COMPONENTS``, an SDK module read through
:func:`llmd_infra.registry.part`); a room without that module hosts none yet.
"""

import argparse
import asyncio
import contextlib
import importlib.metadata
import json
import re
import sys
from collections.abc import Sequence
from typing import Any

import pulumi
from pulumi.errors import InputPropertiesError
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.util import camel_case
from pulumi.provider.provider import ConstructResult
from pulumi.provider.server import ComponentInitError, ProviderServicer
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from llmd_infra.errors import ConfigError, ProjectError
from llmd_infra.hosting import hosted_as
from llmd_infra.registry import PROVIDERS, part

PACKAGE = "llmd-infra"
"""The Pulumi package name (the first part of every type token: ``llmd-infra:index:<Name>``)."""

PROTECT_INPUT = "protect"
"""The input of a component that protects its expensive resources (defaults to true when hosted, unless
the component class says ``protected_by_default = False``)."""
PROTECTED_BY_DEFAULT = "protected_by_default"
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
        try:
            module = part(provider, COMPONENTS_MODULE)
        except ModuleNotFoundError as exc:
            if (exc.name or "").startswith("llmd_infra"):
                raise
            raise ProjectError(
                f"the {provider} components need the Python package '{exc.name}', which is not installed; "
                "install llmd-infra with every provider SDK: pip install 'llmd-infra[all]'"
            ) from None
        if module is None:
            continue
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

    def input_names(self, resource_type: str) -> set[str]:
        """The schema's input property names of a hosted component (empty for an unknown type)."""
        definition = self._component_defs.get(resource_type.rsplit(":", 1)[-1])
        return set(definition.inputs) if definition is not None else set()

    def protected_by_default(self, resource_type: str) -> bool:
        """Whether a hosted component protects its resources when the caller says nothing (true unless the
        class sets ``protected_by_default = False``, as a disposable local cluster does)."""
        component = self._components.get(resource_type.rsplit(":", 1)[-1])
        return bool(getattr(component, PROTECTED_BY_DEFAULT, True))


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
    """The SDK's servicer, except that a ``Construct`` without the ``protect`` option keeps the
    component's own default.

    The SDK reads the absent option as ``protect=False``, which a cluster component would take as
    "do not protect" (its ``protect`` input defaults to the caller's option, else true). When the
    caller set neither the option nor the input, the input is set to true here: clusters and pools
    are protected by default in every language, and the component resource itself is not, exactly
    as in a Python program. A component whose default is false (a disposable local cluster) is
    left alone: the absent option already means its default.
    """

    async def _construct(self, request: provider_pb2.ConstructRequest, context: Any) -> Any:
        component = request.type.rsplit(":", 1)[-1]
        provider = self.provider
        assert isinstance(provider, LlmdComponentProvider)
        takes_protect = PROTECT_INPUT in provider.input_names(request.type) and provider.protected_by_default(
            request.type
        )
        if takes_protect and not request.HasField("protect") and PROTECT_INPUT not in request.inputs.fields:
            copy = provider_pb2.ConstructRequest()
            copy.CopyFrom(request)
            copy.inputs.fields[PROTECT_INPUT].bool_value = True
            request = copy
        try:
            return await super()._construct(request, context)
        except ComponentInitError as exc:
            if not isinstance(exc.inner, ConfigError):
                raise
            problems = exc.inner.problems
            count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
            # The engine shows each property error with its path, in the caller's (schema) names.
            raise InputPropertiesError(
                f"invalid inputs of {component} {request.name} ({count})",
                [{"property_path": input_path(p.path), "reason": p.message} for p in problems],
            ) from None


def input_path(problem_path: str) -> str:
    """``<Component> x:system_pool.disk_size_gb`` → ``systemPool.diskSizeGb``.

    A component's :class:`~llmd_infra.errors.ConfigError` names keys as the caller passed them,
    after a ``<Component> <name>:`` prefix; another language passed the schema's camelCase names.
    """
    tail = problem_path.split(":", 1)[-1]
    return re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: camel_case(m.group()), tail)


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

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


def main(argv: Sequence[str] | None = None) -> None:
    """The plugin's entry point, parsing its arguments as the SDK's own provider host does."""
    parser = argparse.ArgumentParser(prog="llmd-infra provider", description="The llmd-infra Pulumi plugin.")
    parser.add_argument("engine", help="Pulumi engine address")
    parser.add_argument("--logflow", action="store_true", help="ignored")
    parser.add_argument("--logtostderr", action="store_true", help="ignored")
    known, _ = parser.parse_known_args(sys.argv[1:] if argv is None else list(argv))
    serve(build_provider(), known.engine)
