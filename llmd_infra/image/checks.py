"""The conventions of llm-d's vLLM image, each judged into one :class:`Result`.

Thresholds, paths and titles come from the requirement records (``llmd_infra.requirements``);
this module only knows how to look. Versions compare by PEP 440 (``packaging.version``), so a
pre-release of the minimum (``0.10.0rc1``) is older than it and four-part versions compare
part by part. A result is ``unknown`` when the image does not tell (the config alone, a file the
checker could not read), never guessed.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from packaging.version import InvalidVersion
from packaging.version import Version as Pep440

from llmd_infra import requirements as reqs
from llmd_infra.image import facts
from llmd_infra.image.command import POD_ARGS, Analyzer, Launch, show
from llmd_infra.image.config import DEFAULT_PATH, ImageConfig
from llmd_infra.image.facts import Found
from llmd_infra.image.rootfs import Kind, RootFs

Status = Literal["pass", "fail", "unknown"]

RESULT_IDS = (
    reqs.IMAGE_VLLM_VERSION.id,
    reqs.IMAGE_NIXL_VERSION.id,
    reqs.IMAGE_UCX_VERSION.id,
    reqs.IMAGE_NVSHMEM_VERSION.id,
    reqs.IMAGE_PYTHON_VERSION.id,
    reqs.IMAGE_LD_LIBRARY_PATH.id,
    reqs.IMAGE_VLLM_ON_PATH.id,
    reqs.IMAGE_ENTRYPOINT.id,
    reqs.IMAGE_COMPILE_CACHE.id,
    reqs.IMAGE_VLLM_CACHE_ROOT.id,
    reqs.IMAGE_MODEL_CACHE.id,
)

# Environment variables that choose where a compiler or JIT keeps its cache, with where each is read:
COMPILE_CACHE_VARS = (
    "VLLM_CACHE_ROOT",  # vllm-project/vllm vllm/envs.py (torch.compile cache under it)
    "VLLM_XLA_CACHE_PATH",  # vllm/envs.py (XLA/TPU compilation cache)
    "TORCHINDUCTOR_CACHE_DIR",  # pytorch torch/_inductor/runtime/cache_dir_utils.py
    "TRITON_CACHE_DIR",  # triton-lang/triton python/triton/knobs.py
    "TORCH_EXTENSIONS_DIR",  # pytorch torch/utils/cpp_extension.py
    "PYTORCH_KERNEL_CACHE_PATH",  # pytorch aten/src/ATen/native/cuda/jit_utils.cpp
    "CUDA_CACHE_PATH",  # CUDA C++ Programming Guide, "CUDA Environment Variables" (JIT cache)
    "FLASHINFER_WORKSPACE_BASE",  # flashinfer-ai/flashinfer flashinfer/jit/env.py
    "DG_JIT_CACHE_DIR",  # deepseek-ai/DeepGEMM deep_gemm/jit
    "NUMBA_CACHE_DIR",  # numba docs, "Environment variables"
    "OUTLINES_CACHE_DIR",  # dottxt-ai/outlines outlines/caching.py
    "JAX_COMPILATION_CACHE_DIR",  # jax docs, "Persistent compilation cache"
)
# Environment variables that fix where models are downloaded and cached:
MODEL_CACHE_VARS = (
    "HF_HOME",  # huggingface_hub docs, "Environment variables"
    "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE",  # the older name of HF_HUB_CACHE
    "TRANSFORMERS_CACHE",  # transformers (deprecated in favour of HF_HUB_CACHE)
    "SENTENCE_TRANSFORMERS_HOME",  # sentence-transformers
    "MODELSCOPE_CACHE",  # modelscope (vLLM's VLLM_USE_MODELSCOPE downloads through it)
)
DOWNLOAD_DIR_FLAG = "--download-dir"  # `vllm serve --download-dir`: where weights are downloaded


@dataclass(frozen=True)
class Result:
    """One convention judged: the record every report format carries."""

    id: str
    status: Status
    value: Any
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "value": self.value, "message": self.message}


NO_LAYERS = "needs the image's layers (give the OCI layout directory or archive, not its config alone)"


def _pep440(text: str | None) -> Pep440 | None:
    if text is None:
        return None
    try:
        return Pep440(text)
    except InvalidVersion:
        return None


def _minimum(record: reqs.Requirement) -> Pep440:
    return Pep440(str(record.min_version()))


class Context:
    """Everything the checks share for one platform of one image."""

    def __init__(self, config: ImageConfig, fs: RootFs | None) -> None:
        self.config = config
        self.fs = fs
        self.dists = facts.distributions(fs) if fs is not None else {}
        self.vllm_path: str | None = None
        self.vllm_interpreter: str | None = None
        self.vllm_sites: list[str] = []
        """site-packages directories of the environment `vllm` on PATH runs in."""

    def preferred(self, found: list[Found]) -> list[Found]:
        """Distributions of vLLM's own environment first, when it is known."""
        own = [f for f in found if f.site and f.site in self.vllm_sites]
        return own or found


