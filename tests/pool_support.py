"""For the tests of the warm pool: an honest submission that looks for what an earlier one left,
and a killer that ends the pool of a submission that asks for it.

The observer is the reference solutions with a `validation.py` that, at import, looks at the
folders a submission can write to (/tmp, /dev/shm, its home, its own folder), at the processes
and System V IPC objects it can see and at the modules already loaded, and fails its import, naming what it saw, if
anything is there: graded next in the same pool, it scores full marks only if it saw nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
OBSERVED_EXERCISE = "split_validation"
# The process name a submission takes to ask `PoolKiller` to end its pool.
KILL_MARKER = "killmypool"

OBSERVER_PRELUDE = """
import os as _os
import sys as _sys


def _what_was_left():
    seen = []
    here = _os.path.dirname(_os.path.abspath(__file__))
    in_bubblewrap = here == "/submission"
    me = _os.getpid()
    folders = {"/tmp", "/dev/shm", "/var/tmp", _os.environ.get("HOME", "/tmp"), _os.environ.get("TMPDIR", "/tmp")}
    # Mount points (the grader's environment bound read-only below /tmp) and the folders leading to them are
    # the sandbox's own, not a submission's.
    mounts = []
    with open("/proc/self/mountinfo") as mountinfo:
        for line in mountinfo:
            mounts.append(line.split()[4])
    for folder in sorted(folders):
        try:
            entries = list(_os.scandir(folder))
        except OSError:
            continue
        private = in_bubblewrap or folder in (_os.environ.get("HOME"), _os.environ.get("TMPDIR"))
        # Outside bubblewrap /tmp is the host's: only what a sandbox uid left there counts.
        left = [
            e.name
            for e in entries
            if not any(mount == e.path or mount.startswith(e.path + "/") for mount in mounts)
            and (private or 1_900_000_000 <= e.stat(follow_symlinks=False).st_uid < 1_901_000_000)
        ]
        if left:
            seen.append(f"{folder}: {sorted(left)[:6]}")
    extra = set(_os.listdir(here)) - set(MODULE_FILES)
    if extra:
        seen.append(f"{here}: {sorted(extra)[:6]}")
    parents = {}
    for entry in _os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                parents[int(entry)] = int(stat.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    ancestors, pid = [], me
    while pid > 0 and pid not in ancestors:
        ancestors.append(pid)
        pid = parents.get(pid, 0)
    # In bubblewrap's PID namespace every process but our ancestors is a leftover; outside it, every
    # process below the pool (our grandparent: the pool forks the submission's zygote, which forks us).
    if in_bubblewrap:
        suspects = set(parents)
    else:
        suspects, frontier = set(), [ancestors[2]] if len(ancestors) > 2 else []
        while frontier:
            parent = frontier.pop()
            for child, its_parent in parents.items():
                if its_parent == parent and child not in suspects:
                    suspects.add(child)
                    frontier.append(child)
    for pid in sorted(suspects - set(ancestors)):
        seen.append(f"process {pid}")
    for kind in ("shm", "msg", "sem"):
        try:
            with open(f"/proc/sysvipc/{kind}", encoding="ascii") as table:
                header, *rows = (line.split() for line in table)
        except OSError:
            continue
        owner = header.index("uid")
        for row in rows:
            if in_bubblewrap or 1_900_000_000 <= int(row[owner]) < 1_901_000_000:
                seen.append(f"System V {kind} {row[1]} (uid {row[owner]})")
    for name in ("linear_classifier", "simple_dense", "gradients", "sitecustomize", "usercustomize"):
        if name in _sys.modules:
            seen.append(f"module {name} already imported")
    if seen:
        raise RuntimeError("an earlier submission left: " + "; ".join(seen))


_what_was_left()
"""


def observer_submission(folder: Path) -> Path:
    """The observer in `folder`: the reference solutions, its validation.py looking around first."""
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    validation = folder / "validation.py"
    module_files = sorted(path.name for path in SOLUTIONS.glob("*.py"))
    prelude = f"MODULE_FILES = {module_files!r}\n" + OBSERVER_PRELUDE
    validation.write_text(prelude + "\n" + validation.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


KILLER_PRELUDE = f"""
import ctypes as _ctypes
import signal as _signal
import time as _time

# Named so that the PoolKiller finds this process; it ends the pool, or says go on (SIGUSR1).
_go_on = []
_signal.signal(_signal.SIGUSR1, lambda *_: _go_on.append(True))
_ctypes.CDLL(None).prctl(15, b"{KILL_MARKER}", 0, 0, 0)
_deadline = _time.monotonic() + 8
while not _go_on and _time.monotonic() < _deadline:
    _time.sleep(0.05)
_ctypes.CDLL(None).prctl(15, b"python", 0, 0, 0)
"""


def pool_killer_submission(folder: Path) -> Path:
    """The reference solutions, its validation.py asking `PoolKiller` (by its process name) to end its pool."""
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    validation = folder / "validation.py"
    validation.write_text(KILLER_PRELUDE + "\n" + validation.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def _parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat", "rb") as stat:
        return int(stat.read().rsplit(b")", 1)[1].split()[1])


def _name_of(pid: int) -> str:
    with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as comm:
        return comm.read().strip()


class PoolKiller:
    """A thread that kills the outermost bwrap above a process named `KILL_MARKER`, `times` times; after that,
    it tells such a process to go on (SIGUSR1)."""

    def __init__(self, times: int) -> None:
        self.times = times
        self.kills = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> PoolKiller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        handled: set[int] = set()  # a killed pool's marked process may linger a moment: never count it twice
        while not self._stop.wait(0.05):
            for entry in os.listdir("/proc"):
                try:
                    if not entry.isdigit() or int(entry) in handled or _name_of(int(entry)) != KILL_MARKER:
                        continue
                    handled.add(int(entry))
                    if self.kills >= self.times:
                        handled.discard(int(entry))  # told again until it has renamed itself
                        os.kill(int(entry), signal.SIGUSR1)
                        continue
                    pid, outermost = int(entry), None
                    while pid > 1:
                        if _name_of(pid) == "bwrap":
                            outermost = pid
                        pid = _parent_of(pid)
                except (OSError, ValueError):
                    continue
                if outermost is not None:
                    os.kill(outermost, signal.SIGKILL)
                    self.kills += 1
                    break
