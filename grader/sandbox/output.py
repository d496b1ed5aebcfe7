"""What sandboxed processes print: read without letting it stall or flood the parent, shown as a short tail."""

from __future__ import annotations

import threading
from typing import Any

OUTPUT_TAIL_BYTES = 4096
# What the zygote itself may print (TensorFlow's start-up lines) before the parent stops
# reading it; a worker's own output goes through its own pipe.
ZYGOTE_OUTPUT_CAP_BYTES = 1024 * 1024


def tail_text(data: bytes, limit: int) -> str:
    """The end of what a process printed, for a message."""
    text = data.decode("utf-8", errors="replace").strip()
    return ("…" + text[-limit:]) if len(text) > limit else (text or "(nothing)")


class OutputDrain(threading.Thread):
    """Reads what the zygote prints, keeping a short tail; stops reading past a cap (the writer then blocks)."""

    def __init__(self, stream: Any) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.total = 0
        self.tail = b""

    def run(self) -> None:
        while self.total < ZYGOTE_OUTPUT_CAP_BYTES:
            try:
                chunk = self.stream.read1(65536)
            except (OSError, ValueError):
                return
            if not chunk:
                return
            self.total += len(chunk)
            self.tail = (self.tail + chunk)[-OUTPUT_TAIL_BYTES:]
