"""A small soak: `grade batch -j 2` on 12 submissions, a third hostile, leaves no process and no temporary folder."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

SOAK_SCRIPT = Path(__file__).resolve().parent.parent.parent / "benchmarks" / "soak.py"
# Hostile cases that try hardest to leave something behind: processes, threads, files, a full /tmp.
LEAVE_SOMETHING_BEHIND = ("outliving_processes", "fork_bomb_counted", "fill_tmp", "kill_everything")


def _soak_module() -> ModuleType:
    if "benchmark_soak" in sys.modules:
        return sys.modules["benchmark_soak"]
    spec = importlib.util.spec_from_file_location("benchmark_soak", SOAK_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark_soak"] = module
    spec.loader.exec_module(module)
    return module


def test_small_batch_with_hostile_submissions_leaves_nothing_behind(tmp_path: Path) -> None:
    """12 submissions (4 hostile) graded with 2 workers: all graded, no process or temporary folder left, memory flat."""
    if os.geteuid() != 0:
        pytest.skip("leftover sandbox processes are found by their dedicated uid, which needs root")
    soak = _soak_module()
    figures = soak.soak(12, 2, ["split_validation", "acceleration"], tmp_path, first=LEAVE_SOMETHING_BEHIND)
    assert figures.hostile == 4
    assert (figures.rows_ok, figures.rows_error) == (12, 0), figures.errors
    assert figures.children_after == figures.children_before
    assert figures.orphaned_sandbox_processes_after == []
    assert figures.temporary_before == figures.temporary_after == []
    assert figures.rss_end_mb < figures.rss_start_mb + 50
