"""The streaming layer walker: one pass over a layer's tar stream, nothing extracted, memory bounded.

A layer is read front to back exactly once. Compression is recognised by its magic bytes, not by
the media type (``docker save`` archives say ``tar`` or ``tar.gzip`` inconsistently): gzip,
zstd (with Python 3.14's ``compression.zstd`` or the ``backports.zstd`` package), bzip2, xz, or a
plain tar. An uncompressed layer that can seek is skipped through entry by entry without reading
file data at all; a compressed one is decompressed in 1 MiB reads and file data it does not need
is discarded as it streams by. Only the heads of the few files :class:`~llmd_infra.image.probe.Probe`
asks for are kept, so memory depends on the number of entries recorded, never on file sizes.
"""

from __future__ import annotations

import bz2
import gzip
import importlib
import io
import lzma
import posixpath
import tarfile
from typing import IO, Any, BinaryIO, cast

from llmd_infra.image.errors import ImageError
from llmd_infra.image.probe import Probe
from llmd_infra.image.rootfs import Entry, Kind, LayerSummary, clean_path

CHUNK = 1 << 20
WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"

_GZIP = b"\x1f\x8b"
_ZSTD = b"\x28\xb5\x2f\xfd"
_BZIP2 = b"BZh"
_XZ = b"\xfd7zXZ\x00"


class _Prefixed(io.RawIOBase):
    """A non-seekable stream with bytes already read from it put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(view))
        view[: len(data)] = data
        return len(data)


def _zstd_reader(raw: IO[bytes]) -> IO[bytes]:
    for module in ("compression.zstd", "backports.zstd"):
        try:
            zstd: Any = importlib.import_module(module)
        except ImportError:
            continue
        return cast(IO[bytes], zstd.ZstdFile(raw))
    raise ImageError(
        "a layer is zstd-compressed; reading it needs Python 3.14 or the backports.zstd package "
        "(pip install 'llmd-infra[zstd]')"
    )


def decompressed(raw: IO[bytes]) -> tuple[IO[bytes], bool]:
    """``raw`` decompressed according to its magic bytes, and whether it was compressed."""
    seekable = raw.seekable()
    start = raw.tell() if seekable else 0
    magic = raw.read(6)
    if seekable:
        raw.seek(start)
        source: IO[bytes] = raw
    else:
        source = io.BufferedReader(_Prefixed(magic, raw), CHUNK)
    if magic.startswith(_GZIP):
        return cast(IO[bytes], gzip.GzipFile(fileobj=source, mode="rb")), True
    if magic.startswith(_ZSTD):
        return _zstd_reader(source), True
    if magic.startswith(_BZIP2):
        return cast(IO[bytes], bz2.BZ2File(source)), True
    if magic.startswith(_XZ):
        return cast(IO[bytes], lzma.LZMAFile(source)), True
    return source, False


def open_tar(raw: IO[bytes]) -> tarfile.TarFile:
    """A tar reader over ``raw``: seeking over file data when it can, streaming when it cannot."""
    stream, compressed = decompressed(raw)
    try:
        if not compressed and stream.seekable():
            return tarfile.open(fileobj=cast(BinaryIO, stream), mode="r:")
        return tarfile.open(fileobj=cast(BinaryIO, stream), mode="r|", bufsize=CHUNK)
    except tarfile.TarError as exc:
        raise ImageError(f"not a tar archive ({exc})") from None


def iter_members(tar: tarfile.TarFile) -> Any:
    """The members one by one. TarFile keeps every header it has read in ``members``; clearing that
    list as we go keeps memory flat for layers with hundreds of thousands of entries."""
    while True:
        try:
            member = tar.next()
        except tarfile.TarError as exc:
            raise ImageError(f"corrupt tar stream ({exc})") from None
        members: list[tarfile.TarInfo] = tar.members  # type: ignore[attr-defined]
        members.clear()
        if member is None:
            return
        yield member


def scan_layer(raw: IO[bytes], probe: Probe, digest: str) -> LayerSummary:
    """Summarise one layer: recorded entries, directories, whiteouts and opaque directories."""
    summary = LayerSummary(digest)
    with open_tar(raw) as tar:
        for member in iter_members(tar):
            summary.entry_count += 1
            path = clean_path(member.name)
            if path is None:
                continue
            parent, name = posixpath.split(path)
            if name.startswith(WHITEOUT_PREFIX):
                if name == OPAQUE_MARKER:
                    summary.opaques.add(parent)
                elif not name.startswith(WHITEOUT_PREFIX + WHITEOUT_PREFIX):  # other .wh..wh.* are AUFS metadata
                    summary.whiteouts.add(posixpath.join(parent, name[len(WHITEOUT_PREFIX):]))
                continue
            if member.isdir():
                summary.dirs.add(path)
                summary.entries.pop(path, None)
                continue
            summary.dirs.discard(path)
            if member.issym():
                summary.entries[path] = Entry(path, Kind.SYMLINK, member.mode, 0, member.linkname)
                continue
            keep = probe.want(path)
            if keep is None:
                summary.entries.pop(path, None)
                continue
            if member.islnk():
                target = clean_path(member.linkname)
                linked = summary.entries.get(target) if target else None
                head = linked.head if linked is not None else None
                summary.entries[path] = Entry(path, Kind.HARDLINK, member.mode, member.size,
                                              target or member.linkname, head)
                continue
            kind = Kind.FILE if member.isreg() else Kind.OTHER
            head = None
            if keep and kind is Kind.FILE:
                handle = tar.extractfile(member)
                head = handle.read(keep) if handle is not None else b""
            summary.entries[path] = Entry(path, kind, member.mode, member.size, "", head,
                                          head is not None and member.size > len(head))
    return summary
