"""A class of N submissions for the benchmarks: a mix of what a real class hands in.

Each submission is a folder of the course's modules: the sample submission, the reference solutions,
the untouched stubs (exercises/), and mutants of the solutions (tests/mutants/: one realistic
mistake each), in a fixed rotation so that every size of class has the same mix.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every module of the course (one per file in solutions/).
MODULES = tuple(sorted(path.stem for path in (ROOT / "solutions").glob("*.py")))
# Out of every ten submissions: three sample submissions, two solutions, one stub, four mutants.
ROTATION = ("sample", "solutions", "stubs", "mutant", "sample", "mutant", "solutions", "mutant", "sample", "mutant")


def mutants() -> list[tuple[str, str]]:
    """(mutant id, module it replaces), in tests/mutants/mutants.toml's order."""
    table = tomllib.loads((ROOT / "tests" / "mutants" / "mutants.toml").read_text())["mutants"]
    return [(name, spec["module"]) for name, spec in table.items()]


def make_class(folder: Path, count: int) -> list[tuple[str, Path]]:
    """`count` submission folders under `folder` (one per student); returns (kind, folder) for each."""
    kinds = {
        "sample": ROOT / "examples" / "sample_submission",
        "solutions": ROOT / "solutions",
        "stubs": ROOT / "exercises",
    }
    all_mutants = mutants()
    made = []
    for number in range(count):
        kind = ROTATION[number % len(ROTATION)]
        target = folder / f"student{number:03d}"
        target.mkdir(parents=True)
        if kind == "mutant":
            mutant, module = all_mutants[(number // len(ROTATION) * 4 + number) % len(all_mutants)]
            for name in MODULES:
                shutil.copyfile(ROOT / "solutions" / f"{name}.py", target / f"{name}.py")
            shutil.copyfile(ROOT / "tests" / "mutants" / mutant / f"{module}.py", target / f"{module}.py")
            kind = f"mutant {mutant}"
        else:
            for name in MODULES:
                shutil.copyfile(kinds[kind] / f"{name}.py", target / f"{name}.py")
        made.append((kind, target))
    return made
