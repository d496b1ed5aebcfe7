"""Work done once per test run and shared by its xdist workers: the result of a step, as JSON, behind a lock.

The first worker to take a step's lock computes it and writes its result into the run's shared
temporary folder (the parent of the workers' base folders); every other worker that needs it
waits on the lock and reads the file. The result must be plain JSON data (a `to_dict`), never a
pickle. A step that raised leaves no file: the next worker to need it computes it again and
sees the same error.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """`name` in the folder every xdist worker of this run shares (the base folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name
    folder.mkdir(exist_ok=True)
    return folder


def once(
    folder: Path, name: str, step: Callable[[Path], dict[str, Any]], *, wait: bool = True
) -> dict[str, Any] | None:
    """The step's result, computed by the first worker to take its lock; None if busy and not `wait`."""
    result = folder / f"{name}.json"
    with open(folder / f"{name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return None
        if not result.is_file():
            data = step(folder)
            partial = result.with_suffix(".partial")
            partial.write_text(json.dumps(data, indent=1))
            partial.replace(result)
    loaded: dict[str, Any] = json.loads(result.read_text())
    return loaded
