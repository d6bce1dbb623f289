"""Per-process readings taken at the two ends of the sample, and the rates between them.

Processes start, end and deny access at any moment: a process that vanished is
dropped, one that appeared is measured from its start, and a figure we may not read
is None rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import psutil

from nlsh.diagnosis.snapshot import ProcessSample
from nlsh.system import procfs


@dataclass(frozen=True)
class ProcessReading:
    """One process at one moment; cumulative counters, not rates."""

    pid: int
    name: str
    ppid: int | None
    status: str
    create_time: float | None
    cpu_seconds: float | None
    rss_bytes: int | None
    io_read_bytes: int | None
    io_write_bytes: int | None


def read_processes(skip: frozenset[int]) -> dict[int, ProcessReading]:
    """Every process we can see except ``skip``, keyed by pid: one pass over ``/proc``
    reading ``stat`` (and ``io`` where it may be read), as ``ps`` does.

    RSS here is the kernel's per-CPU counter from ``stat`` (off by at most a few hundred
    KiB): enough to rank memory users, at half the cost of reading ``status`` too.
    """
    readings: dict[int, ProcessReading] = {}
    for pid in procfs.pids():
        if pid in skip:
            continue
        stat = procfs.read_stat(pid)
        if stat is None:  # ended between listing and reading
            continue
        name = stat.comm
        if len(name) >= 15:  # the kernel keeps 15 characters: the rest is in the command
            name = procfs.full_name(name, procfs.cmdline(pid) or ())
        io = procfs.read_io(pid)
        readings[pid] = ProcessReading(
            pid=pid, name=name or "?", ppid=stat.ppid, status=stat.status,
            create_time=stat.create_time, cpu_seconds=stat.cpu_seconds, rss_bytes=stat.rss,
            io_read_bytes=io[0] if io is not None else None,
            io_write_bytes=io[1] if io is not None else None)
    return readings


def process_samples(first: dict[int, ProcessReading], second: dict[int, ProcessReading],
                    started: float, elapsed: float, cores: int) -> tuple[ProcessSample, ...]:
    """Rates over the sample for each process alive at its end.

    Args:
        started: wall-clock time of the first reading, to tell new processes from
            reused pids.
        elapsed: seconds between the readings.
    """
    samples: list[ProcessSample] = []
    for pid, now in second.items():
        before = first.get(pid)
        whole = before is not None and before.create_time == now.create_time
        if not whole:
            # A reused pid or a new process: measured from its start, if that was during
            # the sample; otherwise we cannot tell its rate.
            born_during = now.create_time is not None and now.create_time >= started - 0.01
            before = _zero(now) if born_during else None
        samples.append(ProcessSample(
            pid=pid,
            name=now.name,
            ppid=now.ppid,
            status=now.status,
            cpu_percent=_cpu_percent(before, now, elapsed, cores),
            rss_bytes=now.rss_bytes,
            io_read_bytes_per_s=_rate(before.io_read_bytes if before else None,
                                      now.io_read_bytes, elapsed),
            io_write_bytes_per_s=_rate(before.io_write_bytes if before else None,
                                       now.io_write_bytes, elapsed),
            whole_sample=whole,
            create_time=now.create_time,
            stuck_in_disk_sleep=(whole and before is not None
                                 and before.status == psutil.STATUS_DISK_SLEEP
                                 and now.status == psutil.STATUS_DISK_SLEEP),
        ))
    return tuple(samples)


def _zero(reading: ProcessReading) -> ProcessReading:
    return ProcessReading(pid=reading.pid, name=reading.name, ppid=reading.ppid,
                          status=reading.status, create_time=reading.create_time,
                          cpu_seconds=0.0, rss_bytes=0, io_read_bytes=0, io_write_bytes=0)


def _cpu_percent(before: ProcessReading | None, now: ProcessReading, elapsed: float,
                 cores: int) -> float:
    if before is None or before.cpu_seconds is None or now.cpu_seconds is None:
        return 0.0
    percent = (now.cpu_seconds - before.cpu_seconds) / elapsed * 100
    # Tick granularity can overshoot slightly; a process cannot use more than every core.
    return round(min(max(percent, 0.0), 100.0 * cores), 1)


def _rate(before: int | None, now: int | None, elapsed: float) -> float | None:
    if before is None or now is None:
        return None
    return round(max(now - before, 0) / elapsed, 1)
