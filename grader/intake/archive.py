"""Submission archives: written deterministically by `grade submit`, read defensively by `grade batch`.

Writing: members in sorted order, a fixed timestamp (1980-01-01, the earliest ZIP date), fixed
permissions (0644, Unix), fixed compression (deflate, level 9): the same files give the same
bytes. Reading: a submission zip is hostile until proven otherwise. `read_archive` refuses
(`UnsafeArchive`) paths with `..` or absolute paths, symlinks, devices, FIFOs, encrypted members,
undecodable names, duplicates, too many members, and zip bombs (total size and compression
ratio caps, enforced on the bytes actually inflated, not only on the sizes the archive
declares). Nothing is written to disk here: the caller writes only the modules it needs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.errors import SubmissionError

# Caps on what a submission archive may hold.
MAX_ARCHIVE_BYTES = 16_000_000
MAX_MEMBERS = 64
MAX_TOTAL_BYTES = 8_000_000
# Inflated / compressed size, checked for members larger than RATIO_CHECK_FROM_BYTES (source
# code compresses 3 to 10 times; a bomb, hundreds to millions of times).
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM_BYTES = 64 * 1024
MAX_MANIFEST_BYTES = 64 * 1024

# `grade submit` names its archives <student>.submission.zip; `grade batch` cross-checks the name.
ARCHIVE_SUFFIX = ".submission.zip"
MANIFEST_NAME = "manifest.json"
RESULT_NAME = "result.json"
MANIFEST_FORMAT = "keras-intro-grader/submission"
MANIFEST_VERSION = 1

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_MODE = stat.S_IFREG | 0o644
EXECUTABLE_MODE = stat.S_IFREG | 0o755
ZIP_UNIX = 3
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
TIME_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class UnsafeArchive(SubmissionError):
    """A submission archive that cannot be read safely; the batch records it as an error row."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_student_id(student: str, where: str) -> str:
    """`student` if it is a safe identifier (it names files in exports), else `SubmissionError`."""
    if not STUDENT_ID.match(student):
        raise SubmissionError(
            f"invalid student id {student!r} ({where}): use 1 to 100 letters, digits and . _ @ + -,"
            " starting with a letter or digit"
        )
    return student


