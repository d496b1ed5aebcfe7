"""`grade batch` on a Dask cluster (issue 14), all real: LocalClusters on 127.0.0.1, worker and client killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.batch.progress import TerminalProgress
from tests.batch.test_batch import submission_zip
from tests.conftest import COURSE_MODULES, ROOT, SOLUTIONS
from tests.release_support import once
from tests.test_end_to_end import committed_graded_rows, hostile_zip, stable_rows

distributed = pytest.importorskip("distributed")

GRADE = [sys.executable, "-c", "from grader.cli import main; main()"]
MODULES = COURSE_MODULES
# Two quick exercises, as test_end_to_end's resumed batch: the cost of a grading, not of a course.
QUICK = ["--exercise", "split_validation", "--exercise", "acceleration"]
CASES = ROOT / "tests" / "adversarial" / "cases"
MUTANTS = ROOT / "tests" / "mutants"


def base_files() -> dict[str, bytes]:
    return {f"{module}.py": (SOLUTIONS / f"{module}.py").read_bytes() for module in MODULES}


def with_folder(folder: Path) -> dict[str, bytes]:
    """The reference modules with those of a mutant or an adversarial case in place."""
    return {**base_files(), **{path.name: path.read_bytes() for path in folder.glob("*.py")}}


def make_inputs(folder: Path) -> list[Path]:
    """Twelve inputs: correct, failing (mutants), tampered, hostile code, unsafe archives, a Classroom folder."""
    zips = folder / "zips"
    zips.mkdir(parents=True)
    submission_zip(zips, "alice", base_files())
    submission_zip(zips, "bob", with_folder(MUTANTS / "split_validation_no_shuffle"))
    submission_zip(zips, "carol", with_folder(MUTANTS / "acceleration_float64"))
    submission_zip(
        zips,
        "dan",
        base_files(),
        tamper={"validation.py": with_folder(MUTANTS / "split_validation_no_shuffle")["validation.py"]},
    )
    submission_zip(zips, "erin", with_folder(CASES / "kill_parent"))
    submission_zip(zips, "faye", with_folder(CASES / "sys_exit_at_import"))
    submission_zip(zips, "gus", with_folder(CASES / "os_exit_in_call"))
    submission_zip(zips, "hank", with_folder(CASES / "os_exit_at_import"))
    (zips / "noise.zip").write_bytes(os.urandom(2000))
    hostile_zip(zips / "eve.submission.zip", [*base_files().items(), ("../../../tmp/evil.py", b"print('escaped')\n")])
    link = zipfile.ZipInfo("validation.py")
    link.create_system, link.external_attr = 3, (0o120777 << 16)
    hostile_zip(zips / "ivan.submission.zip", [(link, b"/etc/passwd")])
    grace = folder / "classroom" / "hw-grace" / "exercises"
    grace.mkdir(parents=True)
    for name, data in base_files().items():
        (grace / name).write_bytes(data)
    return [zips, folder / "classroom"]


def grade(*arguments: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GRADE, *arguments], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def batch_arguments(inputs: list[Path], gradebook: Path) -> list[str]:
    return ["batch", *map(str, inputs), "--gradebook", str(gradebook), *QUICK]


def baseline(factory: pytest.TempPathFactory) -> Path:
    """The twelve inputs and the gradebook `grade batch -j 2` gives for them, made once per session (xdist workers share it)."""

    def make(folder: Path) -> None:
        inputs = make_inputs(folder / "inputs")
        done = grade(*batch_arguments(inputs, folder / "j2.sqlite"), "-j", "2")
        assert done.returncode == 0, done.stderr
        assert "Submissions: 12 (9 graded, 3 errors)" in done.stdout, done.stdout

    return once(factory, "cluster-baseline", make)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = baseline(tmp_path_factory) / "inputs"
    return [folder / "zips", folder / "classroom"]


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The gradebook rows of `grade batch -j 2` on the twelve inputs: every cluster run must give these."""
    return stable_rows(baseline(tmp_path_factory) / "j2.sqlite")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A LocalCluster of 2 worker processes on loopback, shared by the fault tests (its nannies restart killed workers)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0", silence_logs=40) as local:  # fmt: skip
        yield local


def test_local_cluster_grades_like_batch_j2(inputs: list[Path], expected: list[dict[str, Any]], tmp_path: Path) -> None:
    """--cluster local:2 grades the 12 inputs (failing, hostile, unsafe) into the gradebook `grade batch -j 2` gives."""
    done = grade(*batch_arguments(inputs, tmp_path / "cluster.sqlite"), "--cluster", "local:2")
    assert done.returncode == 0, done.stderr
    assert "Submissions: 12 (9 graded, 3 errors)" in done.stdout and "with 2 worker(s)" in done.stdout, done.stdout
    assert "Dask scheduler tcp://127.0.0.1:" in done.stderr
    assert stable_rows(tmp_path / "cluster.sqlite") == expected
    rows = {row["student"]: row for row in expected}
    assert rows["alice"]["score"] == rows["alice"]["max_score"] and rows["bob"]["score"] < rows["bob"]["max_score"]
    assert "climbs out" in rows["eve"]["error"] and rows["dan"]["modified_after_submit"]


