"""Tests for grader/course/exercisegen.py: stubs made from solutions/, and marker errors."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import shutil
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from grader.course.exercisegen import MarkerError, drift, generate, make_stub

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
MODULES = sorted(path.stem for path in SOLUTIONS.glob("*.py") if path.name != "__init__.py")
# The graded functions of the student contract (DESIGN.md), by module.
GRADED = {
    "linear_classifier": {"square_loss", "training_step"},
    "simple_dense": {"SimpleDense.build", "SimpleDense.call"},
    "gradients": {"acceleration"},
    "validation": {"split_validation"},
    "tensors": {"constant_tensors", "update_variable"},
    "derivatives": {"first_derivative"},
    "perceptron": {"dense_forward", "collapse_linear_layers"},
    "keras_models": {"build_model", "train_and_evaluate"},
    "sequential": {"stack_dense_layers", "remove_last_layer"},
    "layer_shapes": {"dense_output_shape", "lstm_output_shape"},
}


def functions(source: str) -> dict[str, ast.FunctionDef]:
    """The module's functions and methods by qualified name (`SimpleDense.build`)."""
    found: dict[str, ast.FunctionDef] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            found.update({f"{node.name}.{item.name}": item for item in node.body if isinstance(item, ast.FunctionDef)})
    return found


def stubbed(source: str) -> set[str]:
    """The functions whose body ends in `raise NotImplementedError(...)`."""
    return {
        name
        for name, function in functions(source).items()
        if isinstance(function.body[-1], ast.Raise)
        and isinstance(function.body[-1].exc, ast.Call)
        and getattr(function.body[-1].exc.func, "id", None) == "NotImplementedError"
    }


