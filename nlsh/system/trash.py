"""Reading freedesktop.org Trash directories (Trash specification 1.0). No side effects.

A trash directory holds ``files/NAME`` (the item) and ``info/NAME.trashinfo``::

    [Trash Info]
    Path=/home/me/notes%20old.txt
    DeletionDate=2024-05-01T12:03:00

Items on the home filesystem go to the home trash (``$XDG_DATA_HOME/Trash``); items on
another filesystem go to that filesystem's top-directory trash (``$topdir/.Trash/$uid``
when an administrator made a sticky ``.Trash``, else ``$topdir/.Trash-$uid``), so a move
to the trash is always a rename and never a copy.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes

INFO_SUFFIX = ".trashinfo"


@dataclass(frozen=True)
class TrashEntry:
    """One trashed item and what its ``.trashinfo`` says about it."""

    name: str
    trash_file: str
    info_file: str
    original: str | None
    deleted: str | None


def encode_path(path: str) -> str:
    """The ``Path=`` value: the path's bytes, URL-encoded (``/`` kept)."""
    return quote(os.fsencode(path), safe="/")


def decode_path(value: str) -> str:
    return os.fsdecode(unquote_to_bytes(value))


def parse_info(text: str, topdir: str) -> tuple[str | None, str | None]:
    """(original path, deletion date) from a ``.trashinfo``; relative paths are from ``topdir``."""
    in_group = False
    original: str | None = None
    deleted: str | None = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            in_group = line == "[Trash Info]"
            continue
        if not in_group or "=" not in line:
            continue
        key, _, value = line.partition("=")
        if key == "Path" and original is None:
            decoded = decode_path(value)
            original = decoded if os.path.isabs(decoded) else os.path.join(topdir, decoded)
        elif key == "DeletionDate" and deleted is None:
            deleted = value
    return original, deleted


def topdir_of(trash_dir: str) -> str:
    """The directory a trash's relative ``Path=`` values start from."""
    parent = os.path.dirname(trash_dir)
    # $topdir/.Trash/$uid: the topdir is two levels up.
    return os.path.dirname(parent) if os.path.basename(parent) == ".Trash" else parent


def entries(trash_dir: str) -> list[TrashEntry]:
    """Every item in ``trash_dir/files``, paired with its info file (which may be missing)."""
    files_dir = os.path.join(trash_dir, "files")
    info_dir = os.path.join(trash_dir, "info")
    try:
        names = sorted(os.listdir(files_dir))
    except OSError:
        return []
    found = []
    for name in names:
        info_file = os.path.join(info_dir, name + INFO_SUFFIX)
        original = deleted = None
        try:
            with open(info_file, encoding="utf-8", errors="surrogateescape") as handle:
                original, deleted = parse_info(handle.read(), topdir_of(trash_dir))
        except OSError:
            pass
        found.append(TrashEntry(name, os.path.join(files_dir, name), info_file, original,
                                deleted))
    return found


def mount_root(path: str) -> str:
    """The mount point of the filesystem that holds the entry at ``path``.

    Found from its parent, so a final symbolic link is not followed.
    """
    return mount_of_directory(os.path.dirname(os.path.abspath(path)))


def mount_of_directory(directory: str) -> str:
    """The mount point of the filesystem that holds ``directory`` (itself, if it is one)."""
    current = os.path.realpath(directory)
    while not os.path.ismount(current):
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return current


def _device_of_nearest(path: Path) -> int:
    for candidate in (path, *path.parents):
        try:
            return os.stat(candidate).st_dev
        except OSError:
            continue
    return -1


def trash_dir_for(path: str, home_trash: Path, uid: int) -> str:
    """The trash directory an item at ``path`` belongs in (it may not exist yet)."""
    device = os.lstat(path).st_dev
    if device == _device_of_nearest(home_trash):
        return str(home_trash)
    topdir = mount_root(path)
    shared = os.path.join(topdir, ".Trash")
    try:
        info = os.lstat(shared)
    except OSError:
        info = None
    # The spec: use $topdir/.Trash only when it is a real, sticky directory.
    if info is not None and stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX:
        return os.path.join(shared, str(uid))
    return os.path.join(topdir, f".Trash-{uid}")


def is_trash_dir(path: str, home_trash: Path, uid: int) -> bool:
    """Whether ``path`` is the home trash or a top-directory trash of ``uid``."""
    path = os.path.normpath(path)
    if path == os.path.normpath(home_trash):
        return True
    name, parent = os.path.basename(path), os.path.dirname(path)
    if name == f".Trash-{uid}":
        return os.path.ismount(parent)
    if name == str(uid) and os.path.basename(parent) == ".Trash":
        return os.path.ismount(os.path.dirname(parent))
    return False


def topdir_trashes(topdirs: list[str], uid: int) -> list[str]:
    """The existing top-directory trashes of ``uid`` on the filesystems of ``topdirs``."""
    found: list[str] = []
    for topdir in dict.fromkeys(mount_of_directory(t) for t in topdirs if os.path.isdir(t)):
        for candidate in (os.path.join(topdir, ".Trash", str(uid)),
                          os.path.join(topdir, f".Trash-{uid}")):
            try:
                info = os.lstat(candidate)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode) and info.st_uid == uid:
                found.append(candidate)
    return found
