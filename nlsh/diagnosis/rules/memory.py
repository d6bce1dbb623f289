"""Memory: how much is really available, is the system swapping or stalling, OOM kills."""

from __future__ import annotations

from nlsh.diagnosis import suggestions
from nlsh.diagnosis.finding import Culprit, Finding, Severity, graded, graded_below, worst
from nlsh.diagnosis.rules.culprits import applications_by_memory
from nlsh.diagnosis.snapshot import Snapshot
from nlsh.render.units import human_bytes

AVAILABLE_WARNING_PERCENT = 10.0  # the page cache is nearly gone: programs start to wait
AVAILABLE_CRITICAL_PERCENT = 5.0  # the kernel is about to swap hard or kill something
STALL_WARNING_PERCENT = 10.0  # tasks waited for memory a tenth of the time (PSI "some")
STALL_CRITICAL_PERCENT = 30.0
SWAP_WARNING_BYTES_PER_S = 1024 * 1024  # 1 MiB/s in or out of swap: memory is short now
SWAP_CRITICAL_BYTES_PER_S = 20 * 1024 * 1024  # thrashing: the disk is standing in for RAM
APPLICATIONS_NAMED = 3
PIDS_NAMED_PER_APPLICATION = 5


def memory_pressure(snapshot: Snapshot) -> Finding | None:
    """Little memory available, swapping, or tasks stalled on memory."""
    memory = snapshot.memory
    available_percent = round(memory.available_bytes / memory.total_bytes * 100, 1)
    swapping = memory.swap_in_bytes_per_s + memory.swap_out_bytes_per_s
    stall = snapshot.memory_pressure
    grade = worst(
        graded_below(available_percent, AVAILABLE_WARNING_PERCENT, AVAILABLE_CRITICAL_PERCENT),
        graded(swapping, SWAP_WARNING_BYTES_PER_S, SWAP_CRITICAL_BYTES_PER_S),
        graded(stall.some_percent, STALL_WARNING_PERCENT, STALL_CRITICAL_PERCENT)
        if stall is not None else None)
    if grade is None:
        return None
    evidence: dict[str, object] = {
        "available_bytes": memory.available_bytes, "total_bytes": memory.total_bytes,
        "available_percent": available_percent, "swap_used_bytes": memory.swap_used_bytes,
        "swap_in_bytes_per_s": memory.swap_in_bytes_per_s,
        "swap_out_bytes_per_s": memory.swap_out_bytes_per_s,
    }
    if stall is not None:
        evidence["memory_pressure_some_percent"] = stall.some_percent
    apps = applications_by_memory(snapshot)[:APPLICATIONS_NAMED]
    evidence["top_applications"] = [
        {"name": a.name, "rss_bytes": a.rss_bytes, "processes": len(a.pids)} for a in apps]
    summary = (f"Memory is short: {human_bytes(memory.available_bytes)} "
               f"({available_percent:.0f}%) available")
    if swapping >= SWAP_WARNING_BYTES_PER_S:
        summary += f", swapping {human_bytes(swapping)}/s"
    if stall is not None and stall.some_percent >= STALL_WARNING_PERCENT:
        summary += f", tasks waited for memory {stall.some_percent:.0f}% of the time"
    if apps:
        top = apps[0]
        summary += (f"; largest: {top.name} ({human_bytes(top.rss_bytes)} in "
                    f"{len(top.pids)} process{'es' if len(top.pids) != 1 else ''})")
    rss = {p.pid: p.rss_bytes or 0 for p in snapshot.processes}
    culprits = tuple(Culprit(pid, app.name, {"rss_bytes": rss.get(pid, 0)})
                     for app in apps
                     for pid in sorted(app.pids, key=lambda pid: -rss.get(pid, 0))
                     [:PIDS_NAMED_PER_APPLICATION])
    return Finding(resource="memory", severity=grade[0], summary=summary, evidence=evidence,
                   processes=culprits, **suggestions.offer(suggestions.FREE_MEMORY), score=grade[1])


def oom_kills(snapshot: Snapshot) -> Finding | None:
    """The kernel ended processes for lack of memory: during the sample, or since boot."""
    memory = snapshot.memory
    during = memory.oom_kills_during_sample or 0
    since_boot = memory.oom_kills_since_boot or 0
    if since_boot == 0 and during == 0:
        return None
    evidence = {"oom_kills_since_boot": since_boot, "oom_kills_during_sample": during}
    if during:
        # Killing right now means memory is exhausted, whatever else the figures say.
        return Finding(
            resource="memory", severity=Severity.CRITICAL,
            summary=f"Out of memory: the kernel killed {during} process"
                    f"{'es' if during != 1 else ''} during the sample to free memory",
            evidence=evidence, processes=(), **suggestions.offer(suggestions.FREE_MEMORY),
            score=float(during))
    return Finding(
        resource="memory", severity=Severity.INFO,
        summary=f"The kernel has killed {since_boot} process{'es' if since_boot != 1 else ''} "
                "for lack of memory since boot",
        evidence=evidence, processes=(), **suggestions.offer(suggestions.TOP_MEMORY),
        score=float(since_boot))
