"""Tests for grader/sandbox/child/reuse.py and the reuse in portable.py: one interpreter per submission, unless changed.

Runs in a subprocess with the foreign-OS double installed, under GRADER_ISOLATION=portable, as
tests/sandbox/test_portable.py does.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.sandbox.test_portable import PORTABLE, run_python

PROBES = '''\
import os

import keras


def state(context):
    """The interpreter, the module object and its counter, and Keras' float type, as plain data."""
    return {
        "pid": os.getpid(),
        "calls": context.module.bump() if hasattr(context.module, "bump") else 0,
        "floatx": keras.config.floatx(),
    }


PROBES = {"state": state}
'''

COUNTER = "CALLS = []\n\n\ndef bump():\n    CALLS.append(1)\n    return len(CALLS)\n"

# Modules that change the interpreter for whatever runs after them: each must cost a fresh interpreter.
CHANGES = {
    "floatx": "import keras\n\nkeras.config.set_floatx('float64')\n",
    "thread": "import threading\nimport time\n\nthreading.Thread(target=time.sleep, args=(600,), daemon=True).start()\n",
    "patch": "import tensorflow as tf\n\ntf.reduce_mean = lambda *args, **kwargs: 0.0\n",
    "method": "import keras\n\nkeras.layers.Dense.call = lambda self, inputs: inputs\n",
    "child": "import subprocess\nimport sys\n\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n",
}


def test_one_interpreter_serves_the_exercises_until_one_changes_it(tmp_path: Path) -> None:
    """Exercises share one interpreter, each importing the module afresh; after a module that changes a setting,
    leaves a thread or a process, or replaces a function or a method, the next exercise gets a fresh one."""
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "counter.py").write_text(COUNTER, encoding="utf-8")
    for name, text in CHANGES.items():
        (submission / f"{name}.py").write_text(text, encoding="utf-8")
    probes = tmp_path / "probes.py"
    probes.write_text(PROBES, encoding="utf-8")
    modules = ["counter", *CHANGES]
    completed = run_python(
        f"""
        import json
        from pathlib import Path
        from grader.course.limits import Limits
        from grader.sandbox.portable import PortableSandbox
        probes = {{"state": Path({str(probes)!r})}}
        seen = []
        with PortableSandbox(Path({str(submission)!r}), {modules!r}, Limits(), probes=probes) as sandbox:
            previous = sandbox.spawn("state", "counter", seed=0)
            seen.append(["counter", previous.call("state", 60.0, "state"), previous.call("state", 60.0, "state")])
            for name in {list(CHANGES)!r}:
                changer = sandbox.spawn("state", name, seed=0)
                seen.append([name, changer.call("state", 60.0, "state"), previous.alive])
                previous = sandbox.spawn("state", "counter", seed=0)
                seen.append(["counter", previous.call("state", 60.0, "state"), changer.alive])
        print(json.dumps(seen))
        """,
        PORTABLE,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    seen = json.loads(completed.stdout.strip().splitlines()[-1])
    (_, once, twice), rest = seen[0], seen[1:]
    assert (once["calls"], twice["calls"]) == (1, 2) and once["pid"] == twice["pid"]
    previous_pid = once["pid"]
    for (name, changed, previous_alive), (_, counter, changer_alive) in zip(rest[::2], rest[1::2], strict=True):
        # The changing module ran in the previous exercise's interpreter, given back clean...
        assert changed["pid"] == previous_pid, name
        assert not previous_alive and not changer_alive, name
        # ...and the next exercise runs in a fresh one, with the module imported afresh and Keras as it was.
        assert counter["pid"] != changed["pid"], name
        assert counter["calls"] == 1 and counter["floatx"] == "float32", (name, counter)
        previous_pid = counter["pid"]
    assert [name for name, *_ in rest[::2]] == list(CHANGES)
