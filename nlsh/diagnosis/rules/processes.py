"""Processes misbehaving on their own: busy loops that hold a core, uncollected zombies."""

from __future__ import annotations

from collections import Counter

from nlsh.diagnosis import suggestions
from nlsh.diagnosis.finding import Culprit, Finding, Severity
from nlsh.diagnosis.rules.culprits import NAMED_AT_MOST, name_of, process_of
from nlsh.diagnosis.snapshot import Snapshot

RUNAWAY_CPU_PERCENT = 90.0  # of one core, for the whole sample: a busy loop, not a burst
ZOMBIE_WARNING_COUNT = 20  # a few zombies are harmless; many mean a parent that never reaps


def runaway_processes(snapshot: Snapshot) -> Finding | None:
    """Processes that kept a whole core busy from the first reading to the last."""
    runaways = sorted((p for p in snapshot.processes
                       if p.whole_sample and p.cpu_percent >= RUNAWAY_CPU_PERCENT),
                      key=lambda p: (-p.cpu_percent, p.pid))
    if not runaways:
        return None
    top = runaways[0]
    others = len(runaways) - 1
    summary = f"{top.name} (pid {top.pid}) kept a CPU core busy for the whole sample " \
              f"({top.cpu_percent:.0f}% of a core)"
    if others:
        summary += f", and {others} other process{'es' if others != 1 else ''} did too"
    return Finding(
        resource="processes", severity=Severity.WARNING, summary=summary,
        evidence={"runaway_processes": len(runaways), "cpu_percent": top.cpu_percent,
                  "sampled_seconds": snapshot.sampled_seconds},
        processes=tuple(Culprit(p.pid, p.name, {"cpu_percent": p.cpu_percent})
                        for p in runaways[:NAMED_AT_MOST]),
        **suggestions.offer(suggestions.lower_priority(top)),
        score=top.cpu_percent / RUNAWAY_CPU_PERCENT)


def zombies(snapshot: Snapshot) -> Finding | None:
    """Finished processes their parent never collected; names the parents."""
    zombie_list = [p for p in snapshot.processes if p.status == "zombie"]
    if not zombie_list:
        return None
    parents = Counter(p.ppid for p in zombie_list if p.ppid is not None)
    ranked = sorted(parents, key=lambda pid: (-parents[pid], pid))
    count = len(zombie_list)
    summary = f"{count} zombie process{'es' if count != 1 else ''} (ended, never collected " \
              "by the parent)"
    if ranked:
        summary += f"; parent: {name_of(snapshot, ranked[0])} (pid {ranked[0]})"
    return Finding(
        resource="processes",
        severity=Severity.WARNING if count >= ZOMBIE_WARNING_COUNT else Severity.INFO,
        summary=summary, evidence={"zombie_processes": count},
        processes=tuple(Culprit(pid, name_of(snapshot, pid), {"zombie_children": parents[pid]})
                        for pid in ranked[:NAMED_AT_MOST]),
        **suggestions.offer(suggestions.show_process(
            process_of(snapshot, ranked[0]) if ranked else zombie_list[0])),
        score=count / ZOMBIE_WARNING_COUNT)
