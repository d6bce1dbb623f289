"""The diagnosis rules: each a pure function ``(Snapshot) -> Finding | None``.

A rule looks at one aspect of one resource (utilization, saturation or errors, as in
the USE method) and returns None when that aspect is healthy. Order here only breaks
ties in the ranking.
"""

from __future__ import annotations

from collections.abc import Callable

from nlsh.diagnosis.finding import Finding
from nlsh.diagnosis.rules.cpu import cpu_saturation, cpu_steal
from nlsh.diagnosis.rules.disk import (
    deleted_files_held_open,
    filesystem_nearly_full,
    inodes_nearly_exhausted,
)
from nlsh.diagnosis.rules.io import io_saturation, stuck_in_disk_sleep
from nlsh.diagnosis.rules.memory import memory_pressure, oom_kills
from nlsh.diagnosis.rules.processes import runaway_processes, zombies
from nlsh.diagnosis.rules.thermal import overheating
from nlsh.diagnosis.snapshot import Snapshot

Rule = Callable[[Snapshot], Finding | None]

RULES: tuple[Rule, ...] = (
    cpu_saturation,
    memory_pressure,
    oom_kills,
    io_saturation,
    filesystem_nearly_full,
    inodes_nearly_exhausted,
    deleted_files_held_open,
    overheating,
    cpu_steal,
    stuck_in_disk_sleep,
    runaway_processes,
    zombies,
)
