"""What the container runs: ENTRYPOINT/CMD semantics, followed through wrappers, shells and scripts.

Kubernetes starts ``command or ENTRYPOINT`` followed by ``args or CMD`` (a pod's ``command``
replaces ENTRYPOINT and drops CMD; its ``args`` replace CMD only — kubernetes.io, "Define a Command
and Arguments for a Container"). So the seed's conventions come down to two questions about argv
vectors, answered here without running anything:

- does ``ENTRYPOINT + CMD`` start vLLM's server (``vllm serve``, or
  ``python -m vllm.entrypoints.openai.api_server``)?
- does ``ENTRYPOINT + <pod args>`` start it with the pod's args reaching vLLM?

The pod's args are modelled by the :data:`POD_ARGS` marker placed at the end of the vector and
followed as it is passed on: through ``tini``/``dumb-init``/``env``, into ``sh -c SCRIPT`` (where
the first extra word becomes ``$0`` and only the rest are ``"$@"``), into shell scripts read from
the image (``exec vllm serve "$@"`` forwards, ``$*`` re-splits, a script without ``"$@"`` drops
them, ``exec "$@"`` runs them as the command), and into pip/uv console scripts for vLLM.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from dataclasses import dataclass

from llmd_infra.image.config import ImageConfig
from llmd_infra.image.rootfs import RootFs


class PodArgs:
    """Stands for the arguments a pod appends (its ``args``)."""

    def __repr__(self) -> str:
        return "<pod args>"


POD_ARGS = PodArgs()
Arg = str | PodArgs

SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})
WRAPPERS = frozenset({"tini", "tini-static", "dumb-init", "catatonit", "nohup"})
SERVER_MODULES = frozenset({"vllm.entrypoints.openai.api_server"})
"""``python -m`` modules that start vLLM's OpenAI-compatible server (vllm-project/vllm)."""
CLI_MODULE = "vllm.entrypoints.cli.main"
"""The module pip's ``vllm`` console script imports ``main`` from (vllm's pyproject.toml)."""
_CONSOLE_SCRIPT_RE = re.compile(rb"from\s+vllm\.entrypoints\.cli\.main\s+import\s+main")
_PYTHON_RE = re.compile(r"^python(\d+(\.\d+)?)?$")
_MAX_DEPTH = 8

# Shell expansions of the positional parameters, replaced by marker words before tokenizing.
_QUOTED_ALL = "__llmd_quoted_all__"  # "$@": every argument, each as one word
_JOINED = "__llmd_joined__"  # "$*": all arguments joined into one word
_RESPLIT = "__llmd_resplit__"  # $@ / $*: arguments re-split on whitespace
_EXPANSIONS = (
    (re.compile(r'"\$(\{@\}|@)"'), _QUOTED_ALL),
    (re.compile(r'"\$(\{\*\}|\*)"'), _JOINED),
    (re.compile(r"\$(\{[@*]\}|[@*])"), _RESPLIT),
)
_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "(", ")", ";;", "|&"})
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "time"})
_ASSIGNMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class Launch:
    """What an argv vector starts."""

    serves: bool | None
    """Starts vLLM's server: True, False, or None when it cannot be told from the image."""
    forwards: bool | None
    """The pod's args (when in the vector) reach vLLM's argv intact."""
    reason: str


def show(argv: list[Arg]) -> str:
    """An argv vector as JSON, the pod's args shown as ``<pod args>``."""
    return json.dumps([a if isinstance(a, str) else "<pod args>" for a in argv])


