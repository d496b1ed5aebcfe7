"""The grader's own probe, answered by a worker that serves no exercise: versions and device."""

from __future__ import annotations

import platform
from typing import Any


def environment(context: Any) -> dict[str, Any]:
    """Python, TensorFlow, Keras and NumPy versions, and the device TensorFlow computes on."""
    import keras
    import numpy as np
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    device = "CPU"
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        device = f"GPU: {details.get('device_name', gpus[0].name)}"
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "device": device,
    }
