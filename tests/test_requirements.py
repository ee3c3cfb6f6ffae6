"""Requirement records: the seed's thresholds, once, as data."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmd_infra import requirements as reqs
from llmd_infra.versions import Version, VersionError, parse_version, try_parse_version

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seed" / "infrastructure-prerequisites.md"


def test_required_ids_and_thresholds() -> None:
    assert [r.id for r in reqs.REQUIREMENTS[:9]] == [
        "kubernetes-version",
        "accelerator-supported",
        "multi-host-placement",
        "accelerator-interconnect",
        "host-network-bandwidth",
        "host-cpu-cores",
        "host-memory",
        "host-pcie-generation",
        "lws-version",
    ]
    assert reqs.get("kubernetes-version").min_version() == Version(1, 29)
    assert reqs.get("host-cpu-cores").min_int() == 80
    assert reqs.get("host-memory").min_int() == 500
    assert reqs.get("host-network-bandwidth").min_int() == 100
    assert reqs.get("host-pcie-generation").min_int() == 5
    assert reqs.get("lws-version").min_version() == Version(0, 7, 0)
    assert reqs.get("image-vllm-version").min_version() == Version(0, 10, 0)
    assert reqs.get("image-nixl-version").min_version() == Version(0, 5, 0)
    # The seed writes "UCX: 0.19.0"; UCX has no 0.x releases, so the record reads it as 1.19.0 (see its note).
    assert reqs.get("image-ucx-version").min_version() == Version(1, 19, 0)
    assert reqs.get("image-nvshmem-version").min_version() == Version(3, 3, 9)
    py = reqs.get("image-python-version")
    assert (py.min_version(), py.max_version()) == (Version(3, 9), Version(3, 12))
    assert reqs.get("image-ld-library-path").values == ("/usr/local/nvidia/lib64",)


def test_ids_are_unique_and_lookup_errors_name_the_known_ids() -> None:
    ids = [r.id for r in reqs.REQUIREMENTS]
    assert len(ids) == len(set(ids))
    with pytest.raises(KeyError, match="unknown requirement 'gpu-count'; known: kubernetes-version, "):
        reqs.get("gpu-count")


def test_enforcement_defaults() -> None:
    mandatory = {r.id for r in reqs.REQUIREMENTS if r.enforcement is reqs.Enforcement.MANDATORY}
    assert mandatory == {"kubernetes-version", "multi-host-placement", "accelerator-interconnect", "lws-version"}


def test_threshold_text() -> None:
    assert reqs.KUBERNETES_VERSION.threshold_text() == ">= 1.29"
    assert reqs.LWS_VERSION.threshold_text() == ">= 0.7.0"
    assert reqs.HOST_MEMORY.threshold_text() == ">= 500 GiB"
    assert reqs.IMAGE_PYTHON_VERSION.threshold_text() == "3.9 to 3.12"
    assert reqs.MULTI_HOST_PLACEMENT.threshold_text() == "-"


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/seed is not beside this checkout")
def test_seed_sentences_quote_the_seed_document() -> None:
    text = SEED.read_text().replace("`", "")
    quoted = [
        reqs.KUBERNETES_VERSION, reqs.HOST_NETWORK_BANDWIDTH, reqs.HOST_CPU_CORES, reqs.HOST_MEMORY,
        reqs.HOST_PCIE_GENERATION, reqs.MULTI_HOST_PLACEMENT, reqs.IMAGE_VLLM_VERSION, reqs.IMAGE_NIXL_VERSION,
        reqs.IMAGE_UCX_VERSION, reqs.IMAGE_NVSHMEM_VERSION, reqs.IMAGE_LD_LIBRARY_PATH, reqs.IMAGE_ENTRYPOINT,
        reqs.IMAGE_COMPILE_CACHE, reqs.IMAGE_VLLM_CACHE_ROOT, reqs.IMAGE_MODEL_CACHE,
    ]
    for record in quoted:
        assert record.seed in text, record.id


def test_thresholds_are_written_once() -> None:
    """No module outside requirements.py compares against a seed number or spells a seed version."""
    import ast

    numbers = {reqs.HOST_CPU_CORES.min_int(), reqs.HOST_MEMORY.min_int(), reqs.HOST_NETWORK_BANDWIDTH.min_int()}
    versions = {"1.29", "0.7.0", "v0.7.0"}
    bounds = {reqs.GPU_DRIVER_VERSION.below_int()}  # never written as a number anywhere else
    offenders = []
    for path in list((REPO / "llmd_infra").rglob("*.py")) + list((REPO / "providers").rglob("*.py")):
        if path.name == "requirements.py" or "catalog" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                for operand in [node.left, *node.comparators]:
                    if isinstance(operand, ast.Constant) and operand.value in numbers and not isinstance(
                        operand.value, bool
                    ):
                        offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: compares with {operand.value}")
            if isinstance(node, ast.Constant) and type(node.value) is int and node.value in bounds:
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: bound literal {node.value}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in versions:
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: version literal {node.value!r}")
    assert offenders == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.29", Version(1, 29, 0)),
        ("v0.7.0", Version(0, 7, 0)),
        ("1.31.4-gke.1183000", Version(1, 31, 4)),
        ("1.33.1-do.3", Version(1, 33, 1)),
        ("4.19", Version(4, 19, 0)),
    ],
)
def test_parse_version(text: str, expected: Version) -> None:
    assert parse_version(text) == expected


def test_parse_version_rejects_non_versions() -> None:
    with pytest.raises(VersionError, match="'latest' is not a version"):
        parse_version("latest")
    assert try_parse_version(None) is None
    assert try_parse_version("") is None
    assert Version(1, 28, 15) < Version(1, 29) <= Version(1, 29, 0)
