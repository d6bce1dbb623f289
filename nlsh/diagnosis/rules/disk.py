"""Disk space: filesystems nearly full (bytes or inodes), deleted files still held open."""

from __future__ import annotations

import math
from collections import defaultdict

from nlsh.diagnosis import suggestions
from nlsh.diagnosis.finding import Culprit, Finding, Severity, graded_below
from nlsh.diagnosis.rules.culprits import process_of
from nlsh.diagnosis.snapshot import FilesystemUsage, Snapshot
from nlsh.render.units import human_bytes

FULL_WARNING_PERCENT = 90.0  # writes soon fail and some filesystems slow down when this full
FULL_CRITICAL_PERCENT = 97.0  # the next download or log burst fills it
# A big filesystem at 90% still has room for anything a desktop writes.
PLENTY_FREE_BYTES = 50 * 1024**3
INODES_WARNING_PERCENT = 90.0  # new files soon fail even with bytes to spare
INODES_CRITICAL_PERCENT = 97.0
DELETED_WARNING_BYTES = 100 * 1024**2  # 100 MiB held by deleted files is worth getting back


def filesystem_nearly_full(snapshot: Snapshot) -> Finding | None:
    """The fullest writable filesystem, if it is nearly out of space."""
    graded_filesystems = [
        (grade, fs) for fs in snapshot.filesystems
        if fs.free_bytes < PLENTY_FREE_BYTES
        and (grade := _fullness(fs.used_percent, FULL_WARNING_PERCENT, FULL_CRITICAL_PERCENT))]
    if not graded_filesystems:
        return None
    (severity, score), fs = max(graded_filesystems, key=lambda g: (g[0][0].rank, g[0][1]))
    evidence: dict[str, object] = {
        "mountpoint": fs.mountpoint, "used_percent": fs.used_percent,
        "free_bytes": fs.free_bytes, "total_bytes": fs.total_bytes}
    others = [other.mountpoint for _, other in graded_filesystems if other is not fs]
    if others:
        evidence["also_nearly_full"] = others
    return Finding(
        resource="disk", severity=severity,
        summary=f"The filesystem on {fs.mountpoint} is {fs.used_percent:.0f}% full "
                f"({human_bytes(fs.free_bytes)} free)",
        evidence=evidence, processes=(), **suggestions.offer(_space_suggestion(fs)), score=score)


def inodes_nearly_exhausted(snapshot: Snapshot) -> Finding | None:
    """A filesystem running out of inodes: too many small files, whatever the free bytes."""
    graded_filesystems = [
        (grade, fs) for fs in snapshot.filesystems if fs.inodes_used_percent is not None
        and (grade := _fullness(fs.inodes_used_percent, INODES_WARNING_PERCENT,
                                INODES_CRITICAL_PERCENT))]
    if not graded_filesystems:
        return None
    (severity, score), fs = max(graded_filesystems, key=lambda g: (g[0][0].rank, g[0][1]))
    return Finding(
        resource="disk", severity=severity,
        summary=f"The filesystem on {fs.mountpoint} has used {fs.inodes_used_percent:.0f}% of "
                "its inodes: new files will soon fail to be created",
        evidence={"mountpoint": fs.mountpoint, "inodes_used_percent": fs.inodes_used_percent},
        processes=(), **suggestions.offer(suggestions.what_takes_space(fs.mountpoint)), score=score)


def deleted_files_held_open(snapshot: Snapshot) -> Finding | None:
    """Deleted files whose space stays in use because a process keeps them open."""
    files = {(f.st_dev, f.inode): f for f in snapshot.deleted_files}  # shared fds count once
    total = sum(f.size_bytes for f in files.values())
    if total < DELETED_WARNING_BYTES:
        return None
    held: dict[int, int] = defaultdict(int)
    for pid, key in {(f.pid, (f.st_dev, f.inode)) for f in snapshot.deleted_files}:
        held[pid] += files[key].size_bytes
    names = {f.pid: f.name for f in snapshot.deleted_files}
    holders = sorted(held, key=lambda pid: (-held[pid], pid))
    largest = max(files.values(), key=lambda f: f.size_bytes)
    filesystem = next((fs for fs in snapshot.filesystems if fs.st_dev == largest.st_dev), None)
    # The space matters most where the filesystem is itself nearly full.
    crowded = filesystem is not None and filesystem.used_percent >= FULL_WARNING_PERCENT
    top = holders[0]
    evidence: dict[str, object] = {
        "deleted_bytes": total, "deleted_files": len(files),
        "largest_file": largest.path, "largest_file_bytes": largest.size_bytes}
    if filesystem is not None:
        evidence["mountpoint"] = filesystem.mountpoint
        evidence["filesystem_used_percent"] = filesystem.used_percent
    return Finding(
        resource="disk", severity=Severity.CRITICAL if crowded else Severity.WARNING,
        summary=f"{names[top]} (pid {top}) holds {human_bytes(held[top])} of deleted files "
                "open; ending or restarting it releases the space",
        evidence=evidence,
        processes=tuple(Culprit(pid, names[pid], {"deleted_bytes": held[pid]})
                        for pid in holders[:5]),
        **suggestions.offer(suggestions.kill_pid(process_of(snapshot, top, names[top]))),
        score=_deleted_score(total, filesystem))


def _fullness(used_percent: float, warning: float,
              critical: float) -> tuple[Severity, float] | None:
    # Graded on the room left, so the score keeps growing as the last percent fills
    # (99.9% full is a hundred times past a 10%-free threshold, not 1.1 times).
    return graded_below(100.0 - used_percent, 100.0 - warning, 100.0 - critical)


def _deleted_score(total: int, filesystem: FilesystemUsage | None) -> float:
    if filesystem is not None and filesystem.used_percent >= FULL_WARNING_PERCENT:
        # As urgent as the filesystem it keeps full, scored the way _fullness does.
        return (100.0 - FULL_WARNING_PERCENT) / max(100.0 - filesystem.used_percent, 0.1)
    # Held space grows without bound; compressed so 10 GiB does not drown a busy CPU.
    return 1 + math.log10(total / DELETED_WARNING_BYTES)


def _space_suggestion(fs: FilesystemUsage) -> suggestions.FollowUp:
    # disk.cleanup works on the user's caches, trash and temp files: useful only where
    # those live; elsewhere the user first needs to see what takes the space.
    return suggestions.CLEAN_UP_DISK if fs.holds_home else suggestions.what_takes_space(
        fs.mountpoint)
