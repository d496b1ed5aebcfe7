"""Exactly one TensorFlow, with a Keras it supports: the preflight of every grading command.

Read from package metadata (`importlib.metadata`), never by importing TensorFlow: a broken
installation is named in milliseconds with the one command that fixes it (exit 2,
`InstallationError`), instead of a crash deep inside TensorFlow's start, or inside the sandbox where
it would look like the student's fault. It checks what the dependency scheme (no TensorFlow among the
required dependencies; README "Installing: one TensorFlow") cannot, since pip's resolver ignores what
is installed: two distributions writing the `tensorflow/` folder, a TensorFlow before Keras 3's
(2.16), a Keras outside the installed TensorFlow's own requirement, and with `GRADER_REQUIRE_GPU=1`
(a GPU runner's workflow) a CPU-only build, or a sandbox whose TensorFlow sees no GPU.
"""

from __future__ import annotations

import functools
import os
import platform
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from grader.distributions import (
    KERAS_DISTRIBUTIONS,
    TensorFlowDistribution,
    installed_tensorflow,
    installed_version,
    listing,
)
from grader.errors import UsageError

# Keras 3 is `tf.keras` from TensorFlow 2.16 on; the exercises and the grader use Keras 3.
SUPPORTED_RANGE = ">=2.16,<3"
SUPPORTED_TENSORFLOW = SpecifierSet(SUPPORTED_RANGE)
CPU_ONLY_BUILDS = frozenset({"tensorflow-cpu", "tf-nightly-cpu", "tensorflow-cpu-aws"})
GPU_VARIABLE = "GRADER_REQUIRE_GPU"
# platform.machine() of the platforms where TensorFlow publishes a CPU-only build (`tensorflow-cpu`).
CPU_BUILD_MACHINES = frozenset({"x86_64", "AMD64"})


class InstallationError(UsageError):
    """TensorFlow or Keras is missing, doubled or unsupported here (exit code 2); the message says how to fix it."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the installation: what was found, what was expected, the command that fixes it."""

    topic: str  # "tensorflow", "keras" or "gpu": the line of `grade doctor` it belongs to
    found: str
    expected: str
    fix: str

    def message(self) -> str:
        return f"{self.found}; expected {self.expected}. Fix: {self.fix}"


def pip() -> str:
    """`python -m pip` of this interpreter, quoted for any shell (the fix must install here, not elsewhere)."""
    return (f'"{sys.executable}"' if " " in sys.executable else sys.executable) + " -m pip"


def cpu_build(machine: str | None = None) -> str:
    """The TensorFlow distribution a bare environment gets from the `cpu` extra on this machine."""
    return "tensorflow-cpu" if (machine or platform.machine()) in CPU_BUILD_MACHINES else "tensorflow"


