"""The verb `grade nbgrader`: an nbgrader course whose test cells call this grader.

`course` writes the course directory, `notebook` builds the source notebook from the
reference, `kernel` is what the notebook's test cells import to grade in the sandbox.
The notebook's cell contract itself lives in `grader.intake.cells`, shared with intake.
"""
