"""Tests for grader/doctor.py and the reduced-isolation warning of `grade check`: real machine checks, real commands."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys

import pytest

from grader.doctor import Finding, diagnose, exit_code, render
from grader.installation import GPU_VARIABLE
from grader.sandbox.isolation import detect_isolation
from tests.conftest import ROOT, SOLUTIONS
from tests.installation_support import TENSORFLOW_2_19, StandIn, plant

EXPECTED_FINDINGS = [
    "bubblewrap installed",
    "user namespaces",
    "sandbox",
    "privileges",
    "rlimits",
    "python",
    "tensorflow",
    "keras",
    "numpy",
]


# This environment's one TensorFlow, as its metadata names it (tensorflow-cpu on x86_64, from the `cpu` extra).
_VERSIONS = {d.metadata["Name"].lower().replace("_", "-"): d.version for d in importlib.metadata.distributions()}
INSTALLED_TENSORFLOW = next(
    f"{name} {_VERSIONS[name]}" for name in ("tensorflow-cpu", "tensorflow") if name in _VERSIONS
)


def run_grade_with(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    """The real `grade` command with changes to the environment."""
    return subprocess.run(
        [sys.executable, "-c", "from grader.cli import main; main()", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **environment},
    )


def _version(*names: str) -> str:
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "not installed"


def test_diagnose_names_every_check_with_a_fix_for_each_problem() -> None:
    """diagnose() checks bubblewrap, namespaces, the sandbox, privileges, rlimits and the versions; whatever fails says how to fix it."""
    findings = diagnose(with_device=False)
    assert [finding.name for finding in findings] == EXPECTED_FINDINGS
    assert all(finding.detail for finding in findings)
    assert all(finding.fix for finding in findings if not finding.ok)
    by_name = {finding.name: finding for finding in findings}
    assert by_name["python"].detail == sys.version.split()[0]
    assert by_name["numpy"].detail == importlib.metadata.version("numpy")
    assert by_name["sandbox"].ok == (detect_isolation().name == "bubblewrap")


def test_render_marks_problems_and_prints_their_fix() -> None:
    """A failed finding is marked `!!` and followed by its fix; a passed one is marked `ok` with no fix line."""
    text = render(
        [Finding("sandbox", False, "no bubblewrap", "sudo apt-get install bubblewrap"), Finding("python", True, "3.11")]
    )
    assert text.splitlines() == [
        "!!  sandbox: no bubblewrap",
        "    fix: sudo apt-get install bubblewrap",
        "ok  python: 3.11",
    ]


def test_grade_doctor_reports_isolation_versions_and_device() -> None:
    """`grade doctor` prints the isolation, the versions of Python, TensorFlow, Keras, NumPy and the device; exit 0 when all is well."""
    completed = run_grade_with({}, "doctor")
    lines = completed.stdout.splitlines()
    assert [line.split(":")[0][4:] for line in lines if not line.startswith("    fix:")] == EXPECTED_FINDINGS + [
        "device"
    ]
    assert f"ok  tensorflow: {INSTALLED_TENSORFLOW}" in lines
    assert f"ok  keras: {_version('keras')}" in lines
    device = next(line for line in lines if line[4:].startswith("device:"))
    assert device.startswith("ok  device: ") and ("CPU" in device or "GPU" in device), device
    bubblewrap = detect_isolation().name == "bubblewrap"
    assert completed.returncode == (0 if bubblewrap else 1), completed.stdout
    sandbox = next(line for line in lines if line[4:].startswith("sandbox:"))
    assert ("no network" in sandbox) == bubblewrap


def test_doctor_says_how_to_get_bubblewrap_when_it_is_missing(tmp_path: object) -> None:
    """With no bwrap on PATH, the doctor says it is missing, gives the install command, and the sandbox falls back to rlimits."""
    completed = run_grade_with({"PATH": "/nonexistent"}, "doctor")
    assert completed.returncode == 1
    assert "!!  bubblewrap installed: bwrap not found" in completed.stdout
    assert "    fix: sudo apt-get install bubblewrap" in completed.stdout
    assert (
        "!!  sandbox: reduced isolation, the rlimits fallback: bubblewrap (bwrap) is not installed" in completed.stdout
    )
    assert "ok  device:" in completed.stdout, "TensorFlow still starts in the rlimits fallback"


def test_forced_rlimits_is_reported_by_doctor_and_warned_once_by_check() -> None:
    """With GRADER_ISOLATION=rlimits the doctor flags the reduced isolation and its fix; `grade check` warns once and records it."""
    environment = {"GRADER_ISOLATION": "rlimits"}
    doctor = run_grade_with(environment, "doctor")
    assert doctor.returncode == 1
    assert (
        "!!  sandbox: reduced isolation, the rlimits fallback: bubblewrap turned off by GRADER_ISOLATION=rlimits"
        in doctor.stdout
    )
    assert "    fix: unset GRADER_ISOLATION" in doctor.stdout
    check = run_grade_with(environment, "check", str(SOLUTIONS), "--exercise", "split_validation", "--format", "json")
    assert check.returncode == 0, check.stderr[-2000:]
    result = json.loads(check.stdout)
    assert result["isolation"] == "rlimits" and result["score"] == result["max_score"] == 15
    assert len(result["warnings"]) == 1 and result["warnings"][0].startswith("reduced isolation: ")
    warnings = [line for line in check.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: " + result["warnings"][0]]


@pytest.fixture(scope="module")
def second_tensorflow(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """PYTHONPATH with a planted `tensorflow` 2.19.0 (Colab's) beside this environment's own TensorFlow."""
    site = plant(
        tmp_path_factory.mktemp("planted") / "site", StandIn("tensorflow", "2.19.0", TENSORFLOW_2_19, "tensorflow")
    )
    return {"PYTHONPATH": str(site)}


def test_doctor_names_two_tensorflow_distributions_and_the_command_that_fixes_them(
    second_tensorflow: dict[str, str],
) -> None:
    """Two TensorFlow distributions: the doctor names both with versions, gives one fixing command, starts no sandbox, exits 2."""
    completed = run_grade_with(second_tensorflow, "doctor")
    assert completed.returncode == 2, completed.stdout
    lines = completed.stdout.splitlines()
    tensorflow = lines.index(next(line for line in lines if line.startswith("!!  tensorflow: ")))
    assert lines[tensorflow].startswith(
        f"!!  tensorflow: conflicting TensorFlow installations: {', '.join(sorted(['tensorflow 2.19.0', INSTALLED_TENSORFLOW]))}"
    )
    names = " ".join(sorted(["tensorflow", INSTALLED_TENSORFLOW.split()[0]]))
    assert (
        lines[tensorflow + 1]
        == f'    fix: {sys.executable} -m pip uninstall -y {names} && {sys.executable} -m pip install "tensorflow==2.19.0"'
    )
    assert "!!  device: not started: fix tensorflow first (above)" in lines


@pytest.mark.parametrize(
    "arguments",
    [
        ("check", str(SOLUTIONS)),
        ("submit", str(SOLUTIONS), "--student", "s1", "--out", "/nonexistent-out"),
        ("batch", str(SOLUTIONS), "--gradebook", "/nonexistent/gradebook.sqlite"),
        ("release", "/nonexistent/release"),
        ("nbgrader", "/nonexistent/course"),
    ],
    ids=lambda arguments: arguments[0],
)
def test_every_grading_command_stops_with_exit_2_before_tensorflow(
    second_tensorflow: dict[str, str], arguments: tuple[str, ...]
) -> None:
    """Each grading command checks the installation first: exit 2, the conflict named with its fix, no traceback."""
    completed = run_grade_with(second_tensorflow, *arguments)
    assert completed.returncode == 2, completed.stderr[-2000:]
    assert completed.stderr.startswith("Error: TensorFlow cannot start for grading here:\n- conflicting TensorFlow")
    assert f'{sys.executable} -m pip install "tensorflow==2.19.0"' in completed.stderr
    assert "Traceback" not in completed.stderr and completed.stdout == ""


def test_doctor_on_a_gpu_runner_names_the_cpu_build() -> None:
    """GRADER_REQUIRE_GPU=1 with this CPU-only build: the gpu line says so with the swap to tensorflow[and-cuda]; exit 2."""
    completed = run_grade_with({GPU_VARIABLE: "1"}, "doctor")
    assert completed.returncode == 2, completed.stdout
    name, version = INSTALLED_TENSORFLOW.split()
    if name != "tensorflow-cpu":
        pytest.skip(f"this environment has {INSTALLED_TENSORFLOW}, not the CPU-only build")
    assert (
        f"!!  gpu: {GPU_VARIABLE} is set (a GPU runner) but tensorflow-cpu {version} is a CPU-only build"
        in completed.stdout
    )
    assert f'tensorflow[and-cuda]=={version}"' in completed.stdout


def test_exit_code_is_2_only_for_what_blocks_grading() -> None:
    """A blocking finding (TensorFlow, Keras, GPU) gives 2; reduced isolation alone gives 1; all well gives 0."""
    fine, reduced = Finding("python", True, "3.11"), Finding("sandbox", False, "rlimits", "install bubblewrap")
    blocked = Finding("tensorflow", False, "two of them", "pip uninstall ...", blocking=True)
    assert [exit_code([fine]), exit_code([fine, reduced]), exit_code([reduced, blocked])] == [0, 1, 2]
