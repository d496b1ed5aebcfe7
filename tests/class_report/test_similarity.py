"""Similarity through the index of fingerprints: only pairs sharing distinctive code are scored, the best are listed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from grader.class_report.build import SIDE_BY_SIDE_PAIRS, TABLE_PAIRS, build_report
from grader.class_report.fingerprints import fingerprints, normalised_tokens
from grader.class_report.similarity import FingerprintIndex, similar_pairs
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from synthetic_gradebook import PLANTED_COPIER, PLANTED_ORIGINAL, write_gradebook  # noqa: E402

SHARED_BY_TWO = "def helper(frames):\n    total = frames.cumsum(axis=3)\n    return total.clip(0, 9) @ frames.T\n"
SHARED_BY_ALL = "def common(batch):\n    return tf.reduce_mean(tf.square(batch - batch.mean()))\n"


def _own_code(student: int, lines: int = 12) -> str:
    """Lines whose every run of k-gram length holds numbers no other student writes."""
    return "".join(
        f"x = {student * 1000 + line} * {student * 1000 + line + 500} + {student}\n" for line in range(lines)
    )


def test_names_and_comments_do_not_change_the_tokens() -> None:
    """Renamed variables, added comments and docstrings give the same normalised tokens; attributes are kept."""
    original = "def f(a, b):\n    return tf.reduce_mean(a - b)\n"
    disguised = "def g(p, q):  # mine\n    # really\n\n    return tf.reduce_mean(p - q)\n"
    texts = [text for text, _ in normalised_tokens(original)]
    assert texts == [text for text, _ in normalised_tokens(disguised)]
    assert "reduce_mean" in texts and "a" not in texts and "f" not in texts
    assert [p.hash for p in fingerprints(original)] == [p.hash for p in fingerprints(disguised)]


def test_code_that_does_not_tokenize_is_still_fingerprinted() -> None:
    """A syntax error (an unclosed bracket) does not empty the module: its lines are read one by one."""
    code = "def f(a):\n    b = (a +\n    return tf.reduce_mean(a * a, axis=0) + tf.reduce_sum(a, axis=1)\n"
    assert fingerprints(code)


def test_pairs_that_share_no_fingerprint_are_never_scored() -> None:
    """Of 30 students (435 pairs), only the one pair sharing code few others have is scored; common code makes none."""
    index = FingerprintIndex({})
    for student in range(30):
        code = _own_code(student) + SHARED_BY_ALL + (SHARED_BY_TWO if student in (4, 17) else "")
        index.add(f"s{student:02d}", {"module.py": code})
    ranked = index.ranked(limit=20)
    assert index.candidates == 1 and index.scored == 1
    assert [(pair.student_a, pair.student_b) for pair in ranked] == [("s04", "s17")]


def test_scoring_stops_once_the_best_pairs_are_known() -> None:
    """With a limit of one, candidates whose best possible score cannot beat the top pair are not scored."""
    index = FingerprintIndex({})
    for student in range(12):
        if student < 2:  # s00 and s01: mostly the same code
            code = SHARED_BY_TWO + _own_code(100, 12) + _own_code(student, 2)
        else:  # the others in pairs sharing a little, each with much code of their own
            code = _own_code(200 + student // 2, 2) + _own_code(student, 40)
        index.add(f"s{student:02d}", {"module.py": code})
    assert [(pair.student_a, pair.student_b) for pair in index.ranked(limit=1)] == [("s00", "s01")]
    assert index.candidates == 6 and index.scored < index.candidates


def test_identical_modules_score_one_and_the_stubs_never_count() -> None:
    """Two identical submissions score 1.0; with their code as the boilerplate they share nothing."""
    modules = {"module.py": _own_code(1) + SHARED_BY_TWO}
    assert similar_pairs({"a": modules, "b": dict(modules)}, {})[0].score == 1.0
    assert similar_pairs({"a": modules, "b": dict(modules)}, modules) == []


def test_planted_copy_ranks_first_and_the_report_lists_top_pairs_only(tmp_path: Path) -> None:
    """In a synthetic class of 150, the renamed and commented copy is first; the report lists 20 pairs, 5 side by side."""
    gradebook = tmp_path / "class.sqlite"
    write_gradebook(gradebook, 150)
    report = build_report(gradebook_path=gradebook, out=tmp_path / "report", course_path=ROOT / "course.toml",
                          stubs=ROOT / "exercises")  # fmt: skip
    pairs = json.loads(report.summary.read_text(encoding="utf-8"))["similar_pairs"]
    assert {pairs[0]["student_a"], pairs[0]["student_b"]} == {PLANTED_COPIER, PLANTED_ORIGINAL}
    assert pairs[0]["score"] > 0.9 and pairs[0]["score"] > pairs[1]["score"]
    assert len(pairs) == TABLE_PAIRS and len(report.data.per_student) == 150
    html = report.html.read_text(encoding="utf-8")
    assert html.count('<tr><td class="num" data-label="#">') == TABLE_PAIRS
    assert html.count('<div class="side-by-side">') >= SIDE_BY_SIDE_PAIRS and html.count("<h3>") == SIDE_BY_SIDE_PAIRS
