"""A generated class of 40 students, written through the gradebook's own API (no TensorFlow).

Grading 40 submissions for real would take minutes; the class report only reads what the
gradebook holds. So each student's code is assembled from the stubs with one of several
correct (or realistically wrong) ways of writing each exercise, chosen at random, and their
result is the one the real suites give for those ways: every test passes except the ones a
planted mistake fails, with the hint the suite gives for it (copied from the suites).

Planted: a copied pair (s07 copies s22's code with renamed variables and reordered
functions), a Classroom repository whose workflow was edited (s03), late submissions, one
submission that could not be graded, and two stubs left unimplemented.
"""

from __future__ import annotations

import ast
import os
import random
import re
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

from grader.batch.gradebook import ERROR, OK, Gradebook, Row
from grader.class_report.tamper import record_protected
from grader.course.config import Course, load_course
from grader.results import FAILED, PASSED, ExerciseResult, GradeResult, TestResult

ROOT = Path(__file__).resolve().parents[1]
DEADLINE = "2026-11-20T23:59:00Z"
COPIER, ORIGINAL, TAMPERER = "s07", "s22", "s03"
REPOSITORIES = ("s01", "s02", "s03", "s04", "s05", "s06")  # Classroom repositories; the rest handed in zips

# (variant body, the mistake's failed tests and hint, or None when correct)
Variant = tuple[str, tuple[tuple[str, ...], str] | None]
SQUARE_LOSS: list[Variant] = [
    ("return tf.reduce_mean(tf.square(targets - predictions))", None),
    ("difference = predictions - targets\nreturn tf.reduce_mean(difference * difference)", None),
    (
        "errors = tf.math.squared_difference(targets, predictions)\nmean_error = tf.math.reduce_mean(errors)\nreturn mean_error",
        None,
    ),
    ("count = tf.cast(tf.size(targets), tf.float32)\nreturn tf.reduce_sum((targets - predictions) ** 2) / count", None),
    ("import keras\nreturn keras.ops.mean(keras.ops.square(keras.ops.subtract(targets, predictions)))", None),
    (
        "return tf.reduce_sum(tf.square(targets - predictions))",
        (
            (
                "matches_reference_column",
                "matches_reference_vector",
                "matches_reference_matrix",
                "gradient_matches_reference",
                "matches_reference_on_hidden_inputs",
            ),
            "You summed the squared differences: take their mean (tf.reduce_mean), not tf.reduce_sum.",
        ),
    ),
]
TRAINING_STEP: list[Variant] = [
    (
        "with tf.GradientTape() as tape:\n    predictions = model(inputs, W, b)\n    loss = square_loss(targets, predictions)\n"
        "grad_W, grad_b = tape.gradient(loss, [W, b])\nW.assign_sub(learning_rate * grad_W)\nb.assign_sub(learning_rate * grad_b)\nreturn loss",
        None,
    ),
    (
        "with tf.GradientTape() as g:\n    current = square_loss(targets, model(inputs, W, b))\nfor variable, gradient in zip([W, b], g.gradient(current, [W, b])):\n"
        "    variable.assign_sub(gradient * learning_rate)\nreturn current",
        None,
    ),
    (
        "params = [W, b]\nwith tf.GradientTape(persistent=False) as tape:\n    tape.watch(params)\n    value = square_loss(targets, model(inputs, *params))\n"
        "grads = tape.gradient(value, params)\nparams[0].assign(params[0] - learning_rate * grads[0])\nparams[1].assign(params[1] - learning_rate * grads[1])\nreturn value",
        None,
    ),
    (
        "with tf.GradientTape() as tape:\n    loss = square_loss(targets, model(inputs, W, b))\ndW, db = tape.gradient(loss, [W, b])\n"
        "W.assign_add(learning_rate * dW)\nb.assign_add(learning_rate * db)\nreturn loss",
        (
            ("one_step_matches_gradient_descent", "converges_on_point_clouds", "converges_from_hidden_seeds"),
            "The update goes the wrong way (a sign error): gradient descent subtracts learning_rate * gradient, with assign_sub.",
        ),
    ),
]
BUILD: list[Variant] = [
    (
        'input_dim = input_shape[-1]\nself.W = self.add_weight(shape=(input_dim, self.units), initializer="random_normal")\n'
        'self.b = self.add_weight(shape=(self.units,), initializer="zeros")',
        None,
    ),
    (
        'self.W = self.add_weight(name="kernel", shape=(int(input_shape[-1]), self.units), initializer="random_normal", trainable=True)\n'
        'self.b = self.add_weight(name="bias", shape=(self.units,), initializer="zeros", trainable=True)',
        None,
    ),
    (
        "*_, features = input_shape\nshape_w = (features, self.units)\nself.W = self.add_weight(shape=shape_w, initializer=keras.initializers.RandomNormal(stddev=0.05))\n"
        "self.b = self.add_weight(shape=(self.units,), initializer=keras.initializers.Zeros())",
        None,
    ),
]
CALL: list[Variant] = [
    (
        "outputs = tf.matmul(inputs, self.W) + self.b\nif self.activation is not None:\n    outputs = self.activation(outputs)\nreturn outputs",
        None,
    ),
    ("y = inputs @ self.W + self.b\nreturn y if self.activation is None else self.activation(y)", None),
    (
        "z = keras.ops.add(keras.ops.matmul(inputs, self.W), self.b)\nif self.activation:\n    z = self.activation(z)\nreturn z",
        None,
    ),
    (
        "return tf.matmul(inputs, self.W) + self.b",
        (
            ("activation_applied_when_given",),
            "The activation is not applied: return self.activation(inputs @ W + b) when an activation is given.",
        ),
    ),
]
ACCELERATION: list[Variant] = [
    (
        "t = tf.constant(time, dtype=tf.float32)\nwith tf.GradientTape() as outer:\n    outer.watch(t)\n    with tf.GradientTape() as inner:\n"
        "        inner.watch(t)\n        x = position(t)\n    v = inner.gradient(x, t)\nreturn outer.gradient(v, t)",
        None,
    ),
    (
        "t = tf.Variable(float(time))\nwith tf.GradientTape() as tape2:\n    with tf.GradientTape() as tape1:\n        p = position(t)\n"
        "    speed = tape1.gradient(p, t)\naccel = tape2.gradient(speed, t)\nreturn tf.convert_to_tensor(accel)",
        None,
    ),
    (
        "t = tf.convert_to_tensor(time, tf.float32)\nwith tf.GradientTape() as tape:\n    tape.watch(t)\n    pos = position(t)\nfirst = tape.gradient(pos, t)\nreturn first",
        (
            ("matches_second_derivative_of_polynomials", "matches_second_derivative_of_compositions"),
            "That is the first derivative (the speed): nest a second GradientTape around the first and differentiate the speed again.",
        ),
    ),
]
SPLIT: list[Variant] = [
    (
        "rng = np.random.default_rng(seed)\norder = rng.permutation(len(inputs))\nk = int(validation_fraction * len(inputs))\n"
        "val, train = order[:k], order[k:]\nreturn (inputs[train], targets[train]), (inputs[val], targets[val])",
        None,
    ),
    (
        "generator = np.random.default_rng(seed)\nshuffled = generator.permutation(inputs.shape[0])\nx, y = inputs[shuffled], targets[shuffled]\n"
        "n_val = int(validation_fraction * len(x))\nreturn (x[n_val:], y[n_val:]), (x[:n_val], y[:n_val])",
        None,
    ),
    (
        "indices = np.random.default_rng(seed).permutation(len(targets))\ncut = int(len(inputs) * validation_fraction)\nholdout = indices[:cut]\nkeep = indices[cut:]\n"
        "train_part = (inputs[keep], targets[keep])\nvalidation_part = (inputs[holdout], targets[holdout])\nreturn train_part, validation_part",
        None,
    ),
    (
        "rng = np.random.default_rng(seed)\nn = len(inputs)\nxs = inputs[rng.permutation(n)]\nys = targets[rng.permutation(n)]\nk = int(validation_fraction * n)\n"
        "return (xs[k:], ys[k:]), (xs[:k], ys[:k])",
        (
            ("parts_are_disjoint_and_complete",),
            "Inputs and targets were shuffled differently: draw one permutation and use it for both, inputs[p] and targets[p].",
        ),
    ),
]
# (module, exercise, variants) in the order of the stubs' `raise NotImplementedError` lines
SLOTS = [("linear_classifier", "square_loss", SQUARE_LOSS), ("linear_classifier", "training_step", TRAINING_STEP),
         ("simple_dense", "simple_dense", BUILD), ("simple_dense", "simple_dense", CALL),
         ("gradients", "acceleration", ACCELERATION), ("validation", "split_validation", SPLIT)]  # fmt: skip


