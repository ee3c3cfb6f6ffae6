"""GKE version strings (``1.34``, ``1.34.1-gke.1829001``), compared the way GKE orders them.

The one GKE version parser of the project: config validation, the catalog's per-minor RDMA floors
and the Gateway API CRD hand-over all compare through :func:`gke_version_key`. A GKE version is
``<major>.<minor>.<patch>-gke.<build>``
(https://cloud.google.com/kubernetes-engine/versioning#versioning_scheme).
"""

from __future__ import annotations

from collections.abc import Sequence

from llmd_infra.versions import parse_version


def gke_version_key(version: str) -> tuple[int, int, int, int]:
    """``1.34.0-gke.1626000`` → (1, 34, 0, 1626000); missing parts are 0."""
    base, _, build = version.strip().removeprefix("v").partition("-gke.")
    parsed = parse_version(base)
    return (parsed.major, parsed.minor, parsed.patch, int(build) if build.isdigit() else 0)


def version_at_least(version: str, floor: str) -> bool:
    """Whether a configured GKE version (``1.34`` or ``1.34.1-gke.1829001``) satisfies ``floor``.

    A version without a patch level means "the newest patch of that minor the channel offers", so
    only its minor is compared.
    """
    have = gke_version_key(version)
    need = gke_version_key(floor)
    if version.strip().removeprefix("v").count(".") < 2:
        return have[:2] >= need[:2]
    return have >= need


def meets_version_floors(version: str, floors: Sequence[str]) -> bool:
    """Whether ``version`` satisfies Google's per-minor-line floors (``GkeMachineType.rdma_gke_version_floors``):
    the floor of its own minor line, or a minor line newer than every listed one."""
    minor = gke_version_key(version)[:2]
    own = [f for f in floors if gke_version_key(f)[:2] == minor]
    if own:
        return any(version_at_least(version, f) for f in own)
    return all(minor > gke_version_key(f)[:2] for f in floors)


def floors_text(floors: Sequence[str]) -> str:
    """``1.31.4-gke.1183000 or newer`` / ``1.32.8-gke.1108000 or newer on 1.32, 1.33.4-gke.1036000 or newer
    on 1.33 or a newer minor``."""
    ordered = sorted(floors, key=gke_version_key)
    if len(ordered) == 1:
        return f"{ordered[0]} or newer"
    parts = [f"{f} or newer on {'.'.join(map(str, gke_version_key(f)[:2]))}" for f in ordered]
    return ", ".join(parts) + " or a newer minor"
