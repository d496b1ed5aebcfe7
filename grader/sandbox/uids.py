"""Dedicated uids for sandboxed code when the grader runs as root, and what they leave behind.

The uid is leased per sandbox with an abstract unix socket, so concurrent graders on one
machine never share one; its files left in the host's world-writable folders (rlimits mode)
are removed after the grading.
"""

from __future__ import annotations

import os
import random
import shutil
import socket

# Dedicated uids (and gids) for sandboxed code when the grader runs as root.
UID_BASE = 1_900_000_000
UID_COUNT = 1_000_000
# Folders where code running as a dedicated uid may leave files on the host (rlimits mode).
WORLD_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm")


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