@dataclass(frozen=True)
class GeneratedClass:
    """Where the generated class lives, and what was planted in it."""

    course_path: Path
    stubs: Path
    gradebook: Path
    release: Path
    students: tuple[str, ...]


def fill_stubs(choices: list[int]) -> dict[str, str]:
    """The four modules: each `raise NotImplementedError(...)` of the stubs replaced by the chosen variant."""
    modules = {}
    slot = 0
    for module in ("linear_classifier", "simple_dense", "gradients", "validation"):
        lines = []
        for line in (ROOT / "exercises" / f"{module}.py").read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("raise NotImplementedError"):
                indent = line[: len(line) - len(line.lstrip())]
                body = SLOTS[slot][2][choices[slot]][0] if choices[slot] >= 0 else line.strip()
                lines.append(textwrap.indent(body, indent))
                slot += 1
            else:
                lines.append(line)
        modules[f"{module}.py"] = "\n".join(lines) + "\n"
    return modules


def disguise(modules: dict[str, str]) -> dict[str, str]:
    """A copy as students hide one: every local variable renamed, functions in another order."""
    disguised = {}
    for name, code in modules.items():
        stored = {
            node.id
            for node in ast.walk(ast.parse(code))
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
        }
        for variable in sorted(stored, key=len, reverse=True):
            code = re.sub(rf"(?<![.\w]){re.escape(variable)}\b", f"my_{variable}", code)
        if name == "linear_classifier.py":
            head, *functions = code.split("\ndef ")
            code = head + "".join("\ndef " + function.rstrip("\n") + "\n\n" for function in reversed(functions))
        disguised[name] = code
    return disguised


