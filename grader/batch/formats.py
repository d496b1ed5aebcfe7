"""The formats `grade export` writes, one list: the gradebook's own (`export`) and the LMS's (`grader.class_report.lms`)."""

from __future__ import annotations

from typing import Literal, get_args

GradebookFormat = Literal["csv", "json", "gradescope"]
LmsName = Literal["canvas", "moodle"]
GRADEBOOK_FORMATS: tuple[GradebookFormat, ...] = get_args(GradebookFormat)
LMS_FORMATS: tuple[LmsName, ...] = get_args(LmsName)
EXPORT_FORMATS: tuple[str, ...] = (*GRADEBOOK_FORMATS, *LMS_FORMATS)
