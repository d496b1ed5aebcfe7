"""Tests for the dependency scheme of pyproject.toml and of the release's (grader/release/files.py): pip's own plans.

Each test asks pip's resolver, for real (`pip install --dry-run --report`, metadata from the index, no
TensorFlow downloaded), what installing the kit or a release would do to a scratch virtual environment:
one that already holds a stand-in TensorFlow (Colab's tensorflow 2.19, tensorflow-macos) must keep it and its
Keras; a bare one must get exactly one TensorFlow from the `cpu` extra, and `tensorflow[and-cuda]` alone from
`gpu`. Only pyproject.toml is copied into the project folder that pip reads (metadata is all it needs).
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from grader.course.config import load_course
from grader.distributions import TENSORFLOW_FAMILY
from grader.installation import cpu_build
from grader.release.files import render_pyproject
from tests.conftest import ROOT
from tests.installation_support import COLAB, StandIn, scratch_venv

FAMILY = {canonicalize_name(name) for name in TENSORFLOW_FAMILY}
MACOS = (
    StandIn("tensorflow-macos", "2.16.2", ("keras>=3.0.0", "numpy<2.0.0,>=1.23.5"), "tensorflow"),
    StandIn("tensorflow-metal", "1.1.0", (), "tensorflow_metal"),
    StandIn("keras", "3.3.3", ("numpy",), "keras"),
    StandIn("numpy", "1.26.4", (), "numpy"),
)
# (environment, project, extra) of each plan; the projects are the kit's pyproject.toml and a release's.
PLANS = {
    "colab+kit": ("colab", "kit", ""),
    "colab+release": ("colab", "release", ""),
    "macos+release": ("macos", "release", ""),
    "bare+kit[cpu]": ("bare", "kit", "[cpu]"),
    "bare+release[gpu]": ("bare", "release", "[gpu]"),
}
ENVIRONMENTS: dict[str, tuple[StandIn, ...]] = {"colab": COLAB, "macos": MACOS, "bare": ()}


def dry_run(python: Path, project: Path, extra: str, report: Path) -> dict[str, Any]:
    """pip's plan for installing `project` with `extra` into the environment of `python` (nothing is installed)."""
    completed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--dry-run", "--quiet"]
        + ["--report", str(report), f"{project}{extra}"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return dict(json.loads(report.read_text()))


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every plan of PLANS, asked of pip in parallel (each resolves some 140 distributions' metadata)."""
    folder = tmp_path_factory.mktemp("install-plans")
    pythons = {name: scratch_venv(folder / name, *planted) for name, planted in ENVIRONMENTS.items()}
    projects = {"kit": folder / "kit", "release": folder / "release"}
    for project in projects.values():
        project.mkdir()
    (projects["kit"] / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (projects["release"] / "pyproject.toml").write_text(render_pyproject(load_course(ROOT / "course.toml")))
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {
            label: pool.submit(dry_run, pythons[env], projects[project], extra, folder / f"{env}-{project}.json")
            for label, (env, project, extra) in PLANS.items()
        }
        return {label: future.result() for label, future in futures.items()}


def planned(report: dict[str, Any]) -> dict[str, tuple[Version, list[str]]]:
    """Distribution -> (version, Requires-Dist) of everything the plan would install or upgrade."""
    return {
        canonicalize_name(item["metadata"]["name"]): (
            Version(item["metadata"]["version"]),
            list(item["metadata"].get("requires_dist") or []),
        )
        for item in report["install"]
    }


def unmet(requirements: list[str], plan: dict[str, tuple[Version, list[str]]]) -> list[str]:
    """The requirements (of an installed or planned TensorFlow) that a planned version would break."""
    broken = []
    for line in requirements:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        if name in plan and not requirement.specifier.contains(plan[name][0], prereleases=True):
            broken.append(f"{line} (planned {plan[name][0]})")
    return broken


@pytest.mark.parametrize("label", ["colab+kit", "colab+release", "macos+release"])
def test_an_environment_with_tensorflow_keeps_it_and_its_keras(plans: dict[str, dict[str, Any]], label: str) -> None:
    """Colab's tensorflow or tensorflow-macos stays the only one: no TensorFlow added, Keras untouched, nothing it requires broken."""
    plan = planned(plans[label])
    assert len(plan) > 20, "the kit's other dependencies are planned"
    assert sorted(FAMILY & set(plan)) == [], f"{label} would add a second TensorFlow"
    assert "keras" not in plan, f"{label} would change Keras: {plan.get('keras')}"
    installed = next(d for d in ENVIRONMENTS[label.split("+")[0]] if canonicalize_name(d.name) in FAMILY)
    assert unmet(list(installed.requires), plan) == []


@pytest.mark.parametrize(("label", "expected"), [("bare+kit[cpu]", cpu_build()), ("bare+release[gpu]", "tensorflow")])
def test_a_bare_environment_gets_exactly_one_tensorflow(
    plans: dict[str, dict[str, Any]], label: str, expected: str
) -> None:
    """A bare venv gets one TensorFlow (`cpu`: this platform's CPU build; `gpu`: tensorflow and CUDA) with a Keras it requires."""
    plan = planned(plans[label])
    assert sorted(FAMILY & set(plan)) == [expected]
    version, requires = plan[expected]
    assert version >= Version("2.16")
    assert "keras" in plan and unmet(requires, plan) == []
    cuda = sorted(name for name in plan if name.startswith("nvidia-"))
    assert bool(cuda) == label.endswith("[gpu]"), cuda
