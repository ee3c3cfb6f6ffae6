"""Which type token a component registers: its own in Python, the package's when another language builds it.

A Python program registers a provider's cluster component as ``llmd-infra:<provider>:<Name>``. A
TypeScript, Go, C#, Java or YAML program builds it through the ``llmd-infra`` component provider
(:mod:`llmd_infra.component_provider`), whose schema calls it ``llmd-infra:index:<Name>`` (the
SDK's analyzer puts every component in the ``index`` module); there the component registers under
the token the engine asked for, so the resource in the state has the type of the generated SDK's class.

The provider sets the token for exactly one construction; a component reads it with
:func:`component_type` before it registers, so components it creates itself keep their own tokens.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_HOSTED: ContextVar[str | None] = ContextVar("llmd_infra_hosted_type", default=None)


@contextmanager
def hosted_as(type_token: str) -> Iterator[None]:
    """Within this block, the next component that asks registers as ``type_token``."""
    reset = _HOSTED.set(type_token)
    try:
        yield
    finally:
        _HOSTED.reset(reset)


def component_type(own: str) -> str:
    """The token to register: the hosted one (once, then ``None``), else the component's ``own`` token."""
    hosted = _HOSTED.get()
    if hosted is None:
        return own
    _HOSTED.set(None)
    return hosted
