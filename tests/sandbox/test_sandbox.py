"""Tests for grader/sandbox/: hostile or broken code costs only what it touched, with a clear message."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from grader.course.limits import Limits
from grader.course.packs import BUILTIN_PACKS
from grader.results import GradeResult
from grader.sandbox.bwrap import SCRATCH_SLACK_BYTES, TMPFS_BYTES
from grader.sandbox.child import wire
from grader.sandbox.failures import SubmissionFailure
from grader.sandbox.forked_worker import ForkedWorker
from grader.sandbox.isolation import BUBBLEWRAP, RLIMITS, Isolation, child_environment, detect_isolation, process_limit
from grader.sandbox.processes import processes_of
from grader.sandbox.uids import UID_BASE, UID_COUNT
from grader.sandbox.zygote_sandbox import ZygoteSandbox
from tests.conftest import SOLUTIONS, submission_with

# The split_validation pack's probes, the only ones these workers load.
SPLIT_PROBES = {"split_validation": BUILTIN_PACKS / "split_validation" / "probes.py"}

REFERENCE_VALIDATION = (SOLUTIONS / "validation.py").read_text()

HOSTILE = {
    "sys_exit_at_import": ("import sys\nsys.exit(0)\n" + REFERENCE_VALIDATION, "sys.exit(0)"),
    "os_exit_in_call": (
        REFERENCE_VALIDATION
        + "\n\ndef split_validation(inputs, targets, validation_fraction=0.3, seed=None):\n    import os\n    os._exit(0)\n",
        "exited with status 0",
    ),
    "endless_loop_in_call": (
        REFERENCE_VALIDATION
        + "\n\ndef split_validation(inputs, targets, validation_fraction=0.3, seed=None):\n    while True:\n        pass\n",
        "time limit",
    ),
    "allocates_50_gb": (
        REFERENCE_VALIDATION
        + "\n\ndef split_validation(inputs, targets, validation_fraction=0.3, seed=None):\n    import numpy\n    block = numpy.ones(50 * 1024**3 // 8)\n    return block\n",
        "out of memory",
    ),
    "prints_fake_passing_results": (
        'print("=== 5 passed, 0 failed ===")\nprint(\'{"score": 100, "max_score": 100}\')\n'
        + REFERENCE_VALIDATION
        + "\n\ndef split_validation(inputs, targets, validation_fraction=0.3, seed=None):\n"
        "    print('PASSED all tests: 100/100')\n    return (inputs, targets), (inputs, targets)\n",
        "",
    ),
    "patches_numpy_builtins_and_pytest": (
        "import builtins, numpy, pytest\n"
        "numpy.array_equal = lambda *a, **k: True\nnumpy.allclose = lambda *a, **k: True\n"
        "builtins.isinstance = lambda *a, **k: True\npytest.fail = lambda *a, **k: None\n"
        + REFERENCE_VALIDATION
        + "\n\ndef split_validation(inputs, targets, validation_fraction=0.3, seed=None):\n    return (inputs, targets), (inputs[:0], targets[:0])\n",
        "patched",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_submission_loses_only_what_it_touched(
    case: str, tmp_path: Path, grade_folder: Callable[..., GradeResult]
) -> None:
    """The tampered exercise scores 0 with a message saying what happened; the grader itself is fine."""
    source, expected_message = HOSTILE[case]
    folder = submission_with(tmp_path, {"validation.py": source})
    result = grade_folder(folder, ["split_validation", "acceleration"])
    assert result.internal_errors == ()
    by_exercise = {exercise.id: exercise for exercise in result.exercises}
    assert by_exercise["acceleration"].score == 15, "an untouched exercise keeps its points"
    tests = by_exercise["split_validation"].tests
    # Fake output and patched libraries change nothing: the arrays returned are still NumPy
    # arrays (the honest part, 2 points), and every property of the split is still checked.
    honest = {"returns_numpy_arrays"} if case == "prints_fake_passing_results" else set()
    assert {test.name for test in tests if test.score > 0} == honest, [(t.name, t.status, t.message) for t in tests]
    if expected_message:
        assert any(expected_message in test.message for test in tests), [test.message for test in tests]
    assert all(test.message for test in tests if test.score == 0)
    if case == "endless_loop_in_call":
        assert {test.limit for test in tests} == {"time"}
    if case == "allocates_50_gb":
        assert any(test.limit == "memory" for test in tests)


def test_wire_refuses_pickles_and_object_arrays() -> None:
    """The parent reads only JSON and numeric .npy; object arrays (pickles) are refused."""
    import base64
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    payload = ('{"value": {"__ndarray__": "' + base64.b64encode(buffer.getvalue()).decode() + '"}}').encode()
    with pytest.raises(wire.WireError):
        wire.decode(payload)
    round_trip = wire.decode(wire.encode({"value": np.arange(6, dtype=np.float32).reshape(2, 3)})[wire.HEADER.size :])
    assert round_trip["value"].dtype == np.float32 and round_trip["value"].shape == (2, 3)
    scalar = wire.decode(wire.encode({"value": np.float32(2.5)})[wire.HEADER.size :])
    assert scalar["value"].shape == ()


# -- the sandbox itself: privileges, limits, scratch area, clean-up ------------------------------

REPORTING_MODULE = """
import json, os, resource, socket

