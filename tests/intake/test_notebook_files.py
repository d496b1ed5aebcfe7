"""Tests for grader/intake/notebook_files.py, cell_assembly.py and grader/nbgrader/kernel.py: notebooks to modules, by one rule for every door."""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions, ComputeChecksums, LockCells
from nbgrader.utils import compute_checksum

from grader.course.cells import canonical_cells
from grader.course.config import Course
from grader.errors import UsageError
from grader.intake.cell_assembly import assemble, transform_magics
from grader.intake.notebook_files import checksum, convert_cells, convert_notebook, pick_notebook
from grader.nbgrader.ahead import given_cells
from grader.nbgrader.kernel import failure_text, history
from grader.nbgrader.source_notebook import build_notebook
from grader.results import FAILED, TestResult
from tests.conftest import ROOT, SOLUTIONS, run_grade
from tests.nbgrader_support import solved


@pytest.fixture(scope="module")
def source(course: Course) -> dict[str, Any]:
    return build_notebook(course, SOLUTIONS, "keras_intro.ipynb")


@pytest.fixture(scope="module")
def released(source: dict[str, Any]) -> dict[str, Any]:
    """The release, made by nbgrader's own preprocessors (as generate_assignment does)."""
    notebook = nbformat.from_dict(copy.deepcopy(source))
    resources: dict[str, Any] = {}
    for preprocessor in (ClearSolutions(), ClearHiddenTests(), LockCells(), ComputeChecksums()):
        notebook, resources = preprocessor.preprocess(notebook, resources)
    return json.loads(json.dumps(notebook))


