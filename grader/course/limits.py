"""The limits on the student's code: per call (course.toml's [limits]) and per module (one size everywhere)."""

from __future__ import annotations

from dataclasses import dataclass

from grader.course.tables import TableReader
from grader.errors import ConfigError

# The largest module a submission may have: `grade submit` and `grade batch` refuse it at intake, the sandbox
# refuses to copy it (`grade check`), with the same words.
MAX_MODULE_BYTES = 1_000_000


def module_too_big(name: str, size: int) -> str:
    """Why a module of `size` bytes is refused, or "" when it is not."""
    if size > MAX_MODULE_BYTES:
        return f"{name} is {size} bytes, over the {MAX_MODULE_BYTES}-byte limit per module"
    return ""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one call into student code."""

    time_limit_s: float = 60.0
    memory_limit_mb: int = 2048
    output_limit_kb: int = 256


def read_limits(reader: TableReader, default: Limits) -> Limits:
    reader.reject_unknown(["time_limit_s", "memory_limit_mb", "output_limit_kb"])
    limits = Limits(
        time_limit_s=float(reader.get("time_limit_s", (int, float), default.time_limit_s)),
        memory_limit_mb=reader.get("memory_limit_mb", int, default.memory_limit_mb),
        output_limit_kb=reader.get("output_limit_kb", int, default.output_limit_kb),
    )
    for key, value in vars(limits).items():
        if value <= 0:
            raise ConfigError(f"'{reader.where}.{key}' must be positive, received {value!r}.", path=reader.path)
    return limits
