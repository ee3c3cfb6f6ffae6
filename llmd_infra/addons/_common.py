"""Helpers shared by the add-on components: argument validation, child options, Helm releases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import pulumi
from pydantic import BaseModel

from llmd_infra.addons.sdk import k8s
from llmd_infra.config.base import validate_args as validate_snake_case

M = TypeVar("M", bound=BaseModel)

TYPE_PREFIX = "llmd-infra:addons:"

HELM_TIMEOUT_S = 600
"""Seconds a Helm install/upgrade may take (llm-d's own commands use --timeout 300s-600s)."""


def validate_args(model: type[M], args: Mapping[str, Any] | None, component: str, name: str) -> M:
    """Validate component args with ``model``; bad input raises :class:`~llmd_infra.errors.ConfigError`."""
    return validate_snake_case(model, dict(args or {}), f"{component}({name!r}).args")


def caller_dependencies(opts: pulumi.ResourceOptions | None) -> list[pulumi.Resource]:
    """The resources the caller made the component depend on (cluster API, system pool).

    Children repeat them explicitly so the recorded plan shows every add-on object waiting for
    exactly these, and never for anything else of the caller's (accelerator pools).
    """
    if opts is None or opts.depends_on is None:
        return []
    deps = opts.depends_on
    if isinstance(deps, pulumi.Resource):
        return [deps]
    if isinstance(deps, Sequence):
        return [d for d in deps if isinstance(d, pulumi.Resource)]
    return []


def child_opts(
    parent: pulumi.Resource,
    base: Sequence[pulumi.Resource],
    *extra: pulumi.Resource | None,
    **kwargs: Any,
) -> pulumi.ResourceOptions:
    """``parent=parent`` plus ``depends_on`` = the caller's dependencies and ``extra``."""
    deps = [*base, *(e for e in extra if e is not None)]
    return pulumi.ResourceOptions(parent=parent, depends_on=deps, **kwargs)


def namespace(
    name: str,
    ns: str,
    parent: pulumi.Resource,
    deps: Sequence[pulumi.Resource],
    labels: Mapping[str, str] | None = None,
) -> k8s.core.v1.Namespace:
    """An explicitly created namespace (Helm releases never use ``create_namespace``)."""
    return k8s.core.v1.Namespace(
        name,
        metadata=k8s.meta.v1.ObjectMetaArgs(name=ns, labels=dict(labels) if labels else None),
        opts=child_opts(parent, deps),
    )


def helm_release(
    resource_name: str,
    *,
    release_name: str,
    chart: str,
    version: str,
    namespace: str,
    values: Mapping[str, Any],
    parent: pulumi.Resource,
    depends_on: Sequence[pulumi.Resource],
    repository: str | None = None,
    skip_crds: bool = False,
    wait: bool = True,
    **opts: Any,
) -> k8s.helm.v3.Release:
    """A ``helm.v3.Release`` with the settings every add-on shares.

    ``atomic`` rolls a failed install/upgrade back (and implies waiting), ``cleanup_on_fail`` removes
    objects a failed upgrade created, ``timeout`` bounds the wait, ``create_namespace`` is off because
    namespaces are explicit resources, and ``max_history`` keeps Helm's release secrets bounded.

    ``wait=False`` is for charts whose own DaemonSets only become ready on accelerator nodes (a
    kubelet plugin waiting for a driver): waiting, and so ``atomic``, would tie the add-on to the
    accelerator pools, so the release is applied without waiting (``skip_await``) and not atomic.
    """
    return k8s.helm.v3.Release(
        resource_name,
        k8s.helm.v3.ReleaseArgs(
            name=release_name,
            chart=chart,
            version=version,
            namespace=namespace,
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=repository) if repository else None,
            values=dict(values),
            skip_crds=skip_crds,
            atomic=wait,
            skip_await=not wait,
            cleanup_on_fail=True,
            timeout=HELM_TIMEOUT_S,
            create_namespace=False,
            max_history=10,
        ),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on), **opts),
    )


def custom_resource(
    resource_name: str,
    *,
    api_version: str,
    kind: str,
    name: str,
    spec: Any,
    parent: pulumi.Resource,
    depends_on: Sequence[pulumi.Resource],
    namespace: str | None = None,
    labels: Mapping[str, str] | None = None,
    annotations: Mapping[str, str] | None = None,
) -> k8s.apiextensions.CustomResource:
    """A custom resource (token ``kubernetes:<apiVersion>:<Kind>``) with typed metadata."""
    return k8s.apiextensions.CustomResource(
        resource_name,
        api_version=api_version,
        kind=kind,
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=name,
            namespace=namespace,
            labels=dict(labels) if labels else None,
            annotations=dict(annotations) if annotations else None,
        ),
        spec=spec,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on)),
    )
