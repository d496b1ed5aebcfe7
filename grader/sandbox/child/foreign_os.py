"""A test double of a system without fork, `resource` and /proc (Windows, and macOS for /proc).

`install()` makes, for the grader's own code (modules named `grader...` and `gradechild...`):
- `os.fork` and `os.forkpty` absent (for every caller, as on Windows);
- `import resource` (and fcntl, pwd, grp, termios) fail;
- opening, listing or stat-ing anything under /proc fail;
- `os.geteuid`, `os.getuid`, `os.killpg` and `os.uname` fail when called.
Other libraries keep what they use (psutil reads /proc on Linux where it uses native calls
on Windows and macOS). The portable isolation level's tests install it in the parent
(tests/conftest.py, GRADER_FOREIGN_OS_DOUBLE=1) and, through the parent's handshake, in each
spawned child before it serves, so that a hidden dependency on those fails the tests.
Standard library only: it lives in the child package, which runs alone.
"""

from __future__ import annotations

import builtins
import io
import os
import sys
from collections.abc import Callable
from typing import Any

ENV_VAR = "GRADER_FOREIGN_OS_DOUBLE"
GUARDED_PREFIXES = ("grader", "gradechild")
# Standard modules that Windows does not have: importing one from the grader's code fails.
POSIX_ONLY_MODULES = frozenset({"resource", "fcntl", "pwd", "grp", "termios"})
# Standard modules that open paths for their caller: the caller beyond them decides.
PASS_THROUGH = frozenset(
    {"pathlib", "io", "os", "genericpath", "posixpath", "shutil", "glob", "tempfile", "codecs", "_pyio", "fnmatch"}
)
_installed = False


class ForeignOSDoubleError(OSError):
    """The grader's code used what a foreign system lacks."""


def _guarded(skip_stdlib: bool) -> bool:
    """Whether the code asking (beyond this module and, if told, stdlib path helpers) is the grader's."""
    frame: Any = sys._getframe(2)
    while frame is not None:
        name = str(frame.f_globals.get("__name__", ""))
        if name == __name__ or (skip_stdlib and name in PASS_THROUGH):
            frame = frame.f_back
            continue
        return name.startswith(GUARDED_PREFIXES)
    return False


def _is_proc(path: Any) -> bool:
    if isinstance(path, int):
        return False
    try:
        text = os.fsdecode(os.fspath(path))
    except TypeError:
        return False
    return text == "/proc" or text.startswith("/proc/")


def _path_guard(function: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(path: Any = ".", *args: Any, **kwargs: Any) -> Any:
        if _is_proc(path) and _guarded(skip_stdlib=True):
            raise ForeignOSDoubleError(2, f"foreign-OS double: there is no /proc on this system ({path})")
        return function(path, *args, **kwargs)

    guarded.__name__ = getattr(function, "__name__", "guarded")
    return guarded


def _call_guard(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if _guarded(skip_stdlib=False):
            raise AttributeError(f"foreign-OS double: module 'os' has no attribute '{name}' on this system")
        return function(*args, **kwargs)

    guarded.__name__ = name
    return guarded


def install() -> None:
    """Take fork, resource, /proc and the POSIX-only calls away from the grader's code (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    for name in ("fork", "forkpty"):
        if hasattr(os, name):
            delattr(os, name)
    original_import = builtins.__import__

    def guarded_import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
        if name in POSIX_ONLY_MODULES and level == 0:
            caller = str((globals or {}).get("__name__", ""))
            if caller.startswith(GUARDED_PREFIXES):
                raise ModuleNotFoundError(f"foreign-OS double: No module named {name!r}", name=name)
        return original_import(name, globals, locals, fromlist, level)

    builtins.__import__ = guarded_import
    opener = _path_guard(builtins.open)
    builtins.open = opener
    io.open = opener
    for name in ("open", "scandir", "listdir", "stat", "lstat", "readlink", "access"):
        setattr(os, name, _path_guard(getattr(os, name)))
    for name in ("geteuid", "getuid", "killpg", "uname"):
        if hasattr(os, name):
            setattr(os, name, _call_guard(name, getattr(os, name)))


def installed() -> bool:
    return _installed
