"""Finding what each cleaner would remove: the items a cleanup plan lists, measured.

Reads only. Every walk stays on the root's filesystem, never follows a symbolic link,
and applies the same :class:`~nlsh.system.trees.TreeRules` the executor applies, so
what is previewed is what goes.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from nlsh.actions.cleaners import (
    ROTATED_LOG,
    Cleaner,
    Disposal,
    Items,
    RootCleaner,
    is_core_dump,
    is_inside,
    system_path,
)
from nlsh.stages import Limit
from nlsh.system.trash import entries, trash_dir_for
from nlsh.system.trees import (
    PROTECTED_NAMES,
    Keep,
    TreeRules,
    TreeSize,
    allocated,
    identities,
    measure,
)

DAY = 86400

# Entries in a temp directory that belong to the session or to services, whoever owns them.
_LIVE_TEMP_PREFIXES = ("systemd-private-", ".Trash", "snap-private-tmp", "tmux-",
                       "hsperfdata_", "ssh-", "pulse-", ".X", "krb5cc")


@dataclass(frozen=True)
class Scan:
    """Facts gathered once per plan, and the limits the request sets.

    ``older_than_days`` is judged per file (newer files stay in place), like a cleaner's
    own minimum age; ``newer_than_days`` per item: an item is listed only when everything
    that would go with it is newer (the executor removes whole items, or what is older
    than a cutoff, never only what is newer). ``sizes`` are compared with each item's
    bytes. Nothing equal to or below a path of ``except_paths`` is listed (an item that
    holds one is listed as its other entries).
    """

    uid: int
    open_files: frozenset[tuple[int, int]]
    mounts: frozenset[str]
    now: float
    older_than_days: float | None
    home_trash: Path
    newer_than_days: float | None = None
    sizes: tuple[Limit, ...] = ()
    except_paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    """One thing a cleaner would remove, as measured now."""

    cleaner: Cleaner
    root: str
    path: str
    info: os.stat_result
    size: TreeSize
    bytes: int
    info_file: str | None = None
    trash_dir: str | None = None  # where a trashed item goes, when that is not the home trash
    origin: str | None = None  # where an item in the Trash came from


@dataclass
class Findings:
    items: list[Item] = field(default_factory=list)
    kept: Counter[str] = field(default_factory=Counter)  # entries left in place, by reason
    outside: Counter[str] = field(default_factory=Counter)  # items the limits leave out
    excepted: Counter[str] = field(default_factory=Counter)  # items left out, by except path


def rules_for(cleaner: Cleaner, scan: Scan) -> TreeRules:
    """The rules that decide what of this cleaner's trees may go (the executor's too)."""
    return TreeRules(uid=scan.uid, open_files=scan.open_files, mounts=scan.mounts,
                     excluded=identities(cleaner.excluded),
                     modified_before=modified_before(cleaner, scan))


def modified_before(cleaner: Cleaner, scan: Scan) -> float | None:
    """Files modified after this stay (whole items: the item's newest entry decides)."""
    if scan.older_than_days is not None:
        days: float | None = scan.older_than_days
    elif scan.newer_than_days is not None:
        days = None  # an age the user gave replaces the cleaner's default
    else:
        days = cleaner.min_age_days
    if days is None or cleaner.items is Items.TRASHED:
        return None
    return scan.now - days * DAY


def find_items(cleaner: Cleaner, starts: list[tuple[str, str]], scan: Scan) -> Findings:
    """The items of ``cleaner`` under each (root, start); start is the root or inside it."""
    findings = Findings()
    rules = rules_for(cleaner, scan)
    for root, start in starts:
        try:
            device = os.lstat(root).st_dev
        except OSError:
            continue
        if cleaner.items is Items.ROTATED_LOGS:
            candidates = _below(start, rules, device, _is_rotated_log)
        elif cleaner.items is Items.CORE_FILES:
            candidates = _below(start, rules, device, is_core_dump)
        else:
            candidates = _children(start) if start == root else [start]
        for candidate in candidates:
            for path in _without_excepted(candidate, scan.except_paths, findings):
                item = _item(cleaner, root, path, rules, device, scan, findings)
                if item is not None:
                    findings.items.append(item)
    return findings


def _without_excepted(path: str, excepted: tuple[str, ...], findings: Findings) -> list[str]:
    """``path``, or nothing when an exclusion covers it, or its entries (recursively) when an
    exclusion lies inside it: what is left out stays whole and untouched."""
    for place in excepted:
        if path == place or is_inside(path, place):
            findings.excepted[place] += 1
            return []
    if not any(is_inside(place, path) for place in excepted):
        return [path]
    try:
        info = os.lstat(path)
    except OSError:
        return []
    if not stat.S_ISDIR(info.st_mode):
        return [path]
    return [piece for child in _children(path)
            for piece in _without_excepted(child, excepted, findings)]


def _children(directory: str) -> list[str]:
    try:
        with os.scandir(directory) as listing:
            return sorted(entry.path for entry in listing)
    except OSError:
        return []


def _item(cleaner: Cleaner, root: str, path: str, rules: TreeRules, device: int, scan: Scan,
          findings: Findings) -> Item | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    whole_only = cleaner.disposal is Disposal.TRASH  # a move takes everything or nothing
    if cleaner.items is Items.WHOLE and (info.st_uid != scan.uid or _live_temp(path)):
        return None  # not the user's own temp file
    if whole_only:
        rules = replace(rules, modified_before=None)  # age is judged on the whole item
    top_reason = rules.keep(path, info, device)
    if top_reason is not None:
        if top_reason is not Keep.EXCLUDED:
            findings.kept[top_reason.value] += 1
        return None
    size = measure(path, rules, device)
    if whole_only:
        if not size.whole:
            reason = next(iter(size.kept), Keep.UNREADABLE).value
            findings.kept[f"something inside is {reason}" if stat.S_ISDIR(info.st_mode)
                          else reason] += 1
            return None
        cutoff = modified_before(cleaner, scan)
        if cutoff is not None and size.newest_mtime >= cutoff:
            findings.kept[f"modified in the last {round((scan.now - cutoff) / DAY)} days"] += 1
            return None
    else:
        findings.kept.update({k.value: n for k, n in size.kept.items() if k is not Keep.EXCLUDED})
    if size.entries == 0:
        return None
    if not all(limit.admits(size.bytes) for limit in scan.sizes):
        findings.outside["outside the size limit"] += 1
        return None
    if scan.newer_than_days is not None and cleaner.items is not Items.TRASHED and \
            _oldest_mtime(path, rules, device) <= scan.now - scan.newer_than_days * DAY:
        findings.outside["not entirely newer than asked"] += 1
        return None
    if cleaner.items is Items.TRASHED:
        return _trashed_item(cleaner, root, path, info, size, scan, findings)
    trash_dir = None
    if cleaner.disposal is Disposal.TRASH:
        destination = trash_dir_for(path, scan.home_trash, scan.uid)
        trash_dir = None if destination == str(scan.home_trash) else destination
    return Item(cleaner, root, path, info, size, size.bytes, trash_dir=trash_dir)


def _trashed_item(cleaner: Cleaner, root: str, path: str, info: os.stat_result, size: TreeSize,
                  scan: Scan, findings: Findings) -> Item | None:
    if os.path.dirname(path) != root:  # something inside a trashed folder
        return Item(cleaner, root, path, info, size, size.bytes)
    entry = next((e for e in entries(os.path.dirname(root)) if e.trash_file == path), None)
    deleted = _deletion_time(entry.deleted if entry else None) or info.st_ctime
    if scan.older_than_days is not None and deleted >= scan.now - scan.older_than_days * DAY:
        findings.kept["put in the Trash recently"] += 1
        return None
    if scan.newer_than_days is not None and deleted <= scan.now - scan.newer_than_days * DAY:
        findings.outside["put in the Trash before the time asked"] += 1
        return None
    info_file, extra = None, 0
    if entry is not None:
        try:
            info_stat = os.lstat(entry.info_file)
        except OSError:
            info_stat = None
        if info_stat is not None and info_stat.st_uid == scan.uid and size.whole:
            info_file, extra = entry.info_file, allocated(info_stat)
    return Item(cleaner, root, path, info, size, size.bytes + extra, info_file=info_file,
                origin=entry.original if entry else None)


def _oldest_mtime(path: str, rules: TreeRules, device: int) -> float:
    """When the oldest file that would go with ``path`` was modified (links not followed,
    nothing kept counted)."""
    oldest = math.inf
    stack = [path]
    while stack:
        current = stack.pop()
        try:
            info = os.lstat(current)
        except OSError:
            continue
        if rules.keep(current, info, device) is not None:
            continue
        if stat.S_ISDIR(info.st_mode):
            stack.extend(_children(current))
        else:
            oldest = min(oldest, info.st_mtime)
    return oldest


def _deletion_time(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None


def _live_temp(path: str) -> bool:
    name = os.path.basename(path)
    return name.startswith(_LIVE_TEMP_PREFIXES) or name.endswith("-unix")


def _is_rotated_log(path: str) -> bool:
    return ROTATED_LOG.search(os.path.basename(path)) is not None


def _below(start: str, rules: TreeRules, device: int, wanted: Callable[[str], bool]) -> list[str]:
    """Files below ``start`` that ``wanted`` accepts, without entering links, mounts,
    protected folders or excluded trees."""
    if os.path.islink(start) or not os.path.isdir(start):
        return [start] if wanted(start) else []
    found: list[str] = []
    for directory, subdirs, files in os.walk(start):
        keep_going = []
        for name in subdirs:
            path = os.path.join(directory, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if name in PROTECTED_NAMES or stat.S_ISLNK(info.st_mode):
                continue
            if rules.keep(path, info, device) is None:
                keep_going.append(name)
        subdirs[:] = keep_going
        found.extend(path for path in (os.path.join(directory, f) for f in sorted(files))
                     if wanted(path))
    return found


@dataclass(frozen=True)
class RootReading:
    """What a root-only cleanup would free, read without privilege."""

    held: int  # bytes of every file of its kind there
    freed: int  # bytes its command would free
    unreadable: bool  # a folder could not be read: the figures are at least these


def root_reading(cleaner: RootCleaner, now: float) -> RootReading:
    """The sizes a root-only cleanup's paths hold and would free (the files it would remove
    that this user can see)."""
    held = freed = 0
    unreadable = False
    cutoff = now - cleaner.older_than_days * DAY if cleaner.older_than_days else None
    for base in (system_path(p) for p in cleaner.paths):
        try:
            device = os.lstat(base).st_dev
        except OSError:
            continue

        def failed(_error: OSError) -> None:
            nonlocal unreadable
            unreadable = True

        for directory, subdirs, files in os.walk(base, onerror=failed):
            subdirs[:] = [d for d in subdirs if _same_device(os.path.join(directory, d), device)]
            for name in files:
                if cleaner.names is not None and not cleaner.names.search(name):
                    continue
                try:
                    info = os.lstat(os.path.join(directory, name))
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode):
                    held += allocated(info)
                    if cutoff is None or info.st_mtime < cutoff:
                        freed += allocated(info)
    return RootReading(held, freed, unreadable)


def root_estimate(cleaner: RootCleaner, now: float) -> int:
    """Bytes the root-only command would free: readable files it would remove."""
    return root_reading(cleaner, now).freed


def _same_device(path: str, device: int) -> bool:
    try:
        return os.lstat(path).st_dev == device
    except OSError:
        return False
