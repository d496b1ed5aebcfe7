"""Tests for grader/authoring/audit.py and audit_report.py: `grade audit` grades the suites against mutants of the
solution and the pack's known mistakes, and reports survivors as diffs, equivalents, the score and an HTML page."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.authoring_support import scaffolded_course
from tests.conftest import run_grade

# A line the suite cannot see (its value is never returned): two mutants of it survive.
UNSEEN = "    large = x > 100.0\n"


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, subprocess.CompletedProcess[str]]:
    """One `grade audit scale --html` of a scaffolded exercise with an unseen line, one mutant of it listed as
    equivalent, a known mistake the suite catches and one it does not; (course folder, the line, the run)."""
    course_dir = scaffolded_course(tmp_path_factory.mktemp("audit")).parent
    solution = course_dir / "solutions" / "scaling.py"
    text = solution.read_text().replace("    return 2.0 * x + 1.0\n", UNSEEN + "    return 2.0 * x + 1.0\n")
    solution.write_text(text)
    line = text.splitlines().index(UNSEEN.rstrip("\n")) + 1
    (course_dir / "packs" / "scale" / "mutants.toml").write_text(
        f'equivalent = ["line {line}: Gt -> GtE"]\n\n'
        '[[mutant]]\nname = "forgot the offset"\nreplace = ["2.0 * x + 1.0", "2.0 * x"]\nfails = ["matches_reference"]\n\n'
        '[[mutant]]\nname = "harmless"\nreplace = ["2.0 * x + 1.0", "2.0 * x + 1.0 + 0.0 * x"]\n'
        'fails = ["matches_reference"]\n'
    )
    run_grade("generate", cwd=course_dir)
    return course_dir, line, run_grade("audit", "scale", "--html", str(course_dir / "audit.html"), cwd=course_dir)


def test_audit_reports_the_score_and_exits_1_on_survivors(
    audited: tuple[Path, int, subprocess.CompletedProcess[str]],
) -> None:
    """7 of 8 mutants killed (one listed as equivalent): score 0.88, exit 1 for the survivor."""
    _, _, completed = audited
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "scale: mutation score 0.88 (7/8 killed, 1 equivalent)" in completed.stdout


def test_a_survivor_is_a_diff_with_the_tests_that_should_catch_it(
    audited: tuple[Path, int, subprocess.CompletedProcess[str]],
) -> None:
    """The surviving constant change is shown as a diff, with the way to kill or explain it."""
    _, line, completed = audited
    assert f"survived: line {line}: 100.0 -> 200.0" in completed.stdout
    assert "-large = x > 100.0\n    +large = x > 200.0" in completed.stdout
    assert f'equivalent = ["line {line}: 100.0 -> 200.0"]' in completed.stdout


def test_known_mistakes_must_lose_their_tests(audited: tuple[Path, int, subprocess.CompletedProcess[str]]) -> None:
    """Each known mistake is listed with the tests that caught it; one that passes a test mutants.toml says it
    fails is reported as such, a caught one is not."""
    _, _, completed = audited
    assert "known mistake 'forgot the offset': caught by matches_reference, hidden_matches_reference" in (
        completed.stdout
    )
    assert "known mistake 'harmless': caught by no test (mutants.toml: must fail matches_reference)" in completed.stdout
    assert "known mistake 'harmless' passed matches_reference" in completed.stdout
    assert "'forgot the offset' passed" not in completed.stdout


def test_the_audit_page(audited: tuple[Path, int, subprocess.CompletedProcess[str]]) -> None:
    """--html writes a page with the scores table, each known mistake with the tests that caught it, and each
    survivor's diff, escaped."""
    course_dir, _, _ = audited
    page = (course_dir / "audit.html").read_text()
    assert "<h1>Mutation audit</h1>" in page and "<td>scale</td><td>0.88</td>" in page
    assert "<tr><td>forgot the offset</td><td>matches_reference, hidden_matches_reference</td>" in page
    assert "<tr><td>harmless</td><td>no test</td><td>matches_reference</td><td><b>no</b></td></tr>" in page
    assert "<del>-large = x &gt; 100.0</del>" in page
