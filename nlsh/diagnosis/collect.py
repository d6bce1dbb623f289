"""Sample the live system into a :class:`Snapshot`: two readings about a second apart.

Everything that changes (CPU time, I/O counters, swap traffic, stall totals, OOM
kills, throttle counters, per-process counters) is read at both ends and turned into
rates over the interval; what is a state (filesystems, open deleted files, sensors)
is read once, at the end. A reading this machine cannot give is listed in
``Snapshot.unavailable`` and left out, never raised.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from nlsh.diagnosis import procfs
from nlsh.diagnosis.process_readings import ProcessReading, process_samples, read_processes
from nlsh.diagnosis.snapshot import (
    CpuSample,
    DeletedFile,
    DiskActivity,
    FilesystemUsage,
    MemorySample,
    Pressure,
    Snapshot,
    Temperature,
)

SAMPLE_SECONDS = 1.2
RUN_QUEUE_POLL_SECONDS = 0.1  # the run queue is instantaneous: average many looks
_NOT_BUSY = ("idle", "iowait", "steal", "guest", "guest_nice")  # guest time is in user
_PSI = ("cpu", "memory", "io")


@dataclass(frozen=True)
class _Reading:
    wall: float
    monotonic: float
    cpu: tuple[Mapping[str, float], ...]
    disks: Mapping[str, Any]
    swap_in: int
    swap_out: int
    oom_kills: int | None
    pressure: Mapping[str, procfs.PressureTotals | None]
    throttle: int | None
    processes: Mapping[int, ProcessReading]


def take_snapshot(interval: float = SAMPLE_SECONDS, skip_pids: frozenset[int] = frozenset(),
                  home: Path | None = None) -> Snapshot:
    """Sample the system for about ``interval`` seconds.

    Args:
        skip_pids: processes never to blame (nlsh itself: it is the one measuring).
        home: the user's home, to tell which filesystem holds it.
    """
    first = _read(skip_pids)
    # The window opened when the first reading began: reading thousands of processes
    # counts towards it rather than adding to it.
    run_queue = _average_run_queue(first.monotonic + interval)
    second = _read(skip_pids)
    elapsed = max(second.monotonic - first.monotonic, 1e-3)
    cores = len(second.cpu) or 1
    processes = process_samples(dict(first.processes), dict(second.processes),
                                started=first.wall, elapsed=elapsed, cores=cores)
    names = {p.pid: p.name for p in processes}
    deleted, unreadable_fds = procfs.deleted_open_files(skip_pids)
    temperatures = _temperatures()
    pressure = {r: _pressure(first.pressure[r], second.pressure[r], elapsed) for r in _PSI}
    throttle = (second.throttle - first.throttle
                if first.throttle is not None and second.throttle is not None else None)

    checked = ["cpu utilization per core", "steal time", "load average",
               "available memory", "swap activity", "filesystem space and inodes",
               "deleted files held open", "disk busy time and latency",
               "per-process cpu, memory and i/o", "uninterruptible processes",
               "zombie and runaway processes"]
    unavailable: list[str] = []
    for label, present in (
        ("run queue (/proc/stat)", run_queue is not None),
        *((f"{r} pressure (/proc/pressure/{r})", pressure[r] is not None) for r in _PSI),
        ("oom kills (/proc/vmstat)", second.oom_kills is not None),
        ("temperature sensors", bool(temperatures)),
        ("thermal throttle counters", throttle is not None),
    ):
        (checked if present else unavailable).append(label)
    if unreadable_fds:
        unavailable.append(f"open files of {unreadable_fds} processes (permission denied)")

    return Snapshot(
        sampled_seconds=round(elapsed, 3),
        cpu=_cpu(first, second, run_queue),
        memory=_memory(first, second, elapsed),
        cpu_pressure=pressure["cpu"],
        memory_pressure=pressure["memory"],
        io_pressure=pressure["io"],
        filesystems=_filesystems(home),
        disks=_disks(first, second, elapsed),
        processes=processes,
        deleted_files=tuple(
            DeletedFile(pid=f.pid, name=names.get(f.pid) or _comm(f.pid), path=f.path,
                        size_bytes=f.allocated_bytes, st_dev=f.st_dev, inode=f.inode)
            for f in deleted),
        temperatures=temperatures,
        throttle_events=throttle,
        checked=tuple(checked),
        unavailable=tuple(unavailable),
    )


def _read(skip_pids: frozenset[int]) -> _Reading:
    swap = psutil.swap_memory()
    return _Reading(
        wall=time.time(),
        monotonic=time.monotonic(),
        cpu=tuple(t._asdict() for t in psutil.cpu_times(percpu=True)),
        disks=psutil.disk_io_counters(perdisk=True, nowrap=True) or {},
        swap_in=swap.sin,
        swap_out=swap.sout,
        oom_kills=procfs.oom_kills(),
        pressure={r: procfs.pressure_totals(r) for r in _PSI},
        throttle=procfs.throttle_events(),
        processes=read_processes(skip_pids),
    )


def _average_run_queue(deadline: float) -> float | None:
    """The run queue looked at every ``RUN_QUEUE_POLL_SECONDS`` until ``deadline``
    (monotonic), at least once."""
    looks: list[int] = []
    while True:
        left = deadline - time.monotonic()
        if left > 0:
            time.sleep(min(RUN_QUEUE_POLL_SECONDS, left))
        running = procfs.procs_running()
        if running is not None:
            looks.append(max(running - 1, 0))  # not counting ourselves, reading it
        if deadline - time.monotonic() <= 0:
            break
    return round(sum(looks) / len(looks), 2) if looks else None


def _cpu(first: _Reading, second: _Reading, run_queue: float | None) -> CpuSample:
    per_core: list[float] = []
    busy = iowait = steal = total = 0.0
    for before, after in zip(first.cpu, second.cpu, strict=False):
        delta = {k: after[k] - before.get(k, 0.0) for k in after}
        core_total = sum(v for k, v in delta.items() if k not in ("guest", "guest_nice"))
        core_busy = sum(v for k, v in delta.items() if k not in _NOT_BUSY)
        per_core.append(_percent(core_busy, core_total))
        busy, total = busy + core_busy, total + core_total
        iowait += delta.get("iowait", 0.0)
        steal += delta.get("steal", 0.0)
    one, five, fifteen = os.getloadavg()
    return CpuSample(cores=len(second.cpu) or 1, busy_percent=_percent(busy, total),
                     per_core_busy_percent=tuple(per_core),
                     iowait_percent=_percent(iowait, total),
                     steal_percent=_percent(steal, total), run_queue=run_queue,
                     load_avg=(round(one, 2), round(five, 2), round(fifteen, 2)))


def _percent(part: float, whole: float) -> float:
    return round(min(max(part / whole * 100, 0.0), 100.0), 1) if whole > 0 else 0.0


def _memory(first: _Reading, second: _Reading, elapsed: float) -> MemorySample:
    virtual = psutil.virtual_memory()
    swap = psutil.swap_memory()
    oom_during = (second.oom_kills - first.oom_kills
                  if first.oom_kills is not None and second.oom_kills is not None else None)
    return MemorySample(
        total_bytes=virtual.total, available_bytes=virtual.available,
        swap_total_bytes=swap.total, swap_used_bytes=swap.used,
        swap_in_bytes_per_s=round(max(second.swap_in - first.swap_in, 0) / elapsed, 1),
        swap_out_bytes_per_s=round(max(second.swap_out - first.swap_out, 0) / elapsed, 1),
        oom_kills_since_boot=second.oom_kills, oom_kills_during_sample=oom_during)


def _pressure(before: procfs.PressureTotals | None, after: procfs.PressureTotals | None,
              elapsed: float) -> Pressure | None:
    if before is None or after is None:
        return None

    def share(start: int, end: int) -> float:
        return round(min(max((end - start) / (elapsed * 1e6) * 100, 0.0), 100.0), 1)

    full = (share(before.full_us, after.full_us)
            if before.full_us is not None and after.full_us is not None else None)
    return Pressure(some_percent=share(before.some_us, after.some_us), full_percent=full)


def _disks(first: _Reading, second: _Reading, elapsed: float) -> tuple[DiskActivity, ...]:
    disks = procfs.whole_disks()
    activity: list[DiskActivity] = []
    for name, after in second.disks.items():
        before = first.disks.get(name)
        if before is None or (disks and name not in disks):
            continue  # partitions would count their disk's I/O twice
        if after.read_count + after.write_count == 0:
            continue  # never used since boot (spare loop devices)
        ops = (after.read_count - before.read_count) + (after.write_count - before.write_count)
        waited_ms = (after.read_time - before.read_time) + (after.write_time - before.write_time)
        busy_ms = getattr(after, "busy_time", 0) - getattr(before, "busy_time", 0)
        activity.append(DiskActivity(
            name=name,
            busy_percent=round(min(max(busy_ms / (elapsed * 1000) * 100, 0.0), 100.0), 1),
            read_bytes_per_s=round(max(after.read_bytes - before.read_bytes, 0) / elapsed, 1),
            write_bytes_per_s=round(max(after.write_bytes - before.write_bytes, 0) / elapsed,
                                    1),
            ops_per_s=round(max(ops, 0) / elapsed, 1),
            latency_ms=round(waited_ms / ops, 1) if ops > 0 else None))
    return tuple(activity)


def _filesystems(home: Path | None) -> tuple[FilesystemUsage, ...]:
    home_dev = _device_of(home) if home is not None else None
    seen: set[int] = set()
    usages: list[FilesystemUsage] = []
    for part in psutil.disk_partitions(all=False):
        if "ro" in part.opts.split(","):
            continue  # a full read-only filesystem (a squashfs image) is not a problem
        try:
            usage = psutil.disk_usage(part.mountpoint)
            inodes = os.statvfs(part.mountpoint)
            st_dev = os.stat(part.mountpoint).st_dev
        except OSError:
            continue
        if st_dev in seen or usage.total == 0:
            continue  # bind mounts repeat a filesystem
        seen.add(st_dev)
        usages.append(FilesystemUsage(
            mountpoint=part.mountpoint, device=part.device, fstype=part.fstype, st_dev=st_dev,
            total_bytes=usage.total, free_bytes=usage.free, used_percent=usage.percent,
            inodes_used_percent=(round((inodes.f_files - inodes.f_ffree) / inodes.f_files
                                       * 100, 1) if inodes.f_files else None),
            holds_home=st_dev == home_dev))
    return tuple(usages)


def _device_of(path: Path) -> int | None:
    try:
        return os.stat(path).st_dev
    except OSError:
        return None


def _temperatures() -> tuple[Temperature, ...]:
    reader = getattr(psutil, "sensors_temperatures", None)
    if reader is None:
        return ()
    try:
        sensors = reader()
    except (OSError, RuntimeError):
        return ()
    return tuple(
        Temperature(sensor=sensor, label=entry.label or sensor, current_c=entry.current,
                    high_c=entry.high, critical_c=entry.critical)
        for sensor, entries in sensors.items() for entry in entries)


def _comm(pid: int) -> str:
    try:
        return (procfs.PROC / str(pid) / "comm").read_text().strip() or "?"
    except OSError:
        return "?"
