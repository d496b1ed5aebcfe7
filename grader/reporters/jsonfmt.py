"""The JSON result of DESIGN.md."""

from __future__ import annotations

import json

from grader.results import GradeResult


def render_json(result: GradeResult) -> str:
    return json.dumps(result.to_dict(), indent=2, sort_keys=False) + "\n"
