"""Regenerate the README's screenshots of the two HTML reports (docs/*.png), in headless Chromium.

    .venv/bin/python scripts/report_screenshots.py

The student's report is the sample submission graded by `grade check --html` (TensorFlow runs,
about 15 s); the class report is the 40-student class the tests generate (tests/class_factory.py).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import ARGUMENTS, CHROMIUM  # noqa: E402
from class_factory import make_class  # noqa: E402

from grader.class_report.build import build_report  # noqa: E402

DOCS = ROOT / "docs"


def shoot(html: Path, shots: list[tuple[str, int, int, str | None]]) -> None:
    """(file name, width, height, element id to scroll to or None) for each screenshot."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTS)
        for name, width, height, anchor in shots:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(html.resolve().as_uri())
            if anchor:
                page.evaluate(f"document.getElementById({anchor!r}).scrollIntoView()")
            page.screenshot(path=str(DOCS / name))
            page.close()
            print(f"wrote docs/{name}")
        browser.close()


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as scratch:
        student = Path(scratch) / "student.html"
        subprocess.run([sys.executable, "-c", "from grader.cli import main; main()", "check", "examples/sample_submission",
                        "--html", str(student)], cwd=ROOT, capture_output=True, check=False)  # fmt: skip
        shoot(
            student,
            [("student-report.png", 1280, 2000, None), ("student-report-phone.png", 390, 1600, "training_step")],
        )
        generated = make_class(Path(scratch) / "class")
        report = build_report(gradebook_path=generated.gradebook, out=Path(scratch) / "report", course_path=generated.course_path,
                              stubs=generated.stubs, release=generated.release)  # fmt: skip
        shoot(
            report.html,
            [("class-report.png", 1280, 1700, None), ("class-report-similarity.png", 1280, 1500, "similarity")],
        )


if __name__ == "__main__":
    main()
