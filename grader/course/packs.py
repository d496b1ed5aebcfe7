"""Exercise packs: where each exercise's probes and suites are, and whether they fit course.toml.

A pack is a folder named after its exercise, `<packs>/<exercise_id>/`, holding:
- `probes.py`: runs inside the sandbox; a module-level dict literal `PROBES = {"name": function}`, and,
  for an exercise whose function calls the student's other functions, a tuple literal
  `STAND_INS = ("square_loss", ...)`: a test that fails with the student's own is graded again
  with correct ones standing in (`gradechild.api.collaborators`), and passes if it then passes;
- `suite.py`: the public pytest tests, `def test_<name>(student, reference, spec)`;
- `hidden_suite.py` (optional): the hidden tests, never shipped to students;
- `plots.py` (optional): `figures(view)`, the figures of the student's HTML report.
The course's own packs folder (`[course] packs = "..."`, by default `packs/` beside
course.toml when it exists) is searched first, then the packs shipped with the grader.

Everything here reads the files as text (`ast`), never imports them: a pack's mistakes (a
syntax error, a probe its suite calls that `PROBES` lacks, a keyword a suite passes that the
probe's function does not take (`probe_calls`), a test that course.toml and the suite do not
both list) are configuration errors that name the file and what to fix.
"""

from __future__ import annotations

import ast
import difflib
import shutil
from dataclasses import dataclass
from pathlib import Path

from grader.course.probe_calls import mismatched_calls, probe_signatures
from grader.errors import ConfigError

BUILTIN_PACKS = Path(__file__).resolve().parents[1] / "packs"
PROBES_FILE = "probes.py"
SUITE_FILE = "suite.py"
HIDDEN_SUITE_FILE = "hidden_suite.py"
PLOTS_FILE = "plots.py"
PROBES_NAME = "PROBES"
STAND_INS_NAME = "STAND_INS"
TEST_PREFIX = "test_"
# The probe every worker answers without a pack (versions and device).
RESERVED_PROBES = ("environment",)


@dataclass(frozen=True)
class Pack:
    """The files of one exercise's pack."""

    exercise: str
    folder: Path
    builtin: bool
    # The probe names `probes.py` registers in PROBES.
    probe_names: tuple[str, ...]
    # The student's functions its probes can replace with correct stand-ins (`STAND_INS` in probes.py).
    stand_ins: tuple[str, ...] = ()

    @property
    def probes(self) -> Path:
        return self.folder / PROBES_FILE

    @property
    def suite(self) -> Path:
        return self.folder / SUITE_FILE

    @property
    def hidden_suite(self) -> Path | None:
        path = self.folder / HIDDEN_SUITE_FILE
        return path if path.is_file() else None

    @property
    def plots(self) -> Path | None:
        path = self.folder / PLOTS_FILE
        return path if path.is_file() else None


def copy_course_packs(packs_dir: Path | None, dest: Path, *, hidden: bool) -> Path | None:
    """Copy a course's own packs to `dest` (the `packs/` beside a written course.toml); without
    `hidden`, every hidden_suite.py is left out, so that the hidden tests never reach students. A pack's
    mutants.toml (`grade audit`'s record, which quotes solution code) is never copied."""
    if packs_dir is None:
        return None

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {name for name in names if name in ("__pycache__", "mutants.toml") or name.endswith((".pyc", ".pyo"))}
        return skipped | ({HIDDEN_SUITE_FILE} & set(names) if not hidden else set())

    if dest.resolve() == packs_dir.resolve():
        raise ConfigError(f"cannot copy the course's packs onto themselves ({dest}): write to another folder.")
    if dest.exists():
        shutil.rmtree(dest)  # a rebuild (--force): no stale pack survives
    shutil.copytree(packs_dir, dest, ignore=ignore)
    return dest


def _packs_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if (path / PROBES_FILE).is_file()) if folder.is_dir() else []


def available_packs(course_packs: Path | None) -> list[str]:
    """Every exercise id a pack exists for: the course's own, then the grader's."""
    return sorted(
        {*_packs_in(course_packs)} | {*_packs_in(BUILTIN_PACKS)} if course_packs else _packs_in(BUILTIN_PACKS)
    )


def find_pack(exercise_id: str, course_packs: Path | None, course_path: Path) -> Path:
    """The folder of the exercise's pack: the course's packs first, then the grader's own."""
    for root in (course_packs, BUILTIN_PACKS):
        if root is not None and (root / exercise_id).is_dir():
            return root / exercise_id
    known = available_packs(course_packs)
    close = difflib.get_close_matches(exercise_id, known, n=1, cutoff=0.5)
    where = f"{course_packs}/{exercise_id}/" if course_packs else f"packs/{exercise_id}/ beside course.toml"
    raise ConfigError(
        f"No pack for exercise {exercise_id!r}.{f' Did you mean {close[0]!r}?' if close else ''}"
        f" Packs found: {', '.join(known) or 'none'}. Write the pack in {where}"
        f" ({PROBES_FILE} and {SUITE_FILE}; see docs/authoring.md), or fix the exercise id.",
        path=course_path,
        key=f"exercises.{exercise_id}",
    )


def _parse(path: Path) -> ast.Module:
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as error:
        raise ConfigError(f"line {error.lineno}: {error.msg}. Fix the syntax of this pack file.", path=path) from error
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot be read ({error}).", path=path) from error


