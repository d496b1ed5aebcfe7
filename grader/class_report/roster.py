"""The roster of an LMS export, as the LMS or Classroom exports it, and who in the gradebook is whom.

Four layouts are read as they come (UTF-8, a byte-order mark allowed), told apart by their header:

| layout | header | the login a student is matched by |
|---|---|---|
| the grader's | `student`, `name`, `canvas_id`, ... (see `grader.class_report.lms`) | `student` |
| Canvas's gradebook export | `Student`, `ID`, `SIS User ID`, `SIS Login ID`, `Section`, assignments... | SIS Login ID, SIS User ID, ID |
| Moodle's participants export | `First name`, `Last name`, `ID number`, `Email address` (`Username`) | Username, ID number, email |
| Classroom's roster | `identifier`, `github_username`, `github_id`, `name` | identifier |

A gradebook id (a Classroom repository's folder, `keras-intro-ana`) becomes a login by
`--id-pattern "keras-intro-{login}"`, then, with `--classroom-roster` (Classroom's roster CSV), from
the GitHub user name to its `identifier` (the LMS login). Ids and logins are compared in NFC. A
gradebook student who maps to no roster student, or to two, and a roster student two gradebook
students map to, stop the export (exit 2), named.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from grader.errors import UsageError

GRADER_COLUMNS = (
    "student",
    "name",
    "canvas_id",
    "sis_user_id",
    "sis_login_id",
    "section",
    "first_name",
    "last_name",
    "id_number",
    "email",
)
# Each foreign layout: the header that marks it, its columns renamed to the grader's, and the columns it matches by.
CANVAS = {
    "Student": "name",
    "ID": "canvas_id",
    "SIS User ID": "sis_user_id",
    "SIS Login ID": "sis_login_id",
    "Section": "section",
}
MOODLE = {
    "First name": "first_name",
    "Last name": "last_name",
    "ID number": "id_number",
    "Email address": "email",
    "Username": "username",
}
CLASSROOM = {"identifier": "identifier", "github_username": "github_username", "name": "name"}
MATCH_BY = {
    "grader": ("student",),
    "canvas": ("sis_login_id", "sis_user_id", "canvas_id"),
    "moodle": ("username", "id_number", "email"),
    "classroom": ("identifier",),
}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


@dataclass(frozen=True)
class RosterEntry:
    """One student of the roster: the grader's columns, and the logins they are matched by."""

    fields: dict[str, str]
    logins: tuple[str, ...]
    where: str  # "roster.csv line 4", for messages

    @property
    def label(self) -> str:
        name = self.fields.get("name") or " ".join(
            part for part in (self.fields.get("first_name"), self.fields.get("last_name")) if part
        )
        return f"{name or self.logins[0]} ({self.where})"


def _layout(fields: list[str], path: Path) -> str:
    if "student" in fields:
        unknown = [name for name in fields if name not in GRADER_COLUMNS]
        if unknown:
            raise UsageError(
                f"The roster {path} has unknown column(s) {unknown}; the columns are {', '.join(GRADER_COLUMNS)}."
            )
        return "grader"
    if "Student" in fields and "SIS Login ID" in fields:
        return "canvas"
    if "First name" in fields and "Email address" in fields:
        return "moodle"
    if "identifier" in fields and "github_username" in fields:
        return "classroom"
    raise UsageError(
        f"The roster {path} is in no layout the grader knows (its header is {fields}). Pass Canvas's gradebook"
        " export (Student, ID, SIS User ID, SIS Login ID, Section), Moodle's participants export (First name,"
        " Last name, ID number, Email address), Classroom's roster (identifier, github_username), or a CSV with a"
        " `student` column (the gradebook's ids) and the LMS's ids."
    )


