"""The recorded plan: every resource registration the engine would have seen, and the stack outputs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from llmd_infra.plan.values import to_json

STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass
class PlannedResource:
    """One ``RegisterResource`` request, decoded (inputs keep secret/unknown markers)."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    """Inputs with engine (camelCase) property names."""
    outputs: dict[str, Any] = field(default_factory=dict)
    """State the (mock) engine returned; for components, what ``register_outputs`` sent."""
    id: str | None = None
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    protect: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    retain_on_delete: bool = False
    replace_on_changes: list[str] = field(default_factory=list)
    additional_secret_outputs: list[str] = field(default_factory=list)
    aliases: list[dict[str, Any]] = field(default_factory=list)
    provider: str = ""
    """Provider reference ``<provider-urn>::<provider-id>`` ('' for default providers)."""
    providers: dict[str, str] = field(default_factory=dict)
    remote: bool = False
    version: str = ""
    custom_timeouts: dict[str, str] = field(default_factory=dict)
    source_frames: list[tuple[str, int]] = field(default_factory=list)
    """Where the program registered the resource: (file, line) of each frame of the call stack the
    SDK sends with the registration (``RegisterResourceRequest.stackTrace``, else its
    ``sourcePosition``), the constructor's caller first. Empty when the SDK sent none."""

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape of one resource."""
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "dependencies": list(self.dependencies),
            "propertyDependencies": {k: list(v) for k, v in self.property_dependencies.items()},
            "inputs": to_json(self.inputs),
            "protect": self.protect,
            "ignoreChanges": list(self.ignore_changes),
            "deleteBeforeReplace": self.delete_before_replace,
            "custom": self.custom,
            "provider": self.provider_ref_urn,
        }

    @property
    def provider_ref_urn(self) -> str:
        """The URN part of the provider reference ('' when the default provider is used)."""
        if not self.provider:
            return ""
        urn, _, _ = self.provider.rpartition("::")
        return urn or self.provider


@dataclass
class Invoke:
    """A provider function call the program made (e.g. ``gcp.organizations.getClientConfig``)."""

    token: str
    args: dict[str, Any]
    provider: str


@dataclass
class Plan:
    """A whole recorded program run."""

    project: str
    stack: str
    preview: bool
    resources: list[PlannedResource]
    outputs: dict[str, Any]
    """Stack outputs, with :class:`~llmd_infra.plan.values.Secret` markers kept."""
    stack_urn: str = ""
    invokes: list[Invoke] = field(default_factory=list)
    program_dir: str = ""
    program_file: str = ""
    """The program's entry file (``__main__.py`` or ``main:``); '' for callables."""
    config_file: str | None = None
    logs: list[tuple[str, str]] = field(default_factory=list)
    """(severity, message) pairs the program logged through ``pulumi.log``."""

    def __iter__(self) -> Iterator[PlannedResource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def by_urn(self, urn: str) -> PlannedResource:
        for resource in self.resources:
            if resource.urn == urn:
                return resource
        raise KeyError(urn)

    def of_type(self, type_token: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_token]

    def named(self, name: str, type_token: str | None = None) -> PlannedResource:
        """The single resource with this logical name (and type, when names repeat across types)."""
        found = [r for r in self.resources if r.name == name and (type_token is None or r.type == type_token)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}" + (f" of type {type_token}" if type_token else ""))
        return found[0]

    def children(self, parent_urn: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.parent == parent_urn]

    def descendants(self, parent_urn: str) -> list[PlannedResource]:
        out: list[PlannedResource] = []
        frontier = [parent_urn]
        while frontier:
            current = frontier.pop()
            for child in self.children(current):
                out.append(child)
                frontier.append(child.urn)
        return out

    def ancestors(self, resource: PlannedResource) -> list[PlannedResource]:
        by_urn = {r.urn: r for r in self.resources}
        out: list[PlannedResource] = []
        parent = resource.parent
        while parent in by_urn:
            out.append(by_urn[parent])
            parent = by_urn[parent].parent
        return out

    def counted(self) -> list[PlannedResource]:
        """The resources every report counts: custom resources and components.

        Not counted: the stack itself (it is not in :attr:`resources`) and explicit providers, which
        configure how resources are created rather than being infrastructure themselves. JSON
        ``summary.resources``, the text summary ("+ N to create") and the Markdown comment all state
        ``len(plan.counted())``; ``summary.providers`` says how many providers were left out.
        """
        return [r for r in self.resources if not r.is_provider]

    def summary(self) -> dict[str, Any]:
        """Counts for reports; ``resources`` is ``custom + components`` (see :meth:`counted`)."""
        custom = sum(1 for r in self.resources if r.custom and not r.is_provider)
        components = sum(1 for r in self.resources if not r.custom)
        providers = sum(1 for r in self.resources if r.is_provider)
        by_type: dict[str, int] = {}
        for r in self.resources:
            by_type[r.type] = by_type.get(r.type, 0) + 1
        return {
            "resources": len(self.counted()),
            "custom": custom,
            "components": components,
            "providers": providers,
            "protected": sum(1 for r in self.resources if r.protect),
            "byType": dict(sorted(by_type.items())),
        }

    def to_json(self) -> dict[str, Any]:
        """The documented JSON document (``violations`` is filled by the policy run)."""
        return {
            "project": self.project,
            "stack": self.stack,
            "preview": self.preview,
            "resources": [r.to_json() for r in self.resources],
            "outputs": to_json(self.outputs),
            "violations": [],
            "summary": self.summary(),
        }