def gpu_required(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this machine is meant to grade on a GPU (`GRADER_REQUIRE_GPU=1`, set by a GPU runner's workflow)."""
    value = (os.environ if environ is None else environ).get(GPU_VARIABLE, "")
    return value.strip().lower() not in ("", "0", "false", "no")


def _supported(version: str) -> bool:
    try:
        return SUPPORTED_TENSORFLOW.contains(Version(version), prereleases=True)
    except InvalidVersion:
        return False


def tensorflow_problems(
    distributions: Sequence[TensorFlowDistribution], *, machine: str | None = None
) -> list[Problem]:
    """What is wrong with these TensorFlow distributions: none, two of them, or an unsupported version."""
    runtimes = [distribution for distribution in distributions if distribution.runtime]
    if not runtimes:
        return [
            Problem(
                "tensorflow",
                "TensorFlow is not installed in this Python (" + sys.executable + ")",
                f"one TensorFlow {SUPPORTED_RANGE}",
                f'{pip()} install "{cpu_build(machine)}{SUPPORTED_RANGE}"'
                ' (or install the grader with its extra: pip install ".[cpu]", ".[gpu]" for an NVIDIA GPU)',
            )
        ]
    if len(runtimes) > 1 or len({distribution.version for distribution in distributions}) > 1:
        keep = _kept(runtimes)
        names = " ".join(dict.fromkeys(distribution.name for distribution in distributions))
        return [
            Problem(
                "tensorflow",
                f"conflicting TensorFlow installations: {listing(distributions)} all write the same"
                " site-packages/tensorflow folder, so their files are mixed and TensorFlow fails to load",
                "exactly one TensorFlow distribution",
                f'{pip()} uninstall -y {names} && {pip()} install "{keep}"',
            )
        ]
    runtime = runtimes[0]
    if not _supported(runtime.version):
        return [
            Problem(
                "tensorflow",
                f"{runtime.name} {runtime.version} is not supported: the exercises use Keras 3, which is"
                " tf.keras from TensorFlow 2.16 on",
                f"TensorFlow {SUPPORTED_RANGE}",
                f'{pip()} install --upgrade "{runtime.name}{SUPPORTED_RANGE}"',
            )
        ]
    return []


def _kept(runtimes: Sequence[TensorFlowDistribution]) -> str:
    """The one distribution to reinstall: `tensorflow` if present (what other packages depend on), at a supported version."""
    ranked = sorted(
        runtimes, key=lambda distribution: (distribution.name != "tensorflow", not _supported(distribution.version))
    )
    best = ranked[0]
    return f"{best.name}=={best.version}" if _supported(best.version) else f"{best.name}{SUPPORTED_RANGE}"


def keras_requirement(runtime: TensorFlowDistribution) -> Requirement | None:
    """The installed TensorFlow's own requirement on Keras (its Requires-Dist), markers evaluated here."""
    for line in runtime.requires:
        requirement = Requirement(line)
        if canonicalize_name(requirement.name) not in KERAS_DISTRIBUTIONS:
            continue
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            return requirement
    return None


def keras_problems(runtime: TensorFlowDistribution, keras_version: str | None) -> list[Problem]:
    """Keras missing, older than Keras 3, or outside what the installed TensorFlow requires."""
    requirement = keras_requirement(runtime)
    specifier = requirement.specifier if requirement is not None else SpecifierSet(">=3.0")
    wanted = f"keras{specifier or SpecifierSet('>=3.0')}"
    if keras_version is None:
        return [
            Problem(
                "keras",
                f"Keras is not installed (it comes with {runtime.name} {runtime.version}, which requires {wanted})",
                wanted,
                f'{pip()} install "{wanted}"',
            )
        ]
    try:
        version = Version(keras_version)
    except InvalidVersion:
        version = Version("0")
    pinned = wanted if "<" in str(specifier) else f"{wanted},<4"
    if version.major != 3 or not specifier.contains(version, prereleases=True):
        return [
            Problem(
                "keras",
                f"keras {keras_version} does not match {runtime.name} {runtime.version}, which requires {wanted}"
                " (the exercises use Keras 3)",
                pinned,
                f'{pip()} install "{pinned}"',
            )
        ]
    return []


def gpu_build_problems(runtime: TensorFlowDistribution) -> list[Problem]:
    """With a GPU required: a CPU-only build cannot see it, whatever the machine has."""
    if runtime.name not in CPU_ONLY_BUILDS:
        return []
    return [
        Problem(
            "gpu",
            f"{GPU_VARIABLE} is set (a GPU runner) but {runtime.name} {runtime.version} is a CPU-only build",
            "TensorFlow's GPU build, tensorflow[and-cuda]",
            f'{pip()} uninstall -y {runtime.name} && {pip()} install "tensorflow[and-cuda]=={runtime.version}"',
        )
    ]


def problems(
    path: Sequence[str] | None = None, *, environ: Mapping[str, str] | None = None, machine: str | None = None
) -> list[Problem]:
    """Every installation problem of the environment on `path` (default sys.path); empty when grading can start."""
    distributions = installed_tensorflow(path)
    found = tensorflow_problems(distributions, machine=machine)
    if found:
        return found
    runtime = next(distribution for distribution in distributions if distribution.runtime)
    keras = next(filter(None, (installed_version(name, path) for name in KERAS_DISTRIBUTIONS)), None)
    found = keras_problems(runtime, keras)
    if gpu_required(environ):
        found += gpu_build_problems(runtime)
    return found


def _raise(found: Sequence[Problem]) -> None:
    """Exit 2 with every problem found (none: nothing)."""
    if found:
        raise InstallationError(
            "TensorFlow cannot start for grading here:\n"
            + "\n".join(f"- {problem.message()}" for problem in found)
            + "\n`grade doctor` shows the whole installation."
        )


@functools.cache
def _problems_of_this_process() -> tuple[Problem, ...]:
    return tuple(problems())


def require_supported_tensorflow() -> None:
    """The preflight: raise `InstallationError` (exit 2) unless this environment has one supported TensorFlow
    with a matching Keras (and a GPU build where a GPU is required). Metadata only, once per process."""
    _raise(_problems_of_this_process())


def device_problem(device: str, environ: Mapping[str, str] | None = None) -> Problem | None:
    """Where a GPU is required, a `device` (as the sandbox's TensorFlow reports it) that is not one."""
    if not gpu_required(environ) or device.startswith("GPU"):
        return None
    version = installed_version("tensorflow") or "2.*"
    return Problem(
        "gpu",
        f"{GPU_VARIABLE} is set (a GPU runner) but TensorFlow sees no GPU (device: {device})",
        "TensorFlow computing on a GPU",
        f'{pip()} install --force-reinstall "tensorflow[and-cuda]=={version}" (then nvidia-smi must list the card;'
        f" unset {GPU_VARIABLE} to grade on the CPU instead)",
    )


def require_device(device: str, environ: Mapping[str, str] | None = None) -> None:
    """After TensorFlow started in a sandbox: where a GPU is required, `device` must be one (else exit 2)."""
    problem = device_problem(device, environ)
    _raise([problem] if problem is not None else [])
