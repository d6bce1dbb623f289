"""Per-process readings taken at the two ends of the sample, and the rates between them.

Processes start, end and deny access at any moment: a process that vanished is
dropped, one that appeared is measured from its start, and a figure we may not read
is None rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import psutil

from nlsh.diagnosis.snapshot import ProcessSample

_ATTRS = ["name", "ppid", "status", "create_time", "cpu_times", "memory_info", "io_counters"]


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
    """Every process we can see except ``skip``, keyed by pid."""
    readings: dict[int, ProcessReading] = {}
    for process in psutil.process_iter():
        if process.pid in skip:
            continue
        try:
            info = process.as_dict(attrs=_ATTRS, ad_value=None)
        except psutil.NoSuchProcess:  # ended between listing and reading
            continue
        readings[process.pid] = _reading(process.pid, info)
    return readings


def _reading(pid: int, info: dict[str, object]) -> ProcessReading:
    cpu = info.get("cpu_times")
    memory = info.get("memory_info")
    io = info.get("io_counters")
    create_time = info.get("create_time")
    ppid = info.get("ppid")
    return ProcessReading(
        pid=pid,
        name=str(info.get("name") or "?"),
        ppid=ppid if isinstance(ppid, int) else None,
        status=str(info.get("status") or "?"),
        create_time=create_time if isinstance(create_time, float) else None,
        cpu_seconds=(getattr(cpu, "user", 0.0) + getattr(cpu, "system", 0.0)
                     if cpu is not None else None),
        rss_bytes=getattr(memory, "rss", None),
        io_read_bytes=getattr(io, "read_bytes", None),
        io_write_bytes=getattr(io, "write_bytes", None),
    )


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
