"""Tests for grader/batch/pool_messages.py: a worker's typed messages, as plain JSON both ways."""

from __future__ import annotations

import json

import pytest

from grader.batch.pool_messages import WorkerMessage, WorkerSays


@pytest.mark.parametrize(
    "message",
    [
        WorkerMessage(WorkerSays.READY),
        WorkerMessage(WorkerSays.FATAL, error="course.toml is broken"),
        WorkerMessage(WorkerSays.GRADED, result={"score": 3}),
        WorkerMessage(WorkerSays.GRADED, error="internal error in the grader: KeyError: 'x'"),
    ],
)
def test_a_message_reads_back_from_its_line(message: WorkerMessage) -> None:
    """Each kind of message, written as one JSON line, reads back equal."""
    line = message.to_line()
    assert line.endswith("\n") and "\n" not in line[:-1]
    assert WorkerMessage.from_dict(json.loads(line)) == message


@pytest.mark.parametrize(
    "data",
    [
        [1, 2],
        {"ready": True},
        {"kind": "pickle", "result": None, "error": ""},
        {"kind": "graded", "result": [1], "error": ""},
        {"kind": "graded", "result": None, "error": 3},
    ],
)
def test_anything_else_is_malformed(data: object) -> None:
    """A value that is not a message of the expected shape is refused with ValueError."""
    with pytest.raises(ValueError):
        WorkerMessage.from_dict(data)