def result_for(course: Course, choices: list[int]) -> GradeResult:
    """What the real suites give for these choices: the chosen mistakes fail their tests with their hints."""
    failing: dict[tuple[str, str], str] = {}
    for (_module, exercise, variants), choice in zip(SLOTS, choices):
        if choice < 0:
            for test in course.exercise(exercise).tests:
                failing[(exercise, test.name)] = ""
            continue
        mistake = variants[choice][1]
        for test in mistake[0] if mistake else ():
            failing[(exercise, test)] = mistake[1]  # type: ignore[index]
    exercises = []
    for exercise in course.exercises:
        tests = []
        for test in exercise.tests:
            key = (exercise.id, test.name)
            if key in failing:
                message = (
                    "not implemented yet"
                    if not failing[key]
                    else f"{exercise.id}: the values differ from the reference"
                )
                tests.append(
                    TestResult(
                        test.name,
                        FAILED,
                        0,
                        test.points,
                        message=message,
                        hint=failing[key],
                        hidden=test.hidden,
                        not_implemented=not failing[key],
                    )
                )
            else:
                tests.append(TestResult(test.name, PASSED, test.points, test.points, hidden=test.hidden))
        exercises.append(ExerciseResult(exercise.id, exercise.title, tuple(tests)))
    return GradeResult(course_id=course.id, course_version=course.version, exercises=tuple(exercises),
                       environment={"python": "3.11", "tensorflow": "2.21", "device": "CPU"}, isolation="bubblewrap")  # fmt: skip


def _git(folder: Path, *arguments: str, when: str) -> None:
    environment = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "student",
                   "GIT_AUTHOR_EMAIL": "student@example.com", "GIT_COMMITTER_NAME": "student", "GIT_COMMITTER_EMAIL": "student@example.com"}  # fmt: skip
    subprocess.run(["git", "-C", str(folder), *arguments], check=True, capture_output=True, env=environment)


