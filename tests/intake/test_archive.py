"""Submission archives: deterministic writing, defensive reading, manifests."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from grader.errors import SubmissionError
from grader.intake.archive import (
    MANIFEST_NAME,
    MAX_MEMBERS,
    MAX_TOTAL_BYTES,
    Manifest,
    UnsafeArchive,
    check_student_id,
    manifest_mismatches,
    parse_manifest,
    read_archive,
    sha256_bytes,
    write_deterministic_zip,
)

FILES = {"linear_classifier.py": b"def square_loss(t, p):\n    return 0\n", "validation.py": b"x = 1\n"}


def raw_zip(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    """A zip written member by member, exactly as given (no safety of its own)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return path


def info_with_mode(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = mode << 16
    return info


def sample_manifest(files: dict[str, bytes]) -> Manifest:
    return Manifest(
        course_id="keras-intro",
        course_version="2026.1",
        student="alice",
        time="2026-01-02T03:04:05Z",
        grader_version="0.1.0",
        environment={"python": "3.11"},
        files={n: sha256_bytes(d) for n, d in files.items()},
    )


def test_same_files_give_the_same_bytes(tmp_path: Path) -> None:
    """Two writes of the same files, in any order, are byte-identical."""
    write_deterministic_zip(tmp_path / "a.zip", FILES)
    write_deterministic_zip(tmp_path / "b.zip", dict(reversed(list(FILES.items()))))
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_written_members_have_fixed_metadata(tmp_path: Path) -> None:
    """Members are sorted, dated 1980-01-01, mode 0644, and read back unchanged."""
    write_deterministic_zip(tmp_path / "a.zip", FILES)
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == sorted(FILES)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {stat.S_IMODE(info.external_attr >> 16) for info in infos} == {0o644}
    assert read_archive(tmp_path / "a.zip") == FILES


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../evil.py", "climbs out"),
        ("exercises/../../evil.py", "climbs out"),
        ("/etc/evil.py", "absolute"),
        ("C:/evil.py", "absolute"),
        ("a\\b.py", "backslash"),
        ("a//b.py", "empty"),
    ],
)
def test_escaping_paths_are_refused(tmp_path: Path, name: str, message: str) -> None:
    """Paths with '..', absolute paths, backslashes and empty components refuse the whole archive."""
    path = raw_zip(tmp_path / "bad.zip", [("linear_classifier.py", b"x = 1\n"), (name, b"x = 2\n")])
    with pytest.raises(UnsafeArchive, match=message):
        read_archive(path)


def test_symlink_member_is_refused(tmp_path: Path) -> None:
    """A member stored as a symbolic link is refused."""
    path = raw_zip(tmp_path / "link.zip", [(info_with_mode("validation.py", stat.S_IFLNK | 0o777), b"/etc/passwd")])
    with pytest.raises(UnsafeArchive, match="symbolic link"):
        read_archive(path)


@pytest.mark.parametrize("kind", [stat.S_IFIFO, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFSOCK])
def test_special_files_are_refused(tmp_path: Path, kind: int) -> None:
    """FIFOs, devices and sockets are refused."""
    path = raw_zip(tmp_path / "special.zip", [(info_with_mode("validation.py", kind | 0o644), b"")])
    with pytest.raises(UnsafeArchive, match="not a regular file"):
        read_archive(path)


def test_too_many_members_are_refused(tmp_path: Path) -> None:
    """More members than the cap is refused before anything is inflated."""
    path = raw_zip(tmp_path / "many.zip", [(f"f{index}.py", b"") for index in range(MAX_MEMBERS + 1)])
    with pytest.raises(UnsafeArchive, match="members"):
        read_archive(path)


def test_total_size_bomb_is_refused(tmp_path: Path) -> None:
    """An archive that inflates past the total cap is refused."""
    path = raw_zip(tmp_path / "bomb.zip", [("validation.py", b"\0" * (MAX_TOTAL_BYTES + 1))])
    assert path.stat().st_size < 100_000
    with pytest.raises(UnsafeArchive, match="zip bomb"):
        read_archive(path)


def test_compression_ratio_bomb_is_refused(tmp_path: Path) -> None:
    """A member that inflates hundreds of times its compressed size is refused, even under the total cap."""
    path = raw_zip(tmp_path / "ratio.zip", [("validation.py", b" " * 2_000_000)])
    with pytest.raises(UnsafeArchive, match="ratio"):
        read_archive(path)


