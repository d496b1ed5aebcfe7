"""Student text through the real `grade check`: lone surrogates, NUL/BEL/VT and OSC sequences in an exception."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from conftest import SOLUTIONS, run_grade

# An exception message a student's code can raise: a lone surrogate, OSC 52 (clipboard), OSC 0 (window
# title), OSC 8 (a link), a cursor move, and NUL, BEL and VT, which XML 1.0 forbids.
RAISE = (
    '    raise ValueError("bad \\udc80 value \\x1b]52;c;cm0gLXJmIH4=\\x07 \\x1b]0;title\\x07'
    ' \\x1b]8;;https://evil.example/\\x1b\\\\link\\x1b]8;;\\x1b\\\\ \\x1b[1A \\x00\\x07\\x0b end")\n'
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The solutions, with square_loss raising the hostile message as its first statement."""
    folder = tmp_path_factory.mktemp("hostile") / "submission"
    shutil.copytree(SOLUTIONS, folder)
    module = folder / "linear_classifier.py"
    text = module.read_text(encoding="utf-8")
    start = text.index("def square_loss(")
    body = text.index('"""', text.index('"""', start) + 3) + 3
    module.write_text(text[:body] + "\n" + RAISE + text[body:], encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def junit_and_html(
    hostile: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """`grade check --exercise square_loss --format junit --html report.html` on the hostile submission."""
    html = tmp_path_factory.mktemp("report") / "report.html"
    done = run_grade(
        "check",
        str(hostile),
        "--exercise",
        "square_loss",
        "--inputs",
        "public",
        "--format",
        "junit",
        "--html",
        str(html),
    )
    return done, html


def test_html_report_is_written_despite_lone_surrogates(
    junit_and_html: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """Exit 1 (a failed test, not 3), and the report holds the message, escaped, with U+FFFD for the surrogate."""
    done, html = junit_and_html
    assert done.returncode == 1, done.stderr
    page = html.read_text(encoding="utf-8")
    assert "bad \ufffd value" in page and "\x1b" not in page and "\\x1b]52;c;" in page


def test_junit_is_valid_xml_despite_nul_bel_vt(junit_and_html: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    """The JUnit document parses with xml.etree, and the failure shows the controls as \\x00, \\x07, \\x0b."""
    done, _ = junit_and_html
    root = ElementTree.fromstring(done.stdout.encode("utf-8"))
    failures = [failure.text or "" for failure in root.iter("failure")]
    assert failures and any("\\x00\\x07\\x0b end" in text for text in failures)


def test_terminal_gets_no_escape_sequence(hostile: Path) -> None:
    """The terminal table shows OSC 52, OSC 0, OSC 8 and the cursor move as text: no ESC, BEL or C1 byte."""
    done = run_grade("check", str(hostile), "--exercise", "square_loss")
    assert done.returncode == 1, done.stderr
    output = done.stdout + done.stderr
    assert "\x1b" not in output and "\x07" not in output and "\x9b" not in output
    assert "\\x1b]52;c;" in output
