"""Facts read from the recorded filesystem: installed packages, Pythons, UCX/NVSHMEM/NIXL versions.

Every fact keeps where it was found, so a message can name the file a user should look at.
Versions are kept as written; :mod:`packaging.version` compares them later (PEP 440).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from llmd_infra.image.probe import METADATA_RE, PYTHON_RE, normalize_project, project_of
from llmd_infra.image.rootfs import Entry, Kind, RootFs

_PC_VERSION_RE = re.compile(r"^Version:\s*(\S+)\s*$", re.M)
_UCT_VERSION_RE = re.compile(r'#define\s+UCT_VERNO_STRING\s+"([^"]+)"')
_CMAKE_VERSION_RE = re.compile(r'set\(\s*PACKAGE_VERSION\s+"?([^")\s]+)"?\s*\)')
_NVSHMEM_LIB_RE = re.compile(r"^libnvshmem_host\.so\.(\d+\.\d+\.\d+)$")
_NVSHMEM_DEFINE_RE = re.compile(r"#define\s+NVSHMEM_VENDOR_(MAJOR|MINOR|PATCH)_VERSION\s+(\d+)")
_SITE_PYTHON_RE = re.compile(r"/lib(?:64)?/python(\d+\.\d+)/(?:site|dist)-packages$")
_VENV_VERSION_RE = re.compile(r"^\s*(?:version|version_info)\s*=\s*(\d+\.\d+(?:\.\d+)?)", re.M)

DEFAULT_LIBRARY_DIRS = ("/lib", "/usr/lib", "/lib64", "/usr/lib64")
"""Where the dynamic loader looks without any configuration (ld.so(8))."""


@dataclass(frozen=True)
class Found:
    """A version (or a bare presence, ``version=None``) and the file that tells it."""

    version: str | None
    where: str
    site: str = ""
    """The site-packages directory, for installed Python distributions."""


def _text(entry: Entry) -> str:
    return (entry.head or b"").decode("utf-8", errors="replace")


def _metadata_fields(text: str) -> dict[str, str]:
    """The header fields of a METADATA/PKG-INFO file (RFC 822 style, up to the first blank line)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            break
        key, sep, value = line.partition(":")
        if sep and not line[0].isspace():
            fields.setdefault(key.strip().lower(), value.strip())
    return fields


def distributions(fs: RootFs) -> dict[str, list[Found]]:
    """Installed Python distributions by normalized project name."""
    found: dict[str, list[Found]] = {}
    for entry in fs.files():
        match = METADATA_RE.search(entry.path)
        if not match:
            continue
        stem = match.group(1)
        meta_dir = entry.path if match.group(3) is None else posixpath.dirname(entry.path)
        site = posixpath.dirname(meta_dir)
        fields = _metadata_fields(_text(entry)) if entry.head is not None else {}
        project = normalize_project(fields.get("name") or project_of(stem))
        version = fields.get("version")
        if version is None and "-" in stem:
            version = stem.split("-")[1]
        found.setdefault(project, []).append(Found(version, meta_dir, site))
    for items in found.values():
        items.sort(key=lambda f: f.where)
    return found


def site_python(site: str) -> str | None:
    """``3.12`` for ``/opt/venv/lib/python3.12/site-packages``."""
    match = _SITE_PYTHON_RE.search(site)
    return match.group(1) if match else None


def venv_version(fs: RootFs, prefix: str) -> str | None:
    """The Python version a virtual environment's ``pyvenv.cfg`` records (PEP 405)."""
    head = fs.read(posixpath.join(prefix, "pyvenv.cfg"))
    if head is None:
        return None
    match = _VENV_VERSION_RE.search(head.decode("utf-8", errors="replace"))
    return match.group(1) if match else None


def interpreter_version(fs: RootFs, path: str) -> str | None:
    """The ``X.Y`` of the Python at ``path``: from the name it resolves to, or its venv's pyvenv.cfg."""
    resolved = fs.resolve(path) or path
    for name in (posixpath.basename(path), posixpath.basename(resolved)):
        match = PYTHON_RE.match(name)
        if match and match.group(1) and "." in match.group(1):
            return match.group(1)
    version = venv_version(fs, posixpath.dirname(posixpath.dirname(path)))
    return ".".join(version.split(".")[:2]) if version else None


