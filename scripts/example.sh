#!/usr/bin/env bash
# Set up, then grade the bundled example: the reference solutions (228/228, 100 in each assignment) and a sample
# submission with mistakes in most exercises and one module left a stub (it loses their points, and each
# failure says why).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
echo
echo "==> grade check solutions"
.venv/bin/grade check solutions
echo
echo "==> grade check examples/sample_submission"
status=0
.venv/bin/grade check examples/sample_submission || status=$?
# Exit code 1 means "some test failed", which is what this sample is for.
if [ "$status" -ne 1 ]; then
  echo "unexpected exit code $status for the sample submission" >&2
  exit 1
fi
