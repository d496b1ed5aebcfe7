"""The files `grade new` writes: a solution region, a probe per function, a public and a hidden suite.

Each template is the smallest exercise that grades: an element-wise function of one float32
tensor, compared with the reference on inputs drawn from the seeds. The author replaces the
body, the docstring and the inputs; the structure (a probe per function, `matches_reference`
on seeded inputs, its hidden variant) stays.
"""

from __future__ import annotations

SOLUTION_HEADER = '''"""{module}: TODO say what the students build in this module."""

import tensorflow as tf
'''

SOLUTION_FUNCTION = '''

def {function}(x):
    """TODO: say what {function} computes (the students read only this docstring).

    Args:
        x: A float32 `tf.Tensor` of any shape.

    Returns:
        A float32 `tf.Tensor` of the shape of `x`.
    """
    # BEGIN SOLUTION: Compute {function}(x).
    return 2.0 * x + 1.0
    # END SOLUTION
'''

PROBES_HEADER = '''"""Probes of {functions} in {module}.py: they run inside the sandbox, call the student's code and return
plain data (see docs/authoring.md, step 3)."""

from typing import Any

import numpy as np
import tensorflow as tf
from gradechild.api import Context, call_student, describe

# The contract's parameters, in order: call_student passes them through the student's own signature.
ARGUMENTS = ("x",)
'''

PROBE_FUNCTION = '''

def {function}_call(context: Context, x: np.ndarray) -> dict[str, Any]:
    """Call the student's {function} on a float32 tensor; describe what it returned."""
    return describe(call_student(context, "{function}", ARGUMENTS, {{"x": tf.constant(x, dtype=tf.float32)}}))
'''

SUITE_HEADER = '''"""Grading suite of {exercise} ({functions} in {module}.py): the student's answers against the reference's on
inputs drawn from the seeds (see docs/authoring.md, step 4)."""

from typing import Any

import numpy as np

from grader.grading import BoundReference, ExerciseCalls, ExerciseSpec, check_close, fail, value_of


def make_inputs(seed: int) -> np.ndarray:
    """A float32 array of a shape and values drawn from the seed (every input comes from a seed)."""
    rng = np.random.default_rng(seed)
    return rng.normal(scale=3.0, size=(int(rng.integers(2, 20)), int(rng.integers(1, 5)))).astype(np.float32)


def compare(answer: dict[str, Any], expected: dict[str, Any], spec: ExerciseSpec, what: str) -> None:
    """The student's answer equals the reference's: kind and dtype, then shape and values within the tolerances."""
    # check_close compares shapes and values, not dtypes: the kind and dtype are checked here.
    if (answer["kind"], answer.get("dtype")) != (expected["kind"], expected.get("dtype")):
        fail(
            f"{{what}}: you returned a {{answer['kind']}} of dtype {{answer.get('dtype')}} ({{answer['python_type']}}),"
            f" where a {{expected['kind']}} of dtype {{expected.get('dtype')}} was expected."
        )
    got = value_of(answer, what)
    check_close(got, value_of(expected, "the reference"), rtol=spec.rtol, atol=spec.atol, what=what)
'''

SUITE_TEST = '''

def test_{test}(student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec) -> None:
    """{function} equals the reference on inputs drawn from each seed."""
    for seed in spec.seeds:
        x = make_inputs(seed)
        answer, expected = student.call("{function}", x=x), reference.call("{function}", x=x)
        compare(answer, expected, spec, f"{function}(x) for x of shape {{x.shape}}")
'''

HIDDEN_HEADER = '''"""Hidden tests of {exercise}: inputs from the hidden seeds, never shipped to students."""

import importlib.util
from pathlib import Path
from types import ModuleType

from grader.grading import BoundReference, ExerciseCalls, ExerciseSpec


def _public_suite() -> ModuleType:
    """suite.py beside this file, for its helpers (a pack's files are loaded by path, not as a package)."""
    spec = importlib.util.spec_from_file_location(f"{{__name__}}_public", Path(__file__).with_name("suite.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


suite = _public_suite()


def test_hidden_matches_reference(
    student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec
) -> None:
    """Every function equals the reference on inputs drawn from the hidden seeds."""
    for seed in spec.hidden_seeds:
        x = suite.make_inputs(seed)
'''

HIDDEN_CALL = """        suite.compare(
            student.call("{function}", x=x), reference.call("{function}", x=x), spec, f"{function}(x) on hidden inputs"
        )
"""

MUTANTS = """# Known mistakes of {exercise}, each with the tests it must lose (`grade audit` checks them).
# [[mutant]]
# name = "forgot the offset"
# replace = ["2.0 * x + 1.0", "2.0 * x"]
# fails = ["{first_test}"]
"""
