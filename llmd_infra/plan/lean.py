"""Lean registration: the components' typed SDK calls, registered without importing the SDK modules.

A component names its SDK through a facade (a room's ``sdk`` module, ``llmd_infra.addons.sdk`` for
Kubernetes), which checkers see as the SDK itself (``if TYPE_CHECKING: import <the SDK> as gcp``):
every class, keyword and type is checked against the real SDK, and a misspelt property fails mypy.

At run time the facade resolves ``gcp.compute.Network`` on use. Outside the offline engine, or for
any class its spec does not cover, that is the SDK's own class, imported then (``typed``). Under the
offline engine (``lean``, the default there) it is a small stand-in built from the facade's spec
(``sdk_spec.json``, generated from the installed SDK by :mod:`llmd_infra.plan.lean_spec` and
compared with it by a test), so a preview does not execute the SDK's generated modules — the GCP
SDK's compute package runs all 288 of its modules and 9.5 MB of input and output types for the five
resources a cluster network needs. The stand-ins register exactly what the SDK classes register:

* ``XxxArgs(...)`` records its keywords (a :class:`LeanArgs`); unknown keywords and missing
  required ones raise ``TypeError`` as the SDK's classes do;
* a resource class takes the SDK's call shapes (``Cls(name, args, opts)`` or ``Cls(name, opts=...,
  **props)``), raises the SDK's "Missing required property" errors, adds the properties the SDK
  adds (``apiVersion``/``kind`` constants, every output as an unknown), merges the SDK's options
  (its ``version``, aliases, secret outputs) the way its ``_internal_init`` does, and registers the
  same type token with the same engine (camelCase) property names;
* its outputs read as the SDK's do: ``cluster.master_auth.cluster_ca_certificate`` works; nested
  objects are :class:`LeanView` dicts keyed by engine names (the SDK's output classes are keyed
  by Python names; attribute access is the same).

``tests/test_perf_lean.py`` records every ready stack both ways (preview and update) and requires
identical plans. A resource read by id (``opts.id``/``opts.urn``) is built by the SDK class.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import pulumi

MODES = ("lean", "typed")
ENV_MODE = "LLMD_INFRA_REGISTRATION"
"""``typed`` makes the offline engine register through the SDK classes too."""

_ACTIVE: ContextVar[bool] = ContextVar("llmd_infra_lean_registration", default=False)
_REQUESTED: list[str] = []


def requested_mode() -> str:
    """The mode the offline engine runs programs in: :func:`registration`'s, else ``$LLMD_INFRA_REGISTRATION``,
    else ``lean``."""
    if _REQUESTED:
        return _REQUESTED[-1]
    mode = os.environ.get(ENV_MODE, "lean")
    return mode if mode in MODES else "lean"


@contextmanager
def registration(mode: str) -> Iterator[None]:
    """Within this block, offline runs register ``lean`` or ``typed`` (tests compare the two)."""
    if mode not in MODES:
        raise ValueError(f"registration mode must be one of {MODES}, not {mode!r}")
    _REQUESTED.append(mode)
    try:
        yield
    finally:
        _REQUESTED.pop()


@contextmanager
def lean_active(active: bool) -> Iterator[None]:
    """Set by the engine around one run (a context variable: every task of the run sees it)."""
    token = _ACTIVE.set(active)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


# --- the facade ---------------------------------------------------------------------------------


class LeanSdk:
    """A cloud SDK's module tree as components name it; see the module docstring."""

    def __init__(self, root: str, spec_file: Path) -> None:
        self._root = root
        self._spec_file = spec_file
        self._modules: dict[str, LeanModule] = {}

    @property
    def root(self) -> str:
        return self._root

    @cache  # noqa: B019 - one facade per SDK for the process' lifetime
    def spec(self) -> Mapping[str, Any] | None:
        """The spec, or ``None`` when it was generated from another version of the SDK."""
        spec: dict[str, Any] = json.loads(self._spec_file.read_text(encoding="utf-8"))
        return spec if spec.get("pluginVersion") == _plugin_version(self._root) else None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.resolve(name)

    def resolve(self, path: str) -> Any:
        """``path`` below the SDK root: a sub-module facade, a stand-in class, or the SDK's attribute."""
        spec = self.spec()
        classes: Mapping[str, Any] = spec["classes"] if spec is not None else {}
        active = _ACTIVE.get()
        if path in classes and active:
            return _stand_in(self, path)
        if path in self._modules:
            return self._modules[path]
        if any(key.startswith(path + ".") for key in classes) and path not in classes:
            module = self._modules[path] = LeanModule(self, path)
            return module
        return _real(self._root, path)


