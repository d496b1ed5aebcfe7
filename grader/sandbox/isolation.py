"""What this machine can isolate a submission with, and the command that starts a sandbox.

Four modes, from the strongest:
- bubblewrap started by root: no user namespace, so that the worker can drop to a dedicated
  unprivileged uid (its kernel uid is not root, so RLIMIT_NPROC bounds a fork bomb and the
  worker cannot signal or write anything of root's); the zygote keeps only CAP_SETUID,
  CAP_SETGID and CAP_KILL to do that, and no_new_privs is set.
- bubblewrap started by a user: a user namespace; RLIMIT_NPROC counts that namespace only.
- rlimits started by root: a plain subprocess; the worker drops to a dedicated uid and keeps
  only CAP_DAC_READ_SEARCH (Python may live under a private /root): it can read, not write
  or signal, anything outside its scratch folder; its leftovers are swept by uid.
- rlimits started by a user: a plain subprocess with rlimits only.
The dedicated uid is leased per sandbox with an abstract unix socket, so concurrent graders
on one machine never share one.
"""

from __future__ import annotations

import functools
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CHILD_PACKAGE = Path(__file__).parent / "child"
SANDBOX_ROOT = "/opt/gradekit"
SANDBOX_SUBMISSION = "/submission"
# Memory-backed, size-capped writable areas of a bubblewrap sandbox.
TMPFS_BYTES = 256 * 1024 * 1024
SCRATCH_SLACK_BYTES = 64 * 1024 * 1024

BUBBLEWRAP = "bubblewrap"
RLIMITS = "rlimits"

# Dedicated uids (and gids) for sandboxed code when the grader runs as root.
UID_BASE = 1_900_000_000
UID_COUNT = 1_000_000
ROOT_BWRAP_CAPABILITIES = ("CAP_SETUID", "CAP_SETGID", "CAP_KILL")
# Folders where code running as a dedicated uid may leave files on the host (rlimits mode).
WORLD_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm")


@dataclass(frozen=True)
class Isolation:
    """Which isolation this machine gives, and why not more."""

    name: str
    detail: str
    # The worker runs as a dedicated unprivileged uid (only when the grader runs as root).
    dedicated_uid: bool = False


def is_root() -> bool:
    return os.geteuid() == 0


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


def gpu_binds() -> list[str]:
    devices = sorted(str(path) for path in Path("/dev").glob("nvidia*"))
    if not devices:
        return []
    binds = ["--ro-bind", "/sys", "/sys"]
    for device in devices:
        binds += ["--dev-bind", device, device]
    return binds


def bwrap_command(module_fds: dict[str, int], scratch_bytes: int, control_fd: int) -> list[str]:
    """The whole bubblewrap command: read-only system, private size-capped /tmp and /submission.

    The submission's modules are copied into the /submission tmpfs from open file descriptors
    (`--file`), so the sandbox shares no writable folder with the host.
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
        + ["--perms", "1777", "--size", str(scratch_bytes), "--tmpfs", SANDBOX_SUBMISSION]
    )
    for name, fd in sorted(module_fds.items()):
        command += ["--perms", "0666", "--file", str(fd), f"{SANDBOX_SUBMISSION}/{name}"]
    return command + ["--chdir", SANDBOX_SUBMISSION, sys.executable, "-m", "gradechild", str(control_fd)]


def child_environment(home: str, python_path: str) -> dict[str, str]:
    """The allowlist: nothing else from the parent's environment (tokens, secrets) passes."""
    environment = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "PYTHONPATH": python_path,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONUNBUFFERED": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "TF_DETERMINISTIC_OPS": "1",
        "KERAS_BACKEND": "tensorflow",
        "KERAS_HOME": f"{home}/.keras",
        "MPLBACKEND": "Agg",
    }
    for name in ("CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH"):
        if name in os.environ:
            environment[name] = os.environ[name]
    return environment


