#!/usr/bin/env bash
# Set up everything the kit needs on a fresh machine with only Python 3.11+:
# a virtual environment in .venv with the package and its dependencies, and bubblewrap
# (the sandbox) and chromium (the browser that renders the HTML reports in the tests) where they are
# missing and we are root. Safe to run again: it skips what is done.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtual environment .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  # One TensorFlow: a .venv without one gets the CPU build (GRADER_TENSORFLOW=gpu: tensorflow[and-cuda]);
  # one that has a TensorFlow distribution already (any of them) keeps it: no extra, nothing added beside it.
  tensorflow=$(.venv/bin/python scripts/tensorflow_extra.py "${GRADER_TENSORFLOW:-cpu}")
  extras="${tensorflow:+$tensorflow,}test"
  echo "==> Installing the kit and its dependencies, extras [$extras] (TensorFlow takes about a minute)"
  .venv/bin/python -m pip install --quiet -e ".[$extras]"
  touch "$stamp"
fi
if [ ! -f .venv/share/jupyter/kernels/python3/kernel.json ] \
   || ! grep -q "$(pwd)/.venv/bin/python" .venv/share/jupyter/kernels/python3/kernel.json; then
  # nbgrader runs notebooks in the "python3" kernel: make it this environment's Python, not a
  # user-level kernelspec of another Python (jupyter prefers the environment's in a venv).
  echo "==> Installing the python3 kernelspec of .venv (for nbgrader)"
  .venv/bin/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
fi
if ! command -v bwrap >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> Installing bubblewrap (the sandbox for student code)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap) >/dev/null 2>&1 \
      || echo "warning: could not install bubblewrap; grading will use the weaker rlimits isolation"
  else
    echo "warning: bubblewrap is not installed and we are not root; run: sudo apt-get install bubblewrap"
  fi
fi
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    # The HTML reports' tests open them in a real headless browser; Playwright's own browser
    # download needs the network at test time, so the tests drive Debian's chromium instead.
    echo "==> Installing chromium (renders the HTML reports in the tests)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
      || echo "warning: could not install chromium; the browser tests of the HTML reports will fail until it is installed"
  else
    echo "warning: chromium is not installed and we are not root; run: sudo apt-get install chromium"
  fi
fi