def _version_result(record: reqs.Requirement, label: str, found: list[Found], ctx: Context,
                    absent: str, present: list[Found] | None = None) -> Result:
    minimum = _minimum(record)
    candidates = ctx.preferred([f for f in found if f.version is not None])
    parsed = [(v, f) for f in candidates if (v := _pep440(f.version)) is not None]
    if not parsed:
        if candidates:
            bad = candidates[0]
            return Result(record.id, "unknown", bad.version,
                          f"{label} version '{bad.version}' ({bad.where}) is not a PEP 440 version")
        if present:
            where = ", ".join(p.where for p in present)
            return Result(record.id, "unknown", None,
                          f"{label} is installed ({where}) but no file in the image states its version")
        return Result(record.id, "fail", None, absent)
    version, best = max(parsed, key=lambda p: p[0])
    others = sorted({f.version or "" for _, f in parsed} - {best.version or ""})
    also = f"; also found {', '.join(others)}" if others else ""
    if version >= minimum:
        return Result(record.id, "pass", best.version, f"{label} {best.version} ({best.where}) >= {minimum}{also}")
    pre = (f" ({best.version} is a pre-release of {version.base_version}, older than it)"
           if version.is_prerelease and Pep440(version.base_version) == minimum else "")
    return Result(record.id, "fail", best.version,
                  f"{label} {best.version} ({best.where}) is older than {minimum}{pre}{also}")


def check_vllm_version(ctx: Context) -> Result:
    record = reqs.IMAGE_VLLM_VERSION
    if ctx.fs is None:
        return Result(record.id, "unknown", None, f"the vLLM version {NO_LAYERS}")
    return _version_result(record, "vLLM", ctx.dists.get("vllm", []), ctx,
                           "vLLM is not installed (no vllm-*.dist-info in any site-packages)")


def check_nixl_version(ctx: Context) -> Result:
    record = reqs.IMAGE_NIXL_VERSION
    if ctx.fs is None:
        return Result(record.id, "unknown", None, f"the NIXL version {NO_LAYERS}")
    found = [f for project, items in sorted(ctx.dists.items())
             if project == "nixl" or (project.startswith("nixl-cu") and project[7:].isdigit()) for f in items]
    return _version_result(record, "NIXL", found, ctx,
                           "NIXL is not installed (no nixl or nixl-cu* package, no libnixl.so)",
                           present=facts.nixl_libraries(ctx.fs))


def check_ucx_version(ctx: Context) -> Result:
    record = reqs.IMAGE_UCX_VERSION
    if ctx.fs is None:
        return Result(record.id, "unknown", None, f"the UCX version {NO_LAYERS}")
    versions, libraries = facts.ucx(ctx.fs, ctx.dists)
    return _version_result(record, "UCX", versions, ctx,
                           "UCX is not installed (no libucp.so, ucx.pc or libucx-cu* package)", present=libraries)


def check_nvshmem_version(ctx: Context) -> Result:
    record = reqs.IMAGE_NVSHMEM_VERSION
    if ctx.fs is None:
        return Result(record.id, "unknown", None, f"the NVSHMEM version {NO_LAYERS}")
    versions, libraries = facts.nvshmem(ctx.fs, ctx.dists)
    if not versions and not libraries:
        cuda = facts.cuda_evidence(ctx.fs, ctx.dists, ctx.config.env)
        if cuda is None:
            return Result(record.id, "pass", None, "not an NVIDIA image (no CUDA runtime found): NVSHMEM is not needed")
        return Result(record.id, "fail", None,
                      f"NVSHMEM is not installed in an NVIDIA image ({cuda}; no libnvshmem_host.so or "
                      "nvidia-nvshmem-cu* package)")
    return _version_result(record, "NVSHMEM", versions, ctx, "", present=libraries)


