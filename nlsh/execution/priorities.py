"""The renice and ionice verbs: change every thread, keep each thread's old value for undo.

``params`` of a renice step: ``nice`` (−20…19) and, in an undo, ``threads`` mapping each
thread id to the exact value to restore (threads started since get ``nice``). An ionice
step has ``ioclass`` (none, idle, best-effort, realtime), ``value`` (0–7 for best-effort
and realtime) and, in an undo, ``threads``. A change refused half-way is rolled back.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from typing import Any

import psutil

from nlsh.context import Context
from nlsh.execution.identity import Changed, denied, pin_to_act
from nlsh.stages import ProcessRef, Step, StepResult, StepStatus
from nlsh.system.processes import user_name
from nlsh.system.scheduling import (
    IO_CLASSES,
    NICE_MAX,
    NICE_MIN,
    IoPriority,
    io_priority,
    thread_ids,
)

RAISE_NEEDS = "root or the CAP_SYS_NICE capability"
REALTIME_NEEDS = "root (CAP_SYS_ADMIN or CAP_SYS_NICE)"


def valid_nice(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and NICE_MIN <= value <= NICE_MAX


def io_priority_from(data: object) -> IoPriority | None:
    """An ``IoPriority`` from step params; None when they do not describe a valid one."""
    if not isinstance(data, Mapping):
        return None
    ioclass, value = data.get("ioclass"), data.get("value")
    if ioclass in ("best-effort", "realtime"):
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 7:
            return IoPriority(str(ioclass), value)
        return None
    return IoPriority(str(ioclass), None) if ioclass in IO_CLASSES else None


def _not_mine(ref: ProcessRef) -> bool:
    return ref.username is not None and ref.username != user_name(os.geteuid())


def _restore_nices(changed: Mapping[int, int]) -> None:
    for tid, value in changed.items():
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, tid, value)


def renice(step: Step, ctx: Context) -> StepResult:
    ref = step.target
    value = step.params.get("nice")
    exact: Mapping[str, Any] = step.params.get("threads") or {}
    if not isinstance(ref, ProcessRef):
        return StepResult(step, StepStatus.FAILED, "this step has no process to renice")
    if not valid_nice(value) or not all(valid_nice(v) for v in exact.values()):
        return StepResult(step, StepStatus.FAILED,
                          f"nice must be a whole number from {NICE_MIN} to {NICE_MAX}")
    assert isinstance(value, int)
    try:
        pin_to_act(ref, ctx)
    except Changed as change:
        return StepResult(step, StepStatus.SKIPPED, str(change))
    before: dict[int, int] = {}
    for tid in thread_ids(ref.pid):
        wanted = int(exact.get(str(tid), value))
        try:
            old = os.getpriority(os.PRIO_PROCESS, tid)
            if old != wanted:
                os.setpriority(os.PRIO_PROCESS, tid, wanted)
        except ProcessLookupError:
            continue  # the thread ended meanwhile
        except PermissionError:
            _restore_nices(before)
            if _not_mine(ref):
                return StepResult(step, StepStatus.FAILED, denied(ref, "changing the priority of"))
            return StepResult(step, StepStatus.FAILED,
                              f"permission denied: raising the priority of pid {ref.pid} "
                              f"(nice {old} → {wanted}) needs {RAISE_NEEDS}")
        before[tid] = old
    if not before:
        return StepResult(step, StepStatus.SKIPPED, f"pid {ref.pid} had already exited")
    main = before.get(ref.pid, next(iter(before.values())))
    undo = Step(action="renice", target=ref, detail=f"restore nice {main}",
                params={"nice": main, "threads": {str(t): v for t, v in before.items()}})
    olds = sorted(set(before.values()))
    shown = str(olds[0]) if len(olds) == 1 else f"{olds[0]}…{olds[-1]}"
    threads = len(before)
    return StepResult(step, StepStatus.DONE,
                      f"nice {shown} → {value} on {threads} thread{'s' if threads > 1 else ''}",
                      undo=undo.to_json())


def _set_io(tid: int, priority: IoPriority) -> None:
    psutil.Process(tid).ionice(IO_CLASSES[priority.ioclass], priority.value)


def _restore_io(changed: Mapping[int, IoPriority]) -> None:
    for tid, priority in changed.items():
        with contextlib.suppress(psutil.Error, ValueError):
            _set_io(tid, priority)


def ionice(step: Step, ctx: Context) -> StepResult:
    ref = step.target
    wanted_all = io_priority_from(step.params)
    raw_threads: Mapping[str, Any] = step.params.get("threads") or {}
    exact = {tid: io_priority_from(data) for tid, data in raw_threads.items()}
    if not isinstance(ref, ProcessRef):
        return StepResult(step, StepStatus.FAILED, "this step has no process to change")
    if wanted_all is None or any(p is None for p in exact.values()):
        return StepResult(step, StepStatus.FAILED, "not a valid I/O class and level: "
                          f"{dict(step.params)!r}")
    try:
        pin_to_act(ref, ctx)
    except Changed as change:
        return StepResult(step, StepStatus.SKIPPED, str(change))
    before: dict[int, IoPriority] = {}
    for tid in thread_ids(ref.pid):
        wanted = exact.get(str(tid)) or wanted_all
        old = io_priority(tid)
        if old is None:
            continue
        try:
            _set_io(tid, wanted)
        except psutil.NoSuchProcess:
            continue
        except psutil.AccessDenied:
            _restore_io(before)
            if wanted.ioclass == "realtime" and not _not_mine(ref):
                message = f"permission denied: the realtime I/O class needs {REALTIME_NEEDS}"
            else:
                message = denied(ref, "changing the I/O priority of")
            return StepResult(step, StepStatus.FAILED, message)
        before[tid] = old
    if not before:
        return StepResult(step, StepStatus.SKIPPED, f"pid {ref.pid} had already exited")
    main = before.get(ref.pid, next(iter(before.values())))
    undo = Step(action="ionice", target=ref, detail=f"restore I/O priority {main.describe()}",
                params={"ioclass": main.ioclass, "value": main.value,
                        "threads": {str(t): {"ioclass": p.ioclass, "value": p.value}
                                    for t, p in before.items()}})
    olds = sorted({p.describe() for p in before.values()})
    threads = len(before)
    return StepResult(step, StepStatus.DONE,
                      f"I/O priority {', '.join(olds)} → {wanted_all.describe()} on {threads} "
                      f"thread{'s' if threads > 1 else ''}", undo=undo.to_json())
