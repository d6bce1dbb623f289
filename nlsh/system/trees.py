"""What removing a file tree would free, under the rules that decide what must be kept.

The same :class:`TreeRules` decide what the planner counts and what the executor removes,
so the bytes previewed are the bytes freed. Walks never follow symbolic links (a link
is an entry of its own, removed as a link) and never descend into another mount.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# Deeper trees are kept rather than risk the interpreter's recursion limit.
MAX_DEPTH = 400

# Names that hold secrets or history: never removed, wherever they appear.
PROTECTED_NAMES = frozenset({".git", ".ssh", ".gnupg"})

_LOCK_NAME = re.compile(
    r"(?i)(?:^|[._-])lock(?:file)?$|\.lck$|^singleton(?:lock|socket|cookie)$"
)


class Keep(StrEnum):
    """Why an entry stays where it is."""

    IN_USE = "in use by a process"
    LOCK = "a lock file"
    SPECIAL = "a socket, pipe or device"
    OTHER_OWNER = "owned by another user"
    MOUNT = "a mount point"
    PROTECTED = "protected (.git, .ssh, .gnupg)"
    EXCLUDED = "belongs elsewhere (nlsh's own files or another cleaner)"
    RECENT = "modified recently"
    UNREADABLE = "unreadable"
    TOO_DEEP = "nested too deep"


def is_lock_name(name: str) -> bool:
    lowered = name.lower()
    if "l" not in lowered or ("lock" not in lowered and not lowered.endswith(".lck")
                              and not lowered.startswith("singleton")):
        return False  # most names: no regular expression needed
    return bool(_LOCK_NAME.search(name))


@dataclass(frozen=True)
class TreeRules:
    """What may be removed.

    ``excluded`` holds (device, inode) of trees that belong elsewhere; ``modified_before``:
    files modified at or after it are kept.
    """

    uid: int
    open_files: frozenset[tuple[int, int]]
    mounts: frozenset[str]
    excluded: frozenset[tuple[int, int]] = frozenset()
    modified_before: float | None = None

    def keep(self, path: str, info: os.stat_result, device: int) -> Keep | None:
        """Why the entry at ``path`` must stay, or None when it may go.

        ``device`` is the cleaner root's filesystem: anything on another one is a mount.
        """
        return self.keep_named(os.path.basename(path), path, info, device)

    def keep_named(self, name: str, path: str, info: os.stat_result,
                   device: int) -> Keep | None:
        """``keep`` when the entry's own name is known already (a walk has it)."""
        mode = info.st_mode
        if name in PROTECTED_NAMES:
            return Keep.PROTECTED
        if info.st_dev != device or path in self.mounts:
            return Keep.MOUNT
        if self.excluded and (info.st_dev, info.st_ino) in self.excluded:
            return Keep.EXCLUDED
        if info.st_uid != self.uid:
            return Keep.OTHER_OWNER
        if stat.S_ISDIR(mode):
            return None
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            return Keep.SPECIAL
        if is_lock_name(name):
            return Keep.LOCK
        if (self.open_files and stat.S_ISREG(mode)
                and (info.st_dev, info.st_ino) in self.open_files):
            return Keep.IN_USE
        if self.modified_before is not None and info.st_mtime >= self.modified_before:
            return Keep.RECENT
        return None


def identities(paths: Iterable[str]) -> frozenset[tuple[int, int]]:
    """(device, inode) of each path that exists, links not followed (for ``excluded``)."""
    found = set()
    for path in paths:
        try:
            info = os.lstat(path)
        except OSError:
            continue
        found.add((info.st_dev, info.st_ino))
    return frozenset(found)


def allocated(info: os.stat_result) -> int:
    """Bytes the entry occupies on disk (not its apparent size)."""
    return int(info.st_blocks) * 512


@dataclass(frozen=True)
class TreeSize:
    """What removing a tree under some rules would do."""

    bytes: int
    entries: int
    kept: Mapping[Keep, int]
    newest_mtime: float
    whole: bool

    @property
    def kept_count(self) -> int:
        return sum(self.kept.values())


