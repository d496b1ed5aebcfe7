"""One saving of a grading measured apart: the same submission graded with it and without it, alternately, in one
warm pool of this process, with the same answers required.

    .venv/bin/python benchmarks/per_grading.py --change tb|memo [--submission DIR] [--exercise ID ...] [--rounds 3]

- `tb`: the runner's `--tb=line` against pytest's long tracebacks (`--tb=long`), on the stubs by default (every
  test fails, so every traceback is formatted);
- `memo`: the grading's memo of the student's answers against none (every request asked of the student's code),
  on the solutions, for the exercises whose suites ask a question twice without a memo of their own before the
  memo came (perceptron, tensors_and_variables, split_validation, simple_dense, layer_shapes) by default.
The first grading of each side fills the reference's memo and is not counted. Fails unless both sides give the
same results (every test's status, score and message). Prints the median seconds of each side and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from grader.course.config import load_course  # noqa: E402
from grader.grading.pool_retry import grade_pooled  # noqa: E402
from grader.grading.reference import Reference  # noqa: E402
from grader.grading.student_calls import ExerciseCalls  # noqa: E402
from grader.sandbox.warm_pool import WarmPool  # noqa: E402

MEMO_EXERCISES = ["perceptron", "tensors_and_variables", "split_validation", "simple_dense", "layer_shapes"]


class Forgetful(dict[Any, Any]):
    """A memo that keeps nothing: every request goes to the student's code."""

    def __setitem__(self, key: Any, value: Any) -> None:
        return None


@contextmanager
def long_tracebacks() -> Iterator[None]:
    original = pytest.main

    def main(arguments: list[str], **kwargs: Any) -> Any:
        return original([("--tb=long" if a == "--tb=line" else a) for a in arguments], **kwargs)

    pytest.main = main  # type: ignore[assignment]
    try:
        yield
    finally:
        pytest.main = original


@contextmanager
def no_memo() -> Iterator[None]:
    original = ExerciseCalls.__init__

    def init(self: ExerciseCalls, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.memo = Forgetful()

    ExerciseCalls.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        ExerciseCalls.__init__ = original  # type: ignore[method-assign]


WITHOUT: dict[str, Callable[[], Any]] = {"tb": long_tracebacks, "memo": no_memo}


def outcomes(result: Any) -> list[tuple[str, str, int, str]]:
    return [(test.name, test.status, test.score, test.message) for _, test in result.tests]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--change", choices=sorted(WITHOUT), required=True)
    parser.add_argument("--submission", type=Path)
    parser.add_argument("--exercise", action="append", dest="exercises")
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    default = ROOT / ("exercises" if arguments.change == "tb" else "solutions")
    submission = arguments.submission or default
    exercises = arguments.exercises or (MEMO_EXERCISES if arguments.change == "memo" else None)
    course = load_course(ROOT / "course.toml")
    reference = Reference(course, ROOT / "solutions")
    pool = WarmPool(course.limits, probes=course.probe_files)
    seconds: dict[str, list[float]] = {"with": [], "without": []}
    answers: dict[str, list[tuple[str, str, int, str]]] = {}
    try:
        pool.start()
        for round_index in range(arguments.rounds + 1):
            for side in ("with", "without") if round_index % 2 else ("without", "with"):
                context = WITHOUT[arguments.change]() if side == "without" else nullcontext()
                with context:
                    started = time.perf_counter()
                    result = grade_pooled(pool=pool, course=course, submission_dir=submission, reference=reference,
                                          exercise_ids=exercises)  # fmt: skip
                    elapsed = time.perf_counter() - started
                if round_index:
                    seconds[side].append(elapsed)
                answers[side] = outcomes(result)
    finally:
        pool.close()
        reference.close()
    if answers["with"] != answers["without"]:
        raise SystemExit("the two sides graded differently")
    print(f"--change {arguments.change} on {submission.relative_to(ROOT) if submission.is_relative_to(ROOT) else submission}"
          f" ({', '.join(exercises) if exercises else 'the whole chapter'}): the same results both sides")  # fmt: skip
    medians = {side: statistics.median(values) for side, values in seconds.items()}
    for side, value in medians.items():
        print(
            f"{side:<8} median of {arguments.rounds}: {value:6.2f} s   ({' '.join(f'{v:.2f}' for v in seconds[side])})"
        )
    print(
        f"with / without: {medians['with'] / medians['without']:.3f}  (saved {medians['without'] - medians['with']:.2f} s a grading)"
    )


if __name__ == "__main__":
    main()