class LeanModule:
    """A sub-module of a :class:`LeanSdk` (``gcp.container``)."""

    def __init__(self, sdk: LeanSdk, path: str) -> None:
        self._sdk = sdk
        self._path = path

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._sdk.resolve(f"{self._path}.{name}")


def _real(root: str, path: str) -> Any:
    """The SDK's own attribute ``root.path`` (a module or a class), imported now."""
    module_path, _, name = f"{root}.{path}".rpartition(".")
    module = importlib.import_module(module_path)
    try:
        return getattr(module, name)
    except AttributeError:
        return importlib.import_module(f"{module_path}.{name}")


@cache
def _plugin_version(root: str) -> str | None:
    """The SDK's version from its ``pulumi-plugin.json``, without importing it."""
    spec = importlib.util.find_spec(root)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        plugin = Path(location) / "pulumi-plugin.json"
        if plugin.is_file():
            version = json.loads(plugin.read_text(encoding="utf-8")).get("version")
            return str(version) if version is not None else None
    return None


@cache
def _stand_in(sdk: LeanSdk, path: str) -> Any:
    spec = sdk.spec()
    assert spec is not None
    entry = spec["classes"][path]
    module, _, name = f"{sdk.root}.{path}".rpartition(".")
    if entry["kind"] == "input":
        return _args_class(sdk, path, name, entry)
    if entry["kind"] == "resource":
        return _resource_class(sdk, path, name, module, entry, spec)
    raise AssertionError(f"unknown kind {entry['kind']!r} in the spec of {path}")


# --- arguments ----------------------------------------------------------------------------------


class LeanArgs:
    """The keywords of one ``XxxArgs(...)`` call, as a Pulumi input type with the SDK class' names.

    A stand-in class has one property per keyword of the SDK's class (engine names attached as the
    SDK's ``@pulumi.getter(name=...)`` attaches them), so the SDK's own serializer reads it exactly
    as it reads the SDK's instance when it lands in a class the SDK builds (``CustomResource``).
    """

    _pulumi_input_type = True
    _lean_path: ClassVar[str]
    _lean_names: ClassVar[Mapping[str, str]]
    _lean_real: ClassVar[Any]
    _lean_required: ClassVar[tuple[str, ...]] = ()
    _lean_when_given: ClassVar[Mapping[str, Any]] = {}
    __slots__ = ("_values",)

    def __init__(self, **kwargs: Any) -> None:
        names = self._lean_names
        for key in kwargs:
            if key not in names:
                raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword argument '{key}'")
        missing = [p for p in self._lean_required if p not in kwargs]
        if missing:
            raise TypeError(
                f"{type(self).__name__}.__init__() missing {len(missing)} required keyword-only argument"
                f"{'s' if len(missing) > 1 else ''}: " + " and ".join(f"'{m}'" for m in missing)
            )
        values = {k: v for k, v in kwargs.items() if v is not None}
        for key, constant in self._lean_when_given.items():
            if key in values:
                values[key] = constant
        self._values = values

    def wire(self) -> dict[str, Any]:
        """The engine's view: camelCase names, ``None`` dropped (``input_type_to_dict``)."""
        names = self._lean_names
        return {names[k]: to_wire(v) for k, v in self._values.items() if v is not None}

    def real(self) -> Any:
        """The SDK's own instance of this class, with the same values (imported now)."""
        cls = self._lean_real()
        return cls(**{k: materialize(v) for k, v in self._values.items()})


def _property(python_name: str, engine_name: str) -> property:
    def fget(self: LeanArgs) -> Any:
        return self._values.get(python_name)

    def fset(self: LeanArgs, value: Any) -> None:
        self._values[python_name] = value

    fget._pulumi_name = engine_name  # type: ignore[attr-defined]
    return property(fget, fset)


