"""Stage 3 of the pipeline: the trusted suites compare the student's plain data with the reference's.

submission → intake → sandbox → plain data → **grading** → result → reporters. `runner`
runs the suites with pytest in the parent (`plugin` records each outcome), `session` and
`reference` answer the suites' probes, `compare` explains numeric mismatches. The suites in
`suites/` import what they need from this package only.
"""
