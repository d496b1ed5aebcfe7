"""Stand-in distributions: real `.dist-info` metadata (METADATA, RECORD, INSTALLER) of TensorFlow, Keras and
friends, written into a folder that `importlib.metadata` and pip read as installed packages.

No TensorFlow is downloaded: a stand-in holds its package folder's `__init__.py` (listed in RECORD, as a
wheel install would list it) and its real Requires-Dist lines, which is all that the preflight and pip's
resolver look at.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Requires-Dist of the real wheels (from their PyPI metadata), trimmed to what the checks read.
TENSORFLOW_2_19 = (
    "keras>=3.5.0",
    "numpy<2.2.0,>=1.26.0",
    "ml-dtypes<1.0.0,>=0.5.1",
    'tensorflow-intel==2.19.0; platform_system == "Windows"',
    "nvidia-cudnn-cu12==9.3.0.75; extra == 'and-cuda'",
)
TENSORFLOW_2_21 = ("keras>=3.12.0", "numpy>=1.26.0", 'nvidia-cudnn-cu12<10.0,>=9.3.0.75; extra == "and-cuda"')


@dataclass(frozen=True)
class StandIn:
    """One distribution to plant: its name, version, Requires-Dist, and the package folder it writes (if any)."""

    name: str
    version: str
    requires: Sequence[str] = ()
    package: str | None = None


# What Colab holds (TensorFlow 2.19 and the Keras, NumPy and ml-dtypes that came with it).
COLAB = (
    StandIn("tensorflow", "2.19.0", TENSORFLOW_2_19, "tensorflow"),
    StandIn("keras", "3.8.0", ("numpy",), "keras"),
    StandIn("numpy", "2.0.2", (), "numpy"),
    StandIn("ml-dtypes", "0.4.1", ("numpy>=1.21",), "ml_dtypes"),
)


def plant(site: Path, *distributions: StandIn) -> Path:
    """Write each stand-in's `.dist-info` (and its package's `__init__.py`) into `site`; returns `site`."""
    site.mkdir(parents=True, exist_ok=True)
    for distribution in distributions:
        info = site / f"{distribution.name.replace('-', '_')}-{distribution.version}.dist-info"
        info.mkdir()
        requires = "".join(f"Requires-Dist: {line}\n" for line in distribution.requires)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {distribution.name}\nVersion: {distribution.version}\n{requires}"
        )
        (info / "INSTALLER").write_text("pip\n")
        record = [f"{info.name}/METADATA,,", f"{info.name}/INSTALLER,,", f"{info.name}/RECORD,,"]
        if distribution.package is not None:
            package = site / distribution.package
            package.mkdir(exist_ok=True)
            (package / "__init__.py").write_text("")
            record.append(f"{distribution.package}/__init__.py,,")
        (info / "RECORD").write_text("\n".join(record) + "\n")
    return site


def scratch_venv(folder: Path, *distributions: StandIn) -> Path:
    """A virtual environment (no pip of its own) holding the stand-ins; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    plant(Path(purelib), *distributions)
    return python
