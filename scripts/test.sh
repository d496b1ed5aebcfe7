#!/usr/bin/env bash
# Set up, then run the kit's whole test suite (two workers; under 20 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python -m pytest -n 2 --durations=15 "$@"
