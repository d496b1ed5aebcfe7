"""Tests for grader/sandbox/portable.py, spawned_worker.py and child/foreign_os.py: the portable level, for real.

Each test that grades runs in a subprocess with the foreign-OS double installed (no fork, `resource` or /proc
for the grader's code, in the parent and in every spawned child), under GRADER_ISOLATION=portable.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE, SOLUTIONS

PORTABLE = {"GRADER_ISOLATION": "portable", "GRADER_FOREIGN_OS_DOUBLE": "1"}

SPLIT_PROBES = Path(__file__).resolve().parents[2] / "grader" / "packs" / "split_validation" / "probes.py"


def run_python(code: str, environment: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter, the double installed first when GRADER_FOREIGN_OS_DOUBLE=1."""
    prelude = (
        "import os\nfrom grader.sandbox.child import foreign_os\n"
        "if os.environ.get('GRADER_FOREIGN_OS_DOUBLE') == '1': foreign_os.install()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **environment},
    )


def run_grade(environment: dict[str, str], *arguments: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The real `grade` command, the double installed first."""
    code = f"import sys\nsys.argv = ['grade', *{list(arguments)!r}]\nfrom grader.cli import main\nmain()\n"
    return run_python(code, environment, cwd)


def test_double_takes_fork_resource_and_proc_from_the_grader_only() -> None:
    """Under the double, grader code cannot fork, import resource, read /proc or call geteuid; psutil still works."""
    completed = run_python(
        """
        import json, os
        grader_side = '''
        import os, pathlib
        seen = {"fork": hasattr(os, "fork")}
        try:
            import resource
            seen["resource"] = True
        except ImportError:
            seen["resource"] = False
        for name, attempt in {
            "open": lambda: open("/proc/self/status").read(),
            "listdir": lambda: os.listdir("/proc"),
            "geteuid": lambda: os.geteuid(),
        }.items():
            try:
                attempt()
                seen[name] = True
            except (OSError, AttributeError):
                seen[name] = False
        seen["path_exists"] = pathlib.Path("/proc/self/status").exists()
        '''
        scope = {"__name__": "grader.double_probe"}
        exec(compile(grader_side, "grader_probe", "exec"), scope)
        import psutil
        outside = {"open": bool(open("/proc/self/status").read()), "psutil": psutil.Process().memory_info().rss > 0}
        print(json.dumps({"grader": scope["seen"], "outside": outside}))
        """,
        {"GRADER_FOREIGN_OS_DOUBLE": "1"},
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    seen = json.loads(completed.stdout)
    assert seen["grader"] == {
        "fork": False,
        "resource": False,
        "open": False,
        "listdir": False,
        "geteuid": False,
        "path_exists": False,
    }
    assert seen["outside"] == {"open": True, "psutil": True}


def test_level_is_chosen_by_capability_portable_without_fork() -> None:
    """Without GRADER_ISOLATION, a machine without fork, resource and /proc gets the portable level, saying why."""
    completed = run_python(
        """
        from grader.sandbox.isolation import detect_isolation
        isolation = detect_isolation()
        print(isolation.name.value + "|" + isolation.detail)
        """,
        {"GRADER_FOREIGN_OS_DOUBLE": "1", "GRADER_ISOLATION": ""},
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    name, detail = completed.stdout.strip().split("|", 1)
    assert name == "portable"
    assert "os.fork" in detail and "resource" in detail and "/proc" in detail
    assert "no namespaces" in detail and "network" in detail


def test_without_bubblewrap_linux_gets_rlimits_and_says_why() -> None:
    """Where bwrap is missing (Colab) but fork, resource and /proc exist, the rlimits level is chosen and named."""
    completed = run_python(
        """
        from grader.sandbox.isolation import detect_isolation
        isolation = detect_isolation()
        print(isolation.name.value + "|" + isolation.detail)
        """,
        {"GRADER_ISOLATION": "", "PATH": "/nonexistent"},
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    name, detail = completed.stdout.strip().split("|", 1)
    assert name == "rlimits"
    assert "Colab" in detail and "no namespaces" in detail and "bwrap" in detail


def test_spawned_child_runs_under_the_double_too(tmp_path: Path) -> None:
    """The spawned child installs the double before serving: the student's module sees no os.fork there."""
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "validation.py").write_text("import os\nFORK = hasattr(os, 'fork')\n", encoding="utf-8")
    completed = run_python(
        f"""
        from pathlib import Path
        from grader.course.limits import Limits
        from grader.sandbox.portable import PortableSandbox
        sandbox = PortableSandbox(Path({str(submission)!r}), ["validation"], Limits()).start()
        try:
            worker = sandbox.spawn("split_validation", "validation", seed=0)
            print("python", worker.call("environment", 60.0, "describing")["python"])
            worker.finish()
        finally:
            sandbox.close()
        """,
        PORTABLE,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.startswith("python 3.")
    import_check = run_python(
        f"""
        from pathlib import Path
        from grader.course.limits import Limits
        from grader.sandbox.portable import PortableSandbox
        (Path({str(submission)!r}) / "validation.py").write_text("import os\\nassert not hasattr(os, 'fork'), 'fork'\\n")
        with PortableSandbox(Path({str(submission)!r}), ["validation"], Limits()) as sandbox:
            sandbox.spawn("split_validation", "validation", seed=0).finish()
            print("imported without fork")
        """,
        PORTABLE,
    )
    assert import_check.returncode == 0, import_check.stderr[-3000:]
    assert "imported without fork" in import_check.stdout


def test_memory_watchdog_stops_a_growing_tree(tmp_path: Path) -> None:
    """Without RLIMIT_AS (the double), memory growing past the limit is stopped by the watchdog and named so."""
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "validation.py").write_text(
        "import numpy as np\nHOLD = []\n\n\ndef split_validation(*args, **kwargs):\n"
        "    while True:\n        HOLD.append(np.ones(64 * 1024 * 1024 // 8))\n",
        encoding="utf-8",
    )
    completed = run_python(
        f"""
        from pathlib import Path
        from grader.course.limits import Limits
        from grader.sandbox.failures import SubmissionFailure
        import numpy as np
        from grader.sandbox.portable import PortableSandbox
        probes = {{"split_validation": Path({str(SPLIT_PROBES)!r})}}
        with PortableSandbox(
            Path({str(submission)!r}), ["validation"], Limits(memory_limit_mb=512), probes=probes
        ) as sandbox:
            worker = sandbox.spawn("split_validation", "validation", seed=0)
            try:
                worker.call(
                    "call", 60.0, "running split_validation",
                    inputs=np.zeros((4, 2)), targets=np.zeros(4), validation_fraction=0.5, seed=0,
                )
            except SubmissionFailure as failure:
                print(failure.kind.value, failure.limit.value if failure.limit else None, failure.message)
        """,
        PORTABLE,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.startswith("memory memory memory limit:"), completed.stdout
    assert "512 MB" in completed.stdout and "watchdog" in completed.stdout


def test_check_in_a_spaced_non_ascii_folder_on_a_cp1252_console(tmp_path: Path) -> None:
    """`grade check` of the sample in `José/My Course`, console cp1252: the table, 163/228, exit 1, no crash."""
    folder = tmp_path / "José" / "My Course"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("__pycache__"))
    completed = subprocess.run(
        [sys.executable, "-c", "from grader.cli import main; main()", "check", str(folder)],
        cwd=ROOT,
        capture_output=True,
        timeout=600,
        env={**os.environ, **PORTABLE, "PYTHONIOENCODING": "cp1252"},
    )
    text = completed.stdout.decode("cp1252")
    errors = completed.stderr.decode("cp1252", errors="replace")
    assert completed.returncode == 1, errors[-3000:]
    assert "Total: 163/228" in text and "square_loss" in text and "isolation: portable" in text
    assert "José" in text
    assert "UnicodeEncodeError" not in errors and "no namespaces" in errors


