"""The code that runs inside the sandbox, next to the student's code.

This package is self-contained (standard library, NumPy, TensorFlow and Keras only, relative
imports) because the sandbox mounts it alone, without the rest of the grader, under another
name. Nothing here is trusted by the parent: it only produces plain data that the parent
checks.
"""
