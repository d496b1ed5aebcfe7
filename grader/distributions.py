"""What TensorFlow and Keras distributions this Python has, read from package metadata only.

`importlib.metadata`, never an import of TensorFlow: `grader.installation` judges what is found
here (the preflight of every grading command), `grade doctor` and the environment record name it.
"""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Sequence
from dataclasses import dataclass

from packaging.utils import canonicalize_name

# Every distribution that can provide the `tensorflow` package (names as PyPI spells them).
TENSORFLOW_FAMILY = (
    "tensorflow",
    "tensorflow-cpu",
    "tensorflow-gpu",
    "tensorflow-intel",
    "tensorflow-macos",
    "tensorflow-rocm",
    "tensorflow-cpu-aws",
    "intel-tensorflow",
    "tf-nightly",
    "tf-nightly-cpu",
    "tf-nightly-gpu",
)
# The distributions that provide the `keras` package (tf-nightly requires keras-nightly).
KERAS_DISTRIBUTIONS = ("keras", "keras-nightly")
_OWNS_PACKAGE = re.compile(r"^tensorflow/", re.MULTILINE)


@dataclass(frozen=True)
class TensorFlowDistribution:
    """One installed distribution of the TensorFlow family, as its metadata describes it."""

    name: str  # canonical: tensorflow-cpu
    version: str
    runtime: bool  # it writes the tensorflow/ package (False: a meta-package such as tensorflow on Windows)
    requires: tuple[str, ...]


def _installed(name: str, path: Sequence[str] | None) -> list[importlib.metadata.Distribution]:
    """The distributions `name` on `path` (default sys.path), found by their folder names: no METADATA parsed
    for the other packages, so the preflight takes milliseconds. The same name in two folders counts twice."""
    options = {"name": name} if path is None else {"name": name, "path": list(path)}
    found: dict[tuple[str, str], importlib.metadata.Distribution] = {}
    for distribution in importlib.metadata.distributions(**options):
        found.setdefault((str(distribution.locate_file("")), distribution.version), distribution)
    return list(found.values())


def installed_tensorflow(path: Sequence[str] | None = None) -> list[TensorFlowDistribution]:
    """The TensorFlow family's distributions on `path` (default sys.path), by name."""
    found = [(canonicalize_name(name), d) for name in TENSORFLOW_FAMILY for d in _installed(name, path)]
    return [
        TensorFlowDistribution(
            name=name,
            version=distribution.version,
            # Alone, it is the runtime; among several, its RECORD says whether it writes tensorflow/ (no RECORD:
            # assume it does, as a wheel would). A meta-package (tensorflow on Windows) writes none.
            runtime=len(found) == 1 or _owns_package(distribution),
            requires=tuple(distribution.requires or ()),
        )
        for name, distribution in found
    ]


def _owns_package(distribution: importlib.metadata.Distribution) -> bool:
    record = distribution.read_text("RECORD")
    return record is None or _OWNS_PACKAGE.search(record) is not None


def installed_version(name: str, path: Sequence[str] | None = None) -> str | None:
    """The version of the distribution `name` on `path`, or None."""
    found = _installed(name, path)
    return found[0].version if found else None


def listing(distributions: Sequence[TensorFlowDistribution]) -> str:
    return ", ".join(f"{distribution.name} {distribution.version}" for distribution in distributions)


def describe(path: Sequence[str] | None = None) -> str:
    """`tensorflow-cpu 2.21.0`: the installed TensorFlow distributions, or "not installed"."""
    return listing(installed_tensorflow(path)) or "not installed"
