"""Where an image comes from: an OCI layout directory, a ``docker save``/OCI archive, or a config JSON.

All three are read without a container runtime and without unpacking:

- an OCI image layout (``oci-layout``, ``index.json``, ``blobs/<alg>/<hex>``; opencontainers/image-spec
  ``image-layout.md``), or a directory holding an unpacked ``docker save``;
- a tarball of either: ``docker save`` (``manifest.json``; Docker 25+ also writes ``index.json``),
  ``skopeo copy ... oci-archive:``, plain or gzip/zstd/bzip2/xz-compressed. An uncompressed
  archive is read in place by offset; a compressed one is streamed twice (once for its small JSON
  files, once for the layers), because it cannot be seeked;
- an image config JSON alone (``docker inspect``, ``skopeo inspect --config``): no layers, so the
  checks that need files report ``unknown``.

Indexes (OCI and Docker manifest lists, nested too) yield one :class:`Target` per platform;
BuildKit attestation manifests and non-image artifacts are skipped, and platforms whose blobs the
archive does not hold (``docker save`` keeps only the local one) are listed as skipped.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from llmd_infra.image import media
from llmd_infra.image.config import ImageConfig, parse_config
from llmd_infra.image.errors import ImageError
from llmd_infra.image.probe import Probe
from llmd_infra.image.rootfs import LayerSummary
from llmd_infra.image.walker import iter_members, open_tar, scan_layer

MAX_JSON = 16 << 20
"""Largest index/manifest/config blob read into memory (real ones are a few KiB)."""
_DIGEST_RE = re.compile(r"^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$")
_MAX_INDEX_DEPTH = 4


@dataclass(frozen=True)
class Target:
    """One image (one platform) to check."""

    platform: str | None
    config: ImageConfig
    layers: list[str] | None
    """Blob names of the layers, bottom first; None when only a config was given."""
    manifest: str | None = None
    """The manifest's digest."""
    config_digest: str | None = None
    name: str | None = None
    """The image's reference name, when the layout records one."""

    def describe(self) -> dict[str, Any]:
        return {"platform": self.platform, "name": self.name, "manifest": self.manifest,
                "config": self.config_digest, "layers": len(self.layers) if self.layers is not None else None}


@dataclass
class Skipped:
    platform: str | None
    digest: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"platform": self.platform, "manifest": self.digest, "reason": self.reason}


def blob_name(digest: str) -> str:
    match = _DIGEST_RE.match(digest)
    if not match:
        raise ImageError(f"'{digest}' is not a digest (algorithm:hex)")
    return f"blobs/{match.group(1)}/{match.group(2)}"


def _json(data: bytes, where: str) -> Any:
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImageError(f"{where}: not valid JSON ({exc})") from None


def _platform(spec: Any) -> str | None:
    if not isinstance(spec, dict):
        return None
    os_name, arch, variant = spec.get("os"), spec.get("architecture"), spec.get("variant")
    if not isinstance(os_name, str) or not isinstance(arch, str):
        return None
    return f"{os_name}/{arch}/{variant}" if isinstance(variant, str) and variant else f"{os_name}/{arch}"


def platform_matches(actual: str | None, wanted: str) -> bool:
    """``linux/arm64`` matches ``linux/arm64/v8``; a full ``os/arch/variant`` must match exactly."""
    if actual is None:
        return False
    want = wanted.strip("/").split("/")
    have = actual.split("/")
    return have[: len(want)] == want


class Store:
    """Named files of an image layout (``blobs/...``, ``index.json``, ``manifest.json``)."""

    label = "image"

    def has(self, name: str) -> bool:
        raise NotImplementedError

    def read(self, name: str) -> bytes:
        raise NotImplementedError

    def open(self, name: str) -> IO[bytes]:
        raise NotImplementedError

    def read_blob(self, digest: str) -> bytes:
        """A small blob, checked against its digest."""
        name = blob_name(digest)
        if not self.has(name):
            raise ImageError(f"{self.label}: blob {digest} is missing")
        data = self.read(name)
        algorithm, _, expected = digest.partition(":")
        if algorithm in ("sha256", "sha512") and hashlib.new(algorithm, data).hexdigest() != expected:
            raise ImageError(f"{self.label}: blob {digest} does not match its digest")
        return data

    def summaries(self, layers: list[str], probe: Probe) -> Iterator[LayerSummary]:
        """Layer summaries in the order given (bottom first), one layer streamed at a time."""
        for name in layers:
            if not self.has(name):
                raise ImageError(f"{self.label}: layer {name} is missing")
            with self.open(name) as handle:
                yield _scan(handle, probe, name, self.label)

    def close(self) -> None:
        return None


