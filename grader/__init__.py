"""An auto-graded exercise kit for the chapter "Introduction to Keras and TensorFlow"."""

__version__ = "0.1.0"
