"""Builds small, real images for the image-check tests: tar layers, OCI layouts, docker-save archives.

Everything is written with the standard library's tarfile/gzip, the way image tools write them:
layers are tar streams (gzip or not), blobs are named by their sha256, manifests and indexes use
either the OCI or the Docker schema2 media types.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OCI = {
    "index": "application/vnd.oci.image.index.v1+json",
    "manifest": "application/vnd.oci.image.manifest.v1+json",
    "config": "application/vnd.oci.image.config.v1+json",
    "layer": "application/vnd.oci.image.layer.v1.tar",
    "layer_gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
}
DOCKER = {
    "index": "application/vnd.docker.distribution.manifest.list.v2+json",
    "manifest": "application/vnd.docker.distribution.manifest.v2+json",
    "config": "application/vnd.docker.container.image.v1+json",
    "layer": "application/vnd.docker.image.rootfs.diff.tar",
    "layer_gzip": "application/vnd.docker.image.rootfs.diff.tar.gzip",
}


@dataclass(frozen=True)
class F:
    """One tar entry: a file (with data), a dir, a symlink or a hardlink."""

    path: str
    data: bytes = b""
    mode: int = 0o644
    kind: str = "file"
    target: str = ""


def file(path: str, data: bytes | str = b"", mode: int = 0o644) -> F:
    return F(path, data.encode() if isinstance(data, str) else data, mode)


def exe(path: str, data: bytes | str = b"\x7fELF\x02\x01\x01") -> F:
    return file(path, data, 0o755)


def link(path: str, target: str) -> F:
    return F(path, kind="symlink", target=target)


def hardlink(path: str, target: str, mode: int = 0o755) -> F:
    return F(path, mode=mode, kind="hardlink", target=target)


def directory(path: str) -> F:
    return F(path, kind="dir", mode=0o755)


def whiteout(path: str) -> F:
    """Deletes ``path`` of the layers below (OCI: a ``.wh.<name>`` file beside it)."""
    parent, _, name = path.rpartition("/")
    return file(f"{parent}/.wh.{name}")


def opaque(path: str) -> F:
    """Hides what the layers below put in directory ``path``."""
    return file(f"{path.rstrip('/')}/.wh..wh..opq")


def layer_tar(entries: list[F]) -> bytes:
    """A layer's tar stream, entries in order, names relative as image tools write them."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            info = tarfile.TarInfo(entry.path.lstrip("/"))
            info.mode = entry.mode
            info.mtime = 1700000000
            if entry.kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif entry.kind == "symlink":
                info.type = tarfile.SYMTYPE
                info.linkname = entry.target
                tar.addfile(info)
            elif entry.kind == "hardlink":
                info.type = tarfile.LNKTYPE
                info.linkname = entry.target.lstrip("/")
                tar.addfile(info)
            else:
                info.size = len(entry.data)
                tar.addfile(info, io.BytesIO(entry.data))
    return buffer.getvalue()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=1, mtime=0)


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def config_doc(env: dict[str, str] | None = None, entrypoint: list[str] | str | None = None,
               cmd: list[str] | str | None = None, arch: str = "amd64", variant: str | None = None,
               working_dir: str | None = None, diff_ids: list[str] | None = None) -> dict[str, Any]:
    inner: dict[str, Any] = {"Env": [f"{k}={v}" for k, v in (env or {}).items()]}
    if entrypoint is not None:
        inner["Entrypoint"] = entrypoint
    if cmd is not None:
        inner["Cmd"] = cmd
    if working_dir is not None:
        inner["WorkingDir"] = working_dir
    doc: dict[str, Any] = {"architecture": arch, "os": "linux", "config": inner,
                           "rootfs": {"type": "layers", "diff_ids": diff_ids or []}}
    if variant:
        doc["variant"] = variant
    return doc