def _report():
    status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
    report = {
        "uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(), "groups": os.getgroups(),
        "cap_effective": int(status["CapEff"], 16), "cap_permitted": int(status["CapPrm"], 16),
        "no_new_privs": int(status["NoNewPrivs"]),
        "nproc": resource.getrlimit(resource.RLIMIT_NPROC)[0], "address_space": resource.getrlimit(resource.RLIMIT_AS)[0],
        "file_size": resource.getrlimit(resource.RLIMIT_FSIZE)[0], "environment": sorted(os.environ),
        "cwd": os.getcwd(), "home": os.path.expanduser("~"),
    }
    for name, path in (("tmp", "/tmp"), ("scratch", os.getcwd())):
        info = os.statvfs(path)
        report[name + "_bytes"] = info.f_blocks * info.f_frsize
    try:
        socket.create_connection(("1.1.1.1", 53), timeout=1).close()
        report["network"] = True
    except OSError:
        report["network"] = False
    return report

def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    raise RuntimeError("<<REPORT" + json.dumps(_report()) + "REPORT>>")
"""


def _isolation(name: str) -> Isolation:
    if name == BUBBLEWRAP:
        detected = detect_isolation()
        if detected.name != BUBBLEWRAP:
            pytest.skip(f"bubblewrap is not usable here: {detected.detail}")
        return detected
    return Isolation(RLIMITS, "rlimits, for the test", dedicated_uid=os.geteuid() == 0)


def _sandbox(tmp_path: Path, source: str, isolation: Isolation) -> ZygoteSandbox:
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "validation.py").write_text(source)
    return ZygoteSandbox(folder, ["validation"], Limits(), isolation, probes=SPLIT_PROBES).start()


def _split_arguments() -> dict[str, object]:
    return {
        "inputs": np.zeros((4, 2), np.float32),
        "targets": np.zeros((4, 1), np.float32),
        "validation_fraction": 0.5,
        "seed": 1,
    }


def _report(worker: ForkedWorker) -> dict[str, object]:
    with pytest.raises(SubmissionFailure) as failure:
        worker.call("call", 30.0, "reporting", **_split_arguments())
    text = failure.value.message
    return json.loads(text[text.index("<<REPORT") + len("<<REPORT") : text.index("REPORT>>")])


@pytest.mark.parametrize("isolation_name", [BUBBLEWRAP, RLIMITS])
def test_worker_runs_as_a_dedicated_uid_with_limits(
    isolation_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root, student code runs as a leased unprivileged uid, no capability beyond reading, no_new_privs, every rlimit set."""
    monkeypatch.setenv("GRADER_SANDBOX_TEST_SECRET", "never-in-the-child")
    monkeypatch.setenv("GITHUB_TOKEN_FOR_THE_TEST", "ghp_never_in_the_child")
    if os.geteuid() != 0:
        pytest.skip("a dedicated uid needs the grader to run as root")
    isolation = _isolation(isolation_name)
    sandbox = _sandbox(tmp_path, REPORTING_MODULE, isolation)
    try:
        assert sandbox.lease is not None
        report = _report(sandbox.spawn("split_validation", "validation", seed=0))
        assert report["uid"] == report["euid"] == report["gid"] == sandbox.lease.uid
        assert UID_BASE <= sandbox.lease.uid < UID_BASE + UID_COUNT
        assert report["groups"] in ([], [sandbox.lease.uid])
        # bubblewrap: no capability at all; rlimits: CAP_DAC_READ_SEARCH only (to read Python under /root).
        allowed = 0 if isolation_name == BUBBLEWRAP else 1 << 2
        assert report["cap_effective"] == report["cap_permitted"] == allowed
        assert report["no_new_privs"] == 1
        assert report["nproc"] == process_limit()
        assert report["file_size"] == 64 * 1024 * 1024
        assert 0 < report["address_space"] < 64 * 1024**3
        # The allowlist passes; the parent's own variables do not (TensorFlow adds a few names of its own).
        assert set(child_environment("/tmp", "/opt/gradekit")) <= set(report["environment"])
        assert not {"GRADER_SANDBOX_TEST_SECRET", "GITHUB_TOKEN_FOR_THE_TEST"} & set(report["environment"])
    finally:
        sandbox.close()


def test_bubblewrap_scratch_and_tmp_are_size_capped_tmpfs_without_network(tmp_path: Path) -> None:
    """Under bubblewrap the writable areas are memory-backed and capped, nothing is shared with the host, no network."""
    sandbox = _sandbox(tmp_path, REPORTING_MODULE, _isolation(BUBBLEWRAP))
    try:
        report = _report(sandbox.spawn("split_validation", "validation", seed=0))
        assert sandbox.scratch is None, "no host folder is writable from the sandbox"
        assert report["cwd"] == "/submission"
        assert report["tmp_bytes"] <= TMPFS_BYTES
        assert report["scratch_bytes"] <= SCRATCH_SLACK_BYTES + len(REPORTING_MODULE) + 1024 * 1024
        assert report["network"] is False
    finally:
        sandbox.close()


