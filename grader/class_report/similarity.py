"""Suspiciously similar submissions, found through an index of fingerprints, as MOSS does.

Each student's modules are reduced to a set of winnowed fingerprints (`grader.class_report.fingerprints`:
names and comments do not count, and a set does not see the order of functions). The stubs' code
(`exercises/`) is the boilerplate: its fingerprints are removed from every submission, so the
code every student was given never counts as shared.

The fingerprints go into an inverted index (fingerprint -> students). Only pairs of students that
share a distinctive fingerprint are candidates: they are read off the index's lists, never formed
from every two students, so the work grows with the code shared, not with the square of the class.
A fingerprint held by more than `common_limit` students (at least 10, or 2% of the class) is code
that many wrote the same way (MOSS's `-m`): it makes no pair a candidate.

A candidate's score is the share of each student's fingerprints (common ones included) that the
other also has, the mean of the two sides. Candidates are scored in the order of an upper bound of
their score (their distinctive shared fingerprints plus the fewer common ones of the two), and
scoring stops once no candidate left can enter the best `limit`: the result is the exact top pairs.
Only those are then compared line by line (`shared_code`).
"""

from __future__ import annotations

import bisect
import itertools
import math
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from grader.class_report.fingerprints import Fingerprint, fingerprints, normalised_tokens

COMMON_MIN = 10  # a fingerprint held by up to this many students always counts
COMMON_SHARE = 0.02  # ... and, in a larger class, by up to this share of it
BATCH = 64  # students fingerprinted at once; a smaller class is fingerprinted in this process
WORKERS = 4  # at most, and no more than the cores this process may use


def common_limit(students: int) -> int:
    """The most students a fingerprint may be held by and still count as evidence."""
    return max(COMMON_MIN, math.ceil(COMMON_SHARE * students))


@dataclass(frozen=True)
class SharedModule:
    """One module of a pair, as the side-by-side view shows it: each side's own lines (the stub's
    lines left out) as (line number, text, shared with the other side)."""

    name: str
    lines_a: tuple[tuple[int, str, bool], ...]
    lines_b: tuple[tuple[int, str, bool], ...]


@dataclass(frozen=True)
class PairScore:
    """Two students (by name, a < b) and the share of their fingerprints they have in common (the mean of both sides)."""

    student_a: str
    student_b: str
    score: float  # 0..1


@dataclass(frozen=True)
class SimilarPair:
    """Two students and how much of their own code they share."""

    student_a: str
    student_b: str
    score: float  # 0..1
    shared_tokens: int
    modules: tuple[SharedModule, ...]


class FingerprintIndex:
    """Students' fingerprint sets, added one at a time (their code is not kept), ranked by shared fingerprints."""

    def __init__(self, boilerplate: dict[str, str]) -> None:
        self.given = {print_.hash for code in boilerplate.values() for print_ in fingerprints(code)}
        self.students: list[str] = []
        self.prints: list[frozenset[int]] = []
        self.candidates = 0  # pairs sharing a distinctive fingerprint, in the last `ranked`
        self.scored = 0  # of them, the pairs whose score was computed (the others could not reach the best)

    def add(self, student: str, modules: dict[str, str]) -> None:
        """Fingerprint one student's modules (file name -> code), less the stubs' fingerprints."""
        self.students.append(student)
        self.prints.append(student_prints(modules) - self.given)

    def add_all(self, submissions: Iterable[tuple[str, dict[str, str]]]) -> None:
        """Fingerprint every student, on every core of a large class (tokenizing is most of the work).

        The submissions are read `BATCH` at a time, so only a batch's code is held at once. The
        workers are spawned (not forked): they hold the fingerprinting code, not a copy of the report.
        """
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        submissions = iter(submissions)
        first = list(itertools.islice(submissions, BATCH))
        if cores < 2 or len(first) < BATCH:
            for student, modules in first:
                self.add(student, modules)
            return
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(cores, WORKERS), mp_context=context) as pool:
            batch = first
            while batch:
                for (student, _), hashes in zip(batch, pool.map(student_prints, [m for _, m in batch], chunksize=8)):
                    self.students.append(student)
                    self.prints.append(hashes - self.given)
                batch = list(itertools.islice(submissions, BATCH))

    def ranked(self, *, limit: int | None = None, minimum: float = 0.0) -> list[PairScore]:
        """The `limit` best pairs scoring at least `minimum`, most similar first (then by name)."""
        count = len(self.students)
        ceiling = common_limit(count)
        holders: defaultdict[int, list[int]] = defaultdict(list)
        for student, hashes in enumerate(self.prints):
            for value in hashes:
                holders[value].append(student)
        distinctive = np.zeros(count, dtype=np.int64)
        by_size: defaultdict[int, list[list[int]]] = defaultdict(list)
        for students in holders.values():
            if len(students) <= ceiling:
                distinctive[students] += 1
                if len(students) > 1:
                    by_size[len(students)].append(students)
        del holders
        codes = [np.zeros(0, dtype=np.int64)]
        for size, lists in by_size.items():
            members = np.asarray(lists, dtype=np.int64)  # (fingerprints, size): ascending students in each row
            first, second = np.triu_indices(size, 1)
            codes.append((members[:, first] * count + members[:, second]).ravel())
        pairs, shared = np.unique(np.concatenate(codes), return_counts=True)
        self.candidates = len(pairs)
        left, right = pairs // max(count, 1), pairs % max(count, 1)
        sizes = np.asarray([len(hashes) for hashes in self.prints], dtype=np.int64)
        common = sizes - distinctive
        # No pair can share more than its distinctive fingerprints and the fewer common ones of the two sides.
        most = shared + np.minimum(common[left], common[right])
        bounds = (most / sizes[left] + most / sizes[right]) / 2
        best: list[tuple[float, str, str]] = []  # (-score, a, b), the best `limit` so far, kept sorted
        self.scored = 0
        for index in np.argsort(-bounds, kind="stable"):
            if bounds[index] < minimum or (limit is not None and len(best) >= limit and bounds[index] < -best[-1][0]):
                break
            a, b = self.students[left[index]], self.students[right[index]]
            prints_a, prints_b = self.prints[left[index]], self.prints[right[index]]
            both = len(prints_a & prints_b)
            self.scored += 1
            score = round((both / len(prints_a) + both / len(prints_b)) / 2, 4)
            if score >= minimum:
                bisect.insort(best, (-score, *sorted((a, b))))
                del best[limit if limit is not None else len(best) :]
        return [PairScore(a, b, -negative) for negative, a, b in best]