def _scan(handle: IO[bytes], probe: Probe, name: str, label: str) -> LayerSummary:
    try:
        return scan_layer(handle, probe, name)
    except ImageError as exc:
        raise ImageError(f"{label}: layer {name}: {exc}") from None
    except (OSError, EOFError) as exc:
        raise ImageError(f"{label}: layer {name} cannot be read ({exc})") from None


class DirStore(Store):
    def __init__(self, root: Path) -> None:
        self.root = root
        self.label = str(root)

    def _path(self, name: str) -> Path:
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ImageError(f"{self.label}: '{name}' points outside the layout")
        return path

    def has(self, name: str) -> bool:
        return self._path(name).is_file()

    def read(self, name: str) -> bytes:
        path = self._path(name)
        if path.stat().st_size > MAX_JSON:
            raise ImageError(f"{self.label}: {name} is too large for an index, manifest or config")
        return path.read_bytes()

    def open(self, name: str) -> IO[bytes]:
        return self._path(name).open("rb")


class _Section(io.RawIOBase):
    """A seekable window [offset, offset+size) of a file: one member of an uncompressed tar."""

    def __init__(self, handle: BinaryIO, offset: int, size: int) -> None:
        self._handle = handle
        self._offset = offset
        self._size = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._size}[whence]
        self._pos = max(0, min(self._size, base + pos))
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        n = min(len(view), self._size - self._pos)
        if n <= 0:
            return 0
        self._handle.seek(self._offset + self._pos)
        data = self._handle.read(n)
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)


def _member_target(name: str, members: dict[str, tarfile.TarInfo]) -> str:
    """Follow symlinks/hardlinks between members (``docker save`` links identical layers)."""
    seen = 0
    while name in members and (members[name].issym() or members[name].islnk()) and seen < 16:
        info = members[name]
        link = info.linkname
        name = posixpath.normpath(link if info.islnk() else posixpath.join(posixpath.dirname(name), link)).lstrip("/")
        seen += 1
    return name


def _member_name(name: str) -> str:
    return posixpath.normpath(name).lstrip("/") if name not in ("", ".") else ""


class TarStore(Store):
    """An uncompressed archive, read in place: members are windows of the file."""

    def __init__(self, path: Path) -> None:
        self.label = str(path)
        self._handle = path.open("rb")
        self._members: dict[str, tarfile.TarInfo] = {}
        try:
            with tarfile.open(fileobj=self._handle, mode="r:") as tar:
                for info in iter_members(tar):
                    self._members[_member_name(info.name)] = info
        except tarfile.TarError as exc:
            raise ImageError(f"{self.label}: not a tar archive ({exc})") from None

    def _info(self, name: str) -> tarfile.TarInfo | None:
        info = self._members.get(_member_target(name, self._members))
        return info if info is not None and info.isreg() else None

    def has(self, name: str) -> bool:
        return self._info(name) is not None

    def read(self, name: str) -> bytes:
        info = self._info(name)
        if info is None:
            raise ImageError(f"{self.label}: {name} is missing")
        if info.size > MAX_JSON:
            raise ImageError(f"{self.label}: {name} is too large for an index, manifest or config")
        with self.open(name) as handle:
            return handle.read()

    def open(self, name: str) -> IO[bytes]:
        info = self._info(name)
        if info is None:
            raise ImageError(f"{self.label}: {name} is missing")
        return io.BufferedReader(_Section(cast(BinaryIO, self._handle), info.offset_data, info.size), 1 << 20)

    def close(self) -> None:
        self._handle.close()


