"""Print the extra that gives this Python exactly one TensorFlow: "" if it has one already, else the default.

scripts/bootstrap.sh runs it with the .venv's Python before the kit is installed (so it imports
nothing of the kit, and no `packaging`): a .venv that holds any TensorFlow distribution keeps it.
The names are grader.distributions.TENSORFLOW_FAMILY (a test keeps the two lists equal).
"""

from __future__ import annotations

import importlib.metadata
import re
import sys

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


def installed_names() -> set[str]:
    """The canonical names of the distributions this Python sees."""
    return {
        re.sub(r"[-_.]+", "-", distribution.metadata["Name"] or "").lower()
        for distribution in importlib.metadata.distributions()
    }


def extra(default: str) -> str:
    """`default` ("cpu" or "gpu") where no TensorFlow is installed, else "" (keep the one there)."""
    return "" if installed_names() & set(TENSORFLOW_FAMILY) else default


if __name__ == "__main__":
    print(extra(sys.argv[1] if len(sys.argv) > 1 else "cpu"))