def student_prints(modules: dict[str, str]) -> frozenset[int]:
    """The hashes of the winnowed fingerprints of one student's modules, together."""
    return frozenset(print_.hash for code in modules.values() for print_ in fingerprints(code))


def _lines(prints: list[Fingerprint], shared: set[int]) -> set[int]:
    """The lines spanned by the fingerprints whose hash is in `shared`."""
    lines: set[int] = set()
    for print_ in prints:
        if print_.hash in shared:
            lines.update(range(print_.first_line, print_.last_line + 1))
    return lines


def own_lines(code: str, shared: Iterable[int], given: set[str]) -> tuple[tuple[int, str, bool], ...]:
    """The lines a student wrote (not a line of the stub, not blank), each marked shared or not."""
    chosen = set(shared)
    return tuple(
        (number, line, number in chosen)
        for number, line in enumerate(code.split("\n"), start=1)
        if line.strip() and _squeeze(line) not in given
    )


def _squeeze(line: str) -> str:
    return "".join(line.split())


def shared_code(
    pair: PairScore, code_a: dict[str, str], code_b: dict[str, str], boilerplate: dict[str, str], given: set[int]
) -> SimilarPair:
    """One ranked pair compared module by module: the lines each side shares (`given`, the stubs' hashes, left out)."""
    shared_tokens = 0
    modules = []
    for name in sorted(code_a.keys() & code_b.keys()):
        prints_a, prints_b = fingerprints(code_a[name]), fingerprints(code_b[name])
        common = {p.hash for p in prints_a} & {p.hash for p in prints_b} - given
        if not common:
            continue
        lines_a, lines_b = _lines(prints_a, common), _lines(prints_b, common)
        shared_tokens += sum(1 for _, line in normalised_tokens(code_a[name]) if line in lines_a)
        stub = {_squeeze(line) for line in boilerplate.get(name, "").splitlines() if line.strip()}
        modules.append(
            SharedModule(name, own_lines(code_a[name], lines_a, stub), own_lines(code_b[name], lines_b, stub))
        )
    return SimilarPair(pair.student_a, pair.student_b, pair.score, shared_tokens, tuple(modules))


def similar_pairs(
    submissions: dict[str, dict[str, str]],
    boilerplate: dict[str, str],
    *,
    minimum: float = 0.0,
    limit: int | None = None,
) -> list[SimilarPair]:
    """The pairs of students sharing distinctive code, most similar first (the `limit` best, scoring at least `minimum`).

    `submissions` maps a student to their modules (file name -> code); `boilerplate` maps a
    module file name to the stub's code.
    """
    index = FingerprintIndex(boilerplate)
    for student, modules in submissions.items():
        index.add(student, modules)
    return [
        shared_code(pair, submissions[pair.student_a], submissions[pair.student_b], boilerplate, index.given)
        for pair in index.ranked(limit=limit, minimum=minimum)
    ]
