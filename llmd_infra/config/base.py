"""Building blocks of the configuration models and the rendering of their errors.

Models use camelCase keys (Pulumi config convention), forbid unknown keys (typos fail loudly) and
are frozen. :func:`problems_from_validation_error` turns pydantic's errors into one
:class:`~llmd_infra.errors.Problem` per invalid value, with the full config key path and the
allowed values or keys.
"""

from __future__ import annotations

import ipaddress
import re
import types
import typing
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import InitErrorDetails, PydanticCustomError

from llmd_infra.errors import ConfigError, Problem

M = TypeVar("M", bound=BaseModel)


class LlmdModel(BaseModel):
    """Base of every config model: camelCase keys, no unknown keys, immutable."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        validate_default=True,
    )


def alias_of(model: type[BaseModel], field: str) -> str:
    """The config key (camelCase alias) of a field."""
    return model.model_fields[field].alias or field


class ClusterConfigBase(LlmdModel):
    """Base of every room's ``ClusterConfig`` (``llmd-infra:cluster``): what the core reads of it."""

    disposable: ClassVar[bool] = False
    """Clusters of this provider are disposable (local development): not protected by default."""

    if TYPE_CHECKING:
        # Fields every room's model declares (``provider`` as its ``Literal`` tag); stated here for
        # the type checker only, so that each room keeps its own field definition and docs.
        provider: str
        name: str


class Problems:
    """Collects (loc, message) pairs and raises them as one pydantic ValidationError.

    A model validator that finds several problems (cross-field rules) reports them all at once, each
    at its own key path, instead of stopping at the first."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.errors: list[InitErrorDetails] = []

    def add(self, loc: Sequence[str | int], message: str, value: Any = None) -> None:
        self.errors.append(
            InitErrorDetails(
                type=PydanticCustomError("value_error", "{message}", {"message": message}),
                loc=tuple(loc),
                input=value,
            )
        )

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError.from_exception_data(self.title, self.errors)


class Autoscaling(LlmdModel):
    """Node autoscaling bounds of a pool."""

    min_nodes: int = Field(ge=0, description="Fewest nodes the autoscaler keeps.")
    max_nodes: int = Field(ge=1, description="Most nodes the autoscaler creates.")

    @model_validator(mode="after")
    def _min_le_max(self) -> Autoscaling:
        if self.min_nodes > self.max_nodes:
            raise ValueError(f"minNodes ({self.min_nodes}) must not exceed maxNodes ({self.max_nodes})")
        return self


def _not_a_number(value: Any) -> Any:
    """Refuse a YAML number where a version is expected: YAML reads an unquoted ``1.30`` as ``1.3``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise PydanticCustomError(
            "version_is_a_number",
            "{value} is a number, not a version: YAML reads an unquoted 1.30 as 1.3; write the version in "
            'quotes as you mean it (e.g. "1.30")',
            {"value": value},
        )
    return value


VersionText = Annotated[str, BeforeValidator(_not_a_number)]
"""A version string in a config file; an unquoted number is refused with a hint to quote it."""


def admin_network(value: str, *, strict: bool = True, what: str = "a CIDR block") -> str:
    """An address range allowed to reach a control plane: a valid CIDR (``strict``: no host bits set)
    that is not the whole internet (``0.0.0.0/0``, ``::/0``) — an authorized-network list that opens
    the API server to everyone protects nothing."""
    try:
        net = ipaddress.ip_network(value, strict=strict)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not {what} ({exc})") from None
    if net.prefixlen == 0:
        raise ValueError(
            f"'{value}' opens the control plane to the whole internet; list the CIDRs that run kubectl/pulumi instead"
        )
    return value


def one_of(value: str, allowed: Sequence[str], what: str) -> str:
    """Validate ``value`` against ``allowed`` with the message format used everywhere."""
    if value not in allowed:
        raise ValueError(f"unknown {what} '{value}'; allowed: {', '.join(allowed)}")
    return value


_PREFIXES = ("Value error, ", "Assertion failed, ")
REQUIRED_MISSING = "required key is missing"
"""The message of a missing required key (the engine recognises it to name a missing stack file)."""


def _format_loc(prefix: str, loc: Sequence[int | str]) -> str:
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path and not path.endswith(":") else str(part)
    return path


def _unwrap(annotation: Any) -> list[Any]:
    """The candidate classes inside Optional/Union/Annotated/list annotations."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            out += _unwrap(arg)
        return out
    return [annotation]


def _model_at(model: type[BaseModel], loc: Sequence[int | str]) -> type[BaseModel] | None:
    """Walk ``loc`` (aliases and list indexes) through the model classes."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = next(
            (f for n, f in current.model_fields.items() if part in (n, f.alias)),
            None,
        )
        if field is None:
            return None
        nxt: Any = None
        for candidate in _unwrap(field.annotation):
            if typing.get_origin(candidate) in (list, tuple, Sequence, typing.Sequence):
                candidate = _unwrap(typing.get_args(candidate)[0])[0]
            if typing.get_origin(candidate) is dict:
                candidate = _unwrap(typing.get_args(candidate)[1])[0]
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                nxt = candidate
                break
        current = nxt
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _allowed_keys(model: type[BaseModel], snake: bool = False) -> list[str]:
    return [n if snake else (f.alias or n) for n, f in model.model_fields.items()]


