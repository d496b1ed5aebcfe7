"""Stage 2 of the pipeline: run the student's modules in isolation and bring back plain data.

submission → intake → **sandbox** → plain data → grading → result → reporters. The parent
side: `isolation` (what this machine can do), `factory` (`open_sandbox`, the one place a level's
sandbox is picked) and `warm_pool` (a warm zygote serving submission after submission, each
in a `pool_submission`). One engine serves the three levels: `engine` (`BaseSandbox`: module
admission, the spawn request, the hello, the constants) of which `zygote_sandbox` (bubblewrap,
rlimits), `pool_submission` and `portable` differ only in how they get a process; `control`
(a forking sandbox's first process and its control socket); `worker_end` (`WorkerEnd`: calls,
limits, the messages of every failure) over two transports, `forked_worker` (a socket) and
`spawned_worker` (pipes read by threads); `failures`, `output`, `bwrap`, `uids`, `processes`.
`child/` is what runs inside it, next to the student's code, and imports nothing from the
rest of the grader; `child.wire` is the one definition of the protocol both sides speak.
"""
