# Source: tensorflow/docs site/en/guide/intro_to_modules.ipynb ("Introduction to modules"), adapted:
#   a tf.Module holds the classifier's W and b and the student's functions delegate to it; the
#   contract's functions take W and b from their caller, as they must.
# Expected: full marks for square_loss and training_step.
import tensorflow as tf


class LinearClassifier(tf.Module):
    def __init__(self, input_dim=2, name=None):
        super().__init__(name=name)
        self.W = tf.Variable(tf.random.uniform((input_dim, 1)), name="W")
        self.b = tf.Variable(tf.zeros((1,)), name="b")

    @staticmethod
    def forward(inputs, W, b):
        return inputs @ W + b

    def __call__(self, inputs):
        return self.forward(inputs, self.W, self.b)


classifier = LinearClassifier()


def model(inputs, W, b):
    return LinearClassifier.forward(inputs, W, b)


def square_loss(targets, predictions):
    return tf.reduce_mean((targets - predictions) ** 2)


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        loss = square_loss(targets, model(inputs, W, b))
    for variable, gradient in zip((W, b), tape.gradient(loss, (W, b))):
        variable.assign_sub(learning_rate * gradient)
    return loss
