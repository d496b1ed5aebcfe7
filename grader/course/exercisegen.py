"""Turn the reference solutions into the students' stubs.

A graded region of a solution module is fenced by `# BEGIN SOLUTION: <task>` and
`# END SOLUTION` lines, at the indentation of the function body it holds. The stub replaces
the region by one line, `raise NotImplementedError("<task>")`, at the same indentation; the
task defaults to "Implement <function>.". Imports, docstrings and given code stay as they are.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path
from typing import NamedTuple

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
_MARKER = re.compile(r"#\s*(BEGIN|END)\s+SOLUTION\b(.*)$")
_Function = ast.FunctionDef | ast.AsyncFunctionDef


class MarkerError(ValueError):
    """A solution module whose BEGIN/END SOLUTION markers cannot make a stub."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(f"{path}, line {line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class _Region(NamedTuple):
    """One graded region: the lines of its two markers, its indentation and its task."""

    begin: int
    end: int
    indent: str
    task: str | None


def _functions(node: ast.AST, prefix: str = "") -> list[tuple[_Function, str]]:
    """Every function under `node` with its qualified name, such as `SimpleDense.build`."""
    found: list[tuple[_Function, str]] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append((child, prefix + child.name))
            found.extend(_functions(child, f"{prefix}{child.name}.<locals>."))
        elif isinstance(child, ast.ClassDef):
            found.extend(_functions(child, f"{prefix}{child.name}."))
        else:
            found.extend(_functions(child, prefix))
    return found


def _enclosing_function(tree: ast.Module, region: _Region, path: Path) -> str:
    """The qualified name of the innermost function whose body holds the whole region."""
    enclosing = [
        (function, name)
        for function, name in _functions(tree)
        if function.lineno < region.begin <= (function.end_lineno or 0)
    ]
    if not enclosing:
        raise MarkerError(
            path,
            region.begin,
            "solution region outside any function. Put the "
            "region inside the body of the function that the student writes.",
        )
    function, name = max(enclosing, key=lambda pair: pair[0].lineno)
    docstring_end = function.body[0].end_lineno or 0
    if ast.get_docstring(function) is not None and region.begin <= docstring_end:
        raise MarkerError(
            path,
            region.begin,
            f'"{BEGIN}" comes before the end of the docstring '
            f"of {name}. Keep the def line and the docstring above the region, so "
            "that the stub keeps them.",
        )
    last = function.end_lineno or 0
    after = (node.lineno for node in ast.walk(tree) if isinstance(node, ast.stmt))
    if any(last < line < region.end for line in after):
        raise MarkerError(
            path,
            region.end,
            f'"{END}" comes after the end of {name} (its region '
            f"opened at line {region.begin}). Close the region inside the function.",
        )
    return name


def _regions(source: str, path: Path) -> list[_Region]:
    """The regions of a module, in order, after checking that every marker pairs up."""
    lines = source.splitlines()
    regions: list[_Region] = []
    opened: _Region | None = None
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        match = _MARKER.match(token.string) if token.type == tokenize.COMMENT else None
        if match is None:
            continue
        number, column = token.start
        indent, rest = lines[number - 1][:column], match.group(2).strip()
        marker = BEGIN if match.group(1) == "BEGIN" else END
        if indent.strip():
            raise MarkerError(
                path, number, f'"{marker}" follows code on the same line. Put the marker on a line of its own.'
            )
        if marker == BEGIN:
            if rest and not rest.startswith(":"):
                raise MarkerError(
                    path, number, f'unexpected text after "{BEGIN}". Write the task after a colon: "{BEGIN}: <task>".'
                )
            if opened is not None:
                raise MarkerError(
                    path,
                    number,
                    f'"{BEGIN}" inside another solution region '
                    f"(opened at line {opened.begin}). Close the first region "
                    f'with "{END}" before opening another.',
                )
            opened = _Region(number, 0, indent, rest[1:].strip() or None)
        elif rest:
            raise MarkerError(
                path, number, f'unexpected text after "{END}". Remove it; the task goes on the BEGIN line.'
            )
        elif opened is None:
            raise MarkerError(
                path,
                number,
                f'"{END}" without an open solution region. Add "{BEGIN}" where the region starts, or remove this line.',
            )
        elif indent != opened.indent:
            raise MarkerError(
                path,
                number,
                f'"{END}" is not indented like its "{BEGIN}" (line '
                f"{opened.begin}). Indent both markers at the level of the "
                "function body.",
            )
        else:
            regions.append(opened._replace(end=number))
            opened = None
    if opened is not None:
        raise MarkerError(path, opened.begin, f'"{BEGIN}" is never closed. Add "{END}" at the end of the region.')
    return regions


def make_stub(source: str, path: Path) -> str:
    """Return the stub of one solution module: each region becomes `raise NotImplementedError`.

    `path` only names the module in error messages. Raises `MarkerError` when the markers
    are unpaired, nested, outside a function, or make a stub that is not valid Python.
    """
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as error:
        message = f"the module is not valid Python ({error.msg})."
        raise MarkerError(path, error.lineno or 1, message) from None
    regions = _regions(source, path)
    lines = source.splitlines(keepends=True)
    output: list[str] = []
    next_line = 1
    for region in regions:
        function_name = _enclosing_function(tree, region, path)
        task = region.task or f"Implement {function_name}."
        output.extend(lines[next_line - 1 : region.begin - 1])
        literal = '"' + task.replace("\\", "\\\\").replace('"', '\\"') + '"'
        output.append(f"{region.indent}raise NotImplementedError({literal})\n")
        next_line = region.end + 1
    stub = "".join(output + lines[next_line - 1 :])
    try:
        ast.parse(stub, filename=str(path))
    except SyntaxError as error:
        reason = (
            f"the stub made from this module is not valid Python ({error.msg}, at its line "
            f"{error.lineno}). Keep whole statements in each region, at its markers' indent."
        )
        raise MarkerError(path, regions[0].begin, reason) from None
    return stub


def _solution_modules(solutions_dir: Path) -> list[Path]:
    """The solution modules that get a stub, sorted by name."""
    return sorted(path for path in solutions_dir.glob("*.py") if path.name != "__init__.py")


def generate(solutions_dir: Path, exercises_dir: Path) -> list[Path]:
    """Write the stub of every solution module into `exercises_dir`; return the paths of every stub."""
    return [path for path, _ in generate_changes(solutions_dir, exercises_dir)]


def generate_changes(solutions_dir: Path, exercises_dir: Path) -> list[tuple[Path, bool]]:
    """Write the stub of every solution module into `exercises_dir`: (path, whether it changed) per stub.

    All stubs are made before any is written: a marker error leaves `exercises_dir` as it was. A stub
    already equal to what it would be is left untouched (its time stamp too).
    """
    stubs = {path.name: make_stub(path.read_text(encoding="utf-8"), path) for path in _solution_modules(solutions_dir)}
    exercises_dir.mkdir(parents=True, exist_ok=True)
    changes: list[tuple[Path, bool]] = []
    for name, stub in stubs.items():
        target = exercises_dir / name
        changed = not target.is_file() or target.read_text(encoding="utf-8") != stub
        if changed:
            target.write_text(stub, encoding="utf-8")
        changes.append((target, changed))
    return changes


def drift(solutions_dir: Path, exercises_dir: Path) -> list[str]:
    """Say how `exercises_dir` differs from what `generate` would write; empty when in sync."""
    messages: list[str] = []
    solutions = _solution_modules(solutions_dir)
    for path in solutions:
        target = exercises_dir / path.name
        expected = make_stub(path.read_text(encoding="utf-8"), path)
        actual = target.read_text(encoding="utf-8") if target.is_file() else None
        if actual is None:
            messages.append(f"{target} is missing: it should be the stub made from {path}. Regenerate the exercises.")
        elif actual != expected:
            lines = list(zip(actual.splitlines(True), expected.splitlines(True)))
            line = next((n for n, (a, e) in enumerate(lines, 1) if a != e), len(lines) + 1)
            messages.append(
                f"{target} differs from the stub made from {path} (first difference "
                f"at line {line}). Edit the solution, not the stub, then regenerate "
                "the exercises."
            )
    names = {path.name for path in solutions}
    for extra in sorted(exercises_dir.glob("*.py")):
        if extra.name != "__init__.py" and extra.name not in names:
            messages.append(
                f"{extra} has no solution module {solutions_dir / extra.name}. Remove it, or add the solution."
            )
    return messages
