"""The course secret: what makes the instructor's inputs ones that no student has seen.

The grading that counts (`grade batch`, its Dask workers, the Gradescope autograder, nbgrader's
autograde on the instructor's side) draws every test's inputs from seeds derived by HMAC-SHA256
from this secret, the exercise, the set of seeds (public tests or hidden tests), the seed's index
and, with `--per-student`, the student's id. The public seeds of course.toml are in every student
release; the secret is in none: it lives in `.grader-secret` beside `course.toml` (listed in the
course's `.gitignore`), or in the `GRADER_SECRET` environment variable, which wins (CI, Gradescope).

Knowing the derived seeds would be knowing the inputs (the public suites are in the release), so
neither the secret nor a seed derived from it is ever written where a student can read it.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import os
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.errors import ConfigError

SECRET_FILE = ".grader-secret"
SECRET_VARIABLE = "GRADER_SECRET"
# 32 random bytes, written as 64 hexadecimal characters; a GRADER_SECRET must hold as many bits.
SECRET_BYTES = 32
MINIMUM_SECRET_CHARACTERS = 32
# Derived seeds fall in this range: far from the small public seeds, and room for a suite's `seed + k`.
SEED_LOW = 10_000
SEED_HIGH = 2**31 - 10_000
GITIGNORE_LINE = f"/{SECRET_FILE}"


class SeedSet(enum.StrEnum):
    """Which seeds of an exercise a derived seed replaces."""

    PUBLIC_TESTS = "seeds"
    HIDDEN_TESTS = "hidden_seeds"


@dataclass(frozen=True)
class CourseSecret:
    """The secret's bytes and where they came from (said to the instructor, never the bytes)."""

    key: bytes
    origin: str

    def __repr__(self) -> str:  # Never print the key by accident (a traceback, a log).
        return f"CourseSecret(origin={self.origin!r}, fingerprint={self.fingerprint})"

    @property
    def fingerprint(self) -> str:
        """A short public name of the secret (not a way back to it): two machines compare theirs."""
        return hmac.new(self.key, b"grader fingerprint", hashlib.sha256).hexdigest()[:16]

    def seed(self, exercise: str, seed_set: SeedSet, index: int, student: str | None = None) -> int:
        """The instructor's seed number `index` of `exercise`'s `seed_set` (for `student`, if per student)."""
        parts = ["grader-seed-v1", exercise, seed_set.value, str(index)]
        if student is not None:
            parts.append(normalise_student(student))
        digest = hmac.new(self.key, "\0".join(parts).encode("utf-8"), hashlib.sha256).digest()
        return SEED_LOW + int.from_bytes(digest[:8], "big") % (SEED_HIGH - SEED_LOW)


def normalise_student(student: str) -> str:
    """A student's id as the derivation sees it: Unicode NFC, surrounding spaces removed, case kept."""
    return unicodedata.normalize("NFC", student).strip()


def secret_path(course_path: Path) -> Path:
    return Path(course_path).parent / SECRET_FILE


def _parse(text: str, origin: str) -> CourseSecret:
    value = text.strip()
    if len(value) < MINIMUM_SECRET_CHARACTERS:
        raise ConfigError(
            f"The course secret in {origin} has {len(value)} characters; it needs at least"
            f" {MINIMUM_SECRET_CHARACTERS} (a guessable secret makes the instructor's inputs guessable)."
            " Run `grade secret init --force` for a new one, or set GRADER_SECRET to 64 random hexadecimal characters."
        )
    return CourseSecret(key=value.encode("utf-8"), origin=origin)


def load_secret(course_path: Path) -> CourseSecret | None:
    """GRADER_SECRET if set, else `.grader-secret` beside course.toml, else None."""
    variable = os.environ.get(SECRET_VARIABLE)
    if variable is not None:
        return _parse(variable, f"the environment variable {SECRET_VARIABLE}")
    path = secret_path(course_path)
    if not path.is_file():
        return None
    try:
        return _parse(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"Cannot read the course secret {path}: {error}. Fix its permissions or remove it."
        ) from error


def init_secret(course_path: Path, *, force: bool = False) -> Path:
    """Write a new random secret beside course.toml (mode 0600) and list it in the course's .gitignore."""
    path = secret_path(course_path)
    if path.exists() and not force:
        raise ConfigError(
            f"{path} exists already. Keep it: grades and per-student inputs depend on it. Pass --force to replace"
            " it (every later grading then uses other inputs)."
        )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(SECRET_BYTES) + "\n")
    ignore_secret(Path(course_path).parent)
    return path


def ignore_secret(course_dir: Path) -> None:
    """Add `/.grader-secret` to the course folder's .gitignore (made if missing), once."""
    gitignore = course_dir / ".gitignore"
    lines = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.is_file() else []
    if GITIGNORE_LINE in lines or SECRET_FILE in lines:
        return
    text = "\n".join(
        [*lines, "# The course secret: the instructor's inputs come from it; never commit or share it.", GITIGNORE_LINE]
    )
    gitignore.write_text(text + "\n", encoding="utf-8")


def require_secret(course_path: Path, say: Callable[[str], None] | None = None) -> CourseSecret:
    """The course secret; the first instructor grading without one creates it (and says where)."""
    found = load_secret(course_path)
    if found is not None:
        return found
    path = init_secret(course_path)
    if say is not None:
        say(
            f"Created the course secret {path}: the grading that counts draws its inputs from it, so no student has"
            " seen them. Keep it private (it is in the course's .gitignore) and keep it for the whole term."
        )
    loaded = load_secret(course_path)
    if loaded is None:  # pragma: no cover - just written
        raise ConfigError(f"Wrote {path} but cannot read it back.")
    return loaded
