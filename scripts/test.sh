#!/usr/bin/env bash
# README's test command (and CI's, through .ci/run): set up a fresh machine, then run the tests.
#
# Steps: check Python >= 3.10, create .venv, install llmd-infra with its [all,dev] extras, install
# Mermaid's parser for the Markdown report tests (npm ci in tests/js), run pytest. A setup step is
# quiet when it works; when it fails, this script says which step failed, why (e.g. the package
# registry cannot be reached), shows the step's own output and stops with its exit status.
#
# npm: absent -> the Mermaid tests are skipped and this says so; present but failing -> an error
# (set LLMD_SKIP_NPM=1 to run without those tests on purpose, e.g. on a machine with no registry).
# Arguments are passed to pytest: `bash scripts/test.sh tests/test_cli.py`.
set -uo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}

say() { printf '==> %s\n' "$*" >&2; }

# why OUTPUT_FILE TOOL: one line on why a step failed, read from its output.
why() {
  local out=$1 tool=$2
  if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|Temporary failure in name resolution|Failed to establish a new connection|Network is unreachable|Could not fetch URL|network request .* failed' "$out"; then
    if [ "$tool" = npm ]; then
      echo "npm cannot reach its registry ($(npm config get registry 2>/dev/null || echo 'see npm config get registry'))"
    else
      echo "$tool cannot reach its package index (no network, a proxy, or an index that is down)"
    fi
  elif grep -qiE 'No matching distribution found|Could not find a version that satisfies' "$out"; then
    echo "pip found no matching package (no network, or the index lacks a version pyproject.toml asks for)"
  elif grep -qi 'ensurepip is not available' "$out"; then
    echo "this Python's venv module lacks ensurepip (install your distribution's python3-venv package)"
  elif grep -qiE 'No space left on device|ENOSPC' "$out"; then
    echo "the disk is full"
  elif grep -qiE 'EACCES|Permission denied' "$out"; then
    echo "permission denied (see the output below)"
  else
    echo "see its output below"
  fi
}

# step DESCRIPTION TOOL COMMAND...: run quietly; on failure name the step and why, show the output, exit.
step() {
  local what=$1 tool=$2 out rc=0
  shift 2
  say "$what"
  out=$(mktemp)
  "$@" >"$out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "error: step '$what' failed (exit $rc): $(why "$out" "$tool")" >&2
    tail -n 40 "$out" | sed 's/^/    /' >&2
    rm -f "$out"
    exit "$rc"
  fi
  rm -f "$out"
}

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "error: step 'find Python' failed: $PYTHON is not on PATH (install Python >= 3.10, or set PYTHON=...)" >&2
  exit 127
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' >/dev/null 2>&1; then
  echo "error: step 'check Python' failed: llmd-infra needs Python >= 3.10, $PYTHON is" \
    "$("$PYTHON" -c 'import platform; print(platform.python_version())' 2>/dev/null || echo unknown)" >&2
  exit 1
fi
step "create the virtualenv (.venv)" python "$PYTHON" -m venv .venv
step "install llmd-infra with its [all,dev] extras (pip)" pip .venv/bin/pip install -q -e ".[all,dev]"
if [ "${LLMD_SKIP_NPM:-}" = 1 ]; then
  say "skip: Mermaid's parser (LLMD_SKIP_NPM=1): tests/test_mermaid.py will be skipped"
elif ! command -v npm >/dev/null 2>&1; then
  say "skip: npm is not installed: tests/test_mermaid.py will be skipped (install Node.js with npm to run them)"
else
  step "install Mermaid's parser for the report tests (npm ci --prefix tests/js)" npm \
    npm ci --no-audit --no-fund --loglevel=error --prefix tests/js
fi
say "run the tests (pytest -n 2)"
exec .venv/bin/python -m pytest -q -n 2 "$@"
