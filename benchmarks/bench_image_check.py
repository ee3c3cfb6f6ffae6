"""Benchmark: ``image-check`` streams a 2 GiB layer in bounded memory.

Writes an OCI layout to a temporary directory whose image has a small base layer, a small venv
layer (vLLM, NIXL, NVSHMEM metadata, the ``vllm`` script) and one big layer holding a single
file of SIZE bytes (zeros by default, ``--data random`` for incompressible bytes). The big layer
is written as a stream (never held in memory), once uncompressed (the walker seeks over the file
data) and once gzip-compressed (the walker inflates all of it). Each check runs in its own child
process; the script prints the child's peak RSS (``resource.getrusage``), the ratio of that peak
to the layer size, and the same for a tiny image, for comparison. No assertions: numbers only.

Run: ``python benchmarks/bench_image_check.py [--size-gib 2] [--data zero|random] [--mode plain|gzip|both]``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any, BinaryIO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.image_builder import (  # noqa: E402
    OCI,
    OciLayout,
    config_doc,
    exe,
    file,
    gz,
    layer_tar,
    link,
)

CHUNK = 1 << 20
SITE = "/opt/venv/lib/python3.12/site-packages"

CHILD = """
import json, resource, sys, time
from llmd_infra.image import check_image
start = time.perf_counter()
report = check_image(sys.argv[1])
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "summary": report.to_json()["summary"], "entries": report.platforms[0].entries}))
"""


class _Sink:
    """Counts and hashes what is written through it to a file."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.handle.write(data)
        self.sha.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        self.handle.flush()


def _write_big_layer(out: Path, size: int, data: str, compress: bool) -> tuple[str, int, int]:
    """A layer with one SIZE-byte file, streamed to ``out``; returns (digest, blob size, tar size)."""
    with out.open("wb") as handle:
        sink = _Sink(handle)
        target: Any = gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=1, mtime=0) if compress else sink
        tar_size = 0

        def emit(chunk: bytes) -> None:
            nonlocal tar_size
            target.write(chunk)
            tar_size += len(chunk)

        info = tarfile.TarInfo("opt/models/weights.bin")
        info.size = size
        info.mode = 0o644
        emit(info.tobuf(format=tarfile.PAX_FORMAT))
        zero = bytes(CHUNK)
        left = size
        while left:
            n = min(CHUNK, left)
            emit(os.urandom(n) if data == "random" else zero[:n])
            left -= n
        emit(bytes((-size) % 512))  # pad the file to a block
        emit(bytes(1024))  # end-of-archive marker
        if compress:
            target.close()
        return "sha256:" + sink.sha.hexdigest(), sink.size, tar_size


def _small_layers() -> list[bytes]:
    meta = "Metadata-Version: 2.1\nName: {0}\nVersion: {1}\n\n"
    base = [exe("/usr/bin/python3.12"), link("/usr/bin/python3", "python3.12"),
            file("/usr/local/cuda/lib64/libcudart.so.12", b"\x7fELF")]
    venv = [file("/opt/venv/pyvenv.cfg", "version = 3.12.3\n"), link("/opt/venv/bin/python3", "/usr/bin/python3.12"),
            exe("/opt/venv/bin/vllm", "#!/opt/venv/bin/python3\nfrom vllm.entrypoints.cli.main import main\n"),
            file(f"{SITE}/vllm-0.11.0.dist-info/METADATA", meta.format("vllm", "0.11.0")),
            file(f"{SITE}/nixl-0.6.0.dist-info/METADATA", meta.format("nixl", "0.6.0")),
            file(f"{SITE}/nvidia_nvshmem_cu12-3.3.20.dist-info/METADATA", meta.format("nvidia-nvshmem-cu12", "3.3.20")),
            file("/opt/ucx/lib/pkgconfig/ucx.pc", "Name: ucx\nVersion: 1.19.0\n"),
            file("/opt/ucx/lib/libucp.so.0.0.0", b"\x7fELF")]
    return [layer_tar(base), layer_tar(venv)]


def _layout(root: Path, big: tuple[Path, str, int] | None, compress: bool) -> Path:
    layout = OciLayout(root)
    descriptors = []
    for raw in _small_layers():
        descriptors.append(layout.blob(gz(raw) if compress else raw, OCI["layer_gzip"] if compress else OCI["layer"]))
    if big is not None:
        path, digest, size = big
        path.rename(root / "blobs" / "sha256" / digest.split(":")[1])
        descriptors.append({"mediaType": OCI["layer_gzip"] if compress else OCI["layer"], "digest": digest,
                            "size": size})
    env = {"PATH": "/opt/venv/bin:/usr/bin", "LD_LIBRARY_PATH": "/usr/local/nvidia/lib64:/opt/ucx/lib",
           "VLLM_CACHE_ROOT": "/tmp/cache/compile/vllm"}
    config = layout.blob(json.dumps(config_doc(env, ["vllm", "serve"])).encode(), OCI["config"])
    manifest = layout.blob(json.dumps({"schemaVersion": 2, "mediaType": OCI["manifest"], "config": config,
                                       "layers": descriptors}).encode(), OCI["manifest"])
    return layout.write_index([manifest])


def _measure(path: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True, env=env)
    return dict(json.loads(out.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-gib", type=float, default=2.0)
    parser.add_argument("--data", choices=("zero", "random"), default="zero")
    parser.add_argument("--mode", choices=("plain", "gzip", "both"), default="both")
    args = parser.parse_args()
    size = int(args.size_gib * (1 << 30))
    modes = ["plain", "gzip"] if args.mode == "both" else [args.mode]
    with tempfile.TemporaryDirectory(prefix="bench-image-") as tmp:
        tiny = _measure(_layout(Path(tmp) / "tiny", None, compress=True))
        print(f"tiny image (2 small layers): peak RSS {tiny['maxrss_kib'] / 1024:.1f} MiB, {tiny['seconds']:.2f} s")
        for mode in modes:
            compress = mode == "gzip"
            blob = Path(tmp) / f"big-{mode}.tmp"
            start = time.perf_counter()
            digest, blob_size, tar_size = _write_big_layer(blob, size, args.data, compress)
            written = time.perf_counter() - start
            result = _measure(_layout(Path(tmp) / mode, (blob, digest, blob_size), compress))
            peak = result["maxrss_kib"] * 1024
            rate = tar_size / (1 << 20) / max(result["seconds"], 1e-9)
            print(
                f"{mode:5} layer: tar stream {tar_size / (1 << 30):.2f} GiB ({args.data} data), blob "
                f"{blob_size / (1 << 20):.1f} MiB, written in {written:.1f} s\n"
                f"      check: {result['seconds']:.2f} s ({rate:.0f} MiB/s "
                f"of tar stream), peak RSS {peak / (1 << 20):.1f} MiB "
                f"(+{(result['maxrss_kib'] - tiny['maxrss_kib']) / 1024:.1f} MiB over the tiny image), "
                f"peak/layer = {peak / tar_size:.4f}, verdict {result['summary']}"
            )
            (Path(tmp) / mode).joinpath("blobs", "sha256", digest.split(":")[1]).unlink()


if __name__ == "__main__":
    main()