def pythons(fs: RootFs) -> list[Found]:
    """Every Python interpreter ``<dir>/bin/pythonX.Y`` that exists, with its ``X.Y``."""
    found: dict[str, Found] = {}
    for entry in fs.entries.values():
        parent, name = posixpath.split(entry.path)
        match = PYTHON_RE.match(name)
        if not match or posixpath.basename(parent) not in ("bin", "sbin"):
            continue
        target = fs.lookup(entry.path)
        if target is None or target.kind is Kind.SYMLINK:
            continue
        version = interpreter_version(fs, entry.path)
        if version is not None and entry.path not in found:
            found[entry.path] = Found(version, entry.path)
    return sorted(found.values(), key=lambda f: f.where)


def _libraries(fs: RootFs, prefix: str) -> list[Found]:
    """Library files (not their symlinks) whose name starts with ``prefix``."""
    return sorted(
        (Found(None, e.path) for e in fs.files() if posixpath.basename(e.path).startswith(prefix)),
        key=lambda f: f.where,
    )


def ucx(fs: RootFs, dists: dict[str, list[Found]]) -> tuple[list[Found], list[Found]]:
    """UCX release versions (pkg-config, UCT header, CMake package, RAPIDS wheels) and its libraries."""
    versions: list[Found] = []
    for entry in fs.files():
        name = posixpath.basename(entry.path)
        text = _text(entry)
        match = None
        if name == "ucx.pc":
            match = _PC_VERSION_RE.search(text)
        elif entry.path.endswith("/uct/api/version.h"):
            match = _UCT_VERSION_RE.search(text)
        elif name == "ucx-config-version.cmake":
            match = _CMAKE_VERSION_RE.search(text)
        if match:
            versions.append(Found(match.group(1), entry.path))
    versions.sort(key=lambda f: f.where)
    for project, items in sorted(dists.items()):
        if re.match(r"^libucx(-cu\d+)?$", project):
            versions += items
    return versions, _libraries(fs, "libucp.so")


def nvshmem(fs: RootFs, dists: dict[str, list[Found]]) -> tuple[list[Found], list[Found]]:
    """NVSHMEM versions (pip wheels, ``libnvshmem_host.so.X.Y.Z``, nvshmem_version.h) and its libraries."""
    versions: list[Found] = []
    libraries = _libraries(fs, "libnvshmem_host.so")
    for lib in libraries:
        match = _NVSHMEM_LIB_RE.match(posixpath.basename(lib.where))
        if match:
            versions.append(Found(match.group(1), lib.where))
    for entry in fs.files():
        if posixpath.basename(entry.path) == "nvshmem_version.h":
            parts = dict(_NVSHMEM_DEFINE_RE.findall(_text(entry)))
            if {"MAJOR", "MINOR", "PATCH"} <= set(parts):
                versions.append(Found(f"{parts['MAJOR']}.{parts['MINOR']}.{parts['PATCH']}", entry.path))
    versions.sort(key=lambda f: f.where)
    for project, items in sorted(dists.items()):
        if re.match(r"^nvidia-nvshmem(-cu\d+)?$", project):
            versions += items
    return versions, libraries


def nixl_libraries(fs: RootFs) -> list[Found]:
    return _libraries(fs, "libnixl.so")


def cuda_evidence(fs: RootFs, dists: dict[str, list[Found]], env: dict[str, str]) -> str | None:
    """Why this looks like an NVIDIA (CUDA) image, or None."""
    for key in ("CUDA_VERSION", "NV_CUDA_CUDART_VERSION", "NVIDIA_VISIBLE_DEVICES"):
        if key in env:
            return f"{key} is set"
    libs = _libraries(fs, "libcudart.so")
    if libs:
        return f"CUDA runtime at {libs[0].where}"
    for project, items in sorted(dists.items()):
        if project.startswith("nvidia-cuda-runtime"):
            return f"{project} installed at {items[0].where}"
    return None


def loader_dirs(fs: RootFs) -> list[str]:
    """Directories the dynamic loader is configured with (/etc/ld.so.conf and ld.so.conf.d/*.conf)."""
    dirs: list[str] = []
    confs = [e for e in fs.files() if e.path == "/etc/ld.so.conf" or e.path.startswith("/etc/ld.so.conf.d/")]
    for entry in sorted(confs, key=lambda e: e.path):
        for line in _text(entry).splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("/") and not line.startswith("include"):
                dirs.append(posixpath.normpath(line.split()[0]))
    return dirs
