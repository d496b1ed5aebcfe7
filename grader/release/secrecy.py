"""What a student release must never hold: the course secret (as a file, or its bytes inside any file).

The hidden tests are left out of a release by construction, and checked (`write_course_tree`); the
secret likewise: it is never copied, and every file of a finished release is searched for it, so a
course that put its secret somewhere the release copies (a pack, a stub, a note) stops the release
instead of publishing the instructor's inputs.
"""

from __future__ import annotations

from pathlib import Path

from grader.course.secret import SECRET_FILE, load_secret
from grader.errors import ConfigError


def refuse_secret(tree: Path, course_path: Path) -> None:
    """Raise when `tree` (a student release about to be published) holds the course secret."""
    secret = load_secret(course_path)
    for path in sorted(tree.rglob("*")):
        if path.name == SECRET_FILE:
            raise ConfigError(
                f"The student release would hold a course secret file ({path.relative_to(tree)}): the instructor"
                f" inputs come from it. Remove {SECRET_FILE} from the folders the release copies, then release again."
            )
        if secret is not None and path.is_file() and secret.key in path.read_bytes():
            raise ConfigError(
                f"The student release would hold the course secret inside {path.relative_to(tree)}: students could"
                " then compute the instructor inputs. Remove it from that file (and make a new secret with"
                " `grade secret init --force` if it was ever shared), then release again."
            )
