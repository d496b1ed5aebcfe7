"""Stage 0 of the pipeline, read by every other stage: `course.toml` → frozen dataclasses.

submission → intake → sandbox → plain data → grading → result → reporters. The course says
which modules make a submission, which exercises and tests exist, their points, seeds,
tolerances and limits. `exercisegen` makes the student stubs from the reference solutions.
"""
