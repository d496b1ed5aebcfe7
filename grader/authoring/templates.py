"""The files `grade new` writes: a solution region, a probe per function, a public and a hidden suite.

Each template is the smallest exercise that grades: an element-wise function of its parameters
(`--params`, by default one float32 tensor `x`), compared with the reference on inputs drawn
from the seeds, with a `diagnose` hook for the hints. The author replaces the body, the
docstring, the inputs and the hints; the structure (a probe per function, `matches_reference` on
seeded inputs, its hidden variant) stays. What is written is ruff-clean and ruff-formatted.
"""

from __future__ import annotations

from grader.authoring.params import Param, fit, inputs_type, keywords, names, placeholder, without_offset

FIXTURES = ["student: ExerciseCalls", "reference: BoundReference", "spec: ExerciseSpec"]
SOLUTION_HEADER = '''"""{module}: TODO say what the students build in this module."""

import tensorflow as tf
'''


def solution_function(function: str, params: list[Param]) -> str:
    """One function of the solution module, its body a placeholder between the solution markers."""
    args = "".join(f"        {param.name}: {param.docstring}\n" for param in params)
    first = params[0]
    returns = f"A float32 `tf.Tensor` of the shape of `{first.name}`." if first.kind == "tensor" else "A Python float."
    return (
        f"\n\ndef {function}({names(params)}):\n"
        f'    """TODO: say what {function} computes (the students read only this docstring).\n\n'
        f"    Args:\n{args}\n    Returns:\n        {returns}\n"
        '    """\n'
        f"    # BEGIN SOLUTION: Compute {function}({names(params)}).\n"
        f"    return {placeholder(params)}\n"
        "    # END SOLUTION\n"
    )


def probes_file(module: str, functions: list[str], params: list[Param]) -> str:
    """probes.py: ARGUMENTS, a probe per function taking every parameter, and PROBES."""
    tensors = any(param.kind == "tensor" for param in params)
    quoted = [f'"{param.name}"' for param in params]
    imports = "import numpy as np\nimport tensorflow as tf\n" if tensors else ""
    text = (
        f'"""Probes of {", ".join(functions)} in {module}.py: they run inside the sandbox, call the student\'s code'
        " and return\nplain data (see docs/authoring.md, step 3). A probe takes every argument the suites pass"
        ' it, by name."""\n\n'
        f"from typing import Any\n\n{imports}from gradechild.api import Context, call_student, describe\n\n"
        "# The contract's parameters, in order: call_student passes them through the student's own signature.\n"
        f"ARGUMENTS = ({', '.join(quoted)}{',' if len(params) == 1 else ''})\n"
    )
    values = [f'"{param.name}": {param.to_student}' for param in params]
    for function in functions:
        text += "\n\n" + fit(
            "", f"def {function}_call(", ["context: Context", *_annotated(params)], ") -> dict[str, Any]:"
        )
        text += f'    """Call the student\'s {function} on the suite\'s arguments; describe what it returned."""\n'
        whole = fit("    ", f'return describe(call_student(context, "{function}", ARGUMENTS, {{', values, "}))")
        if "\n" in whole.rstrip("\n"):
            text += fit("    ", "values = {", values, "}")
            text += f'    return describe(call_student(context, "{function}", ARGUMENTS, values))\n'
        else:
            text += whole
    return text + "\n\n" + fit("", "PROBES = {", [f'"{function}": {function}_call' for function in functions], "}")


def _annotated(params: list[Param]) -> list[str]:
    return [f"{param.name}: {param.annotation}" for param in params]


