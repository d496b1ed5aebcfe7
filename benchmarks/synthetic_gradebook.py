"""A synthetic gradebook of N students for `grade report`, written through the gradebook's API (no grading).

Each student's modules start from the reference (solutions/) or the sample submission
(examples/sample_submission/), chosen per module, and are varied as students vary: local names
renamed, top-level functions reordered, comments added, and a few lines of their own (a check,
a constant, an intermediate value) in some functions, as honest solutions differ. One student
(`PLANTED_COPIER`) hands in `PLANTED_ORIGINAL`'s modules with every local name renamed, comments
added and functions reordered: the planted copy. Results are plausible grades (every test of
the course, a few failed at random), so the rest of the report has real work to do.
"""

from __future__ import annotations

import ast
import random
import re
from pathlib import Path

from grader.batch.gradebook import OK, Gradebook, Row
from grader.course.config import Course, load_course
from grader.results import FAILED, PASSED, ExerciseResult, GradeResult, TestResult

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "solutions", ROOT / "examples" / "sample_submission")
PLANTED_ORIGINAL, PLANTED_COPIER = "student0003", "student0002"
COMMENTS = ("# compute the result", "# TODO: check the shapes", "# this took me a while", "# see lecture 3", "# ok")
OWN_LINES = (
    "assert {name} is not None, 'missing {number}'",
    "_limit_{number} = {number} * 0.5",
    "print('debug {number}', {number} + 1)",
    "_check_{number} = [{number}, {number} % 7, {number} // 3]",
)


def _rename(code: str, rng: random.Random, prefix: str) -> str:
    """Every name a function stores or takes renamed, where it is a whole name (not an attribute)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    stored = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    stored |= {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg) and node.arg != "self"}
    for name in sorted(stored, key=len, reverse=True):
        if rng.random() < 0.7:
            code = re.sub(rf"(?<![.\w'\"]){re.escape(name)}\b", f"{prefix}{name}_{rng.randrange(100)}", code)
    return code


def _vary(code: str, rng: random.Random, student: int, *, own: bool) -> str:
    """Comments added, top-level functions reordered, and (when `own`) a few lines of the student's own."""
    head, *functions = re.split(r"\n(?=def |class |@)", code)
    rng.shuffle(functions)
    varied = []
    for part in [head, *functions]:
        lines = []
        in_docstring = False
        for line in part.split("\n"):
            lines.append(line)
            quotes = line.count('"""') % 2 == 1
            in_docstring = in_docstring != quotes
            if in_docstring or quotes or '"""' in line:
                continue
            body = line.startswith("    ") and line.strip() and not line.rstrip().endswith((",", "(", "[", "\\"))
            if body and line.strip().startswith(("return", "raise")):
                continue
            indent = line[: len(line) - len(line.lstrip())]
            if body and line.rstrip().endswith(":"):
                indent += "    "
            if body and rng.random() < 0.08:
                lines.append(indent + rng.choice(COMMENTS))
            if body and own and rng.random() < 0.06:
                number = rng.randrange(10_000) * 100 + student % 100
                lines.append(indent + rng.choice(OWN_LINES).format(name="None", number=number))
        varied.append("\n".join(lines))
    return "\n".join(varied).rstrip("\n") + "\n"


def student_modules(student: int, seed: int) -> dict[str, str]:
    """One honest student's modules: a source per module, renamed, reordered, commented, with lines of their own."""
    rng = random.Random(seed * 1_000_003 + student)
    modules = {}
    for path in sorted(SOURCES[0].glob("*.py")):
        source = rng.choice(SOURCES)
        code = (source / path.name).read_text(encoding="utf-8")
        modules[path.name] = _vary(_rename(code, rng, "v"), rng, student, own=True)
    return modules


def planted_copy(modules: dict[str, str], seed: int) -> dict[str, str]:
    """A copy as students hide one: every local name renamed, comments added, functions reordered."""
    rng = random.Random(seed)
    return {name: _vary(_rename(code, rng, "my_"), rng, 0, own=False) for name, code in modules.items()}


def _result(course: Course, rng: random.Random) -> GradeResult:
    exercises = []
    for exercise in course.exercises:
        tests = []
        for test in exercise.tests:
            failed = rng.random() < 0.1
            tests.append(TestResult(test.name, FAILED if failed else PASSED, 0 if failed else test.points, test.points,
                                    message="the values differ from the reference" if failed else "",
                                    hint=f"Look at {exercise.id} again." if failed else "", hidden=test.hidden))  # fmt: skip
        exercises.append(ExerciseResult(exercise.id, exercise.title, tuple(tests)))
    return GradeResult(course_id=course.id, course_version=course.version, exercises=tuple(exercises),
                       environment={"python": "3.11", "tensorflow": "2.21", "device": "CPU"}, isolation="bubblewrap")  # fmt: skip


def write_gradebook(path: Path, students: int, *, seed: int = 7) -> list[str]:
    """A gradebook of `students` graded submissions with their modules kept; returns the student ids."""
    course = load_course(ROOT / "course.toml")
    rng = random.Random(seed)
    ids = [f"student{number:04d}" for number in range(students)]
    original = student_modules(int(PLANTED_ORIGINAL[-4:]), seed)
    with Gradebook(path, course_id=course.id) as gradebook:
        for number, student in enumerate(ids):
            if student == PLANTED_COPIER:
                modules = planted_copy(original, seed)
            else:
                modules = student_modules(number, seed)
            result = _result(course, rng)
            sha = f"{number:064x}"
            when = f"2026-11-{18 + number % 3:02d}T10:15:00Z"
            gradebook.record(Row(student=student, source=f"/submissions/{student}.zip", sha256=sha, submitted_at=when,
                                 graded_at=when, status=OK, score=result.score, max_score=result.max_score,
                                 result=result.to_dict(), duration_s=3.0))  # fmt: skip
            gradebook.record_modules(student, sha, modules)
    return ids
