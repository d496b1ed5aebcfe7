"""The parameters of a scaffolded exercise's functions (`grade new --params x,ceiling:float`), and the code pieces
each kind of parameter needs in the solution, the probe and the suite.

A parameter is `name` or `name:kind`, kind one of `tensor` (a float32 `tf.Tensor`, drawn as a NumPy array),
`float` or `int`; without a kind the first parameter is a tensor and the others floats. Every piece written
here is formatted as `ruff format` writes it: a line that fits in LINE_LENGTH stays whole, a longer one is
split one item a line with a trailing comma (which the formatter keeps).
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.errors import UsageError

LINE_LENGTH = 120
KINDS = ("tensor", "float", "int")
# Names the generated suite and probe use for themselves: a parameter named so would shadow them.
RESERVED = frozenset(
    {"seed", "spec", "student", "reference", "rng", "shape", "answer", "expected", "got", "what", "context"}
    | {"np", "tf", "suite", "mistakes", "wrong", "hint", "values", "ARGUMENTS", "Any", "self"}
)


@dataclass(frozen=True)
class Param:
    """One parameter of the exercise's functions: its name and kind (tensor, float or int)."""

    name: str
    kind: str

    @property
    def annotation(self) -> str:
        """Its type where the suite and the probe hold it (plain data)."""
        return {"tensor": "np.ndarray", "float": "float", "int": "int"}[self.kind]

    @property
    def to_student(self) -> str:
        """The probe's expression that makes the value the student's function receives."""
        return {
            "tensor": f"tf.constant({self.name}, dtype=tf.float32)",
            "float": f"float({self.name})",
            "int": f"int({self.name})",
        }[self.kind]

    @property
    def draw(self) -> str:
        """The suite's statement that draws it from `rng` (tensors of the shape `shape`)."""
        return {
            "tensor": f"{self.name} = rng.normal(scale=3.0, size=shape).astype(np.float32)",
            "float": f"{self.name} = float(rng.uniform(0.5, 5.0))",
            "int": f"{self.name} = int(rng.integers(1, 10))",
        }[self.kind]

    @property
    def docstring(self) -> str:
        """Its line in the solution's `Args:`."""
        return {
            "tensor": "A float32 `tf.Tensor` of any shape (every tensor argument has the same shape).",
            "float": "A Python float.",
            "int": "A Python int.",
        }[self.kind]

    @property
    def shown(self) -> str:
        """How a failed test's message shows it (a tensor by its shape, a number by its value)."""
        return {
            "tensor": f"{self.name} of shape {{{self.name}.shape}}",
            "float": f"{self.name}={{{self.name}:.3g}}",
            "int": f"{self.name}={{{self.name}}}",
        }[self.kind]


def parse_params(text: str) -> list[Param]:
    """`x,ceiling:float` as parameters; `x` (one tensor) when empty. A UsageError says what is wrong."""
    items = [item.strip() for item in text.split(",") if item.strip()] or ["x"]
    params: list[Param] = []
    for position, item in enumerate(items):
        name, _, kind = (part.strip() for part in item.partition(":"))
        kind = kind or ("tensor" if position == 0 else "float")
        if not name.isidentifier():
            raise UsageError(f"The parameter {name!r} is not a Python name: use letters, digits and underscores.")
        if name in RESERVED or name.startswith("_"):
            raise UsageError(f"The parameter name {name!r} is one the generated suite uses itself: choose another.")
        if kind not in KINDS:
            raise UsageError(f"The parameter {item!r} has the kind {kind!r}: use one of {', '.join(KINDS)}.")
        if name in (param.name for param in params):
            raise UsageError(f"The parameter {name!r} is named twice in --params.")
        params.append(Param(name, kind))
    return params


def fit(indent: str, head: str, items: list[str], tail: str) -> str:
    """`head item, item tail` on one line when it fits, else one item a line with a trailing comma (ruff's way)."""
    line = f"{indent}{head}{', '.join(items)}{tail}"
    if len(line) <= LINE_LENGTH:
        return line + "\n"
    return f"{indent}{head}\n" + "".join(f"{indent}    {item},\n" for item in items) + f"{indent}{tail}\n"


def keywords(params: list[Param]) -> list[str]:
    """`x=x, ceiling=ceiling`: how the suite passes the arguments to a probe, each by its name."""
    return [f"{param.name}={param.name}" for param in params]


def names(params: list[Param]) -> str:
    """`x, ceiling`: the parameters as a Python list of names."""
    return ", ".join(param.name for param in params)


def inputs_type(params: list[Param]) -> str:
    """What make_inputs returns: one value, or a tuple of them."""
    if len(params) == 1:
        return params[0].annotation
    return f"tuple[{', '.join(param.annotation for param in params)}]"


def placeholder(params: list[Param]) -> str:
    """The placeholder body's expression: `2.0 * x + 1.0`, plus each other parameter."""
    return " + ".join([f"2.0 * {params[0].name} + 1.0", *(param.name for param in params[1:])])


def without_offset(params: list[Param]) -> str:
    """The placeholder's known mistake (the offset left out), computed on the inputs in the suite's `diagnose`."""
    return " + ".join([f"2.0 * {params[0].name}", *(param.name for param in params[1:])])
