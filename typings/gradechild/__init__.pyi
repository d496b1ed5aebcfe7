# The sandbox child package, as a pack's probes.py imports it inside the sandbox (grader/sandbox/child).
