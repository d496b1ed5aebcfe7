"""JUnit XML: one testsuite per exercise, one testcase per test."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from grader.results import ERROR, FAILED, GradeResult
from grader.safetext import for_xml


def render_junit(result: GradeResult) -> str:
    root = ElementTree.Element(
        "testsuites",
        name=for_xml(f"{result.course_id} {result.course_version}"),
        tests=str(len(result.tests)),
        failures=str(sum(test.status == FAILED for _, test in result.tests)),
        errors=str(sum(test.status == ERROR for _, test in result.tests)),
    )
    for exercise in result.exercises:
        suite = ElementTree.SubElement(
            root,
            "testsuite",
            name=exercise.id,
            tests=str(len(exercise.tests)),
            failures=str(sum(test.status == FAILED for test in exercise.tests)),
            errors=str(sum(test.status == ERROR for test in exercise.tests)),
            skipped="0",
        )
        properties = ElementTree.SubElement(suite, "properties")
        ElementTree.SubElement(properties, "property", name="score", value=str(exercise.score))
        ElementTree.SubElement(properties, "property", name="max_score", value=str(exercise.max_score))
        for test in exercise.tests:
            # The names, messages and hints hold the student's text: only characters XML 1.0 allows.
            case = ElementTree.SubElement(suite, "testcase", classname=exercise.id, name=for_xml(test.name), time="0")
            text = for_xml(test.message + (f"\nhint: {test.hint}" if test.hint else ""))
            message = for_xml(test.message[:200])
            if test.status == FAILED:
                ElementTree.SubElement(case, "failure", message=message, type="AssertionError").text = text
            elif test.status == ERROR:
                ElementTree.SubElement(case, "error", message=message, type="InternalError").text = text
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"
