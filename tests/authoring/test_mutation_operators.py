"""Tests for grader/authoring/mutants.py: mutants of the solution regions only, each a real change with its diff."""

from __future__ import annotations

import ast

from grader.authoring.mutants import mutants, solution_lines
from tests.conftest import SOLUTIONS

SOURCE = '''"""A module."""

OFFSET = 1.0


def shift(x, y):
    """Outside the region nothing changes."""
    scale = 3.0
    # BEGIN SOLUTION: Shift.
    if x > 0:
        x.assign_add(-y)
    return tf.reduce_mean(x * scale + OFFSET)
    # END SOLUTION
'''


def test_only_lines_inside_a_region_are_mutated() -> None:
    """The constant outside the region (OFFSET, scale) is never changed; every mutant parses and differs."""
    assert solution_lines(SOURCE) == {10, 11, 12}
    found = mutants(SOURCE)
    assert found and all(10 <= mutant.line <= 12 for mutant in found)
    assert all(mutant.source != SOURCE and ast.parse(mutant.source) for mutant in found)
    assert len({mutant.id for mutant in found}) == len(found)


def test_the_operators_students_get_wrong() -> None:
    """Comparison, arithmetic, sign, sibling calls, dropped terms and a return of None are among the mutants."""
    diffs = {mutant.id.split(": ", 1)[1]: mutant.after for mutant in mutants(SOURCE)}
    assert diffs["Gt -> GtE"] == "if x >= 0:"
    assert diffs["assign_add -> assign_sub"] == "x.assign_sub(-y)"
    assert diffs["sign dropped"] == "x.assign_add(y)"
    assert diffs["reduce_mean -> reduce_sum"] == "return tf.reduce_sum(x * scale + OFFSET)"
    assert diffs["left term only"] == "return tf.reduce_mean(x * scale)"
    assert diffs["returns None"] == "return None"
    assert diffs["0 -> 1"] == "if x > 1:"


def test_the_chapters_training_step_gets_the_mistakes_its_suite_names() -> None:
    """linear_classifier.py's mutants include assign_add for assign_sub and the swapped tape.gradient arguments."""
    found = {mutant.after for mutant in mutants((SOLUTIONS / "linear_classifier.py").read_text())}
    assert "W.assign_add(learning_rate * gradient_of_loss_wrt_W)" in found
    assert "return tf.reduce_sum(per_sample_losses)" in found