def test_submit_of_the_solutions_from_a_spaced_non_ascii_folder(tmp_path: Path) -> None:
    """`grade submit` at the portable level with the double: every public test passes, the archive written, exit 0."""
    folder = tmp_path / "José" / "My Course"
    folder.mkdir(parents=True)
    for module in SOLUTIONS.glob("*.py"):
        shutil.copyfile(module, folder / module.name)
    out = tmp_path / "out"
    out.mkdir()
    completed = run_grade(
        PORTABLE, "submit", str(folder), "--student", "jose.p", "--course", str(ROOT / "course.toml"), "--out", str(out)
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    total = re.search(r"Total: (\d+)/(\d+)", completed.stdout)
    assert total is not None and total.group(1) == total.group(2), completed.stdout[-2000:]
    assert (out / "jose.p.submission.zip").is_file()


def test_doctor_names_the_portable_level_and_its_gaps() -> None:
    """`grade doctor` under the double says portable, what it does not protect, and that memory is a watchdog."""
    completed = run_grade(PORTABLE, "doctor")
    assert completed.returncode in (0, 1), completed.stderr[-3000:]
    assert "portable" in completed.stdout and "no namespaces" in completed.stdout
    assert "watchdog" in completed.stdout
    assert "device" in completed.stdout and "TensorFlow" in completed.stdout


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed here")
def test_portable_and_bubblewrap_give_the_sample_the_same_grades() -> None:
    """The spawned interpreters and bubblewrap grade the sample submission test by test alike."""
    results = {}
    for name, environment in {"portable": PORTABLE, "bubblewrap": {"GRADER_ISOLATION": ""}}.items():
        completed = run_grade(environment, "check", str(SAMPLE), "--format", "json")
        assert completed.returncode == 1, completed.stderr[-3000:]
        result = json.loads(completed.stdout)
        assert result["isolation"] == name
        results[name] = {
            f"{exercise['id']}::{test['name']}": test["score"]
            for exercise in result["exercises"]
            for test in exercise["tests"]
        }
    assert results["portable"] == results["bubblewrap"]
    assert sum(results["portable"].values()) == 163
