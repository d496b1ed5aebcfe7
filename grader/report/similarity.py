"""Suspiciously similar submissions, found with copydetect (winnowed fingerprints of tokens).

copydetect (MOSS's winnowing algorithm, maintained on PyPI) tokenizes each module with
Pygments and replaces every variable, function and class name by one letter, so renamed
variables do not hide a copy; its fingerprints are a set, so reordered functions do not
either. The stubs' code (`exercises/`) is the boilerplate: its fingerprints are removed from
every submission, so the code every student was given never counts as shared.

A pair's score is the share of both students' own tokens that the other also has (the mean
of the two sides), over all their modules together.
"""

from __future__ import annotations

import io
import itertools
import logging
from dataclasses import dataclass

import numpy as np
from copydetect import CodeFingerprint, compare_files, defaults

NOISE_T = defaults.NOISE_THRESHOLD  # shortest shared run that counts, in filtered characters
GUARANTEE_T = defaults.GUARANTEE_THRESHOLD  # shared runs this long are always found
WINDOW = GUARANTEE_T - NOISE_T + 1


@dataclass(frozen=True)
class SharedModule:
    """One module of a pair, as the side-by-side view shows it: each side's own lines (the stub's
    lines left out) as (line number, text, shared with the other side)."""

    name: str
    lines_a: tuple[tuple[int, str, bool], ...]
    lines_b: tuple[tuple[int, str, bool], ...]


@dataclass(frozen=True)
class SimilarPair:
    """Two students and how much of their own code they share."""

    student_a: str
    student_b: str
    score: float  # 0..1
    shared_tokens: int
    modules: tuple[SharedModule, ...]


def _fingerprint(name: str, code: str, boilerplate: list[int] | None = None) -> CodeFingerprint:
    return CodeFingerprint(
        name, NOISE_T, WINDOW, boilerplate=boilerplate or [], fp=io.StringIO(code), language="python"
    )


def _lines(code: str, slices: np.ndarray) -> tuple[int, ...]:
    """The 1-based line numbers that the character slices [start, end) touch."""
    if len(slices) == 0 or np.size(slices) == 0:
        return ()
    starts = np.cumsum([0] + [len(line) + 1 for line in code.split("\n")])
    lines: set[int] = set()
    for start, end in zip(slices[0], slices[1]):
        first = int(np.searchsorted(starts, int(start), side="right"))
        last = int(np.searchsorted(starts, max(int(end) - 1, int(start)), side="right"))
        lines.update(range(first, last + 1))
    return tuple(sorted(lines))


def own_lines(code: str, shared: tuple[int, ...], given: set[str]) -> tuple[tuple[int, str, bool], ...]:
    """The lines a student wrote (not a line of the stub, not blank), each marked shared or not."""
    chosen = set(shared)
    return tuple((number, line, number in chosen) for number, line in enumerate(code.split("\n"), start=1)
                 if line.strip() and _squeeze(line) not in given)  # fmt: skip


def _squeeze(line: str) -> str:
    return "".join(line.split())


def similar_pairs(
    submissions: dict[str, dict[str, str]], boilerplate: dict[str, str], *, minimum: float = 0.0
) -> list[SimilarPair]:
    """Every pair of students scoring at least `minimum`, most similar first.

    `submissions` maps a student to their modules (file name -> code); `boilerplate` maps a
    module file name to the stub's code.
    """
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))  # copydetect logs per file
    given = {name: list(_fingerprint(name, code).hashes) for name, code in boilerplate.items()}
    given_lines = {
        name: {_squeeze(line) for line in code.splitlines() if line.strip()} for name, code in boilerplate.items()
    }
    prints = {
        student: {name: _fingerprint(name, code, given.get(name)) for name, code in modules.items()}
        for student, modules in submissions.items()
    }
    pairs = []
    for student_a, student_b in itertools.combinations(sorted(prints), 2):
        overlap_a = overlap_b = 0.0
        coverage_a = coverage_b = 0
        shared: list[SharedModule] = []
        for name in sorted(prints[student_a].keys() | prints[student_b].keys()):
            left, right = prints[student_a].get(name), prints[student_b].get(name)
            coverage_a += left.token_coverage if left else 0
            coverage_b += right.token_coverage if right else 0
            if left is None or right is None:
                continue
            tokens, (similarity_a, similarity_b), (slices_a, slices_b) = compare_files(left, right)
            if not tokens:
                continue
            overlap_a += similarity_a * left.token_coverage
            overlap_b += similarity_b * right.token_coverage
            stub = given_lines.get(name, set())
            shared.append(SharedModule(name, own_lines(left.raw_code, _lines(left.raw_code, slices_a), stub),
                                       own_lines(right.raw_code, _lines(right.raw_code, slices_b), stub)))  # fmt: skip
        share_a = min(1.0, overlap_a / coverage_a) if coverage_a else 0.0
        share_b = min(1.0, overlap_b / coverage_b) if coverage_b else 0.0
        score = round(float(share_a + share_b) / 2, 4)
        if score >= minimum and shared:
            pairs.append(SimilarPair(student_a, student_b, score, int(round(overlap_a)), tuple(shared)))
    pairs.sort(key=lambda pair: (-pair.score, pair.student_a, pair.student_b))
    return pairs
