"""Moving items into a freedesktop.org Trash and back (Trash specification 1.0).

The ``.trashinfo`` is created first with ``O_EXCL``, which reserves the name as the spec
asks; the item then moves with one ``rename`` that refuses to replace anything
(``renameat2(RENAME_NOREPLACE)``). An item never crosses filesystems: it goes to its own
filesystem's trash, and when that cannot be used it stays where it is — nlsh never
copies and deletes instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nlsh.system.trash import INFO_SUFFIX, encode_path, trash_dir_for

_NAME_MAX = 255
_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_libc = ctypes.CDLL(None, use_errno=True)
_renameat2 = getattr(_libc, "renameat2", None)


class TrashUnavailable(Exception):
    """The item cannot go to a trash safely; the message says why."""


@dataclass(frozen=True)
class Trashed:
    trash_file: str
    info_file: str
    trash_dir: str


def rename_noreplace(source: str, destination: str) -> None:
    """Rename atomically, failing with FileExistsError rather than replace anything."""
    if _renameat2 is not None:
        if _renameat2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(destination),
                      _RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL):
            raise OSError(code, os.strerror(code), source, None, destination)
    # A filesystem without RENAME_NOREPLACE: check, then rename (the .trashinfo holds the name).
    if os.path.lexists(destination):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), destination)
    os.rename(source, destination)


def _candidate_names(name: str) -> Iterator[str]:
    """``name``, then ``stem.2.ext``, ``stem.3.ext``… each short enough for its .trashinfo."""
    stem, ext = os.path.splitext(name)
    limit = _NAME_MAX - len(INFO_SUFFIX)
    for number in range(1, 10000):
        suffix = (f".{number}" if number > 1 else "") + ext
        room = limit - len(os.fsencode(suffix))
        yield os.fsdecode(os.fsencode(stem)[:max(room, 1)]) + suffix


def _ensure_dir(path: str, uid: int, create: bool) -> None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if not create:
            raise
        os.mkdir(path, 0o700)
        info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != uid:
        raise TrashUnavailable(f"{path} is not a trash directory nlsh can trust (a link, or "
                               "not yours); the item stays where it is")


def _prepare(trash_dir: str, home: bool, uid: int) -> tuple[str, str]:
    try:
        if home:
            os.makedirs(trash_dir, mode=0o700, exist_ok=True)
        _ensure_dir(trash_dir, uid, create=True)
        files, info = os.path.join(trash_dir, "files"), os.path.join(trash_dir, "info")
        _ensure_dir(files, uid, create=True)
        _ensure_dir(info, uid, create=True)
    except OSError as error:
        raise TrashUnavailable(f"cannot use the trash {trash_dir} ({error.strerror}); nlsh "
                               "never copies across filesystems, so the item stays where it is"
                               ) from error
    return files, info


def move_to_trash(path: str, home_trash: Path, uid: int) -> Trashed:
    """Move the entry at ``path`` (never following a final link) into its trash."""
    trash_dir = trash_dir_for(path, home_trash, uid)
    files, info = _prepare(trash_dir, trash_dir == str(home_trash), uid)
    content = (f"[Trash Info]\nPath={encode_path(os.path.abspath(path))}\n"
               f"DeletionDate={time.strftime('%Y-%m-%dT%H:%M:%S')}\n").encode()
    for name in _candidate_names(os.path.basename(path)):
        trash_file = os.path.join(files, name)
        info_file = os.path.join(info, name + INFO_SUFFIX)
        if os.path.lexists(trash_file):
            continue  # an item whose .trashinfo is missing still owns its name
        try:
            fd = os.open(info_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW |
                         os.O_CLOEXEC, 0o600)
        except FileExistsError:
            continue
        try:
            os.write(fd, content)
        finally:
            os.close(fd)
        try:
            rename_noreplace(path, trash_file)
        except FileExistsError:
            os.unlink(info_file)
            continue
        except OSError as error:
            os.unlink(info_file)
            if error.errno == errno.EXDEV:
                raise TrashUnavailable(f"{trash_dir} is on another filesystem; nlsh never "
                                       "copies, so the item stays where it is") from error
            raise
        return Trashed(trash_file, info_file, trash_dir)
    raise TrashUnavailable(f"no free name left in {trash_dir}")


def restore_from_trash(trash_file: str, info_file: str, original: str) -> None:
    """Move a trashed item back; FileExistsError when something now occupies ``original``."""
    if os.path.lexists(original):
        raise FileExistsError(errno.EEXIST, "something now exists there", original)
    os.makedirs(os.path.dirname(original), mode=0o700, exist_ok=True)
    rename_noreplace(trash_file, original)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(info_file)
