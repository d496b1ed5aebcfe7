"""A pack's mutants.toml checked against its exercise and solution, each problem with its line and its fix.

`grade lint` lists these problems; `grade audit` stops on them before grading anything (a known
mistake whose text is not in the solution would otherwise be found only after every mutant of
the exercise was graded). What is checked: the TOML syntax; each `[[mutant]]` has `replace =
["old", "new"]` and `fails = [...]`; every test `fails` names is a test of the exercise; the
`replace` text is in the solution module, exactly; and for `grade lint`, that each `equivalent`
id still names a mutant of the solution.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader.authoring.mutants import exercise_mutants
from grader.course.config import ExerciseSpec

MUTANTS_FILE = "mutants.toml"
_HEADER = re.compile(r"^\s*\[\[\s*mutant\s*\]\]")
_KEY = re.compile(r"^\s*(\w+)\s*=")
_TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True)
class BankProblem:
    """One thing to fix in a mutants.toml: its line (None for the whole file) and the message, fix included."""

    path: Path
    line: int | None
    message: str


def _key_lines(text: str) -> list[dict[str, int]]:
    """For each `[[mutant]]` in order, the line of its header (`""`) and of each of its keys."""
    blocks: list[dict[str, int]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if _HEADER.match(line):
            blocks.append({"": number})
        elif line.lstrip().startswith("["):
            blocks.append({})  # another table ends the block: its keys are not a mutant's
        elif blocks and (match := _KEY.match(line)):
            blocks[-1].setdefault(match.group(1), number)
    return [block for block in blocks if "" in block]


def check_bank(exercise: ExerciseSpec, solution: Path, *, equivalents: bool = False) -> list[BankProblem]:
    """Every problem of `exercise`'s mutants.toml against its tests and the solution module `solution`; with
    `equivalents`, first its `equivalent` ids that name no mutant of the solution now (`grade lint`, not `grade
    audit`, which is what prints the new ids)."""
    path = exercise.pack.folder / MUTANTS_FILE
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _TOML_LINE.search(str(error))
        return [BankProblem(path, int(found.group(1)) if found else None, f"not valid TOML ({error}): fix the syntax.")]
    source = solution.read_text(encoding="utf-8") if solution.is_file() else ""
    tests = sorted(test.name for test in exercise.tests)
    lines = _key_lines(text)
    problems = _stale_equivalents(path, exercise, source, document.get("equivalent", [])) if equivalents else []
    for index, entry in enumerate(document.get("mutant", [])):
        where = lines[index] if index < len(lines) else {}
        name = entry.get("name", f"#{index + 1}")
        replace, fails = entry.get("replace"), entry.get("fails")
        if not (isinstance(replace, list) and len(replace) == 2 and all(isinstance(t, str) for t in replace)):
            problems.append(
                BankProblem(
                    path,
                    where.get("replace", where.get("")),
                    f'[[mutant]] {name!r} needs replace = ["text of the solution", "the mistake"]: two strings.',
                )
            )
        elif replace[0] not in source:
            close = difflib.get_close_matches(replace[0].strip(), [ln.strip() for ln in source.splitlines()], n=1)
            hint = f" (the closest line: {close[0]!r})" if close else ""
            problems.append(
                BankProblem(
                    path,
                    where.get("replace"),
                    f"[[mutant]] {name!r} replaces {replace[0]!r},"
                    f" which {solution} does not contain{hint}: copy the text from the solution"
                    " exactly, spaces included (it is replaced as text).",
                )
            )
        if not (isinstance(fails, list) and fails and all(isinstance(t, str) for t in fails)):
            problems.append(
                BankProblem(
                    path,
                    where.get("fails", where.get("")),
                    f"[[mutant]] {name!r} needs"
                    f' fails = ["test", ...]: the tests this mistake must lose (of {", ".join(tests)}).',
                )
            )
            continue
        for test in fails:
            if test not in tests:
                close = difflib.get_close_matches(test, tests, n=1)
                fix = f"did you mean {close[0]!r}?" if close else f"name one of {', '.join(tests)}."
                problems.append(
                    BankProblem(
                        path,
                        where.get("fails"),
                        f"[[mutant]] {name!r} fails {test!r}, which {exercise.id} has no test of that name: {fix}",
                    )
                )
    return problems


def _stale_equivalents(path: Path, exercise: ExerciseSpec, source: str, equivalent: list[object]) -> list[BankProblem]:
    """An `equivalent` id that names no mutant of the exercise (ids carry line numbers: an edit above moves them)."""
    ids = {mutant.id for mutant in exercise_mutants(source, exercise)}
    return [
        BankProblem(
            path,
            None,
            f"equivalent names {item!r}, which is no mutant of {exercise.id} now (did the solution's lines move?):"
            f" run `grade audit {exercise.id}` and copy the ids it prints.",
        )
        for item in sorted({str(item) for item in equivalent} - ids)
    ]