class OciLayout:
    """An OCI image layout directory being written."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
        (root / "oci-layout").write_text(json.dumps({"imageLayoutVersion": "1.0.0"}))

    def blob(self, data: bytes, media_type: str) -> dict[str, Any]:
        d = digest(data)
        (self.root / "blobs" / "sha256" / d.split(":")[1]).write_bytes(data)
        return {"mediaType": media_type, "digest": d, "size": len(data)}

    def image(self, config: dict[str, Any], layers: list[list[F]], *, compress: bool | str = True,
              types: dict[str, str] = OCI, platform: dict[str, str] | None = None,
              annotations: dict[str, str] | None = None) -> dict[str, Any]:
        """Writes layers, config and manifest; returns the manifest's descriptor."""
        descriptors = []
        diff_ids = []
        for entries in layers:
            raw = layer_tar(entries)
            diff_ids.append(digest(raw))
            if compress == "zstd":
                from backports import zstd  # the test skips itself without it

                descriptors.append(self.blob(zstd.compress(raw), "application/vnd.oci.image.layer.v1.tar+zstd"))
                continue
            data = gz(raw) if compress else raw
            descriptors.append(self.blob(data, types["layer_gzip"] if compress else types["layer"]))
        config = {**config, "rootfs": {"type": "layers", "diff_ids": diff_ids}}
        config_descriptor = self.blob(json.dumps(config).encode(), types["config"])
        manifest = {"schemaVersion": 2, "mediaType": types["manifest"], "config": config_descriptor,
                    "layers": descriptors}
        descriptor = self.blob(json.dumps(manifest).encode(), types["manifest"])
        if platform:
            descriptor["platform"] = platform
        if annotations:
            descriptor["annotations"] = annotations
        return descriptor

    def attestation(self, subject: dict[str, Any]) -> dict[str, Any]:
        """A BuildKit provenance attestation manifest for ``subject``, as buildx stores it."""
        statement = self.blob(b'{"_type": "https://in-toto.io/Statement/v0.1"}', "application/vnd.in-toto+json")
        config = self.blob(b"{}", OCI["config"])
        manifest = {"schemaVersion": 2, "mediaType": OCI["manifest"], "config": config, "layers": [statement]}
        descriptor = self.blob(json.dumps(manifest).encode(), OCI["manifest"])
        descriptor["platform"] = {"architecture": "unknown", "os": "unknown"}
        descriptor["annotations"] = {"vnd.docker.reference.digest": subject["digest"],
                                     "vnd.docker.reference.type": "attestation-manifest"}
        return descriptor

    def index_blob(self, manifests: list[dict[str, Any]], types: dict[str, str] = OCI) -> dict[str, Any]:
        doc = {"schemaVersion": 2, "mediaType": types["index"], "manifests": manifests}
        return self.blob(json.dumps(doc).encode(), types["index"])

    def write_index(self, manifests: list[dict[str, Any]]) -> Path:
        doc = {"schemaVersion": 2, "mediaType": OCI["index"], "manifests": manifests}
        (self.root / "index.json").write_text(json.dumps(doc))
        return self.root


def tar_directory(root: Path, out: Path, compress: bool = False) -> Path:
    """An archive of a layout directory, as ``skopeo copy ... oci-archive:`` or ``docker save`` write."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path in sorted(root.rglob("*")):
            tar.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)
    out.write_bytes(gz(buffer.getvalue()) if compress else buffer.getvalue())
    return out


def docker_save(out: Path, config: dict[str, Any], layers: list[list[F]], tag: str = "example/vllm:dev",
                duplicate_last_layer_as_symlink: bool = False) -> Path:
    """A legacy ``docker save`` archive: ``manifest.json``, ``<id>.json`` config, ``<id>/layer.tar``."""
    buffer = io.BytesIO()
    raws = [layer_tar(entries) for entries in layers]
    diff_ids = [digest(raw) for raw in raws]
    config = {**config, "rootfs": {"type": "layers", "diff_ids": diff_ids}}
    config_data = json.dumps(config).encode()
    config_name = digest(config_data).split(":")[1] + ".json"
    names = []
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for i, raw in enumerate(raws):
            layer_id = hashlib.sha256(f"layer{i}".encode() + raw).hexdigest()
            name = f"{layer_id}/layer.tar"
            names.append(name)
            if duplicate_last_layer_as_symlink and i == len(raws) - 1 and i > 0:
                info = tarfile.TarInfo(name)
                info.type = tarfile.SYMTYPE
                info.linkname = f"../{names[0].split('/')[0]}/layer.tar"
                tar.addfile(info)
                continue
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
        info = tarfile.TarInfo(config_name)
        info.size = len(config_data)
        tar.addfile(info, io.BytesIO(config_data))
        manifest = json.dumps([{"Config": config_name, "RepoTags": [tag], "Layers": names}]).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    out.write_bytes(buffer.getvalue())
    return out
