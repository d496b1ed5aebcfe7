"""The deadline and the late policy of course.toml, read with the rest of it by `load_course`.

    [course]
    deadline = 2026-12-01T23:59:00Z    # a TOML date-time (UTC when it has no offset)

    [late]
    percent_per_day = 10               # points lost per started day late, in percent of the score
    zero_after_days = 3                # more days late than this: 0 (leave out for no cut-off)
    grace_minutes = 5                  # this much late counts as on time

No [late] table means no penalty. `grader.class_report.lateness` applies the policy to a score.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.course.tables import TableReader
from grader.errors import ConfigError

LATE_KEYS = ["percent_per_day", "zero_after_days", "grace_minutes"]
# The largest grace: a week, in minutes.
GRACE_MAX_MINUTES = 10080


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


def read_late(late: TableReader, deadline: Any) -> LatePolicy:
    """The policy of course.toml's [late] table and `course.deadline`; `ConfigError` names a wrong key or value."""
    path = late.path
    late.reject_unknown(LATE_KEYS)
    table = late.table
    percent = table.get("percent_per_day", 0.0)
    zero_after = table.get("zero_after_days")
    grace = table.get("grace_minutes", 0.0)
    for key, value, most in (("percent_per_day", percent, 100), ("grace_minutes", grace, GRACE_MAX_MINUTES)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= most:
            raise ConfigError(
                f"'late.{key}' must be a number from 0 to {most}, received {value!r}.", path=path, key=f"late.{key}"
            )
    if zero_after is not None and (isinstance(zero_after, bool) or not isinstance(zero_after, int) or zero_after < 0):
        raise ConfigError(
            f"'late.zero_after_days' must be a whole number of days >= 0, received {zero_after!r}.",
            path=path,
            key="late.zero_after_days",
        )
    if table and deadline is None:
        raise ConfigError(
            "[late] gives a penalty but 'course.deadline' is missing: add deadline = 2026-12-01T23:59:00Z to [course].",
            path=path,
            key="course.deadline",
        )
    return LatePolicy(
        deadline=None if deadline is None else _utc(deadline, "course.deadline", path),
        percent_per_day=float(percent),
        zero_after_days=zero_after,
        grace_minutes=float(grace),
    )
