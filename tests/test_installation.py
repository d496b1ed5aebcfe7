"""Tests for grader/installation.py (and grader/distributions.py, what it reads): the TensorFlow and Keras preflight, on real package metadata.

Each test plants stand-in distributions (real `.dist-info` folders, tests/installation_support.py)
in a temporary folder and points `importlib.metadata` at it: no mocks, no TensorFlow download.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from grader.distributions import describe, installed_tensorflow
from grader.installation import (
    GPU_VARIABLE,
    InstallationError,
    Problem,
    cpu_build,
    device_problem,
    problems,
    require_device,
)
from tests.installation_support import COLAB, TENSORFLOW_2_19, TENSORFLOW_2_21, StandIn, plant

PIP = f"{sys.executable} -m pip"
GPU = {GPU_VARIABLE: "1"}


def found(
    tmp_path: Path, *distributions: StandIn, environ: dict[str, str] | None = None, machine: str | None = None
) -> list[Problem]:
    """The problems of an environment holding exactly `distributions`."""
    return problems([str(plant(tmp_path / "site", *distributions))], environ=environ or {}, machine=machine)


def test_colab_tensorflow_with_its_keras_is_accepted_as_it_is(tmp_path: Path) -> None:
    """Colab's tensorflow 2.19 with the Keras 3.8 it came with: nothing to fix, and it is named as installed."""
    assert found(tmp_path, *COLAB) == []
    assert describe([str(tmp_path / "site")]) == "tensorflow 2.19.0"


def test_two_tensorflow_distributions_are_a_conflict_with_one_fixing_command(tmp_path: Path) -> None:
    """tensorflow 2.19 beside tensorflow-cpu 2.21 (the old scheme in Colab): both named; one command reinstalls tensorflow."""
    cpu = StandIn("tensorflow-cpu", "2.21.0", TENSORFLOW_2_21, "tensorflow")
    (problem,) = found(tmp_path, *COLAB, cpu)
    assert problem.topic == "tensorflow"
    assert problem.found.startswith("conflicting TensorFlow installations: tensorflow 2.19.0, tensorflow-cpu 2.21.0")
    assert problem.expected == "exactly one TensorFlow distribution"
    assert problem.fix == f'{PIP} uninstall -y tensorflow tensorflow-cpu && {PIP} install "tensorflow==2.19.0"'


def test_a_windows_meta_package_beside_its_runtime_is_one_tensorflow(tmp_path: Path) -> None:
    """tensorflow 2.19 on Windows is a meta-package (no tensorflow/ files) requiring tensorflow-intel 2.19: no conflict."""
    meta = StandIn("tensorflow", "2.19.0", TENSORFLOW_2_19)
    intel = StandIn("tensorflow-intel", "2.19.0", TENSORFLOW_2_19, "tensorflow")
    assert found(tmp_path, meta, intel, StandIn("keras", "3.8.0")) == []
    assert [(d.name, d.runtime) for d in installed_tensorflow([str(tmp_path / "site")])] == [
        ("tensorflow", False),
        ("tensorflow-intel", True),
    ]


def test_a_meta_package_of_another_version_is_a_conflict(tmp_path: Path) -> None:
    """A leftover tensorflow-intel 2.16.2 beside tensorflow 2.19.0 mixes two releases: named as a conflict."""
    meta = StandIn("tensorflow", "2.16.2", ("keras>=3.0.0",))
    intel = StandIn("tensorflow-intel", "2.19.0", TENSORFLOW_2_19, "tensorflow")
    (problem,) = found(tmp_path, meta, intel, StandIn("keras", "3.8.0"))
    assert "tensorflow 2.16.2, tensorflow-intel 2.19.0" in problem.found
    assert problem.fix.endswith(f'{PIP} install "tensorflow-intel==2.19.0"')


def test_tensorflow_macos_with_the_metal_plugin_is_kept(tmp_path: Path) -> None:
    """tensorflow-macos with tensorflow-metal (a plugin, not a TensorFlow) is one supported TensorFlow."""
    macos = StandIn("tensorflow-macos", "2.16.2", ("keras>=3.0.0",), "tensorflow")
    metal = StandIn("tensorflow-metal", "1.1.0", (), "tensorflow_metal")
    assert found(tmp_path, macos, metal, StandIn("keras", "3.3.3")) == []


def test_nightly_builds_are_supported(tmp_path: Path) -> None:
    """tf-nightly's development versions count by their release number (2.22.0.dev... is 2.22), with keras-nightly."""
    nightly = StandIn("tf-nightly", "2.22.0.dev20261201", ("keras-nightly>=3.13.0.dev0",), "tensorflow")
    assert found(tmp_path, nightly, StandIn("keras-nightly", "3.14.0.dev2026120103", (), "keras")) == []