def check_python_version(ctx: Context) -> Result:
    record = reqs.IMAGE_PYTHON_VERSION
    if ctx.fs is None:
        return Result(record.id, "unknown", None, f"the Python version {NO_LAYERS}")
    low, high = record.min_version(), record.max_version()
    found = facts.pythons(ctx.fs)
    versions = sorted({f.version for f in found if f.version}, key=lambda v: tuple(int(p) for p in v.split(".")))
    if not versions:
        return Result(record.id, "fail", [], "no Python interpreter found (no bin/python3.X)")
    ok = [v for v in versions if (low.major, low.minor) <= tuple(int(p) for p in v.split(".")) <=
          (high.major, high.minor)]
    vllm_python = facts.interpreter_version(ctx.fs, ctx.vllm_interpreter) if ctx.vllm_interpreter else None
    runs = f"; vllm runs on Python {vllm_python}" if vllm_python else ""
    span = f"{low.minor_str()} to {high.minor_str()}"
    if ok:
        return Result(record.id, "pass", versions, f"Python {', '.join(ok)} available (vLLM-compatible: {span}){runs}")
    return Result(record.id, "fail", versions,
                  f"no vLLM-compatible Python ({span}): found {', '.join(versions)}{runs}")


def check_ld_library_path(ctx: Context) -> Result:
    record = reqs.IMAGE_LD_LIBRARY_PATH
    required = record.values[0]
    raw = ctx.config.env.get("LD_LIBRARY_PATH")
    entries = [posixpath.normpath(e) for e in raw.split(":") if e] if raw is not None else []
    value: list[str] | None = entries if raw is not None else None
    if raw is None:
        return Result(record.id, "fail", None, f"LD_LIBRARY_PATH is not set; it must include {required}")
    if posixpath.normpath(required) not in entries:
        return Result(record.id, "fail", value, f"LD_LIBRARY_PATH does not include {required}")
    if ctx.fs is None:
        return Result(record.id, "pass", value,
                      f"LD_LIBRARY_PATH includes {required} (bundled library directories need the layers to check)")
    fs = ctx.fs
    reachable = {fs.resolve(d) for d in [*entries, *facts.DEFAULT_LIBRARY_DIRS, *facts.loader_dirs(fs)]}
    unreachable: list[str] = []
    for label, libs in (("UCX", facts.ucx(fs, ctx.dists)[1]), ("NVSHMEM", facts.nvshmem(fs, ctx.dists)[1]),
                        ("NIXL", facts.nixl_libraries(fs))):
        for lib in libs:
            directory = posixpath.dirname(lib.where)
            if "-packages/" in directory:
                continue  # wheels load their bundled libraries through RPATH, not the loader's path
            missing = f"{label} ({lib.where})"
            if fs.resolve(directory) not in reachable and missing not in unreachable:
                unreachable.append(missing)
    if unreachable:
        return Result(record.id, "fail", value,
                      f"LD_LIBRARY_PATH includes {required}, but the loader does not find "
                      f"{', '.join(unreachable)}: its directory is not on LD_LIBRARY_PATH, in /etc/ld.so.conf(.d) "
                      "or a default library directory")
    return Result(record.id, "pass", value, f"LD_LIBRARY_PATH includes {required}")


def _env_sites(ctx: Context, interpreter: str) -> tuple[str, list[str]]:
    """The environment prefix of a Python interpreter (the directory above its bin/) and the
    site-packages directories under it that hold installed distributions."""
    prefix = posixpath.dirname(posixpath.dirname(interpreter)).rstrip("/")
    sites = {f.site for items in ctx.dists.values() for f in items
             if f.site.startswith((prefix + "/lib", prefix + "/local/lib"))}
    return prefix or "/", sorted(sites)


def check_vllm_on_path(ctx: Context) -> Result:
    record = reqs.IMAGE_VLLM_ON_PATH
    if ctx.fs is None:
        return Result(record.id, "unknown", None, f"where vllm resolves {NO_LAYERS}")
    fs = ctx.fs
    path_note = "" if ctx.config.path_set else f" (PATH is not set; the runtime default is {DEFAULT_PATH})"
    for directory in ctx.config.path_dirs:
        candidate = posixpath.join(directory, "vllm")
        entry = fs.lookup(candidate)
        if entry is None or entry.kind is Kind.OTHER:
            continue
        if not entry.executable:
            continue
        ctx.vllm_path = candidate
        return _judge_vllm_script(ctx, candidate, path_note)
    where = sorted(e.path for e in fs.files() if posixpath.basename(e.path) == "vllm")
    elsewhere = f"; vllm exists at {', '.join(where)}" if where else ""
    return Result(record.id, "fail", None,
                  f"vllm is not on PATH ({ctx.config.env.get('PATH', DEFAULT_PATH)}){path_note}{elsewhere}")