def _field_names(model: type[BaseModel]) -> dict[str, str]:
    """camelCase key → snake_case field name, for ``model`` and every model inside it."""
    names: dict[str, str] = {}
    seen: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = [model]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for name, info in current.model_fields.items():
            if info.alias and info.alias != name:
                names[info.alias] = name
            nested = _model_at(current, [name])
            if nested is not None:
                todo.append(nested)
    return names


def _to_snake(text: str, names: dict[str, str]) -> str:
    """Every camelCase key named in ``text`` as the snake_case field name."""
    if not names:
        return text
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    # "the chart's enableDisaggregatedSet value" names a Helm chart value, spelled as the chart spells it.
    pattern = re.compile(rf"(?<![\w-])(?<!chart's )({alternatives})(?![\w-])")
    return pattern.sub(lambda m: names[m.group(1)], text)


def _tagged_members(model: type[BaseModel], part: str) -> tuple[str, dict[str, type[BaseModel]]] | None:
    """``(discriminator, {tag: member})`` when field ``part`` of ``model`` is a discriminated union."""
    field = next((f for n, f in model.model_fields.items() if part in (n, f.alias)), None)
    if field is None or not isinstance(field.discriminator, str):
        return None
    key = field.discriminator
    members: dict[str, type[BaseModel]] = {}
    for candidate in _unwrap(field.annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel) and key in candidate.model_fields:
            for tag in typing.get_args(candidate.model_fields[key].annotation):
                members[str(tag)] = candidate
    return key, members


def _walk(model: type[BaseModel], loc: Sequence[int | str]) -> tuple[list[int | str], type[BaseModel] | None]:
    """``loc`` without the tags pydantic inserts after a discriminated union field, and the model it ends at.

    ``cluster.gke.kubernetesVersion`` is written ``cluster.kubernetesVersion`` in the config file, so
    that is the path users see; the tag only picks the member model.
    """
    out: list[int | str] = []
    current: type[BaseModel] | None = model
    i = 0
    while i < len(loc):
        part = loc[i]
        out.append(part)
        if isinstance(part, str) and current is not None:
            tagged = _tagged_members(current, part)
            if tagged is not None and i + 1 < len(loc) and str(loc[i + 1]) in tagged[1]:
                current = tagged[1][str(loc[i + 1])]
                i += 2
                continue
            current = _model_at(current, [part])
        i += 1
    return out, current




def problems_from_validation_error(
    error: ValidationError, model: type[BaseModel], prefix: str, snake: bool = False
) -> list[Problem]:
    """One :class:`Problem` per pydantic error, with the key path and allowed values/keys.

    ``snake``: name keys as a program author writes component args (``machine_type``), not as the
    stack file does (``machineType``) — in paths, allowed-key lists and messages alike.
    """
    names = _field_names(model) if snake else {}
    problems: list[Problem] = []
    for err in error.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        tagged_loc = loc
        loc, _ = _walk(model, loc)
        if snake:
            loc = [names.get(p, p) if isinstance(p, str) else p for p in loc]
        kind = err["type"]
        message = err["msg"]
        for p in _PREFIXES:
            if message.startswith(p):
                message = message[len(p):]
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            ctx = err.get("ctx", {})
            loc = [*loc, ctx.get("discriminator", "").strip("'")]
            if kind == "union_tag_not_found":
                message = REQUIRED_MISSING
            else:
                message = f"'{ctx.get('tag')}' is not allowed; allowed: {ctx.get('expected_tags', '')}"
        elif kind == "extra_forbidden":
            parent = _walk(model, tagged_loc[:-1])[1]
            allowed = ", ".join(_allowed_keys(parent, snake)) if parent else ""
            message = f"unknown key '{loc[-1]}'" + (f"; allowed keys: {allowed}" if allowed else "")
        elif kind == "missing":
            message = REQUIRED_MISSING
        elif kind == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            message = f"'{err['input']}' is not allowed; allowed: {expected.replace(' or ', ', ')}"
        elif kind in ("greater_than_equal", "greater_than", "less_than_equal") or kind.endswith("_parsing"):
            message = f"{message} (got {err['input']!r})"
        elif snake:
            message = _to_snake(message, names)
        problems.append(Problem(path=_format_loc(prefix, loc), message=message))
    return problems


def validate_model(
    model: type[M], data: Any, prefix: str, source: str | None = None, context: dict[str, Any] | None = None
) -> M:
    """``model.model_validate(data)`` raising :class:`ConfigError` with rendered problems.

    ``context`` reaches every validator (``ValidationInfo.context``); the stack settings pass the whole
    config map as ``{"config": {...}}`` so that a room can check keys outside its namespace (e.g. the
    cloud project) in the same pass.
    """
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation_error(exc, model, prefix), source) from None


def validate_args(model: type[M], data: Any, prefix: str) -> M:
    """:func:`validate_model` for component args: problems name keys in snake_case, as the program
    author wrote them (``GkeCluster x:accelerator_pools[0].machine_type``)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation_error(exc, model, prefix, snake=True)) from None
