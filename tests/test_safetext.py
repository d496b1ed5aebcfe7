"""grader.safetext: student text made safe for terminals, XML, HTML, CSV and file names, with real payloads."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ElementTree

import jinja2
import pytest

from grader.safetext import finalize_html, for_csv, for_filename, for_html, for_terminal, for_xml, student_filename

OSC_52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # put "rm -rf ~" in the clipboard
OSC_8 = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"  # a hidden link
OSC_0 = "\x1b]0;sudo password:\x07"  # the window title
CURSOR = "\x1b[2J\x1b[H\x1b[1A\x1b[31m"  # clear screen, home, up one line, red
C1_CSI = "\x9b2J"  # the one-byte CSI of the C1 controls
PAYLOADS = [OSC_52, OSC_8, OSC_0, CURSOR, C1_CSI, "a\rb", "\x00\x07\x0b\x0c\x7f", "lone \udc80 \ud800 surrogate"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_terminal_text_has_no_control_but_newline_and_tab(payload: str) -> None:
    """No ESC, C0 or C1 control reaches the terminal; each is shown as its escape, and UTF-8 encoding works."""
    shown = for_terminal(payload + "\nnext\tcolumn")
    assert not any(ord(char) < 0x20 and char not in "\n\t" or 0x7F <= ord(char) <= 0x9F for char in shown)
    assert shown.endswith("\nnext\tcolumn")
    shown.encode("utf-8")


def test_terminal_shows_what_was_removed() -> None:
    """ESC and BEL are shown as \\x1b and \\x07 so that the instructor sees the attempt."""
    assert for_terminal(OSC_0) == "\\x1b]0;sudo password:\\x07"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xml_text_parses_in_an_element_and_an_attribute(payload: str) -> None:
    """An element and an attribute holding the text serialise to XML that xml.etree parses back."""
    root = ElementTree.Element("case", message=for_xml(payload))
    root.text = for_xml(payload)
    document = ElementTree.tostring(root, encoding="unicode").encode("utf-8")
    parsed = ElementTree.fromstring(document)
    assert parsed.text is not None and parsed.get("message") is not None


@pytest.mark.parametrize("payload", [*PAYLOADS, "<script>alert(1)</script>"])
def test_html_template_escapes_and_encodes(payload: str) -> None:
    """Through an autoescaping Jinja2 template with finalize_html: UTF-8 encodable, no tag, no ESC."""
    environment = jinja2.Environment(autoescape=True, finalize=finalize_html)
    page = environment.from_string("<p>{{ text }}</p>{{ kept }}").render(
        text=payload, kept=jinja2.utils.markupsafe.Markup("<b>ok</b>")
    )
    page.encode("utf-8")
    assert "<script>" not in page and "\x1b" not in page and "<b>ok</b>" in page
    assert for_html(payload).encode("utf-8")


@pytest.mark.parametrize("cell", ['=HYPERLINK("https://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_formula_cells_get_an_apostrophe(cell: str) -> None:
    """OWASP's formula prefixes get a leading apostrophe; the cell reads back as that text."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([for_csv(cell)])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["'" + cell]


def test_csv_plain_text_is_kept() -> None:
    """Names that start like text stay as they are."""
    assert for_csv("Dupont, Ana") == "Dupont, Ana" and for_csv("ana@example.edu") == "ana@example.edu"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("../../etc/passwd", "_.._etc_passwd"), (".hidden", "hidden"), ("CON", "_CON"), ("a/b\\c", "a_b_c"),
     ("", "unnamed"), ("...", "unnamed"), ("Zoe\u0308", "Zo\u00eb"), ("x\x00\udc80y", "x__y")],
)  # fmt: skip
def test_file_names_stay_inside_their_folder(name: str, expected: str) -> None:
    """No separator, no leading dot, no device name, no control; NFC."""
    assert for_filename(name) == expected


def test_student_files_of_distinct_ids_are_distinct() -> None:
    """Ids whose safe forms are the same (`!!!`, `???`), or differ in case only, get distinct names; a safe id keeps its own."""
    names = [student_filename(student) for student in ("!!!", "???", "_carl", "carl", "Zoe?", "../ana", "Ana", "ana")]
    assert len({name.lower() for name in names}) == len(names) and student_filename("carl") == "carl"
    assert all("/" not in name and not name.startswith(".") for name in names)


def test_terminal_shows_bidi_overrides() -> None:
    """A right-to-left override (Trojan Source) and a line separator are shown, not obeyed."""
    assert for_terminal("ok\u202eevil\u2028x") == "ok\\u202eevil\\u2028x"


@pytest.mark.parametrize("cell", [" =1+1", "\n@SUM(A1)", "\u00a0+2"])
def test_csv_formula_after_leading_blanks_gets_an_apostrophe(cell: str) -> None:
    """A formula sign after spaces or a line break is a formula too."""
    assert for_csv(cell) == "'" + cell
