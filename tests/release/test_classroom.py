"""Tests for the GitHub Classroom workflow (grader/release/workflow.py) and runner results
(grader/reporters/classroom.py): the grading step's command runs for real on the release,
and what it writes is decoded the way `autograding-grading-reporter` decodes it."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from grader.course.config import Course
from grader.installation import GPU_VARIABLE
from grader.release.build import ReleaseError, build_release
from grader.release.workflow import GRADING_STEP_ID, JOB_ID, REPORTER_ACTION, render_workflow, runner_names
from grader.reporters.classroom import output_name, runner_results
from grader.results import ERROR, FAILED, PASSED, ExerciseResult, GradeResult, TestResult
from tests.release_support import EXERCISES, ROOT, SOLUTIONS, Built, build, fresh_venv, public_points, venv_env

OUTPUT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")
STEP_OUTPUT = re.compile(r"\$\{\{\s*steps\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)\s*\}\}")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory)


@pytest.fixture(scope="session")
def release_bin(tmp_path_factory: pytest.TempPathFactory, built: Built) -> Path:
    return fresh_venv(tmp_path_factory, "venv-release", built.release)


def job(workflow_text: str) -> dict[str, Any]:
    workflow = yaml.safe_load(workflow_text)
    assert set(workflow) >= {"name", "on", "permissions", "jobs"}  # "on" is quoted, or YAML 1.1 reads True
    assert workflow["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}
    assert (
        list(workflow["jobs"]) == [JOB_ID] and "name" not in workflow["jobs"][JOB_ID]
    )  # the reporter finds the check run by the job id
    return workflow["jobs"][JOB_ID]


def steps(job_: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The one grading step and the reporter step."""
    grading = [step for step in job_["steps"] if "grade check" in step.get("run", "")]
    reporter = [step for step in job_["steps"] if step.get("uses") == REPORTER_ACTION]
    assert len(grading) == 1 and len(reporter) == 1
    assert grading[0]["id"] == GRADING_STEP_ID and "--format classroom" in grading[0]["run"]
    return grading[0], reporter[0]


