"""Calling the student's functions the way the student wrote them.

The contract names each function's parameters (`square_loss(targets, predictions)`), but a
correct answer may name them otherwise (`y_true`, `y_pred`), put them in another order,
make some keyword-only or add parameters with defaults. `Binding` maps the contract's
parameters onto the student's own signature: by name first (the contract's name or a usual
alias), then by position among the rest. The probes call the student's code through it, and
the substitutes that stand in for the student's other functions when an exercise is graded
alone read their arguments through it, so that a keyword call such as
`square_loss(y_true=targets, y_pred=predictions)` reaches the right values.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# Names students give the contract's parameters, besides the contract's own.
ALIASES: dict[str, tuple[str, ...]] = {
    "targets": ("y_true", "true", "labels", "target", "y", "actual", "y_actual", "expected"),
    "predictions": ("y_pred", "pred", "preds", "prediction", "y_hat", "outputs", "output", "predicted"),
    "inputs": ("x", "X", "input", "features", "data", "samples"),
    "W": ("w", "weights", "weight", "kernel"),
    "b": ("bias", "biases", "B"),
    "learning_rate": ("lr", "alpha", "eta", "step_size", "rate"),
    "position": ("f", "func", "function", "fn", "position_function", "pos"),
    "time": ("t", "time_value", "t0", "at_time"),
    "validation_fraction": ("fraction", "val_fraction", "validation_split", "split", "ratio", "val_split"),
    "seed": ("random_seed", "random_state", "rng_seed"),
}

VIA_ARGS = "*args"
VIA_KWARGS = "**kwargs"
_NAMED = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


class StudentError(Exception):
    """An error a probe raises on purpose about what the student's code did or returned: the student's, its
    message shown to the student as it is (the test fails); any other exception of a probe is the pack's (exit 3)."""


class ContractMismatch(StudentError, TypeError):
    """The student's function cannot take the contract's arguments (a required parameter too many, too few)."""