def _judge_vllm_script(ctx: Context, candidate: str, path_note: str) -> Result:
    record = reqs.IMAGE_VLLM_ON_PATH
    fs = ctx.fs
    assert fs is not None
    head = fs.read(candidate)
    if head is None:
        return Result(record.id, "unknown", candidate, f"vllm resolves to {candidate}, which was not read{path_note}")
    interpreter = _script_interpreter(head, ctx)
    if interpreter is None:
        return Result(record.id, "unknown", candidate,
                      f"vllm resolves to {candidate}, which is not a Python script (no #! interpreter){path_note}")
    if not interpreter.startswith("/"):
        return Result(record.id, "fail", candidate,
                      f"vllm resolves to {candidate}, whose #! line runs `{interpreter}` through env, and no "
                      f"{interpreter} is on PATH")
    exists = fs.exists(interpreter)
    if exists is False:
        return Result(record.id, "fail", candidate,
                      f"vllm resolves to {candidate}, whose interpreter {interpreter} does not exist in the image")
    if exists is None:
        return Result(record.id, "unknown", candidate,
                      f"vllm resolves to {candidate}, whose interpreter {interpreter} was not looked for")
    ctx.vllm_interpreter = interpreter
    prefix, sites = _env_sites(ctx, interpreter)
    with_vllm = [f for f in ctx.dists.get("vllm", []) if f.site in sites]
    ctx.vllm_sites = sites
    venv = " (a virtual env)" if fs.read(posixpath.join(prefix, "pyvenv.cfg")) is not None else ""
    if not with_vllm:
        installed = ", ".join(f.site for f in ctx.dists.get("vllm", [])) or "nowhere"
        return Result(record.id, "fail", candidate,
                      f"vllm resolves to {candidate}, whose interpreter {interpreter}{venv} has no vllm package "
                      f"installed (vllm is installed in: {installed})")
    return Result(record.id, "pass", candidate,
                  f"vllm resolves to {candidate} and starts {interpreter}{venv}, where vllm "
                  f"{with_vllm[0].version} is installed{path_note}")


def _script_interpreter(head: bytes, ctx: Context) -> str | None:
    """The interpreter a script's ``#!`` line runs, with ``/usr/bin/env NAME`` looked up on the image's
    PATH and pip's ``/bin/sh`` trampoline for long paths (``'''exec' PYTHON "$0" "$@"``) followed."""
    if not head.startswith(b"#!"):
        return None
    lines = head.decode("utf-8", errors="replace").splitlines()
    parts = lines[0][2:].split()
    if not parts:
        return None
    if posixpath.basename(parts[0]) == "env":
        names = [p for p in parts[1:] if not p.startswith("-")]
        if not names:
            return None
        assert ctx.fs is not None
        for directory in ctx.config.path_dirs:
            candidate = posixpath.join(directory, names[0])
            if ctx.fs.lookup(candidate) is not None:
                return candidate
        return names[0]  # a bare name: `env` finds no such program on PATH
    if posixpath.basename(parts[0]) in ("sh", "bash") and len(lines) > 1 and lines[1].startswith("'''exec' "):
        return lines[1].split()[1]
    return parts[0]


def _combine(default: Launch, args: Launch, config: ImageConfig) -> Result:
    record = reqs.IMAGE_ENTRYPOINT
    value = {"entrypoint": config.entrypoint, "cmd": config.cmd}
    full = (config.entrypoint or []) + (config.cmd or [])
    if not full:
        return Result(record.id, "fail", value, "the image sets neither ENTRYPOINT nor CMD")
    default_text = f"default command {show(list(full))}: {default.reason}"
    if config.entrypoint:
        args_text = f"with a pod's args, {show([*config.entrypoint, POD_ARGS])}: {args.reason}"
    else:
        args_text = "no ENTRYPOINT: a pod's args replace CMD and run as the command itself"
    override = 'a pod\'s command: ["vllm", "serve"] replaces ENTRYPOINT and CMD'
    if default.serves is False:
        return Result(record.id, "fail", value, f"{default_text} (it must start vLLM's server); {args_text}")
    if not config.entrypoint or args.serves is False or args.forwards is False:
        return Result(record.id, "fail", value, f"{default_text}; {args_text} (they must reach vLLM)")
    if default.serves is None or args.serves is None or args.forwards is None:
        return Result(record.id, "unknown", value, f"{default_text}; {args_text}")
    return Result(record.id, "pass", value,
                  f"{default_text}; {args_text}, and they reach vLLM; {override}")


