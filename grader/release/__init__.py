"""The verb `grade release`: the student starter repository and the Gradescope autograder.

It grades the reference through the pipeline first (it must earn every point), then writes
the stubs, the grader without hidden suites, the expected values and the Classroom
`workflow`; `gradescope` is also what runs inside the Gradescope container.
"""
