"""`grade report --gradebook class.sqlite --out report/`: index.html and summary.json.

The page is rendered with Jinja2 from `templates/class.html.j2`, its figures are inline SVG
(`grader.reporters.plots`): one self-contained file, no network, no JavaScript.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from grader.batch.gradebook import Gradebook, Row
from grader.class_report.lateness import apply_policy
from grader.class_report.similarity import FingerprintIndex, SimilarPair, shared_code
from grader.class_report.students import PAGES, student_entries, write_student_pages
from grader.class_report.summary import STATUSES, ClassSummary, LateEntry, PairEntry, TamperEntry, summarize_class
from grader.class_report.tamper import check_repository, load_protected
from grader.class_report.times import hand_in, read_received
from grader.course.config import Course, load_course
from grader.course.late import LatePolicy
from grader.errors import UsageError
from grader.reporters import plots
from grader.safetext import finalize_html

TEMPLATES = Path(__file__).parent / "templates"
TABLE_PAIRS = 20  # pairs in the ranked table
SIDE_BY_SIDE_PAIRS = 5  # pairs shown with their shared lines


@dataclass(frozen=True)
class ReportFiles:
    """What `grade report` wrote."""

    html: Path
    summary: Path
    data: ClassSummary

    def describe(self) -> str:
        data = self.data
        lines = [
            f"Class report of {data.course_id}: {data.students} students, mean total"
            f" {data.total.mean if data.total.mean is not None else '-'} / {data.total.max_score}",
            "  statuses: " + ", ".join(f"{status} {count}" for status, count in data.statuses.items()),
            f"  most similar pair: {data.similar_pairs[0].student_a} and {data.similar_pairs[0].student_b} ({data.similar_pairs[0].score:.0%})"
            if data.similar_pairs
            else "  similarity: no shared code beyond the stubs",
            f"  tampered Classroom repositories: {len(data.tampered)} of {data.repositories_checked} checked"
            + (f" ({data.tamper_note})" if data.tamper_note else ""),
            f"  late: {sum(1 for entry in data.late if entry.days_late)} ({data.late_policy})",
            *_by_student(data),
            f"Wrote {self.html}, {self.summary} and one page per student under {self.html.parent / PAGES}",
        ]
        return "\n".join(lines) + "\n"


def _by_student(data: ClassSummary) -> list[str]:
    """The students at zero, not graded, timed out or with a syntax error, by name."""
    kinds = {
        "at zero": [e.student for e in data.per_student if e.status == "zero"],
        "not graded": [e.student for e in data.per_student if e.status in ("error", "not graded")],
        "timeouts": [e.student for e in data.per_student if any("(timeout)" in p for p in e.problems)],
        "syntax errors": [e.student for e in data.per_student if any("syntax error" in p for p in e.problems)],
    }
    return [f"  {kind}: {', '.join(students)}" for kind, students in kinds.items() if students]


def submission_code(gradebook: Gradebook, row: Row, course: Course | None) -> dict[str, str]:
    """The submission's modules: kept in the gradebook by `grade batch`, else read again from its source."""
    kept = gradebook.modules(row.student, row.sha256)
    if kept or course is None or not Path(row.source).exists():
        return kept
    from grader.intake.submissions import Source, SourceKind, intake

    path = Path(row.source)
    kind = SourceKind.FOLDER if path.is_dir() else SourceKind.ZIP
    read = intake(Source(path, kind), course)
    return {name: data.decode("utf-8", "replace") for name, data in read.modules.items()}


def _stubs(stubs: Path | None, course: Course | None) -> tuple[dict[str, str], str]:
    folder = stubs if stubs is not None else (course.path.parent / "exercises" if course is not None else None)
    if folder is None or not folder.is_dir():
        return (
            {},
            f"no stubs found ({folder}): the code every student was given counts as shared; pass --stubs exercises/",
        )
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.py"))}, ""


def _late(rows: list[Row], policy: LatePolicy, received: dict[str, datetime.datetime]) -> tuple[LateEntry, ...]:
    if policy.deadline is None:
        return ()
    entries = []
    for row in rows:
        handed = hand_in(row, received, policy.deadline)
        when = handed.received
        outcome = apply_policy(policy, float(row.score or 0), when)
        if outcome.late or when is None or handed.flags:
            entries.append(
                LateEntry(
                    student=row.student,
                    submitted_at=when.isoformat() if when else None,
                    time_source=handed.source,
                    days_late=outcome.days_late,
                    penalty_percent=outcome.penalty_percent,
                    score=row.score,
                    score_after_penalty=outcome.score if row.score is not None else None,
                    claimed_at=handed.claimed.isoformat() if handed.claimed else None,
                    claimed_source=handed.claimed_source,
                    flags=handed.flags,
                )
            )
    return tuple(sorted(entries, key=lambda entry: (-entry.days_late, entry.student)))


