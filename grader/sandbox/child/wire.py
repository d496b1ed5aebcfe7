"""The message format between the parent and the sandbox: length-prefixed JSON.

Arrays travel as base64 `.npy` bytes and are read back with `allow_pickle=False`; only
numeric and boolean dtypes are accepted. Nothing is ever unpickled.
"""

from __future__ import annotations

import base64
import io
import json
import socket
import struct
from typing import Any

import numpy as np

HEADER = struct.Struct("!Q")
# The largest message either side accepts; a child that sends more is cut off.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
ARRAY_KEY = "__ndarray__"
ACCEPTED_KINDS = "biuf"


class WireError(Exception):
    """The other side sent something that is not a valid message."""


def encode_value(value: Any) -> Any:
    """JSON's `default` hook: arrays and NumPy scalars as base64 `.npy`."""
    return _default(value)


def _default(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        buffer = io.BytesIO()
        np.save(buffer, np.require(value, requirements="C"), allow_pickle=False)
        return {ARRAY_KEY: base64.b64encode(buffer.getvalue()).decode("ascii")}
    if isinstance(value, np.generic):
        return _default(np.asarray(value))
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


def encode(message: Any) -> bytes:
    body = json.dumps(message, default=_default, allow_nan=True).encode("utf-8")
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
    header = _receive_exactly(sock, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > limit:
        raise WireError(f"message of {size} bytes is over the limit of {limit} bytes")
    body = _receive_exactly(sock, size)
    if body is None:
        raise WireError("the message was cut off")
    return decode(body)
