"""The versions a submission's manifest records: Python, TensorFlow, Keras and NumPy.

Read from package metadata (`importlib.metadata`), so recording them never imports
TensorFlow into the grader's process.
"""

from __future__ import annotations

import importlib.metadata
import platform

from grader.distributions import KERAS_DISTRIBUTIONS, TENSORFLOW_FAMILY

NOT_INSTALLED = "not installed"

# Each library, and the distributions that may provide it (the first one installed wins).
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "tensorflow": TENSORFLOW_FAMILY,
    "keras": KERAS_DISTRIBUTIONS,
    "numpy": ("numpy",),
}


def distribution_version(*names: str) -> str:
    """The version of the first installed distribution among `names`, else "not installed"."""
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return NOT_INSTALLED


def library_versions() -> dict[str, str]:
    """`{"python": ..., "tensorflow": ..., "keras": ..., "numpy": ...}`, all strings."""
    versions = {"python": platform.python_version()}
    for library, names in DISTRIBUTIONS.items():
        versions[library] = distribution_version(*names)
    return versions