def load(path: Path) -> ModuleType:
    """Import a module from its file, under a name that cannot clash with another test's."""
    spec = importlib.util.spec_from_file_location(f"stub_under_test_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_solutions_cover_the_contract() -> None:
    """solutions/ holds the four modules, and their regions are exactly the graded functions."""
    assert MODULES == sorted(GRADED)
    for name in MODULES:
        stub = make_stub((SOLUTIONS / f"{name}.py").read_text(encoding="utf-8"), SOLUTIONS / f"{name}.py")
        assert stubbed(stub) == GRADED[name], name


def test_exercises_equal_the_generated_stubs() -> None:
    """exercises/ is exactly what generate makes from solutions/ (no drift)."""
    assert drift(SOLUTIONS, EXERCISES) == []


def test_generate_writes_one_stub_per_module(tmp_path: Path) -> None:
    """generate writes one stub per solution module, skips __init__.py, and leaves no drift."""
    solutions = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    (solutions / "__init__.py").write_text("", encoding="utf-8")
    written = generate(solutions, tmp_path / "exercises")
    assert sorted(path.name for path in written) == [f"{name}.py" for name in MODULES]
    assert all(path.is_file() for path in written)
    assert drift(solutions, tmp_path / "exercises") == []


def test_drift_names_missing_extra_and_different_files(tmp_path: Path) -> None:
    """drift reports a missing stub, an edited stub (with its line) and a stub with no solution."""
    exercises = tmp_path / "exercises"
    generate(SOLUTIONS, exercises)
    (exercises / "gradients.py").unlink()
    edited = exercises / "validation.py"
    lines = edited.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = "An edit made by hand.\n"
    edited.write_text("".join(lines), encoding="utf-8")
    (exercises / "orphan.py").write_text("", encoding="utf-8")
    messages = drift(SOLUTIONS, exercises)
    assert len(messages) == 3
    assert any("gradients.py is missing" in message for message in messages)
    assert any("validation.py differs" in message and "line 3" in message for message in messages)
    assert any("orphan.py has no solution module" in message for message in messages)


def test_drift_sees_a_changed_trailing_newline(tmp_path: Path) -> None:
    """A stub that differs from the generated one only at its end is still drift."""
    exercises = tmp_path / "exercises"
    generate(SOLUTIONS, exercises)
    stub = exercises / "gradients.py"
    stub.write_text(stub.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert len(drift(SOLUTIONS, exercises)) == 1


@pytest.mark.parametrize("name", MODULES)
def test_stub_imports_and_each_stubbed_function_raises(name: str, tmp_path: Path) -> None:
    """Each stub imports, and each graded function raises NotImplementedError with a one-line task."""
    path = tmp_path / f"{name}.py"
    path.write_text(make_stub((SOLUTIONS / f"{name}.py").read_text(encoding="utf-8"), path), encoding="utf-8")
    module = load(path)
    for qualified_name in sorted(GRADED[name]):
        function = module
        for part in qualified_name.split("."):
            function = getattr(function, part)
        # The whole body is the raise, so any argument (None here, even for self) reaches it.
        arguments = [None] * len(inspect.signature(function).parameters)
        with pytest.raises(NotImplementedError) as raised:
            function(*arguments)
        message = str(raised.value)
        assert message and "\n" not in message, qualified_name
        assert message.endswith("."), qualified_name


@pytest.mark.parametrize("name", MODULES)
def test_stub_keeps_docstrings_imports_and_given_code(name: str) -> None:
    """The stub keeps the module's and every function's docstring, its imports and the given functions."""
    solution = (SOLUTIONS / f"{name}.py").read_text(encoding="utf-8")
    stub = make_stub(solution, SOLUTIONS / f"{name}.py")
    assert ast.get_docstring(ast.parse(stub)) == ast.get_docstring(ast.parse(solution))
    solution_functions, stub_functions = functions(solution), functions(stub)
    assert solution_functions.keys() == stub_functions.keys()
    for qualified_name, function in solution_functions.items():
        assert ast.get_docstring(stub_functions[qualified_name]) == ast.get_docstring(function), qualified_name
        if qualified_name not in GRADED[name]:
            assert ast.dump(stub_functions[qualified_name]) == ast.dump(function), qualified_name
    imports = [line for line in solution.splitlines() if line.startswith(("import ", "from "))]
    assert imports and all(line in stub.splitlines() for line in imports)
    assert "SOLUTION" not in stub


def test_task_defaults_to_the_function_name_and_is_escaped() -> None:
    """Without a task the stub says "Implement <qualified name>."; quotes and backslashes survive."""
    source = textwrap.dedent(
        '''\
        class Layer:
            def call(self):
                """Doc."""
                # BEGIN SOLUTION
                return 1
                # END SOLUTION


        def f():
            # BEGIN SOLUTION: Return "one" \\ two.
            return 1
            # END SOLUTION
        '''
    )
    stub = make_stub(source, Path("example.py"))
    assert '        raise NotImplementedError("Implement Layer.call.")\n' in stub
    namespace: dict[str, object] = {}
    exec(compile(stub, "example.py", "exec"), namespace)
    with pytest.raises(NotImplementedError, match=r'^Return "one" \\ two\.$'):
        namespace["f"]()  # type: ignore[operator]


def test_markers_inside_strings_are_not_markers() -> None:
    """Marker text inside a docstring or a string is left alone; only comments are markers."""
    source = 'def f():\n    """Mentions # BEGIN SOLUTION in prose."""\n    return "# END SOLUTION"\n'
    assert make_stub(source, Path("example.py")) == source


BROKEN = {
    "nested BEGIN": (
        "def f():\n    # BEGIN SOLUTION\n    x = 1\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION\n",
        4,
        '"# BEGIN SOLUTION" inside another solution region (opened at line 2). '
        'Close the first region with "# END SOLUTION" before opening another.',
    ),
    "END without BEGIN": (
        "def f():\n    return 1\n    # END SOLUTION\n",
        3,
        '"# END SOLUTION" without an open solution region',
    ),
    "unterminated BEGIN": (
        "def f():\n    # BEGIN SOLUTION: Do it.\n    return 1\n",
        2,
        '"# BEGIN SOLUTION" is never closed',
    ),
    "region outside any function": (
        "# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n",
        1,
        "solution region outside any function",
    ),
    "END indented differently": (
        "def f():\n    # BEGIN SOLUTION\n    return 1\n# END SOLUTION\n",
        4,
        "is not indented like its",
    ),
    "BEGIN above the docstring": (
        'def f():\n    # BEGIN SOLUTION\n    """Doc."""\n    return 1\n    # END SOLUTION\n',
        2,
        "comes before the end of the docstring of f",
    ),
    "region running past its function": (
        "def f():\n    # BEGIN SOLUTION\n    return 1\n\ndef g():\n    return 2\n    # END SOLUTION\n",
        7,
        "comes after the end of f",
    ),
    "marker after code": ("def f():\n    return 1  # BEGIN SOLUTION\n", 2, "follows code on the same line"),
    "text after BEGIN without a colon": (
        "def f():\n    # BEGIN SOLUTION do it\n    return 1\n    # END SOLUTION\n",
        2,
        "Write the task after a colon",
    ),
    "module that is not Python": ("def f(:\n    pass\n", 1, "not valid Python"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_marker_errors_name_the_file_and_the_line(case: str) -> None:
    """Each misuse of the markers raises MarkerError naming the file, the line and the fix."""
    source, line, reason = BROKEN[case]
    path = Path("solutions") / "gradients.py"
    with pytest.raises(MarkerError) as raised:
        make_stub(source, path)
    error = raised.value
    assert isinstance(error, ValueError)
    assert (error.path, error.line) == (path, line)
    assert reason in error.reason
    assert str(error) == f"{path}, line {line}: {error.reason}"


def test_marker_error_message_reads_as_documented() -> None:
    """A nested BEGIN gives the documented message, word for word."""
    source = "def f():\n" + "    x = 1\n" * 7 + "    # BEGIN SOLUTION\n    y = 1\n" + "    y += 1\n" * 3
    source += "    # BEGIN SOLUTION\n    return y\n    # END SOLUTION\n"
    with pytest.raises(MarkerError) as raised:
        make_stub(source, Path("solutions/gradients.py"))
    assert str(raised.value) == (
        'solutions/gradients.py, line 14: "# BEGIN SOLUTION" inside another solution region (opened at line 9). '
        'Close the first region with "# END SOLUTION" before opening another.'
    )


def test_generate_writes_nothing_when_a_module_is_broken(tmp_path: Path) -> None:
    """A marker error in one module leaves the exercises folder as it was."""
    solutions = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    (solutions / "zzz_broken.py").write_text("def f():\n    # BEGIN SOLUTION\n    return 1\n", encoding="utf-8")
    exercises = tmp_path / "exercises"
    with pytest.raises(MarkerError, match="zzz_broken.py, line 2"):
        generate(solutions, exercises)
    assert not exercises.exists()
