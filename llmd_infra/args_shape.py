"""One shape for a component: its args ``TypedDict`` and its pydantic model may not drift apart.

A component's args are the contract every Pulumi language sees (the package schema is inferred from
them); the pydantic model that validates them holds the rules. Both are written by hand, so
:func:`args_drift` compares them — key names (snake_case on both sides), value shapes (strings,
numbers, booleans, lists, maps, nested objects, and the allowed values of a choice: an ``Enum`` on
the args side, a ``Literal`` on the model side), which keys are required, and that the args document
every key (their docstrings become the schema's descriptions) and the model says what it is.
Nested objects are compared recursively, so one call covers a component's whole args tree.
"""

import inspect
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pulumi.provider.experimental.analyzer import (
    Analyzer,
    is_not_required,
    is_required,
    unwrap_not_required,
    unwrap_required,
)
from pydantic import BaseModel

_SCALARS = (str, int, float, bool)


@dataclass(frozen=True)
class Exempt:
    """Keys one side has and the other must not, each with the reason (shown when the exemption goes stale),
    and args keys that stand for a model key of another name (``renamed``: args key → model key; compared
    as that key, and the model key's own name may then be an args-only key)."""

    args_only: Mapping[str, str] | None = None
    model_only: Mapping[str, str] | None = None
    renamed: Mapping[str, str] | None = None


def _unwrap_args(annotation: Any) -> Any:
    """``Required[X]`` / ``NotRequired[X]`` → ``X`` (the analyzer's own reading of the markers)."""
    if is_required(annotation):
        return _unwrap_args(unwrap_required(annotation))
    if is_not_required(annotation):
        return _unwrap_args(unwrap_not_required(annotation))
    return annotation


def _unwrap_model(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap_model(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return _unwrap_model(rest[0])
    return annotation


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and typing.is_typeddict(tp)


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _describe(tp: Any) -> str:
    return getattr(tp, "__name__", None) or repr(tp)


class _Comparer:
    def __init__(self, exempt: Mapping[tuple[type, type], Exempt]) -> None:
        self.exempt = exempt
        self.problems: list[str] = []
        self.seen: set[tuple[type, type]] = set()
        self.docs = Analyzer("args-shape")

    def pair(self, args: type, model: type[BaseModel]) -> None:
        if (args, model) in self.seen:
            return
        self.seen.add((args, model))
        where = f"{args.__name__} / {model.__name__}"
        exempt = self.exempt.get((args, model), Exempt())
        args_only = dict(exempt.args_only or {})
        model_only = dict(exempt.model_only or {})
        renamed = dict(exempt.renamed or {})
        # As the SDK's analyzer reads them: evaluated at class creation, never from strings (a
        # ``pulumi.Input[...]`` keeps its inner forward reference to ``Output``, which is fine unevaluated).
        hints = dict(inspect.get_annotations(args))
        for key, annotation in hints.items():
            if isinstance(annotation, str):
                self.problems.append(f"{where}: '{key}' has a postponed annotation (the analyzer cannot read it)")
        fields = model.model_fields
        if not (args.__doc__ or "").strip():
            self.problems.append(f"{args.__name__}: no docstring")
        if not (model.__doc__ or "").strip():
            self.problems.append(f"{model.__name__}: no docstring")
        for key, target in renamed.items():
            if key not in hints or target not in fields:
                self.problems.append(f"{where}: '{key}' is exempt as renamed to '{target}' but a side lacks it")
        # The model key each args key stands for.
        matched = {key: renamed.get(key, key) for key in hints if key not in args_only}
        for key in hints:
            if key in args_only:
                if key in fields and key not in renamed.values():
                    self.problems.append(
                        f"{where}: '{key}' is exempt as args-only ({args_only[key]}) but the model has it"
                    )
                continue
            if matched[key] not in fields:
                self.problems.append(f"{where}: '{key}' is in the args but not in the model")
        for key in fields:
            if key in model_only:
                if key in matched.values():
                    self.problems.append(
                        f"{where}: '{key}' is exempt as model-only ({model_only[key]}) but the args have it"
                    )
                continue
            if key not in matched.values():
                self.problems.append(f"{where}: '{key}' is in the model but not in the args")
        for key in hints:
            if not self.docs.get_docstring(args, key):
                self.problems.append(f"{where}: args key '{key}' has no docstring")
            if key in args_only or matched[key] not in fields:
                continue
            field = fields[matched[key]]
            required_in_args = key in getattr(args, "__required_keys__", frozenset())
            required_in_model = field.is_required()
            if required_in_args != required_in_model:
                self.problems.append(
                    f"{where}: '{key}' is {'required' if required_in_args else 'optional'} in the args but "
                    f"{'required' if required_in_model else 'optional'} in the model"
                )
            self.value(f"{where}: '{key}'", _unwrap_args(hints[key]), _unwrap_model(field.annotation))

    def value(self, where: str, arg: Any, model: Any) -> None:
        if arg in _SCALARS or model in _SCALARS:
            if arg is not model:
                self.problems.append(f"{where}: {_describe(arg)} in the args, {_describe(model)} in the model")
            return
        if isinstance(arg, type) and issubclass(arg, Enum):
            allowed = typing.get_args(model) if typing.get_origin(model) is typing.Literal else None
            values = [m.value for m in arg]
            if allowed is None:
                self.problems.append(f"{where}: enum {arg.__name__} in the args, {_describe(model)} in the model")
            elif sorted(values) != sorted(allowed):
                self.problems.append(f"{where}: {arg.__name__} allows {values}, the model {list(allowed)}")
            return
        if _is_typeddict(arg):
            if not _is_model(model):
                self.problems.append(f"{where}: object {arg.__name__} in the args, {_describe(model)} in the model")
                return
            self.pair(arg, model)
            return
        a_origin, m_origin = typing.get_origin(arg), typing.get_origin(model)
        if a_origin in (list, dict) and a_origin is m_origin:
            a_args, m_args = typing.get_args(arg), typing.get_args(model)
            if a_origin is dict and (a_args[0] is not str or m_args[0] is not str):
                self.problems.append(f"{where}: map keys must be strings on both sides")
                return
            self.value(where + "[]", _unwrap_args(a_args[-1]), _unwrap_model(m_args[-1]))
            return
        self.problems.append(f"{where}: {_describe(arg)} in the args, {_describe(model)} in the model")


def args_drift(
    args: type, model: type[BaseModel], exempt: Mapping[tuple[type, type], Exempt] | None = None
) -> list[str]:
    """Every difference between an args ``TypedDict`` tree and its model tree (empty: one shape).

    ``exempt`` maps an (args, model) pair of the tree to the keys only one side may have, with why.
    """
    comparer = _Comparer(exempt or {})
    comparer.pair(args, model)
    return comparer.problems
