"""`grade doctor`: what isolation this machine gives, what is missing, and how to fix it."""

from __future__ import annotations

import os
import platform
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.course.limits import Limits
from grader.distributions import describe
from grader.environment import DISTRIBUTIONS, NOT_INSTALLED, distribution_version
from grader.errors import ExitCode
from grader.installation import device_problem, gpu_required, problems
from grader.sandbox.bwrap import TMPFS_BYTES, is_root
from grader.sandbox.factory import open_sandbox
from grader.sandbox.failures import SubmissionFailure
from grader.sandbox.isolation import BUBBLEWRAP, ISOLATION_VARIABLE, PORTABLE, RLIMITS, detect_isolation, process_limit


@dataclass(frozen=True)
class Finding:
    """One line of the diagnosis: what was checked, whether it is fine, and the fix if not."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    blocking: bool = False  # grading cannot start until it is fixed: `grade doctor` and every grading command exit 2


def _user_namespaces() -> Finding:
    if is_root():
        return Finding(
            "user namespaces",
            True,
            "not needed: as root, bubblewrap runs without one and the worker drops to its own uid",
        )
    maximum = Path("/proc/sys/user/max_user_namespaces")
    unprivileged = Path("/proc/sys/kernel/unprivileged_userns_clone")
    apparmor = Path("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")
    if maximum.exists() and maximum.read_text().strip() == "0":
        return Finding(
            "user namespaces",
            False,
            "disabled (user.max_user_namespaces = 0)",
            "sudo sysctl -w user.max_user_namespaces=15000",
        )
    if unprivileged.exists() and unprivileged.read_text().strip() == "0":
        return Finding(
            "user namespaces",
            False,
            "unprivileged user namespaces are off",
            "sudo sysctl -w kernel.unprivileged_userns_clone=1",
        )
    if apparmor.exists() and apparmor.read_text().strip() == "1" and detect_isolation().name != BUBBLEWRAP:
        return Finding(
            "user namespaces",
            False,
            "AppArmor restricts unprivileged user namespaces (Ubuntu 24.04 and later)",
            "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or install an AppArmor profile for bwrap",
        )
    return Finding("user namespaces", True, "available")


def _privileges() -> Finding:
    if is_root():
        return Finding(
            "privileges",
            True,
            f"running as root: each sandbox's code runs as its own unprivileged uid, with at most"
            f" {process_limit()} processes and threads (RLIMIT_NPROC bounds a fork bomb)",
        )
    return Finding(
        "privileges",
        True,
        f"running as your user: sandboxed code runs as you too, with at most {process_limit()}"
        " processes and threads beyond yours; run as root (as CI does) for a dedicated uid per sandbox",
    )


def _rlimits() -> Finding:
    try:
        import resource
    except ImportError:
        return Finding(
            "rlimits",
            True,
            "not on this system (no resource module): the memory limit is a watchdog in the grader that sums the"
            " memory of the process tree running the student's code and stops it over the limit",
        )
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    return Finding(
        "rlimits",
        True,
        f"memory, file size and core limits settable (RLIMIT_AS hard limit: {'unlimited' if hard == resource.RLIM_INFINITY else hard})",
    )


def _sandbox() -> Finding:
    isolation = detect_isolation()
    forced = os.environ.get(ISOLATION_VARIABLE)
    if isolation.name == BUBBLEWRAP:
        fix = ""
    elif forced in (RLIMITS, PORTABLE):
        fix = f"unset {ISOLATION_VARIABLE} (it forces the {forced} level)"
    elif isolation.name == PORTABLE:
        fix = "none needed on Windows and macOS; on Linux, install bubblewrap for full isolation"
    else:
        fix = "install bubblewrap and allow user namespaces (see above); in Colab this level is the one to expect"
    if isolation.name == BUBBLEWRAP:
        detail = f"{isolation.detail}; /tmp and the scratch folder are tmpfs of at most {TMPFS_BYTES // 2**20} MB"
    elif isolation.name == RLIMITS:
        detail = f"reduced isolation, the rlimits fallback: {isolation.detail}"
    else:
        detail = f"reduced isolation, {isolation.detail}"
    return Finding("sandbox", isolation.name == BUBBLEWRAP, detail, fix)


def diagnose(*, with_device: bool = True) -> list[Finding]:
    findings = []
    portable = detect_isolation().name == PORTABLE
    bwrap = shutil.which("bwrap")
    findings.append(
        Finding(
            "bubblewrap installed",
            bwrap is not None or portable,
            bwrap or ("not used at the portable level" if portable else "bwrap not found"),
            "sudo apt-get install bubblewrap",
        )
    )
    if not portable:
        findings.append(_user_namespaces())
    findings.append(_sandbox())
    if not portable:
        findings.append(_privileges())
    findings.append(_rlimits())
    findings.append(Finding("python", True, platform.python_version()))
    installation = _installation()
    findings.extend(installation)
    version = distribution_version(*DISTRIBUTIONS["numpy"])
    findings.append(Finding("numpy", version != NOT_INSTALLED, version, "pip install numpy"))
    if with_device:
        blocked = next((finding for finding in installation if not finding.ok), None)
        if blocked is None:
            findings.append(_device())
        else:
            findings.append(Finding("device", False, f"not started: fix {blocked.name} first (above)", blocking=True))
    return findings


def _installation() -> list[Finding]:
    """TensorFlow, Keras and (on a GPU runner) the GPU build, from package metadata: each problem with its fix."""
    found = problems()
    findings = []
    for topic, fine in (
        ("tensorflow", describe()),
        ("keras", distribution_version(*DISTRIBUTIONS["keras"])),
        ("gpu", "a GPU build is installed (GRADER_REQUIRE_GPU)"),
    ):
        problem = next((problem for problem in found if problem.topic == topic), None)
        if topic == "gpu" and not gpu_required() and problem is None:
            continue
        if problem is None:
            findings.append(Finding(topic, True, fine))
        else:
            findings.append(Finding(topic, False, f"{problem.found}; expected {problem.expected}", problem.fix, True))
    return findings


def exit_code(findings: list[Finding]) -> ExitCode:
    """2 when grading cannot start here (TensorFlow, Keras, GPU), 1 for anything else to fix, else 0."""
    if any(finding.blocking and not finding.ok for finding in findings):
        return ExitCode.USAGE
    return ExitCode.OK if all(finding.ok for finding in findings) else ExitCode.TESTS_FAILED


def _device() -> Finding:
    with tempfile.TemporaryDirectory() as empty:
        sandbox = open_sandbox(Path(empty), [], Limits())
        try:
            sandbox.start()
            worker = sandbox.spawn("environment", None, seed=0)
            environment = worker.call("environment", 120.0, "describing the environment")
            worker.finish()
            detail = f"{environment['device']} (TensorFlow {environment['tensorflow']} inside the sandbox)"
            problem = device_problem(str(environment["device"]))
            if problem is not None:
                return Finding("device", False, f"{detail}: {problem.found}", problem.fix, blocking=True)
            return Finding("device", True, detail)
        except SubmissionFailure as failure:
            return Finding(
                "device",
                False,
                f"TensorFlow did not start in the sandbox: {failure.message}",
                "bash scripts/bootstrap.sh",
            )
        finally:
            sandbox.close()


def render(findings: list[Finding]) -> str:
    lines = []
    for finding in findings:
        mark = "ok " if finding.ok else "!! "
        lines.append(f"{mark} {finding.name}: {finding.detail}")
        if not finding.ok and finding.fix:
            lines.append(f"    fix: {finding.fix}")
    return "\n".join(lines) + "\n"
