"""A student's id, normalised once, and the inputs that could be mistaken for one another.

The id of a folder (a Classroom repository), a notebook's `submitted/<student>/` or a zip
without a manifest is its name, without `.submission.zip`/`.zip`, in Unicode NFC (macOS writes
decomposed names: `Zoe` + U+0308), case kept, nothing else changed: `x*105-alice`, `!!!`, `_carl`
stay what they are, so that no two names become one id. Files made from an id go through
`grader.safetext.student_filename`. A name that is not valid UTF-8 has each bad byte replaced by
U+FFFD (SQLite keeps only valid text). Two inputs whose different names give one id (`Zoë`
written both ways) are a collision: one error row names both, and neither is graded, so that
neither grade silently replaces the other.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from grader.intake.archive import ARCHIVE_SUFFIX
from grader.safetext import without_surrogates


def student_id(name: str) -> str:
    """The gradebook's id for an input named `name`: NFC, case kept, archive suffix removed."""
    stem = name.removesuffix(ARCHIVE_SUFFIX).removesuffix(".zip")
    return unicodedata.normalize("NFC", without_surrogates(stem)) or "unnamed"


@dataclass(frozen=True)
class Collision:
    """Inputs with different names that give one student id."""

    student: str
    paths: tuple[Path, ...]

    def message(self) -> str:
        names = ", ".join(f"{path} (name {ascii(path.name)})" for path in self.paths)
        return (
            f"{len(self.paths)} inputs give the student id {self.student!r}: {names}. Their names differ only in"
            " Unicode form or undecodable bytes, so the grader cannot tell whose grade is whose; none of them"
            " was graded. Rename the folders or files so that each student has one name, and grade them again."
        )


def name_of(path: Path, notebook: bool) -> str:
    """The name an input's id comes from: nbgrader's `submitted/<student>/<assignment>/` is named by `<student>`."""
    return path.parent.name if notebook else path.name


def find_collisions(named: list[tuple[Path, str]]) -> list[Collision]:
    """Each id that two or more different names give (`named`: each input's path and the name its id comes from)."""
    by_id: dict[str, dict[str, list[Path]]] = {}
    for path, name in named:
        by_id.setdefault(student_id(name), {}).setdefault(name, []).append(path)
    return [
        Collision(student, tuple(path for paths in names.values() for path in paths))
        for student, names in by_id.items()
        if len(names) > 1
    ]


@dataclass(frozen=True)
class Skipped:
    """An entry of an input folder that is not graded, and why."""

    path: Path
    reason: str


def hidden_entry(path: Path) -> Skipped:
    return Skipped(
        path,
        f"its name {ascii(path.name)} starts with '.', which marks a hidden file or folder (.git, .DS_Store);"
        " rename it without the dot if it is a student's submission",
    )
