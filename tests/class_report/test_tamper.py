"""The tamper check on real git repositories: every file that changes what runs, the whole history, CRLF clones."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, run_grade

from grader.batch.gradebook import OK, Gradebook, Row
from grader.class_report.tamper import check_repository, load_protected, record_protected

WORKFLOW = ".github/workflows/classroom.yml"
ENV = {**os.environ, "GIT_AUTHOR_NAME": "s", "GIT_AUTHOR_EMAIL": "s@example.edu", "GIT_COMMITTER_NAME": "s",
       "GIT_COMMITTER_EMAIL": "s@example.edu"}  # fmt: skip


def git(repository: Path, *arguments: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repository), *arguments], check=True, env=ENV, capture_output=True, text=True
    )
    return done.stdout.strip()


def commit(repository: Path, message: str) -> str:
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", message)
    return git(repository, "rev-parse", "HEAD")[:12]


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release with a workflow, course.toml, pyproject.toml (the `grade` entry point) and its record."""
    folder = tmp_path_factory.mktemp("release") / "release"
    (folder / ".github" / "workflows").mkdir(parents=True)
    (folder / WORKFLOW).write_text(
        "on: push\njobs:\n  grade:\n    steps:\n      - run: grade check\n", encoding="utf-8"
    )
    shutil.copy(ROOT / "course.toml", folder / "course.toml")
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[project.scripts]\ngrade = "grader.cli:main"\n', encoding="utf-8"
    )
    (folder / "exercises").mkdir()
    (folder / "exercises" / "validation.py").write_text("def split_validation():\n    pass\n", encoding="utf-8")
    record_protected(folder)
    return folder


def student_repository(release: Path, root: Path, name: str) -> Path:
    """A Classroom repository: the release as its first commit."""
    repository = root / name
    shutil.copytree(release, repository, ignore=shutil.ignore_patterns("protected.json"))
    git(repository, "init", "-q")
    commit(repository, "Initial commit")
    return repository


@pytest.fixture(scope="module")
def repositories(release: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[str]]]:
    """One repository per way of tampering (and one honest CRLF clone); the commits that did it."""
    root = tmp_path_factory.mktemp("classroom")
    made: dict[str, tuple[Path, list[str]]] = {}
    shim = student_repository(release, root, "shim")
    pyproject = (shim / "pyproject.toml").read_text(encoding="utf-8")
    (shim / "pyproject.toml").write_text(pyproject.replace("grader.cli:main", "exercises.shim:main"), encoding="utf-8")
    made["shim"] = (shim, [commit(shim, "entry point")])
    setup = student_repository(release, root, "setup")
    (setup / "setup.py").write_text("import os\nos.system('echo 222/222')\n", encoding="utf-8")
    (setup / "exercises" / "conftest.py").write_text("import pytest\n", encoding="utf-8")
    (setup / "exercises" / "evil.pth").write_text("import os\n", encoding="utf-8")
    made["setup"] = (setup, [commit(setup, "helpers")])
    reverted = student_repository(release, root, "reverted")
    original = (reverted / WORKFLOW).read_text(encoding="utf-8")
    (reverted / WORKFLOW).write_text(original.replace("grade check", "echo 100"), encoding="utf-8")
    edit = commit(reverted, "tweak")
    (reverted / WORKFLOW).write_text(original, encoding="utf-8")
    made["reverted"] = (reverted, [edit, commit(reverted, "undo [skip ci]")])
    crlf = student_repository(release, root, "crlf")
    for path in [crlf / WORKFLOW, crlf / "course.toml", crlf / "pyproject.toml"]:
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))  # as a clone with core.autocrlf=true checks out
    made["crlf"] = (crlf, [])
    return made


def test_pyproject_entry_point_is_tampering(release: Path, repositories: dict[str, tuple[Path, list[str]]]) -> None:
    """A student's `grade = exercises.shim:main` is a changed pyproject.toml, now and in its commit."""
    repository, (edit,) = repositories["shim"]
    finding = check_repository("shim", repository, load_protected(release))
    assert finding.changed == ("pyproject.toml",) and finding.history == (f"{edit} changed pyproject.toml",)


def test_setup_py_conftest_and_pth_are_tampering(
    release: Path, repositories: dict[str, tuple[Path, list[str]]]
) -> None:
    """A root setup.py (run by `pip install .`), a conftest.py and a .pth file anywhere are added protected files."""
    repository, _ = repositories["setup"]
    finding = check_repository("setup", repository, load_protected(release))
    assert finding.added == ("exercises/conftest.py", "exercises/evil.pth", "setup.py")


def test_workflow_edited_then_reverted_is_reported_with_its_commit(
    release: Path, repositories: dict[str, tuple[Path, list[str]]]
) -> None:
    """The workflow is as released at HEAD, but the commit that edited it (graded by Classroom) is listed."""
    repository, (edit, _) = repositories["reverted"]
    finding = check_repository("reverted", repository, load_protected(release))
    assert (finding.changed, finding.added, finding.missing) == ((), (), ())
    assert finding.tampered and finding.history == (f"{edit} changed {WORKFLOW}",)


def test_crlf_clone_is_not_tampering(release: Path, repositories: dict[str, tuple[Path, list[str]]]) -> None:
    """Line endings converted to CRLF on checkout change no hash."""
    repository, _ = repositories["crlf"]
    assert not check_repository("crlf", repository, load_protected(release)).tampered


def test_report_lists_each_student_and_their_commits(
    release: Path, repositories: dict[str, tuple[Path, list[str]]], tmp_path: Path
) -> None:
    """`grade report --release`: the three tampered repositories in summary.json, with the reverted commit; not the CRLF one."""
    gradebook = tmp_path / "gb.sqlite"
    with Gradebook(gradebook, course_id="keras-intro") as book:
        for number, (student, (repository, _)) in enumerate(sorted(repositories.items())):
            book.record(Row(student=student, source=str(repository), sha256=f"{number:064x}", submitted_at=None,
                            graded_at="2026-01-01T00:00:00Z", status=OK, score=1, max_score=2))  # fmt: skip
    done = run_grade("report", "--gradebook", str(gradebook), "--out", str(tmp_path / "r"), "--release", str(release))
    assert done.returncode == 0, done.stderr
    tampered = {
        entry["student"]: entry for entry in json.loads((tmp_path / "r" / "summary.json").read_text())["tampered"]
    }
    assert set(tampered) == {"shim", "setup", "reverted"}
    assert tampered["reverted"]["history"] == [f"{repositories['reverted'][1][0]} changed {WORKFLOW}"]
    assert "tampered Classroom repositories: 3 of 4 checked" in done.stdout
