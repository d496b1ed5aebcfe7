"""Where the course is: the course.toml a command grades against."""

from __future__ import annotations

from pathlib import Path


def find_course(start: Path, explicit: Path | None) -> Path:
    """`--course` if given, else the nearest course.toml from `start` upwards, else ./course.toml."""
    if explicit is not None:
        return explicit
    start = start.resolve()
    for folder in [start, *start.parents]:
        candidate = folder / "course.toml"
        if candidate.is_file():
            return candidate
    return Path.cwd() / "course.toml"
