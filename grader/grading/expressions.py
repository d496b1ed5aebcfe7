"""Small expression trees of one variable, for suites that ask the student to differentiate them.

A tree is plain JSON data, so that it travels to the sandbox as a probe's argument (each pack's
probes build the callable from it): `["poly", [c0, c1, ...]]` (c0 + c1 x + c2 x**2 ...),
`["sin", tree]`, `["exp", tree]`, `["add", tree, tree]` and `["mul", tree, tree]`. Here, in the
parent, the analytic value and derivatives (float64) and the Python text a student would write.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def derivatives(node: list[Any], at: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The value, first and second derivative of the tree at `at` (a float or an array), element-wise, in float64."""
    kind = node[0]
    if kind == "poly":
        c = [float(x) for x in node[1]]
        value = sum(ck * at**k for k, ck in enumerate(c))
        first = sum(k * ck * at ** (k - 1) for k, ck in enumerate(c) if k >= 1)
        second = sum(k * (k - 1) * ck * at ** (k - 2) for k, ck in enumerate(c) if k >= 2)
        return np.asarray(value + 0 * at), np.asarray(first + 0 * at), np.asarray(second + 0 * at)
    if kind in ("sin", "exp"):
        u, u1, u2 = derivatives(node[1], at)
        if kind == "sin":
            return np.sin(u), np.cos(u) * u1, -np.sin(u) * u1**2 + np.cos(u) * u2
        e = np.exp(u)
        return e, e * u1, e * (u1**2 + u2)
    a, a1, a2 = derivatives(node[1], at)
    b, b1, b2 = derivatives(node[2], at)
    if kind == "add":
        return a + b, a1 + b1, a2 + b2
    return a * b, a1 * b + a * b1, a2 * b + 2 * a1 * b1 + a * b2


def expression_text(node: list[Any], variable: str) -> str:
    """The tree as a student would write it in Python, in `variable`."""
    kind = node[0]
    if kind == "poly":
        terms = [
            f"{c:g}" + ("" if k == 0 else f"*{variable}" if k == 1 else f"*{variable}**{k}")
            for k, c in enumerate(node[1])
            if c
        ]
        return " + ".join(terms).replace("+ -", "- ") or "0"
    if kind in ("sin", "exp"):
        return f"tf.{kind}({expression_text(node[1], variable)})"
    operator = "*" if kind == "mul" else "+"
    return f"({expression_text(node[1], variable)}) {operator} ({expression_text(node[2], variable)})"