class Analyzer:
    """Follows argv vectors through the image's files (``fs`` None: the config alone)."""

    def __init__(self, config: ImageConfig, fs: RootFs | None) -> None:
        self.config = config
        self.fs = fs

    # -- argv vectors ---------------------------------------------------------------------------

    def run(self, argv: list[Arg], depth: int = 0) -> Launch:
        if depth > _MAX_DEPTH:
            return Launch(None, None, "wrappers nest too deeply to follow")
        if not argv:
            return Launch(False, False, "nothing to run")
        program = argv[0]
        if isinstance(program, PodArgs):
            return Launch(False, False, "the pod's args would run as the command itself")
        base = posixpath.basename(program)
        if base == "vllm":
            return self._vllm(program, argv)
        if _PYTHON_RE.match(base):
            return self._python(argv, depth)
        if base in SHELLS:
            return self._shell_argv(argv, depth)
        if base in WRAPPERS:
            return self.run(_skip_options(argv[1:]), depth + 1)
        if base == "env":
            return self.run(_skip_env(argv[1:]), depth + 1)
        return self._program(program, argv, depth)

    def _vllm(self, program: str, argv: list[Arg]) -> Launch:
        if len(argv) < 2:
            return Launch(False, False, f"`{program}` without a subcommand does not start the server")
        sub = argv[1]
        if sub == "serve":
            return Launch(True, POD_ARGS in argv[2:], f"`{program} serve` starts vLLM's server")
        if isinstance(sub, PodArgs):
            return Launch(False, False, f"`{program}` takes the pod's args as its subcommand, so they must start "
                                        "with `serve`")
        return Launch(False, False, f"`{program} {sub}` does not start vLLM's server")

    def _python(self, argv: list[Arg], depth: int) -> Launch:
        i = 1
        while i < len(argv):
            arg = argv[i]
            if isinstance(arg, PodArgs):
                return Launch(False, False, f"`{argv[0]}` takes the pod's args as its script")
            if arg == "-m" and i + 1 < len(argv):
                module = argv[i + 1]
                if isinstance(module, PodArgs):
                    return Launch(False, False, "`python -m` takes the pod's args as its module")
                if module in SERVER_MODULES:
                    return Launch(True, POD_ARGS in argv[i + 2:], f"`python -m {module}` starts vLLM's server")
                if module == CLI_MODULE:
                    return self._vllm(f"python -m {module}", ["vllm", *argv[i + 2:]])
                return Launch(False, False, f"`python -m {module}` is not vLLM's server")
            if arg == "-c":
                return Launch(None, None, "`python -c CODE` cannot be judged statically")
            if arg in ("-W", "-X", "-Q"):
                i += 2
                continue
            if arg.startswith("-"):
                i += 1
                continue
            return self._script(arg, argv[i + 1:], depth, interpreter=str(argv[0]))
        return Launch(False, False, f"`{argv[0]}` alone starts an interactive Python")

    def _shell_argv(self, argv: list[Arg], depth: int) -> Launch:
        i, command_mode = 1, False
        while i < len(argv):
            arg = argv[i]
            if not isinstance(arg, str) or not arg.startswith(("-", "+")) or arg in ("-", "--"):
                break
            if arg in ("-o", "+o"):
                i += 2
                continue
            if arg.startswith("-") and not arg.startswith("--") and "c" in arg:
                command_mode = True
            i += 1
        if i < len(argv) and argv[i] == "--":
            i += 1
        if i >= len(argv):
            return Launch(False, False, f"`{argv[0]}` without a script starts an interactive shell")
        script = argv[i]
        if isinstance(script, PodArgs):
            return Launch(False, False, f"`{argv[0]}` takes the pod's args as its script")
        if not command_mode:
            return self._script(script, argv[i + 1:], depth, interpreter=str(argv[0]))
        rest = argv[i + 1:]
        if rest and isinstance(rest[0], PodArgs):
            # sh -c SCRIPT ARG0 ARG1...: ARG0 becomes $0, only ARG1... are "$@".
            launch = self.shell(script, [POD_ARGS], depth)
            if launch.serves and launch.forwards:
                return Launch(True, False, f"{launch.reason}, but `{argv[0]} -c` makes the first pod arg $0, so "
                                           "it is dropped (add an argument after the script, e.g. \"--\")")
            return launch
        return self.shell(script, rest[1:], depth)

    # -- files in the image ---------------------------------------------------------------------

    def _find(self, program: str) -> str | None:
        """Where the runtime finds ``program``: a path as given (relative to WorkingDir), or on PATH."""
        assert self.fs is not None
        if "/" in program:
            return posixpath.normpath(posixpath.join(self.config.working_dir, program))
        for directory in self.config.path_dirs:
            candidate = posixpath.join(directory, program)
            entry = self.fs.lookup(candidate)
            if entry is not None and entry.executable:
                return candidate
        return None

    def _program(self, program: str, argv: list[Arg], depth: int) -> Launch:
        if self.fs is None:
            return Launch(None, None, f"`{program}` can only be judged with the image's layers")
        path = self._find(program)
        if path is None or self.fs.exists(path) is False:
            return Launch(False, False, f"`{program}` is not found in the image")
        head = self.fs.read(path)
        if head is None:
            return Launch(None, None, f"`{program}` ({path}) was not read")
        if head.startswith(b"\x7fELF"):
            return Launch(None, None, f"`{program}` ({path}) is a compiled program")
        if not head.startswith(b"#!"):
            return Launch(False, False, f"`{program}` ({path}) has no #! line, so it cannot be executed")
        interpreter = _shebang(head)
        base = posixpath.basename(interpreter[0]) if interpreter else ""
        if base in SHELLS:
            return self.shell(head.decode("utf-8", errors="replace"), argv[1:], depth)
        if _PYTHON_RE.match(base):
            if _CONSOLE_SCRIPT_RE.search(head):  # a pip/uv console script for vLLM's CLI, under another name
                return self._vllm(program, [program, *argv[1:]])
            return Launch(None, None, f"`{program}` ({path}) is a Python script")
        return Launch(None, None, f"`{program}` ({path}) runs {interpreter[0] if interpreter else 'nothing'}")

    def _script(self, script: str, args: list[Arg], depth: int, interpreter: str) -> Launch:
        if self.fs is None:
            return Launch(None, None, f"`{interpreter} {script}` can only be judged with the image's layers")
        path = posixpath.normpath(posixpath.join(self.config.working_dir, script))
        head = self.fs.read(path)
        if head is None:
            exists = self.fs.exists(path)
            if exists is False:
                return Launch(False, False, f"{script} is not found in the image")
            return Launch(None, None, f"{script} was not read")
        if _PYTHON_RE.match(posixpath.basename(interpreter)):
            return Launch(None, None, f"{script} is a Python script")
        return self.shell(head.decode("utf-8", errors="replace"), args, depth)

    # -- shell scripts --------------------------------------------------------------------------

    def shell(self, script: str, positional: list[Arg], depth: int) -> Launch:
        """A shell script run with ``positional`` as ``"$@"``: does one of its commands serve?"""
        first: Launch | None = None
        undecided: Launch | None = None
        for words, execs in _commands(script):
            argv, lossy = _expand(words, positional)
            if not argv:
                continue
            program = argv[0]
            name = posixpath.basename(program) if isinstance(program, str) else ""
            known = (isinstance(program, PodArgs) or name == "vllm" or _PYTHON_RE.match(name) or name in SHELLS
                     or name in WRAPPERS or name == "env")
            if not (known or execs):
                continue
            launch = self.run(argv, depth + 1)
            if launch.serves:
                if POD_ARGS not in positional:
                    return launch
                if lossy:
                    first = first or Launch(True, False, f"{launch.reason}, but the script passes its arguments as "
                                                         f"{lossy}")
                elif launch.forwards:
                    return launch
                else:
                    first = first or Launch(True, False, f"{launch.reason}, but the script does not pass its "
                                                         "arguments on (\"$@\")")
            elif launch.serves is None:
                undecided = undecided or launch
            elif isinstance(program, PodArgs):
                first = first or Launch(False, False, "the script runs its arguments as the command (exec \"$@\"), "
                                                      "so a pod's args replace the vLLM command")
        if first is not None:
            return first
        if undecided is not None:
            return undecided
        return Launch(False, False, "the script does not start vLLM's server")


