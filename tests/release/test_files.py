"""Tests for grader/release/files.py: the release's pyproject.toml follows the kit's one-TensorFlow scheme, and its
README gives each place its install command (and for pyproject.toml itself: the kit's own scheme)."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from grader.course.config import Course
from grader.distributions import TENSORFLOW_FAMILY
from grader.installation import cpu_build
from grader.release.files import TEMPLATES, render_pyproject, render_student_readme
from tests.release_support import ROOT

FAMILY = {canonicalize_name(name) for name in TENSORFLOW_FAMILY}
# (platform_machine, sys_platform, platform_system) of the places students and runners use.
PLATFORMS = [("x86_64", "linux", "Linux"), ("AMD64", "win32", "Windows"), ("arm64", "darwin", "Darwin"),
             ("aarch64", "linux", "Linux"), ("x86_64", "darwin", "Darwin")]  # fmt: skip


def projects(course: Course) -> dict[str, dict[str, Any]]:
    """The [project] tables of the kit's pyproject.toml and of a release's."""
    kit = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    release = tomllib.loads(render_pyproject(course.without_hidden_tests()))["project"]
    return {"kit": kit, "release": release}


def applying(requirements: list[str], machine: str, system: str, platform_system: str) -> list[str]:
    """The distributions these requirements install on one platform (markers evaluated there)."""
    environment = {"platform_machine": machine, "sys_platform": system, "platform_system": platform_system, "extra": ""}
    return [
        canonicalize_name(requirement.name)
        for requirement in map(Requirement, requirements)
        if requirement.marker is None or requirement.marker.evaluate(environment)
    ]


@pytest.mark.parametrize("project", ["kit", "release"])
def test_no_tensorflow_or_keras_among_the_required_dependencies(course: Course, project: str) -> None:
    """The base dependencies name no TensorFlow distribution and no Keras: pip cannot add one beside an installed one."""
    names = {canonicalize_name(Requirement(line).name) for line in projects(course)[project]["dependencies"]}
    assert names & (FAMILY | {"keras"}) == set()
    assert "packaging" in names  # the preflight reads versions with it


@pytest.mark.parametrize("project", ["kit", "release"])
@pytest.mark.parametrize(("machine", "system", "platform_system"), PLATFORMS)
def test_each_extra_installs_exactly_one_tensorflow_on_every_platform(
    course: Course, project: str, machine: str, system: str, platform_system: str
) -> None:
    """`cpu` gives the CPU build where one exists (x86_64, AMD64) and tensorflow elsewhere; `gpu` gives tensorflow alone."""
    extras = projects(course)[project]["optional-dependencies"]
    assert applying(extras["cpu"], machine, system, platform_system) == [cpu_build(machine)]
    assert applying(extras["gpu"], machine, system, platform_system) == ["tensorflow"]
    assert Requirement(extras["gpu"][0]).extras == {"and-cuda"}


def test_the_release_has_the_kits_extras(course: Course) -> None:
    """The release's cpu and gpu extras are the kit's, requirement for requirement (one scheme, two files)."""
    kit, release = projects(course).values()
    for extra in ("cpu", "gpu"):
        assert {str(Requirement(line)) for line in release["optional-dependencies"][extra]} == {
            str(Requirement(line)) for line in kit["optional-dependencies"][extra]
        }


def test_the_student_readme_gives_each_place_its_command(course: Course) -> None:
    """The student README: `.[cpu]` in a fresh venv, `.[gpu]` with an NVIDIA GPU, plain `.` where TensorFlow is there."""
    readme = render_student_readme(course.without_hidden_tests())
    for command in ('pip install ".[cpu]"', 'pip install ".[gpu]"', "!pip install -q .", "grade doctor"):
        assert command in readme, command
    assert "pip install .   " not in readme  # a bare `pip install .` in a fresh venv would give no TensorFlow


def test_the_gradescope_image_installs_the_cpu_build() -> None:
    """Gradescope's setup.sh makes a fresh venv, so it installs the course with the `cpu` extra."""
    assert '"$source_dir/course[cpu]"' in (TEMPLATES / "gradescope" / "setup.sh").read_text()
