"""Tests for grader/reporters: each format has its documented field names and parses."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ElementTree

from grader.reporters import render_classroom, render_gradescope, render_json, render_junit, render_text
from grader.reporters.classroom import runner_results
from tests.factories import sample_result


def test_text_table_has_rows_hints_and_total() -> None:
    """The table lists every test with points and status, failures with message and hint, and the total."""
    text = render_text(sample_result(), width=120)
    assert "matches_reference_column" in text and "0/4" in text and "FAILED" in text
    assert "hint: Use the mean, not the sum." in text
    assert "Total: 6/15" in text


def test_json_reporter_is_the_model() -> None:
    """The JSON reporter prints the result's to_dict()."""
    assert json.loads(render_json(sample_result())) == sample_result().to_dict()


def test_junit_parses_with_one_testcase_per_test() -> None:
    """JUnit XML parses, has one testcase per test, failures and errors marked."""
    root = ElementTree.fromstring(render_junit(sample_result(internal_error=True)))
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 5
    assert {case.get("name") for case in cases if case.find("failure") is not None} == {
        "matches_reference_column",
        "hidden_values",
    }
    assert [case.get("name") for case in cases if case.find("error") is not None] == ["seed_controls_the_split"]
    assert root.get("tests") == "5" and root.get("failures") == "2" and root.get("errors") == "1"


def test_gradescope_fields_and_hidden_visibility() -> None:
    """Gradescope results.json: score, tests[] with name/score/max_score/status/output/visibility."""
    data = json.loads(render_gradescope(sample_result()))
    assert data["score"] == 6
    assert all(set(test) >= {"name", "score", "max_score", "status", "output", "visibility"} for test in data["tests"])
    visibility = {test["name"]: test["visibility"] for test in data["tests"]}
    assert visibility["square_loss: hidden_values"] == "after_published"
    assert visibility["square_loss: matches_reference_column"] == "visible"


def test_classroom_runners_agree_on_partial_credit() -> None:
    """Each runner holds tests of equal points, so the reporter's two ways of counting agree."""
    runners = runner_results(sample_result())
    for runner in runners.values():
        assert set(runner) >= {"version", "status", "max_score", "tests"}
        points = {test["score"] for test in runner["tests"] if test["status"] == "pass"}
        per_test = runner["max_score"] / len(runner["tests"])
        passed = sum(test["status"] == "pass" for test in runner["tests"])
        # The reporter's table: passed / all x max_score; the total it sends: the sum of scores.
        assert passed / len(runner["tests"]) * runner["max_score"] == sum(test["score"] for test in runner["tests"])
        assert points <= {per_test}
    assert sum(sum(t["score"] for t in r["tests"]) for r in runners.values()) == sample_result().score
    lines = render_classroom(sample_result()).splitlines()
    name, encoded = lines[0].split("_RESULTS=")
    assert json.loads(base64.b64decode(encoded)) == runners[name]
    assert "secret" not in render_classroom(sample_result())
