"""The protocol between the parent and the sandbox, the one definition both sides use.

- Probe messages (parent <-> worker, a stream socket): length-prefixed JSON. Arrays travel
  as base64 `.npy` bytes and are read back with `allow_pickle=False`; only numeric and
  boolean dtypes are accepted. Nothing is ever unpickled.
- Control messages (parent <-> zygote, a SOCK_SEQPACKET socket): one JSON object per
  packet, an `Op` from the parent, an `Event` back.
- The worker's own exit statuses (`WorkerExit`) for the failures of the harness itself.
- The kinds of what a worker describes: an exception (`ErrorKind`), a value (`ValueKind`).

This module lives in the child package, which the sandbox mounts alone: the parent imports
it from here, so both sides always agree.
"""

from __future__ import annotations

import base64
import enum
import io
import json
import socket
import struct
from collections.abc import Callable
from typing import Any

import numpy as np

HEADER = struct.Struct("!Q")
# The largest message either side accepts; a child that sends more is cut off.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
ARRAY_KEY = "__ndarray__"
ACCEPTED_KINDS = "biuf"
# The largest control packet (parent <-> zygote).
CONTROL_LIMIT = 65536
# A probe request's reserved argument: grade with correct stand-ins for the student's collaborators (the
# worker takes it out of the arguments before the probe runs), and the answer's key for what they found.
STAND_INS_ARG = "__stand_ins__"
STAND_IN_FINDINGS = "__stand_in_findings__"


class Op(enum.StrEnum):
    """What the parent asks the zygote."""

    SPAWN = "spawn"  # fork a worker for one exercise
    FINISH = "finish"  # kill a worker and whatever escaped from it, reap it
    OPEN = "open"  # (warm pool) fork a submission's zygote, its modules' descriptors attached
    WIPE = "wipe"  # (warm pool) kill every process but the pool's, empty its writable folders
    RELEASE = "release"  # (portable) end the exercise a spawned interpreter serves, to serve the next one


class Event(enum.StrEnum):
    """What the zygote and the workers tell the parent."""

    READY = "ready"  # the zygote imported TensorFlow and waits for requests
    SPAWNED = "spawned"  # a worker was forked; its socket and output pipe come attached
    FINISHED = "finished"  # a worker was killed and reaped; its exit status comes along
    HELLO = "hello"  # a worker imported (or failed to import) the student's module
    OPENED = "opened"  # (warm pool) a submission's zygote was forked; its control socket comes attached
    WIPED = "wiped"  # (warm pool) the leftovers were killed and removed; what could not be removed comes along
    RELEASED = "released"  # (portable) the exercise ended; whether the interpreter can serve another comes along


class WorkerExit(enum.IntEnum):
    """A worker's exit status when the harness, not the student's code, failed."""

    # The harness broke: the student's code patched builtins or libraries it relies on.
    HARNESS_BROKEN = 70
    # The worker could not set its limits or drop its privileges: no student code ran.
    SETUP_FAILED = 71


class ErrorKind(enum.StrEnum):
    """What kind of exception a worker describes (its "kind"), decided in the child in this order."""

    IMPORT_TIMEOUT = "import_timeout"  # the student's module did not finish importing within the limit
    CONTRACT = "contract"  # a StudentError: raised for the student on purpose (the function cannot take the contract's arguments, ...)
    NOT_IMPLEMENTED = "not_implemented"  # the stub still raises NotImplementedError
    SYSTEM_EXIT = "system_exit"  # the student's code called sys.exit
    MEMORY = "memory"  # MemoryError, or TensorFlow's out-of-memory errors
    PROBE = "probe"  # the pack's probe raised after the student's code returned (no frame of the student's)
    NONE_VALUE = "none_value"  # the student's code raised on a None (its message names None: a gradient of an unwatched tape, most often)
    RAISED = "raised"  # any other exception of the student's code


class ValueKind(enum.StrEnum):
    """What kind of value `gradechild.api.describe` found (its "kind"); the suites compare with these."""

    NONE = "none"
    VARIABLE = "variable"
    TENSOR = "tensor"
    NDARRAY = "ndarray"
    SCALAR = "scalar"
    OTHER = "other"


# The kinds that hold a TensorFlow tensor (a variable is one too).
TENSOR_KINDS = frozenset({ValueKind.TENSOR, ValueKind.VARIABLE})


class WireError(Exception):
    """The other side sent something that is not a valid message."""


def json_default(value: Any) -> Any:
    """JSON's `default` hook: arrays and NumPy scalars as base64 `.npy`."""
    if isinstance(value, np.ndarray):
        buffer = io.BytesIO()
        np.save(buffer, np.require(value, requirements="C"), allow_pickle=False)
        return {ARRAY_KEY: base64.b64encode(buffer.getvalue()).decode("ascii")}
    if isinstance(value, np.generic):
        return json_default(np.asarray(value))
    raise TypeError(f"cannot send {type(value).__name__}")


def _object_hook(mapping: dict[str, Any]) -> Any:
    if ARRAY_KEY in mapping:
        if len(mapping) != 1 or not isinstance(mapping[ARRAY_KEY], str):
            raise WireError("malformed array")
        try:
            raw = base64.b64decode(mapping[ARRAY_KEY], validate=True)
            array = np.load(io.BytesIO(raw), allow_pickle=False)
        except Exception as error:  # np.load raises many kinds on bad bytes.
            raise WireError(f"malformed array: {error}") from error
        if not isinstance(array, np.ndarray) or array.dtype.kind not in ACCEPTED_KINDS:
            raise WireError(f"array of unaccepted dtype {getattr(array, 'dtype', None)}")
        return array
    return mapping


def dumps(message: Any) -> bytes:
    """A message's body, without its length prefix (also the form of a stored file)."""
    return json.dumps(message, default=json_default, allow_nan=True).encode("utf-8")


def encode(message: Any) -> bytes:
    """A message as it travels: its length, then its body."""
    body = dumps(message)
    return HEADER.pack(len(body)) + body


def decode(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"), object_hook=_object_hook)
    except WireError:
        raise
    except (ValueError, RecursionError) as error:
        raise WireError(f"not valid JSON: {error}") from error


def send(sock: socket.socket, message: Any) -> None:
    sock.sendall(encode(message))


# Reads exactly `size` bytes; None at the end of the stream. `at_start` is True for a
# message's first bytes (where the end of the stream is a clean end, not a cut message).
ReadExactly = Callable[[int, bool], "bytes | None"]


def read_message(read_exactly: ReadExactly, limit: int = MAX_MESSAGE_BYTES) -> Any:
    """One length-prefixed message through `read_exactly`, or `None` at the end of the stream.

    The framing of both sides: the child reads with `receive`, the parent with its own
    deadline-aware `read_exactly`. Raises `WireError` on a bad message.
    """
    header = read_exactly(HEADER.size, True)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > limit:
        raise WireError(f"message of {size} bytes is over the limit of {limit} bytes")
    body = read_exactly(size, False)
    if body is None:
        raise WireError("the message was cut off")
    return decode(body)


def _receive_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks = []
    remaining = size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def receive(sock: socket.socket, limit: int = MAX_MESSAGE_BYTES) -> Any:
    """One message, or `None` at end of stream. Raises `WireError` on a bad message."""
    return read_message(lambda size, at_start: _receive_exactly(sock, size), limit)