class _Forward(io.RawIOBase):
    """A member of a streamed archive: readable once, front to back."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._handle.read(len(view))
        view[: len(data)] = data
        return len(data)


class StreamStore(Store):
    """A compressed archive: small members kept from a first pass, layers scanned in a second."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.label = str(path)
        self._small: dict[str, bytes] = {}
        self._sizes: dict[str, int] = {}
        self._links: dict[str, tarfile.TarInfo] = {}
        for info, handle in self._stream():
            name = _member_name(info.name)
            if info.issym() or info.islnk():
                self._links[name] = info
            elif info.isreg():
                self._sizes[name] = info.size
                if info.size <= MAX_JSON and handle is not None:
                    first = handle.read(1)
                    if first.strip() == b"" or first in (b"{", b"["):  # JSON (index, manifest, config): keep it;
                        self._small[name] = first + handle.read()  # layers are streamed in the second pass

    def _stream(self) -> Iterator[tuple[tarfile.TarInfo, IO[bytes] | None]]:
        with self.path.open("rb") as raw:
            try:
                tar = open_tar(raw)
            except ImageError as exc:
                raise ImageError(f"{self.label}: {exc}") from None
            with tar:
                for info in iter_members(tar):
                    handle = tar.extractfile(info) if info.isreg() else None
                    yield info, handle

    def _resolve(self, name: str) -> str:
        return _member_target(name, self._links)

    def has(self, name: str) -> bool:
        return self._resolve(name) in self._sizes

    def read(self, name: str) -> bytes:
        target = self._resolve(name)
        if target not in self._small:
            raise ImageError(f"{self.label}: {name} is missing or too large for an index, manifest or config")
        return self._small[target]

    def summaries(self, layers: list[str], probe: Probe) -> Iterator[LayerSummary]:
        wanted = {self._resolve(n): n for n in layers}
        for name in layers:
            if self._resolve(name) not in self._sizes:
                raise ImageError(f"{self.label}: layer {name} is missing")
        done: dict[str, LayerSummary] = {}
        if wanted:
            for info, handle in self._stream():
                target = _member_name(info.name)
                if target in wanted and target not in done and handle is not None:
                    forward = io.BufferedReader(_Forward(handle), 1 << 20)
                    done[target] = _scan(cast(IO[bytes], forward), probe, wanted[target], self.label)
        for name in layers:
            yield done[self._resolve(name)]


@dataclass
class Layout:
    """The targets an image source holds, and what was skipped."""

    kind: str
    targets: list[Target] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _descriptor(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not isinstance(value.get("digest"), str):
        raise ImageError(f"{where}: expected a descriptor with a digest")
    return value


def _read_oci(store: Store) -> Layout:
    index = _json(store.read("index.json"), f"{store.label}: index.json")
    if not isinstance(index, dict) or not isinstance(index.get("manifests"), list):
        raise ImageError(f"{store.label}: index.json: expected an object with a 'manifests' list")
    layout = Layout("oci-layout" if isinstance(store, DirStore) else "oci-archive")
    for i, item in enumerate(index["manifests"]):
        descriptor = _descriptor(item, f"{store.label}: index.json manifests[{i}]")
        _expand(store, descriptor, layout, depth=0, name=_ref_name(descriptor))
    return layout


def _ref_name(descriptor: dict[str, Any]) -> str | None:
    annotations = descriptor.get("annotations") or {}
    for key in ("io.containerd.image.name", "org.opencontainers.image.ref.name"):
        if isinstance(annotations.get(key), str):
            return str(annotations[key])
    return None


def _expand(store: Store, descriptor: dict[str, Any], layout: Layout, depth: int, name: str | None) -> None:
    digest = descriptor["digest"]
    platform = _platform(descriptor.get("platform"))
    annotations = descriptor.get("annotations") or {}
    if annotations.get(media.ATTESTATION_ANNOTATION) == media.ATTESTATION_VALUE or platform == "unknown/unknown":
        layout.skipped.append(Skipped(platform, digest, "attestation manifest"))
        return
    if not store.has(blob_name(digest)):
        layout.skipped.append(Skipped(platform, digest, "not in this archive"))
        return
    doc = _json(store.read_blob(digest), f"{store.label}: {digest}")
    if not isinstance(doc, dict):
        raise ImageError(f"{store.label}: {digest}: expected a JSON object")
    kind = descriptor.get("mediaType") or doc.get("mediaType")
    if kind in media.INDEX_TYPES or (kind is None and "manifests" in doc):
        if depth >= _MAX_INDEX_DEPTH:
            raise ImageError(f"{store.label}: image indexes nest too deeply")
        for i, item in enumerate(doc.get("manifests") or []):
            child = _descriptor(item, f"{store.label}: {digest} manifests[{i}]")
            _expand(store, child, layout, depth + 1, name)
        return
    if kind not in media.MANIFEST_TYPES and not (kind is None and "layers" in doc):
        layout.skipped.append(Skipped(platform, digest, f"not an image manifest ({kind})"))
        return
    config_descriptor = _descriptor(doc.get("config"), f"{store.label}: {digest} config")
    if config_descriptor.get("mediaType") not in media.CONFIG_TYPES:
        layout.skipped.append(Skipped(platform, digest, f"not an image ({config_descriptor.get('mediaType')})"))
        return
    layers = doc.get("layers")
    if not isinstance(layers, list):
        raise ImageError(f"{store.label}: {digest}: manifest has no 'layers' list")
    names = [blob_name(_descriptor(layer, f"{store.label}: {digest} layers[{i}]")["digest"])
             for i, layer in enumerate(layers)]
    config_digest = config_descriptor["digest"]
    config = parse_config(_json(store.read_blob(config_digest), f"{store.label}: {config_digest}"),
                          f"{store.label}: config {config_digest}")
    layout.targets.append(Target(platform or config.platform, config, names, digest, config_digest, name))


def _read_docker(store: Store) -> Layout:
    """``docker save``'s ``manifest.json``: ``[{"Config": ..., "RepoTags": [...], "Layers": [...]}]``."""
    manifest = _json(store.read("manifest.json"), f"{store.label}: manifest.json")
    if not isinstance(manifest, list) or not manifest:
        raise ImageError(f"{store.label}: manifest.json: expected a non-empty list of images")
    layout = Layout("docker-archive")
    for i, item in enumerate(manifest):
        where = f"{store.label}: manifest.json[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("Config"), str) or not isinstance(
            item.get("Layers"), list
        ):
            raise ImageError(f"{where}: expected an object with 'Config' and 'Layers'")
        config_name = _member_name(item["Config"])
        if not store.has(config_name):
            raise ImageError(f"{where}: config {config_name} is missing")
        config = parse_config(_json(store.read(config_name), f"{store.label}: {config_name}"),
                              f"{store.label}: {config_name}")
        tags = item.get("RepoTags") or []
        name = tags[0] if tags and isinstance(tags[0], str) else None
        layers = [_member_name(str(layer)) for layer in item["Layers"]]
        digest = "sha256:" + config_name.rsplit("/", 1)[-1].removesuffix(".json")
        layout.targets.append(Target(config.platform, config, layers, None, digest, name))
    return layout


