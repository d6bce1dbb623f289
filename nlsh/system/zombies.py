"""Zombie processes: children that exited and whose parent has not collected them yet.

A zombie holds no memory and runs nothing; it is only an entry in the process table (a
pid) kept so that its parent can read its exit status with ``wait()``. Only the parent
can remove it: by collecting it, or by ending, after which init (or a subreaper) adopts
and collects it. The kernel does not record when a process exited, so how long a process
has been a zombie is known only as "at most its age".
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from nlsh.system.processes import (
    SAME_PROCESS_TOLERANCE,
    ProcessInfo,
    read_live,
    read_process,
    snapshot,
)


@dataclass(frozen=True)
class Zombie:
    """One zombie and the parent that should collect it (None when it cannot be read)."""

    process: ProcessInfo
    parent: ProcessInfo | None

    @property
    def age_seconds(self) -> float:
        """How long ago it started: it has been a zombie for at most this long."""
        return max(0.0, time.time() - self.process.create_time)


def zombies() -> list[Zombie]:
    """Every zombie readable now, oldest first, each with its parent."""
    found = [p for p in snapshot().values() if p.is_zombie]
    parents: dict[int, ProcessInfo | None] = {}
    for zombie in found:
        if zombie.ppid is not None and zombie.ppid not in parents:
            parents[zombie.ppid] = read_process(zombie.ppid) if zombie.ppid > 0 else None
    return [Zombie(z, parents.get(z.ppid) if z.ppid is not None else None)
            for z in sorted(found, key=lambda z: (z.create_time, z.pid))]


def by_parent(found: list[Zombie]) -> dict[int, list[Zombie]]:
    """The zombies grouped by their parent's pid (0 when the parent is unknown)."""
    grouped: dict[int, list[Zombie]] = {}
    for zombie in found:
        grouped.setdefault(zombie.process.ppid or 0, []).append(zombie)
    return grouped


def still_zombies(pinned: Mapping[int, float]) -> list[int]:
    """Which of the zombies ``pinned`` (pid → creation time) are still zombies now."""
    left = []
    for pid, create_time in pinned.items():
        info = read_live(pid)
        if (info is not None and info.is_zombie
                and abs(info.create_time - create_time) <= SAME_PROCESS_TOLERANCE):
            left.append(pid)
    return left