def _skip_options(argv: list[Arg]) -> list[Arg]:
    i = 0
    while i < len(argv) and isinstance(argv[i], str) and str(argv[i]).startswith("-"):
        if argv[i] == "--":
            return argv[i + 1:]
        i += 1
    return argv[i:]


def _skip_env(argv: list[Arg]) -> list[Arg]:
    i = 0
    while i < len(argv):
        arg = argv[i]
        if not isinstance(arg, str):
            break
        if arg in ("-u", "--unset", "-C", "--chdir"):
            i += 2
        elif arg.startswith("-") or _ASSIGNMENT_RE.match(arg):
            i += 1
        else:
            break
    return argv[i:]


def _shebang(head: bytes) -> list[str]:
    """The interpreter argv of a ``#!`` line, ``/usr/bin/env`` resolved to the program it runs."""
    line = head[2:].split(b"\n", 1)[0].decode("utf-8", errors="replace").strip()
    parts = line.split()
    if parts and posixpath.basename(parts[0]) == "env":
        rest = [p for p in parts[1:] if not p.startswith("-")]
        return rest
    return parts


def _commands(script: str) -> list[tuple[list[str], bool]]:
    """Simple commands of a shell script as words (expansions of the positional parameters
    replaced by marker words), each with whether it is ``exec``'d."""
    for pattern, marker in _EXPANSIONS:
        script = pattern.sub(marker, script)
    script = script.replace("\\\n", " ")
    commands: list[tuple[list[str], bool]] = []
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
        lexer.whitespace_split = True
        try:
            tokens = list(lexer)
        except ValueError:  # an unterminated quote: not a line this reader can judge
            continue
        current: list[str] = []
        for token in [*tokens, ";"]:
            if token in _SEPARATORS:
                words, execs = _simple(current)
                if words:
                    commands.append((words, execs))
                current = []
            else:
                current.append(token)
    return commands


