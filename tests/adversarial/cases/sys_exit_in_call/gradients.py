"""Calls sys.exit(0) inside the graded function."""
import sys

import tensorflow as tf


def acceleration(position, time):
    sys.exit(0)
