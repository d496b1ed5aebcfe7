#!/usr/bin/env bash
# Set up, check the layering, lint, format and types, then run the kit's whole test suite
# (two workers, each test module whole on one of them, the longest first; about 58 minutes on 2 cores today,
# 38 for this stage and 18 for the portable one: over the 25-minute target), then the grading suites at the portable level.
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
echo "==> grade lint (the course and its packs, everything that can be known without a student)"
"$bin/grade" lint
echo "==> pytest"
"$bin/python" -m pytest -n 2 --dist loadscope --no-loadscope-reorder --durations=25 "$@"
if [ "$#" -eq 0 ]; then
    # The grading suites again at the portable level (Windows, macOS), with the foreign-OS double that
    # takes fork, resource and /proc away from the grader's code, in the parent and in every spawned child.
    # (The solutions under other secrets are graded once, above: the inputs do not depend on the level.)
    echo "==> pytest at the portable level (GRADER_ISOLATION=portable GRADER_FOREIGN_OS_DOUBLE=1)"
    GRADER_ISOLATION=portable GRADER_FOREIGN_OS_DOUBLE=1 "$bin/python" -m pytest -n 2 --durations=10 \
        tests/grading/test_runner.py tests/grading/test_mutants.py tests/grading/test_realistic.py \
        tests/adversarial/test_adversarial.py -k "not other_secrets"
fi
