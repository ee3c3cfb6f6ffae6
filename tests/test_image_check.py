"""``llmd-infra image-check``: real images built in tmp dirs, exact results for each convention."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from llmd_infra.cli import main
from llmd_infra.image import check_image
from llmd_infra.image.probe import Probe
from llmd_infra.image.render import render, to_sarif
from llmd_infra.image.rootfs import Entry, Kind, LayerSummary, RootFs
from tests.image_builder import (
    DOCKER,
    OCI,
    F,
    OciLayout,
    config_doc,
    directory,
    docker_save,
    exe,
    file,
    gz,
    hardlink,
    link,
    opaque,
    tar_directory,
    whiteout,
)

SITE = "/opt/venv/lib/python3.12/site-packages"
PATH = "/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json"

# What pip writes for vLLM's console script (`[project.scripts] vllm = "vllm.entrypoints.cli.main:main"`).
CONSOLE_SCRIPT = (
    "#!/opt/venv/bin/python3\n# -*- coding: utf-8 -*-\nimport re\nimport sys\n"
    "from vllm.entrypoints.cli.main import main\n"
    'if __name__ == "__main__":\n    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])\n'
    "    sys.exit(main())\n"
)


def metadata(name: str, version: str) -> str:
    return f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: s\nRequires-Dist: x\n\nREADME\n"


def dist(name: str, version: str, site: str = SITE) -> F:
    stem = f"{name.replace('-', '_')}-{version}"
    return file(f"{site}/{stem}.dist-info/METADATA", metadata(name, version))


def base_layer() -> list[F]:
    return [
        directory("usr"), directory("usr/bin"),
        exe("/usr/bin/python3.12"), link("/usr/bin/python3", "python3.12"),
        link("/bin", "usr/bin"),  # merged /usr, as Debian and UBI have it
        file("/etc/ld.so.conf.d/x86_64-linux-gnu.conf", "# multiarch support\n/usr/lib/x86_64-linux-gnu\n"),
        file("/usr/local/cuda/lib64/libcudart.so.12.8.90", b"\x7fELF"),
    ]


def ucx_layer(version: str = "1.19.0") -> list[F]:
    return [
        file("/opt/ucx/lib/libucp.so.0.0.0", b"\x7fELF"), link("/opt/ucx/lib/libucp.so.0", "libucp.so.0.0.0"),
        file("/opt/ucx/lib/pkgconfig/ucx.pc",
             f"prefix=/opt/ucx\nName: ucx\nDescription: Unified Communication X Library\nVersion: {version}\n"),
        dist("vllm", "0.8.0"),  # hidden by the opaque /opt/venv of the next layer
    ]


def venv_layer(vllm: str = "0.11.0", script: str = CONSOLE_SCRIPT) -> list[F]:
    return [
        opaque("/opt/venv"),
        file("/opt/venv/pyvenv.cfg", "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.12.3\n"),
        link("/opt/venv/bin/python3", "/usr/bin/python3.12"), link("/opt/venv/bin/python", "python3"),
        exe("/opt/venv/bin/vllm", script),
        dist("vllm", vllm), dist("vllm", "0.9.0"), dist("nixl", "0.6.0"), dist("nvidia-nvshmem-cu12", "3.3.20"),
        file(f"{SITE}/torch/lib/libtorch_cuda.so", os.urandom(1 << 16)),
    ]


def top_layer() -> list[F]:
    return [whiteout(f"{SITE}/vllm-0.9.0.dist-info")]  # removes a whole dist-info directory


ENV = {
    "PATH": PATH,
    "LD_LIBRARY_PATH": "/usr/local/nvidia/lib64:/opt/ucx/lib",
    "VLLM_CACHE_ROOT": "/tmp/cache/compile/vllm",
    "TRITON_CACHE_DIR": "/tmp/cache/compile/triton",
}


def image_config(env: dict[str, str] | None = None, drop: tuple[str, ...] = (), **kwargs: Any) -> dict[str, Any]:
    merged = {k: v for k, v in {**ENV, **(env or {})}.items() if k not in drop}
    kwargs.setdefault("entrypoint", ["vllm", "serve"])
    kwargs.setdefault("cmd", ["--port", "8000"])
    return config_doc(merged, **kwargs)


def build(tmp_path: Path, layers: list[list[F]] | None = None, config: dict[str, Any] | None = None,
          **kwargs: Any) -> Path:
    root = tmp_path / "layout"
    layout = OciLayout(root)
    layers = layers if layers is not None else [base_layer(), ucx_layer(), venv_layer(), top_layer()]
    layout.write_index([layout.image(config or image_config(), layers, **kwargs)])
    return root


def results(path: Path, platform: str | None = None) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "platform"}
            for r in check_image(str(path), platform).to_json()["results"]]


BASELINE: list[dict[str, Any]] = [
    {"id": "image-vllm-version", "status": "pass", "value": "0.11.0",
     "message": f"vLLM 0.11.0 ({SITE}/vllm-0.11.0.dist-info) >= 0.10.0"},
    {"id": "image-nixl-version", "status": "pass", "value": "0.6.0",
     "message": f"NIXL 0.6.0 ({SITE}/nixl-0.6.0.dist-info) >= 0.5.0"},
    {"id": "image-ucx-version", "status": "pass", "value": "1.19.0",
     "message": "UCX 1.19.0 (/opt/ucx/lib/pkgconfig/ucx.pc) >= 1.19.0"},
    {"id": "image-nvshmem-version", "status": "pass", "value": "3.3.20",
     "message": f"NVSHMEM 3.3.20 ({SITE}/nvidia_nvshmem_cu12-3.3.20.dist-info) >= 3.3.9"},
    {"id": "image-python-version", "status": "pass", "value": ["3.12"],
     "message": "Python 3.12 available (vLLM-compatible: 3.9 to 3.12); vllm runs on Python 3.12"},
    {"id": "image-ld-library-path", "status": "pass", "value": ["/usr/local/nvidia/lib64", "/opt/ucx/lib"],
     "message": "LD_LIBRARY_PATH includes /usr/local/nvidia/lib64"},
    {"id": "image-vllm-on-path", "status": "pass", "value": "/opt/venv/bin/vllm",
     "message": "vllm resolves to /opt/venv/bin/vllm and starts /opt/venv/bin/python3 (a virtual env), "
                "where vllm 0.11.0 is installed"},
    {"id": "image-entrypoint", "status": "pass",
     "value": {"entrypoint": ["vllm", "serve"], "cmd": ["--port", "8000"]},
     "message": 'default command ["vllm", "serve", "--port", "8000"]: `vllm serve` starts vLLM\'s server; '
                'with a pod\'s args, ["vllm", "serve", "<pod args>"]: `vllm serve` starts vLLM\'s server, and they '
                'reach vLLM; a pod\'s command: ["vllm", "serve"] replaces ENTRYPOINT and CMD'},
    {"id": "image-compile-cache", "status": "pass",
     "value": {"VLLM_CACHE_ROOT": "/tmp/cache/compile/vllm", "TRITON_CACHE_DIR": "/tmp/cache/compile/triton"},
     "message": "VLLM_CACHE_ROOT, TRITON_CACHE_DIR under /tmp/cache/compile/"},
    {"id": "image-vllm-cache-root", "status": "pass", "value": "/tmp/cache/compile/vllm",
     "message": "VLLM_CACHE_ROOT=/tmp/cache/compile/vllm is under /tmp/cache/compile/"},
    {"id": "image-model-cache", "status": "pass", "value": {},
     "message": "no model cache variable or --download-dir is set"},
]


def expected(*changed: dict[str, Any]) -> list[dict[str, Any]]:
    """The baseline with some records replaced: every other convention must stay exactly as it was."""
    by_id = {r["id"]: r for r in changed}
    return [by_id.get(r["id"], r) for r in BASELINE]


def only(path: Path, result_id: str) -> dict[str, Any]:
    return next(r for r in results(path) if r["id"] == result_id)


# -- a compliant image, read from every kind of source ------------------------------------------


def test_compliant_image_passes_every_convention(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = build(tmp_path)
    assert results(path) == BASELINE
    assert main(["image-check", str(path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == ["image", "source", "platforms", "skipped", "results", "summary"]
    assert doc["source"] == "oci-layout"
    assert [p["platform"] for p in doc["platforms"]] == ["linux/amd64"]
    assert {r["platform"] for r in doc["results"]} == {"linux/amd64"}
    assert doc["summary"] == {"pass": 11, "fail": 0, "unknown": 0}


def test_docker_schema2_media_types_and_uncompressed_layers(tmp_path: Path) -> None:
    assert results(build(tmp_path, types=DOCKER, compress=False)) == BASELINE


def test_zstd_layers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("backports.zstd")
    path = build(tmp_path, compress="zstd")
    assert results(path) == BASELINE

    def no_zstd(name: str) -> None:
        raise ImportError(name)

    monkeypatch.setattr("llmd_infra.image.walker.importlib.import_module", no_zstd)
    assert main(["image-check", str(path)]) == 2
    digest = json.loads((path / "blobs" / "sha256" / json.loads((path / "index.json").read_text())["manifests"][0][
        "digest"].split(":")[1]).read_text())["layers"][0]["digest"].split(":")[1]
    assert capsys.readouterr().err == (
        f"error: {path}: layer blobs/sha256/{digest}: a layer is zstd-compressed; reading it needs Python 3.14 or "
        "the backports.zstd package (pip install 'llmd-infra[zstd]')\n")


@pytest.mark.parametrize("compress", [False, True], ids=["tar", "tar.gz"])
def test_oci_archive_tarball(tmp_path: Path, compress: bool) -> None:
    archive = tar_directory(build(tmp_path), tmp_path / "image.tar", compress=compress)
    report = check_image(str(archive))
    assert report.kind == "oci-archive"
    assert [{k: v for k, v in r.to_json().items()} for _, r in report.results()] == BASELINE


def test_gzipped_docker_save_archive(tmp_path: Path) -> None:
    archive = docker_save(tmp_path / "save.tar", image_config(), [base_layer(), ucx_layer(), venv_layer(), top_layer()])
    compressed = tmp_path / "save.tar.gz"
    compressed.write_bytes(gz(archive.read_bytes()))
    report = check_image(str(compressed))
    assert (report.kind, report.platforms[0].layers) == ("docker-archive", 4)
    assert [r.to_json() for _, r in report.results()] == BASELINE


def test_docker_save_archive_with_a_symlinked_layer(tmp_path: Path) -> None:
    # docker save stores an identical layer once and links the second copy to it.
    layers = [base_layer(), ucx_layer(), venv_layer(), top_layer(), base_layer()]
    archive = docker_save(tmp_path / "save.tar", image_config(), layers, duplicate_last_layer_as_symlink=True)
    report = check_image(str(archive))
    assert report.kind == "docker-archive"
    assert report.platforms[0].target.name == "example/vllm:dev"
    assert report.platforms[0].layers == 5
    assert [r.to_json() for _, r in report.results()] == BASELINE


# -- layers applied in order: whiteouts and opaque directories ----------------------------------


def test_without_the_whiteout_the_removed_dist_info_is_seen(tmp_path: Path) -> None:
    path = build(tmp_path, layers=[base_layer(), ucx_layer(), venv_layer()])
    assert only(path, "image-vllm-version")["message"] == (
        f"vLLM 0.11.0 ({SITE}/vllm-0.11.0.dist-info) >= 0.10.0; also found 0.9.0")


def test_without_the_opaque_directory_the_lower_venv_shows_through(tmp_path: Path) -> None:
    venv = [e for e in venv_layer() if not e.path.endswith(".wh..wh..opq")]
    path = build(tmp_path, layers=[base_layer(), ucx_layer(), venv, top_layer()])
    assert only(path, "image-vllm-version")["message"] == (
        f"vLLM 0.11.0 ({SITE}/vllm-0.11.0.dist-info) >= 0.10.0; also found 0.8.0")


def test_a_whiteout_removes_the_vllm_script(tmp_path: Path) -> None:
    top = [*top_layer(), whiteout("/opt/venv/bin/vllm")]
    path = build(tmp_path, layers=[base_layer(), ucx_layer(), venv_layer(), top])
    assert results(path) == expected(
        {"id": "image-vllm-on-path", "status": "fail", "value": None,
         "message": f"vllm is not on PATH ({PATH})"},
        {**BASELINE[4], "message": "Python 3.12 available (vLLM-compatible: 3.9 to 3.12)"},
        {**BASELINE[7], "status": "pass"},  # the entrypoint names vllm; whether it is on PATH is the check above
    )


def test_whiteouts_hide_only_lower_layers_and_directories_replace_symlinks() -> None:
    fs = RootFs(Probe(["/opt/bin"]))
    lower = LayerSummary("l0", entries={
        "/opt/bin/a": Entry("/opt/bin/a", Kind.FILE), "/opt/bin/b": Entry("/opt/bin/b", Kind.FILE),
        "/opt/lib": Entry("/opt/lib", Kind.SYMLINK, target="/usr/lib")})
    fs.apply(lower)
    upper = LayerSummary("l1", entries={"/opt/bin/b": Entry("/opt/bin/b", Kind.FILE, mode=0o755)},
                         whiteouts={"/opt/bin/b", "/opt/bin/a"}, dirs={"/opt/lib"})
    fs.apply(upper)
    assert sorted(fs.entries) == ["/opt/bin/b"]  # a hidden; b re-added by the same layer as its whiteout
    assert fs.entries["/opt/bin/b"].layer == 1
    assert fs.resolve("/opt/lib/x") == "/opt/lib/x"  # no longer follows the replaced symlink
    assert fs.exists("/opt/bin/a") is False and fs.exists("/srv/data") is None


def test_hardlinks_and_symlink_loops(tmp_path: Path) -> None:
    venv = [*venv_layer(), hardlink("/usr/local/bin/vllm", "/opt/venv/bin/vllm"),
            link("/opt/loop/a", "b"), link("/opt/loop/b", "a")]
    path = build(tmp_path, layers=[base_layer(), ucx_layer(), venv, top_layer()],
                 config=image_config({"PATH": "/opt/loop:/usr/local/bin:/usr/bin"}))
    assert only(path, "image-vllm-on-path") == {
        "id": "image-vllm-on-path", "status": "pass", "value": "/usr/local/bin/vllm",
        "message": "vllm resolves to /usr/local/bin/vllm and starts /opt/venv/bin/python3 (a virtual env), "
                   "where vllm 0.11.0 is installed"}


# -- versions, compared by PEP 440 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "status", "message"),
    [
        ("0.9.2", "fail", "vLLM 0.9.2 ({where}) is older than 0.10.0"),
        ("0.10.0rc1", "fail",
         "vLLM 0.10.0rc1 ({where}) is older than 0.10.0 (0.10.0rc1 is a pre-release of 0.10.0, older than it)"),
        ("0.10.0", "pass", "vLLM 0.10.0 ({where}) >= 0.10.0"),
        ("0.11.1.dev3+g1234abc.cu128", "pass", "vLLM 0.11.1.dev3+g1234abc.cu128 ({where}) >= 0.10.0"),
    ],
)
def test_vllm_version(tmp_path: Path, version: str, status: str, message: str) -> None:
    layers = [base_layer(), ucx_layer(), venv_layer(vllm=version), top_layer()]
    where = f"{SITE}/vllm-{version}.dist-info"
    on_path = BASELINE[6]["message"].replace("0.11.0", version)
    assert results(build(tmp_path, layers=layers)) == expected(
        {"id": "image-vllm-version", "status": status, "value": version, "message": message.format(where=where)},
        {**BASELINE[6], "message": on_path},
    )


def test_nixl_missing_old_or_only_its_library(tmp_path: Path) -> None:
    def with_venv(extra: list[F], drop: str = "nixl") -> list[list[F]]:
        venv = [e for e in venv_layer() if f"/{drop}-" not in e.path] + extra
        return [base_layer(), ucx_layer(), venv, top_layer()]

    missing = build(tmp_path / "a", layers=with_venv([]))
    assert only(missing, "image-nixl-version") == {
        "id": "image-nixl-version", "status": "fail", "value": None,
        "message": "NIXL is not installed (no nixl or nixl-cu* package, no libnixl.so)"}
    old = build(tmp_path / "b", layers=with_venv([dist("nixl-cu12", "0.4.1")]))
    assert only(old, "image-nixl-version") == {
        "id": "image-nixl-version", "status": "fail", "value": "0.4.1",
        "message": f"NIXL 0.4.1 ({SITE}/nixl_cu12-0.4.1.dist-info) is older than 0.5.0"}
    library = build(tmp_path / "c", layers=with_venv([file("/usr/local/lib64/libnixl.so", b"\x7fELF")]))
    assert only(library, "image-nixl-version") == {
        "id": "image-nixl-version", "status": "unknown", "value": None,
        "message": "NIXL is installed (/usr/local/lib64/libnixl.so) but no file in the image states its version"}


def test_ucx_release_is_read_as_1_19_0_not_0_19_0(tmp_path: Path) -> None:
    # 1.18.1 is far above the seed's literal "0.19.0", yet older than the 1.19.0 the record reads it as.
    path = build(tmp_path / "a", layers=[base_layer(), ucx_layer("1.18.1"), venv_layer(), top_layer()])
    assert only(path, "image-ucx-version") == {
        "id": "image-ucx-version", "status": "fail", "value": "1.18.1",
        "message": "UCX 1.18.1 (/opt/ucx/lib/pkgconfig/ucx.pc) is older than 1.19.0"}


def test_ucx_from_its_header_or_only_its_library(tmp_path: Path) -> None:
    header = [file("/opt/ucx/lib/libucp.so.0.0.0", b"\x7fELF"),
              file("/opt/ucx/include/uct/api/version.h",
                   '#define UCT_VERNO_MAJOR 1\n#define UCT_VERNO_STRING           "1.20.0"\n')]
    path = build(tmp_path / "a", layers=[base_layer(), header, venv_layer(), top_layer()])
    assert only(path, "image-ucx-version") == {
        "id": "image-ucx-version", "status": "pass", "value": "1.20.0",
        "message": "UCX 1.20.0 (/opt/ucx/include/uct/api/version.h) >= 1.19.0"}
    bare = [file("/usr/lib64/libucp.so.0.0.0", b"\x7fELF")]  # libucp.so.0.0.0 is the ABI version, not 0.0.0
    path = build(tmp_path / "b", layers=[base_layer(), bare, venv_layer(), top_layer()])
    assert only(path, "image-ucx-version") == {
        "id": "image-ucx-version", "status": "unknown", "value": None,
        "message": "UCX is installed (/usr/lib64/libucp.so.0.0.0) but no file in the image states its version"}
    none = build(tmp_path / "c", layers=[base_layer(), venv_layer(), top_layer()])
    assert only(none, "image-ucx-version") == {
        "id": "image-ucx-version", "status": "fail", "value": None,
        "message": "UCX is not installed (no libucp.so, ucx.pc or libucx-cu* package)"}


def test_nvshmem_from_library_names_header_and_non_nvidia_images(tmp_path: Path) -> None:
    venv = [e for e in venv_layer() if "nvshmem" not in e.path]
    lib = [file("/opt/nvshmem/lib/libnvshmem_host.so.3.3.8", b"\x7fELF"),
           link("/opt/nvshmem/lib/libnvshmem_host.so.3", "libnvshmem_host.so.3.3.8")]
    path = build(tmp_path / "a", layers=[base_layer(), ucx_layer(), venv, lib],
                 config=image_config({"LD_LIBRARY_PATH": "/usr/local/nvidia/lib64:/opt/ucx/lib:/opt/nvshmem/lib"}))
    assert only(path, "image-nvshmem-version") == {
        "id": "image-nvshmem-version", "status": "fail", "value": "3.3.8",
        "message": "NVSHMEM 3.3.8 (/opt/nvshmem/lib/libnvshmem_host.so.3.3.8) is older than 3.3.9"}
    header = [file("/opt/nvshmem/include/non_abi/nvshmem_version.h",
                   "#define NVSHMEM_VENDOR_MAJOR_VERSION 3\n#define NVSHMEM_VENDOR_MINOR_VERSION 4\n"
                   "#define NVSHMEM_VENDOR_PATCH_VERSION 5\n#define NVSHMEM_VENDOR_PACKAGE_VERSION 0\n")]
    path = build(tmp_path / "b", layers=[base_layer(), ucx_layer(), venv, header])
    assert only(path, "image-nvshmem-version")["message"] == (
        "NVSHMEM 3.4.5 (/opt/nvshmem/include/non_abi/nvshmem_version.h) >= 3.3.9")
    missing = build(tmp_path / "c", layers=[base_layer(), ucx_layer(), venv])
    assert only(missing, "image-nvshmem-version") == {
        "id": "image-nvshmem-version", "status": "fail", "value": None,
        "message": "NVSHMEM is not installed in an NVIDIA image (CUDA runtime at "
                   "/usr/local/cuda/lib64/libcudart.so.12.8.90; no libnvshmem_host.so or nvidia-nvshmem-cu* package)"}
    cpu = [e for e in base_layer() if "cuda" not in e.path]
    path = build(tmp_path / "d", layers=[cpu, ucx_layer(), venv])
    assert only(path, "image-nvshmem-version") == {
        "id": "image-nvshmem-version", "status": "pass", "value": None,
        "message": "not an NVIDIA image (no CUDA runtime found): NVSHMEM is not needed"}


@pytest.mark.parametrize(
    ("version", "status", "message"),
    [("3.3.20", "pass", "NVSHMEM 3.3.20 ({w}) >= 3.3.9"),  # 20 > 9: numbers, not strings
     ("3.3.8.1", "fail", "NVSHMEM 3.3.8.1 ({w}) is older than 3.3.9"),  # four parts compare part by part
     ("3.3.9.post1", "pass", "NVSHMEM 3.3.9.post1 ({w}) >= 3.3.9")],
)
def test_nvshmem_versions_compare_by_pep_440(tmp_path: Path, version: str, status: str, message: str) -> None:
    venv = [e for e in venv_layer() if "nvshmem" not in e.path] + [dist("nvidia-nvshmem-cu12", version)]
    path = build(tmp_path, layers=[base_layer(), ucx_layer(), venv])
    where = f"{SITE}/nvidia_nvshmem_cu12-{version}.dist-info"
    assert only(path, "image-nvshmem-version") == {
        "id": "image-nvshmem-version", "status": status, "value": version, "message": message.format(w=where)}


def test_python_outside_the_supported_range(tmp_path: Path) -> None:
    base = [exe("/usr/bin/python3.13"), link("/usr/bin/python3", "python3.13")]
    venv = [e if not e.path.endswith("python3") else link("/opt/venv/bin/python3", "/usr/bin/python3.13")
            for e in venv_layer()]
    venv = [e for e in venv if not e.path.endswith("pyvenv.cfg")]
    path = build(tmp_path, layers=[base, ucx_layer(), venv, top_layer()])
    assert only(path, "image-python-version") == {
        "id": "image-python-version", "status": "fail", "value": ["3.13"],
        "message": "no vLLM-compatible Python (3.9 to 3.12): found 3.13; vllm runs on Python 3.13"}


# -- LD_LIBRARY_PATH, PATH ------------------------------------------------------------------------


def test_ld_library_path(tmp_path: Path) -> None:
    unset = build(tmp_path / "a", config=image_config(drop=("LD_LIBRARY_PATH",)))
    assert only(unset, "image-ld-library-path") == {
        "id": "image-ld-library-path", "status": "fail", "value": None,
        "message": "LD_LIBRARY_PATH is not set; it must include /usr/local/nvidia/lib64"}
    no_nvidia = build(tmp_path / "b", config=image_config({"LD_LIBRARY_PATH": "/opt/ucx/lib"}))
    assert only(no_nvidia, "image-ld-library-path") == {
        "id": "image-ld-library-path", "status": "fail", "value": ["/opt/ucx/lib"],
        "message": "LD_LIBRARY_PATH does not include /usr/local/nvidia/lib64"}
    no_ucx = build(tmp_path / "c", config=image_config({"LD_LIBRARY_PATH": "/usr/local/nvidia/lib64/"}))
    assert only(no_ucx, "image-ld-library-path") == {
        "id": "image-ld-library-path", "status": "fail", "value": ["/usr/local/nvidia/lib64"],
        "message": "LD_LIBRARY_PATH includes /usr/local/nvidia/lib64, but the loader does not find UCX "
                   "(/opt/ucx/lib/libucp.so.0.0.0): its directory is not on LD_LIBRARY_PATH, in "
                   "/etc/ld.so.conf(.d) or a default library directory"}
    conf = [*base_layer(), file("/etc/ld.so.conf.d/ucx.conf", "/opt/ucx/lib\n")]
    configured = build(tmp_path / "d", layers=[conf, ucx_layer(), venv_layer(), top_layer()],
                       config=image_config({"LD_LIBRARY_PATH": "/usr/local/nvidia/lib64"}))
    assert only(configured, "image-ld-library-path") == {
        "id": "image-ld-library-path", "status": "pass", "value": ["/usr/local/nvidia/lib64"],
        "message": "LD_LIBRARY_PATH includes /usr/local/nvidia/lib64"}


def test_vllm_not_on_path(tmp_path: Path) -> None:
    path = build(tmp_path, config=image_config({"PATH": "/usr/local/bin:/usr/bin"}))
    assert only(path, "image-vllm-on-path") == {
        "id": "image-vllm-on-path", "status": "fail", "value": None,
        "message": "vllm is not on PATH (/usr/local/bin:/usr/bin); vllm exists at /opt/venv/bin/vllm"}


def test_unset_path_uses_the_runtime_default(tmp_path: Path) -> None:
    venv = [*venv_layer(), link("/usr/local/bin/vllm", "/opt/venv/bin/vllm")]
    path = build(tmp_path, layers=[base_layer(), ucx_layer(), venv, top_layer()], config=image_config(drop=("PATH",)))
    assert only(path, "image-vllm-on-path")["message"] == (
        "vllm resolves to /usr/local/bin/vllm and starts /opt/venv/bin/python3 (a virtual env), where vllm 0.11.0 is "
        "installed (PATH is not set; the runtime default is "
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)")


@pytest.mark.parametrize(
    ("script", "status", "message"),
    [
        (CONSOLE_SCRIPT.replace("/opt/venv/bin/python3", "/opt/venv311/bin/python3"), "fail",
         "vllm resolves to /opt/venv/bin/vllm, whose interpreter /opt/venv311/bin/python3 does not exist in the image"),
        (CONSOLE_SCRIPT.replace("#!/opt/venv/bin/python3", "#!/usr/bin/env python3"), "pass",
         "vllm resolves to /opt/venv/bin/vllm and starts /opt/venv/bin/python3 (a virtual env), where vllm 0.11.0 "
         "is installed"),
        (CONSOLE_SCRIPT.replace("#!/opt/venv/bin/python3", "#!/usr/bin/env python3.11"), "fail",
         "vllm resolves to /opt/venv/bin/vllm, whose #! line runs `python3.11` through env, and no python3.11 is on "
         "PATH"),
        (CONSOLE_SCRIPT.replace("#!/opt/venv/bin/python3", "#!/usr/bin/python3"), "fail",
         "vllm resolves to /opt/venv/bin/vllm, whose interpreter /usr/bin/python3 has no vllm package installed "
         f"(vllm is installed in: {SITE})"),
        # pip's trampoline when the interpreter path is too long for a #! line
        ("#!/bin/sh\n'''exec' /opt/venv/bin/python3 \"$0\" \"$@\"\n' '''\nfrom vllm.entrypoints.cli.main import main\n",
         "pass", "vllm resolves to /opt/venv/bin/vllm and starts /opt/venv/bin/python3 (a virtual env), where vllm "
         "0.11.0 is installed"),
        ("\x7fELF\x02\x01", "unknown",
         "vllm resolves to /opt/venv/bin/vllm, which is not a Python script (no #! interpreter)"),
    ],
    ids=["missing-interpreter", "env-shebang", "env-shebang-not-on-path", "system-python-without-vllm",
         "sh-trampoline", "binary"],
)
def test_vllm_shebang(tmp_path: Path, script: str, status: str, message: str) -> None:
    path = build(tmp_path, layers=[base_layer(), ucx_layer(), venv_layer(script=script), top_layer()])
    assert only(path, "image-vllm-on-path") == {
        "id": "image-vllm-on-path", "status": status, "value": "/opt/venv/bin/vllm", "message": message}


# -- ENTRYPOINT / CMD -----------------------------------------------------------------------------

START_SH = "/usr/local/bin/start.sh"
SH_EXEC_ARGS = '#!/bin/bash\nset -euo pipefail\nexport HOME=/tmp\nexec "$@"\n'
SH_SERVE_ARGS = '#!/bin/bash\n# start the server\nulimit -n 65536\nexec vllm serve --port 8000 "$@"\n'
SH_SERVE_NO_ARGS = "#!/bin/sh\nvllm serve --port 8000\n"
SH_SERVE_STAR = "#!/bin/sh\nexec vllm serve $*\n"


@pytest.mark.parametrize(
    ("entrypoint", "cmd", "status", "message"),
    [
        (["python3", "-m", "vllm.entrypoints.openai.api_server"], None, "pass",
         'default command ["python3", "-m", "vllm.entrypoints.openai.api_server"]: `python -m '
         "vllm.entrypoints.openai.api_server` starts vLLM's server; with a pod's args, [\"python3\", \"-m\", "
         '"vllm.entrypoints.openai.api_server", "<pod args>"]: `python -m vllm.entrypoints.openai.api_server` starts '
         "vLLM's server, and they reach vLLM; a pod's command: [\"vllm\", \"serve\"] replaces ENTRYPOINT and CMD"),
        (["/usr/bin/tini", "--", "vllm", "serve"], None, "pass",
         'default command ["/usr/bin/tini", "--", "vllm", "serve"]: `vllm serve` starts vLLM\'s server; with a pod\'s '
         'args, ["/usr/bin/tini", "--", "vllm", "serve", "<pod args>"]: `vllm serve` starts vLLM\'s server, and they '
         'reach vLLM; a pod\'s command: ["vllm", "serve"] replaces ENTRYPOINT and CMD'),
        (None, ["vllm", "serve"], "fail",
         'default command ["vllm", "serve"]: `vllm serve` starts vLLM\'s server; no ENTRYPOINT: a pod\'s args '
         "replace CMD and run as the command itself (they must reach vLLM)"),
        (["/bin/bash", "-c", "vllm serve --port 8000"], None, "fail",
         'default command ["/bin/bash", "-c", "vllm serve --port 8000"]: `vllm serve` starts vLLM\'s server; with a '
         'pod\'s args, ["/bin/bash", "-c", "vllm serve --port 8000", "<pod args>"]: `vllm serve` starts vLLM\'s '
         'server, but the script does not pass its arguments on ("$@") (they must reach vLLM)'),
        (["/bin/sh", "-c", 'exec vllm serve "$@"'], None, "fail",
         'default command ["/bin/sh", "-c", "exec vllm serve \\"$@\\""]: `vllm serve` starts vLLM\'s server; with a '
         'pod\'s args, ["/bin/sh", "-c", "exec vllm serve \\"$@\\"", "<pod args>"]: `vllm serve` starts vLLM\'s '
         "server, but `/bin/sh -c` makes the first pod arg $0, so it is dropped (add an argument after the script, "
         'e.g. "--") (they must reach vLLM)'),
        (["/bin/sh", "-c", 'exec vllm serve "$@"', "--"], ["--port", "8000"], "pass",
         'default command ["/bin/sh", "-c", "exec vllm serve \\"$@\\"", "--", "--port", "8000"]: `vllm serve` starts '
         'vLLM\'s server; with a pod\'s args, ["/bin/sh", "-c", "exec vllm serve \\"$@\\"", "--", "<pod args>"]: '
         '`vllm serve` starts vLLM\'s server, and they reach vLLM; a pod\'s command: ["vllm", "serve"] replaces '
         "ENTRYPOINT and CMD"),
        (["vllm"], ["serve"], "fail",
         'default command ["vllm", "serve"]: `vllm serve` starts vLLM\'s server; with a pod\'s args, '
         '["vllm", "<pod args>"]: `vllm` takes the pod\'s args as its subcommand, so they must start with `serve` '
         "(they must reach vLLM)"),
        (["/bin/bash"], None, "fail",
         'default command ["/bin/bash"]: `/bin/bash` without a script starts an interactive shell (it must start '
         'vLLM\'s server); with a pod\'s args, ["/bin/bash", "<pod args>"]: `/bin/bash` takes the pod\'s args as its '
         "script"),
        (None, None, "fail", "the image sets neither ENTRYPOINT nor CMD"),
    ],
    ids=["python-m", "tini", "cmd-only", "bash-c-drops-args", "sh-c-loses-first-arg", "sh-c-with-dollar0",
         "vllm-without-serve", "bash", "nothing"],
)
def test_entrypoint_exec_and_shell_forms(tmp_path: Path, entrypoint: list[str] | None, cmd: list[str] | None,
                                         status: str, message: str) -> None:
    base = [*base_layer(), exe("/usr/bin/tini"), exe("/usr/bin/bash"), link("/usr/bin/sh", "bash")]
    path = build(tmp_path, layers=[base, ucx_layer(), venv_layer(), top_layer()],
                 config=image_config(entrypoint=entrypoint, cmd=cmd))
    assert only(path, "image-entrypoint") == {
        "id": "image-entrypoint", "status": status, "value": {"entrypoint": entrypoint, "cmd": cmd},
        "message": message}


@pytest.mark.parametrize(
    ("script", "cmd", "status", "message"),
    [
        (SH_SERVE_ARGS, None, "pass",
         'default command ["/usr/local/bin/start.sh"]: `vllm serve` starts vLLM\'s server; with a pod\'s args, '
         '["/usr/local/bin/start.sh", "<pod args>"]: `vllm serve` starts vLLM\'s server, and they reach vLLM; '
         'a pod\'s command: ["vllm", "serve"] replaces ENTRYPOINT and CMD'),
        (SH_EXEC_ARGS, ["vllm", "serve"], "fail",
         'default command ["/usr/local/bin/start.sh", "vllm", "serve"]: `vllm serve` starts vLLM\'s server; with a '
         'pod\'s args, ["/usr/local/bin/start.sh", "<pod args>"]: the script runs its arguments as the command '
         '(exec "$@"), so a pod\'s args replace the vLLM command (they must reach vLLM)'),
        (SH_SERVE_NO_ARGS, None, "fail",
         'default command ["/usr/local/bin/start.sh"]: `vllm serve` starts vLLM\'s server; with a pod\'s args, '
         '["/usr/local/bin/start.sh", "<pod args>"]: `vllm serve` starts vLLM\'s server, but the script does not '
         'pass its arguments on ("$@") (they must reach vLLM)'),
        (SH_SERVE_STAR, None, "fail",
         'default command ["/usr/local/bin/start.sh"]: `vllm serve` starts vLLM\'s server; with a pod\'s args, '
         '["/usr/local/bin/start.sh", "<pod args>"]: `vllm serve` starts vLLM\'s server, but the script passes its '
         "arguments as re-split words (unquoted $@ or $*) (they must reach vLLM)"),
        ("echo no shebang\n", None, "fail",
         'default command ["/usr/local/bin/start.sh"]: `/usr/local/bin/start.sh` (/usr/local/bin/start.sh) has no '
         "#! line, so it cannot be executed (it must start vLLM's server); with a pod's args, "
         '["/usr/local/bin/start.sh", "<pod args>"]: `/usr/local/bin/start.sh` (/usr/local/bin/start.sh) has no #! '
         "line, so it cannot be executed"),
    ],
    ids=["exec-vllm-serve-args", "exec-args", "no-args", "dollar-star", "no-shebang"],
)
def test_entrypoint_scripts(tmp_path: Path, script: str, cmd: list[str] | None, status: str, message: str) -> None:
    base = [*base_layer(), exe("/usr/bin/bash"), link("/usr/bin/sh", "bash"), exe(START_SH, script)]
    path = build(tmp_path, layers=[base, ucx_layer(), venv_layer(), top_layer()],
                 config=image_config(entrypoint=[START_SH], cmd=cmd))
    assert only(path, "image-entrypoint") == {
        "id": "image-entrypoint", "status": status, "value": {"entrypoint": [START_SH], "cmd": cmd},
        "message": message}


def test_entrypoint_script_found_on_path_and_bash_script_argument(tmp_path: Path) -> None:
    base = [*base_layer(), exe("/usr/bin/bash"), exe(START_SH, SH_SERVE_ARGS),
            file("/app/run.sh", 'set -e\nexec python3 -m vllm.entrypoints.openai.api_server "$@"\n')]
    on_path = build(tmp_path / "a", layers=[base, ucx_layer(), venv_layer(), top_layer()],
                    config=image_config(entrypoint=["start.sh"], cmd=[]))
    assert only(on_path, "image-entrypoint")["status"] == "pass"
    relative = build(tmp_path / "b", layers=[base, ucx_layer(), venv_layer(), top_layer()],
                     config=image_config(entrypoint=["bash", "run.sh"], cmd=None, working_dir="/app"))
    assert only(relative, "image-entrypoint") == {
        "id": "image-entrypoint", "status": "pass", "value": {"entrypoint": ["bash", "run.sh"], "cmd": None},
        "message": 'default command ["bash", "run.sh"]: `python -m vllm.entrypoints.openai.api_server` starts '
                   'vLLM\'s server; with a pod\'s args, ["bash", "run.sh", "<pod args>"]: `python -m '
                   "vllm.entrypoints.openai.api_server` starts vLLM's server, and they reach vLLM; a pod's command: "
                   '["vllm", "serve"] replaces ENTRYPOINT and CMD'}


def test_entrypoint_program_missing_from_the_image(tmp_path: Path) -> None:
    path = build(tmp_path, config=image_config(entrypoint=["/usr/local/bin/serve-model"], cmd=None))
    assert only(path, "image-entrypoint") == {
        "id": "image-entrypoint", "status": "fail",
        "value": {"entrypoint": ["/usr/local/bin/serve-model"], "cmd": None},
        "message": 'default command ["/usr/local/bin/serve-model"]: `/usr/local/bin/serve-model` is not found in the '
                   'image (it must start vLLM\'s server); with a pod\'s args, ["/usr/local/bin/serve-model", '
                   '"<pod args>"]: `/usr/local/bin/serve-model` is not found in the image'}


# -- caches ---------------------------------------------------------------------------------------


def test_compile_caches_outside_the_shared_root(tmp_path: Path) -> None:
    path = build(tmp_path, config=image_config({"TRITON_CACHE_DIR": "/tmp/triton",
                                                "TORCHINDUCTOR_CACHE_DIR": "/tmp/cache/compile"}))
    assert results(path) == expected({
        "id": "image-compile-cache", "status": "fail",
        "value": {"VLLM_CACHE_ROOT": "/tmp/cache/compile/vllm", "TORCHINDUCTOR_CACHE_DIR": "/tmp/cache/compile",
                  "TRITON_CACHE_DIR": "/tmp/triton"},
        "message": "compile caches must be under /tmp/cache/compile/<NAME>: "
                   "TORCHINDUCTOR_CACHE_DIR=/tmp/cache/compile; TRITON_CACHE_DIR=/tmp/triton"})


def test_vllm_cache_root_unset_or_elsewhere(tmp_path: Path) -> None:
    unset = build(tmp_path / "a", config=image_config(drop=("VLLM_CACHE_ROOT",)))
    assert results(unset) == expected(
        {"id": "image-compile-cache", "status": "fail", "value": {"TRITON_CACHE_DIR": "/tmp/cache/compile/triton"},
         "message": "compile caches must be under /tmp/cache/compile/<NAME>: VLLM_CACHE_ROOT is not set"},
        {"id": "image-vllm-cache-root", "status": "fail", "value": None,
         "message": "VLLM_CACHE_ROOT is not set (e.g. /tmp/cache/compile/vllm)"})
    elsewhere = build(tmp_path / "b", config=image_config({"VLLM_CACHE_ROOT": "/tmp/cache/compile/../vllm"}))
    assert only(elsewhere, "image-vllm-cache-root") == {
        "id": "image-vllm-cache-root", "status": "fail", "value": "/tmp/cache/compile/../vllm",
        "message": "VLLM_CACHE_ROOT=/tmp/cache/compile/../vllm is not under /tmp/cache/compile/"}


def test_hard_coded_model_cache(tmp_path: Path) -> None:
    path = build(tmp_path, config=image_config({"HF_HOME": "/models/.hf"},
                                               cmd=["--download-dir", "/models", "--port", "8000"]))
    assert only(path, "image-model-cache") == {
        "id": "image-model-cache", "status": "fail", "value": {"HF_HOME": "/models/.hf"},
        "message": "the image hard-codes the model cache: HF_HOME=/models/.hf; the default command passes "
                   "--download-dir"}


# -- a config alone, multi-platform indexes -------------------------------------------------------

CONFIG_ONLY = [
    {"id": "image-vllm-version", "status": "unknown", "value": None,
     "message": "the vLLM version needs the image's layers (give the OCI layout directory or archive, not its "
                "config alone)"},
    {"id": "image-nixl-version", "status": "unknown", "value": None,
     "message": "the NIXL version needs the image's layers (give the OCI layout directory or archive, not its "
                "config alone)"},
    {"id": "image-ucx-version", "status": "unknown", "value": None,
     "message": "the UCX version needs the image's layers (give the OCI layout directory or archive, not its "
                "config alone)"},
    {"id": "image-nvshmem-version", "status": "unknown", "value": None,
     "message": "the NVSHMEM version needs the image's layers (give the OCI layout directory or archive, not its "
                "config alone)"},
    {"id": "image-python-version", "status": "unknown", "value": None,
     "message": "the Python version needs the image's layers (give the OCI layout directory or archive, not its "
                "config alone)"},
    {"id": "image-ld-library-path", "status": "pass", "value": ["/usr/local/nvidia/lib64", "/opt/ucx/lib"],
     "message": "LD_LIBRARY_PATH includes /usr/local/nvidia/lib64 (bundled library directories need the layers "
                "to check)"},
    {"id": "image-vllm-on-path", "status": "unknown", "value": None,
     "message": "where vllm resolves needs the image's layers (give the OCI layout directory or archive, not its "
                "config alone)"},
    BASELINE[7],
    BASELINE[8],
    BASELINE[9],
    BASELINE[10],
]


def test_config_json_alone_oci_and_docker_inspect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    oci = tmp_path / "config.json"
    oci.write_text(json.dumps(image_config()))
    assert results(oci) == CONFIG_ONLY
    inspect = tmp_path / "inspect.json"
    doc = image_config()
    inspect.write_text(json.dumps([{"Id": "sha256:abc", "Architecture": "arm64", "Os": "linux",
                                    "Config": {k[0].upper() + k[1:] if k == "env" else k: v
                                               for k, v in doc["config"].items()}}]))
    report = check_image(str(inspect))
    assert report.kind == "config" and report.platforms[0].target.platform == "linux/arm64"
    assert [r.to_json() for _, r in report.results()] == CONFIG_ONLY
    script = tmp_path / "script.json"
    script.write_text(json.dumps(image_config(entrypoint=["/start.sh"], cmd=None)))
    assert only(script, "image-entrypoint")["status"] == "unknown"
    assert main(["image-check", str(oci)]) == 0
    assert "image-check: 0 failed, 6 unknown, 5 passed" in capsys.readouterr().out


def _multi_platform(tmp_path: Path, docker: bool = False) -> Path:
    layout = OciLayout(tmp_path / "multi")
    types = DOCKER if docker else OCI
    amd64 = layout.image(image_config(), [base_layer(), ucx_layer(), venv_layer(), top_layer()], types=types,
                         platform={"architecture": "amd64", "os": "linux"})
    arm64 = layout.image(image_config(arch="arm64", variant="v8"),
                         [base_layer(), ucx_layer(), venv_layer(vllm="0.9.2"), top_layer()], types=types,
                         platform={"architecture": "arm64", "os": "linux", "variant": "v8"})
    manifests = [amd64, arm64, layout.attestation(amd64)]
    # ppc64le is listed but its blobs are not in the layout, as in a `docker save` of one platform
    manifests.append({"mediaType": types["manifest"], "digest": "sha256:" + "0" * 64, "size": 1,
                      "platform": {"architecture": "ppc64le", "os": "linux"}})
    index = layout.index_blob(manifests, types=types)
    index["annotations"] = {"org.opencontainers.image.ref.name": "example/vllm:multi"}
    return layout.write_index([index])


@pytest.mark.parametrize("docker", [False, True], ids=["oci-index", "docker-manifest-list"])
def test_multi_platform_index_checks_each_platform_and_skips_attestations(
    tmp_path: Path, docker: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _multi_platform(tmp_path, docker)
    report = check_image(str(path))
    assert [p.target.platform for p in report.platforms] == ["linux/amd64", "linux/arm64/v8"]
    assert {p.target.name for p in report.platforms} == {"example/vllm:multi"}
    assert [(s.platform, s.reason) for s in report.skipped] == [
        ("unknown/unknown", "attestation manifest"), ("linux/ppc64le", "not in this archive")]
    assert [r.to_json() for r in report.platforms[0].results] == BASELINE
    old = SITE + "/vllm-0.9.2.dist-info"
    assert [r.to_json() for r in report.platforms[1].results] == expected(
        {"id": "image-vllm-version", "status": "fail", "value": "0.9.2",
         "message": f"vLLM 0.9.2 ({old}) is older than 0.10.0"},
        {**BASELINE[6], "message": BASELINE[6]["message"].replace("0.11.0", "0.9.2")})
    assert main(["image-check", str(path)]) == 1
    assert main(["image-check", str(path), "--platform", "linux/amd64", "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["image-check", str(path), "--platform", "linux/arm64", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert (doc["summary"], [p["platform"] for p in doc["platforms"]]) == (
        {"pass": 10, "fail": 1, "unknown": 0}, ["linux/arm64/v8"])
    only_amd64 = check_image(str(path), "linux/amd64")
    assert [p.target.platform for p in only_amd64.platforms] == ["linux/amd64"]
    assert [p.target.platform for p in check_image(str(path), "linux/arm64").platforms] == ["linux/arm64/v8"]


# -- reports --------------------------------------------------------------------------------------


def test_sarif_is_valid_and_lists_failures_and_unknowns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = build(tmp_path, config=image_config({"HF_HOME": "/models"}))
    log = to_sarif(check_image(str(path)))
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r["id"] for r in BASELINE]
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [("image-model-cache", "error")]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "layout", "uriBaseId": "%SRCROOT%"}
    config = tmp_path / "c.json"
    config.write_text(json.dumps(image_config()))
    levels = [r["level"] for r in to_sarif(check_image(str(config)))["runs"][0]["results"]]
    assert levels == ["note"] * 6


def test_markdown_and_text_reports(tmp_path: Path) -> None:
    path = build(tmp_path, config=image_config({"HF_HOME": "/models|x"}))
    report = check_image(str(path))
    markdown = render("markdown", report)
    assert markdown.startswith(
        f"## llmd-infra image-check — `{path}`\n\n❌ **Fails** — 1 failed, 0 unknown, 10 passed.")
    assert ("| ❌ | `image-model-cache` | {\"HF_HOME\": \"/models\\|x\"} | the image hard-codes the model cache: "
            "HF_HOME=/models\\|x |") in markdown
    text = render("text", report)
    assert "linux/amd64, 4 layers, 22 entries walked" in text
    assert text.rstrip().endswith("image-check: 1 failed, 0 unknown, 10 passed")


# -- bad input: exit 2, one message ---------------------------------------------------------------


def test_bad_input_exits_2_with_one_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def error(*argv: str) -> str:
        assert main(["image-check", *argv]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        return err.strip()

    assert error(str(tmp_path / "nope")) == f"error: {tmp_path / 'nope'}: no such file or directory"
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00" * 600)
    assert error(str(junk)) == (
        f"error: {junk}: not an OCI layout directory, an image archive (tar) or an image config (JSON)")
    layout = build(tmp_path)
    index = json.loads((layout / "index.json").read_text())
    manifest = layout / "blobs" / "sha256" / index["manifests"][0]["digest"].split(":")[1]
    as_config = tmp_path / "manifest.json"
    as_config.write_text(manifest.read_text())
    assert error(str(as_config)) == (
        f"error: {as_config}: this is an image index or manifest, not an image config; give the OCI layout "
        "directory or the archive instead")
    assert error(str(layout), "--platform", "linux/s390x") == (
        f"error: {layout}: no image for platform linux/s390x; it has: linux/amd64")
    bad_entrypoint = tmp_path / "bad.json"
    bad_entrypoint.write_text(json.dumps({"architecture": "amd64", "os": "linux", "config": {"Entrypoint": 3}}))
    assert error(str(bad_entrypoint)) == (
        f"error: {bad_entrypoint}: config.Entrypoint: expected a list of strings, a string or null, got 3")
    layer = json.loads(manifest.read_text())["layers"][1]["digest"]
    (layout / "blobs" / "sha256" / layer.split(":")[1]).unlink()
    assert error(str(layout)) == f"error: {layout}: layer blobs/sha256/{layer.split(':')[1]} is missing"
    manifest.write_text(manifest.read_text() + " ")
    assert error(str(layout)) == f"error: {layout}: blob {index['manifests'][0]['digest']} does not match its digest"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert error(str(empty)) == f"error: {empty}: not an image layout or archive (no index.json or manifest.json)"


def test_corrupt_layer_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    layout = OciLayout(tmp_path / "l")
    config = layout.blob(json.dumps(image_config()).encode(), OCI["config"])
    broken = layout.blob(b"\x1f\x8b\x08\x00garbage", OCI["layer_gzip"])
    manifest = layout.blob(json.dumps({"schemaVersion": 2, "mediaType": OCI["manifest"], "config": config,
                                       "layers": [broken]}).encode(), OCI["manifest"])
    layout.write_index([manifest])
    assert main(["image-check", str(layout.root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {layout.root}: layer blobs/sha256/{broken['digest'].split(':')[1]} cannot be read")
