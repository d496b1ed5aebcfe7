"""course.toml written back for a release: the instructor's own file, less what students may not see.

`render_course_toml` starts from the file the course was loaded from (its comments and
layout kept, through tomlkit) and removes what the given course no longer has: the hidden
tests and `hidden_seeds` of `Course.without_hidden_tests`, with the comment lines just above
a removed key. The result reads back (`load_course`) as the course it was written from;
`grade release` checks that.
"""

from __future__ import annotations

from typing import Any

import tomlkit
from tomlkit.container import Container, OutOfOrderTableProxy
from tomlkit.items import Comment, Null, Table

from grader.course.config import Course
from grader.errors import ConfigError


def _remove_key(table: Table | Container | OutOfOrderTableProxy, key: str) -> None:
    """Remove `key` and the comment lines directly above it (they describe it).

    A table written in pieces (an `[assignments.x]` appended after the exercises) is a proxy over
    its pieces: the key is removed from the pieces that hold it, and from the proxy's own view."""
    if isinstance(table, OutOfOrderTableProxy):
        for piece in table._tables:  # noqa: SLF001 - tomlkit exposes the pieces of a split table only so
            if key in piece:
                _remove_key(piece, key)
        if key in table._internal_container:  # noqa: SLF001
            table._internal_container.remove(key)  # noqa: SLF001
            dict.__delitem__(table, key)
        return
    container = table.value if isinstance(table, Table) else table
    body = container.body
    index = next((i for i, (name, _) in enumerate(body) if name is not None and name.key == key), None)
    if index is None:
        return
    start = index
    while start > 0 and body[start - 1][0] is None and isinstance(body[start - 1][1], Comment):
        start -= 1
    # tomlkit's own removal leaves a Null in place; do the same for the comments above.
    for position in range(start, index):
        body[position] = (None, Null())
    container.remove(key)


def _table(document: Any, *keys: str) -> Any:
    item = document
    for key in keys:
        item = item[key]
    return item


def render_course_toml(course: Course) -> str:
    """course.toml for `course`: its source file with the tests, seeds and exercises it lacks removed."""
    try:
        document = tomlkit.parse(course.path.read_text(encoding="utf-8"))
    except (OSError, tomlkit.exceptions.TOMLKitError) as error:
        raise ConfigError(f"cannot read the course file to write it back ({error})", path=course.path) from error
    # A written course.toml finds the course's own packs in packs/ beside it, where they are copied.
    if "packs" in document.get("course", {}):
        _remove_key(_table(document, "course"), "packs")
    kept = {exercise.id: exercise for exercise in course.exercises}
    exercises = _table(document, "exercises")
    for exercise_id in [key for key in exercises if key not in kept]:
        _remove_key(exercises, exercise_id)
    for exercise_id, exercise in kept.items():
        table = exercises[exercise_id]
        if not exercise.hidden_seeds and "hidden_seeds" in table:
            _remove_key(table, "hidden_seeds")
        tests = table["tests"]
        names = {test.name for test in exercise.tests}
        for name in [key for key in tests if key not in names]:
            _remove_key(tests, name)
    _write_assignments(document, course)
    return tomlkit.dumps(document)


def _write_assignments(document: Any, course: Course) -> None:
    """Keep the course's assignments only; `points = 100` where the course scales (hidden tests removed)."""
    if "assignments" not in document:
        return
    kept = {assignment.name: assignment for assignment in course.assignments}
    assignments = _table(document, "assignments")
    for name in [key for key in assignments if key not in kept]:
        _remove_key(assignments, name)
    for name, assignment in kept.items():
        table = assignments[name]
        if assignment.points is not None:
            table["points"] = assignment.points
        elif "points" in table:
            _remove_key(table, "points")
    if not kept:
        _remove_key(document, "assignments")
