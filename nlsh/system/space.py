"""What takes the space under a folder: a ``du``-like walk that only reads.

The walk never follows symlinks and never crosses into another filesystem; it counts
allocated bytes (``st_blocks * 512``, so sparse files count what they occupy) and a
file with several hard links once. Folders it may not read and entries that vanish
while it runs are skipped and counted.
"""

from __future__ import annotations

import heapq
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field

# Unreadable folders remembered by path (the rest are only counted).
KEEP_UNREADABLE = 20
_DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# How often (in entries) the walk reports progress.
PROGRESS_EVERY = 5000

ReportProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SpaceEntry:
    """An immediate child of the scanned folder; ``bytes`` is its whole tree for a folder.

    ``kind`` is ``dir``, ``file``, ``symlink`` (its own size only, never followed),
    ``mount`` (another filesystem mounted there: not scanned) or ``other``.
    """

    name: str
    path: str
    kind: str
    bytes: int
    files: int = 0

    def __lt__(self, other: SpaceEntry) -> bool:
        """Less: a worse candidate for "largest" (fewer bytes, then a later name)."""
        return (self.bytes, other.name) < (other.bytes, self.name)


@dataclass(frozen=True)
class LargeFile:
    path: str
    bytes: int


@dataclass(frozen=True)
class SpaceScan:
    """``children``: the largest immediate children (at least ``min_size``), largest first."""

    root: str
    total_bytes: int
    files: int
    dirs: int
    children: tuple[SpaceEntry, ...]
    children_total: int
    children_matching: int
    largest_files: tuple[LargeFile, ...]
    unreadable: int
    vanished: int
    unreadable_paths: tuple[str, ...]
    mounts_skipped: tuple[str, ...]


@dataclass
class _Tally:
    bytes: int = 0
    files: int = 0
    dirs: int = 0
    unreadable: int = 0
    vanished: int = 0
    unreadable_paths: list[str] = field(default_factory=list)
    mounts: list[str] = field(default_factory=list)
    linked: set[tuple[int, int]] = field(default_factory=set)
    largest: list[tuple[int, str]] = field(default_factory=list)  # a min-heap
    entries: int = 0


def scan_space(root: str, keep_files: int = 10, progress: ReportProgress | None = None,
               keep_children: int | None = None, min_size: int = 0) -> SpaceScan:
    """Walk the folder ``root`` (an existing directory, already resolved), streaming: only
    the largest children and files are kept, so a million entries cost no more memory than
    a few.

    Args:
        keep_files: how many of the largest individual files to keep.
        progress: called as ``progress(folder, children_done, children_total)``.
        keep_children: how many of the largest immediate children to keep (None: all).
        min_size: children smaller than this are counted, not kept.

    Raises:
        OSError: ``root`` itself cannot be read.
    """
    top = os.stat(root)
    device = top.st_dev
    tally = _Tally(bytes=top.st_blocks * 512, dirs=1)
    kept: list[SpaceEntry] = []  # a min-heap when keep_children is set
    total = matching = 0
    # Names only (not DirEntry objects), sorted: a stable walk order, so the same name of a
    # hard-linked file is the one that counts it every time.
    names = sorted(os.listdir(root))
    for done, name in enumerate(names):
        path = os.path.join(root, name)
        if progress is not None:
            progress(path, done, len(names))
        before_bytes, before_files = tally.bytes, tally.files
        kind = _count(path, device, tally, keep_files, progress, (done, len(names)))
        if kind is None:
            continue
        total += 1
        summary = SpaceEntry(name=name, path=path, kind=kind,
                             bytes=tally.bytes - before_bytes, files=tally.files - before_files)
        if summary.bytes < min_size:
            continue
        matching += 1
        if keep_children is None:
            kept.append(summary)
        elif len(kept) < keep_children:
            heapq.heappush(kept, summary)
        elif kept and kept[0] < summary:
            heapq.heapreplace(kept, summary)
    if progress is not None:
        progress(root, len(names), len(names))
    largest = tuple(LargeFile(path, size) for size, path in
                    sorted(tally.largest, key=lambda item: (-item[0], item[1])))
    return SpaceScan(root=root, total_bytes=tally.bytes, files=tally.files, dirs=tally.dirs,
                     children=tuple(sorted(kept, key=lambda c: (-c.bytes, c.name))),
                     children_total=total, children_matching=matching,
                     largest_files=largest,
                     unreadable=tally.unreadable, vanished=tally.vanished,
                     unreadable_paths=tuple(tally.unreadable_paths),
                     mounts_skipped=tuple(tally.mounts))


