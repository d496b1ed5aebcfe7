"""`grade report`: the class at a glance, after a deadline, from the gradebook.

Its place in the pipeline: after `grade batch` (which fills the gradebook), beside `grade
export`. It reads grades and the submissions' code from the gradebook and writes an HTML page
and a JSON summary (`summary`, `build`), finds suspiciously similar submissions
(`similarity`), Classroom repositories whose grading files changed (`tamper`), late
submissions under course.toml's policy (`late`), and writes grades for an LMS (`lms`).
"""