@functools.lru_cache(maxsize=1)
def detect_isolation() -> Isolation:
    """Bubblewrap if it is installed and can create its namespaces here, else rlimits."""
    as_root = is_root()
    uid_note = (
        "; sandboxed code runs as a dedicated unprivileged uid" if as_root
        else "; sandboxed code runs as your own user (run as root for a dedicated uid)"
    )  # fmt: skip
    if os.environ.get("GRADER_ISOLATION") == RLIMITS:
        return Isolation(RLIMITS, "bubblewrap turned off by GRADER_ISOLATION=rlimits: no namespaces (student code"
                         " can use the network and read files the grader can read)" + uid_note, as_root)  # fmt: skip
    if shutil.which("bwrap") is None:
        return Isolation(RLIMITS, "bubblewrap (bwrap) is not installed: sudo apt-get install bubblewrap" + uid_note, as_root)
    command = bwrap_base_command(as_root=as_root) + system_binds() + ["--proc", "/proc", "--dev", "/dev"] + python_binds()
    check = "import os; os.setgroups([]); os.setresgid({0}, {0}, {0}); os.setresuid({0}, {0}, {0})".format(UID_BASE)
    probe = subprocess.run(
        command + [sys.executable, "-S", "-c", check if as_root else "pass"],
        capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )  # fmt: skip
    if probe.returncode != 0:
        fix = (
            "in a container, bubblewrap needs namespaces and mounts: run the container with --privileged"
            " (or --cap-add SYS_ADMIN --security-opt seccomp=unconfined)" if as_root
            else "enable unprivileged user namespaces (sudo sysctl -w kernel.unprivileged_userns_clone=1) or run as root"
        )  # fmt: skip
        return Isolation(
            RLIMITS,
            f"bubblewrap is installed but cannot create its sandbox here ({probe.stderr.strip()[-200:]}); {fix}" + uid_note,
            as_root,
        )
    return Isolation(BUBBLEWRAP, "bubblewrap: no network, read-only system, private size-capped /tmp and scratch,"
                     " own PID namespace" + uid_note, as_root)  # fmt: skip


def process_limit(cpus: int | None = None) -> int:
    """RLIMIT_NPROC for one sandbox's uid: TensorFlow's thread pools (about 2 per CPU) for a few workers."""
    return 128 + 16 * (cpus or os.cpu_count() or 2)


def counts_processes_per_user_namespace() -> bool:
    """Linux 5.14 and later count RLIMIT_NPROC per user namespace, so a bubblewrap sandbox counts its own tasks only."""
    try:
        major, minor = (int(part) for part in os.uname().release.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (5, 14)


def tasks_of(uid: int) -> int:
    """How many tasks (threads included) `uid` runs on this machine: RLIMIT_NPROC counts them all."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as status:
                fields = dict(line.split(b":", 1) for line in status if line.startswith((b"Uid:", b"Threads:")))
            if int(fields[b"Uid:"].split()[0]) == uid:
                count += int(fields[b"Threads:"])
        except (OSError, KeyError, ValueError):
            continue
    return count


def sandbox_process_limit(isolation: Isolation) -> int:
    """RLIMIT_NPROC for a worker: the margin alone where the count is the sandbox's own (a dedicated uid, or a
    user namespace on Linux 5.14+), else on top of what the user already runs."""
    if isolation.dedicated_uid or (isolation.name == BUBBLEWRAP and counts_processes_per_user_namespace()):
        return process_limit()
    return tasks_of(os.getuid()) + process_limit()


class UidLease:
    """A uid (and gid of the same number) no other sandbox on this machine holds, while open."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        start = random.randrange(UID_COUNT)
        for offset in range(UID_COUNT):
            uid = UID_BASE + (start + offset) % UID_COUNT
            try:
                self.socket.bind(f"\0gradekit-uid-{uid}")
            except OSError:
                continue
            self.uid = uid
            return
        raise RuntimeError("no free sandbox uid")  # pragma: no cover - a million sandboxes at once

    def close(self) -> None:
        self.socket.close()


def processes_of(uid: int) -> list[int]:
    """The processes whose real uid is `uid`, from /proc."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as status:
                for line in status:
                    if line.startswith(b"Uid:"):
                        if int(line.split()[1]) == uid:
                            found.append(int(entry.name))
                        break
        except (OSError, ValueError):
            continue
    return found


def sweep_uid(uid: int) -> int:
    """Stop, then kill, every process of `uid` (a fork bomb included); returns how many there were."""
    seen: set[int] = set()
    for _ in range(50):
        pids = [pid for pid in processes_of(uid) if pid not in seen]
        if not pids:
            break
        for pid in pids:
            _signal(pid, signal.SIGSTOP)
        seen.update(pids)
    for pid in seen:
        _signal(pid, signal.SIGKILL)
    return len(seen)


def remove_files_of(uid: int) -> list[str]:
    """Delete what `uid` left in the world-writable folders of the host; returns the paths."""
    removed = []
    for folder in WORLD_WRITABLE:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
                removed.append(entry.path)
            except OSError:
                continue
    return removed


def kill_tree(root: int) -> None:
    """Freeze `root` and everything below it (from /proc), then kill them all."""
    frozen: list[int] = []
    for _ in range(50):
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    with open(f"/proc/{entry.name}/stat", "rb") as stream:
                        children.setdefault(int(stream.read().rsplit(b")", 1)[1].split()[1]), []).append(int(entry.name))
                except (OSError, IndexError, ValueError):
                    continue
        tree, frontier = [root], [root]
        while frontier:
            for child in children.get(frontier.pop(), []):
                tree.append(child)
                frontier.append(child)
        new = [pid for pid in tree if pid not in frozen]
        if not new:
            break
        for pid in new:
            _signal(pid, signal.SIGSTOP)
        frozen += new
    for pid in frozen:
        _signal(pid, signal.SIGKILL)


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except (ProcessLookupError, PermissionError):
        pass
