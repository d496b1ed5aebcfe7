"""The reference solutions' full-marks verdict, kept between runs: graded once per state of the course.

`grade release` and `grade nbgrader` grade the reference solutions before their values become the
expected ones (`require_full_marks`). That grading depends on nothing but the course: the solution
modules, the exercises of course.toml (tests, points, seeds, tolerances, limits), the inputs, the
whole grader package and the course's packs, and the versions of Python, TensorFlow, Keras and
NumPy and the device (`reference_digest` covers the solutions, the packs and the versions; this
module adds the rest). So a full-marks verdict is written beside the reference cache the grading
reads its answers from (`<cache folder>/verdict-<key>.json`),
with the probe keys the grading used, and the next command with the same key reads it instead of
grading again, taking those answers from the reference cache.

Only full marks are kept: solutions that lose a point are graded again every time, so that the
instructor always sees the live failure. A verdict that cannot be read, names another key, or
needs an answer the reference cache no longer holds is ignored (and the solutions graded); the
cache folder can be deleted at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from grader.course.config import Course
from grader.grading.inputs import InputPlan
from grader.grading.reference import Reference, require_full_marks
from grader.grading.reference_cache import GRADER_DIR, reference_digest
from grader.grading.runner import Steps, grade
from grader.results import GradeResult

FORMAT = 1


def _grader_files(grader_dir: Path = GRADER_DIR) -> list[Path]:
    """Every file of the grader package (the parent's side too: limits, runner and messages decide a verdict)."""
    return sorted(
        path
        for path in grader_dir.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo")
    )


def course_spec(course: Course) -> dict[str, Any]:
    """What course.toml says that a grading's result depends on (never where the course lies)."""
    return {
        "limits": asdict(course.limits),
        "exercises": [
            {
                "id": e.id,
                "module": e.module,
                "seeds": list(e.seeds),
                "hidden_seeds": list(e.hidden_seeds),
                "rtol": e.rtol,
                "atol": e.atol,
                "functions": list(e.functions),
                "tests": [asdict(test) for test in e.tests],
            }
            for e in course.exercises
        ],
    }


def verdict_key(course: Course, solutions: Path, exercise_ids: Sequence[str] | None, inputs: InputPlan) -> str:
    """The digest of everything the solutions' grading depends on."""
    digest = hashlib.sha256(f"solutions-verdict {FORMAT}\0".encode())
    digest.update(reference_digest(course, solutions).encode() + b"\0")
    digest.update(json.dumps(course_spec(course), sort_keys=True).encode() + b"\0")
    secret = inputs.secret.fingerprint if inputs.secret is not None else None
    plan = {"kind": inputs.kind.value, "secret": secret, "student": inputs.student, "exercises": exercise_ids}
    digest.update(json.dumps(plan, sort_keys=True).encode() + b"\0")
    for path in _grader_files():
        digest.update(
            path.relative_to(GRADER_DIR).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest()
        )
    return digest.hexdigest()


@dataclass(frozen=True)
class SolutionsVerdict:
    """A full-marks grading of the solutions, and the probe keys of the reference's answers it used."""

    key: str
    result: GradeResult
    used: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "key": self.key, "result": self.result.to_dict(), "used": list(self.used)}

    @classmethod
    def read(cls, path: Path, key: str) -> SolutionsVerdict | None:
        """The verdict in `path` if it is one for `key`; None for anything else (missing, damaged, another key)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["format"] != FORMAT or data["key"] != key:
                return None
            used = data["used"]
            if not isinstance(used, list) or not all(isinstance(item, str) for item in used):
                return None
            return cls(key, GradeResult.from_dict(data["result"]), tuple(used))
        except (OSError, ValueError, KeyError, TypeError):
            return None


def _save(path: Path, verdict: SolutionsVerdict) -> None:
    """Write atomically; a folder that cannot be written only costs the next command a grading."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=".verdict.", delete=False
        ) as out:
            json.dump(verdict.to_dict(), out)
        os.chmod(out.name, 0o644)
        os.replace(out.name, path)
    except OSError:
        return


def grade_solutions(
    course: Course,
    solutions: Path,
    reference: Reference,
    *,
    exercise_ids: Sequence[str] | None = None,
    inputs: InputPlan,
    progress: Steps | None = None,
) -> tuple[GradeResult, bool]:
    """The solutions graded against `reference` (a cached verdict when one holds), full marks required.

    Returns the result and whether it came from the cache. On a hit, `reference.recorded` gets the
    answers the grading used, from the reference's memo (filled by the reference cache); when the
    memo lacks one of them, the solutions are graded. `ConfigError` (`require_full_marks`) when they
    lose a point.
    """
    key = verdict_key(course, solutions, exercise_ids, inputs)
    # Beside the reference's cache, the one the answers are read from; a reference without one keeps none.
    path = reference.cache.folder / f"verdict-{key}.json" if reference.cache is not None else None
    verdict = SolutionsVerdict.read(path, key) if path is not None else None
    if verdict is not None and all(used in reference.memo for used in verdict.used):
        reference.recorded.update({used: reference.memo[used] for used in verdict.used})
        return verdict.result, True
    result = grade(
        course=course,
        submission_dir=solutions,
        reference=reference,
        exercise_ids=list(exercise_ids) if exercise_ids is not None else None,
        inputs=inputs,
        progress=progress,
    )
    require_full_marks(result, course, solutions)
    if path is not None:
        _save(path, SolutionsVerdict(key, result, tuple(sorted(reference.recorded))))
    return result, False