def read_roster(path: Path | None, *, unique: bool = True) -> list[RosterEntry]:
    """The roster's students; `UsageError` (exit 2) for a missing file, an unknown layout or a repeated login."""
    if path is None:
        raise UsageError(
            "--roster is required for --format canvas and moodle: Canvas's gradebook export, Moodle's participants"
            f" export, or a CSV with a `student` column (the ids of the gradebook) and the LMS's ids ({', '.join(GRADER_COLUMNS[1:])})."
        )
    if not Path(path).is_file():
        raise UsageError(f"No roster at {path}. Pass --roster with the LMS's export, or a CSV with a `student` column.")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = [name.strip() for name in reader.fieldnames or []]
        layout = _layout(fields, path)
        rename = {"canvas": CANVAS, "moodle": MOODLE, "classroom": CLASSROOM}.get(layout)
        entries = []
        for number, row in enumerate(reader, start=2):
            cells = {(key or "").strip(): _nfc(value or "") for key, value in row.items() if key}
            if layout == "canvas" and cells.get("Student", "").startswith("Points Possible"):
                continue  # Canvas's second row: the points of each assignment
            own = cells if rename is None else {new: cells.get(old, "") for old, new in rename.items()}
            logins = tuple(dict.fromkeys(own[column] for column in MATCH_BY[layout] if own.get(column)))
            if not logins and not own.get("name") and not own.get("last_name"):
                continue  # a row naming nobody: blank, or a header row of the LMS (Canvas's "Manual Posting")
            if not logins:
                raise UsageError(
                    f"Line {number} of the roster {path} gives no id to match a student by (one of"
                    f" {', '.join(MATCH_BY[layout])}): fill one, or remove the line."
                )
            entries.append(RosterEntry(own, logins, f"{Path(path).name} line {number}"))
    if unique:
        _refuse_repeats(entries, path)
    return entries


def _refuse_repeats(entries: list[RosterEntry], path: Path) -> None:
    owner: dict[str, RosterEntry] = {}
    for entry in entries:
        for login in entry.logins:
            if login in owner and owner[login] is not entry:
                raise UsageError(
                    f"{login!r} names two students of the roster {path}: {owner[login].where} and {entry.where}."
                    " Keep one line per student, with ids no other student has."
                )
            owner[login] = entry


def read_classroom_map(path: Path | None) -> dict[str, str]:
    """GitHub user name -> LMS login, from Classroom's roster CSV (identifier, github_username)."""
    if path is None:
        return {}
    if not Path(path).is_file():
        raise UsageError(f"No Classroom roster at {path}. Pass --classroom-roster with Classroom's roster CSV.")
    entries = read_roster(path, unique=False)  # two GitHub accounts of one student are named later, with their grades
    mapping: dict[str, str] = {}
    for entry in entries:
        github = entry.fields.get("github_username", "")
        if github:
            mapping[github] = entry.fields.get("identifier", "") or entry.logins[0]
    return mapping


def login_of(student: str, id_pattern: str | None, classroom: dict[str, str]) -> str | None:
    """The login a gradebook id stands for: through `--id-pattern` (None when it does not fit), then Classroom's map."""
    login = _nfc(student)
    if id_pattern:
        if id_pattern.count("{login}") != 1:
            raise UsageError(f"--id-pattern {id_pattern!r} must hold {{login}} once, as in keras-intro-{{login}}.")
        before, after = id_pattern.split("{login}")
        found = re.fullmatch(re.escape(before) + "(.+)" + re.escape(after), login)
        if found is None:
            return None
        login = found.group(1)
    return classroom.get(login, login)


def match_students(
    students: list[str], entries: list[RosterEntry], id_pattern: str | None, classroom: dict[str, str]
) -> dict[str, RosterEntry]:
    """Each gradebook student's roster entry; `UsageError` naming who maps to nobody, to two, or shares one."""
    by_login: dict[str, list[RosterEntry]] = {}
    for entry in entries:
        for login in entry.logins:
            by_login.setdefault(login, []).append(entry)
    matched: dict[str, RosterEntry] = {}
    nobody, several, shared = [], [], []
    taken: dict[int, str] = {}
    for student in students:
        found_login = login_of(student, id_pattern, classroom)
        found = list({id(entry): entry for entry in by_login.get(found_login or "", [])}.values())
        if not found:
            nobody.append(
                f"{student!r} (login {found_login!r})" if found_login not in (None, student) else repr(student)
            )
        elif len(found) > 1:
            several.append(f"{student!r} -> {', '.join(entry.label for entry in found)}")
        elif id(found[0]) in taken:
            shared.append(f"{taken[id(found[0])]!r} and {student!r} -> {found[0].label}")
        else:
            taken[id(found[0])] = student
            matched[student] = found[0]
    problems = []
    if nobody:
        problems.append(
            f"the roster lists no student for {', '.join(nobody)}"
            + (f" (with --id-pattern {id_pattern!r})" if id_pattern else "")
        )
    if several:
        problems.append(f"these map to two roster students: {'; '.join(several)}")
    if shared:
        problems.append(f"two gradebook students map to one roster student: {'; '.join(shared)}")
    if problems:
        raise UsageError(
            "Cannot tell whose grade is whose: " + "; ".join(problems) + ". Add the students to the roster, fix"
            ' their ids, or map Classroom repositories to logins with --id-pattern "PREFIX-{login}" and'
            " --classroom-roster, so that no grade is lost or given to someone else."
        )
    return matched
