"""The bubblewrap command line of a sandbox: what the sandboxed child can see, and nothing more.

A read-only system and Python prefix (with the grader itself masked), a private size-capped
/tmp, the child package mounted alone at `SANDBOX_ROOT`, each exercise pack's `probes.py`
alone (never its suites) at `SANDBOX_ROOT/packs/<exercise>/probes.py`, and a /submission
tmpfs holding a copy of the submission's modules, made from open file descriptors.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

CHILD_PACKAGE = Path(__file__).parent / "child"
SANDBOX_ROOT = "/opt/gradekit"
SANDBOX_SUBMISSION = "/submission"
# Memory-backed, size-capped writable areas of a bubblewrap sandbox.
TMPFS_BYTES = 256 * 1024 * 1024
SCRATCH_SLACK_BYTES = 64 * 1024 * 1024
# A warm pool's /submission holds any submission: the slack and a few modules at the size limit.
POOL_SCRATCH_BYTES = SCRATCH_SLACK_BYTES + 4 * 64 * 1024 * 1024
# The folders a submission may write to inside a bubblewrap sandbox: a warm pool empties them after each one.
SANDBOX_WRITABLE = ("/tmp", "/dev/shm", SANDBOX_SUBMISSION)
ROOT_BWRAP_CAPABILITIES = ("CAP_SETUID", "CAP_SETGID", "CAP_KILL")


def is_root() -> bool:
    """Whether the grader runs as root (False where the system has no uids: Windows)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def bwrap_base_command(*, as_root: bool) -> list[str]:
    """bwrap's namespaces: as root no user namespace (the worker drops to its own uid instead)."""
    if as_root:
        namespaces = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        capabilities = ["--cap-drop", "ALL"] + [arg for cap in ROOT_BWRAP_CAPABILITIES for arg in ("--cap-add", cap)]
    else:
        namespaces, capabilities = ["--unshare-all"], []
    return ["bwrap", *namespaces, "--die-with-parent", "--new-session", *capabilities, "--ro-bind", "/usr", "/usr"]


def system_binds() -> list[str]:
    binds: list[str] = []
    for name in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        path = Path(name)
        if path.is_symlink():
            binds += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            binds += ["--ro-bind", name, name]
    for name in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime"):
        binds += ["--ro-bind-try", name, name]
    return binds


def _open_parents(destination: str, made: set[str]) -> list[str]:
    """Traversable (0755) folders above a bind, so that a dropped uid can reach it even under /root."""
    arguments: list[str] = []
    for parent in reversed(Path(destination).parents):
        text = str(parent)
        # /usr is bound whole and /tmp is the sandbox's own tmpfs; folders below /tmp (a venv in
        # /tmp/x/.venv) still need to be made traversable.
        if text in ("/", "/tmp") or text in made or text == "/usr" or text.startswith("/usr/"):
            continue
        made.add(text)
        arguments += ["--perms", "0755", "--dir", text]
    return arguments


def python_binds() -> list[str]:
    roots = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parent.parent}
    binds: list[str] = []
    made: set[str] = set()
    for root in sorted(roots, key=lambda path: len(path.parts)):
        if root.is_relative_to(Path("/usr")) or any(root.is_relative_to(other) and root != other for other in roots):
            continue
        binds += _open_parents(str(root), made) + ["--ro-bind", str(root), str(root)]
    # Never let student code read the grader itself (suites, hidden tests) from site-packages.
    grader_package = Path(__file__).resolve().parents[1]
    if any(grader_package.is_relative_to(root) for root in roots):
        binds += ["--tmpfs", str(grader_package)]
    return binds


def _probes_binds(probes: Mapping[str, Path], made: set[str]) -> list[str]:
    """Each pack's probes.py, read-only, alone: the suites (hidden tests) stay outside."""
    binds: list[str] = []
    for exercise, path in sorted(probes.items()):
        destination = sandbox_probes_path(SANDBOX_ROOT, exercise)
        binds += _open_parents(destination, made) + ["--ro-bind", str(Path(path).resolve()), destination]
    return binds


def gpu_binds() -> list[str]:
    devices = sorted(str(path) for path in Path("/dev").glob("nvidia*"))
    if not devices:
        return []
    binds = ["--ro-bind", "/sys", "/sys"]
    for device in devices:
        binds += ["--dev-bind", device, device]
    return binds


def sandbox_probes_path(root: str, exercise: str) -> str:
    """Where a pack's probes.py is inside the sandbox (bubblewrap) or its scratch folder (rlimits)."""
    return f"{root}/packs/{exercise}/probes.py"


def copy_probes(probes: Mapping[str, Path], root: Path) -> None:
    """Copy each pack's probes.py alone (never its suites) under `root`, where `sandbox_probes_path` finds it:
    the scratch folder of the levels without bubblewrap."""
    for exercise, path in probes.items():
        copy = Path(sandbox_probes_path(str(root), exercise))
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)


def make_scratch(prefix: str, probes: Mapping[str, Path]) -> tuple[Path, Path, Path]:
    """The host folder of the levels without bubblewrap (rlimits, the warm pool there, portable), in tempfile's
    place: `submission/` for the modules, `home/`, and `gradekit/` with a private copy of the child package
    and each pack's probes.py. Returns (scratch, submission, home); the gradekit is `scratch / "gradekit"`."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    workspace, home = scratch / "submission", scratch / "home"
    try:
        workspace.mkdir()
        home.mkdir()
        shutil.copytree(
            CHILD_PACKAGE, scratch / "gradekit" / "gradechild", ignore=shutil.ignore_patterns("__pycache__")
        )
        copy_probes(probes, scratch / "gradekit")
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return scratch, workspace, home


def bwrap_command(
    module_fds: dict[str, int],
    scratch_bytes: int,
    control_fd: int,
    probes: Mapping[str, Path] | None = None,
    child_arguments: tuple[str, ...] = (),
) -> list[str]:
    """The whole bubblewrap command: read-only system, private size-capped /tmp and /submission.

    The submission's modules are copied into the /submission tmpfs from open file descriptors
    (`--file`), so the sandbox shares no writable folder with the host. A warm pool gets no
    module here (they come later, over its control socket) and its `child_arguments`.
    """
    as_root = is_root()
    made: set[str] = set()
    command = (
        bwrap_base_command(as_root=as_root)
        + system_binds()
        + ["--proc", "/proc", "--dev", "/dev"]
        + ["--perms", "1777", "--size", str(TMPFS_BYTES), "--tmpfs", "/tmp"]
        + gpu_binds()
        + python_binds()
        + _open_parents(f"{SANDBOX_ROOT}/gradechild", made)
        + ["--ro-bind", str(CHILD_PACKAGE), f"{SANDBOX_ROOT}/gradechild"]
        + _probes_binds(probes or {}, made)
        + ["--perms", "1777", "--size", str(scratch_bytes), "--tmpfs", SANDBOX_SUBMISSION]
    )
    for name, fd in sorted(module_fds.items()):
        command += ["--perms", "0666", "--file", str(fd), f"{SANDBOX_SUBMISSION}/{name}"]
    return command + [
        "--chdir",
        SANDBOX_SUBMISSION,
        sys.executable,
        "-m",
        "gradechild",
        str(control_fd),
        *child_arguments,
    ]