def check_entrypoint(ctx: Context) -> Result:
    analyzer = Analyzer(ctx.config, ctx.fs)
    entrypoint, cmd = ctx.config.entrypoint or [], ctx.config.cmd or []
    default = analyzer.run([*entrypoint, *cmd])
    args = analyzer.run([*entrypoint, POD_ARGS]) if entrypoint else Launch(False, False, "")
    return _combine(default, args, ctx.config)


def _under(value: str, root: str) -> bool:
    """``value`` names a directory of its own below ``root`` (``/tmp/cache/compile/<NAME>``)."""
    if not value.startswith("/"):
        return False
    path = posixpath.normpath(value)
    base = posixpath.normpath(root)
    return path.startswith(base + "/")


def check_compile_cache(ctx: Context) -> Result:
    record = reqs.IMAGE_COMPILE_CACHE
    root = record.values[0]
    env = ctx.config.env
    value = {k: env[k] for k in COMPILE_CACHE_VARS if k in env}
    problems = [f"{k}={v}" for k, v in value.items() if not _under(v, root)]
    if "VLLM_CACHE_ROOT" not in env:
        problems.insert(0, "VLLM_CACHE_ROOT is not set")
    if problems:
        return Result(record.id, "fail", value,
                      f"compile caches must be under {root}<NAME>: {'; '.join(problems)}")
    return Result(record.id, "pass", value, f"{', '.join(value)} under {root}")


def check_vllm_cache_root(ctx: Context) -> Result:
    record = reqs.IMAGE_VLLM_CACHE_ROOT
    root = record.values[0]
    current = ctx.config.env.get("VLLM_CACHE_ROOT")
    if current is None:
        return Result(record.id, "fail", None, f"VLLM_CACHE_ROOT is not set (e.g. {root}vllm)")
    if not _under(current, root):
        return Result(record.id, "fail", current, f"VLLM_CACHE_ROOT={current} is not under {root}")
    return Result(record.id, "pass", current, f"VLLM_CACHE_ROOT={current} is under {root}")


def check_model_cache(ctx: Context) -> Result:
    record = reqs.IMAGE_MODEL_CACHE
    env = ctx.config.env
    value = {k: env[k] for k in MODEL_CACHE_VARS if k in env}
    problems = [f"{k}={v}" for k, v in value.items()]
    argv = (ctx.config.entrypoint or []) + (ctx.config.cmd or [])
    flags = [a for a in argv if a == DOWNLOAD_DIR_FLAG or a.startswith(DOWNLOAD_DIR_FLAG + "=")
             or f"{DOWNLOAD_DIR_FLAG} " in a or f"{DOWNLOAD_DIR_FLAG}=" in a]
    if flags:
        problems.append(f"the default command passes {DOWNLOAD_DIR_FLAG}")
    if problems:
        return Result(record.id, "fail", value, f"the image hard-codes the model cache: {'; '.join(problems)}")
    return Result(record.id, "pass", value, "no model cache variable or --download-dir is set")


CHECKS: tuple[Callable[[Context], Result], ...] = (
    check_vllm_version,
    check_nixl_version,
    check_ucx_version,
    check_nvshmem_version,
    check_python_version,
    check_ld_library_path,
    check_vllm_on_path,
    check_entrypoint,
    check_compile_cache,
    check_vllm_cache_root,
    check_model_cache,
)


def run_checks(config: ImageConfig, fs: RootFs | None) -> list[Result]:
    """Every convention, in :data:`RESULT_IDS` order. `vllm` on PATH is judged first: it tells which
    environment the version checks should prefer."""
    ctx = Context(config, fs)
    on_path = check_vllm_on_path(ctx)
    results = {r.id: r for r in (check(ctx) if check is not check_vllm_on_path else on_path for check in CHECKS)}
    return [results[i] for i in RESULT_IDS]