def _count(path: str, device: int, tally: _Tally, keep_files: int,
           progress: ReportProgress | None, position: tuple[int, int]) -> str | None:
    """Add ``path`` (and, for a folder, everything under it) to ``tally``; its kind."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        tally.vanished += 1
        return None
    except OSError:
        _unreadable(tally, path)
        return None
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        if info.st_dev != device:
            tally.mounts.append(path)
            return "mount"
        tally.bytes += info.st_blocks * 512
        tally.dirs += 1
        _walk(path, device, tally, keep_files, progress, position)
        return "dir"
    _add_file(path, info, tally, keep_files)
    if stat.S_ISLNK(mode):
        return "symlink"
    return "file" if stat.S_ISREG(mode) else "other"


def _walk(folder: str, device: int, tally: _Tally, keep_files: int,
          progress: ReportProgress | None, position: tuple[int, int]) -> None:
    """Everything under ``folder``, streamed: one folder's listing at a time, never a list
    of paths (a million files cost what ``du`` costs, in time and in memory).

    The loop is written for speed (it runs once per file): locals, and the common file
    (one link, smaller than the largest kept) counted without a call.
    """
    pending = [folder]
    largest = tally.largest
    is_dir, is_reg = stat.S_ISDIR, stat.S_ISREG
    while pending:
        current = pending.pop()
        # Listed through a descriptor, each entry is looked at relative to it (fstatat),
        # as du does: no path walked again per file. A folder swapped for a link is not
        # followed (O_NOFOLLOW).
        try:
            fd = os.open(current, _DIRECTORY_FLAGS)
        except FileNotFoundError:
            tally.vanished += 1
            continue
        except OSError:
            _unreadable(tally, current)
            continue
        try:
            listing = os.scandir(fd)
        except OSError:
            os.close(fd)
            _unreadable(tally, current)
            continue
        prefix = current + "/"
        size_sum = files = seen = 0
        try:
            with listing as entries:
                for entry in entries:
                    seen += 1
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        tally.vanished += 1
                        continue
                    except OSError:
                        _unreadable(tally, prefix + entry.name)
                        continue
                    mode = info.st_mode
                    if is_dir(mode):
                        if info.st_dev != device:
                            tally.mounts.append(prefix + entry.name)
                            continue
                        size_sum += info.st_blocks * 512
                        tally.dirs += 1
                        pending.append(prefix + entry.name)
                    elif info.st_nlink > 1 or (
                            keep_files > 0 and is_reg(mode)
                            and (len(largest) < keep_files
                                 or info.st_blocks * 512 > largest[0][0])):
                        _add_file(prefix + entry.name, info, tally, keep_files)
                    else:
                        size_sum += info.st_blocks * 512
                        files += 1
        finally:
            os.close(fd)
        tally.bytes += size_sum
        tally.files += files
        before = tally.entries
        tally.entries += seen
        if progress is not None and tally.entries // PROGRESS_EVERY != before // PROGRESS_EVERY:
            progress(current, *position)


def _add_file(path: str, info: os.stat_result, tally: _Tally, keep_files: int) -> None:
    if info.st_nlink > 1:
        key = (info.st_dev, info.st_ino)
        if key in tally.linked:
            return  # another name of a file already counted
        tally.linked.add(key)
    size = info.st_blocks * 512
    tally.bytes += size
    tally.files += 1
    if keep_files <= 0 or not stat.S_ISREG(info.st_mode):
        return
    if len(tally.largest) < keep_files:
        heapq.heappush(tally.largest, (size, path))
    elif size > tally.largest[0][0]:
        heapq.heapreplace(tally.largest, (size, path))


def _unreadable(tally: _Tally, path: str) -> None:
    tally.unreadable += 1
    if len(tally.unreadable_paths) < KEEP_UNREADABLE:
        tally.unreadable_paths.append(path)
