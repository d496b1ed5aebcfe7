"""Load and validate `course.toml` into frozen dataclasses.

Every problem names the key, the value received and, for unknown keys, the closest valid
key, so an instructor can fix the file without reading this module.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader.course.assignments import ASSIGNMENT_POINTS, Assignment, read_assignments
from grader.course.contract import check_functions
from grader.course.late import LatePolicy, read_late
from grader.course.limits import Limits, read_limits
from grader.course.packs import Pack, load_pack
from grader.course.tables import TableReader, suggest
from grader.errors import ConfigError

# Called with every course loaded: the CLI says on stderr which course.toml and packs a command uses.
LOAD_LISTENERS: list[Callable[[Course], None]] = []

# The course's own packs folder when course.toml does not name one (used when it exists).
DEFAULT_PACKS_FOLDER = "packs"


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
    # The functions or classes the students write for it, when it is not one named after the
    # exercise (`square_loss`, `SimpleDense`): course.toml's `functions = [...]`.
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
    # The deadline and the late penalty (`grade report`, `grade export`).
    late: LatePolicy = LatePolicy()

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
            f"There is no exercise {exercise_id!r}.{suggest(exercise_id, [e.id for e in self.exercises])}"
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
            f"There is no assignment {name!r}.{suggest(name, names)}"
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
    root = TableReader(document, "", path)
    root.reject_unknown(["course", "limits", "exercises", "assignments", "late"])

    course_table = TableReader(root.get("course", dict, what="a [course] table"), "course", path)
    course_table.reject_unknown(["id", "version", "title", "deadline", "packs"])
    limits = read_limits(TableReader(root.get("limits", dict, {}), "limits", path), Limits())

    exercises_table = TableReader(
        root.get("exercises", dict, what="one [exercises.ID] table per exercise"), "exercises", path
    )
    packs_dir = _packs_dir(course_table, path)
    exercises = [
        _read_exercise(exercise_id, TableReader(table, f"exercises.{exercise_id}", path), packs_dir)
        for exercise_id, table in exercises_table.table.items()
    ]
    if not exercises:
        raise ConfigError(
            "[exercises] lists no exercise: add one [exercises.ID] table per exercise.", path=path, key="exercises"
        )
    course = Course(
        id=course_table.get("id", str),
        version=course_table.get("version", str),
        title=course_table.get("title", str, ""),
        limits=limits,
        exercises=tuple(exercises),
        path=path,
        packs_dir=packs_dir,
        assignments=read_assignments(
            TableReader(root.get("assignments", dict, {}), "assignments", path),
            {exercise.id: exercise.max_score for exercise in exercises},
        ),
        late=read_late(TableReader(root.get("late", dict, {}), "late", path), course_table.table.get("deadline")),
    )
    for listener in LOAD_LISTENERS:
        listener(course)
    return course


def _packs_dir(reader: TableReader, path: Path) -> Path | None:
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


def _read_exercise(exercise_id: str, reader: TableReader, packs_dir: Path | None) -> ExerciseSpec:
    reader.reject_unknown(["module", "title", "functions", "seeds", "hidden_seeds", "rtol", "atol", "tests"])
    module = reader.get("module", str, what=f"the student module (file name without .py) that holds {exercise_id}")
    if not module.isidentifier():
        raise ConfigError(
            f"'{reader.where}.module' is {module!r}, which is not a Python module name: give the file name"
            " without .py (letters, digits and underscores).",
            path=reader.path,
            key=f"{reader.where}.module",
        )
    functions = reader.get("functions", list, [], what="the names of the functions the students write")
    if not all(isinstance(name, str) and name.isidentifier() for name in functions):
        raise ConfigError(
            f"'{reader.where}.functions' must be a list of Python names (the functions or classes the students"
            f" write for {exercise_id}), received {functions!r}.",
            path=reader.path,
            key=f"{reader.where}.functions",
        )
    seeds = _read_seeds(reader, "seeds", required=True)
    hidden_seeds = _read_seeds(reader, "hidden_seeds", required=False)
    tests_reader = TableReader(
        reader.get("tests", dict, what="a table of test name = { points = N }"), f"{reader.where}.tests", reader.path
    )
    tests = []
    for name, table in tests_reader.table.items():
        test_reader = TableReader(table, f"{tests_reader.where}.{name}", reader.path)
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
    check_functions(exercise_id, tuple(functions), pack.probes, reader.path)
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


def _read_seeds(reader: TableReader, key: str, *, required: bool) -> list[int]:
    seeds = reader.get(key, list, ... if required else [], what="a list of integer seeds")
    if (required and not seeds) or not all(isinstance(seed, int) and not isinstance(seed, bool) for seed in seeds):
        raise ConfigError(
            f"'{reader.where}.{key}' must be a non-empty list of integers, received {seeds!r}.",
            path=reader.path,
            key=f"{reader.where}.{key}",
        )
    checked: list[int] = seeds
    return checked