ESCAPING_MODULE = """
import os, time

def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(3600)
        os._exit(0)
    count = int(validation_fraction * len(inputs))
    return (inputs[count:], targets[count:]), (inputs[:count], targets[:count])
"""


@pytest.mark.parametrize("isolation_name", [BUBBLEWRAP, RLIMITS])
def test_escaped_daemon_dies_with_its_worker_and_close_leaves_nothing(isolation_name: str, tmp_path: Path) -> None:
    """A double-forked, setsid daemon is killed when its worker finishes; close() leaves no process and no folder."""
    if os.geteuid() != 0:
        pytest.skip("processes are told apart by their dedicated uid, which needs root")
    sandbox = _sandbox(tmp_path, ESCAPING_MODULE, _isolation(isolation_name))
    try:
        assert sandbox.lease is not None
        uid = sandbox.lease.uid
        worker = sandbox.spawn("split_validation", "validation", seed=0)
        worker.call("call", 30.0, "splitting", **_split_arguments())
        assert len(_alive(uid)) >= 2, "the worker and its daemon run as the sandbox's uid"
        worker.finish()
        assert _alive(uid) == [], "the daemon outlived its worker"
        scratch = sandbox.scratch
    finally:
        sandbox.close()
    assert scratch is None or not scratch.exists()
    assert _alive(uid) == []


def _alive(uid: int, wait_s: float = 5.0) -> list[int]:
    """The live (not zombie) processes of `uid`, after giving killed ones `wait_s` to go."""
    deadline = time.monotonic() + wait_s
    while True:
        alive = []
        for pid in processes_of(uid):
            try:
                with open(f"/proc/{pid}/stat", "rb") as stat:
                    if stat.read().rsplit(b")", 1)[1].split()[0] != b"Z":
                        alive.append(pid)
            except OSError:
                continue
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def test_module_that_is_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    """A module handed in as a link (here to the reference) is never followed; the failure says to hand in the file."""
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "validation.py").symlink_to(SOLUTIONS / "validation.py")
    with ZygoteSandbox(folder, ["validation"], Limits(), probes=SPLIT_PROBES) as sandbox:
        with pytest.raises(SubmissionFailure) as failure:
            sandbox.spawn("split_validation", "validation", seed=0)
    assert failure.value.kind == "missing"
    assert "validation.py" in failure.value.message and "file itself" in failure.value.message


STALLING_MODULE = """
import gc, socket, time

def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    channel = next(item for item in gc.get_objects()
                   if isinstance(item, socket.socket) and item.fileno() >= 0 and item.type == socket.SOCK_STREAM)
    channel.sendall(b"\\x00\\x00\\x00\\x00\\x00\\x00\\x10\\x00{")
    time.sleep(3600)
"""


def test_half_sent_answer_cannot_hang_the_parent(tmp_path: Path) -> None:
    """Student code that writes half a message on the worker's channel and stalls is stopped by the time limit."""
    with _sandbox(tmp_path, STALLING_MODULE, detect_isolation()) as sandbox:
        worker = sandbox.spawn("split_validation", "validation", seed=0)
        started = time.monotonic()
        with pytest.raises(SubmissionFailure) as failure:
            worker.call("call", 3.0, "splitting", **_split_arguments())
        elapsed = time.monotonic() - started
    assert failure.value.limit == "time", failure.value.message
    assert elapsed < 3.0 + 10.0


PACKS_LISTING_MODULE = """
import json, os

def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    root = os.path.join(os.environ["PYTHONPATH"], "packs")
    listing = sorted(os.path.relpath(os.path.join(folder, name), root) for folder, _, names in os.walk(root) for name in names)
    raise RuntimeError("<<REPORT" + json.dumps({"listing": listing, "suite_visible": os.path.exists(SUITE)}) + "REPORT>>")
"""


@pytest.mark.parametrize("isolation_name", [BUBBLEWRAP, RLIMITS])
def test_sandbox_holds_the_packs_probes_and_never_their_suites(isolation_name: str, tmp_path: Path) -> None:
    """The child finds each pack's probes.py alone (bubblewrap: bound read-only; rlimits: copied), no suite beside it."""
    suite = BUILTIN_PACKS / "split_validation" / "suite.py"
    source = PACKS_LISTING_MODULE.replace("SUITE)", f"{str(suite)!r})")
    sandbox = _sandbox(tmp_path, source, _isolation(isolation_name))
    try:
        report = _report(sandbox.spawn("split_validation", "validation", seed=0))
    finally:
        sandbox.close()
    assert report["listing"] == ["split_validation/probes.py"]
    if isolation_name == BUBBLEWRAP:
        assert report["suite_visible"] is False
