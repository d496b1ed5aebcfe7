"""JUnit XML: one testsuite per exercise, one testcase per test."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from grader.results import ERROR, FAILED, GradeResult


def render_junit(result: GradeResult) -> str:
    root = ElementTree.Element(
        "testsuites",
        name=f"{result.course_id} {result.course_version}",
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
            case = ElementTree.SubElement(suite, "testcase", classname=exercise.id, name=test.name, time="0")
            text = test.message + (f"\nhint: {test.hint}" if test.hint else "")
            if test.status == FAILED:
                ElementTree.SubElement(case, "failure", message=test.message[:200], type="AssertionError").text = text
            elif test.status == ERROR:
                ElementTree.SubElement(case, "error", message=test.message[:200], type="InternalError").text = text
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"
