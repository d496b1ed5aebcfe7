"""Tests for grader/sandbox.py: hostile or broken code costs only what it touched, with a clear message."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pytest

from grader.child import wire
from grader.results import GradeResult
from tests.conftest import SOLUTIONS, submission_with

REFERENCE_VALIDATION = (SOLUTIONS / "validation.py").read_text()

HOSTILE = {
    "sys_exit_at_import": ("import sys\nsys.exit(0)\n" + REFERENCE_VALIDATION, "sys.exit(0)"),
    "os_exit_in_call": (
        REFERENCE_VALIDATION + "\n\ndef split_validation(inputs, targets, validation_fraction=0.3, seed=None):\n    import os\n    os._exit(0)\n",
        "exited with status 0",
    ),
    "endless_loop_in_call": (
        REFERENCE_VALIDATION + "\n\ndef split_validation(inputs, targets, validation_fraction=0.3, seed=None):\n    while True:\n        pass\n",
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
def test_hostile_submission_loses_only_what_it_touched(case: str, tmp_path: Path, grade_folder: Callable[..., GradeResult]) -> None:
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
    payload = ('{"value": {"__ndarray__": "%s"}}' % base64.b64encode(buffer.getvalue()).decode()).encode()
    with pytest.raises(wire.WireError):
        wire.decode(payload)
    round_trip = wire.decode(wire.encode({"value": np.arange(6, dtype=np.float32).reshape(2, 3)})[wire.HEADER.size:])
    assert round_trip["value"].dtype == np.float32 and round_trip["value"].shape == (2, 3)
    scalar = wire.decode(wire.encode({"value": np.float32(2.5)})[wire.HEADER.size:])
    assert scalar["value"].shape == ()
