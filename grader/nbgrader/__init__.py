"""The verb `grade nbgrader`: an nbgrader course whose test cells call this grader.

`course` writes the course directory, `source_notebook` builds the source notebook from the
reference, `kernel` is what the notebook's test cells import to grade in the sandbox, and
`ahead` lets the first test cell grade the later exercises under nbgrader.
The notebook's cell contract itself lives in `grader.course.cells`, shared with intake.
"""
