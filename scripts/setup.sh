#!/usr/bin/env bash
# Set up only: the virtual environment .venv with the kit (scripts/bootstrap.sh), no grading and no tests.
# Safe to run again: it skips what is done. `grade` is then .venv/bin/grade, not on PATH until .venv is activated.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
echo
echo "Set up. The grade command is .venv/bin/grade; to type plain \`grade\`, activate the environment first:"
echo "  . .venv/bin/activate        # then: grade --help"
