"""The chapter's exercise packs, shipped with the grader: one folder per exercise.

Each folder holds `probes.py` (run inside the sandbox), `suite.py` (public tests, run in
the parent), and optionally `hidden_suite.py` (hidden tests, never released) and `plots.py`
(the figures of the student's HTML report). docs/authoring.md says how to write one.
"""
