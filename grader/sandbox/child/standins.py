"""Stand-ins that forgive, never punish: the student's own collaborators first, correct ones on request.

An exercise graded alone (`training_step`, which calls the student's `model` and `square_loss`)
runs with the student's own functions by default. Only when the parent asks for it (a test
failed with the student's own: `Context.stand_ins`, set by the worker from the request's
reserved argument) does `collaborators` put correct stand-ins in their place, and each stand-in
then checks the student's own function on the very call the student's code made: what it finds
(`your square_loss was wrong (...)`) goes back to the parent, which names the
wrong collaborator in the test's message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import tensorflow as tf

from .calling import substitute

if TYPE_CHECKING:
    from .api import Context

# A collaborator's contract parameters and a correct implementation of it.
Collaborator = tuple[Sequence[str], Callable[..., Any]]


def collaborators(context: Context, wanted: dict[str, Collaborator]) -> list[str]:
    """Put the student's own functions `wanted` in the module (the default), or correct stand-ins for them
    when the parent asked for stand-ins; returns notes on those that could not be replaced."""
    assert context.module is not None
    notes: list[str] = []
    for name, (contract, correct) in wanted.items():
        # The student's own definition, as the module defined it (a later probe call finds the stand-in there).
        own = context.originals.setdefault(name, getattr(context.module, name, None))
        if not context.stand_ins:
            setattr(context.module, name, own)
            continue
        stand_in, note = stand_in_for(own, contract, correct, name, context.findings)
        if stand_in is None:
            notes.append(note)
            setattr(context.module, name, own)
        else:
            setattr(context.module, name, stand_in)
    return notes


def stand_in_for(
    own: Any, contract: Sequence[str], correct: Callable[..., Any], name: str, findings: list[str]
) -> tuple[Callable[..., Any] | None, str]:
    """A correct stand-in for the student's `own` function that accepts the student's own calls.

    A call that leaves one of the contract's values at None (`model(inputs)` on a
    `model(inputs, W=None, b=None)` that then reads the module's own W and b) means what the
    student's function makes of it: that call goes to the student's own function. Each eager
    call also runs the student's own function on the same arguments, and appends to `findings`
    what it did wrong, once. Returns `None` and the reason when the student's signature cannot
    take the contract's arguments.
    """

    def answer(values: dict[str, Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if any(values[parameter] is None for parameter in contract):
            return own(*args, **kwargs)
        expected = correct(*(values[parameter] for parameter in contract))
        if tf.executing_eagerly() and not any(finding.startswith(f"your {name} ") for finding in findings):
            finding = _judge(own, args, kwargs, expected, name)
            if finding:
                findings.append(finding)
        return expected

    return substitute(own, contract, correct, name, answer)


def _judge(own: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], expected: Any, name: str) -> str:
    """What the student's own function did wrong on this call, or "" when it agrees with the correct one."""
    try:
        got = own(*args, **kwargs)
        got_array = np.asarray(got, dtype=np.float64)
    except Exception as error:  # noqa: BLE001 - the student's function may raise anything.
        return f"your {name} was wrong (it raised {type(error).__name__} on the arguments your code gave it)"
    wanted = np.asarray(expected, dtype=np.float64)
    if got_array.shape != wanted.shape:
        return f"your {name} was wrong (it returned shape {got_array.shape} where a correct one returns {wanted.shape})"
    if not np.allclose(got_array, wanted, rtol=1e-4, atol=1e-6, equal_nan=True):
        return f"your {name} was wrong (it returned other values than a correct one on the same arguments)"
    return ""
