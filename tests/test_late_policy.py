"""The late policy of course.toml: reading it, and what it does to a score."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from conftest import ROOT

from grader.class_report.lateness import apply_policy, read_late_policy
from grader.course.config import load_course
from grader.errors import ConfigError

UTC = datetime.UTC
DEADLINE = datetime.datetime(2026, 12, 1, 23, 59, tzinfo=UTC)


def course_with(tmp_path: Path, course_lines: str = "", late: str = "") -> Path:
    text = (ROOT / "course.toml").read_text(encoding="utf-8")
    text = text.replace(
        'title = "Introduction to Keras and TensorFlow"\n',
        f'title = "Introduction to Keras and TensorFlow"\n{course_lines}',
        1,
    )
    path = tmp_path / "course.toml"
    path.write_text(text + (f"\n[late]\n{late}" if late else ""), encoding="utf-8")
    return path


def test_policy_reads_and_the_course_still_loads(tmp_path: Path) -> None:
    """A deadline and [late] are valid course.toml keys; the policy reads back with its values."""
    path = course_with(
        tmp_path, "deadline = 2026-12-01T23:59:00Z\n", "percent_per_day = 10\nzero_after_days = 3\ngrace_minutes = 5\n"
    )
    load_course(path)
    policy = read_late_policy(path)
    assert (policy.deadline, policy.percent_per_day, policy.zero_after_days, policy.grace_minutes) == (
        DEADLINE,
        10.0,
        3,
        5.0,
    )


def test_penalty_per_started_day_and_zero_after_n(tmp_path: Path) -> None:
    """On time and within grace: no change; 1 minute to 24 hours late: -10%; 25 hours: -20%; 4 days: 0; unknown time: no change."""
    policy = read_late_policy(
        course_with(
            tmp_path,
            "deadline = 2026-12-01T23:59:00Z\n",
            "percent_per_day = 10\nzero_after_days = 3\ngrace_minutes = 5\n",
        )
    )
    late = lambda **delta: apply_policy(policy, 80.0, DEADLINE + datetime.timedelta(**delta))  # noqa: E731
    assert late(minutes=-1).score == 80.0 and late(minutes=5).score == 80.0
    assert late(minutes=6).score == 72.0 and late(hours=24, minutes=5).score == 72.0
    assert late(hours=25).score == 64.0 and late(hours=25).days_late == 2
    assert late(days=4).score == 0.0
    assert apply_policy(policy, 80.0, None).score == 80.0


def test_no_late_table_means_no_penalty(tmp_path: Path) -> None:
    """A deadline without [late]: late work is listed but keeps its points."""
    policy = read_late_policy(course_with(tmp_path, "deadline = 2026-12-01T23:59:00Z\n"))
    assert apply_policy(policy, 80.0, DEADLINE + datetime.timedelta(days=10)).score == 80.0


@pytest.mark.parametrize(
    ("course_lines", "late", "named"),
    [("deadline = 2026-12-01T23:59:00Z\n", "percent_per_dya = 10\n", "late.percent_per_dya"),
     ("", "percent_per_day = 10\n", "course.deadline"),
     ("deadline = 2026-12-01T23:59:00Z\n", "percent_per_day = 150\n", "late.percent_per_day"),
     ('deadline = "next friday"\n', "percent_per_day = 10\n", "course.deadline")],
)  # fmt: skip
def test_bad_policy_names_the_key(tmp_path: Path, course_lines: str, late: str, named: str) -> None:
    """An unknown key, a penalty without a deadline, a percentage over 100, an unreadable date: ConfigError naming the key."""
    with pytest.raises(ConfigError) as raised:
        read_late_policy(course_with(tmp_path, course_lines, late))
    assert named in raised.value.message and raised.value.exit_code == 2
