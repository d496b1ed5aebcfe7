"""Time `nbgrader autograde` of one student next to `grade check` of the same notebook, in one run.

    .venv/bin/python scripts/nbgrader_benchmark.py

Builds a throw-away nbgrader course in a temporary folder (`grade nbgrader`, then `nbgrader
generate_assignment`), submits the reference solutions typed into the released notebook,
then runs and times both commands as an instructor would, each in a fresh process.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.nbgrader_support import run_cycle  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="nbgrader-benchmark-") as folder:
        data = run_cycle(Path(folder), students=("reference",), full=False)
    times = data["times"]
    print(
        f"set-up: grade nbgrader {times['grade nbgrader']} s, nbgrader generate_assignment {times['nbgrader generate_assignment']} s"
    )
    print(f"nbgrader autograde, one student:     {times['nbgrader autograde reference']:7.2f} s")
    print(
        f"grade check, the same notebook:      {times['grade check reference']:7.2f} s  (score {data['check']['score']}/{data['check']['max_score']})"
    )


if __name__ == "__main__":
    main()
