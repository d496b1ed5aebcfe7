"""Tests for grader/release/build.py and `grade release`: what the student release holds, what it
must never hold, and that it installs and grades in a fresh virtual environment."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from grader.course.config import Course, load_course
from grader.course.packs import BUILTIN_PACKS
from grader.course.secret import SECRET_FILE
from grader.course.writer import render_course_toml
from grader.errors import ConfigError
from grader.grading.reference import EXPECTED_STORE, Reference
from grader.release.build import ReleaseError, build_release
from grader.release.secrecy import refuse_secret
from tests.conftest import TEST_SECRET, counted_inputs
from tests.release_support import (
    EXERCISES,
    HARNESS_IDIOMS,
    ROOT,
    SOLUTIONS,
    Built,
    build,
    fresh_venv,
    public_points,
    solution_leaks,
    solution_regions,
    squash,
    texts,
    venv_env,
)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory)


@pytest.fixture(scope="session")
def release_bin(tmp_path_factory: pytest.TempPathFactory, built: Built) -> Path:
    return fresh_venv(tmp_path_factory, "venv-release", built.release)


def student_copy(built: Built, tmp_path: Path, *, solved: bool) -> Path:
    """A student's working copy of the release, with the solution modules copied in or not."""
    folder = tmp_path / "student"
    shutil.copytree(built.release, folder)
    if solved:
        for module in SOLUTIONS.glob("*.py"):
            shutil.copy(module, folder / "exercises" / module.name)
    return folder


def grade_json(bin_dir: Path, folder: Path) -> tuple[int, dict]:
    """The release's own `grade check --format json`, run in `folder`."""
    done = subprocess.run(
        [str(bin_dir / "grade"), "check", "--format", "json"],
        cwd=folder,
        env=venv_env(bin_dir),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_release_has_the_student_layout(built: Built, course: Course) -> None:
    """Stubs, grader with public suites, course.toml, store, pyproject, README and workflow; nothing private."""
    release = built.release
    for name in [
        "course.toml",
        "pyproject.toml",
        "README.md",
        ".github/workflows/classroom.yml",
        str(EXPECTED_STORE),
        "grader/cli.py",
    ]:
        assert (release / name).is_file(), name
    assert sorted(path.name for path in (release / "exercises").glob("*.py")) == sorted(
        path.name for path in EXERCISES.glob("*.py")
    )
    for module in (release / "exercises").glob("*.py"):
        assert module.read_text() == (EXERCISES / module.name).read_text()
    packs = release / "grader" / "packs"
    assert sorted(str(path.relative_to(packs)) for path in packs.glob("*/suite.py")) == sorted(
        str(path.relative_to(BUILTIN_PACKS)) for path in BUILTIN_PACKS.glob("*/suite.py")
    )
    assert (BUILTIN_PACKS / "square_loss" / "hidden_suite.py").is_file()
    assert not list(release.rglob("hidden_suite.py"))
    top = sorted(path.name for path in release.iterdir())
    assert top == [
        ".github",
        ".gitignore",
        ".grader",
        "README.md",
        "course.toml",
        "exercises",
        "grader",
        "pyproject.toml",
    ]
    assert not list(release.rglob("__pycache__")) and not list(release.rglob("*.pyc"))
    public = public_points(course)
    assert f"{public} points" in built.stdout
    assert f"hidden points left out: {course.max_score - public}" in built.stdout


def test_release_contains_no_solution_region_body(built: Built) -> None:
    """No region between BEGIN/END SOLUTION, nor any telling line of one, appears in any file of the release."""
    assert solution_leaks(texts(built.release)) == []


def test_solution_scan_would_see_a_leak(built: Built, tmp_path: Path) -> None:
    """The scan finds a solution line pasted into a copy of the release, so its silence means something."""
    files = texts(built.release)
    module, lines = solution_regions()[0]
    files["grader/grading/compare.py"] += f"\n    {lines[0]}  # pasted\n"
    assert any(module in leak for leak in solution_leaks(files))


def test_harness_idioms_are_really_in_the_harness() -> None:
    """Each solution line the scan lets pass is really used by the trusted harness (the packs' probes.py)."""
    probes = squash("\n".join(path.read_text() for path in sorted((ROOT / "grader" / "packs").glob("*/probes.py"))))
    solution_lines = {line for _, lines in solution_regions() for line in lines}
    for idiom in HARNESS_IDIOMS:
        assert idiom in probes and idiom in solution_lines, idiom
    assert "keras.losses.MeanSquaredError" in probes  # training_step is graded with a library loss, not the solution's


def test_release_contains_no_hidden_test_or_seed(built: Built, course: Course) -> None:
    """No hidden test's name, and no hidden seed as a number, anywhere in the release (the store's arrays aside)."""
    hidden_names = [test.name for exercise in course.exercises for test in exercise.tests if test.hidden]
    hidden_seeds = [seed for exercise in course.exercises for seed in exercise.hidden_seeds]
    assert hidden_names and hidden_seeds
    for name, text in texts(built.release).items():
        # Arrays travel as base64 .npy, where any run of digits may occur by chance.
        text = re.sub(r'"__ndarray__":\s*"[A-Za-z0-9+/=]*"', '"__ndarray__": ""', text)
        for hidden in hidden_names:
            assert hidden not in text, f"{hidden} in {name}"
        for seed in hidden_seeds:
            assert not re.search(rf"(?<![\w.+/=-]){seed}(?![\w.])", text), f"hidden seed {seed} in {name}"


def test_release_course_is_the_course_without_hidden_tests(built: Built, course: Course) -> None:
    """The release's course.toml reads back as the instructor's course minus hidden tests and seeds."""
    released = load_course(built.release / "course.toml")
    assert replace(released, path=course.path) == course.without_hidden_tests()
    public = sum(test.points for exercise in course.exercises for test in exercise.tests if not test.hidden)
    assert released.max_score == public < course.max_score
    assert all(not exercise.hidden_seeds for exercise in released.exercises)


def test_course_toml_round_trips_with_hidden_tests(course: Course, tmp_path: Path) -> None:
    """render_course_toml writes hidden tests and hidden seeds too (the Gradescope course), and they read back."""
    path = tmp_path / "course.toml"
    path.write_text(render_course_toml(course))
    assert replace(load_course(path), path=course.path) == course


def test_expected_store_has_values_and_durations(built: Built, course: Course) -> None:
    """The store reads as a Reference: expected values by probe digest, and the reference's durations."""
    store = Reference.from_store(course.without_hidden_tests(), built.release / EXPECTED_STORE)
    assert not store.can_compute and store.memo
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in store.memo)
    probes = {"square_loss.call", "square_loss.gradient", "training_step.one_step", "training_step.train"}
    assert probes <= set(store.durations) and all(seconds > 0 for seconds in store.durations.values())


