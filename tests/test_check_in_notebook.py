"""Tests for grader.check(...) and `!grade check` from a notebook: a real notebook run by a real kernel (nbclient)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

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


def test_grader_check_and_bang_grade_check_in_a_real_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a kernel at the portable level: grader.check(...) displays the table and report; !grade check prints it."""
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
    displayed_text, displayed_html = _outputs(notebook.cells[0])
    assert "Total: 15/15" in displayed_text and "split_validation" in displayed_text
    assert "Total: 15/15" in displayed_html and "<iframe srcdoc=" in displayed_html
    assert _outputs(notebook.cells[1])[0].strip() == "15 15 portable"
    printed, _ = _outputs(notebook.cells[2])
    assert "Total: 15/15" in printed and "isolation: portable" in printed
