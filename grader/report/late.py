"""Late submissions: the deadline and the late policy of course.toml, applied to a score.

    [course]
    deadline = 2026-12-01T23:59:00Z    # a TOML date-time (UTC when it has no offset)

    [late]
    percent_per_day = 10               # points lost per started day late, in percent of the score
    zero_after_days = 3                # more days late than this: 0 (leave out for no cut-off)
    grace_minutes = 5                  # this much late counts as on time

No [late] table means no penalty (late submissions are still listed). The time a submission is
judged by is when the instructor received it (`grader.report.times`), never a time the student
wrote (a manifest's, a commit's); unknown: never penalised, and listed as such.
"""

from __future__ import annotations

import datetime
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.errors import ConfigError

LATE_KEYS = ("percent_per_day", "zero_after_days", "grace_minutes")
DAY_S = 86400.0


@dataclass(frozen=True)
class LatePolicy:
    """The deadline and the penalty; `deadline` None means there is none."""

    deadline: datetime.datetime | None = None
    percent_per_day: float = 0.0
    zero_after_days: int | None = None
    grace_minutes: float = 0.0

    def describe(self) -> str:
        if self.deadline is None:
            return "no deadline in course.toml"
        parts = [f"deadline {self.deadline.isoformat()}"]
        if self.percent_per_day:
            parts.append(f"{self.percent_per_day:g}% per started day late")
        if self.zero_after_days is not None:
            parts.append(f"0 after {self.zero_after_days} day(s) late")
        if not self.percent_per_day and self.zero_after_days is None:
            parts.append("no penalty")
        if self.grace_minutes:
            parts.append(f"{self.grace_minutes:g} minutes' grace")
        return ", ".join(parts)


@dataclass(frozen=True)
class LateOutcome:
    """What the policy makes of one submission."""

    days_late: int  # started days after the deadline (0: on time or unknown)
    penalty_percent: float
    score: float  # after the penalty

    @property
    def late(self) -> bool:
        return self.days_late > 0


def _utc(value: Any, where: str, path: Path) -> datetime.datetime:
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            value = None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(23, 59, 59))
    if not isinstance(value, datetime.datetime):
        raise ConfigError(
            f"{where!r} must be a date-time such as 2026-12-01T23:59:00Z, received {value!r}.", path=path, key=where
        )
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def read_late_policy(course_path: Path) -> LatePolicy:
    """The policy of a course.toml; `ConfigError` names a wrong key or value."""
    document = tomllib.loads(Path(course_path).read_text(encoding="utf-8"))
    deadline = document.get("course", {}).get("deadline")
    table = document.get("late", {})
    if not isinstance(table, dict):
        raise ConfigError(
            "[late] must be a table with percent_per_day, zero_after_days, grace_minutes.", path=course_path, key="late"
        )
    for key in table:
        if key not in LATE_KEYS:
            raise ConfigError(
                f"Unknown key 'late.{key}'. Valid keys here: {', '.join(LATE_KEYS)}.",
                path=course_path,
                key=f"late.{key}",
            )
    percent = table.get("percent_per_day", 0.0)
    zero_after = table.get("zero_after_days")
    grace = table.get("grace_minutes", 0.0)
    for key, value in (("percent_per_day", percent), ("grace_minutes", grace)):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 <= value <= (100 if key == "percent_per_day" else 10080)
        ):
            raise ConfigError(
                f"'late.{key}' must be a number from 0 to {100 if key == 'percent_per_day' else 10080}, received {value!r}.",
                path=course_path,
                key=f"late.{key}",
            )
    if zero_after is not None and (isinstance(zero_after, bool) or not isinstance(zero_after, int) or zero_after < 0):
        raise ConfigError(
            f"'late.zero_after_days' must be a whole number of days >= 0, received {zero_after!r}.",
            path=course_path,
            key="late.zero_after_days",
        )
    if table and deadline is None:
        raise ConfigError(
            "[late] gives a penalty but 'course.deadline' is missing: add deadline = 2026-12-01T23:59:00Z to [course].",
            path=course_path,
            key="course.deadline",
        )
    return LatePolicy(
        deadline=None if deadline is None else _utc(deadline, "course.deadline", Path(course_path)),
        percent_per_day=float(percent),
        zero_after_days=zero_after,
        grace_minutes=float(grace),
    )


def parse_time(text: str | None) -> datetime.datetime | None:
    """A time stored in the gradebook (ISO 8601), as an aware datetime; None when absent or unreadable."""
    if not text:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def apply_policy(policy: LatePolicy, score: float, submitted: datetime.datetime | None) -> LateOutcome:
    """The score after the late penalty; on time, no deadline or an unknown time change nothing."""
    if policy.deadline is None or submitted is None:
        return LateOutcome(0, 0.0, score)
    late_s = (submitted - policy.deadline).total_seconds() - 60.0 * policy.grace_minutes
    if late_s <= 0:
        return LateOutcome(0, 0.0, score)
    days = math.ceil(late_s / DAY_S)
    if policy.zero_after_days is not None and days > policy.zero_after_days:
        return LateOutcome(days, 100.0, 0.0)
    penalty = min(100.0, policy.percent_per_day * days)
    return LateOutcome(days, penalty, round(score * (1.0 - penalty / 100.0), 2))
