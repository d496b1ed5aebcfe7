"""The verb `grade batch` (and `grade export`): grade a whole class into a SQLite gradebook.

It drives the pipeline for many submissions: intake in the parent, grading in a pool of
worker processes (`pool`, `pool_worker`), every result committed to the `gradebook` as soon
as it is known; `export` turns the gradebook into CSV, JSON or Gradescope files.
"""