def _figures(data: ClassSummary) -> dict[str, plots.Figure]:
    figures = {
        "total": plots.histogram(
            data.total.scores,
            title="Total score",
            xlabel=f"points (out of {data.total.max_score})",
            bins=_bins(data.total.max_score),
        ),
        "statuses": plots.bars(
            list(STATUSES),
            [data.statuses[status] for status in STATUSES],
            title="Students per status",
            xlabel="status",
            ylabel="students",
            colors=["#2e8b57", "#1f6fb4", "#c0392b", "#7f8c8d"],
        ),
    }
    for exercise in data.exercises:
        figures[exercise.id] = plots.histogram(
            exercise.scores,
            title=exercise.title,
            xlabel=f"points (out of {exercise.max_score})",
            bins=_bins(exercise.max_score),
        )
    return figures


def _bins(max_score: int) -> list[float]:
    step = max(1, -(-max_score // 20))
    return [edge - 0.5 for edge in range(0, max_score + step + 1, step)]


def build_report(
    *,
    gradebook_path: Path,
    out: Path,
    course_path: Path | None = None,
    stubs: Path | None = None,
    release: Path | None = None,
    received: Path | None = None,
) -> ReportFiles:
    """Write `out/index.html` and `out/summary.json` for the latest submission of each student."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; pass a folder for the report (it is created if missing).")
    course = load_course(course_path) if course_path is not None and course_path.is_file() else None
    expected = load_protected(release) if release is not None else None
    boilerplate, similarity_note = _stubs(stubs, course)
    index = FingerprintIndex(boilerplate)
    with Gradebook(gradebook_path, create=False) as gradebook:
        rows = gradebook.latest()
        data = summarize_class(gradebook.course_id, rows)
        by_student = {row.student: row for row in rows}
        code_of = ((row.student, submission_code(gradebook, row, course)) for row in rows)
        index.add_all((student, modules) for student, modules in code_of if modules)  # only fingerprints are kept
        ranked = index.ranked(limit=TABLE_PAIRS)
        code = {
            student: submission_code(gradebook, by_student[student], course)
            for pair in ranked
            for student in (pair.student_a, pair.student_b)
        }
    pairs = [shared_code(pair, code[pair.student_a], code[pair.student_b], boilerplate, index.given) for pair in ranked]
    policy = course.late if course is not None else LatePolicy()
    checked = [row for row in rows if Path(row.source).is_dir()] if expected is not None else []
    findings = (
        [check_repository(row.student, Path(row.source), expected) for row in checked] if expected is not None else []
    )
    data = replace(
        data,
        similar_pairs=tuple(
            PairEntry(p.student_a, p.student_b, p.score, p.shared_tokens, tuple(m.name for m in p.modules))
            for p in pairs
        ),
        similarity_note=similarity_note,
        tampered=tuple(
            TamperEntry(f.student, f.repository, f.changed, f.added, f.missing, f.history)
            for f in findings
            if f.tampered
        ),
        repositories_checked=len(findings),
        tamper_note="" if expected is not None else "not checked: pass --release with the folder `grade release` wrote",
        late_policy=policy.describe() if course is not None else "not checked: no course.toml (pass --course)",
        late=_late(rows, policy, read_received(received)),
    )
    data = replace(
        data,
        per_student=student_entries(
            rows, [exercise.id for exercise in data.exercises], data.late, data.tampered, data.similar_pairs
        ),
    )
    out.mkdir(parents=True, exist_ok=True)
    write_student_pages(rows, out)
    html = out / "index.html"
    html.write_text(render_html(data, pairs[:SIDE_BY_SIDE_PAIRS]), encoding="utf-8")
    summary = out / "summary.json"
    summary.write_text(json.dumps(data.to_dict(), indent=2) + "\n", encoding="utf-8")
    return ReportFiles(html=html, summary=summary, data=data)


def render_html(data: ClassSummary, shown_pairs: list[SimilarPair]) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([TEMPLATES, plots.TEMPLATES]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=finalize_html,
    )
    return environment.get_template("class.html.j2").render(
        data=data,
        figures=_figures(data),
        shown_pairs=shown_pairs,
        generated=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
