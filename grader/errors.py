"""The grader's exit codes and error hierarchy; `cli.py` turns the errors into exit codes."""

from __future__ import annotations

import enum
from pathlib import Path


class ExitCode(enum.IntEnum):
    """The exit codes of every `grade` command, one meaning each (DESIGN.md)."""

    OK = 0  # every test passed (or: the command did what it was asked)
    TESTS_FAILED = 1  # some test failed
    USAGE = 2  # a usage or configuration error: the message says what to fix
    INTERNAL = 3  # an internal error of the grader, never the student's fault


class GraderError(Exception):
    """Base class of every error the grader reports to its user; exit code 3 by default."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(GraderError):
    """The command was called with arguments that cannot work (exit code 2)."""

    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """`course.toml` is missing, malformed or inconsistent (exit code 2)."""

    def __init__(self, message: str, *, path: Path | None = None, key: str | None = None) -> None:
        where = f"{path}: " if path is not None else ""
        super().__init__(where + message)
        self.path = path
        self.key = key


class SubmissionError(UsageError):
    """A submission cannot be read or packaged (exit code 2)."""

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class InternalError(GraderError):
    """A bug in the grader itself, never the student's fault (exit code 3)."""

    exit_code = ExitCode.INTERNAL


class PackError(InternalError):
    """An exception of an exercise pack's own code (its probe), not of the student's: the instructor's to fix,
    named by the pack's file and line; the test is an error, never the student's 0 (exit code 3)."""

    def __init__(self, message: str, *, location: str = "") -> None:
        super().__init__(message)
        # Where in the pack (`<pack>/probes.py, line N, in probe`): no input of the grading is in it.
        self.location = location