def suite_file(exercise: str, module: str, functions: list[str], tests: list[str], params: list[Param]) -> str:
    """suite.py: make_inputs, the diagnose hook for hints, checked_value, and a test per function."""
    text = (
        f'"""Grading suite of {exercise} ({", ".join(functions)} in {module}.py): the student\'s answers against the'
        ' reference\'s on\ninputs drawn from the seeds (see docs/authoring.md, step 4)."""\n\n'
        "from typing import Any\n\nimport numpy as np\n\n"
        "from grader.grading import BoundReference, ExerciseCalls, ExerciseSpec, check_close, fail, is_close, value_of\n"
        "\n\n"
        + fit("", "def make_inputs(", ["seed: int"], f") -> {inputs_type(params)}:")
        + f'    """The arguments {names(params)} drawn from the seed (every input comes from a seed)."""\n'
        "    rng = np.random.default_rng(seed)\n"
    )
    if any(param.kind == "tensor" for param in params):
        text += "    shape = (int(rng.integers(2, 20)), int(rng.integers(1, 5)))\n"
    text += "".join(f"    {param.draw}\n" for param in params) + f"    return {names(params)}\n"
    text += "\n\n" + fit("", "def diagnose(", [*_annotated(params), "got: np.ndarray"], ") -> str:")
    text += (
        '    """The hint naming the known mistake whose result equals what the student returned, "" for none."""\n'
        "    mistakes: list[tuple[Any, str]] = [\n"
        "        # (what the mistake returns on these inputs, the hint that names it and says how to fix it), e.g.\n"
        f'        # ({without_offset(params)}, "You left out the offset: add 1.0."),\n'
        "    ]\n"
        "    for wrong, hint in mistakes:\n"
        "        if np.shape(got) == np.shape(wrong) and is_close(got, wrong):\n"
        "            return hint\n"
        '    return ""\n\n\n'
        "def checked_value(answer: dict[str, Any], expected: dict[str, Any], what: str) -> np.ndarray:\n"
        '    """The numbers of the student\'s answer, once its kind and dtype are the reference\'s (check_close'
        ' compares\n    shapes and values, not dtypes)."""\n'
        '    if (answer["kind"], answer.get("dtype")) != (expected["kind"], expected.get("dtype")):\n'
        "        fail(\n"
        "            f\"{what}: you returned a {answer['kind']} of dtype {answer.get('dtype')} ({answer['python_type']}),\"\n"
        "            f\" where a {expected['kind']} of dtype {expected.get('dtype')} was expected.\"\n"
        "        )\n"
        "    return value_of(answer, what)\n"
    )
    shown = ", ".join(param.shown for param in params)
    for test, function in zip(tests, functions, strict=True):
        text += "\n\n" + fit("", f"def test_{test}(", FIXTURES, ") -> None:")
        text += (
            f'    """{function} equals the reference on inputs drawn from each seed."""\n'
            "    for seed in spec.seeds:\n"
            f"        {names(params)} = make_inputs(seed)\n"
            + _comparison(function, params, f'f"{function} for {shown}"', "")
        )
    return text


def _comparison(function: str, params: list[Param], what: str, prefix: str) -> str:
    """The body of a seed's loop: both answers, the student's checked, compared with the hint of `diagnose`."""
    return (
        fit("        ", "answer = student.call(", [f'"{function}"', *keywords(params)], ")")
        + fit("        ", "expected = reference.call(", [f'"{function}"', *keywords(params)], ")")
        + f"        what = {what}\n"
        f"        got = {prefix}checked_value(answer, expected, what)\n"
        "        check_close(\n"
        "            got,\n"
        '            value_of(expected, "the reference"),\n'
        "            rtol=spec.rtol,\n"
        "            atol=spec.atol,\n"
        "            what=what,\n"
        f"            hint={prefix}diagnose({names(params)}, got),\n"
        "        )\n"
    )


def hidden_file(exercise: str, functions: list[str], params: list[Param]) -> str:
    """hidden_suite.py: suite.py's helpers on the hidden seeds, every function in one hidden test."""
    text = (
        f'"""Hidden tests of {exercise}: inputs from the hidden seeds, never shipped to students."""\n\n'
        "import importlib.util\nfrom pathlib import Path\nfrom types import ModuleType\n\n"
        "from grader.grading import BoundReference, ExerciseCalls, ExerciseSpec, check_close, value_of\n\n\n"
        "def _public_suite() -> ModuleType:\n"
        '    """suite.py beside this file, for its helpers (a pack\'s files are loaded by path, not as a'
        ' package)."""\n'
        '    spec = importlib.util.spec_from_file_location(f"{__name__}_public", Path(__file__).with_name("suite.py"))\n'
        "    assert spec is not None and spec.loader is not None\n"
        "    module = importlib.util.module_from_spec(spec)\n"
        "    spec.loader.exec_module(module)\n"
        "    return module\n\n\n"
        "suite = _public_suite()\n\n\n"
        + fit("", "def test_hidden_matches_reference(", FIXTURES, ") -> None:")
        + '    """Every function equals the reference on inputs drawn from the hidden seeds."""\n'
        "    for seed in spec.hidden_seeds:\n"
        f"        {names(params)} = suite.make_inputs(seed)\n"
    )
    for function in functions:
        text += _comparison(function, params, f'"{function} on hidden inputs"', "suite.")
    return text


def mutants_file(exercise: str, first_test: str, params: list[Param]) -> str:
    """mutants.toml: the placeholder's known mistake, commented out, as the example of a bank entry."""
    return (
        f"# Known mistakes of {exercise}, each with the tests it must lose (`grade audit` checks them).\n"
        "# [[mutant]]\n"
        '# name = "forgot the offset"\n'
        f'# replace = ["2.0 * {params[0].name} + 1.0", "2.0 * {params[0].name}"]\n'
        f'# fails = ["{first_test}"]\n'
    )
