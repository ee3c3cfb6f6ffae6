"""The image's filesystem as its layers stack up, holding only what the probe recorded.

Each layer is first summarised on its own (:class:`LayerSummary`: recorded entries, directories,
whiteouts, opaque directories) and the summaries are then applied bottom to top, as the OCI image
spec's "Applying Changesets" describes (opencontainers/image-spec ``layer.md``):

- ``.wh.<name>`` hides ``<name>`` (and everything below it) of the layers underneath;
- ``.wh..wh..opq`` in a directory hides everything the layers underneath put in it;
- whiteouts never hide entries of their own layer;
- an entry replaces an entry of a lower layer at the same path, and a directory replaces a lower
  symlink or file there (so later lookups stop following the symlink).

Lookups resolve symlinks, absolute ones from the image root, within the image, never the host.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from llmd_infra.image.probe import Probe

MAX_SYMLINK_HOPS = 40  # Linux's MAXSYMLINKS


class Kind(str, Enum):
    FILE = "file"
    SYMLINK = "symlink"
    HARDLINK = "hardlink"
    OTHER = "other"  # devices, fifos


@dataclass(frozen=True)
class Entry:
    """One recorded non-directory entry of the merged filesystem."""

    path: str
    kind: Kind
    mode: int = 0o644
    size: int = 0
    target: str = ""
    """Symlink target as written, or the archive path a hardlink points at."""
    head: bytes | None = None
    """The first bytes of the file when the probe asked for them."""
    truncated: bool = False
    layer: int = 0

    @property
    def executable(self) -> bool:
        return bool(self.mode & 0o111)


@dataclass
class LayerSummary:
    """What one layer changes, as far as the probe cares."""

    digest: str
    entries: dict[str, Entry] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=set)
    whiteouts: set[str] = field(default_factory=set)
    """Paths hidden by ``.wh.<name>`` entries of this layer."""
    opaques: set[str] = field(default_factory=set)
    """Directories made opaque by ``.wh..wh..opq`` entries of this layer."""
    entry_count: int = 0


def clean_path(name: str) -> str | None:
    """A tar member name as an absolute image path (``./usr/bin/`` -> ``/usr/bin``); None for the root
    or a name that climbs out of it."""
    stripped = name.strip("/")
    if stripped in ("", "."):
        return None
    path = posixpath.normpath("/" + stripped)
    if path == "/" or ".." in path.split("/"):
        return None
    return path


class RootFs:
    """The merged, recorded view of an image's filesystem."""

    def __init__(self, probe: Probe) -> None:
        self.probe = probe
        self.entries: dict[str, Entry] = {}
        self.layers = 0

    def apply(self, summary: LayerSummary) -> None:
        """Stack one more layer on top (layers must be applied bottom first)."""
        index = self.layers
        self.layers += 1
        if summary.whiteouts or summary.opaques:
            hidden = [p for p in self.entries if _hidden(p, summary.whiteouts, summary.opaques)]
            for path in hidden:
                del self.entries[path]
        for path in summary.dirs:
            lower = self.entries.get(path)
            if lower is not None:  # a directory replaces a lower symlink or file
                del self.entries[path]
        for path, entry in summary.entries.items():
            self.entries[path] = _with_layer(entry, index)

    # -- lookups --------------------------------------------------------------------------------

    def resolve(self, path: str) -> str | None:
        """``path`` with every symlink in it followed; None for a symlink loop."""
        pending = [c for c in path.split("/") if c]
        done: list[str] = []
        hops = 0
        while pending:
            part = pending.pop(0)
            if part == ".":
                continue
            if part == "..":
                if done:
                    done.pop()
                continue
            candidate = "/" + "/".join([*done, part])
            entry = self.entries.get(candidate)
            if entry is not None and entry.kind is Kind.SYMLINK:
                hops += 1
                if hops > MAX_SYMLINK_HOPS:
                    return None
                target = entry.target
                if target.startswith("/"):
                    done = []
                pending = [c for c in target.split("/") if c] + pending
                continue
            done.append(part)
        return "/" + "/".join(done)

    def lookup(self, path: str) -> Entry | None:
        """The entry at ``path`` after resolving symlinks (None when absent or not recorded)."""
        resolved = self.resolve(path)
        return None if resolved is None else self.entries.get(resolved)

    def exists(self, path: str) -> bool | None:
        """True/False when the recording can tell; None when ``path`` is something it did not look for."""
        resolved = self.resolve(path)
        if resolved is None:
            return False
        if resolved in self.entries:
            return True
        return False if self.probe.covers(resolved) else None

    def read(self, path: str) -> bytes | None:
        """The kept head of the file at ``path`` (symlinks and hardlinks followed)."""
        entry = self.lookup(path)
        if entry is not None and entry.kind is Kind.HARDLINK and entry.head is None:
            entry = self.lookup("/" + entry.target.strip("/"))
        return None if entry is None else entry.head

    def files(self) -> Iterator[Entry]:
        """Every recorded non-symlink entry."""
        return (e for e in self.entries.values() if e.kind is not Kind.SYMLINK)

    def symlinks(self) -> Iterator[Entry]:
        return (e for e in self.entries.values() if e.kind is Kind.SYMLINK)


def _hidden(path: str, whiteouts: set[str], opaques: set[str]) -> bool:
    if path in whiteouts:
        return True
    parent = posixpath.dirname(path)
    while True:
        if parent in whiteouts or parent in opaques:
            return True
        if parent == "/":
            return False
        parent = posixpath.dirname(parent)


def _with_layer(entry: Entry, index: int) -> Entry:
    return Entry(entry.path, entry.kind, entry.mode, entry.size, entry.target, entry.head, entry.truncated, index)
