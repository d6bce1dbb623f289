"""CPU: is it busy (utilization), are tasks queueing for it (saturation), is it stolen?"""

from __future__ import annotations

from nlsh.diagnosis import suggestions
from nlsh.diagnosis.finding import Finding, graded, worst
from nlsh.diagnosis.rules.culprits import by_cpu, cpu_culprits
from nlsh.diagnosis.snapshot import Snapshot

BUSY_WARNING_PERCENT = 80.0  # most of every core is taken: new work starts to wait
BUSY_CRITICAL_PERCENT = 95.0  # no headroom at all: everything interactive lags
STALL_WARNING_PERCENT = 20.0  # tasks waited for a CPU a fifth of the time (PSI "some")
STALL_CRITICAL_PERCENT = 50.0  # tasks waited for a CPU half the time
# Without PSI, the sampled run queue stands in: runnable tasks per core.
RUN_QUEUE_WARNING_PER_CORE = 2.0
RUN_QUEUE_CRITICAL_PER_CORE = 4.0
HOG_CPU_PERCENT = 25.0  # of one core: worth deprioritising by name; less is a crowd
STEAL_WARNING_PERCENT = 10.0  # the hypervisor withholds a tenth of the CPU time
STEAL_CRITICAL_PERCENT = 25.0  # a quarter: the host is badly oversubscribed


def cpu_saturation(snapshot: Snapshot) -> Finding | None:
    """The CPU is busy or tasks wait for it; names the busiest processes."""
    cpu = snapshot.cpu
    pressure = snapshot.cpu_pressure
    if pressure is not None:
        waiting = graded(pressure.some_percent, STALL_WARNING_PERCENT, STALL_CRITICAL_PERCENT)
    elif cpu.run_queue is not None:
        waiting = graded(cpu.run_queue / cpu.cores, RUN_QUEUE_WARNING_PER_CORE,
                         RUN_QUEUE_CRITICAL_PER_CORE)
    else:
        waiting = None
    grade = worst(graded(cpu.busy_percent, BUSY_WARNING_PERCENT, BUSY_CRITICAL_PERCENT),
                  waiting)
    if grade is None:
        return None
    severity, score = grade
    busiest = by_cpu(snapshot)
    evidence: dict[str, object] = {
        "cpu_percent": cpu.busy_percent, "cores": cpu.cores,
        "per_core_percent": list(cpu.per_core_busy_percent), "load_avg_1m": cpu.load_avg[0],
    }
    if cpu.run_queue is not None:
        evidence["run_queue"] = cpu.run_queue
    summary = f"The CPU is {'overloaded' if severity.rank == 2 else 'busy'}: " \
              f"{cpu.busy_percent:.0f}% of {cpu.cores} core{'s' if cpu.cores != 1 else ''} in use"
    if pressure is not None:
        evidence["cpu_pressure_some_percent"] = pressure.some_percent
        if pressure.some_percent >= STALL_WARNING_PERCENT:
            summary += f", tasks waited for a CPU {pressure.some_percent:.0f}% of the time"
    if busiest:
        top = busiest[0]
        summary += f"; busiest: {top.name} (pid {top.pid}, {top.cpu_percent:.0f}% of a core)"
    hog = busiest[0] if busiest and busiest[0].cpu_percent >= HOG_CPU_PERCENT else None
    return Finding(
        resource="cpu", severity=severity, summary=summary, evidence=evidence,
        processes=cpu_culprits(busiest), score=score,
        **suggestions.offer(suggestions.lower_priority(hog) if hog else suggestions.TOP_CPU))


def cpu_steal(snapshot: Snapshot) -> Finding | None:
    """A virtual machine whose host keeps CPU time from it: nothing local is to blame."""
    steal = snapshot.cpu.steal_percent
    grade = graded(steal, STEAL_WARNING_PERCENT, STEAL_CRITICAL_PERCENT)
    if grade is None:
        return None
    return Finding(
        resource="cpu", severity=grade[0],
        summary=f"The virtual machine's host withheld {steal:.0f}% of CPU time (steal time); "
                "other guests on the host compete for it",
        evidence={"steal_percent": steal, "cores": snapshot.cpu.cores},
        processes=(), **suggestions.offer(suggestions.TOP_CPU), score=grade[1])