def _args_class(sdk: LeanSdk, path: str, name: str, entry: Mapping[str, Any]) -> type[LeanArgs]:
    names: dict[str, str] = dict(entry["names"])
    members: dict[str, Any] = {py: _property(py, wire) for py, wire in names.items()}
    members.update(
        {
            "__slots__": (),
            "__module__": f"{sdk.root}.{path.rpartition('.')[0]}",
            "__qualname__": name,
            "_lean_path": path,
            "_lean_names": names,
            "_lean_required": tuple(entry.get("required", ())),
            "_lean_when_given": dict(entry.get("whenGiven", {})),
            "_lean_real": staticmethod(lambda: _real(sdk.root, path)),
        }
    )
    return type(name, (LeanArgs,), members)


def to_wire(value: Any) -> Any:
    """Stand-in arguments as the engine sees them; everything else (outputs, SDK objects) untouched."""
    if isinstance(value, LeanArgs):
        return value.wire()
    if isinstance(value, list):
        return [to_wire(v) for v in value] if any(_has_lean(v) for v in value) else value
    if isinstance(value, tuple):
        return tuple(to_wire(v) for v in value) if any(_has_lean(v) for v in value) else value
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()} if any(_has_lean(v) for v in value.values()) else value
    return value


def materialize(value: Any) -> Any:
    """Stand-in arguments turned into the SDK's own objects (for a class the SDK builds)."""
    if isinstance(value, LeanArgs):
        return value.real()
    if isinstance(value, list):
        return [materialize(v) for v in value] if any(_has_lean(v) for v in value) else value
    if isinstance(value, tuple):
        return tuple(materialize(v) for v in value) if any(_has_lean(v) for v in value) else value
    if isinstance(value, dict):
        return {k: materialize(v) for k, v in value.items()} if any(_has_lean(v) for v in value.values()) else value
    return value


def _has_lean(value: Any) -> bool:
    if isinstance(value, LeanArgs):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_lean(v) for v in value)
    if isinstance(value, dict):
        return any(_has_lean(v) for v in value.values())
    return False


# --- outputs ------------------------------------------------------------------------------------


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class LeanView(dict[str, Any]):
    """A nested output object: the engine's dict, read by attribute like the SDK's output classes."""

    _irregular: ClassVar[Mapping[str, str]] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.get(self._irregular.get(name) or _camel(name))


def _view_class(irregular: Mapping[str, str]) -> type[LeanView]:
    return type("LeanView", (LeanView,), {"_irregular": dict(irregular)})


def _viewed(value: Any, view: type[LeanView]) -> Any:
    if isinstance(value, dict) and not isinstance(value, LeanView):
        return view({k: _viewed(v, view) for k, v in value.items()})
    if isinstance(value, list):
        return [_viewed(v, view) for v in value]
    return value


# --- resources ----------------------------------------------------------------------------------