def _signature(function: Callable[..., Any]) -> inspect.Signature | None:
    target = getattr(function, "python_function", None) or function
    try:
        return inspect.signature(target)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Binding:
    """Where each of the contract's parameters goes in the student's signature."""

    name: str
    signature: inspect.Signature | None
    # contract parameter -> the student's parameter, or VIA_ARGS / VIA_KWARGS
    targets: dict[str, str]

    @classmethod
    def of(cls, function: Callable[..., Any], contract: Sequence[str], name: str) -> Binding:
        """Map `contract` onto `function`'s signature; raises `ContractMismatch` when it cannot take them."""
        signature = _signature(function)
        if signature is None:
            return cls(name, None, {parameter: VIA_ARGS for parameter in contract})
        parameters = [p for p in signature.parameters.values() if p.kind in _NAMED]
        has_args = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in signature.parameters.values())
        has_kwargs = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())
        by_name = {p.name: p for p in parameters}
        targets: dict[str, str] = {}
        taken: set[str] = set()
        for wanted in contract:
            for candidate in (wanted, *ALIASES.get(wanted, ())):
                if candidate in by_name and candidate not in taken:
                    targets[wanted] = candidate
                    taken.add(candidate)
                    break
        free = [p for p in parameters if p.name not in taken]
        for wanted in contract:
            if wanted in targets:
                continue
            if free:
                parameter = free.pop(0)
                targets[wanted] = parameter.name
                taken.add(parameter.name)
            elif has_args:
                targets[wanted] = VIA_ARGS
            elif has_kwargs:
                targets[wanted] = VIA_KWARGS
            else:
                raise ContractMismatch(
                    f"your {name}{signature} has no parameter for {wanted}, but it is called as"
                    f" {name}({', '.join(contract)}): add the parameter {wanted}"
                )
        required = [p.name for p in parameters if p.name not in taken and p.default is inspect.Parameter.empty]
        if required:
            raise ContractMismatch(
                f"your {name}{signature} requires {', '.join(required)}, but it is called as"
                f" {name}({', '.join(contract)}): give {', '.join(required)} a default value or remove it"
            )
        return cls(name, signature, targets)

    def arguments(self, values: dict[str, Any], *, keywords: bool = False) -> tuple[list[Any], dict[str, Any]]:
        """Positional and keyword arguments that give the student's function `values` (keyed by contract name).

        Positional wherever the student's signature allows it, in the student's order; by
        keyword with the student's own names when `keywords` is true (where the parameter is
        not positional-only) or when a parameter is keyword-only.
        """
        if self.signature is None:
            return list(values.values()), {}
        by_student = {
            student: values[contract]
            for contract, student in self.targets.items()
            if student not in (VIA_ARGS, VIA_KWARGS) and contract in values
        }
        passthrough = [values[c] for c, student in self.targets.items() if student == VIA_ARGS and c in values]
        positional: list[Any] = []
        keyword: dict[str, Any] = {
            c: values[c] for c, student in self.targets.items() if student == VIA_KWARGS and c in values
        }
        gap = False
        for parameter in self.signature.parameters.values():
            if parameter.kind not in _NAMED:
                continue
            if parameter.name not in by_student:
                gap = True
                continue
            value = by_student[parameter.name]
            if parameter.kind is inspect.Parameter.POSITIONAL_ONLY:
                positional.append(value)
            elif parameter.kind is inspect.Parameter.KEYWORD_ONLY or gap or keywords:
                keyword[parameter.name] = value
            else:
                positional.append(value)
        return positional + passthrough, keyword

    def call(self, function: Callable[..., Any], values: dict[str, Any], *, keywords: bool = False) -> Any:
        args, kwargs = self.arguments(values, keywords=keywords)
        return function(*args, **kwargs)

    def read(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """The contract's values from a call the student's code made with the student's own convention."""
        if self.signature is None:
            return dict(zip(self.targets, args))
        bound = self.signature.bind(*args, **kwargs)
        bound.apply_defaults()
        values: dict[str, Any] = {}
        extra = list(bound.arguments.get(_var(self.signature, inspect.Parameter.VAR_POSITIONAL) or "", ()))
        named = dict(bound.arguments.get(_var(self.signature, inspect.Parameter.VAR_KEYWORD) or "", {}))
        for contract, student in self.targets.items():
            if student == VIA_ARGS:
                if extra:
                    values[contract] = extra.pop(0)
            elif student == VIA_KWARGS:
                if contract in named:
                    values[contract] = named[contract]
            else:
                values[contract] = bound.arguments[student]
        missing = [contract for contract in self.targets if contract not in values]
        if missing:
            raise TypeError(f"{self.name}() missing argument(s): {', '.join(missing)}")
        return values


def _var(signature: inspect.Signature, kind: Any) -> str | None:
    for parameter in signature.parameters.values():
        if parameter.kind is kind:
            return parameter.name
    return None


# What a stand-in returns, from the contract's values as the student's call gave them, and that call's own
# arguments: by default, the correct function's answer on those values.
Answer = Callable[[dict[str, Any], tuple[Any, ...], dict[str, Any]], Any]


def substitute(
    own: Any, contract: Sequence[str], correct: Callable[..., Any], name: str, answer: Answer | None = None
) -> tuple[Callable[..., Any] | None, str]:
    """A correct stand-in for the student's `own` function that accepts the student's own calls.

    Returns the stand-in and an empty note, or `None` and the reason why the student's own
    function must be kept (its signature cannot take the contract's arguments). `answer`, when
    given, says what the stand-in returns for each call (`grader.sandbox.child.standins` checks
    the student's own function there).
    """
    if not callable(own):

        def plain(*args: Any, **kwargs: Any) -> Any:
            return correct(*args, **kwargs)

        return plain, ""
    try:
        binding = Binding.of(own, contract, name)
    except ContractMismatch as mismatch:
        return None, f"your own {name} was used, since a correct one cannot stand in for it: {mismatch}"

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        values = binding.read(args, kwargs)
        if answer is not None:
            return answer(values, args, kwargs)
        return correct(*(values[parameter] for parameter in contract))

    return stand_in, ""
