"""The arguments a pack's suites pass to its probes against the probes' signatures, read from the files (`ast`).

A suite calls a probe as `student.call("name", x=..., ceiling=...)`; the grader runs the function
that `PROBES["name"]` registers as `function(context, x=..., ceiling=...)` inside the sandbox.
An argument the function does not take, or one it needs that the call leaves out, would fail
there as a TypeError of the reference's (exit 3, "the reference solution failed"), far from its
cause; here it is a configuration error naming the suite's line, the probe, its function in
probes.py and the parameter. What cannot be known from the text is left to run: a call with
`**arguments` or extra positional values, a probe that takes `**kwargs`, a registered value that
is not a function defined in probes.py.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Signature:
    """What a probe function takes after its context: its parameter names, the ones without default, and where."""

    function: str
    line: int
    parameters: tuple[str, ...]
    required: tuple[str, ...]
    any_keyword: bool


def probe_signatures(tree: ast.Module, registry: str = "PROBES") -> dict[str, Signature]:
    """Each probe name of the module's `PROBES = {...}` whose value is a function the module defines."""
    functions = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    signatures: dict[str, Signature] = {}
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        if not isinstance(value, ast.Dict) or not any(isinstance(t, ast.Name) and t.id == registry for t in targets):
            continue
        for key, item in zip(value.keys, value.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(item, ast.Name) and item.id in functions:
                signatures[str(key.value)] = _signature(functions[item.id])
    return signatures


def _signature(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Signature:
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args][1:]  # the first is the context
    defaults = len(arguments.defaults)
    required = (
        [arg.arg for arg in positional[: len(positional) - defaults]] if defaults else [a.arg for a in positional]
    )
    required += [
        arg.arg for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if default is None
    ]
    return Signature(
        function=function.name,
        line=function.lineno,
        parameters=tuple(arg.arg for arg in [*positional, *arguments.kwonlyargs]),
        required=tuple(required),
        any_keyword=arguments.kwarg is not None,
    )


# The keywords of the suites' `student.call` itself (grader/grading/student_calls.py ExerciseCalls.call), which it keeps and
# never hands the probe: `fresh=True` asks the student's code again instead of the grading's memo.
CALL_OPTIONS = frozenset({"fresh"})


def mismatched_calls(suite: ast.Module, signatures: dict[str, Signature], probes: Path) -> list[tuple[int, str]]:
    """(line, what to fix) for each `.call("name", ...)` of the suite whose keywords the probe's function does not
    take, or that leaves out one it needs."""
    problems: list[tuple[int, str]] = []
    for node in ast.walk(suite):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "call"):
            continue
        if not (node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in signatures):
            continue
        name = str(node.args[0].value)
        signature = signatures[name]
        where = f"its function {signature.function} in {probes} (line {signature.line})"
        takes = ", ".join(signature.parameters) or "nothing but the context"
        passed = [
            keyword.arg for keyword in node.keywords if keyword.arg is not None and keyword.arg not in CALL_OPTIONS
        ]
        unknown = [arg for arg in passed if arg not in signature.parameters]
        if unknown and not signature.any_keyword:
            problems.append(
                (
                    node.lineno,
                    (
                        f"the call passes `{unknown[0]}=` to the probe {name!r}, but {where} takes no parameter"
                        f" {unknown[0]!r} (it takes: {takes}): add `{unknown[0]}` to {signature.function}'s parameters (and"
                        " to ARGUMENTS and the values it gives call_student, so that the student's function receives it),"
                        " or fix the call."
                    ),
                )
            )
            continue
        spread = any(keyword.arg is None for keyword in node.keywords) or len(node.args) > 1
        missing = [arg for arg in signature.required if arg not in passed]
        if missing and not spread:
            problems.append(
                (
                    node.lineno,
                    (
                        f"the call of the probe {name!r} leaves out `{missing[0]}=`, which {where} needs (it takes:"
                        f" {takes}): pass `{missing[0]}=...` here, or give the parameter a default in {signature.function}."
                    ),
                )
            )
    return problems