def test_lying_declared_size_is_refused(tmp_path: Path) -> None:
    """A member that inflates to more than its declared size fails its check and is refused."""
    data = b"# padding\n" * 1000
    path = raw_zip(tmp_path / "liar.zip", [("validation.py", data)])
    raw = path.read_bytes()
    real = len(data).to_bytes(4, "little")
    path.write_bytes(raw.replace(real, (100).to_bytes(4, "little")))
    with pytest.raises(UnsafeArchive):
        read_archive(path)


def test_invalid_utf8_name_is_refused(tmp_path: Path) -> None:
    """A name marked UTF-8 whose bytes are not UTF-8 is refused."""
    path = raw_zip(tmp_path / "names.zip", [("xx.py", b"x = 1\n")])
    raw = bytearray(path.read_bytes().replace(b"xx.py", b"\xff\xfe.py"))
    for signature, offset in ((b"PK\x03\x04", 7), (b"PK\x01\x02", 9)):
        raw[raw.index(signature) + offset] |= 0x08  # bit 11 of the flags: "the name is UTF-8"
    path.write_bytes(bytes(raw))
    with pytest.raises(UnsafeArchive, match="not valid UTF-8"):
        read_archive(path)


def test_unmarked_non_ascii_name_is_refused(tmp_path: Path) -> None:
    """A non-ASCII name without the UTF-8 flag (encoding unknown) is refused."""
    path = raw_zip(tmp_path / "names.zip", [("ab.py", b"x = 1\n")])
    path.write_bytes(path.read_bytes().replace(b"ab.py", b"\x82b.py"))
    with pytest.raises(UnsafeArchive, match="not marked UTF-8"):
        read_archive(path)


def test_random_bytes_are_refused(tmp_path: Path) -> None:
    """A file that is not a zip is refused with a message that says so."""
    path = tmp_path / "noise.zip"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnsafeArchive, match="not a readable zip"):
        read_archive(path)


def test_encrypted_and_duplicate_members_are_refused(tmp_path: Path) -> None:
    """Encrypted members and names that appear twice are refused."""
    path = raw_zip(tmp_path / "enc.zip", [("validation.py", b"x")])
    raw = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        raw[raw.index(signature) + offset] |= 0x1  # the "encrypted" bit of the general purpose flags
    path.write_bytes(bytes(raw))
    with pytest.raises(UnsafeArchive, match="encrypted"):
        read_archive(path)
    with pytest.warns(UserWarning), pytest.raises(UnsafeArchive, match="twice"):
        read_archive(raw_zip(tmp_path / "dup.zip", [("validation.py", b"x"), ("validation.py", b"y")]))


def test_manifest_round_trip_and_mismatches() -> None:
    """A manifest parses back; an edited, missing or extra file is reported as a mismatch."""
    manifest = parse_manifest(sample_manifest(FILES).to_json())
    assert manifest == sample_manifest(FILES)
    assert manifest_mismatches(manifest, {**FILES, MANIFEST_NAME: b"{}"}) == ()
    edited = {**FILES, "validation.py": b"x = 2\n", "extra.py": b""}
    del edited["linear_classifier.py"]
    problems = manifest_mismatches(manifest, edited)
    assert any("linear_classifier.py is listed" in problem for problem in problems)
    assert any("validation.py differs" in problem for problem in problems)
    assert any("extra.py is not listed" in problem for problem in problems)


@pytest.mark.parametrize("data", [b"not json", b"[]", b'{"format": "other"}', b"\xff"])
def test_malformed_manifest_is_rejected(data: bytes) -> None:
    """A manifest that is not ours, or not JSON, raises SubmissionError."""
    with pytest.raises(SubmissionError, match="manifest.json"):
        parse_manifest(data)


@pytest.mark.parametrize("student", ["", "../x", "a/b", "-x", "a b", "x" * 101, "é"])
def test_unsafe_student_ids_are_rejected(student: str) -> None:
    """Student ids name export files: only a safe alphabet is accepted."""
    with pytest.raises(SubmissionError, match="invalid student id"):
        check_student_id(student, "test")
    assert check_student_id("jane.doe+1@uni-x.edu", "test") == "jane.doe+1@uni-x.edu"
