"""Mutants of a solution region: the mistakes a suite must catch, made from the reference by an AST pass.

Our own pass rather than mutmut or cosmic-ray: those mutate a package and run its own test
command, one process per mutant, with no notion of a solution region; here the mutated code is
only the inside of `# BEGIN SOLUTION` / `# END SOLUTION`, and each mutant is graded by the
kit's own grading in a warm pool (seconds, not a TensorFlow start each). The operators are the
mistakes students make in these exercises: an arithmetic or comparison operator swapped, a
constant changed, a term dropped, a sign dropped, two arguments swapped, a TensorFlow call
replaced by its sibling (`assign_sub` for `assign_add`, `reduce_sum` for `reduce_mean`), a
returned value replaced by None.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from grader.course.config import ExerciseSpec

_BEGIN = re.compile(r"^\s*#\s*BEGIN\s+SOLUTION\b")
_END = re.compile(r"^\s*#\s*END\s+SOLUTION\b")

BINARY_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.Pow: ast.Mult,
    ast.MatMult: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
}
COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
}
SIBLINGS = {
    "assign_add": "assign_sub",
    "assign_sub": "assign_add",
    "reduce_mean": "reduce_sum",
    "reduce_sum": "reduce_mean",
    "reduce_max": "reduce_min",
    "reduce_min": "reduce_max",
    "minimum": "maximum",
    "maximum": "minimum",
    "sigmoid": "relu",
    "relu": "sigmoid",
    "zeros": "ones",
    "ones": "zeros",
    "matmul": "multiply",
}


@dataclass(frozen=True)
class Mutant:
    """One mutated solution module, and what changed: `line: before -> after` (the statement)."""

    id: str
    line: int
    before: str
    after: str
    source: str

    @property
    def diff(self) -> str:
        return f"-{self.before}\n+{self.after}"


def solution_lines(source: str) -> set[int]:
    """The line numbers inside every `# BEGIN SOLUTION` ... `# END SOLUTION` region."""
    inside, lines = False, set()
    for number, line in enumerate(source.splitlines(), 1):
        if _BEGIN.match(line):
            inside = True
        elif _END.match(line):
            inside = False
        elif inside:
            lines.add(number)
    return lines


def _changed_constant(value: object) -> object | None:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value * 2.0 if value else 1.0
    return None


def _setter(name: str, value: Callable[[], object], *, on: str = "") -> Callable[[ast.AST], ast.AST | None]:
    """A mutation that sets `name` (of the node's `on` attribute, if given) to a fresh `value()`."""

    def apply(node: ast.AST) -> None:
        setattr(getattr(node, on) if on else node, name, value())

    return apply


def _mutations(node: ast.AST) -> Iterator[tuple[str, Callable[[ast.AST], ast.AST | None]]]:
    """(what, how) for each mutation of `node`: `how` changes a copy of the node in place, or returns its replacement."""
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY_SWAPS:
        new = BINARY_SWAPS[type(node.op)]
        yield f"{type(node.op).__name__} -> {new.__name__}", _setter("op", new)
        if isinstance(node.op, (ast.Add, ast.Sub)):
            yield "left term only", lambda n: n.left if isinstance(n, ast.BinOp) else None
            yield "right term only", lambda n: n.right if isinstance(n, ast.BinOp) else None
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in COMPARE_SWAPS:
        swapped = COMPARE_SWAPS[type(node.ops[0])]
        yield f"{type(node.ops[0]).__name__} -> {swapped.__name__}", _setter("ops", lambda: [swapped()])
    if isinstance(node, ast.Constant) and _changed_constant(node.value) is not None:
        changed = _changed_constant(node.value)
        yield f"{node.value!r} -> {changed!r}", _setter("value", lambda: changed)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield "sign dropped", lambda n: n.operand if isinstance(n, ast.UnaryOp) else None
    if isinstance(node, ast.Call):
        if len(node.args) >= 2:
            yield "first two arguments swapped", lambda n: _swap_arguments(n)
        name = node.func.attr if isinstance(node.func, ast.Attribute) else None
        if name in SIBLINGS:
            sibling = SIBLINGS[name]
            yield f"{name} -> {sibling}", _setter("attr", lambda: sibling, on="func")
    if isinstance(node, ast.Return) and node.value is not None:
        yield "returns None", _setter("value", lambda: ast.Constant(None))


def _swap_arguments(node: ast.AST) -> None:
    if isinstance(node, ast.Call):
        node.args[0], node.args[1] = node.args[1], node.args[0]


Site = tuple[int, ast.AST, ast.stmt, ast.AST | None]


def _sites(tree: ast.AST, lines: set[int]) -> Iterator[Site]:
    """(index in walk order, node, its statement, its parent) for each node inside a region."""
    index = 0

    def visit(node: ast.AST, statement: ast.stmt | None, parent: ast.AST | None) -> Iterator[Site]:
        nonlocal index
        here = index
        index += 1
        statement = node if isinstance(node, ast.stmt) else statement
        if statement is not None and getattr(node, "lineno", 0) in lines:
            yield here, node, statement, parent
        for child in ast.iter_child_nodes(node):
            yield from visit(child, statement, node)

    yield from visit(tree, None, None)


def _replace_child(parent: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for name, value in ast.iter_fields(parent):
        if value is old:
            setattr(parent, name, new)
        elif isinstance(value, list):
            for position, item in enumerate(value):
                if item is old:
                    value[position] = new


def mutants(source: str) -> list[Mutant]:
    """Every mutant of the solution regions of a module's source, in order of their lines."""
    lines = solution_lines(source)
    tree = ast.parse(source)
    found: list[Mutant] = []
    for index, node, _, _ in list(_sites(tree, lines)):
        for what, how in _mutations(node):
            mutated = copy.deepcopy(tree)
            site = next(s for s in _sites(mutated, lines) if s[0] == index)
            _, target, statement, parent = site
            before = ast.unparse(statement).splitlines()[0] if not isinstance(statement, ast.FunctionDef) else ""
            replacement = how(target)
            if replacement is not None and parent is not None:
                _replace_child(parent, target, replacement)
            try:
                text = ast.unparse(ast.fix_missing_locations(mutated))
            except (AttributeError, TypeError, ValueError):
                continue
            after = ast.unparse(statement).splitlines()[0] if before else ""
            if not before or before == after:
                continue
            line = getattr(node, "lineno", 0)
            found.append(Mutant(id=f"line {line}: {what}", line=line, before=before, after=after, source=text))
    unique: dict[str, Mutant] = {}
    ids: dict[str, int] = {}
    for mutant in found:
        if mutant.source in unique:
            continue  # two mutations that make the same code are one mutant
        ids[mutant.id] = ids.get(mutant.id, 0) + 1
        if ids[mutant.id] > 1:  # the same change twice on a line: the second is "(2)", stable across runs
            mutant = Mutant(f"{mutant.id} ({ids[mutant.id]})", mutant.line, mutant.before, mutant.after, mutant.source)
        unique[mutant.source] = mutant
    return list(unique.values())


def exercise_mutants(source: str, exercise: ExerciseSpec) -> list[Mutant]:
    """The mutants of `source` on the lines of the exercise's own functions (a module can hold several exercises)."""
    from grader.course.cells import symbols

    functions = [node for node in ast.parse(source).body if getattr(node, "name", None) in symbols(exercise)]
    return [
        mutant
        for mutant in mutants(source)
        if any(node.lineno <= mutant.line <= (node.end_lineno or 0) for node in functions)
    ]
