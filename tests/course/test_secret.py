"""The course secret: made private and ignored by git, overridden by GRADER_SECRET, and the seeds it derives."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from grader.course.secret import (
    SECRET_FILE,
    SECRET_VARIABLE,
    SEED_HIGH,
    SEED_LOW,
    CourseSecret,
    SeedSet,
    init_secret,
    load_secret,
    require_secret,
)
from grader.errors import ConfigError
from tests.conftest import ROOT, TEST_SECRET


@pytest.fixture()
def course_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty course folder, and no GRADER_SECRET in the environment."""
    monkeypatch.delenv(SECRET_VARIABLE, raising=False)
    path = tmp_path / "course.toml"
    path.write_text("", encoding="utf-8")
    return path


def test_init_writes_a_private_random_secret_and_ignores_it_in_git(course_path: Path) -> None:
    """`init_secret`: 64 hexadecimal characters, mode 0600, and one /.grader-secret line in .gitignore."""
    (course_path.parent / ".gitignore").write_text("__pycache__/\n", encoding="utf-8")
    path = init_secret(course_path)
    assert path == course_path.parent / SECRET_FILE
    text = path.read_text(encoding="utf-8").strip()
    assert len(text) == 64 and int(text, 16) >= 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    init_secret(course_path, force=True)
    assert path.read_text(encoding="utf-8").strip() != text
    assert (course_path.parent / ".gitignore").read_text(encoding="utf-8").splitlines().count("/.grader-secret") == 1
    assert "__pycache__/" in (course_path.parent / ".gitignore").read_text(encoding="utf-8")


def test_init_refuses_to_replace_a_secret_without_force(course_path: Path) -> None:
    """A second `init` without --force says why the secret must be kept."""
    init_secret(course_path)
    with pytest.raises(ConfigError, match="exists already. Keep it"):
        init_secret(course_path)


def test_the_environment_variable_wins_and_a_short_secret_is_refused(
    course_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GRADER_SECRET overrides the file; a secret under 32 characters stops with how to make one."""
    init_secret(course_path)
    from_file = load_secret(course_path)
    assert from_file is not None and from_file.origin.endswith(SECRET_FILE)
    monkeypatch.setenv(SECRET_VARIABLE, TEST_SECRET)
    from_variable = load_secret(course_path)
    assert from_variable is not None and from_variable.origin == f"the environment variable {SECRET_VARIABLE}"
    assert from_variable.fingerprint != from_file.fingerprint
    assert TEST_SECRET not in repr(from_variable)
    monkeypatch.setenv(SECRET_VARIABLE, "short")
    with pytest.raises(ConfigError, match="has 5 characters; it needs at least 32"):
        load_secret(course_path)


def test_require_secret_creates_one_and_says_where(course_path: Path) -> None:
    """The first grading that counts without a secret makes one and tells the instructor to keep it private."""
    said: list[str] = []
    secret = require_secret(course_path, said.append)
    assert (course_path.parent / SECRET_FILE).is_file()
    assert len(said) == 1 and str(course_path.parent / SECRET_FILE) in said[0] and "private" in said[0]
    assert require_secret(course_path, said.append) == secret and len(said) == 1


def test_seeds_depend_on_every_part_of_the_derivation() -> None:
    """Another secret, exercise, seed set, index or student gives another seed; NFC and NFD names give the same."""
    secret = CourseSecret(key=TEST_SECRET.encode(), origin="test")
    other = CourseSecret(key=TEST_SECRET[::-1].encode(), origin="test")
    base = secret.seed("square_loss", SeedSet.PUBLIC_TESTS, 0)
    variants = {
        other.seed("square_loss", SeedSet.PUBLIC_TESTS, 0),
        secret.seed("training_step", SeedSet.PUBLIC_TESTS, 0),
        secret.seed("square_loss", SeedSet.HIDDEN_TESTS, 0),
        secret.seed("square_loss", SeedSet.PUBLIC_TESTS, 1),
        secret.seed("square_loss", SeedSet.PUBLIC_TESTS, 0, "ana"),
    }
    assert base not in variants and len(variants) == 5
    assert all(SEED_LOW <= seed < SEED_HIGH for seed in {base, *variants})
    assert secret.seed("square_loss", SeedSet.PUBLIC_TESTS, 0) == base
    nfc, nfd = "Zo\u00eb", "Zoe\u0308"
    assert secret.seed("x", SeedSet.PUBLIC_TESTS, 0, nfc) == secret.seed("x", SeedSet.PUBLIC_TESTS, 0, nfd)


def test_grade_secret_init_command(tmp_path: Path) -> None:
    """`grade secret init` in a course folder writes the file and says to keep it private; again, it exits 2."""
    (tmp_path / "course.toml").write_bytes((ROOT / "course.toml").read_bytes())
    environment = {name: value for name, value in os.environ.items() if name != SECRET_VARIABLE}
    command = [sys.executable, "-c", "from grader.cli import main; main()", "secret", "init"]
    first = subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / SECRET_FILE).is_file() and "/.grader-secret" in (tmp_path / ".gitignore").read_text()
    again = subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and "exists already" in again.stderr
