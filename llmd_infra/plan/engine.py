"""The offline plan engine: run a Pulumi Python program against a recording mock monitor.

The program runs in-process exactly as the Python language host runs it (``run_in_stack`` around
``runpy.run_path`` of the program's ``__main__.py``, with the stack's configuration installed), but
every engine call goes to :class:`RecordingMonitor`, which keeps the full ``RegisterResource``
request — parent, dependencies, protect, ignoreChanges, providers, aliases — that
``Mocks.new_resource`` alone would not show.

Each run gets a fresh :mod:`contextvars` context, event loop and settings, and the program's own
modules are dropped from ``sys.modules`` afterwards, so runs in one process never see each other.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import os
import runpy
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from google.protobuf import empty_pb2, json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.config import set_all_config
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import configure
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from llmd_infra.config.base import REQUIRED_MISSING
from llmd_infra.errors import ConfigError, LlmdInfraError, ProgramError, ProjectError
from llmd_infra.plan.collector import collector_paused
from llmd_infra.plan.fakes import additional_secret_outputs, fake_invoke, fake_outputs
from llmd_infra.plan.graph import STACK_TYPE, Invoke, Plan, PlannedResource
from llmd_infra.plan.lean import lean_active, requested_mode
from llmd_infra.plan.project import Project, StackConfig, display_path, load_project, load_stack_config
from llmd_infra.plan.values import Secret, from_struct

_RUN_LOCK = threading.Lock()


class _Mocks(pulumi_mocks.Mocks):
    """Answers registrations and invokes: inputs only in preview, fake computed outputs otherwise."""

    def __init__(self, preview: bool) -> None:
        self.preview = preview
        self.invokes: list[Invoke] = []

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if not args.custom:
            return None, {}
        if self.preview:
            # As `pulumi preview` does for a create: the (checked) inputs come back, every
            # computed output and the id stay unknown.
            return None, dict(args.inputs)
        return fake_outputs(args.typ, args.name, args.inputs)

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        self.invokes.append(Invoke(token=args.token, args=dict(args.args), provider=args.provider))
        return fake_invoke(args.token, args.args), []


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that records every registration the way the engine would see it."""

    def __init__(self, mocks: _Mocks, project: str, stack: str) -> None:
        super().__init__(mocks)
        self.project = project
        self.stack = stack
        self.records: list[PlannedResource] = []
        self._by_urn: dict[str, PlannedResource] = {}
        self.stack_urn = ""
        self.stack_outputs: dict[str, Any] = {}
        self._qualified: dict[str, str] = {}

    def engine_urn(self, parent: str, type_: str, name: str) -> str:
        """The URN the engine would give: parent type chain (without the Stack) + type."""
        qualified = type_
        if parent and parent != self.stack_urn:
            qualified = f"{self._qualified.get(parent, parent.split('::')[2])}${type_}"
        urn = f"urn:pulumi:{self.stack}::{self.project}::{qualified}::{name}"
        self._qualified[urn] = qualified
        return urn

    def RegisterResource(self, request: Any) -> Any:
        if request.type == STACK_TYPE:
            self.stack_urn = f"urn:pulumi:{self.stack}::{self.project}::{STACK_TYPE}::{request.name}"
            return resource_pb2.RegisterResourceResponse(urn=self.stack_urn)
        _ensure_event_loop()  # type: ignore[no-untyped-call]
        urn = self.engine_urn(request.parent, request.type, request.name)
        plain_inputs = rpc.deserialize_properties(request.object)
        args = pulumi_mocks.MockResourceArgs(
            typ=request.type,
            name=request.name,
            inputs=plain_inputs,
            provider=request.provider,
            resource_id=request.importId,
            custom=request.custom or False,
        )
        resource_id, state = self.mocks.new_resource(args)
        secret_outputs = set(request.additionalSecretOutputs) | set(additional_secret_outputs(request.type))
        state = {k: rpc.wrap_rpc_secret(v) if k in secret_outputs else v for k, v in state.items()}
        obj_proto = _sync_await(rpc.serialize_properties(state, {}))
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, resource_id or "", state)

        timeouts = {}
        if request.HasField("customTimeouts"):
            timeouts = {k: v for k, v in json_format.MessageToDict(request.customTimeouts).items() if v}
        record = PlannedResource(
            urn=urn,
            type=request.type,
            name=request.name,
            parent=request.parent,
            custom=bool(request.custom),
            inputs=from_struct(request.object),
            outputs=from_struct(obj_proto) if request.custom else {},
            id=resource_id,
            # The SDK collects dependencies in sets; the engine treats them as sets too. Sorted, so
            # that two runs of one program record the same plan.
            dependencies=sorted(request.dependencies),
            property_dependencies={k: sorted(v.urns) for k, v in sorted(request.propertyDependencies.items())},
            protect=bool(request.protect) if request.HasField("protect") else False,
            ignore_changes=list(request.ignoreChanges),
            delete_before_replace=bool(request.deleteBeforeReplace),
            retain_on_delete=bool(request.retainOnDelete) if request.HasField("retainOnDelete") else False,
            replace_on_changes=list(request.replaceOnChanges),
            additional_secret_outputs=list(request.additionalSecretOutputs),
            aliases=[json_format.MessageToDict(a) for a in request.aliases],
            provider=request.provider,
            providers=dict(request.providers),
            remote=bool(request.remote),
            version=request.version,
            custom_timeouts=timeouts,
            source_frames=_source_frames(request),
        )
        self.records.append(record)
        self._by_urn[urn] = record
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id or "", object=obj_proto)

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs = from_struct(request.outputs)
        if request.urn == self.stack_urn:
            self.stack_outputs = outputs
        elif request.urn in self._by_urn:
            self._by_urn[request.urn].outputs = outputs
        return empty_pb2.Empty()


