"""Stage 2 of the pipeline: run the student's modules in isolation and bring back plain data.

submission → intake → **sandbox** → plain data → grading → result → reporters. The parent
side starts and stops the sandbox and reads its answers: `isolation` (what this machine
can do), `bwrap` (the command line), `uids` (dedicated uids), `sandbox` (a zygote per
submission), `pool` (a warm zygote serving submission after submission) and `pooled` (one
submission's sandbox in it), `worker` (one exercise's process), `output`, `failures` and
`processes`.
`child/` is what runs inside it, next to the student's code, and imports nothing from the
rest of the grader; `child.wire` is the one definition of the protocol both sides speak.
"""