def read_probe_names(path: Path) -> tuple[str, ...]:
    """The names `probes.py` registers: the string keys of its module-level `PROBES = {...}` dict literal."""
    if not path.is_file():
        raise ConfigError(
            f"is missing: a pack needs a {PROBES_FILE} that calls the student's code in the sandbox.",
            path=path,
        )
    for node in _parse(path).body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        if not any(isinstance(target, ast.Name) and target.id == PROBES_NAME for target in targets):
            continue
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if not isinstance(value, ast.Dict) or not all(
            isinstance(key, ast.Constant) and isinstance(key.value, str) for key in value.keys
        ):
            raise ConfigError(
                f"line {node.lineno}: {PROBES_NAME} must be a dict literal with string keys,"
                f' {PROBES_NAME} = {{"call": call, ...}}, so that the grader can read the probe names.',
                path=path,
            )
        names = tuple(str(key.value) for key in value.keys if isinstance(key, ast.Constant))
        reserved = [name for name in names if name in RESERVED_PROBES]
        if reserved:
            raise ConfigError(f"the probe name {reserved[0]!r} is the grader's own; rename it.", path=path)
        return names
    raise ConfigError(
        f"defines no {PROBES_NAME}: add, at the end of the file,"
        f' {PROBES_NAME} = {{"call": your_probe_function}} naming each probe its suite calls.',
        path=path,
    )


def read_stand_ins(path: Path) -> tuple[str, ...]:
    """The names in `probes.py`'s module-level `STAND_INS = ("name", ...)` tuple literal, () without one."""
    for node in _parse(path).body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        if not any(isinstance(target, ast.Name) and target.id == STAND_INS_NAME for target in targets):
            continue
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if not isinstance(value, (ast.Tuple, ast.List)) or not all(
            isinstance(item, ast.Constant) and isinstance(item.value, str) for item in value.elts
        ):
            raise ConfigError(
                f"line {node.lineno}: {STAND_INS_NAME} must be a tuple literal of the names of the student's"
                f' functions a correct one may stand in for, {STAND_INS_NAME} = ("loss", "model").',
                path=path,
            )
        return tuple(str(item.value) for item in value.elts if isinstance(item, ast.Constant))
    return ()


def read_suite(path: Path) -> tuple[list[str], list[tuple[str, int]]]:
    """A suite's test names (without `test_`) and the probe names it calls as `.call("name", ...)`."""
    tree = _parse(path)
    tests = [
        node.name.removeprefix(TEST_PREFIX)
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(TEST_PREFIX)
    ]
    calls = [
        (node.args[0].value, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "call"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]
    return tests, calls


def _check_tests(
    path: Path, exercise_id: str, in_suite: list[str], listed: list[str], hidden: bool, course: Path
) -> None:
    table = f"[exercises.{exercise_id}.tests]"
    unlisted = [name for name in in_suite if name not in listed]
    if unlisted:
        raise ConfigError(
            f"defines test_{unlisted[0]}, which {course} does not list in {table}: add"
            f" `{unlisted[0]} = {{ points = N{', hidden = true' if hidden else ''} }}` there, or remove the test.",
            path=path,
        )
    undefined = [name for name in listed if name not in in_suite]
    if undefined:
        where = "hidden" if hidden else "public"
        raise ConfigError(
            f"{course} lists the {where} test {exercise_id}.{undefined[0]}, but this file defines no"
            f" test_{undefined[0]}: write `def test_{undefined[0]}(student, reference, spec)` in it,"
            f" or remove the line from {table}.",
            path=path,
        )


def load_pack(
    exercise_id: str,
    course_packs: Path | None,
    course_path: Path,
    *,
    public_tests: list[str],
    hidden_tests: list[str],
    hidden_seeds: bool,
) -> Pack:
    """Find and check the pack of one exercise against its course.toml lines."""
    folder = find_pack(exercise_id, course_packs, course_path)
    pack = Pack(
        exercise=exercise_id,
        folder=folder,
        builtin=folder.parent == BUILTIN_PACKS,
        probe_names=read_probe_names(folder / PROBES_FILE),
        stand_ins=read_stand_ins(folder / PROBES_FILE),
    )
    if not pack.suite.is_file():
        raise ConfigError(f"is missing: a pack needs a {SUITE_FILE} with its public tests.", path=pack.suite)
    suites = [(pack.suite, False)]
    # Without hidden seeds (a student release), hidden tests are neither listed nor run.
    hidden_suite = pack.hidden_suite if hidden_seeds else None
    if hidden_suite is not None:
        suites.append((hidden_suite, True))
    elif hidden_tests:
        raise ConfigError(
            f"{course_path.name} lists hidden tests of {exercise_id} ({', '.join(hidden_tests)}), but"
            f" {folder / HIDDEN_SUITE_FILE} does not exist: write them there (never in {SUITE_FILE}).",
            path=folder,
        )
    for path, hidden in suites:
        tests, _ = read_suite(path)
        _check_tests(path, exercise_id, tests, hidden_tests if hidden else public_tests, hidden, course_path)
    for path in [suite for suite, _ in suites] + ([pack.plots] if pack.plots is not None else []):
        for name, line in read_suite(path)[1]:
            if name not in pack.probe_names:
                close = difflib.get_close_matches(name, pack.probe_names, n=1, cutoff=0.5)
                raise ConfigError(
                    f"line {line} calls the probe {name!r}, which {pack.probes} does not register"
                    f" in {PROBES_NAME} (it has: {', '.join(pack.probe_names) or 'none'})."
                    f"{f' Did you mean {close[0]!r}?' if close else ''} Add it to {PROBES_NAME} or fix the name.",
                    path=path,
                )
    signatures = probe_signatures(_parse(pack.probes), PROBES_NAME)
    for path in [suite for suite, _ in suites] + ([pack.plots] if pack.plots is not None else []):
        for line, message in mismatched_calls(_parse(path), signatures, pack.probes)[:1]:
            raise ConfigError(f"line {line}: {message}", path=path)
    return pack
