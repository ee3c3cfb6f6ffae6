"""Generate a facade's spec (``sdk_spec.json``) from the installed SDK: what lean registration needs.

For every SDK class the components name through a facade (``gcp.container.NodePoolArgs`` in any
module that does ``from <facade> import gcp``), this imports the real class and records:

* input classes: Python -> engine names, required keywords;
* resource classes: the type token; how ``_internal_init`` maps parameters to properties — learned
  by calling it with a probe value per parameter while ``CustomResource.__init__`` is replaced by a
  recorder; the constants it adds (``apiVersion``, ``kind``); its outputs; its required properties
  (call with nothing, add what the ``TypeError`` names, repeat); the options it merges after the
  caller's (``version``, aliases, secret outputs), checked by a second call with caller options;
  Python -> engine names of every property, and which outputs are objects (read through views).

A class whose constructor does anything else (defaults read from the environment, values wrapped
or serialized, reading an existing resource, a hand-written constructor) is left out with the
reason, and the facade uses the SDK's own class for it. ``tests/test_perf_lean.py`` regenerates
each spec and compares it with the committed file, so an SDK upgrade cannot leave a stale spec
(the facade also ignores a spec whose ``pluginVersion`` is not the installed SDK's).

    python -m llmd_infra.plan.lean_spec            # rewrite every facade's spec
    python -m llmd_infra.plan.lean_spec --check    # exit 1 when a committed spec is stale
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import inspect
import io
import json
import re
import sys
import typing
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi import _types

from llmd_infra import registry
from llmd_infra.plan.lean import LeanSdk, _camel, _plugin_version

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("llmd_infra", "providers")


@dataclass(frozen=True)
class Facade:
    """A facade module: it binds ``ALIAS`` (the name components use) to ``LEAN``, a
    :class:`~llmd_infra.plan.lean.LeanSdk`."""

    module: str

    @property
    def alias(self) -> str:
        return str(importlib.import_module(self.module).ALIAS)

    def sdk(self) -> LeanSdk:
        sdk = importlib.import_module(self.module).LEAN
        assert isinstance(sdk, LeanSdk)
        return sdk


CORE_FACADE = "llmd_infra.addons.sdk"
"""Kubernetes, as the shared add-ons (and the rooms' in-cluster objects) name it."""


def facades() -> list[Facade]:
    """The core's Kubernetes facade and every room's ``sdk`` facade (registry order)."""
    found = [Facade(CORE_FACADE)]
    for provider in registry.PROVIDERS:
        module = f"{registry.PACKAGE}.{provider}.sdk"
        if importlib.util.find_spec(module) is not None:
            found.append(Facade(module))
    return found


def referenced(facade: Facade, repo: Path = REPO) -> list[str]:
    """``sub.module.Class`` paths named through the facade by the project's modules."""
    importer = re.compile(rf"^\s*from {re.escape(facade.module)} import .*\b{facade.alias}\b", re.M)
    use = re.compile(rf"\b{facade.alias}((?:\.[a-z_][a-z0-9_]*)+)\.([A-Z][A-Za-z0-9_]*)\b")
    found: set[str] = set()
    for folder in SOURCES:
        for path in sorted((repo / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if not importer.search(text):
                continue
            for module, name in use.findall(text):
                found.add(f"{module[1:]}.{name}")
    return sorted(found)


class _Probe:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<probe {self.name}>"


class Unsupported(Exception):
    """The class does something lean registration does not reproduce (the SDK class is used)."""


@contextmanager
def _recording() -> Iterator[list[tuple[str, Any, Any]]]:
    calls: list[tuple[str, Any, Any]] = []
    original = pulumi.CustomResource.__init__

    def record(self: Any, t: str, name: str, props: Any = None, opts: Any = None, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise Unsupported(f"CustomResource.__init__ got more than (type, name, props, opts): {args} {kwargs}")
        calls.append((t, props, opts))

    pulumi.CustomResource.__init__ = record  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        pulumi.CustomResource.__init__ = original  # type: ignore[method-assign]


def _call(cls: type, params: Mapping[str, Any], opts: Any = None) -> tuple[str, Any, Any]:
    instance: Any = object.__new__(cls)
    # Deprecated parameters warn through pulumi.log when probed; the warnings say nothing here.
    with _recording() as calls, contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cls._internal_init(instance, "probe", opts, **params)  # type: ignore[attr-defined]
    if len(calls) != 1:
        raise Unsupported(f"_internal_init made {len(calls)} CustomResource calls")
    return calls[0]


_OPTION_FIELDS = ("version", "plugin_download_url", "aliases", "additional_secret_outputs", "replace_on_changes")


def _alias(alias: Any) -> dict[str, Any]:
    if not isinstance(alias, pulumi.Alias):
        raise Unsupported(f"alias {alias!r} is not a pulumi.Alias")
    out = {}
    for field in ("name", "type_", "parent", "stack", "project"):
        value = getattr(alias, field, None)
        if value is not None and value is not ...:
            if not isinstance(value, str):
                raise Unsupported(f"alias field {field} is {value!r}")
            out[field] = value
    return out


def _options(opts: Any) -> dict[str, Any]:
    """The options ``_internal_init`` added when the caller gave none."""
    if not isinstance(opts, pulumi.ResourceOptions):
        raise Unsupported("no ResourceOptions reached CustomResource")
    blank = vars(pulumi.ResourceOptions.merge(pulumi.ResourceOptions(), pulumi.ResourceOptions()))
    extra = [k for k, v in vars(opts).items() if k not in _OPTION_FIELDS and repr(v) != repr(blank.get(k))]
    if extra:
        raise Unsupported(f"_internal_init sets options {extra}")
    out: dict[str, Any] = {"version": opts.version}
    if opts.plugin_download_url is not None:
        out["pluginDownloadUrl"] = opts.plugin_download_url
    if opts.aliases:
        out["aliases"] = [_alias(a) for a in opts.aliases]
    if opts.additional_secret_outputs:
        out["additionalSecretOutputs"] = list(opts.additional_secret_outputs)
    if opts.replace_on_changes:
        out["replaceOnChanges"] = list(opts.replace_on_changes)
    return out


def _comparable(opts: Any) -> str:
    out = {}
    for key, value in vars(opts).items():
        if key == "aliases" and value:
            value = [_alias(a) if isinstance(a, pulumi.Alias) else a for a in value]
        out[key] = value
    return repr(out)


def _is_object(hint: Any) -> bool:
    """Whether an output's value can be a dict or list (read through views) rather than a scalar."""
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        return any(_is_object(arg) for arg in typing.get_args(hint) if arg is not type(None))
    if origin is not None:
        return True
    if isinstance(hint, type) and issubclass(hint, (str, int, float, bool)):
        return False
    return hint is not type(None)


def resource_entry(cls: type) -> dict[str, Any]:
    if not issubclass(cls, pulumi.CustomResource) or issubclass(cls, pulumi.ProviderResource):
        raise Unsupported("not a custom resource")
    init = getattr(cls, "_internal_init", None)
    if init is None:
        raise Unsupported("no generated _internal_init (a hand-written class)")
    skip = ("__self__", "self", "resource_name", "opts", "__props__")
    params = [p for p in inspect.signature(init).parameters if p not in skip]
    probes = {p: _Probe(p) for p in params}
    try:
        token, props, opts = _call(cls, probes)
    except Unsupported:
        raise
    except Exception as error:  # any other behaviour is one lean registration does not copy
        raise Unsupported(f"_internal_init with a value for every parameter raised {error!r}") from error
    if not _types.is_input_type(type(props)):
        raise Unsupported("props are not an input type")
    args_names = _types.input_type_py_to_pulumi_names(type(props))
    wire = _types.resource_py_to_pulumi_names(cls)
    inputs: dict[str, str] = {}
    constants: dict[str, Any] = {}
    outputs: list[str] = []
    for prop, value in vars(props).items():
        if isinstance(value, _Probe):
            inputs[value.name] = prop
        elif value is None:
            outputs.append(prop)
        elif isinstance(value, (str, int, float, bool)):
            constants[prop] = value
        else:
            raise Unsupported(f"_internal_init transforms {prop}: {value!r}")
    # Parameters whose property the SDK sets to a constant anyway (apiVersion, kind, compat).
    ignored = [p for p in params if p not in inputs]
    if any(p not in constants for p in ignored):
        raise Unsupported(f"parameters {[p for p in ignored if p not in constants]} never reach a property")
    # Required properties: call with nothing, add what the error names, repeat.
    required: list[str] = []
    given: dict[str, Any] = {}
    while True:
        try:
            token_b, props_b, opts_b = _call(cls, given)
            break
        except TypeError as error:
            match = re.fullmatch(r"Missing required property '(\w+)'", str(error))
            if not match or match.group(1) in given:
                raise Unsupported(f"_internal_init raised {error}") from error
            required.append(match.group(1))
            given[match.group(1)] = probes[match.group(1)]
    for prop, value in vars(props_b).items():
        expected = constants.get(prop) if prop in constants else None
        if isinstance(value, _Probe):
            continue
        if value != expected:
            raise Unsupported(f"_internal_init fills {prop} by itself ({value!r}): a default from the environment")
    if token_b != token or _comparable(opts_b) != _comparable(opts):
        raise Unsupported("the options depend on the arguments")
    sdk_opts = _options(opts)
    # The options merge order: a caller's options go between the SDK's defaults and its additions.
    caller = pulumi.ResourceOptions(version="0.0.0-caller", aliases=["urn:pulumi:s::p::t::caller"],
                                    additional_secret_outputs=["caller"], replace_on_changes=["caller"],
                                    ignore_changes=["caller"], protect=True)
    _, _, opts_c = _call(cls, given, caller)
    if _comparable(opts_c) != _comparable(_lean_options(sdk_opts, caller)):
        raise Unsupported("_internal_init merges options in another order")
    names = {prop: wire.get(prop) or args_names.get(prop) or prop for prop in [*inputs.values(), *constants, *outputs]}
    for prop in inputs.values():
        if prop in args_names and args_names[prop] != names[prop]:
            raise Unsupported(f"{prop} has two engine names")
    types = _types.resource_types(cls)
    objects = sorted(p for p in [*inputs.values(), *constants, *outputs] if _is_object(types.get(names[p], Any)))
    args_cls = type(props)
    return {
        "kind": "resource",
        "token": token,
        "module": cls.__module__,
        "args": _args_path(args_cls),
        "params": params,
        "ignored": ignored,
        "inputs": inputs,
        "constants": constants,
        "outputs": outputs,
        "required": required,
        "wire": names,
        "inputWire": dict(args_names),
        "objects": objects,
        "opts": sdk_opts,
    }


def _args_path(cls: type) -> str:
    module = [part for part in cls.__module__.split(".")[1:] if not part.startswith("_")]
    # The resource Args class lives in the resource's own module (``compute/network.py``) but is
    # exported by the sub-package (``gcp.compute.NetworkArgs``); drop the file name.
    return ".".join([*module[:-1], cls.__name__]) if module else cls.__name__


def _lean_options(sdk_opts: Mapping[str, Any], caller: pulumi.ResourceOptions) -> pulumi.ResourceOptions:
    from llmd_infra.plan.lean import _sdk_options

    defaults = pulumi.ResourceOptions(
        version=sdk_opts["version"], plugin_download_url=sdk_opts.get("pluginDownloadUrl")
    )
    merged = pulumi.ResourceOptions.merge(defaults, caller)
    identity: dict[str, Any] = {"wire": {}, "inputWire": {}, "opts": sdk_opts}
    return _sdk_options(identity, merged)


def input_entry(cls: type) -> dict[str, Any]:
    if not _types.is_input_type(cls):
        raise Unsupported("not an input type")
    names = _types.input_type_py_to_pulumi_names(cls)
    signature = inspect.signature(cls)
    params = [p for name, p in signature.parameters.items() if name not in ("self", "__self__")]
    if any(p.kind is not inspect.Parameter.KEYWORD_ONLY for p in params):
        raise Unsupported("positional parameters")
    if sorted(p.name for p in params) != sorted(names):
        raise Unsupported("parameters and properties differ")
    required = [p.name for p in params if p.default is inspect.Parameter.empty]
    probe = cls(**{p.name: _Probe(p.name) for p in params})
    when_given: dict[str, Any] = {}
    for p in params:
        value = vars(probe).get(p.name)
        if isinstance(value, _Probe) and value.name == p.name:
            continue
        if isinstance(value, (str, int, float, bool)):
            when_given[p.name] = value  # ``if compat is not None: pulumi.set(self, "compat", 'true')``
            continue
        raise Unsupported(f"__init__ stores {p.name} as {value!r}")
    if set(vars(probe)) != {p.name for p in params}:
        raise Unsupported("__init__ stores properties it was not given")
    bare = cls(**{name: _Probe(name) for name in required})
    if set(vars(bare)) != set(required):
        raise Unsupported(f"__init__ sets defaults: {sorted(set(vars(bare)) - set(required))}")
    entry: dict[str, Any] = {"kind": "input", "names": dict(names), "required": required}
    if when_given:
        entry["whenGiven"] = when_given
    return entry


def _output_types(hint: Any, seen: set[type]) -> Iterator[type]:
    origin = typing.get_origin(hint)
    if origin is not None:
        for arg in typing.get_args(hint):
            yield from _output_types(arg, seen)
        return
    if isinstance(hint, type) and _types.is_output_type(hint) and hint not in seen:
        seen.add(hint)
        yield hint
        for inner in _types.output_type_types(hint).values():
            yield from _output_types(inner, seen)


def build_spec(facade: Facade, repo: Path = REPO) -> dict[str, Any]:
    root = facade.sdk().root
    classes: dict[str, Any] = {}
    unsupported: dict[str, str] = {}
    irregular: dict[str, str] = {}
    seen: set[type] = set()
    for path in referenced(facade, repo):
        module, _, name = f"{root}.{path}".rpartition(".")
        cls = getattr(importlib.import_module(module), name)
        try:
            if _types.is_input_type(cls):
                classes[path] = input_entry(cls)
            else:
                entry = resource_entry(cls)
                classes[path] = entry
                for hint in _types.resource_types(cls).values():
                    for output in _output_types(hint, seen):
                        for py, wire, _ in _types._py_properties(output):
                            if wire != _camel(py):
                                if irregular.get(py, wire) != wire:
                                    raise AssertionError(f"{py} has two engine names in output types: {wire}")
                                irregular[py] = wire
        except Unsupported as reason:
            unsupported[path] = str(reason)
    # A resource the SDK builds must get the SDK's own Args instance (it tests isinstance).
    for path in list(unsupported):
        if f"{path}Args" in classes:
            del classes[f"{path}Args"]
            unsupported[f"{path}Args"] = f"the arguments of {path}, which the SDK builds"
    return {
        "sdk": root,
        "pluginVersion": _plugin_version(root),
        "generatedBy": "python -m llmd_infra.plan.lean_spec",
        "classes": dict(sorted(classes.items())),
        "irregular": dict(sorted(irregular.items())),
        "unsupported": dict(sorted(unsupported.items())),
    }


def spec_file(facade: Facade) -> Path:
    return facade.sdk()._spec_file


def render(spec: Mapping[str, Any]) -> str:
    return json.dumps(spec, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the lean registration specs from the installed SDKs.")
    parser.add_argument("--check", action="store_true", help="exit 1 when a committed spec differs")
    args = parser.parse_args(argv)
    stale = []
    for facade in facades():
        text = render(build_spec(facade))
        path = spec_file(facade)
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != text:
            stale.append(str(path))
            if not args.check:
                path.write_text(text, encoding="utf-8")
        spec = json.loads(text)
        print(f"{path}: {len(spec['classes'])} classes, {len(spec['unsupported'])} left to the SDK")
        for name, reason in spec["unsupported"].items():
            print(f"  {name}: {reason}")
    if args.check and stale:
        print("stale: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