def write_deterministic_zip(
    path: Path, files: dict[str, bytes], *, executable: frozenset[str] = frozenset(), sort: bool = True
) -> None:
    """Write `files` (name -> bytes) to `path` atomically; identical inputs give identical bytes.

    The one zip writer of the kit (submissions, the Gradescope autograder): members sorted by
    name (or in the order of `files` when `sort` is False), a fixed time, fixed permissions
    (0755 for the names in `executable`, else 0644).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream, zipfile.ZipFile(stream, "w") as archive:
            for name in sorted(files) if sort else list(files):
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = ZIP_UNIX
                info.external_attr = (EXECUTABLE_MODE if name in executable else ZIP_MODE) << 16
                archive.writestr(info, files[name], compresslevel=9)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _check_name(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if not name or any(ord(character) < 32 or ord(character) == 127 for character in name) or "\\" in name:
        raise UnsafeArchive(
            f"member name {name!r} holds control characters or backslashes; re-create the archive with `grade submit`"
        )
    if not info.flag_bits & 0x800 and not name.isascii():
        raise UnsafeArchive(
            f"member name {name!r} is not marked UTF-8 and cannot be decoded reliably; use ASCII file names"
        )
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise UnsafeArchive(f"member {name!r} has an absolute path; a submission holds relative paths only")
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        raise UnsafeArchive(f"member {name!r} climbs out of the archive with '..'; refused")
    if any(part in ("", ".") for part in parts):
        raise UnsafeArchive(f"member {name!r} has an empty or '.' path component; refused")


def _check_kind(info: zipfile.ZipInfo) -> None:
    mode = info.external_attr >> 16
    if info.create_system != ZIP_UNIX or mode == 0:
        return
    if stat.S_IFMT(mode) == 0:
        return  # Permission bits only, as many zip tools write for regular files.
    if stat.S_ISLNK(mode):
        raise UnsafeArchive(f"member {info.filename!r} is a symbolic link; a submission holds regular files only")
    if stat.S_ISDIR(mode) and info.is_dir():
        return
    if not stat.S_ISREG(mode) or info.is_dir():
        raise UnsafeArchive(f"member {info.filename!r} is not a regular file (mode {oct(mode)}); refused")


def _check_members(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise UnsafeArchive(f"the archive holds {len(infos)} members, more than the {MAX_MEMBERS} allowed")
    seen: set[str] = set()
    declared = 0
    for info in infos:
        _check_name(info)
        _check_kind(info)
        if info.filename in seen:
            raise UnsafeArchive(f"member {info.filename!r} appears twice in the archive")
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise UnsafeArchive(f"member {info.filename!r} is encrypted; submit it unencrypted")
        declared += info.file_size
        if declared > MAX_TOTAL_BYTES:
            raise UnsafeArchive(f"the archive inflates to more than {MAX_TOTAL_BYTES} bytes (a zip bomb?); refused")
        _check_ratio(info.filename, info.file_size, info.compress_size)


def _check_ratio(name: str, inflated: int, compressed: int) -> None:
    if inflated > RATIO_CHECK_FROM_BYTES and inflated > MAX_COMPRESSION_RATIO * max(compressed, 1):
        raise UnsafeArchive(
            f"member {name!r} inflates {inflated} bytes from {compressed}, a ratio over"
            f" {MAX_COMPRESSION_RATIO} (a zip bomb?); refused"
        )


def read_archive(path: Path) -> dict[str, bytes]:
    """Every regular file of the zip at `path`, name -> bytes, after all safety checks."""
    size = path.stat().st_size
    if size > MAX_ARCHIVE_BYTES:
        raise UnsafeArchive(f"{path.name} is {size} bytes, more than the {MAX_ARCHIVE_BYTES} allowed for a submission")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_members(infos)
            members: dict[str, bytes] = {}
            total = 0
            for info in infos:
                if info.is_dir():
                    continue
                data = _inflate(archive, info, MAX_TOTAL_BYTES - total)
                total += len(data)
                members[info.filename] = data
            return members
    except UnsafeArchive:
        raise
    except UnicodeDecodeError as error:
        raise UnsafeArchive(
            f"{path.name} has member names that are not valid UTF-8 ({error.reason}); refused"
        ) from error
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, ValueError) as error:
        raise UnsafeArchive(f"{path.name} is not a readable zip archive ({type(error).__name__}: {error})") from error


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    chunks = []
    total = 0
    with archive.open(info) as stream:
        while chunk := stream.read(65536):
            total += len(chunk)
            if total > budget or total > info.file_size:
                raise UnsafeArchive(
                    f"member {info.filename!r} inflates beyond its declared or allowed size (a zip bomb?); refused"
                )
            chunks.append(chunk)
    _check_ratio(info.filename, total, info.compress_size)
    return b"".join(chunks)


@dataclass(frozen=True)
class Manifest:
    """What `grade submit` recorded about a submission."""

    course_id: str
    course_version: str
    student: str
    time: str
    grader_version: str
    environment: dict[str, str]
    files: dict[str, str]

    def to_json(self) -> bytes:
        document = {
            "format": MANIFEST_FORMAT,
            "format_version": MANIFEST_VERSION,
            "course": {"id": self.course_id, "version": self.course_version},
            "student": self.student,
            "time": self.time,
            "grader_version": self.grader_version,
            "environment": dict(self.environment),
            "files": dict(self.files),
        }
        return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")


def parse_manifest(data: bytes) -> Manifest:
    """Validate a manifest.json; raises `SubmissionError` saying what is wrong."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise SubmissionError(f"manifest.json is {len(data)} bytes, more than {MAX_MANIFEST_BYTES}")
    try:
        document: Any = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SubmissionError(f"manifest.json is not valid JSON ({error})") from error
    if not isinstance(document, dict) or document.get("format") != MANIFEST_FORMAT:
        raise SubmissionError(f"manifest.json is not a {MANIFEST_FORMAT} manifest")
    course, files, environment = document.get("course"), document.get("files"), document.get("environment")
    texts = [document.get(key) for key in ("student", "time", "grader_version")]
    if not (isinstance(course, dict) and all(isinstance(course.get(key), str) for key in ("id", "version"))):
        raise SubmissionError("manifest.json: 'course' must hold string 'id' and 'version'")
    if not all(isinstance(text, str) for text in texts) or not TIME_UTC.match(str(document["time"])):
        raise SubmissionError(
            "manifest.json: 'student', 'grader_version' must be strings and 'time' YYYY-MM-DDTHH:MM:SSZ"
        )
    if not isinstance(files, dict) or not all(
        isinstance(name, str) and isinstance(digest, str) and SHA256_HEX.match(digest) for name, digest in files.items()
    ):
        raise SubmissionError("manifest.json: 'files' must map file names to SHA-256 hex digests")
    if not isinstance(environment, dict):
        raise SubmissionError("manifest.json: 'environment' must be a table")
    return Manifest(
        course_id=course["id"],
        course_version=course["version"],
        student=document["student"],
        time=document["time"],
        grader_version=document["grader_version"],
        environment={str(key): str(value) for key, value in environment.items()},
        files=dict(files),
    )


def manifest_mismatches(manifest: Manifest, members: dict[str, bytes]) -> tuple[str, ...]:
    """What changed since `grade submit` wrote the manifest: one line per file, empty if nothing."""
    problems = []
    for name, digest in sorted(manifest.files.items()):
        if name not in members:
            problems.append(f"{name} is listed in manifest.json but missing")
        elif sha256_bytes(members[name]) != digest:
            problems.append(f"{name} differs from its SHA-256 in manifest.json")
    for name in sorted(members):
        if name not in manifest.files and name != MANIFEST_NAME:
            problems.append(f"{name} is not listed in manifest.json")
    return tuple(problems)
