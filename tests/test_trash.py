"""The freedesktop.org Trash: round trips with awkward names, collisions, refusals, and
top-directory trashes on another filesystem (a real tmpfs mount)."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest

from nlsh.execution.trash import (
    TrashUnavailable,
    move_to_trash,
    restore_from_trash,
)
from nlsh.system.trash import entries, parse_info
from tests.support.files import Mounts, snapshot, write

UID = os.geteuid()


@pytest.fixture
def trash(private_home: Path) -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "Trash"


@pytest.fixture
def documents(private_home: Path) -> Path:
    docs = private_home / "Documents"
    docs.mkdir()
    return docs


@pytest.fixture
def mount() -> Iterator[Mounts]:
    mounts = Mounts()
    yield mounts
    mounts.release()


def _info_fields(info_file: str) -> dict[str, str]:
    lines = Path(info_file).read_text(encoding="ascii").splitlines()
    assert lines[0] == "[Trash Info]"
    return dict(line.split("=", 1) for line in lines[1:] if line)


NAMES = ["notes old.txt", "naïve ☃.txt", "line\nbreak.txt", "100%.txt", "#?*[x].txt",
         ".hidden", os.fsdecode(b"caf\xe9-latin1.txt"), "folder with spaces"]


@pytest.mark.parametrize("name", NAMES)
def test_round_trip_keeps_the_name_and_the_content(name: str, trash: Path,
                                                   documents: Path) -> None:
    original = documents / name
    if name.startswith("folder"):
        write(original / "inside.bin", 3_000)
    else:
        write(original, 3_000)
    before = snapshot(documents)

    moved = move_to_trash(str(original), trash, UID)

    assert not os.path.lexists(original)
    assert moved.trash_file == str(trash / "files" / name)
    fields = _info_fields(moved.info_file)
    # Path= is URL-encoded bytes: plain printable ASCII that decodes to the exact path.
    assert re.fullmatch(r"[\x21-\x7e]+", fields["Path"])
    assert unquote_to_bytes(fields["Path"]) == os.fsencode(original)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", fields["DeletionDate"])
    assert [e.original for e in entries(str(trash))] == [str(original)]

    restore_from_trash(moved.trash_file, moved.info_file, str(original))

    assert snapshot(documents) == before
    assert not os.path.lexists(moved.info_file) and not os.listdir(trash / "files")


def test_a_name_collision_gets_a_numbered_name_and_each_goes_home(trash: Path,
                                                                  documents: Path) -> None:
    first = write(documents / "a/report.txt", 1_000)
    second = write(documents / "b/report.txt", 2_000)
    orphan = write(trash / "files/report.2.txt", 10)  # a name without .trashinfo is taken too

    one = move_to_trash(str(first), trash, UID)
    two = move_to_trash(str(second), trash, UID)

    assert Path(one.trash_file).name == "report.txt"
    assert Path(two.trash_file).name == "report.3.txt"
    assert orphan.stat().st_size == 10
    restore_from_trash(two.trash_file, two.info_file, str(second))
    restore_from_trash(one.trash_file, one.info_file, str(first))
    assert first.stat().st_size == 1_000 and second.stat().st_size == 2_000


def test_restore_refuses_when_something_now_exists_there(trash: Path, documents: Path) -> None:
    original = write(documents / "plan.txt", 1_000)
    moved = move_to_trash(str(original), trash, UID)
    original.write_text("a new file, written since")

    with pytest.raises(FileExistsError):
        restore_from_trash(moved.trash_file, moved.info_file, str(original))

    assert original.read_text() == "a new file, written since"
    assert Path(moved.trash_file).stat().st_size == 1_000 and Path(moved.info_file).exists()


def test_restore_recreates_a_missing_folder(trash: Path, documents: Path) -> None:
    original = write(documents / "gone/deeper/file.txt", 500)
    moved = move_to_trash(str(original), trash, UID)
    (documents / "gone/deeper").rmdir()
    (documents / "gone").rmdir()

    restore_from_trash(moved.trash_file, moved.info_file, str(original))

    assert original.stat().st_size == 500


def test_a_link_goes_to_the_trash_as_a_link(trash: Path, documents: Path) -> None:
    target = write(documents / "thesis.tex", 2_000)
    link = documents / "shortcut"
    link.symlink_to(target)

    moved = move_to_trash(str(link), trash, UID)

    assert os.path.islink(moved.trash_file) and target.stat().st_size == 2_000


def test_a_very_long_name_is_shortened_in_the_trash_only(trash: Path, documents: Path) -> None:
    original = write(documents / ("é" * 120 + ".txt"), 100)  # 244 bytes: .trashinfo won't fit

    moved = move_to_trash(str(original), trash, UID)
    restore_from_trash(moved.trash_file, moved.info_file, str(original))

    assert len(os.fsencode(Path(moved.info_file).name)) <= 255
    assert original.stat().st_size == 100


def test_trashinfo_outside_the_group_or_relative_is_read_per_the_spec() -> None:
    text = ("[Other]\nPath=/wrong\n[Trash Info]\nPath=photos/a%20b.jpg\n"
            "DeletionDate=2024-05-01T12:03:00\n")

    assert parse_info(text, "/media/usb") == ("/media/usb/photos/a b.jpg", "2024-05-01T12:03:00")


def test_another_filesystem_uses_its_own_top_directory_trash(
        tmp_path: Path, trash: Path, mount: Mounts) -> None:
    usb = tmp_path / "usb"
    mount(["-t", "tmpfs", "tmpfs"], usb)
    original = write(usb / "photos/a.jpg", 4_000)

    moved = move_to_trash(str(original), trash, UID)

    assert moved.trash_dir == str(usb / f".Trash-{UID}")
    assert stat.S_IMODE(os.lstat(moved.trash_dir).st_mode) == 0o700
    assert os.stat(moved.trash_file).st_dev == os.stat(usb).st_dev  # renamed, not copied
    assert not (trash / "files").exists()
    assert [e.original for e in entries(moved.trash_dir)] == [str(original)]
    restore_from_trash(moved.trash_file, moved.info_file, str(original))
    assert original.stat().st_size == 4_000


def test_a_shared_sticky_trash_is_used_per_user(tmp_path: Path, trash: Path,
                                                mount: Mounts) -> None:
    usb = tmp_path / "usb"
    mount(["-t", "tmpfs", "tmpfs"], usb)
    (usb / ".Trash").mkdir(mode=0o1777)
    os.chmod(usb / ".Trash", 0o1777)
    original = write(usb / "a.txt", 100)

    moved = move_to_trash(str(original), trash, UID)

    assert moved.trash_dir == str(usb / ".Trash" / str(UID))


def test_a_top_directory_trash_that_is_a_link_is_refused(tmp_path: Path, trash: Path,
                                                         mount: Mounts) -> None:
    usb = tmp_path / "usb"
    mount(["-t", "tmpfs", "tmpfs"], usb)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (usb / f".Trash-{UID}").symlink_to(elsewhere)
    original = write(usb / "a.txt", 100)

    with pytest.raises(TrashUnavailable, match="not a trash directory nlsh can trust"):
        move_to_trash(str(original), trash, UID)

    assert original.exists() and not os.listdir(elsewhere)


def test_no_usable_trash_on_that_filesystem_means_no_move_and_never_a_copy(
        tmp_path: Path, trash: Path, mount: Mounts) -> None:
    usb = tmp_path / "usb"
    mount(["-t", "tmpfs", "tmpfs"], usb)
    original = write(usb / "a.txt", 100)
    if subprocess.run(["mount", "-o", "remount,ro", str(usb)]).returncode != 0:
        pytest.skip("cannot remount read-only here")

    with pytest.raises(TrashUnavailable, match="never copies"):
        move_to_trash(str(original), trash, UID)

    assert original.exists() and not (trash / "files").exists()
