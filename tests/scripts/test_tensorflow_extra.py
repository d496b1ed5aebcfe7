"""Tests for scripts/tensorflow_extra.py: the extra scripts/bootstrap.sh installs the kit with, so that a .venv gets
exactly one TensorFlow (the `cpu` one if it has none, nothing if it has one)."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

from grader.distributions import TENSORFLOW_FAMILY
from tests.conftest import ROOT
from tests.installation_support import COLAB, StandIn, scratch_venv

SCRIPT = ROOT / "scripts" / "tensorflow_extra.py"


def extra_in(python: Path, *arguments: str) -> str:
    """What the script prints when the venv of `python` runs it (as bootstrap.sh does, before the kit is installed)."""
    return subprocess.run(
        [str(python), str(SCRIPT), *arguments], check=True, capture_output=True, text=True, timeout=60
    ).stdout.strip()


def test_the_script_knows_every_tensorflow_distribution_the_grader_knows() -> None:
    """Its list of TensorFlow distributions is grader.distributions' (it cannot import the kit, which is not installed yet)."""
    spec = importlib.util.spec_from_file_location("tensorflow_extra", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.TENSORFLOW_FAMILY == TENSORFLOW_FAMILY


def test_a_bare_venv_gets_the_requested_extra(tmp_path: Path) -> None:
    """A venv without TensorFlow: `cpu` by default, or the extra asked for (GRADER_TENSORFLOW=gpu)."""
    python = scratch_venv(tmp_path / "bare")
    assert extra_in(python) == "cpu"
    assert extra_in(python, "gpu") == "gpu"


@pytest.mark.parametrize(
    "tensorflow",
    [
        COLAB[0],
        StandIn("tensorflow-macos", "2.16.2", (), "tensorflow"),
        StandIn("tf_nightly", "2.22.0.dev1", (), "tensorflow"),
    ],
    ids=lambda distribution: distribution.name,
)
def test_a_venv_with_a_tensorflow_keeps_it(tmp_path: Path, tensorflow: StandIn) -> None:
    """A venv holding any TensorFlow distribution (however its name is spelled) gets no extra: nothing beside it."""
    assert extra_in(scratch_venv(tmp_path / "venv", tensorflow), "gpu") == ""