def test_fresh_venv_stubs_score_zero(release_bin: Path, built: Built, tmp_path: Path, course: Course) -> None:
    """Installed in a fresh venv, the release grades its own stubs: 0 points, every test 'not implemented yet'."""
    code, result = grade_json(release_bin, student_copy(built, tmp_path, solved=False))
    assert code == 1 and result["score"] == 0 and result["max_score"] == public_points(course)
    assert result["internal_errors"] == []
    tests = [test for exercise in result["exercises"] for test in exercise["tests"]]
    public_tests = sum(1 for exercise in course.exercises for test in exercise.tests if not test.hidden)
    assert len(tests) == public_tests and all(test["message"].startswith("not implemented yet") for test in tests)


def test_fresh_venv_solutions_earn_full_public_marks(
    release_bin: Path, built: Built, tmp_path: Path, course: Course
) -> None:
    """Installed in a fresh venv, the release gives the solution modules every public point, from its store alone."""
    code, result = grade_json(release_bin, student_copy(built, tmp_path, solved=True))
    assert code == 0, result
    assert result["score"] == result["max_score"] == public_points(course) and result["internal_errors"] == []
    where = subprocess.run(
        [str(release_bin / "python"), "-c", "import grader; print(grader.__file__)"],
        cwd=tmp_path,
        env=venv_env(release_bin),
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(release_bin.parent)), where  # the release's grader, not this checkout's


