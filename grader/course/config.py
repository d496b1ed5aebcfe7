"""Load and validate `course.toml` into frozen dataclasses.

Every problem names the key, the value received and, for unknown keys, the closest valid
key, so an instructor can fix the file without reading this module.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grader.course.packs import Pack, load_pack
from grader.errors import ConfigError

# The course's own packs folder when course.toml does not name one (used when it exists).
DEFAULT_PACKS_FOLDER = "packs"
# What the points of every assignment add to.
ASSIGNMENT_POINTS = 100


@dataclass(frozen=True)
class Limits:
    """Resource limits for one call into student code."""

    time_limit_s: float = 60.0
    memory_limit_mb: int = 2048
    output_limit_kb: int = 256


@dataclass(frozen=True)
class TestSpec:
    """One graded test of an exercise."""

    __test__ = False  # Not a pytest test class, despite the name.

    name: str
    points: int
    hidden: bool = False


@dataclass(frozen=True)
class ExerciseSpec:
    """One exercise: the module that holds it, its tests, tolerances and seeds."""

    id: str
    module: str
    title: str
    seeds: tuple[int, ...]
    rtol: float
    atol: float
    tests: tuple[TestSpec, ...]
    # Its probes and suites (grader.course.packs); where they are is not part of the course's identity.
    pack: Pack = field(compare=False)
    # Seeds of the hidden tests: with the instructor only, removed from a student release.
    hidden_seeds: tuple[int, ...] = ()
    # The functions (or classes) the students write for it, when they are not named after the
    # exercise: an exercise of several functions lists them (course.toml's `functions`).
    functions: tuple[str, ...] = ()

    @property
    def max_score(self) -> int:
        return sum(test.points for test in self.tests)

    def test(self, name: str) -> TestSpec:
        for test in self.tests:
            if test.name == name:
                return test
        raise KeyError(name)


@dataclass(frozen=True)
class Assignment:
    """Exercises released, graded and exported together; their points add to 100.

    With `points` None, the tests' points of its exercises add to 100 themselves. With
    `points = 100`, they are weights: the assignment's grade is 100 × earned / possible.
    """

    name: str
    title: str
    exercises: tuple[str, ...]
    points: int | None = None


@dataclass(frozen=True)
class Course:
    """The whole course specification."""

    id: str
    version: str
    title: str
    limits: Limits
    exercises: tuple[ExerciseSpec, ...]
    path: Path
    # The course's own packs folder, if it has one (searched before the grader's packs).
    packs_dir: Path | None = field(default=None, compare=False)
    # [assignments.NAME] tables, in the file's order; empty when the course declares none.
    assignments: tuple[Assignment, ...] = ()

    @property
    def max_score(self) -> int:
        return sum(exercise.max_score for exercise in self.exercises)

    @property
    def modules(self) -> tuple[str, ...]:
        """The student modules, in order of first appearance."""
        return tuple(dict.fromkeys(exercise.module for exercise in self.exercises))

    @property
    def probe_files(self) -> dict[str, Path]:
        """Each exercise's pack probes.py: what the sandbox lets its workers load."""
        return {exercise.id: exercise.pack.probes for exercise in self.exercises}

    def exercise(self, exercise_id: str) -> ExerciseSpec:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise ConfigError(
            f"There is no exercise {exercise_id!r}.{_suggest(exercise_id, [e.id for e in self.exercises])}"
            f" The exercises are: {', '.join(e.id for e in self.exercises)}.",
            path=self.path,
            key=exercise_id,
        )

    def without_hidden_tests(self) -> Course:
        """The course as students see it: hidden tests removed. The public points of an assignment
        no longer add to 100, so each assignment scales them to 100 (`points = 100`)."""
        exercises = tuple(
            replace(exercise, tests=tuple(t for t in exercise.tests if not t.hidden), hidden_seeds=())
            for exercise in self.exercises
        )
        assignments = tuple(replace(assignment, points=ASSIGNMENT_POINTS) for assignment in self.assignments)
        return replace(self, exercises=exercises, assignments=assignments)

    def assignment(self, name: str) -> Assignment:
        for assignment in self.assignments:
            if assignment.name == name:
                return assignment
        names = [assignment.name for assignment in self.assignments]
        raise ConfigError(
            f"There is no assignment {name!r}.{_suggest(name, names)}"
            + (f" The assignments are: {', '.join(names)}." if names else " course.toml declares no [assignments].")
            + " Pass one of them to --assignment, or leave --assignment out for the whole course.",
            path=self.path,
            key=f"assignments.{name}",
        )

    def exercise_ids_of(self, name: str | None) -> tuple[str, ...]:
        """The exercises of one assignment (none for None)."""
        return self.assignment(name).exercises if name is not None else ()

    def for_assignment(self, name: str | None) -> Course:
        """The course restricted to one assignment's exercises (the whole course for None)."""
        if name is None:
            return self
        assignment = self.assignment(name)
        exercises = tuple(exercise for exercise in self.exercises if exercise.id in assignment.exercises)
        return replace(self, exercises=exercises, assignments=(assignment,))


