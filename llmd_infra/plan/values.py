"""Property values as the Pulumi engine sees them, and their two renderings.

The engine exchanges properties as protobuf ``Struct``s in which secrets, unknowns and resource
references are encoded with "signature" keys. :func:`from_struct` turns such a Struct into plain
Python values with three markers (:class:`Secret`, :data:`UNKNOWN`, :class:`ResourceRef`), so the
recorded plan keeps everything the engine knew. Two renderings leave it:

* :func:`to_json` — for reports: a secret never shows its value (``{"secret": true}``), an unknown
  value is ``{"unknown": true}``;
* :func:`to_engine` — what ``Analyze`` receives: secrets unwrapped, unknowns as the engine's
  unknown sentinel string, which pulumi_policy turns into "can't be known during preview".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format, struct_pb2

SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


class _Unknown:
    """A value the engine does not know yet (an output of a resource still to be created)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class Secret:
    """A secret value; ``value`` may itself be :data:`UNKNOWN`."""

    value: Any


@dataclass(frozen=True)
class ResourceRef:
    """A reference to another resource passed as an input."""

    urn: str
    id: Any = None


def from_struct(struct: struct_pb2.Struct | None) -> dict[str, Any]:
    """Decode an engine ``Struct`` into marked Python values."""
    if struct is None:
        return {}
    raw = json_format.MessageToDict(struct)
    decoded = _decode(raw)
    return decoded if isinstance(decoded, dict) else {}


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        return UNKNOWN if value == UNKNOWN_SENTINEL else value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        sig = value.get(SIG_KEY)
        if sig == SECRET_SIG:
            return Secret(_decode(value.get("value")))
        if sig == RESOURCE_REF_SIG:
            return ResourceRef(str(value.get("urn", "")), _decode(value.get("id")))
        if sig == OUTPUT_VALUE_SIG:
            inner = UNKNOWN if "value" not in value else _decode(value["value"])
            return Secret(inner) if value.get("secret") else inner
        if sig in (ASSET_SIG, ARCHIVE_SIG):
            return {k: _decode(v) for k, v in value.items() if k != SIG_KEY}
        # Sorted keys: Struct field order is not meaningful, and reports should not vary between runs.
        return {k: _decode(value[k]) for k in sorted(value)}
    return value


def to_json(value: Any) -> Any:
    """Render for reports: secrets hidden, unknowns marked."""
    if value is UNKNOWN:
        return {"unknown": True}
    if isinstance(value, Secret):
        if value.value is UNKNOWN:
            return {"secret": True, "unknown": True}
        return {"secret": True}
    if isinstance(value, ResourceRef):
        return {"urn": value.urn}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


def to_engine(value: Any) -> Any:
    """Render as ``Analyze`` sees properties: secrets unwrapped, unknowns as the sentinel."""
    if value is UNKNOWN:
        return UNKNOWN_SENTINEL
    if isinstance(value, Secret):
        return to_engine(value.value)
    if isinstance(value, ResourceRef):
        return value.urn
    if isinstance(value, dict):
        return {k: to_engine(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_engine(v) for v in value]
    return value


def is_secret(value: Any) -> bool:
    return isinstance(value, Secret)


def contains_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, Secret):
        return contains_unknown(value.value)
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False
