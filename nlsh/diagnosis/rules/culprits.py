"""Which processes a finding names: the heaviest users of the resource over the sample."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from nlsh.diagnosis.finding import Culprit
from nlsh.diagnosis.snapshot import ProcessSample, Snapshot
from nlsh.diagnosis.suggestions import Seen

NAMED_AT_MOST = 5  # enough to act on; the full list is "show processes using the most cpu"
CPU_NAMED_FROM_PERCENT = 10.0  # of one core: below this a process is not why the CPU is busy
IO_NAMED_FROM_BYTES_PER_S = 1024 * 1024  # 1 MiB/s: less is background noise for any disk


@dataclass(frozen=True)
class Application:
    """The processes sharing one name (a browser's many processes), with their memory."""

    name: str
    rss_bytes: int
    pids: tuple[int, ...]


def by_cpu(snapshot: Snapshot, at_least: float = CPU_NAMED_FROM_PERCENT) -> list[ProcessSample]:
    """Processes using ``at_least`` percent of a core, busiest first."""
    busy = [p for p in snapshot.processes if p.cpu_percent >= at_least]
    return sorted(busy, key=lambda p: (-p.cpu_percent, p.pid))


def cpu_culprits(processes: list[ProcessSample]) -> tuple[Culprit, ...]:
    return tuple(Culprit(p.pid, p.name, {"cpu_percent": p.cpu_percent})
                 for p in processes[:NAMED_AT_MOST])


def io_rate(process: ProcessSample) -> float:
    return (process.io_read_bytes_per_s or 0.0) + (process.io_write_bytes_per_s or 0.0)


def by_io(snapshot: Snapshot) -> list[ProcessSample]:
    """Processes reading or writing at least 1 MiB/s, heaviest first."""
    heavy = [p for p in snapshot.processes if io_rate(p) >= IO_NAMED_FROM_BYTES_PER_S]
    return sorted(heavy, key=lambda p: (-io_rate(p), p.pid))


def applications_by_memory(snapshot: Snapshot) -> list[Application]:
    """Processes grouped by name, largest resident memory first."""
    rss: dict[str, int] = defaultdict(int)
    pids: dict[str, list[int]] = defaultdict(list)
    for process in snapshot.processes:
        if process.rss_bytes:
            rss[process.name] += process.rss_bytes
            pids[process.name].append(process.pid)
    apps = [Application(name, rss[name], tuple(sorted(pids[name]))) for name in rss]
    return sorted(apps, key=lambda a: (-a.rss_bytes, a.name))


def process_of(snapshot: Snapshot, pid: int, name: str | None = None) -> Seen:
    """The process ``pid`` as the snapshot saw it (pid, name, creation time)."""
    for process in snapshot.processes:
        if process.pid == pid:
            return Seen(pid, process.name, process.create_time)
    return Seen(pid, name or name_of(snapshot, pid))


def name_of(snapshot: Snapshot, pid: int) -> str:
    for process in snapshot.processes:
        if process.pid == pid:
            return process.name
    return "?"
