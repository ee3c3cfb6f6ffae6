"""Which files of an image the checker looks at, decided from the path alone before reading anything.

A vLLM image has hundreds of thousands of files and several GiB of data; the checker needs a few
dozen small ones. The layer walker asks :meth:`Probe.want` for every tar entry and keeps only what
it answers for: package metadata of the packages the seed names, the UCX/NVSHMEM version files and
libraries, Python interpreters and ``pyvenv.cfg``, ``vllm`` and the entrypoint's scripts, the
dynamic loader's configuration, and the names in ``bin`` directories (for PATH lookups). Symlinks
and directories are always noted (they decide how paths resolve and what whiteouts hide), never
their contents. :meth:`Probe.covers` tells later whether a path that is absent from the recording
is truly absent from the image or simply was not looked for.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

METADATA_RE = re.compile(r"/(?:site|dist)-packages/([^/]+)\.(dist-info|egg-info)(?:/(METADATA|PKG-INFO))?$")
"""``.../site-packages/<name>-<version>.dist-info/METADATA`` (or ``.egg-info/PKG-INFO``, or an
``.egg-info`` file): installed-package metadata (PyPA "Recording installed projects")."""

PYTHON_RE = re.compile(r"^python(\d+(?:\.\d+)?)?$")
INTERESTING_PROJECTS_RE = re.compile(r"^(vllm|nixl(-cu\d+)?|nvidia-nvshmem(-cu\d+)?|libucx(-cu\d+)?)$")
"""Distributions whose metadata is read: vLLM, NIXL (nixl, nixl-cu12, nixl-cu13), NVSHMEM
(nvidia-nvshmem-cu12/13) and RAPIDS' UCX wheels (libucx-cu12/13), names as on PyPI."""

LIBRARY_PREFIXES = ("libucp.so", "libnvshmem_host.so", "libnixl.so", "libcudart.so", "libpython3")
VERSION_FILES = {
    "ucx.pc": 4096,  # pkg-config data of UCX (openucx/ucx ucx.pc.in: "Version: @VERSION@")
    "ucx-config-version.cmake": 8192,  # openucx/ucx cmake/ucx-config-version.cmake.in
    "nvshmem_version.h": 8192,  # NVIDIA/nvshmem src/include/non_abi/nvshmem_version.h.in
    "pyvenv.cfg": 4096,  # a virtual environment's marker (PEP 405)
}
LD_SO_CONF = "/etc/ld.so.conf"
LD_SO_CONF_DIR = "/etc/ld.so.conf.d"

SCRIPT_BYTES = 64 * 1024
HEAD_BYTES = 4096
METADATA_BYTES = 16 * 1024


def normalize_project(name: str) -> str:
    """A distribution name normalized as PEP 503 does (``Nixl_CU12`` -> ``nixl-cu12``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project_of(stem: str) -> str:
    """The project in a ``<name>-<version>`` metadata directory stem, normalized."""
    return normalize_project(stem.split("-", 1)[0])


class Probe:
    """Answers, per tar entry path, whether to record it and how many bytes of it to keep."""

    def __init__(self, path_dirs: Iterable[str] = (), scripts: Iterable[str] = (),
                 command_names: Iterable[str] = ()) -> None:
        self.path_dirs = frozenset(path_dirs)
        self.scripts = frozenset(scripts)
        """Absolute paths the entrypoint/cmd name (kept up to :data:`SCRIPT_BYTES`)."""
        self.command_names = frozenset(command_names) | {"vllm"}
        """Bare program names the entrypoint/cmd run, looked up on PATH (kept up to :data:`HEAD_BYTES`)."""

    def _in_bin(self, parent: str) -> bool:
        return parent in self.path_dirs or posixpath.basename(parent) in ("bin", "sbin")

    def want(self, path: str) -> int | None:
        """For a non-directory entry: ``None`` to skip it, else how many content bytes to keep (0: none)."""
        if path in self.scripts:
            return SCRIPT_BYTES
        parent, name = posixpath.split(path)
        if name in self.command_names and (self._in_bin(parent) or name == "vllm"):
            return HEAD_BYTES
        if name in VERSION_FILES:
            return VERSION_FILES[name]
        if name == "version.h" and path.endswith("/uct/api/version.h"):
            return HEAD_BYTES  # openucx/ucx src/uct/api/version.h.in: UCT_VERNO_STRING
        if path == LD_SO_CONF or (parent == LD_SO_CONF_DIR and name.endswith(".conf")):
            return HEAD_BYTES
        match = METADATA_RE.search(path)
        if match:
            return METADATA_BYTES if INTERESTING_PROJECTS_RE.match(project_of(match.group(1))) else 0
        if name.startswith(LIBRARY_PREFIXES) or PYTHON_RE.match(name) or self._in_bin(parent):
            return 0
        return None

    def covers(self, path: str) -> bool:
        """Whether a file at ``path`` would have been recorded, so its absence from the recording is real."""
        return self.want(path) is not None
