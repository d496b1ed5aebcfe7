"""The audit's report: text for the terminal, and an HTML page like the class report's."""

from __future__ import annotations

import html

from grader.authoring.audit import ExerciseAudit


def render_text(audits: list[ExerciseAudit]) -> str:
    """Per exercise: the mutation score, each known mistake with the tests that caught it, each survivor as a diff
    with the tests that should catch it, and the rest."""
    lines: list[str] = []
    for audit in audits:
        graded = len(audit.killed) + len(audit.survived)
        lines.append(
            f"{audit.exercise}: mutation score {audit.score:.2f} ({len(audit.killed)}/{graded} killed,"
            f" {len(audit.equivalent)} equivalent)"
        )
        for mutant in audit.survived:
            lines.append(f"  survived: {mutant.id}")
            lines += [f"    {row}" for row in mutant.diff.splitlines()]
            lines.append(
                f"    no test failed: write a test that this mistake fails (any of {', '.join(audit.tests)}), or"
                f' list it as equivalent in the pack\'s mutants.toml: equivalent = ["{mutant.id}"]'
            )
        for name, must, lost in audit.known:
            caught = f"caught by {', '.join(lost)}" if lost else "caught by no test"
            lines.append(f"  known mistake {name!r}: {caught} (mutants.toml: must fail {', '.join(must)})")
        for name, passed in audit.missed:
            lines.append(f"  known mistake {name!r} passed {', '.join(passed)}, which mutants.toml says it must fail")
        if audit.never_failed:
            lines.append(f"  tests no mutant fails: {', '.join(audit.never_failed)}")
    failing = [audit.exercise for audit in audits if not audit.ok]
    lines.append(
        f"Survivors in {', '.join(failing)}." if failing else f"Every mutant killed in {len(audits)} exercise(s)."
    )
    return "\n".join(lines) + "\n"


def render_html(audits: list[ExerciseAudit]) -> str:
    """A page of the audit: a table of the scores, then per exercise its known mistakes (the tests that caught each)
    and its survivors as diffs."""
    rows = "".join(
        f"<tr><td>{html.escape(audit.exercise)}</td><td>{audit.score:.2f}</td><td>{len(audit.killed)}</td>"
        f"<td>{len(audit.survived)}</td><td>{len(audit.equivalent)}</td>"
        f"<td>{html.escape(', '.join(audit.never_failed)) or '—'}</td></tr>"
        for audit in audits
    )
    sections = []
    for audit in audits:
        survivors = "".join(
            f"<h3>{html.escape(mutant.id)}</h3><pre><del>-{html.escape(mutant.before)}</del>\n"
            f"<ins>+{html.escape(mutant.after)}</ins></pre>"
            for mutant in audit.survived
        )
        missed = "".join(
            f"<p>Known mistake <b>{html.escape(name)}</b> passed {html.escape(', '.join(passed))}.</p>"
            for name, passed in audit.missed
        )
        known = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{html.escape(', '.join(lost)) or 'no test'}</td>"
            f"<td>{html.escape(', '.join(must))}</td><td>{'yes' if set(must) <= set(lost) else '<b>no</b>'}</td></tr>"
            for name, must, lost in audit.known
        )
        if known:
            known = (
                "<table><tr><th>known mistake</th><th>caught by</th><th>must fail</th><th>all of them?</th></tr>"
                f"{known}</table>"
            )
        if survivors or missed or known:
            sections.append(f"<h2>{html.escape(audit.exercise)}</h2>{known}{survivors}{missed}")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mutation audit</title><style>'
        "body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px}del{color:#a00}ins{color:#070}</style></head><body>"
        "<h1>Mutation audit</h1><table><tr><th>exercise</th><th>score</th><th>killed</th><th>survived</th>"
        f"<th>equivalent</th><th>tests no mutant fails</th></tr>{rows}</table>{''.join(sections)}</body></html>\n"
    )