def _read_store(store: Store) -> Layout:
    if store.has("index.json"):
        return _read_oci(store)
    if store.has("manifest.json"):
        return _read_docker(store)
    raise ImageError(f"{store.label}: not an image layout or archive (no index.json or manifest.json)")


_TAR_MAGIC_OFFSET = 257


def _looks_compressed(head: bytes) -> bool:
    return head.startswith((b"\x1f\x8b", b"\x28\xb5\x2f\xfd", b"BZh", b"\xfd7zXZ\x00"))


class ImageSource:
    """An opened PATH: its targets, and the layer summaries of each."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.store: Store | None = None
        location = Path(path)
        if location.is_dir():
            self.store = DirStore(location)
            self.layout = _read_store(self.store)
            return
        if not location.is_file():
            raise ImageError(f"{path}: no such file or directory")
        with location.open("rb") as handle:
            head = handle.read(_TAR_MAGIC_OFFSET + 8)
        if head.lstrip()[:1] in (b"{", b"["):
            if location.stat().st_size > MAX_JSON:
                raise ImageError(f"{path}: too large for an image config")
            doc = _json(location.read_bytes(), path)
            config = parse_config(doc, path)
            self.layout = Layout("config", [Target(config.platform, config, None)])
            return
        if _looks_compressed(head):
            self.store = StreamStore(location)
        elif head[_TAR_MAGIC_OFFSET:_TAR_MAGIC_OFFSET + 5] == b"ustar":
            self.store = TarStore(location)
        else:
            raise ImageError(f"{path}: not an OCI layout directory, an image archive (tar) or an image config (JSON)")
        self.layout = _read_store(self.store)

    @property
    def kind(self) -> str:
        return self.layout.kind

    def targets(self, platform: str | None = None) -> list[Target]:
        targets = self.layout.targets
        if platform is not None:
            targets = [t for t in targets if platform_matches(t.platform, platform)]
            if not targets:
                have = ", ".join(sorted({t.platform or "unknown" for t in self.layout.targets})) or "none"
                raise ImageError(f"{self.path}: no image for platform {platform}; it has: {have}")
        if not targets:
            raise ImageError(f"{self.path}: holds no image to check")
        return targets

    def summaries(self, target: Target, probe: Probe) -> Iterator[LayerSummary]:
        if target.layers is None or self.store is None:
            return iter(())
        return self.store.summaries(target.layers, probe)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    def __enter__(self) -> ImageSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
