"""Tests for grader.check(...) and `!grade check` from a notebook: a real notebook run by a real kernel (nbclient)."""

from __future__ import annotations

import html
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from grader.course.config import load_course
from tests.conftest import ROOT, SOLUTIONS


def _outputs(cell: nbformat.NotebookNode) -> tuple[str, str]:
    """(all text/plain and stream text, all text/html) a cell produced."""
    texts, htmls = [], []
    for output in cell.outputs:
        if output.output_type == "stream":
            texts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            texts.append(output.data.get("text/plain", ""))
            htmls.append(output.data.get("text/html", ""))
        elif output.output_type == "error":
            texts.append("\n".join(output.traceback))
    return "".join(texts), "".join(htmls)


def _assert_one_display(cell: nbformat.NotebookNode, exercise: str, total: str) -> None:
    """The cell shows one result: one output, whose HTML (what Jupyter renders) and text each hold the header, every
    test's row and the total once, in that order, and whose HTML ends with a frame of the report's figures only."""
    assert [output.output_type for output in cell.outputs] == ["execute_result"], cell.outputs
    data = cell.outputs[0].data
    shown, frame = data["text/html"].split("<iframe srcdoc=", 1)
    tests = [test.name for test in load_course(ROOT / "course.toml").exercise(exercise).tests]
    for text in (html.unescape(shown), data["text/plain"]):
        places = [text.index("Grading "), *(text.index(name) for name in tests), text.index(total)]
        assert places == sorted(places), text
        for once in ("Grading ", "isolation: portable", *tests, "Total: "):
            assert text.count(once) == 1, (once, text)
    figures = html.unescape(frame)
    assert "<figure" in figures and "Total: " not in figures and "<table" not in figures
    assert not any(name in figures for name in tests), figures


def test_grader_check_and_bang_grade_check_in_a_real_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a kernel at the portable level: grader.check(...) displays one result (header, table, total, then the
    report's figures, nothing twice); !grade check prints the table."""
    monkeypatch.setenv("GRADER_ISOLATION", "portable")
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            f"import grader\nresult = grader.check(path={str(SOLUTIONS)!r}, exercise='split_validation')\nresult"
        ),
        nbformat.v4.new_code_cell("print(result.score, result.max_score, result.result.isolation)"),
        nbformat.v4.new_code_cell(f'!grade check "{SOLUTIONS}" --exercise split_validation'),
    ]
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    _assert_one_display(notebook.cells[0], "split_validation", "Total: 15/15")
    assert _outputs(notebook.cells[1])[0].strip() == "15 15 portable"
    printed, _ = _outputs(notebook.cells[2])
    assert "Total: 15/15" in printed and "isolation: portable" in printed