def _simple(tokens: list[str]) -> tuple[list[str], bool]:
    i, execs = 0, False
    while i < len(tokens):
        token = tokens[i]
        if token in _KEYWORDS or _ASSIGNMENT_RE.match(token):
            i += 1
        elif token == "exec":
            execs = True
            i += 1
        elif token in ("command", "builtin"):
            i += 1
        else:
            break
    return tokens[i:], execs


def _expand(words: list[str], positional: list[Arg]) -> tuple[list[Arg], str]:
    """Words with "$@" and friends expanded; the second item names a lossy expansion, if any."""
    out: list[Arg] = []
    lossy = ""
    for word in words:
        if word == _QUOTED_ALL:
            out += positional
        elif _JOINED in word:
            out.append(word.replace(_JOINED, " ".join(a if isinstance(a, str) else "<pod args>"
                                                      for a in positional)))
            lossy = lossy or 'one joined word ("$*")'
        elif _RESPLIT in word:
            out += positional if word == _RESPLIT else [word]
            lossy = lossy or "re-split words (unquoted $@ or $*)"
        elif _QUOTED_ALL in word:
            out.append(word)
            lossy = lossy or 'part of a larger word ("...$@...")'
        else:
            out.append(word)
    return out, lossy


_SCRIPT_SUFFIXES = (".sh", ".bash", ".py")
_ABSOLUTE_RE = re.compile(r"(?<![\w$}])/[\w.+@-]+(?:/[\w.+@-]+)*")


def mentioned_files(config: ImageConfig) -> tuple[set[str], set[str]]:
    """Files ENTRYPOINT/CMD may run, for the probe: absolute paths (also inside ``sh -c`` scripts and
    relative to WorkingDir), and bare program names to look up on PATH."""
    paths: set[str] = set()
    names: set[str] = set()
    for argv in (config.entrypoint or [], config.cmd or []):
        for i, arg in enumerate(argv):
            paths.update(posixpath.normpath(m) for m in _ABSOLUTE_RE.findall(arg))
            relative = not arg.startswith(("/", "-")) and " " not in arg
            if relative and ("/" in arg or arg.endswith(_SCRIPT_SUFFIXES)):
                paths.add(posixpath.normpath(posixpath.join(config.working_dir, arg)))
            if i == 0 and "/" not in arg:
                names.add(arg)
            if any(c in arg for c in " ;\n"):
                for words, _ in _commands(arg):
                    if words and "/" not in words[0]:
                        names.add(words[0])
    return paths, names
