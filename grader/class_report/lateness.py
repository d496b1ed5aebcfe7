"""Late submissions: the deadline and the late policy of course.toml (`grader.course.late`), applied to a score.

No [late] table means no penalty (late submissions are still listed). The time a submission is
judged by is when the instructor received it (`grader.class_report.times`), never a time the student
wrote (a manifest's, a commit's); unknown: never penalised, and listed as such.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from pathlib import Path

from grader.course.config import load_course
from grader.course.late import LatePolicy

DAY_S = 86400.0


@dataclass(frozen=True)
class LateOutcome:
    """What the policy makes of one submission."""

    days_late: int  # started days after the deadline (0: on time or unknown)
    penalty_percent: float
    score: float  # after the penalty

    @property
    def late(self) -> bool:
        return self.days_late > 0


def read_late_policy(course_path: Path) -> LatePolicy:
    """The policy of a course.toml (read by `load_course`, with the rest of it); `ConfigError` names a wrong key."""
    return load_course(course_path).late


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
