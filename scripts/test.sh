#!/usr/bin/env bash
# Set up, check the layering, lint, format and types, then run the kit's whole test suite
# (two workers; under 20 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bin=.venv/bin
echo "==> lint-imports (the pipeline's layers, pyproject.toml [tool.importlinter])"
"$bin/lint-imports"
echo "==> ruff check"
"$bin/ruff" check .
echo "==> ruff format --check"
"$bin/ruff" format --check .
echo "==> mypy (strict, pyproject.toml [tool.mypy])"
"$bin/mypy"
echo "==> pytest"
exec "$bin/python" -m pytest -n 2 --durations=15 "$@"