def test_worker_killed_mid_batch_still_completes(
    cluster: Any, inputs: list[Path], expected: list[dict[str, Any]], tmp_path: Path
) -> None:
    """A worker killed with SIGKILL while grading: its task runs again elsewhere, the gradebook ends complete and equal."""
    gradebook = tmp_path / "killed-worker.sqlite"
    with distributed.Client(cluster) as client:
        process = subprocess.Popen([*GRADE, *batch_arguments(inputs, gradebook), "--scheduler", cluster.scheduler_address],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        deadline = time.monotonic() + 600
        victim = None
        while victim is None and process.poll() is None and time.monotonic() < deadline:
            if committed_graded_rows(gradebook) >= 1:
                busy = [address for address, keys in client.processing().items() if keys]
                if busy:
                    victim = busy[0]
                    pid = client.run(os.getpid, workers=[victim])[victim]
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)
        stdout, stderr = process.communicate(timeout=600)
        assert victim is not None, "no worker was busy after the first grade: the batch ended too soon"
        assert process.returncode == 0, stderr
        assert "Submissions: 12 (9 graded, 3 errors)" in stdout, stdout
        assert stable_rows(gradebook) == expected
        client.wait_for_workers(2, timeout=120)  # the nanny restarted the killed worker


def test_client_killed_then_resume_completes(
    cluster: Any, inputs: list[Path], expected: list[dict[str, Any]], tmp_path: Path
) -> None:
    """The client killed with SIGKILL after its first grade; `--resume` finishes the batch: nothing lost, nothing twice."""
    gradebook = tmp_path / "killed-client.sqlite"
    arguments = [*batch_arguments(inputs, gradebook), "--scheduler", cluster.scheduler_address]
    process = subprocess.Popen([*GRADE, *arguments], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while committed_graded_rows(gradebook) < 1 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    before = len(stable_rows(gradebook))
    assert 1 <= before < 12, before
    resumed = grade(*arguments, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{before} already in the gradebook" in resumed.stdout, resumed.stdout
    assert stable_rows(gradebook) == expected


def test_worker_with_another_course_is_refused_and_usage_errors_exit_2(inputs: list[Path], tmp_path: Path) -> None:
    """A worker started with another course refuses (exit 2, naming it); so do an unreachable scheduler and a missing Dask."""
    other = tmp_path / "other"
    other.mkdir()
    text = (ROOT / "course.toml").read_text()
    assert "time_limit_s = 60.0" in text
    (other / "course.toml").write_text(text.replace("time_limit_s = 60.0", "time_limit_s = 30.0"))
    (other / "solutions").symlink_to(SOLUTIONS)
    gradebook = tmp_path / "refused.sqlite"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                  silence_logs=40, preload=["grader.batch.cluster.worker"],
                                  preload_argv=["--grader-course", str(other / "course.toml")]) as local:  # fmt: skip
        refused = grade(*batch_arguments(inputs, gradebook), "--scheduler", local.scheduler_address, timeout=300)
    assert refused.returncode == 2, refused.stderr
    assert "refuses to grade" in refused.stderr and "its course (keras-intro 2026.1" in refused.stderr, refused.stderr
    assert str(other / "course.toml") in refused.stderr
    assert committed_graded_rows(gradebook) == 0

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    unreachable = grade(
        *batch_arguments(inputs, tmp_path / "unreachable.sqlite"), "--scheduler", f"tcp://127.0.0.1:{port}", timeout=120
    )
    assert unreachable.returncode == 2 and "Cannot reach the Dask scheduler" in unreachable.stderr, unreachable.stderr
    assert time.monotonic() - started < 60

    no_dask = subprocess.run([sys.executable, "-c", "import sys; sys.modules['distributed'] = None; from grader.cli import main; main()",
                              *batch_arguments(inputs, tmp_path / "no-dask.sqlite"), "--scheduler", "tcp://127.0.0.1:8786"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert no_dask.returncode == 2 and 'pip install "keras-intro-grader[cluster]"' in no_dask.stderr, no_dask.stderr


def test_progress_shows_count_rate_and_eta_on_a_terminal_only(tmp_path: Path) -> None:
    """The batch's one progress bar (rich), the cluster's too, shows done/total, the rate and the ETA on a terminal (a real pty), nothing in a file."""
    leader, follower = os.openpty()
    with os.fdopen(follower, "w") as terminal:
        with TerminalProgress(terminal) as bar:
            bar(1, 4, "alice: ok")
            time.sleep(0.2)
            bar(4, 4, "dave: error")
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    text = shown.decode(errors="replace")
    assert "4/4" in text and "/min" in text and "ETA" in text and "dave: error" in text, text
    with (tmp_path / "log").open("w") as log:
        TerminalProgress(log)(1, 4, "alice: ok")
    assert (tmp_path / "log").read_text() == ""