def _source_file(uri: str) -> str | None:
    """A ``file://`` URI of a source position as a local path."""
    if not uri.startswith("file://"):
        return None
    return url2pathname(urlparse(uri).path)


def _source_frames(request: Any) -> list[tuple[str, int]]:
    """(file, line) pairs of the registration's call stack, the resource constructor's caller first."""
    frames: list[tuple[str, int]] = []
    if request.HasField("stackTrace"):
        for frame in request.stackTrace.frames:
            path = _source_file(frame.pc.uri) if frame.HasField("pc") else None
            if path and frame.pc.line > 0:
                frames.append((path, int(frame.pc.line)))
    if not frames and request.HasField("sourcePosition"):
        path = _source_file(request.sourcePosition.uri)
        if path and request.sourcePosition.line > 0:
            frames.append((path, int(request.sourcePosition.line)))
    return frames


class _LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelname.lower(), record.getMessage()))


@contextmanager
def _program_environment(program_dir: Path) -> Iterator[None]:
    """cwd and sys.path as the language host sets them; program modules dropped afterwards."""
    before = set(sys.modules)
    old_cwd = os.getcwd()
    old_path = list(sys.path)
    sys.path.insert(0, str(program_dir))
    os.chdir(program_dir)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path
        for name in set(sys.modules) - before:
            module_file = getattr(sys.modules[name], "__file__", None) or ""
            if module_file and Path(module_file).resolve().is_relative_to(program_dir):
                del sys.modules[name]


def _program_file(project: Project) -> Path:
    main = project.main
    if main.is_file():
        return main
    candidate = main / "__main__.py"
    if not candidate.is_file():
        raise ProjectError(f"no __main__.py in the program folder {main}")
    return candidate


def run_program(
    path: str | Path,
    stack: str = "dev",
    *,
    config: dict[str, str] | None = None,
    config_file: str | Path | None = None,
    preview: bool = True,
) -> Plan:
    """Run the Pulumi project in ``path`` for ``stack`` and return what the engine would see.

    ``config`` holds ``--config key=value`` overrides; ``config_file`` replaces
    ``<stackConfigDir>/Pulumi.<stack>.yaml``. In preview (the default) outputs of resources still
    to be created are unknown, as in ``pulumi preview``.

    Raises :class:`~llmd_infra.errors.LlmdInfraError` subclasses for user errors (bad project,
    bad config, a program that raised).
    """
    project = load_project(path)
    stack_config = load_stack_config(project, stack, Path(config_file) if config_file else None, config)
    program = _program_file(project)

    def body() -> None:
        with _program_environment(program.parent):
            runpy.run_path(str(program), run_name="__main__")

    with _RUN_LOCK, collector_paused():
        return contextvars.Context().run(
            _run_isolated, project.name, stack, stack_config, body, preview, program.parent, project.root, program
        )


def run_callable(
    program: Callable[[], Any],
    *,
    project: str = "test",
    stack: str = "test",
    config: dict[str, Any] | None = None,
    secret_keys: list[str] | None = None,
    preview: bool = True,
) -> Plan:
    """Run a Python callable as the Pulumi program (for tests and embedding).

    ``config`` maps ``namespace:key`` (or bare keys, namespaced with ``project``) to values;
    objects and lists are JSON-encoded as the CLI does.
    """
    values = {}
    for key, value in (config or {}).items():
        full = key if ":" in key else f"{project}:{key}"
        values[full] = json.dumps(value) if isinstance(value, (dict, list)) else (
            ("true" if value else "false") if isinstance(value, bool) else str(value)
        )
    stack_config = StackConfig(values=values, secret_keys=list(secret_keys or []), raw=dict(config or {}), path=None)
    with _RUN_LOCK, collector_paused():
        return contextvars.Context().run(
            _run_isolated, project, stack, stack_config, program, preview, Path.cwd(), Path.cwd()
        )