def test_no_tensorflow_names_the_cpu_build_of_this_platform(tmp_path: Path) -> None:
    """Without TensorFlow the fix installs the CPU build where one exists (x86_64, AMD64), else tensorflow."""
    (linux,) = found(tmp_path, StandIn("keras", "3.8.0"), machine="x86_64")
    assert linux.found == f"TensorFlow is not installed in this Python ({sys.executable})"
    assert linux.fix.startswith(f'{PIP} install "tensorflow-cpu>=2.16,<3"')
    (arm,) = problems([str(tmp_path / "site")], machine="arm64")
    assert arm.fix.startswith(f'{PIP} install "tensorflow>=2.16,<3"')
    assert cpu_build("AMD64") == "tensorflow-cpu" and cpu_build("aarch64") == "tensorflow"


def test_tensorflow_before_keras_3_is_unsupported(tmp_path: Path) -> None:
    """TensorFlow 2.15 (tf.keras is Keras 2) is named unsupported, with the upgrade of the same distribution."""
    old = StandIn("tensorflow", "2.15.1", ("keras<2.16,>=2.15.0",), "tensorflow")
    (problem,) = found(tmp_path, old, StandIn("keras", "2.15.0"))
    assert problem.found.startswith("tensorflow 2.15.1 is not supported")
    assert problem.expected == "TensorFlow >=2.16,<3"
    assert problem.fix == f'{PIP} install --upgrade "tensorflow>=2.16,<3"'


def test_keras_older_than_the_installed_tensorflow_requires_is_named(tmp_path: Path) -> None:
    """tensorflow 2.21 requires keras>=3.12.0: keras 3.8.0 is named with that requirement and the install that fixes it."""
    tensorflow = StandIn("tensorflow", "2.21.0", TENSORFLOW_2_21, "tensorflow")
    (problem,) = found(tmp_path, tensorflow, StandIn("keras", "3.8.0"))
    assert problem.topic == "keras"
    assert problem.found.startswith("keras 3.8.0 does not match tensorflow 2.21.0, which requires keras>=3.12.0")
    assert problem.fix == f'{PIP} install "keras>=3.12.0,<4"'


def test_keras_2_beside_tensorflow_2_16_is_named(tmp_path: Path) -> None:
    """Keras 2 beside a Keras-3 TensorFlow (tf-keras style installs) is a mismatch, even if TF's bound allows it."""
    tensorflow = StandIn("tensorflow-cpu", "2.16.2", (), "tensorflow")
    (problem,) = found(tmp_path, tensorflow, StandIn("keras", "2.15.0"))
    assert problem.found.startswith("keras 2.15.0 does not match tensorflow-cpu 2.16.2, which requires keras>=3.0")


def test_missing_keras_is_named_with_tensorflows_requirement(tmp_path: Path) -> None:
    """No Keras at all: the fix installs the Keras that the installed TensorFlow requires."""
    (problem,) = found(tmp_path, StandIn("tensorflow", "2.19.0", TENSORFLOW_2_19, "tensorflow"))
    assert problem.found.startswith("Keras is not installed")
    assert problem.fix == f'{PIP} install "keras>=3.5.0"'


def test_a_gpu_runner_with_the_cpu_build_is_named(tmp_path: Path) -> None:
    """With GRADER_REQUIRE_GPU=1, tensorflow-cpu cannot see the GPU: the fix swaps it for tensorflow[and-cuda]."""
    cpu = StandIn("tensorflow-cpu", "2.21.0", TENSORFLOW_2_21, "tensorflow")
    keras = StandIn("keras", "3.15.1")
    (problem,) = found(tmp_path, cpu, keras, environ=GPU)
    assert problem.topic == "gpu"
    assert problem.fix == f'{PIP} uninstall -y tensorflow-cpu && {PIP} install "tensorflow[and-cuda]==2.21.0"'
    assert problems([str(tmp_path / "site")], environ={GPU_VARIABLE: "0"}) == []


def test_a_gpu_runner_whose_tensorflow_sees_no_gpu_stops_grading() -> None:
    """On a GPU runner a CPU device is exit 2 with its fix; a GPU device, or no GPU required, passes."""
    problem = device_problem("CPU", GPU)
    assert problem is not None and problem.found.endswith("TensorFlow sees no GPU (device: CPU)")
    assert "tensorflow[and-cuda]" in problem.fix and f"unset {GPU_VARIABLE}" in problem.fix
    with pytest.raises(InstallationError) as raised:
        require_device("CPU", GPU)
    assert raised.value.exit_code == 2 and "sees no GPU" in raised.value.message
    require_device("GPU: NVIDIA H100 80GB HBM3", GPU)
    require_device("CPU", {})


def test_every_problem_reads_as_found_expected_fix() -> None:
    """A problem's message says what was found, what was expected, and the command that fixes it."""
    problem = Problem("keras", "keras 2.15.0 is installed", "keras>=3.5.0", 'pip install "keras>=3.5.0"')
    assert problem.message() == 'keras 2.15.0 is installed; expected keras>=3.5.0. Fix: pip install "keras>=3.5.0"'
