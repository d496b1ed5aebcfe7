"""The child's view of its processes, from /proc alone (psutil may not be importable inside the sandbox).

Used by the zygote (`zygote`) to sweep what escaped its workers, and by the warm pool (`pool_zygote`)
to kill a submission's leftovers: find processes by parent, freeze them round after round, kill them.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

FREEZE_ROUNDS = 50


def parents() -> dict[int, int]:
    """pid -> parent pid, for every process visible in /proc."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stream:
                parents[int(entry.name)] = int(stream.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return parents


def below(roots: set[int], parents: dict[int, int]) -> set[int]:
    """Every descendant of `roots` (the roots excluded)."""
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    found: set[int] = set()
    frontier = list(roots)
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except (ProcessLookupError, PermissionError):
        pass


def freeze_then_kill(find: Callable[[], set[int]]) -> set[int]:
    """Stop (SIGSTOP) what `find` returns, round after round until it finds nothing new (so a fork bomb cannot
    outrun it), then kill every process stopped; returns them."""
    frozen: set[int] = set()
    for _ in range(FREEZE_ROUNDS):
        targets = find() - frozen
        if not targets:
            break
        for pid in targets:
            _signal(pid, signal.SIGSTOP)
        frozen |= targets
    for pid in frozen:
        _signal(pid, signal.SIGKILL)
    return frozen