def _run_isolated(
    project_name: str,
    stack: str,
    stack_config: StackConfig,
    program: Callable[[], Any],
    preview: bool,
    program_dir: Path,
    root: Path,
    program_file: Path | None = None,
) -> Plan:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    mocks = _Mocks(preview)
    monitor = RecordingMonitor(mocks, project_name, stack)
    logger = logging.Logger("llmd-infra.plan")
    collector = _LogCollector()
    logger.addHandler(collector)
    settings = pulumi_mocks.MockSettings(  # type: ignore[no-untyped-call]
        monitor=monitor,
        monitor_features=set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures),  # type: ignore[no-untyped-call]
        engine=pulumi_mocks.MockEngine(logger),
        project=project_name,
        stack=stack,
        dry_run=preview,
        organization="organization",
        root_directory=str(root),
        callbacks=None,
        outputs=set(),
        lock=threading.Lock(),
        package_refs={},
        base_providers_by_ref={},
    )
    configure(settings)
    set_all_config(stack_config.values, stack_config.secret_keys)
    def recorded() -> Plan:
        return Plan(
            project=project_name,
            stack=stack,
            preview=preview,
            resources=_hierarchical_order(monitor.records),
            outputs=monitor.stack_outputs,
            stack_urn=monitor.stack_urn,
            invokes=mocks.invokes,
            program_dir=str(program_dir),
            program_file=str(program_file) if program_file else "",
            config_file=str(stack_config.path) if stack_config.path else None,
            logs=collector.records,
        )

    try:
        with lean_active(requested_mode() == "lean"):
            loop.run_until_complete(run_in_stack(program))
    except LlmdInfraError as exc:
        error: LlmdInfraError = exc
        if isinstance(exc, ConfigError) and (stack_config.path or stack_config.expected_path):
            # Name where each bad value came from (the stack file, Pulumi.yaml, --config), not only
            # the file the program assumed.
            stack_file = display_path(stack_config.path) if stack_config.path else None
            error = exc.with_sources(lambda key: stack_config.source_of(key) or stack_file)
        error = _missing_stack_file(error, exc, stack_config)
        error.plan = recorded()
        if error is exc:
            raise
        raise error from None
    except Exception as exc:
        error = ProgramError(_describe(exc), traceback.format_exc(), _where(exc, program_dir))
        error = _missing_stack_file(error, exc, stack_config)
        error.plan = recorded()
        raise error from exc
    finally:
        _drain(loop)
        asyncio.set_event_loop(None)
        loop.close()
    return recorded()


def _hierarchical_order(records: list[PlannedResource]) -> list[PlannedResource]:
    """Parents before children, siblings by URN.

    The SDK registers independent resources from executor threads, so arrival order varies between
    runs; this order does not, and it is the order a tree view needs.
    """
    by_urn = {r.urn: r for r in records}

    def key(resource: PlannedResource) -> tuple[str, ...]:
        chain = [resource.urn]
        parent = resource.parent
        while parent in by_urn:
            chain.append(parent)
            parent = by_urn[parent].parent
        return tuple(reversed(chain))

    return sorted(records, key=key)


def _cause(exc: BaseException) -> BaseException:
    """The user's own error (Pulumi wraps program errors raised inside outputs)."""
    cause = exc
    while cause.__cause__ is not None and not str(cause):
        cause = cause.__cause__
    return cause


def _describe(exc: BaseException) -> str:
    cause = _cause(exc)
    return f"the program raised {type(cause).__name__}: {cause}"


def _where(exc: BaseException, program_dir: Path) -> str:
    """``file:line`` of the raise: the innermost frame in the program's folder (the line the user wrote),
    plus the raising line when that is elsewhere (a library the program called)."""
    frames = traceback.extract_tb(_cause(exc).__traceback__)
    if not frames:
        return ""
    folder = program_dir.resolve()
    own = [f for f in frames if f.filename and Path(f.filename).resolve().is_relative_to(folder)]
    raised = frames[-1]
    if not own:
        return f"{display_path(Path(raised.filename))}:{raised.lineno}"
    mine = own[-1]
    where = f"{display_path(Path(mine.filename))}:{mine.lineno}"
    if mine is not raised:
        where += f" (raised in {display_path(Path(raised.filename))}:{raised.lineno})"
    return where


def _is_missing_config(exc: BaseException) -> bool:
    from pulumi.config import ConfigMissingError

    if isinstance(_cause(exc), ConfigMissingError):
        return True
    return isinstance(exc, ConfigError) and any(p.message == REQUIRED_MISSING for p in exc.problems)


def _missing_stack_file(error: LlmdInfraError, exc: BaseException, stack_config: StackConfig) -> LlmdInfraError:
    """Name the real culprit when a program lacks configuration because its stack file does not exist."""
    expected = stack_config.expected_path
    if expected is None or not _is_missing_config(exc):
        return error
    folder = expected.parent
    known = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in folder.glob("Pulumi.*.yaml"))
    listing = f"stack files there: {', '.join(known)}" if known else "there are no stack files there"
    detail = str(error).replace("\n", "\n  ")
    return ProjectError(
        f"stack file {display_path(expected)} does not exist ({listing}), and the program needs configuration:\n"
        f"  {detail}"
    )


def _drain(loop: asyncio.AbstractEventLoop) -> None:
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


def secret_output_names(plan: Plan) -> set[str]:
    """Names of stack outputs that are secret."""
    return {k for k, v in plan.outputs.items() if isinstance(v, Secret)}
