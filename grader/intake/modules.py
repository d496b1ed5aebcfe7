"""The one rule for finding a submission's modules, whatever door it came through.

A submission holds the modules course.toml lists, `<module>.py`, either at its top or in an
`exercises/` folder (a whole starter repository); the first of those places that holds any
of them wins. Each module is a regular file of at most `grader.course.limits.MAX_MODULE_BYTES`. Zips, Classroom
folders, nbgrader notebooks and Gradescope submissions are all read by this rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from grader.course.limits import module_too_big
from grader.errors import SubmissionError
from grader.intake.archive import sha256_file

# Where a submission's modules may be, in order of preference.
MODULE_FOLDERS = ("", "exercises/")


def module_file(module: str) -> str:
    """The file name of a course module."""
    return f"{module}.py"


def pick_modules(files: Mapping[str, bytes], modules: tuple[str, ...]) -> dict[str, bytes]:
    """`<module>.py` -> bytes from a submission's files (relative names), by the rule above.

    Raises `SubmissionError` when no module is there, or when one is over the size limit.
    """
    for prefix in MODULE_FOLDERS:
        picked = {module_file(m): files[prefix + module_file(m)] for m in modules if prefix + module_file(m) in files}
        if picked:
            for name, data in picked.items():
                if too_big := module_too_big(name, len(data)):
                    raise SubmissionError(too_big)
            return picked
    looked_for = ", ".join(module_file(m) for m in modules)
    raise SubmissionError(f"no exercise module found (looked for {looked_for} at the top and in exercises/)")


@dataclass(frozen=True)
class FolderModules:
    """The module files found in a folder, by relative name, and the ones refused."""

    files: dict[str, bytes]
    digests: dict[str, str]
    problems: tuple[str, ...]


def read_folder(folder: Path, modules: tuple[str, ...]) -> FolderModules:
    """Read every candidate module file of `folder` (never following a link), for `pick_modules`."""
    files: dict[str, bytes] = {}
    digests: dict[str, str] = {}
    problems: list[str] = []
    for prefix in MODULE_FOLDERS:
        for module in modules:
            name, path = prefix + module_file(module), folder / prefix / module_file(module)
            if path.is_symlink() or (path.exists() and not path.is_file()):
                problems.append(f"{name} is a symbolic link or not a regular file")
            elif path.is_file():
                digests[name] = sha256_file(path)
                too_big = module_too_big(name, path.stat().st_size)
                if too_big:
                    problems.append(too_big)
                else:
                    files[name] = path.read_bytes()
    return FolderModules(files, digests, tuple(problems))


def is_student_folder(folder: Path, modules: tuple[str, ...]) -> bool:
    """Whether `folder` holds a module where the rule looks for one."""
    return any((folder / prefix / module_file(module)).exists() for prefix in MODULE_FOLDERS for module in modules)
