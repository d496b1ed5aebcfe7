"""Authoring an exercise: `grade new` (a pack that grades at once), `grade lint` (everything that can be
known without a student) and `grade audit` (the suites against mutants of the solution).

A verb over the others: it writes course files (grader.course), grades with the kit's own grading
(grader.checking, grader.grading) and dry-runs the release and nbgrader writers.
"""
