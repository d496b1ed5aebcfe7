"""course.toml's [assignments.NAME] tables: exercises released, graded and exported together.

Each exercise is in exactly one assignment, and the points of an assignment add to 100:
either its tests' points add to 100 themselves, or the table says `points = 100` and they
are weights (the assignment's grade is 100 × points earned / points possible).
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.course.tables import TableReader, suggest
from grader.errors import ConfigError

# What the points of every assignment add to.
ASSIGNMENT_POINTS = 100


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


def read_assignments(reader: TableReader, max_scores: dict[str, int]) -> tuple[Assignment, ...]:
    """The [assignments.NAME] tables, given each exercise's points: each exercise in exactly one, each adding to 100."""
    by_id = max_scores
    owner: dict[str, str] = {}
    assignments = []
    for name, table in reader.table.items():
        where = f"assignments.{name}"
        table_reader = TableReader(table, where, reader.path)
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
                    f"{suggest(member, list(by_id))} The exercises are: {', '.join(by_id)}.",
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
        parts = [f"{member} {by_id[member]}" for member in members]
        total = sum(by_id[member] for member in members)
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
    unassigned = [exercise for exercise in max_scores if exercise not in owner]
    if assignments and unassigned:
        raise ConfigError(
            f"Exercise(s) {', '.join(unassigned)} are in no assignment: add each to the exercises of one"
            " [assignments.NAME] table.",
            path=reader.path,
            key="assignments",
        )
    return tuple(assignments)
