"""Student text is data: one function per sink makes it safe to hand to another program.

Anything a student controls (an exception message, a printed value, a folder or login name)
reaches terminals, XML, HTML, CSV files opened in a spreadsheet, and file names. Each sink
has its own dangers, and one function here for each:

| sink | danger | what is done |
|---|---|---|
| terminal | ESC sequences (OSC 52 clipboard, OSC 8 links, OSC 0 title, cursor moves), C0/C1 controls, bidi overrides | every control but newline and tab is shown as `\\x1b`, `\\x07`, `\\u202e`... |
| XML 1.0 | NUL, BEL, VT... are not characters of XML 1.0: the document does not parse | each is shown as `\\x00`... |
| HTML | lone surrogates cannot be encoded as UTF-8 (the report was left empty) | replaced, then escaped by the template |
| CSV | a cell starting with `=`, `+`, `-`, `@`, tab or CR is a formula in a spreadsheet | a leading `'` (OWASP, "CSV Injection") |
| file name | `/`, `..`, NUL, a leading dot, Windows' reserved names | a name that stays inside its folder |

Every function takes any `str` (lone surrogates included) and never raises.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# One lone surrogate (half of a UTF-16 pair), as `errors="surrogateescape"` or a JSON "\udc80" makes them.
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls but tab and newline, DEL, the C1 controls (U+0080..U+009F: 0x9B is a one-byte CSI), the line and
# paragraph separators, and the bidirectional overrides and isolates that reorder what a terminal shows.
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# What XML 1.0 does not allow (section 2.2, Char), surrogates aside: C0 controls but tab, LF and CR, U+FFFE, U+FFFF.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Cells a spreadsheet reads as a formula (OWASP's list: = + - @ tab carriage return).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A file name: letters, digits and a few marks; everything else becomes "_".
_NAME_UNSAFE = re.compile(r"[^\w.\-+@ ]", re.UNICODE)
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
REPLACEMENT = "\ufffd"


def _shown(match: re.Match[str]) -> str:
    """A control character as its Python escape: `\\x1b`, visible and harmless."""
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def without_surrogates(text: str) -> str:
    """The text with each lone surrogate replaced by U+FFFD, so that it can be encoded as UTF-8."""
    return _SURROGATE.sub(REPLACEMENT, str(text))


def for_terminal(text: str) -> str:
    """Text a terminal shows as it is: every control but newline and tab, ESC first, shown as `\\x1b`.

    A carriage return is shown too (it would let a line overwrite what the grader printed before it)."""
    return _TERMINAL_CONTROL.sub(_shown, without_surrogates(text))


def for_xml(text: str) -> str:
    """Text every XML 1.0 parser accepts: the characters it forbids shown as `\\x00`, lone surrogates replaced."""
    return _XML_FORBIDDEN.sub(_shown, without_surrogates(text))


def for_html(text: str) -> str:
    """Text for an HTML template that escapes it (Jinja2's autoescape): encodable as UTF-8, no control
    character but newline and tab (a browser shows none of them, and ESC sequences are meant for a terminal)."""
    return for_terminal(text)


def for_csv(text: str) -> str:
    """A text cell a spreadsheet shows as text: a leading `'` when it starts like a formula (OWASP)."""
    cleaned = without_surrogates(text)
    # Spreadsheets skip leading spaces and line breaks before a formula sign too (" =1+1", "\n@SUM(A1)").
    formula = cleaned.startswith(_FORMULA_START) or cleaned.lstrip(" \n\x0b\x0c\u00a0").startswith(_FORMULA_START[:4])
    return "'" + cleaned if formula else cleaned


def for_filename(text: str, *, fallback: str = "unnamed") -> str:
    """One path component that stays inside its folder on every system: NFC, no separator, no control,
    no leading dot or trailing dot/space, not a Windows device name, at most 100 characters."""
    name = _NAME_UNSAFE.sub("_", unicodedata.normalize("NFC", without_surrogates(text)))
    name = name.lstrip(".").rstrip(". ")[:100]
    if not name:
        return fallback
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    return name


def finalize_html(value: object) -> object:
    """Jinja2's `finalize` for an autoescaping template: every plain string it prints goes through
    `for_html` before it is escaped; markup the template made itself (`Markup`, a `str` subclass) is kept."""
    return for_html(value) if type(value) is str else value


def student_filename(student: str) -> str:
    """A file name for one student's own file: their id when it is already safe (and lower case), otherwise the
    safe form with the first 8 hex digits of the id's SHA-256, so that `!!!` and `???` (both `___`) get two
    files, and so do `Ana` and `ana` on a file system that ignores case (macOS, Windows)."""
    name = for_filename(student)
    if name == student and name == name.lower():
        return name
    digest = hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{name}-{digest}"
