"""A worker process of `grade batch`: grade one submission folder per request, until stdin closes.

Started by `grader.batch.pool` as `python -m grader.batch.pool_worker CONFIG`. It loads the
course once and keeps one `Reference` and one warm sandbox pool (`grader.sandbox.warm_pool`) for
the whole batch: TensorFlow is imported once per worker, not once per submission, and each
submission is graded through `grader.grading.pool_retry` (graded again once if it stopped the pool). It answers one JSON object per
line on its original stdout (a `grader.batch.pool_messages.WorkerMessage`; its own stdout goes
to stderr, so nothing a library prints can corrupt the channel). It is a child subreaper: on SIGTERM, from the parent or from the
kernel when the parent dies, it kills and reaps everything below it.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import sys
import traceback
from pathlib import Path
from typing import IO, Any

from grader.batch.pool_messages import WorkerMessage, WorkerSays
from grader.sandbox.processes import kill_tree, reap_children

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def _send(channel: IO[str], message: WorkerMessage) -> None:
    channel.write(message.to_line())
    channel.flush()


def _install_shutdown(parent_pid: int, root: str) -> None:
    """On SIGTERM (from the parent, or from the kernel when the parent dies): kill and reap everything below."""

    def shutdown(*_: object) -> None:
        kill_tree(os.getpid(), include_root=False)
        reap_children(block=True)
        if os.getppid() != parent_pid:
            shutil.rmtree(root, ignore_errors=True)  # Nobody else is left to remove it.
        os._exit(1)

    signal.signal(signal.SIGTERM, shutdown)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:
        shutdown()


def worker_main(config: dict[str, Any]) -> None:
    """Serve grading requests on stdin until it closes."""
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    _install_shutdown(int(config["parent_pid"]), str(config["root"]))
    from grader.batch.counted import BatchInputs
    from grader.course.config import load_course
    from grader.errors import ConfigError, GraderError
    from grader.grading.pool_retry import grade_pooled
    from grader.grading.reference import find_reference
    from grader.sandbox.warm_pool import WarmPool

    try:
        course = load_course(Path(config["course"]))
        solutions = None if config["solutions"] is None else Path(config["solutions"])
        reference = find_reference(course, solutions)
        inputs = BatchInputs.from_dict(config["inputs"])
        secret = inputs.secret(course.path, "this grading process")
    except GraderError as error:
        _send(channel, WorkerMessage(WorkerSays.FATAL, error=error.message))
        return
    pool = WarmPool(course.limits, probes=course.probe_files)
    try:
        # Both import TensorFlow at once, before the first submission arrives.
        pool.start()
        reference.start()
        _send(channel, WorkerMessage(WorkerSays.READY))
        while line := sys.stdin.readline():
            request = json.loads(line)
            try:
                result = grade_pooled(
                    pool=pool,
                    course=course,
                    submission_dir=Path(request["folder"]),
                    reference=reference,
                    exercise_ids=config["exercise_ids"] or None,
                    inputs=inputs.plan(secret, str(request["student"])),
                )
                _send(channel, WorkerMessage(WorkerSays.GRADED, result=result.to_dict()))
            except ConfigError as error:
                _send(channel, WorkerMessage(WorkerSays.FATAL, error=error.message))
            except GraderError as error:
                _send(channel, WorkerMessage(WorkerSays.GRADED, error=error.message))
            except Exception as error:  # noqa: BLE001 - a grader bug: reported as an error row, batch goes on
                traceback.print_exc()
                _send(
                    channel,
                    WorkerMessage(
                        WorkerSays.GRADED, error=f"internal error in the grader: {type(error).__name__}: {error}"
                    ),
                )
            reap_children(block=False)
    finally:
        pool.close()
        reference.close()


if __name__ == "__main__":
    worker_main(json.loads(sys.argv[1]))
