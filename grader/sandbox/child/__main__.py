"""`python -m gradechild FD [pool ns|tree FOLDER...]`: import TensorFlow once, then serve as a zygote.

`FD` is the child's end of the control socket. Alone, the process is one submission's zygote
(`zygote.serve`); with `pool`, it is the warm pool (`pool_zygote.pool_main`) that forks one zygote
per submission. No TensorFlow op runs here before a fork, so every worker starts with a clean runtime.
"""

from __future__ import annotations

import os
import socket
import sys

from .zygote import become_subreaper, serve


def main() -> None:
    """`gradechild FD`: one submission's zygote. `gradechild FD pool ns|tree FOLDER...`: a warm pool
    (`pool`) whose writable folders are FOLDER..., killing its whole PID namespace (ns) or its tree."""
    control = socket.socket(fileno=int(sys.argv[1]))
    # Warm imports: the expensive part, done once for all workers. No op runs here.
    import keras  # noqa: F401
    import numpy  # noqa: F401
    import tensorflow  # noqa: F401

    from . import api  # noqa: F401 - what every pack's probes import

    if sys.argv[2:3] == ["pool"]:
        from .pool_zygote import pool_main

        become_subreaper()
        pool_main(control, sys.argv[4:], whole_namespace=sys.argv[3] == "ns")
    serve(control)
    os._exit(0)


if __name__ == "__main__":
    main()
