"""Loops forever in the graded call."""
import tensorflow as tf


def acceleration(position, time):
    while True:
        pass
