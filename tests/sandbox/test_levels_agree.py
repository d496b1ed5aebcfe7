"""Tests for grader/sandbox/engine.py and worker_end.py: one failure, one message and one exit code at every level.

Each launcher (a zygote under bubblewrap and under rlimits, a warm pool's submission, the portable
level's spawned interpreter) runs the same failures of one exercise; what the grading sees of each
(the exception, its kind and limit, its message, its exit code) must be the same everywhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from grader.course.limits import Limits
from grader.course.packs import BUILTIN_PACKS
from grader.errors import GraderError
from grader.sandbox.child import foreign_os
from grader.sandbox.engine import BaseSandbox
from grader.sandbox.failures import SubmissionFailure
from grader.sandbox.isolation import BUBBLEWRAP, PORTABLE, RLIMITS, Isolation, detect_isolation
from grader.sandbox.portable import PortableSandbox
from grader.sandbox.warm_pool import WarmPool
from grader.sandbox.zygote_sandbox import ZygoteSandbox

PROBES = {"split_validation": BUILTIN_PACKS / "split_validation" / "probes.py"}
LIMITS = Limits(time_limit_s=20.0, memory_limit_mb=2048, output_limit_kb=16)
MODULES = ["validation", "broken", "linked"]

# One case per value of validation_fraction (tenths): each fails in its own way.
VALIDATION = """
import os, sys

def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    case = round(validation_fraction * 10)
    if case == 1:
        raise ValueError("a wrong split")
    if case == 2:
        raise NotImplementedError("split the data")
    if case == 3:
        sys.exit(3)
    if case == 4:
        while True:
            print("x" * 1000)
    if case == 5:
        print("going", flush=True)
        os._exit(7)
    while True:
        pass
"""
# The cases that leave the worker alive run on one worker; each of the others ends its worker.
SURVIVED = {"raises": 0.1, "not_implemented": 0.2, "sys_exit": 0.3}
ENDING = {"output_limit": 0.4, "os_exit": 0.5, "time_limit": 0.6}

Outcome = tuple[str, str, str, str, int]


def _outcome(error: Exception) -> Outcome:
    """What the grading sees of a failure: its class, kind, limit, message and exit code."""
    if isinstance(error, SubmissionFailure):
        return (type(error).__name__, str(error.kind), str(error.limit), error.message, -1)
    assert isinstance(error, GraderError), error
    return (type(error).__name__, "", "", str(error), int(error.exit_code))


def _arguments(fraction: float) -> dict[str, object]:
    return {
        "inputs": np.zeros((10, 2), np.float32),
        "targets": np.zeros((10, 1), np.float32),
        "validation_fraction": fraction,
        "seed": 1,
    }


def _failures(sandbox: BaseSandbox) -> dict[str, Outcome]:
    """Every failure kind, run in `sandbox`."""
    outcomes: dict[str, Outcome] = {}
    worker = sandbox.spawn("split_validation", "validation", seed=0)
    for case, fraction in SURVIVED.items():
        with pytest.raises(SubmissionFailure) as failure:
            worker.call("call", 30.0, "splitting", **_arguments(fraction))
        outcomes[case] = _outcome(failure.value)
    with pytest.raises(GraderError) as unknown:
        worker.call("no_such_probe", 30.0, "splitting")
    outcomes["unknown_probe"] = _outcome(unknown.value)
    for case, fraction in ENDING.items():
        worker = sandbox.spawn("split_validation", "validation", seed=0)
        with pytest.raises(SubmissionFailure) as failure:
            worker.call("call", 3.0 if case == "time_limit" else 30.0, "splitting", **_arguments(fraction))
        outcomes[case] = _outcome(failure.value)
        with pytest.raises(SubmissionFailure) as ended:
            worker.call("call", 30.0, "splitting", **_arguments(0.1))
        outcomes[case + "_then_called"] = _outcome(ended.value)
    for case, module in (("import_error", "broken"), ("link", "linked"), ("missing", "absent")):
        with pytest.raises(SubmissionFailure) as failure:
            sandbox.spawn("split_validation", module, seed=0)
        outcomes[case] = _outcome(failure.value)
    return outcomes


@contextmanager
def _launcher(name: str, folder: Path) -> Iterator[BaseSandbox]:
    """The sandbox of one launcher, started on `folder`."""
    rlimits = Isolation(RLIMITS, "rlimits, for the test", dedicated_uid=os.geteuid() == 0)
    if name == "portable":
        with PortableSandbox(folder, MODULES, LIMITS, Isolation(PORTABLE, "portable, for the test"), PROBES) as lone:
            yield lone
    elif name == "warm_pool":
        with WarmPool(LIMITS, rlimits, PROBES) as pool, pool.sandbox(folder, MODULES) as pooled:
            yield pooled
    else:
        isolation = detect_isolation() if name == BUBBLEWRAP else rlimits
        with ZygoteSandbox(folder, MODULES, LIMITS, isolation, PROBES) as zygote:
            yield zygote


def test_every_failure_reads_the_same_at_every_level(tmp_path: Path) -> None:
    """Each failure kind gives the same exception, kind, limit, message and exit code from every launcher."""
    if foreign_os.installed():
        pytest.skip("the foreign-OS double has no fork: only the portable level runs here")
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "validation.py").write_text(VALIDATION)
    (folder / "broken.py").write_text('raise RuntimeError("broken at import")\n')
    (folder / "linked.py").symlink_to(folder / "validation.py")
    launchers = ["portable", RLIMITS, "warm_pool"]
    if detect_isolation().name == BUBBLEWRAP:
        launchers.append(BUBBLEWRAP)
    seen = {}
    for name in launchers:
        with _launcher(name, folder) as sandbox:
            seen[name] = _failures(sandbox)
    expected = seen["portable"]
    assert expected["unknown_probe"][4] == 2, "an unknown probe is the pack's to fix: a configuration error"
    assert expected["time_limit"][2] == "time" and expected["output_limit"][2] == "output"
    assert "exited with status 7" in expected["os_exit"][3] and "going" in expected["os_exit"][3]
    for name, outcomes in seen.items():
        assert outcomes == expected, name