def _suggest(received: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(received, valid, n=1, cutoff=0.5)
    return f" Did you mean {close[0]!r}?" if close else ""


class _Reader:
    """Reads one table of the TOML document, recording which keys were used."""

    def __init__(self, table: Any, where: str, path: Path) -> None:
        if not isinstance(table, dict):
            raise ConfigError(
                f"[{where}] must be a table, received {type(table).__name__} {table!r}.", path=path, key=where
            )
        self.table = table
        self.where = where
        self.path = path

    def _key(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ..., what: str = "") -> Any:
        if key not in self.table:
            if default is ...:
                raise ConfigError(
                    f"Missing key {self._key(key)!r}: add it{(' (' + what + ')') if what else ''}.",
                    path=self.path,
                    key=self._key(key),
                )
            return default
        value = self.table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int in Python; a TOML `true` is never a valid number here.
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise ConfigError(
                f"{self._key(key)!r} must be {names}, received {type(value).__name__} {value!r}.",
                path=self.path,
                key=self._key(key),
            )
        return value

    def reject_unknown(self, valid: list[str]) -> None:
        for key in self.table:
            if key not in valid:
                raise ConfigError(
                    f"Unknown key {self._key(key)!r} (value {self.table[key]!r}).{_suggest(key, valid)}"
                    f" Valid keys here: {', '.join(valid)}.",
                    path=self.path,
                    key=self._key(key),
                )


def load_course(path: Path) -> Course:
    """Read and validate a `course.toml`; raises `ConfigError` on any problem."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(
            "No course.toml here. Run the command from the course folder, or pass --course PATH.", path=path
        )
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"Not valid TOML: {error}. Fix the syntax at that place.", path=path) from error
    root = _Reader(document, "", path)
    # [late] and course.deadline are read by grader.report.late (grade report, grade export).
    root.reject_unknown(["course", "limits", "exercises", "assignments", "late"])

    course_table = _Reader(root.get("course", dict, what="a [course] table"), "course", path)
    course_table.reject_unknown(["id", "version", "title", "deadline", "packs"])
    limits = _read_limits(_Reader(root.get("limits", dict, {}), "limits", path), Limits())

    exercises_table = _Reader(
        root.get("exercises", dict, what="one [exercises.ID] table per exercise"), "exercises", path
    )
    packs_dir = _packs_dir(course_table, path)
    exercises = [
        _read_exercise(exercise_id, _Reader(table, f"exercises.{exercise_id}", path), packs_dir)
        for exercise_id, table in exercises_table.table.items()
    ]
    if not exercises:
        raise ConfigError(
            "[exercises] lists no exercise: add one [exercises.ID] table per exercise.", path=path, key="exercises"
        )
    return Course(
        id=course_table.get("id", str),
        version=course_table.get("version", str),
        title=course_table.get("title", str, ""),
        limits=limits,
        exercises=tuple(exercises),
        path=path,
        packs_dir=packs_dir,
        assignments=read_assignments(_Reader(root.get("assignments", dict, {}), "assignments", path), exercises),
    )


def _packs_dir(reader: _Reader, path: Path) -> Path | None:
    """The course's packs folder: `[course] packs` (relative to course.toml), else packs/ if it exists."""
    named = reader.get("packs", str, None)
    folder = (path.parent / (named or DEFAULT_PACKS_FOLDER)).resolve()
    if named is not None and not folder.is_dir():
        raise ConfigError(
            f"'course.packs' is {named!r}, but {folder} is not a folder: create it, or fix the path"
            " (relative to course.toml).",
            path=path,
            key="course.packs",
        )
    return folder if folder.is_dir() else None


def _read_limits(reader: _Reader, default: Limits) -> Limits:
    reader.reject_unknown(["time_limit_s", "memory_limit_mb", "output_limit_kb"])
    limits = Limits(
        time_limit_s=float(reader.get("time_limit_s", (int, float), default.time_limit_s)),
        memory_limit_mb=reader.get("memory_limit_mb", int, default.memory_limit_mb),
        output_limit_kb=reader.get("output_limit_kb", int, default.output_limit_kb),
    )
    for key, value in vars(limits).items():
        if value <= 0:
            raise ConfigError(f"'{reader.where}.{key}' must be positive, received {value!r}.", path=reader.path)
    return limits


def _read_exercise(exercise_id: str, reader: _Reader, packs_dir: Path | None) -> ExerciseSpec:
    reader.reject_unknown(["module", "title", "functions", "seeds", "hidden_seeds", "rtol", "atol", "tests"])
    module = reader.get("module", str, what=f"the student module (file name without .py) that holds {exercise_id}")
    if not module.isidentifier():
        raise ConfigError(
            f"'{reader.where}.module' is {module!r}, which is not a Python module name: give the file name"
            " without .py (letters, digits and underscores).",
            path=reader.path,
            key=f"{reader.where}.module",
        )
    functions = reader.get("functions", list, [], what="the names of the functions or classes the students write")
    if not all(isinstance(name, str) and name.isidentifier() for name in functions):
        raise ConfigError(
            f"'{reader.where}.functions' must be a list of Python names (the functions or classes the students"
            f" write), received {functions!r}.",
            path=reader.path,
            key=f"{reader.where}.functions",
        )
    seeds = _read_seeds(reader, "seeds", required=True)
    hidden_seeds = _read_seeds(reader, "hidden_seeds", required=False)
    tests_reader = _Reader(
        reader.get("tests", dict, what="a table of test name = { points = N }"), f"{reader.where}.tests", reader.path
    )
    tests = []
    for name, table in tests_reader.table.items():
        test_reader = _Reader(table, f"{tests_reader.where}.{name}", reader.path)
        test_reader.reject_unknown(["points", "hidden"])
        points = test_reader.get("points", int)
        if points < 0:
            raise ConfigError(f"'{test_reader.where}.points' must be >= 0, received {points}.", path=reader.path)
        tests.append(TestSpec(name=name, points=points, hidden=test_reader.get("hidden", bool, False)))
    if not tests:
        raise ConfigError(f"'{tests_reader.where}' lists no test: add at least one.", path=reader.path)
    if any(test.hidden for test in tests) and not hidden_seeds:
        raise ConfigError(
            f"'{reader.where}' has hidden tests but no hidden_seeds: add hidden_seeds = [...] so that hidden"
            " tests use inputs the students never saw.",
            path=reader.path,
            key=f"{reader.where}.hidden_seeds",
        )
    pack = load_pack(
        exercise_id,
        packs_dir,
        reader.path,
        public_tests=[test.name for test in tests if not test.hidden],
        hidden_tests=[test.name for test in tests if test.hidden],
        hidden_seeds=bool(hidden_seeds),
    )
    return ExerciseSpec(
        id=exercise_id,
        module=module,
        pack=pack,
        title=reader.get("title", str, exercise_id),
        seeds=tuple(seeds),
        rtol=float(reader.get("rtol", (int, float), 1e-5)),
        atol=float(reader.get("atol", (int, float), 1e-6)),
        tests=tuple(tests),
        hidden_seeds=tuple(hidden_seeds),
        functions=tuple(functions),
    )


def _read_seeds(reader: _Reader, key: str, *, required: bool) -> list[int]:
    seeds = reader.get(key, list, ... if required else [], what="a list of integer seeds")
    if (required and not seeds) or not all(isinstance(seed, int) and not isinstance(seed, bool) for seed in seeds):
        raise ConfigError(
            f"'{reader.where}.{key}' must be a non-empty list of integers, received {seeds!r}.",
            path=reader.path,
            key=f"{reader.where}.{key}",
        )
    checked: list[int] = seeds
    return checked


def read_assignments(reader: _Reader, exercises: list[ExerciseSpec]) -> tuple[Assignment, ...]:
    """The [assignments.NAME] tables: each exercise in exactly one, the points of each adding to 100."""
    by_id = {exercise.id: exercise for exercise in exercises}
    owner: dict[str, str] = {}
    assignments = []
    for name, table in reader.table.items():
        where = f"assignments.{name}"
        table_reader = _Reader(table, where, reader.path)
        table_reader.reject_unknown(["title", "exercises", "points"])
        members = table_reader.get("exercises", list, what='the ids of its exercises, exercises = ["..."]')
        if not members or not all(isinstance(member, str) for member in members):
            raise ConfigError(
                f"'{where}.exercises' must be a non-empty list of exercise ids, received {members!r}.",
                path=reader.path,
                key=f"{where}.exercises",
            )
        for member in members:
            if member not in by_id:
                raise ConfigError(
                    f"'{where}.exercises' names {member!r}, which is no [exercises.ID] of this course."
                    f"{_suggest(member, list(by_id))} The exercises are: {', '.join(by_id)}.",
                    path=reader.path,
                    key=f"{where}.exercises",
                )
            if member in owner:
                raise ConfigError(
                    f"{member!r} is in two assignments, {owner[member]!r} and {name!r}: an exercise belongs to one.",
                    path=reader.path,
                    key=f"{where}.exercises",
                )
            owner[member] = name
        points = table_reader.get("points", int, None)
        parts = [f"{member} {by_id[member].max_score}" for member in members]
        total = sum(by_id[member].max_score for member in members)
        if points is not None and points != ASSIGNMENT_POINTS:
            raise ConfigError(
                f"'{where}.points' is {points}: an assignment is worth {ASSIGNMENT_POINTS} points. Write"
                f" points = {ASSIGNMENT_POINTS} to scale its tests' points ({' + '.join(parts)} = {total}) to"
                f" {ASSIGNMENT_POINTS}, or leave it out when they add to {ASSIGNMENT_POINTS} themselves.",
                path=reader.path,
                key=f"{where}.points",
            )
        if points is None and total != ASSIGNMENT_POINTS:
            raise ConfigError(
                f"The points of assignment {name!r} add to {total} ({' + '.join(parts)}), not"
                f" {ASSIGNMENT_POINTS}: change its tests' points by {ASSIGNMENT_POINTS - total:+d} in all, or"
                f" write points = {ASSIGNMENT_POINTS} in [{where}] to scale them to {ASSIGNMENT_POINTS}.",
                path=reader.path,
                key=where,
            )
        if total <= 0:
            raise ConfigError(
                f"The tests of assignment {name!r} are worth 0 points: give them points.", path=reader.path
            )
        assignments.append(
            Assignment(name=name, title=table_reader.get("title", str, name), exercises=tuple(members), points=points)
        )
    unassigned = [exercise.id for exercise in exercises if exercise.id not in owner]
    if assignments and unassigned:
        raise ConfigError(
            f"Exercise(s) {', '.join(unassigned)} are in no assignment: add each to the exercises of one"
            " [assignments.NAME] table.",
            path=reader.path,
            key="assignments",
        )
    return tuple(assignments)