@pytest.fixture(scope="module")
def reference(released: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    return solved(released, source)


def cell_index(notebook: dict[str, Any], grade_id: str) -> int:
    return next(
        i
        for i, cell in enumerate(notebook["cells"])
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id
    )


def definitions(text: str) -> dict[str, str]:
    """Top-level functions and classes of a module, as normalised AST dumps (comments ignored)."""
    nodes = ast.parse(text).body
    return {n.name: ast.dump(n) for n in nodes if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def test_reference_notebook_gives_the_solution_modules(course: Course, reference: dict[str, Any]) -> None:
    """The reference typed into the release gives, per module, the functions and classes of solutions/."""
    conversion = convert_cells(course, reference["cells"], "nb")
    assert conversion.messages == () and conversion.missing == ()
    for module in course.modules:
        assert definitions(conversion.modules[module]) == definitions((SOLUTIONS / f"{module}.py").read_text())


def test_released_notebook_gives_stubs_that_raise(course: Course, released: dict[str, Any]) -> None:
    """The released notebook converts without a message; each exercise raises NotImplementedError."""
    conversion = convert_cells(course, released["cells"], "nb")
    assert conversion.messages == ()
    text = "\n".join(conversion.modules.values())
    # One raise per solution region of the course's modules (square_loss, training_step, build, call, ...).
    regions = sum((SOLUTIONS / f"{module}.py").read_text().count("# BEGIN SOLUTION") for module in course.modules)
    assert regions >= 6
    assert text.count("raise NotImplementedError()") == regions


def test_checksum_is_nbgraders(released: dict[str, Any]) -> None:
    """Our checksum of every cell equals nbgrader.utils.compute_checksum."""
    for cell in released["cells"]:
        if "nbgrader" in cell["metadata"]:
            assert (
                checksum(cell) == compute_checksum(nbformat.from_dict(cell)) == cell["metadata"]["nbgrader"]["checksum"]
            )


def test_deleted_solution_cell_costs_that_exercise_only(course: Course, reference: dict[str, Any]) -> None:
    """Without its solution cell, square_loss gets a placeholder that says why; training_step stays graded."""
    notebook = copy.deepcopy(reference)
    del notebook["cells"][cell_index(notebook, "square_loss")]
    conversion = convert_cells(course, notebook["cells"], "nb.ipynb")
    assert conversion.missing == ("square_loss",)
    assert any("solution cell square_loss is not in nb.ipynb" in m for m in conversion.messages)
    module = conversion.modules["linear_classifier"]
    assert (
        "def training_step(inputs" in module
        and "raise NotImplementedError('nb.ipynb has no code cell that defines" in module
    )
    compile(module, "linear_classifier.py", "exec")


def test_exercise_of_several_functions_may_use_several_cells(course: Course, reference: dict[str, Any]) -> None:
    """An exercise with `functions` (tensors_and_variables) is graded from separate cells, and one missing is named."""
    notebook = copy.deepcopy(reference)
    index = cell_index(notebook, "tensors_and_variables")
    cell = notebook["cells"][index]
    text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    first, second = text.split("\n\n\ndef update_variable", 1)
    notebook["cells"][index] = {**cell, "source": first}
    notebook["cells"].insert(
        index + 1, {**copy.deepcopy(cell), "metadata": {}, "source": "def update_variable" + second}
    )
    conversion = convert_cells(course, notebook["cells"], "nb.ipynb")
    assert conversion.missing == ()
    assert definitions(conversion.modules["tensors"]) == definitions((SOLUTIONS / "tensors.py").read_text())

    del notebook["cells"][index + 1]
    conversion = convert_cells(course, notebook["cells"], "nb.ipynb")
    assert conversion.missing == ("tensors_and_variables",)
    assert any("has no code cell that defines update_variable above the tests" in m for m in conversion.messages)
    module = conversion.modules["tensors"]
    assert "def constant_tensors(*args, **kwargs)" in module and "def update_variable(*args, **kwargs)" in module
    compile(module, "tensors.py", "exec")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"cells": [', "is not valid JSON (line 1, column 12"),
        (json.dumps({"nbformat": 3, "worksheets": []}).encode(), "is in nbformat 3; the grader reads nbformat 4"),
        (b'{"name": "x"}', "is JSON but not a Jupyter notebook"),
        (json.dumps({"nbformat": 4, "cells": {}}).encode(), "has no list of cells"),
        (b"\xff\xfe", "it is not UTF-8 text"),
    ],
)
def test_unreadable_notebook_scores_zero_with_a_clear_message(
    course: Course, tmp_path: Path, content: bytes, expected: str
) -> None:
    """A notebook that cannot be read gives modules that raise the reason, so every test scores 0 and says it."""
    path = tmp_path / "broken.ipynb"
    path.write_bytes(content)
    conversion = convert_notebook(course, path)
    assert not conversion.readable and expected in conversion.messages[0]
    for text in conversion.modules.values():
        assert "raise NotebookNotGradable(" in text and expected in text
        compile(text, "module.py", "exec")


def test_edited_locked_cells_are_reported_and_given_code_restored(course: Course, reference: dict[str, Any]) -> None:
    """An edited test cell is reported and ignored; an edited given cell is restored when the release is known."""
    notebook = copy.deepcopy(reference)
    notebook["cells"][cell_index(notebook, "square_loss-matches_reference_column")]["source"] = "pass"
    notebook["cells"][cell_index(notebook, "linear_classifier-given")]["source"] += "\nmodel = None\n"
    canonical = canonical_cells(course, SOLUTIONS)
    restored = convert_cells(course, notebook["cells"], "nb", canonical)
    assert any("test cell square_loss-matches_reference_column was edited" in m for m in restored.messages)
    assert any("linear_classifier-given was edited: graded with the released version" in m for m in restored.messages)
    assert "model = None" not in restored.modules["linear_classifier"]
    as_is = convert_cells(course, notebook["cells"], "nb")
    assert "model = None" in as_is.modules["linear_classifier"]
    assert any("graded as it is (nbgrader autograde restores it)" in m for m in as_is.messages)


def test_only_definitions_above_the_tests_are_graded(course: Course, reference: dict[str, Any]) -> None:
    """Calls and magics are left out; a redefinition after the exercise's tests is ignored, one before them wins."""
    notebook = copy.deepcopy(reference)
    solution = notebook["cells"][cell_index(notebook, "square_loss")]
    solution["source"] += "\n\n%time x = 1\nprint(square_loss(1.0, 2.0))\n"
    after = {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "source": "def square_loss(a, b):\n    return 'late'",
    }
    before = dict(after, source="def square_loss(a, b):\n    return 'early'")
    last_test = cell_index(notebook, "square_loss-matches_reference_on_hidden_inputs")
    notebook["cells"].insert(last_test + 1, after)
    notebook["cells"].insert(cell_index(notebook, "square_loss-returns_scalar_float32_tensor"), before)
    module = convert_cells(course, notebook["cells"], "nb").modules["linear_classifier"]
    assert "'early'" in module and "'late'" not in module and "print(" not in module and "run_line_magic" not in module
    assert "get_ipython().run_line_magic('time', 'x = 1')" in transform_magics("%time x = 1")


def test_syntax_error_cell_is_kept_whole(course: Course, reference: dict[str, Any]) -> None:
    """A solution cell that does not parse is kept as it is, so the sandbox reports the syntax error."""
    notebook = copy.deepcopy(reference)
    notebook["cells"][cell_index(notebook, "acceleration")]["source"] = "def acceleration(position, time:\n    return 1"
    module = convert_cells(course, notebook["cells"], "nb").modules["gradients"]
    assert "def acceleration(position, time:" in module
    with pytest.raises(SyntaxError):
        compile(module, "gradients.py", "exec")


def test_kernel_history_gives_the_same_modules_as_the_file(course: Course, reference: dict[str, Any]) -> None:
    """At each exercise's first test cell, the kernel's history makes the module the file makes (two doors, one rule)."""
    from_file = convert_cells(course, reference["cells"], "nb").modules
    ran: list[str] = []
    for cell in reference["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if cell["cell_type"] != "code":
            continue
        exercise_id = meta.get("grade_id", "").split("-", 1)[0]
        if meta.get("grade") and meta["grade_id"].startswith(exercise_id + "-"):
            module = course.exercise(exercise_id).module
            in_kernel = assemble(course, given_cells(course, ran), ran).modules[module]
            assert definitions(in_kernel).get(exercise_id) == definitions(from_file[module]).get(exercise_id)
        ran.append("".join(cell["source"]))


def test_failure_text_hides_hidden_test_details() -> None:
    """A failed public test shows message and hint; a failed hidden test only its name and points."""
    public = TestResult(name="sizes_are_exact", status=FAILED, score=0, max_score=3, message="got 2", hint="use int()")
    hidden = TestResult(
        name="converges", status=FAILED, score=0, max_score=4, message="secret", hint="secret", hidden=True
    )
    assert (
        failure_text("split_validation", public)
        == "split_validation: sizes_are_exact failed (0/3 points)\ngot 2\nhint: use int()"
    )
    assert failure_text("training_step", hidden) == "training_step: hidden test converges failed (0/4 points)"
    with pytest.raises(UsageError, match="grade check NOTEBOOK.ipynb"):
        history()


def test_pick_notebook_prefers_the_course_notebook(tmp_path: Path) -> None:
    """A submitted folder's notebook: the course's name if present, else the only one, else a clear error."""
    (tmp_path / "mine.ipynb").write_text("{}")
    assert pick_notebook(tmp_path, "keras_intro.ipynb").name == "mine.ipynb"
    (tmp_path / "keras_intro.ipynb").write_text("{}")
    assert pick_notebook(tmp_path, "keras_intro.ipynb").name == "keras_intro.ipynb"
    with pytest.raises(UsageError, match="found: keras_intro.ipynb, mine.ipynb"):
        pick_notebook(tmp_path)


def test_grade_check_of_notebooks(course: Course, reference: dict[str, Any], tmp_path: Path) -> None:
    """`grade check X.ipynb` grades the notebook's code in the sandbox; a damaged notebook scores 0 and says why."""
    wrong = solved(reference, build_notebook(course, SOLUTIONS, "keras_intro.ipynb"), "acceleration")
    (tmp_path / "wrong.ipynb").write_text(json.dumps(wrong))
    (tmp_path / "damaged.ipynb").write_text('{"cells": [')
    arguments = ("--course", str(ROOT / "course.toml"), "--exercise", "acceleration", "--format", "json")
    graded = run_grade("check", str(tmp_path / "wrong.ipynb"), *arguments)
    assert graded.returncode == 1, graded.stderr
    result = json.loads(graded.stdout)
    assert result["score"] < result["max_score"] == 15 and result["submission"] == str(tmp_path / "wrong.ipynb")
    assert all(t["message"] and t["hint"] for t in result["exercises"][0]["tests"] if t["status"] != "passed")
    damaged = run_grade("check", str(tmp_path / "damaged.ipynb"), *arguments)
    assert damaged.returncode == 1, damaged.stderr
    result = json.loads(damaged.stdout)
    assert result["score"] == 0 and "damaged.ipynb is not valid JSON" in result["exercises"][0]["tests"][0]["message"]
    assert "warning: damaged.ipynb is not valid JSON" in damaged.stderr


def test_batch_finds_nbgrader_submissions(course: Course, reference: dict[str, Any], tmp_path: Path) -> None:
    """`grade batch` discovers submitted/<student>/<assignment>/*.ipynb and reads each into modules and notes."""
    from grader.intake.submissions import discover, intake

    for student, notebook in (("alice", reference), ("bob", {"nbformat": 3})):
        folder = tmp_path / "submitted" / student / "keras-intro"
        folder.mkdir(parents=True)
        (folder / "keras_intro.ipynb").write_text(json.dumps(notebook))
    sources = discover([tmp_path / "submitted"], course.modules)
    assert [(s.kind, s.path.parent.name) for s in sources] == [("notebook", "alice"), ("notebook", "bob")]
    alice, bob = (intake(source, course) for source in sources)
    assert alice.student == "alice" and sorted(alice.modules) == sorted(f"{m}.py" for m in course.modules)
    assert alice.notes == () and not alice.error
    assert (
        bob.student == "bob" and "nbformat 3" in bob.notes[0] and b"NotebookNotGradable" in bob.modules["gradients.py"]
    )
