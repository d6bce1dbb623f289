"""Disk I/O: busy devices, slow I/O, tasks stalled on I/O or stuck in uninterruptible sleep."""

from __future__ import annotations

from nlsh.diagnosis import suggestions
from nlsh.diagnosis.finding import Culprit, Finding, Severity, graded, worst
from nlsh.diagnosis.rules.culprits import NAMED_AT_MOST, by_io, io_rate
from nlsh.diagnosis.snapshot import DiskActivity, Snapshot
from nlsh.render.units import human_bytes

BUSY_WARNING_PERCENT = 80.0  # the device is rarely idle: requests start queueing
BUSY_CRITICAL_PERCENT = 95.0
LATENCY_WARNING_MS = 50.0  # ten times a healthy spinning disk; users feel it as stutter
LATENCY_CRITICAL_MS = 200.0
LATENCY_MIN_OPS_PER_S = 5.0  # a handful of slow requests say little about the device
STALL_WARNING_PERCENT = 20.0  # tasks waited on I/O a fifth of the time (PSI "some")
STALL_CRITICAL_PERCENT = 50.0
STUCK_WARNING_COUNT = 3  # several tasks stuck in D state: a hung device or network mount


def io_saturation(snapshot: Snapshot) -> Finding | None:
    """A device busy or slow, or tasks stalled on I/O; names the processes doing the I/O."""
    graded_disks = [(grade, disk) for disk in snapshot.disks
                    if (grade := _disk_grade(disk)) is not None]
    stall = snapshot.io_pressure
    stall_grade = (graded(stall.some_percent, STALL_WARNING_PERCENT, STALL_CRITICAL_PERCENT)
                   if stall is not None else None)
    disk_grade, disk = (max(graded_disks, key=lambda g: (g[0][0].rank, g[0][1]))
                        if graded_disks else (None, _busiest(snapshot.disks)))
    grade = worst(disk_grade, stall_grade)
    if grade is None:
        return None
    heavy = by_io(snapshot)
    stuck = [p for p in snapshot.processes if p.stuck_in_disk_sleep]
    evidence: dict[str, object] = {"iowait_percent": snapshot.cpu.iowait_percent,
                                   "uninterruptible_processes": len(stuck)}
    summary = "I/O is the bottleneck"
    if disk is not None:
        evidence.update({"disk": disk.name, "busy_percent": disk.busy_percent,
                         "read_bytes_per_s": disk.read_bytes_per_s,
                         "write_bytes_per_s": disk.write_bytes_per_s,
                         "ops_per_s": disk.ops_per_s})
        if disk.latency_ms is not None:
            evidence["latency_ms"] = disk.latency_ms
        summary = f"Disk {disk.name} is busy {disk.busy_percent:.0f}% of the time"
        if disk.latency_ms is not None:
            summary += f" ({disk.latency_ms:.0f} ms per request)"
    if stall is not None:
        evidence["io_pressure_some_percent"] = stall.some_percent
        if stall.some_percent >= STALL_WARNING_PERCENT:
            summary += f"; tasks waited on I/O {stall.some_percent:.0f}% of the time"
    if heavy:
        summary += f"; heaviest: {heavy[0].name} (pid {heavy[0].pid}, " \
                   f"{human_bytes(io_rate(heavy[0]))}/s)"
    culprits = [Culprit(p.pid, p.name, {"io_bytes_per_s": io_rate(p)}) for p in heavy]
    culprits += [Culprit(p.pid, p.name, {"uninterruptible": 1})
                 for p in stuck if p.pid not in {c.pid for c in culprits}]
    if heavy:
        suggestion = suggestions.lower_io_priority(heavy[0])
    elif stuck:
        suggestion = suggestions.show_process(stuck[0])
    else:  # nothing nlsh may see is doing it now: the list sampled over a second may
        suggestion = suggestions.TOP_IO
    return Finding(resource="io", severity=grade[0], summary=summary, evidence=evidence,
                   processes=tuple(culprits[:NAMED_AT_MOST]), **suggestions.offer(suggestion),
                   score=grade[1])


def stuck_in_disk_sleep(snapshot: Snapshot) -> Finding | None:
    """Processes in uninterruptible sleep (state D) for the whole sample."""
    stuck = sorted((p for p in snapshot.processes if p.stuck_in_disk_sleep),
                   key=lambda p: p.pid)
    if not stuck:
        return None
    severity = Severity.WARNING if len(stuck) >= STUCK_WARNING_COUNT else Severity.INFO
    count = len(stuck)
    return Finding(
        resource="io", severity=severity,
        summary=f"{count} process{'es' if count != 1 else ''} stuck waiting on I/O "
                f"(uninterruptible sleep), e.g. {stuck[0].name} (pid {stuck[0].pid})",
        evidence={"uninterruptible_processes": count},
        processes=tuple(Culprit(p.pid, p.name) for p in stuck[:NAMED_AT_MOST]),
        **suggestions.offer(suggestions.show_process(stuck[0])),
        score=count / STUCK_WARNING_COUNT)


def _disk_grade(disk: DiskActivity) -> tuple[Severity, float] | None:
    latency = (graded(disk.latency_ms, LATENCY_WARNING_MS, LATENCY_CRITICAL_MS)
               if disk.latency_ms is not None and disk.ops_per_s >= LATENCY_MIN_OPS_PER_S
               else None)
    return worst(graded(disk.busy_percent, BUSY_WARNING_PERCENT, BUSY_CRITICAL_PERCENT),
                 latency)


def _busiest(disks: tuple[DiskActivity, ...]) -> DiskActivity | None:
    return max(disks, key=lambda d: d.busy_percent) if disks else None
