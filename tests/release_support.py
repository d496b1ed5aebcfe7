"""Shared helpers of the release tests: one release per test session, fresh virtual
environments, the solution regions, and a reader for the files of a release.

The release (and its Gradescope zip) is built once per session, even under pytest-xdist:
the first worker builds it under a file lock in the workers' common temporary folder, the
others reuse it. Tests never write into it; they copy what they need to change.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.course.config import Course

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
REGION = re.compile(r"^[ \t]*#\s*BEGIN SOLUTION\b.*?\n(.*?)^[ \t]*#\s*END SOLUTION\b", re.M | re.S)
# A solution line shorter than this (without whitespace and comments) says nothing of the
# solution: `return loss`, `return outputs`.
TRIVIAL_LENGTH = 16
# Lines a solution shares with the trusted harness, which must call TensorFlow the standard
# way too (grader/packs/square_loss/probes.py takes the gradient of square_loss under a tape). The test
# checks that each still is in a pack's probes.py, so this list cannot go stale silently.
HARNESS_IDIOMS = frozenset({"withtf.GradientTape()astape:"})


@dataclass(frozen=True)
class Built:
    """The session's release and Gradescope autograder zip, built by the real CLI."""

    release: Path
    gradescope_zip: Path
    stdout: str


def grade_cli(
    *arguments: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 900
) -> subprocess.CompletedProcess[str]:
    """The instructor's `grade` command (this checkout) in a subprocess."""
    return subprocess.run(
        [sys.executable, "-c", "from grader.cli import main; main()", *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _shared_root(factory: pytest.TempPathFactory) -> Path:
    base = factory.getbasetemp()
    # Under pytest-xdist each worker's basetemp lies in one common folder: share that one.
    root = (base.parent if "PYTEST_XDIST_WORKER" in os.environ else base) / "release-tests"
    root.mkdir(exist_ok=True)
    return root


@contextlib.contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """`make(folder)` once per session across workers; every caller gets the folder."""
    root = _shared_root(factory)
    folder, done = root / name, root / f"{name}.done"
    with _exclusive(root / f"{name}.lock"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


def build(factory: pytest.TempPathFactory) -> Built:
    """`grade release` with `--gradescope`, from this checkout's course, once per session."""

    def make(folder: Path) -> None:
        done = grade_cli("release", str(folder / "release"), "--gradescope", str(folder / "autograder.zip"), cwd=ROOT)
        assert done.returncode == 0, done.stderr
        (folder / "stdout.txt").write_text(done.stdout)

    folder = once(factory, "build", make)
    return Built(folder / "release", folder / "autograder.zip", (folder / "stdout.txt").read_text())


def fresh_venv(factory: pytest.TempPathFactory, name: str, project: Path) -> Path:
    """A new virtual environment with `project` installed, TensorFlow borrowed from ours.

    `python -m venv`, then a .pth file naming this interpreter's site-packages (so nothing
    is downloaded), then `pip install --no-deps` of a copy of the project (a build writes
    into its source folder). Returns the environment's bin/ folder.
    """

    def make(folder: Path) -> None:
        venv = folder / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
        python = venv / "bin" / "python"
        purelib = subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        # This interpreter's site-packages (sysconfig derives them from sys.prefix).
        ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
        Path(purelib, "borrowed-from-the-kit.pth").write_text("".join(f"{path}\n" for path in ours))
        source = folder / "source"
        shutil.copytree(project, source)
        installed = subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--no-deps",
                "--no-build-isolation",
                "--no-cache-dir",
                "--quiet",
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert installed.returncode == 0, installed.stdout + installed.stderr

    return once(factory, name, make) / "venv" / "bin"


def venv_env(bin_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a command run with `bin_dir` first on PATH.

    The sandbox binds only the interpreter's own prefixes into bubblewrap, and this
    environment borrows TensorFlow from another prefix through a .pth file: inside
    bubblewrap the child could not import it. So these runs use the rlimits isolation.
    """
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", GRADER_ISOLATION="rlimits", **extra)
    return env


def squash(text: str) -> str:
    """Text without any whitespace, the form in which code is compared."""
    return re.sub(r"\s+", "", text)


def _code_lines(region: str) -> list[str]:
    """The region's lines of code, comments dropped and whitespace removed."""
    lines: dict[int, list[str]] = {}
    skipped = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    for token in tokenize.generate_tokens(io.StringIO(textwrap.dedent(region)).readline):
        if token.type not in skipped:
            lines.setdefault(token.start[0], []).append(token.string)
    return [squash("".join(tokens)) for _, tokens in sorted(lines.items())]


def solution_regions() -> list[tuple[str, list[str]]]:
    """(module, code lines) of every `# BEGIN SOLUTION` ... `# END SOLUTION` region."""
    regions = []
    for path in sorted(SOLUTIONS.glob("*.py")):
        for match in REGION.finditer(path.read_text(encoding="utf-8")):
            regions.append((path.name, _code_lines(match.group(1))))
    assert regions, f"no solution region found in {SOLUTIONS}"
    return regions


def _public_contract() -> str:
    """The stubs, squashed: what students are told anyway (signatures, docstrings, the shapes to return)."""
    return "".join(squash(path.read_text(encoding="utf-8")) for path in sorted(EXERCISES.glob("*.py")))


def is_telling(line: str) -> bool:
    """Whether a squashed solution line gives something of the solution away.

    Not a short line, not a harness idiom, and not what the stub already says: a line such
    as `return (train_inputs, train_targets), (val_inputs, val_targets)` restates the
    return value the docstring describes, and the suites' hints may restate it too.
    """
    if len(line) < TRIVIAL_LENGTH or line in HARNESS_IDIOMS:
        return False
    public = _public_contract()
    stated = line.removeprefix("return")
    return line not in public and (len(stated) < TRIVIAL_LENGTH or stated not in public)


def texts(folder: Path) -> dict[str, str]:
    """Every file under `folder` (its path included), decoded leniently: relative path -> text."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            relative = path.relative_to(folder).as_posix()
            found[relative] = relative + "\n" + path.read_bytes().decode("utf-8", errors="replace")
    return found


def solution_leaks(files: dict[str, str]) -> list[str]:
    """Where a solution region's body, or one telling line of it, appears in `files`."""
    squashed = {name: squash(text) for name, text in files.items()}
    leaks = []
    for module, lines in solution_regions():
        body = "".join(lines)
        leaks += [f"{name}: the whole region of {module}" for name, text in squashed.items() if body in text]
        for line in filter(is_telling, lines):
            leaks += [f"{name}: {line!r} from {module}" for name, text in squashed.items() if line in text]
    return leaks


def public_points(course: Course, exercise_id: str | None = None) -> int:
    """The public tests' points of the course (or of one exercise): what a student release grades."""
    return sum(
        test.points
        for exercise in course.exercises
        if exercise_id in (None, exercise.id)
        for test in exercise.tests
        if not test.hidden
    )
