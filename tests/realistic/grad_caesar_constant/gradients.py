# Source: modelled on caesar2025/book-deep_learning_with_python,
#   book-deep_learning_with_python/chapter_3/listing_3_10_to_3_12.py (rewritten for this corpus,
#   not copied): the book's listings 3.10-3.12 with f-string prints of every intermediate value at
#   import.
# Adapted: listing 3.12 wrapped in acceleration(position, time) with a watched constant (listing
#   3.11's technique) in both tapes instead of a Variable.
# Expected: full marks for acceleration.
import tensorflow as tf

# listing 3.11 Using GradientTape with constant tensor inputs
input_const = tf.constant(3.)
with tf.GradientTape() as tape:
    tape.watch(input_const)
    result = tf.square(input_const)
gradient = tape.gradient(result, input_const)
print(f'''
input_const: {input_const}
result: {result}
gradient: {gradient}
''')


# listing 3.12 Using nested gradient tapes to compute second-order gradients
def acceleration(position, time):
    time = tf.constant(time, dtype=tf.float32)
    with tf.GradientTape() as outer_tape:
        outer_tape.watch(time)
        with tf.GradientTape() as inner_tape:
            inner_tape.watch(time)
            p = position(time)
        speed = inner_tape.gradient(p, time)
    acc = outer_tape.gradient(speed, time)
    print(f'''listing 3.12

time: {time}
position: {p}
speed: {speed}
acceleration: {acc}
''')
    return acc
