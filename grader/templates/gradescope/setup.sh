#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image (written by
# `grade release --gradescope`). It installs Python 3.11+, bubblewrap (the sandbox for
# student code) and the grader with TensorFlow into $AUTOGRADER_ROOT/venv.
set -euo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
source_dir="${GRADER_SOURCE:-$root/source}"
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip bubblewrap >/dev/null
python=python3
if ! python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  # Older base images (Ubuntu 22.04) ship Python 3.10: the grader needs 3.11 or newer.
  apt-get install -y -qq python3.11 python3.11-venv >/dev/null
  python=python3.11
fi

"$python" -m venv "$root/venv"
"$root/venv/bin/python" -m pip install --quiet --upgrade pip
# A fresh venv has no TensorFlow: the `cpu` extra gives it exactly one, the CPU build.
"$root/venv/bin/python" -m pip install --quiet "$source_dir/course[cpu]"
"$root/venv/bin/grade" doctor || true
