"""Realistic fake outputs for a non-preview ("update") run, and answers to provider functions.

Each provider room's ``fakes`` part (:mod:`llmd_infra.registry`) contributes ``OUTPUTS``, ``INVOKES``
and ``ADDITIONAL_SECRET_OUTPUTS`` for its own types; this module gathers them.

In preview the engine returns a new resource's inputs and leaves every computed output unknown;
that needs no table. An update run instead shows what a program does once outputs are known
(kubeconfig rendering, providers built from cluster endpoints), so the types whose computed outputs
programs read get plausible values here. Addresses come from the documentation range 203.0.113.0/24.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from llmd_infra import registry

FAKE_CA = base64.b64encode(
    b"-----BEGIN CERTIFICATE-----\nllmd-infra offline plan\n-----END CERTIFICATE-----\n"
).decode()


def fake_ip(name: str) -> str:
    """A stable address in 203.0.113.0/24 for ``name``."""
    return f"203.0.113.{int(hashlib.sha256(name.encode()).hexdigest(), 16) % 250 + 2}"


def fake_uuid(name: str) -> str:
    """A stable UUID-shaped id for ``name``."""
    h = hashlib.sha256(name.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


OutputFactory = Callable[[str, dict[str, Any]], tuple[str, dict[str, Any]]]
"""``(name, inputs) -> (id, computed outputs)`` of one resource type."""
InvokeFactory = Callable[[dict[str, Any]], dict[str, Any]]
"""``args -> result`` of one provider function."""


@cache
def _gathered() -> tuple[dict[str, OutputFactory], dict[str, InvokeFactory], dict[str, tuple[str, ...]]]:
    outputs: dict[str, OutputFactory] = {}
    invokes: dict[str, InvokeFactory] = {}
    secrets: dict[str, tuple[str, ...]] = {}
    for _, room in registry.parts("fakes"):
        outputs.update(room.OUTPUTS)
        invokes.update(room.INVOKES)
        secrets.update(room.ADDITIONAL_SECRET_OUTPUTS)
    return outputs, invokes, secrets


def additional_secret_outputs(type_token: str) -> tuple[str, ...]:
    """Outputs the type's SDK asks the engine to mark secret (the mock monitor would not)."""
    return _gathered()[2].get(type_token, ())


def fake_outputs(type_token: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """An id and the state a real create would return (inputs plus computed outputs)."""
    factory = _gathered()[0].get(type_token)
    if factory is None:
        return f"{name}-id", dict(inputs)
    resource_id, computed = factory(name, inputs)
    return resource_id, {**inputs, **computed}


def fake_invoke(token: str, args: dict[str, Any]) -> dict[str, Any]:
    """The answer to a provider function; unknown functions return an empty result."""
    factory = _gathered()[1].get(token)
    return factory(args) if factory else {}


def answered_invokes() -> Mapping[str, InvokeFactory]:
    """Every provider function the rooms answer (for docs and tests)."""
    return dict(_gathered()[1])
