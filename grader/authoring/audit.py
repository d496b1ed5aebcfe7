"""`grade audit [EXERCISE]`: does each exercise's suite catch mistakes? Its tests against mutants of the solution.

For each exercise, the mutants of its solution module's regions (`grader.authoring.mutants`) and
the known mistakes of its pack's `mutants.toml` are graded, one after the other, by the kit's
own grading (`grade_pooled`: one warm pool, one reference, both started once). A mutant is
killed when a test fails; one that earns every point survives, and is reported as a diff with
the tests that should have caught it, unless `mutants.toml` lists it as equivalent (same
answers on every input). A known mistake must lose each test it names. The mutation score is
killed / (mutants - equivalent); tests no mutant fails are reported too.
"""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.authoring.bank import MUTANTS_FILE, check_bank
from grader.authoring.mutants import Mutant, exercise_mutants
from grader.course.config import Course, ExerciseSpec
from grader.errors import ConfigError
from grader.grading.pool_retry import grade_pooled
from grader.grading.reference import Reference
from grader.results import PASSED, GradeResult
from grader.sandbox.warm_pool import WarmPool


@dataclass(frozen=True)
class KnownMistake:
    """A mistake of the pack's bank: a replacement in the solution module, and the tests it must lose."""

    name: str
    old: str
    new: str
    fails: tuple[str, ...]


@dataclass
class ExerciseAudit:
    """The audit of one exercise."""

    exercise: str
    tests: tuple[str, ...]
    killed: list[tuple[Mutant, tuple[str, ...]]] = field(default_factory=list)
    survived: list[Mutant] = field(default_factory=list)
    equivalent: list[Mutant] = field(default_factory=list)
    # Known mistakes that did not lose a test they name: (name, the tests it passed).
    missed: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # Every known mistake: (name, the tests it must lose, the tests it lost).
    known: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)

    @property
    def score(self) -> float:
        graded = len(self.killed) + len(self.survived)
        return len(self.killed) / graded if graded else 1.0

    @property
    def never_failed(self) -> tuple[str, ...]:
        failed = {test for _, tests in self.killed for test in tests}
        return tuple(test for test in self.tests if test not in failed)

    @property
    def ok(self) -> bool:
        return not self.survived and not self.missed


def read_bank(exercise: ExerciseSpec) -> tuple[list[KnownMistake], set[str]]:
    """The pack's mutants.toml: its known mistakes, and the ids of the mutants it explains as equivalent."""
    path = exercise.pack.folder / MUTANTS_FILE
    if not path.is_file():
        return [], set()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"not valid TOML: {error}. Fix the syntax there.", path=path) from error
    known = {test.name for test in exercise.tests}
    mistakes = []
    for entry in document.get("mutant", []):
        replace, fails = entry.get("replace"), tuple(entry.get("fails", ()))
        if not (isinstance(replace, list) and len(replace) == 2 and fails):
            raise ConfigError(
                f'[[mutant]] {entry.get("name")!r} needs replace = ["old text", "new text"] and fails = ["test", ...].',
                path=path,
            )
        unknown = [test for test in fails if test not in known]
        if unknown:
            raise ConfigError(
                f"[[mutant]] {entry.get('name')!r} names the test {unknown[0]!r}, which {exercise.id}"
                f" does not have (its tests: {', '.join(sorted(known))}).",
                path=path,
            )
        mistakes.append(KnownMistake(str(entry.get("name", replace[1])), replace[0], replace[1], fails))
    return mistakes, {str(item) for item in document.get("equivalent", [])}


def _failed(result: GradeResult, exercise: str) -> tuple[str, ...]:
    return tuple(test.name for entry, test in result.tests if entry.id == exercise and test.status != PASSED)


def audit_exercise(
    course: Course,
    exercise: ExerciseSpec,
    solutions: Path,
    grade_folder: Callable[[Path, list[str]], GradeResult],
    say: Callable[[str], None] = lambda _: None,
) -> ExerciseAudit:
    """Grade every mutant of `exercise`'s solution region and every known mistake of its pack."""
    module = solutions / f"{exercise.module}.py"
    source = module.read_text(encoding="utf-8")
    mistakes, equivalent = read_bank(exercise)
    report = ExerciseAudit(exercise.id, tuple(test.name for test in exercise.tests))
    with tempfile.TemporaryDirectory(prefix="grade-audit-") as scratch:
        folder = Path(scratch) / "submission"
        shutil.copytree(solutions, folder, ignore=shutil.ignore_patterns("__pycache__"))
        target = folder / module.name

        def grade_text(text: str) -> tuple[str, ...]:
            target.write_text(text, encoding="utf-8")
            return _failed(grade_folder(folder, [exercise.id]), exercise.id)

        candidates = exercise_mutants(source, exercise)
        for number, mutant in enumerate(candidates, 1):
            say(f"{exercise.id}: mutant {number}/{len(candidates)} ({mutant.id})")
            failed = grade_text(mutant.source)
            if failed:
                report.killed.append((mutant, failed))
            elif mutant.id in equivalent:
                report.equivalent.append(mutant)
            else:
                report.survived.append(mutant)
        for mistake in mistakes:
            if mistake.old not in source:
                raise ConfigError(
                    f"[[mutant]] {mistake.name!r} replaces {mistake.old!r}, which {module} does not"
                    " contain: fix the text to replace.",
                    path=exercise.pack.folder / MUTANTS_FILE,
                )
            failed = grade_text(source.replace(mistake.old, mistake.new))
            report.known.append((mistake.name, mistake.fails, failed))
            passed = tuple(test for test in mistake.fails if test not in failed)
            if passed:
                report.missed.append((mistake.name, passed))
    return report


def audit(
    course: Course, solutions: Path, exercise_ids: list[str], say: Callable[[str], None] = lambda _: None
) -> list[ExerciseAudit]:
    """Audit each exercise (every exercise of the course when none is named) in one warm pool and one reference."""
    chosen = [course.exercise(exercise_id) for exercise_id in exercise_ids] or list(course.exercises)
    problems = [problem for exercise in chosen for problem in check_bank(exercise, solutions / f"{exercise.module}.py")]
    if problems:  # before grading anything: a known mistake that cannot be made would stop the audit at its end
        raise ConfigError(
            f"{len(problems)} problem(s) in mutants.toml, nothing graded: "
            + " ".join(f"{p.path}{f':{p.line}' if p.line else ''}: {p.message}" for p in problems)
        )
    reference = Reference(course, solutions)
    pool = WarmPool(course.limits, probes=course.probe_files)
    try:

        def grade_folder(folder: Path, ids: list[str]) -> GradeResult:
            return grade_pooled(pool=pool, course=course, submission_dir=folder, reference=reference, exercise_ids=ids)

        return [audit_exercise(course, exercise, solutions, grade_folder, say) for exercise in chosen]
    finally:
        pool.close()
        reference.close()
