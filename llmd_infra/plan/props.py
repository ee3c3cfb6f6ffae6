"""Properties as a policy of the pack reads them, converted once per resource and read on demand.

Under the engine a policy sees a resource's properties after three steps: the engine's protobuf
``Struct`` (every number a double), ``json_format.MessageToDict`` and pulumi_policy's
``deserialize_properties`` (secrets unwrapped), all wrapped by ``unknown_checking_proxy``, which
raises ``UnknownValueError`` when a policy reads a value unknown in preview. pulumi_policy does all
of that again for every policy and every resource, and builds the proxies eagerly, copying the whole
property tree each time.

:func:`engine_props` produces the same values in one pass without protobuf, and
:class:`PropsProxy` / :class:`ListProxy` have the same reading semantics as pulumi_policy's
``_DictProxy`` / ``_ListProxy`` (same ABCs, same errors, same property paths in the messages) but
wrap nested values only when a policy reads them, so one proxy can serve every policy of a resource
and a stack policy pays only for the resources it reads. :mod:`llmd_infra.plan.servicer` keeps the
protobuf path; ``tests/test_perf_policy.py`` compares the two.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

from llmd_infra.plan.values import SIG_KEY, UNKNOWN, UNKNOWN_SENTINEL, ResourceRef, Secret

UNKNOWNS = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)
"""The sentinel strings pulumi_policy's proxies treat as unknown."""


def engine_props(values: Mapping[str, Any]) -> dict[str, Any]:
    """``deserialize_properties(MessageToDict(Struct(to_engine(values))))``, without protobuf.

    Numbers become floats (a ``Struct`` holds doubles), secrets and resource references are
    unwrapped as :func:`~llmd_infra.plan.values.to_engine` does, unknowns become the engine's
    sentinel. Values of any other shape take the protobuf path, so their result (or error) is
    exactly the engine's.
    """
    return {key: _engine(value) for key, value in values.items()}


def _engine(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        return float(value)
    if kind is float:
        if math.isinf(value) or math.isnan(value):
            return _by_protobuf(value)
        return value
    if kind is dict:
        if SIG_KEY in value:
            return _by_protobuf(value)
        return {key: _engine(inner) for key, inner in value.items()}
    if kind is list:
        return [_engine(inner) for inner in value]
    if value is UNKNOWN:
        return UNKNOWN_SENTINEL
    if kind is Secret:
        return _engine(value.value)
    if kind is ResourceRef:
        return value.urn
    return _by_protobuf(value)


def _by_protobuf(value: Any) -> Any:
    """The engine's own conversion of one value (rare shapes: signatures, non-finite numbers...)."""
    from llmd_infra.plan.values import to_engine

    struct = struct_pb2.Struct()
    struct.update({"v": to_engine(value)})
    return deserialize_properties(json_format.MessageToDict(struct))["v"]


def _wrap(value: Any, path: list[str]) -> Any:
    if isinstance(value, list):
        return ListProxy(value, path)
    if isinstance(value, dict):
        return PropsProxy(value, path)
    return value


class PropsProxy(Mapping[str, Any]):
    """A property map that raises ``UnknownValueError`` when a read value is unknown.

    Reads like pulumi_policy's ``_DictProxy``; nested maps and lists are wrapped when first read.
    ``source`` (instead of ``target``) defers even the conversion until the first read.
    """

    __slots__ = ("_children", "_path", "_source", "_target")

    def __init__(
        self,
        target: dict[str, Any] | None,
        path: list[str] | None = None,
        source: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self._target = target
        self._source = source
        self._path = path or []
        self._children: dict[Any, Any] = {}

    def _data(self) -> dict[str, Any]:
        target = self._target
        if target is None:
            assert self._source is not None
            target = self._target = self._source()
            self._source = None
        return target

    def __getitem__(self, key: Any) -> Any:
        target = self._data()
        if key == "__target":
            return {k: self._child(k, v) for k, v in target.items()}
        value = target[key]
        if isinstance(value, str):
            if value in UNKNOWNS:
                raise UnknownValueError(value, [*self._path, str(key)])
            return value
        if isinstance(value, (dict, list)):
            return self._child(key, value)
        return value

    def __contains__(self, key: object) -> bool:
        # Mapping.__contains__ reads the value (so an unknown one raises); the same, without the
        # try/except round trip.
        target = self._data()
        if key not in target:
            return key == "__target"
        value = target[key]
        if isinstance(value, str) and value in UNKNOWNS:
            raise UnknownValueError(value, [*self._path, str(key)])
        return True

    def get(self, key: Any, default: Any = None) -> Any:
        if key in self:
            return self[key]
        return default

    def _child(self, key: Any, value: Any) -> Any:
        if not isinstance(value, (dict, list)):
            return value
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = _wrap(value, [*self._path, str(key)])
        return child

    def __len__(self) -> int:
        return len(self._data())

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())


class ListProxy(Sequence[Any]):
    """A property list that raises ``UnknownValueError`` when a read element is unknown (``_ListProxy``)."""

    __slots__ = ("_children", "_path", "_target")

    def __init__(self, target: list[Any], path: list[str]) -> None:
        self._target = target
        self._path = path
        self._children: dict[int, Any] = {}

    def _element(self, index: int) -> Any:
        value = self._target[index]
        if not isinstance(value, (dict, list)):
            return value
        child = self._children.get(index)
        if child is None:
            child = self._children[index] = _wrap(value, [*self._path, str(index)])
        return child

    def __getitem__(self, key: Any) -> Any:
        if key == "__target":
            return [self._element(i) for i in range(len(self._target))]
        if isinstance(key, slice):
            return [self._element(i) for i in range(*key.indices(len(self._target)))]
        value = self._target[key]
        if isinstance(value, str):
            if value in UNKNOWNS:
                raise UnknownValueError(value, [*self._path, str(key)])
            return value
        if isinstance(value, (dict, list)):
            index = key.__index__()
            return self._element(index if index >= 0 else index + len(self._target))
        return value

    def __len__(self) -> int:
        return len(self._target)