def make_release(folder: Path, course_path: Path) -> Path:
    """A release's protected files (workflow, grader/, course.toml, .grader/) and their recorded hashes."""
    from grader.release.workflow import render_workflow

    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "grader", folder / "grader", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(course_path, folder / "course.toml")
    (folder / ".grader").mkdir()
    (folder / ".grader" / "expected.json").write_text('{"expected": {}}\n', encoding="utf-8")
    (folder / ".github" / "workflows").mkdir(parents=True)
    (folder / ".github" / "workflows" / "classroom.yml").write_text(
        render_workflow(load_course(course_path), ()), encoding="utf-8"
    )
    record_protected(folder)
    return folder


def make_class(folder: Path, *, size: int = 40, seed: int = 13) -> GeneratedClass:
    """Write the course (with a deadline and a late policy), a release, Classroom repositories and the gradebook."""
    folder.mkdir(parents=True, exist_ok=True)
    course_path = folder / "course.toml"
    text = (ROOT / "course.toml").read_text(encoding="utf-8")
    text = text.replace(
        'title = "Introduction to Keras and TensorFlow"\n',
        f'title = "Introduction to Keras and TensorFlow"\ndeadline = {DEADLINE}\n',
        1,
    )
    course_path.write_text(text + "\n[late]\npercent_per_day = 10\nzero_after_days = 3\n", encoding="utf-8")
    shutil.copytree(ROOT / "exercises", folder / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    course = load_course(course_path)
    release = make_release(folder / "release", course_path)
    rng = random.Random(seed)
    students = tuple(f"s{number:02d}" for number in range(1, size + 1))
    seen: set[tuple[int, ...]] = set()
    code: dict[str, dict[str, str]] = {}
    choices_of: dict[str, list[int]] = {}
    for student in students:
        while True:  # honest students choose independently; no two write all six parts the same way
            choices = [rng.randrange(len(variants)) if rng.random() < 0.85 else 0 for _, _, variants in SLOTS]
            if tuple(choices) not in seen:
                break
        if student in ("s38", "s39"):
            choices[4] = -1  # acceleration left as the stub
        seen.add(tuple(choices))
        choices_of[student] = choices
        code[student] = fill_stubs(choices)
    code[COPIER], choices_of[COPIER] = disguise(code[ORIGINAL]), choices_of[ORIGINAL]
    with Gradebook(folder / "class.sqlite", course_id=course.id) as gradebook:
        for index, student in enumerate(students):
            day = 18 + index % 3 if index % 9 else 21 + index % 4  # a few late ones, 1 to 4 days
            when = f"2026-11-{day:02d}T{10 + index % 12:02d}:15:00Z"
            source, submitted_at = str(folder / "zips" / f"{student}.submission.zip"), when
            if student in REPOSITORIES:
                repository = folder / "classroom" / student
                shutil.copytree(release, repository, ignore=shutil.ignore_patterns("protected.json"))
                (repository / "exercises").mkdir()
                for name, module in code[student].items():
                    (repository / "exercises" / name).write_text(module, encoding="utf-8")
                if student == TAMPERER:
                    workflow = repository / ".github" / "workflows" / "classroom.yml"
                    workflow.write_text(
                        workflow.read_text(encoding="utf-8").replace("grade check", "echo 100 || grade check"),
                        encoding="utf-8",
                    )
                _git(repository, "init", "-q", when=when)
                _git(repository, "add", "-A", when=when)
                _git(repository, "commit", "-q", "-m", "my solutions", when=when)
                source, submitted_at = str(repository), None
            sha = f"{index:064x}"
            if student == "s40":
                gradebook.record(Row(student=student, source=source, sha256=sha, submitted_at=submitted_at, graded_at=when, status=ERROR,
                                     error="unsafe or unreadable archive: the zip holds a path outside its folder (../evil.py)"))  # fmt: skip
                continue
            result = result_for(course, choices_of[student])
            gradebook.record(Row(student=student, source=source, sha256=sha, submitted_at=submitted_at, graded_at=when, status=OK,
                                 score=result.score, max_score=result.max_score, result=result.to_dict(), duration_s=3.2))  # fmt: skip
            gradebook.record_modules(student, sha, code[student])
    return GeneratedClass(
        course_path=course_path,
        stubs=folder / "exercises",
        gradebook=folder / "class.sqlite",
        release=release,
        students=students,
    )