@dataclass
class _Tally:
    bytes: int = 0
    entries: int = 0
    newest: float = 0.0
    kept: Counter[Keep] = field(default_factory=Counter)
    # Hard-linked inodes: freed only when every link is inside the tree.
    links: dict[tuple[int, int], list[int]] = field(default_factory=dict)

    def add(self, info: os.stat_result) -> None:
        self.entries += 1
        if stat.S_ISDIR(info.st_mode) or info.st_nlink <= 1:
            self.bytes += allocated(info)
            return
        seen = self.links.setdefault((info.st_dev, info.st_ino), [0, info.st_nlink,
                                                                  allocated(info)])
        seen[0] += 1

    def result(self, whole: bool) -> TreeSize:
        linked = sum(size for count, nlink, size in self.links.values() if count >= nlink)
        return TreeSize(self.bytes + linked, self.entries, dict(self.kept), self.newest, whole)


def measure(path: str, rules: TreeRules, device: int) -> TreeSize:
    """What removing ``path`` (a file, a link or a whole directory) would free."""
    tally = _Tally()
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return tally.result(whole=False)
    except OSError:
        tally.kept[Keep.UNREADABLE] += 1
        return tally.result(whole=False)
    whole = _visit(path, info, rules, device, tally, 0)
    return tally.result(whole)


def _visit(path: str, info: os.stat_result, rules: TreeRules, device: int, tally: _Tally,
           depth: int, name: str | None = None) -> bool:
    tally.newest = max(tally.newest, info.st_mtime)
    reason = rules.keep_named(os.path.basename(path) if name is None else name, path, info,
                              device)
    if reason is None and depth > MAX_DEPTH:
        reason = Keep.TOO_DEEP
    if reason is not None:
        tally.kept[reason] += 1
        return False
    if not stat.S_ISDIR(info.st_mode):
        tally.add(info)
        return True
    children = _listed(path, tally)
    if children is None:
        return False
    whole = True
    keep, is_dir, too_deep = rules.keep_named, stat.S_ISDIR, depth + 1 > MAX_DEPTH
    prefix = path + "/"
    for name, child_info in children:
        if child_info is None:
            whole = False
            continue
        if is_dir(child_info.st_mode):
            whole = _visit(prefix + name, child_info, rules, device, tally, depth + 1,
                           name) and whole
            continue
        # A file, link or other entry, counted here: the walk's hot path (once per file).
        if child_info.st_mtime > tally.newest:
            tally.newest = child_info.st_mtime
        reason = keep(name, prefix + name, child_info, device)
        if reason is None and too_deep:
            reason = Keep.TOO_DEEP
        if reason is not None:
            tally.kept[reason] += 1
            whole = False
        elif child_info.st_nlink <= 1:  # Tally.add, inlined for the common file
            tally.entries += 1
            tally.bytes += child_info.st_blocks * 512
        else:
            tally.add(child_info)
    if whole:
        tally.add(info)
    return whole


_DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _listed(path: str, tally: _Tally) -> list[tuple[str, os.stat_result | None]] | None:
    """Each entry of the folder ``path`` with its lstat (None: unreadable, counted), looked
    at through the folder's descriptor as du does; None when the folder cannot be read.
    An entry that vanished meanwhile is left out."""
    try:
        fd = os.open(path, _DIRECTORY_FLAGS)
    except OSError:
        tally.kept[Keep.UNREADABLE] += 1
        return None
    listed: list[tuple[str, os.stat_result | None]] = []
    try:
        with os.scandir(fd) as entries:
            for entry in entries:
                try:
                    listed.append((entry.name, entry.stat(follow_symlinks=False)))
                except FileNotFoundError:
                    continue
                except OSError:
                    tally.kept[Keep.UNREADABLE] += 1
                    listed.append((entry.name, None))
    except OSError:
        tally.kept[Keep.UNREADABLE] += 1
        return None
    finally:
        os.close(fd)
    return listed