def run_grading_step(release_bin: Path, folder: Path, command: str, tmp_path: Path) -> dict[str, str]:
    """Run the step's `run:` like Actions does (bash -e), with $GITHUB_OUTPUT a temp file; return its outputs."""
    output = tmp_path / "github_output"
    output.write_text("")
    done = subprocess.run(
        ["bash", "-e", "-c", command],
        cwd=folder,
        env=venv_env(release_bin, GITHUB_OUTPUT=str(output)),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr  # 0 and 1 are grades: the step succeeds and the reporter runs
    outputs = {}
    for line in output.read_text().splitlines():
        name, _, value = line.partition("=")
        assert OUTPUT_NAME.fullmatch(name) and value and "\n" not in value, line
        outputs[name] = value
    return outputs


def decode_as_reporter(reporter: dict[str, Any], outputs: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """What the reporter does: each runner's `<NAME>_RESULTS` variable, base64 then JSON."""
    decoded = []
    for runner in reporter["with"]["runners"].split(","):
        variable = f"{runner.strip().upper()}_RESULTS"
        assert ENV_NAME.fullmatch(variable), variable
        match = STEP_OUTPUT.fullmatch(reporter["env"][variable])
        assert match and match.group(1) == GRADING_STEP_ID, reporter["env"][variable]
        decoded.append((runner.strip(), json.loads(base64.b64decode(outputs[match.group(2)]).decode("utf-8"))))
    return decoded


def table_score(results: dict[str, Any]) -> float:
    """The reporter's summary table: passed tests / all tests x (max_score or 1)."""
    passed = sum(test["status"] == "pass" for test in results["tests"])
    return passed / len(results["tests"]) * (results["max_score"] or 1)


def classroom_total(runners: list[tuple[str, dict[str, Any]]]) -> int:
    """What the reporter sends to Classroom: tests[].score summed over runners with a max_score."""
    return sum(test["score"] for _, results in runners if results["max_score"] for test in results["tests"])


def graded_runners(
    built: Built, release_bin: Path, tmp_path: Path, broken: str | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """The release with the solutions (one module left a stub if `broken`), graded by the workflow's own step."""
    folder = tmp_path / "repository"
    shutil.copytree(built.release, folder)
    for module in SOLUTIONS.glob("*.py"):
        shutil.copy(EXERCISES / module.name if module.name == broken else module, folder / "exercises" / module.name)
    grading, reporter = steps(job((folder / ".github" / "workflows" / "classroom.yml").read_text()))
    runners = decode_as_reporter(reporter, run_grading_step(release_bin, folder, grading["run"], tmp_path))
    for name, results in runners:
        assert set(results) >= {"version", "status", "max_score", "tests"}, name
        assert table_score(results) == sum(test["score"] for test in results["tests"]), name  # both counts agree
    return runners


def test_workflow_has_the_classroom_shape(built: Built, course: Course) -> None:
    """One job with Classroom's permissions, one install, one grading step, the reporter reading every runner."""
    job_ = job((built.release / ".github" / "workflows" / "classroom.yml").read_text())
    assert job_["runs-on"] == "ubuntu-latest"
    installs = [step for step in job_["steps"] if "pip install" in step.get("run", "")]
    assert len(installs) == 1 and 'pip install ".[cpu]"' in installs[0]["run"]
    assert "env" not in job_  # no GPU required on GitHub's runner
    grading, reporter = steps(job_)
    names = runner_names(course.without_hidden_tests())
    assert reporter["with"]["runners"].split(",") == names
    assert set(reporter["env"]) == {f"{name.upper()}_RESULTS" for name in names}
    assert reporter["if"] == "${{ !cancelled() }}"


def test_gpu_workflow_runs_on_the_self_hosted_labels(course: Course) -> None:
    """--runs-on gives a self-hosted job with those labels that installs the gpu extra, grading the same way."""
    public = course.without_hidden_tests()
    hosted, gpu = job(render_workflow(public)), job(render_workflow(public, ["gpu", "a100"]))
    assert gpu["runs-on"] == ["self-hosted", "gpu", "a100"]
    installs = [step for step in gpu["steps"] if "pip install" in step.get("run", "")]
    assert len(installs) == 1 and '".[gpu]"' in installs[0]["run"]
    assert steps(gpu)[0]["run"] == steps(hosted)[0]["run"] and steps(gpu)[1] == steps(hosted)[1]


def test_gpu_workflow_installs_one_tensorflow_and_requires_the_gpu(course: Course) -> None:
    """A GPU runner installs `.[gpu]` alone in a venv the step makes fresh, and sets GRADER_REQUIRE_GPU=1 (no GPU: exit 2)."""
    gpu = job(render_workflow(course.without_hidden_tests(), ["gpu"]))
    assert gpu["env"] == {GPU_VARIABLE: "1"}
    (install,) = [step["run"] for step in gpu["steps"] if "pip install" in step.get("run", "")]
    lines = [line for line in install.splitlines() if line.strip()]
    assert lines[0] == 'python3 -m venv "$RUNNER_TEMP/grader-venv"'
    assert [line.split("pip install ")[1] for line in lines if "pip install" in line] == ["--upgrade pip", '".[gpu]"']


def test_grading_step_gives_the_full_score_with_the_solutions(
    built: Built, release_bin: Path, tmp_path: Path, course: Course
) -> None:
    """The workflow's grading step on the release with the solutions: every runner passes, every public point both ways."""
    runners = graded_runners(built, release_bin, tmp_path)
    assert all(results["status"] == "pass" for _, results in runners)
    assert classroom_total(runners) == sum(table_score(results) for _, results in runners) == public_points(course)
    assert all(results["environment"]["device"] for _, results in runners)  # where it ran is recorded


def test_one_broken_exercise_loses_exactly_its_points(
    built: Built, release_bin: Path, tmp_path: Path, course: Course
) -> None:
    """With gradients.py left a stub, the acceleration runners score 0, every other runner full: acceleration's 15 lost."""
    runners = graded_runners(built, release_bin, tmp_path, broken="gradients.py")
    for name, results in runners:
        expected = 0 if name.startswith("acceleration_") else results["max_score"]
        assert sum(test["score"] for test in results["tests"]) == expected, name
        assert results["status"] == ("fail" if name.startswith("acceleration_") else "pass")
    expected_total = public_points(course) - public_points(course, "acceleration")
    assert classroom_total(runners) == sum(table_score(results) for _, results in runners) == expected_total


def unequal_result() -> GradeResult:
    """One exercise with tests of 3, 3, 5 and 0 points, a hidden one, a failure and an internal error."""
    tests = (
        TestResult(name="a", status=PASSED, score=3, max_score=3),
        TestResult(name="b", status=FAILED, score=0, max_score=3, message="b is wrong", hint="use the mean"),
        TestResult(name="c", status=PASSED, score=5, max_score=5),
        TestResult(name="zero", status=PASSED, score=0, max_score=0),
        TestResult(name="secret_name", status=FAILED, score=0, max_score=5, hidden=True, message="secret input 0.123"),
        TestResult(name="d", status=ERROR, score=0, max_score=2, message="internal error in the grader"),
    )
    return GradeResult(
        course_id="c",
        course_version="1",
        exercises=(ExerciseResult(id="square_loss", title="t", tests=tests),),
        environment={"device": "GPU: test", "python": "3.11"},
        isolation="bubblewrap",
    )


def test_runners_split_unequal_points_so_both_counts_agree() -> None:
    """Tests of 3 and 5 points go to different runners; 0-point tests to none; table and total agree."""
    runners = runner_results(unequal_result())
    assert list(runners) == ["square_loss_3pt", "square_loss_5pt", "square_loss_2pt"]
    decoded = list(runners.items())
    assert [table_score(results) for _, results in decoded] == [3.0, 5.0, 0.0]
    assert classroom_total(decoded) == 8 == unequal_result().score
    assert [results["status"] for _, results in decoded] == ["fail", "fail", "error"]
    assert runners["square_loss_3pt"]["tests"][1]["message"] == "b is wrong Hint: use the mean"


def test_hidden_tests_show_neither_name_nor_message() -> None:
    """A hidden test keeps its points in its runner but shows only 'hidden test' and no message."""
    text = json.dumps(runner_results(unequal_result()))
    assert "secret" not in text
    hidden = runner_results(unequal_result())["square_loss_5pt"]["tests"][1]
    assert hidden == {**hidden, "name": "square_loss: hidden test", "message": "", "status": "fail", "score": 0}


def test_output_names_are_valid_and_upper_case_to_the_env_names(course: Course) -> None:
    """Every runner name is a valid step output name, and upper-cased it is the variable the reporter reads."""
    for name in runner_names(course):
        assert OUTPUT_NAME.fullmatch(output_name(name)) and ENV_NAME.fullmatch(f"{name.upper()}_RESULTS")
        assert output_name(name).upper() == f"{name.upper()}_RESULTS"


def test_release_refuses_a_runner_label_that_is_not_one(tmp_path: Path) -> None:
    """A --runs-on value with a comma or nothing in it is refused before any grading."""
    for label in ("gpu,a100", " "):
        with pytest.raises(ReleaseError, match="runner label"):
            build_release(ROOT / "course.toml", tmp_path / "out", runs_on=[label])
