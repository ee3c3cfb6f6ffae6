"""The parts of an image config the conventions are about: env, entrypoint, cmd, working dir.

Reads the three JSON shapes users have at hand: the OCI image config (``skopeo inspect --config``,
a config blob), ``docker inspect`` output (a list holding one object with ``Config``), and the
config blob of a ``docker save`` archive (the OCI shape). Bad shapes raise :class:`ImageError`
naming the key path, so the CLI can answer with one line and exit 2.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from typing import Any

from llmd_infra.image.errors import ImageError
from llmd_infra.image.media import INDEX_TYPES, MANIFEST_TYPES

# The PATH a container gets when its image sets none: moby's oci.DefaultPathEnv and containerd's
# oci.DefaultPathEnv (the CRI runtime Kubernetes uses) are both this value.
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True)
class ImageConfig:
    """What a runtime takes from the image config to start the container."""

    env: dict[str, str] = field(default_factory=dict)
    entrypoint: list[str] | None = None
    cmd: list[str] | None = None
    working_dir: str = "/"
    platform: str | None = None
    """``os/architecture[/variant]`` as the config states it, if it does."""

    @property
    def path_set(self) -> bool:
        return "PATH" in self.env

    @property
    def path_dirs(self) -> list[str]:
        """PATH as the runtime sees it (the default when the image sets none), absolute entries only."""
        value = self.env.get("PATH", DEFAULT_PATH)
        return [posixpath.normpath(d) for d in value.split(":") if d.startswith("/")]


def _argv(value: Any, where: str) -> list[str] | None:
    """An Entrypoint/Cmd value: a list of strings, or a string (shell form), or null."""
    if value is None:
        return None
    if isinstance(value, str):
        # A bare string is the shell form; Docker stores it as /bin/sh -c STRING.
        return ["/bin/sh", "-c", value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ImageError(f"{where}: expected a list of strings, a string or null, got {json.dumps(value)[:80]}")


def _env(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ImageError(f"{where}: expected a list of KEY=VALUE strings, got {json.dumps(value)[:80]}")
    env: dict[str, str] = {}
    for item in value:
        key, sep, val = item.partition("=")
        if sep and key:
            env[key] = val  # the last assignment wins, as in the runtime
    return env


def _platform(doc: dict[str, Any], os_key: str, arch_key: str, variant_key: str) -> str | None:
    os_name, arch = doc.get(os_key), doc.get(arch_key)
    if not isinstance(os_name, str) or not isinstance(arch, str) or not os_name or not arch:
        return None
    variant = doc.get(variant_key)
    return f"{os_name}/{arch}/{variant}" if isinstance(variant, str) and variant else f"{os_name}/{arch}"


def parse_config(doc: Any, source: str) -> ImageConfig:
    """An :class:`ImageConfig` from an OCI config document or one ``docker inspect`` object."""
    if isinstance(doc, list):
        if len(doc) != 1:
            raise ImageError(f"{source}: expected one image in the docker inspect output, got {len(doc)}")
        doc = doc[0]
    if not isinstance(doc, dict):
        raise ImageError(f"{source}: expected a JSON object (an image config), got {type(doc).__name__}")
    manifest_like = "manifests" in doc or ("layers" in doc and "config" in doc)
    if doc.get("mediaType") in INDEX_TYPES | MANIFEST_TYPES or manifest_like:
        raise ImageError(
            f"{source}: this is an image index or manifest, not an image config; give the OCI layout "
            "directory or the archive instead"
        )
    if "Config" in doc:  # docker inspect
        inner, prefix = doc["Config"], "Config"
        platform = _platform(doc, "Os", "Architecture", "Variant")
    elif "config" in doc or "rootfs" in doc or "architecture" in doc:  # OCI image config
        inner, prefix = doc.get("config"), "config"
        platform = _platform(doc, "os", "architecture", "variant")
    elif "Env" in doc and "Layers" in doc:
        raise ImageError(
            f"{source}: this is `skopeo inspect` output, which has no entrypoint or command; "
            "use `skopeo inspect --config`"
        )
    else:
        raise ImageError(f"{source}: not an image config (no 'config' or 'Config' object)")
    if inner is None:
        inner = {}
    if not isinstance(inner, dict):
        raise ImageError(f"{source}: {prefix}: expected an object, got {json.dumps(inner)[:80]}")
    working_dir = inner.get("WorkingDir") or "/"
    if not isinstance(working_dir, str):
        raise ImageError(f"{source}: {prefix}.WorkingDir: expected a string")
    return ImageConfig(
        env=_env(inner.get("Env"), f"{source}: {prefix}.Env"),
        entrypoint=_argv(inner.get("Entrypoint"), f"{source}: {prefix}.Entrypoint"),
        cmd=_argv(inner.get("Cmd"), f"{source}: {prefix}.Cmd"),
        working_dir=posixpath.normpath(working_dir) if working_dir.startswith("/") else "/" + working_dir,
        platform=platform,
    )

