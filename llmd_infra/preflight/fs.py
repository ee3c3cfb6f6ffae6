"""Reading a host's procfs, sysfs and /dev, live or from a captured tree, and recording what was read.

Every host reader goes through :class:`HostFs` with *host* paths (``/sys/class/net``). With
``root=/`` it reads the machine it runs on; with ``root=DIR`` it reads a tree captured by
``llmd-infra node-check --capture DIR`` (or built by a test), where sysfs symlinks are kept as
relative links so that ``device`` links resolve inside the tree. A file that is missing or cannot be
read (a NIC's ``speed`` on a link that is down raises ``EINVAL``) reads as ``None``: the caller turns
that into an ``unknown`` result with its reason, never a crash.

The optional recorder notes every path read, listed or resolved, so :mod:`.capture` can copy exactly
those into a tree that reproduces the check. Standard library only: this module also runs inside the
node-check DaemonSet, shipped as source in a ConfigMap.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Recorder:
    """Host paths a check touched: files read, directories listed, links resolved."""

    files: set[str] = field(default_factory=set)
    listed: dict[str, set[str]] = field(default_factory=dict)
    """Directory → the entry names the check used (a filtered listing records only its matches)."""
    resolved: set[str] = field(default_factory=set)


class HostFs:
    """Read-only view of a host's files under ``root``."""

    def __init__(self, root: Path | str = "/", recorder: Recorder | None = None) -> None:
        self.root = Path(root)
        self._real_root = os.path.realpath(self.root)
        self.recorder = recorder

    def path(self, host_path: str) -> Path:
        """Where ``host_path`` lives under the root."""
        return self.root / host_path.lstrip("/")

    def read(self, host_path: str) -> str | None:
        """The file's text, stripped of surrounding whitespace; ``None`` when missing or unreadable."""
        if self.recorder is not None:
            self.recorder.files.add(host_path)
        try:
            return self.path(host_path).read_text(encoding="utf-8", errors="replace").strip()
        except (OSError, ValueError):
            return None

    def listdir(self, host_path: str, pattern: str | None = None) -> list[str]:
        """Sorted entry names of a directory (those fully matching ``pattern``); empty when it is missing."""
        try:
            names = sorted(os.listdir(self.path(host_path)))
        except OSError:
            names = []
        if pattern is not None:
            names = [n for n in names if re.fullmatch(pattern, n)]
        if self.recorder is not None:
            self.recorder.listed.setdefault(host_path, set()).update(names)
        return names

    def exists(self, host_path: str) -> bool:
        return os.path.lexists(self.path(host_path))

    def realpath(self, host_path: str) -> str | None:
        """The host path ``host_path`` resolves to through symlinks, or ``None`` when it does not exist.

        Links are resolved inside the root: a captured tree's relative links stay in the tree.
        """
        if self.recorder is not None:
            self.recorder.resolved.add(host_path)
        target = self.path(host_path)
        if not target.exists():
            return None
        real = os.path.realpath(target)
        if real != self._real_root and not real.startswith(self._real_root.rstrip("/") + "/"):
            return None
        return "/" + os.path.relpath(real, self._real_root) if real != self._real_root else "/"

    def parent(self, host_path: str) -> str:
        return posixpath.dirname(host_path.rstrip("/")) or "/"