def instructor_copy(tmp_path: Path) -> Path:
    """course.toml, solutions/ and exercises/ copied to a folder of their own."""
    folder = tmp_path / "instructor"
    folder.mkdir()
    shutil.copy(ROOT / "course.toml", folder)
    shutil.copytree(SOLUTIONS, folder / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(EXERCISES, folder / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def test_release_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    """Releasing into a folder with files in it is refused before any grading, and the folder is left alone."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(ReleaseError, match="not an empty folder"):
        build_release(ROOT / "course.toml", out)
    assert [path.name for path in out.iterdir()] == ["keep.txt"]


def test_release_refuses_stale_stubs(tmp_path: Path) -> None:
    """Stubs that differ from what `grade generate` makes are refused, with the command that fixes them."""
    folder = instructor_copy(tmp_path)
    (folder / "exercises" / "validation.py").write_text("# edited by hand\n")
    with pytest.raises(ReleaseError, match="grade generate"):
        build_release(folder / "course.toml", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_release_refuses_the_autograder_inside_the_release(tmp_path: Path) -> None:
    """The Gradescope zip holds hidden tests: writing it inside the students' release is refused."""
    with pytest.raises(ReleaseError, match="hidden"):
        build_release(ROOT / "course.toml", tmp_path / "out", gradescope_zip=tmp_path / "out" / "autograder.zip")


def test_release_without_solutions_says_what_to_do(tmp_path: Path) -> None:
    """A course without solutions/ cannot be released; the message says where they go."""
    folder = instructor_copy(tmp_path)
    shutil.rmtree(folder / "solutions")
    with pytest.raises(ReleaseError, match="--solutions"):
        build_release(folder / "course.toml", tmp_path / "out")


def test_release_of_one_assignment_holds_its_exercises_only(tmp_path: Path) -> None:
    """`--assignment` releases one assignment: its stubs, its exercises and assignment in course.toml, scaled to 100."""
    course = load_course(ROOT / "course.toml")
    assignment = course.assignment("tensors_and_gradients")
    release = build_release(ROOT / "course.toml", tmp_path / "release", assignment=assignment.name)
    modules = sorted(f"{exercise.module}.py" for exercise in course.exercises if exercise.id in assignment.exercises)
    assert sorted(path.name for path in (release.path / "exercises").glob("*.py")) == modules
    assert modules == ["derivatives.py", "gradients.py", "tensors.py"]
    written = load_course(release.path / "course.toml")
    assert sorted(exercise.id for exercise in written.exercises) == sorted(assignment.exercises)
    assert [(named.name, named.points) for named in written.assignments] == [(assignment.name, 100)]
    assert not list(release.path.rglob("hidden_suite.py"))
    points = sum(exercise.max_score for exercise in course.exercises if exercise.id in assignment.exercises)
    assert release.reference_result.score == release.reference_result.max_score == points


def test_release_holds_no_secret_and_no_instructor_seed(built: Built, course: Course) -> None:
    """No .grader-secret, no secret's bytes and no instructor seed anywhere in the release; the autograder zip has it."""
    plan = counted_inputs()
    instructor_seeds = [seed for exercise in course.exercises for seed in plan.spec_for(exercise).seeds]
    for name, text in texts(built.release).items():
        assert not name.endswith(SECRET_FILE), name
        assert TEST_SECRET not in text, name
        text = re.sub(r'"__ndarray__":\s*"[A-Za-z0-9+/=]*"', '"__ndarray__": ""', text)
        for seed in instructor_seeds:
            assert not re.search(rf"(?<![\w.+/=-]){seed}(?![\w.])", text), f"instructor seed {seed} in {name}"
    with zipfile.ZipFile(built.gradescope_zip) as archive:
        assert archive.read(f"course/{SECRET_FILE}").decode().strip() == TEST_SECRET


def test_refuse_secret_stops_a_release_that_would_hold_it(tmp_path: Path) -> None:
    """A secret file anywhere in the tree, or the secret's bytes inside any file, stops the release with the fix."""
    tree = tmp_path / "tree"
    (tree / "packs").mkdir(parents=True)
    refuse_secret(tree, ROOT / "course.toml")
    (tree / "packs" / "notes.md").write_text(f"key = {TEST_SECRET}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"inside packs/notes.md.*grade secret init --force"):
        refuse_secret(tree, ROOT / "course.toml")
    (tree / "packs" / "notes.md").unlink()
    (tree / "packs" / SECRET_FILE).write_text("anything\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"secret file \(packs/.grader-secret\)"):
        refuse_secret(tree, ROOT / "course.toml")
