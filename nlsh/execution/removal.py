"""Removing a tree inside a cleaner's root, entry by entry, without ever following a link.

Every step is relative to an open directory descriptor (``openat``/``unlinkat`` with
``O_NOFOLLOW``), from the cleaner's root down: a directory swapped for a symbolic link
mid-way stops the walk there instead of leading it out of the root. The same
:class:`~nlsh.system.trees.TreeRules` as the planner decide what stays.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from dataclasses import dataclass, field

from nlsh.system.trees import MAX_DEPTH, Keep, TreeRules, allocated

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


@dataclass
class Removal:
    """What a removal did: bytes freed, entries removed, what stayed and why, what failed."""

    freed: int = 0
    removed: int = 0
    whole: bool = False
    kept: Counter[Keep] = field(default_factory=Counter)
    errors: list[tuple[str, str]] = field(default_factory=list)


def remove_tree(root: str, path: str, rules: TreeRules) -> Removal:
    """Remove ``path`` (strictly inside ``root``) and whatever the rules allow below it.

    Raises OSError (ELOOP, ENOTDIR) when a directory between ``root`` and ``path`` is
    no longer a plain directory.
    """
    parts = os.path.relpath(path, root).split(os.sep)
    if not parts or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"{path} is not inside {root}")
    result = Removal()
    descriptors = [os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)]
    try:
        device = os.fstat(descriptors[0]).st_dev
        for part in parts[:-1]:
            descriptors.append(os.open(part, _DIR_FLAGS, dir_fd=descriptors[-1]))
        result.whole = _remove(descriptors[-1], parts[-1], path, rules, device, result, 0)
    finally:
        for descriptor in descriptors:
            os.close(descriptor)
    return result


def _remove(parent: int, name: str, path: str, rules: TreeRules, device: int, result: Removal,
            depth: int) -> bool:
    try:
        info = os.stat(name, dir_fd=parent, follow_symlinks=False)
    except FileNotFoundError:
        return True
    reason = rules.keep(path, info, device)
    if reason is None and depth > MAX_DEPTH:
        reason = Keep.TOO_DEEP
    if reason is not None:
        result.kept[reason] += 1
        return False
    if stat.S_ISDIR(info.st_mode) and not _empty_directory(parent, name, path, info, rules,
                                                         device, result, depth):
        return False
    try:
        if stat.S_ISDIR(info.st_mode):
            os.rmdir(name, dir_fd=parent)
        else:
            os.unlink(name, dir_fd=parent)
    except FileNotFoundError:
        return True
    except OSError as error:
        result.errors.append((path, error.strerror or str(error)))
        return False
    # A hard-linked file frees its blocks only when its last link goes.
    if stat.S_ISDIR(info.st_mode) or info.st_nlink <= 1:
        result.freed += allocated(info)
    result.removed += 1
    return True


def _empty_directory(parent: int, name: str, path: str, info: os.stat_result, rules: TreeRules,
                     device: int, result: Removal, depth: int) -> bool:
    """Remove what may go inside a directory; True when it is left empty."""
    try:
        descriptor = os.open(name, _DIR_FLAGS, dir_fd=parent)
    except OSError as error:
        result.errors.append((path, error.strerror or str(error)))
        return False
    try:
        opened = os.fstat(descriptor)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            result.errors.append((path, "replaced while cleaning"))
            return False
        try:
            names = os.listdir(descriptor)
        except OSError as error:
            result.errors.append((path, error.strerror or str(error)))
            return False
        whole = True
        for child in names:
            whole = _remove(descriptor, child, os.path.join(path, child), rules, device, result,
                            depth + 1) and whole
        return whole
    finally:
        os.close(descriptor)