class LeanResource(pulumi.CustomResource):
    """Base of the stand-in resource classes; see the module docstring."""

    _lean_spec: ClassVar[Mapping[str, Any]]
    _lean_args: ClassVar[str]
    _lean_real: ClassVar[Any]
    _lean_view: ClassVar[type[LeanView]]

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        opts = _opts_of(cls, args, kwargs)
        if "__props__" in kwargs or (opts is not None and (getattr(opts, "id", None) or getattr(opts, "urn", None))):
            # Reading an existing resource: the SDK class does it (it is imported now).
            real = cls._lean_real()
            return real(*materialize(list(args)), **materialize(dict(kwargs)))
        return super().__new__(cls)

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        spec = self._lean_spec
        values, opts = self._lean_bind(args, kwargs)
        defaults = pulumi.ResourceOptions(version=spec["opts"]["version"],
                                          plugin_download_url=spec["opts"].get("pluginDownloadUrl"))
        opts = pulumi.ResourceOptions.merge(defaults, opts)
        if not isinstance(opts, pulumi.ResourceOptions):
            raise TypeError("Expected resource options to be a ResourceOptions instance")
        for name in spec["required"]:
            if values.get(name) is None:
                raise TypeError(f"Missing required property '{name}'")
        props: dict[str, Any] = {}
        for param, prop in spec["inputs"].items():
            props[spec["wire"][prop]] = to_wire(values.get(param))
        for prop, value in spec["constants"].items():
            props[spec["wire"][prop]] = value
        for prop in spec["outputs"]:
            props[spec["wire"][prop]] = None
        opts = _sdk_options(spec, opts)
        super().__init__(spec["token"], resource_name, props, opts)
        # Object-valued properties whose Python and engine names coincide are read through views too.
        for prop in spec["objects"]:
            wire = spec["wire"][prop]
            if wire == prop and wire in self.__dict__:
                self.__dict__[f"_lean_raw_{wire}"] = self.__dict__.pop(wire)

    def _lean_bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        """``_utilities.get_resource_args_opts`` then ``_internal_init``'s parameters."""
        spec = self._lean_spec
        lean_args = None
        rest = list(args)
        if rest and isinstance(rest[0], LeanArgs) and rest[0]._lean_path == self._lean_args:
            lean_args = rest.pop(0)
        opts = rest[0] if rest and isinstance(rest[0], pulumi.ResourceOptions) else None
        if lean_args is None:
            candidate = kwargs.get("args")
            if isinstance(candidate, LeanArgs) and candidate._lean_path == self._lean_args:
                lean_args = candidate
        if opts is None:
            opts = kwargs.get("opts")
        if lean_args is not None:
            return dict(lean_args._values), opts
        # Cls(name, opts, *params, **params): positional after opts follow _internal_init's order.
        params: list[str] = list(spec["params"])
        values: dict[str, Any] = {}
        positional = list(args)
        if positional:
            opts = positional.pop(0)
        for param, value in zip(params, positional, strict=False):
            values[param] = value
        for key, value in kwargs.items():
            if key == "opts":
                opts = value
            elif key in spec["params"]:
                values[key] = value
            else:
                raise TypeError(f"{type(self).__name__}._internal_init() got an unexpected keyword argument '{key}'")
        return values, opts

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        spec = self._lean_spec
        wire = spec["wire"].get(name)
        if wire is None:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        raw = self.__dict__.get(wire) if wire != name else None
        if raw is None:
            raw = self.__dict__.get(f"_lean_raw_{wire}")
        if raw is None:
            raise AttributeError(name)
        if name in spec["objects"]:
            view = self._lean_view
            raw = raw.apply(lambda value: _viewed(value, view))
        self.__dict__[name] = raw
        return raw


def _opts_of(cls: type[LeanResource], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    for value in (*args[1:3], kwargs.get("opts")):
        if isinstance(value, pulumi.ResourceOptions):
            return value
    return None


def _sdk_options(spec: Mapping[str, Any], opts: pulumi.ResourceOptions) -> pulumi.ResourceOptions:
    """The options the SDK's ``_internal_init`` merges after the caller's, names translated."""
    wire: Mapping[str, str] = spec["wire"]
    inputs: Mapping[str, str] = spec["inputWire"]
    sdk = spec["opts"]
    if sdk.get("aliases"):
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(**alias) for alias in sdk["aliases"]])
        )
    if sdk.get("additionalSecretOutputs"):
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=list(sdk["additionalSecretOutputs"]))
        )
    if sdk.get("replaceOnChanges"):
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(replace_on_changes=list(sdk["replaceOnChanges"]))
        )
    # The SDK translates these lists with the class' name tables; the stand-in registers engine names.
    opts = opts._copy()
    if opts.ignore_changes:
        opts.ignore_changes = [inputs.get(k) or k for k in opts.ignore_changes]
    if opts.replace_on_changes:
        opts.replace_on_changes = [inputs.get(k) or k for k in opts.replace_on_changes]
    if opts.additional_secret_outputs:
        opts.additional_secret_outputs = [wire.get(k) or k for k in opts.additional_secret_outputs]
    return opts


def _resource_class(
    sdk: LeanSdk, path: str, name: str, module: str, entry: Mapping[str, Any], spec: Mapping[str, Any]
) -> type[LeanResource]:
    cls = type(
        name,
        (LeanResource,),
        {
            "__module__": entry.get("module", module),
            "__qualname__": name,
            "pulumi_type": entry["token"],
            "_lean_spec": entry,
            "_lean_args": entry.get("args", ""),
            "_lean_real": staticmethod(lambda: _real(sdk.root, path)),
            "_lean_view": _view_class(spec.get("irregular", {})),
        },
    )
    return cls
