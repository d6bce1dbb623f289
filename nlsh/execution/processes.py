"""Verbs that signal processes or change their priority, and the wait after SIGTERM.

Each verb pins its target right before acting: the process with the step's pid must
have the step's creation time, or the step is SKIPPED ("no longer the same process").
Signals go through a pidfd opened *before* that check, so the signal reaches exactly
the process that was checked even if the pid is reused in between.

Consistent outcomes: DONE means nlsh acted; SKIPPED means it did not act because the
target had already exited or is another process now; FAILED means it tried and the
system refused (permission) or the process survived SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psutil

from nlsh.context import Context
from nlsh.execution.identity import Changed, denied, pin, pin_to_act
from nlsh.execution.priorities import ionice, renice
from nlsh.stages import Plan, ProcessRef, Risk, Step, StepResult, StepStatus

__all__ = ["ionice", "kill", "renice", "resume", "send_signal", "settle_terminated", "suspend",
           "terminate"]

TERMINATE_GRACE_SECONDS = 3.0
STOP_WAIT_SECONDS = 1.0


@contextmanager
def _pidfd(pid: int) -> Iterator[int | None]:
    """A pidfd for ``pid`` (None where the kernel has none: plain kill() is used)."""
    try:
        fd: int | None = os.pidfd_open(pid)
    except ProcessLookupError:
        raise Changed(f"pid {pid} had already exited") from None
    except (OSError, AttributeError):
        fd = None
    try:
        yield fd
    finally:
        if fd is not None:
            os.close(fd)


def _send(pid: int, fd: int | None, signum: signal.Signals) -> None:
    if fd is not None:
        signal.pidfd_send_signal(fd, signum)
    else:
        os.kill(pid, signum)


def _signal(step: Step, ctx: Context, signum: signal.Signals, done: str,
            verb: str) -> tuple[StepResult, bool]:
    """Send ``signum`` to the step's process; the flag says whether it was sent."""
    ref = step.target
    if not isinstance(ref, ProcessRef):
        return StepResult(step, StepStatus.FAILED, "this step has no process to signal"), False
    try:
        with _pidfd(ref.pid) as fd:
            paused = pin_to_act(ref, ctx).status() == psutil.STATUS_STOPPED
            _send(ref.pid, fd, signum)
            if signum == signal.SIGTERM and paused:
                # A paused process acts on SIGTERM only once it runs again (as kill(1) does).
                _send(ref.pid, fd, signal.SIGCONT)
    except Changed as change:
        return StepResult(step, StepStatus.SKIPPED, str(change)), False
    except (ProcessLookupError, psutil.NoSuchProcess):
        return StepResult(step, StepStatus.SKIPPED, f"pid {ref.pid} had already exited"), False
    except (PermissionError, psutil.AccessDenied):
        return StepResult(step, StepStatus.FAILED, denied(ref, verb)), False
    return StepResult(step, StepStatus.DONE, done), True


def send_signal(step: Step, ctx: Context, signum: signal.Signals, done: str,
                verb: str) -> StepResult:
    """Send ``signum`` to the step's pinned process (for verbs defined elsewhere)."""
    return _signal(step, ctx, signum, done, verb)[0]


def terminate(step: Step, ctx: Context) -> StepResult:
    return _signal(step, ctx, signal.SIGTERM, "sent SIGTERM", "ending")[0]


def kill(step: Step, ctx: Context) -> StepResult:
    return _signal(step, ctx, signal.SIGKILL, "killed (SIGKILL)", "killing")[0]


def suspend(step: Step, ctx: Context) -> StepResult:
    ref = step.target
    if isinstance(ref, ProcessRef):
        with contextlib.suppress(Changed, psutil.Error):
            if pin(ref).status() == psutil.STATUS_STOPPED:
                return StepResult(step, StepStatus.SKIPPED, "already paused (not by this step)")
    result, sent = _signal(step, ctx, signal.SIGSTOP, "paused (SIGSTOP)", "pausing")
    if not sent:
        return result
    assert isinstance(ref, ProcessRef)
    undo = Step(action="resume", target=ref, detail="continue (SIGCONT) what was paused")
    message = result.message if _stops(ref, STOP_WAIT_SECONDS) else (
        f"SIGSTOP sent, but it has not stopped yet after {STOP_WAIT_SECONDS:g} s (it may be "
        "waiting on a disk or a device); it stops when that returns")
    return StepResult(step, result.status, message, undo=undo.to_json())


def _stops(ref: ProcessRef, seconds: float) -> bool:
    """Whether the process is stopped within ``seconds``: SIGSTOP lands asynchronously, and
    a "resume" typed right after must find it paused."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if psutil.Process(ref.pid).status() in (psutil.STATUS_STOPPED,
                                                    psutil.STATUS_TRACING_STOP):
                return True
        except psutil.Error:
            return True  # gone: nothing is left running
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)


def resume(step: Step, ctx: Context) -> StepResult:
    ref = step.target
    if isinstance(ref, ProcessRef):
        with contextlib.suppress(Changed, psutil.Error):
            if pin(ref).status() != psutil.STATUS_STOPPED:
                return StepResult(step, StepStatus.SKIPPED, "not paused; left as it is")
    return _signal(step, ctx, signal.SIGCONT, "resumed (SIGCONT)", "resuming")[0]


def settle_terminated(results: list[StepResult],
                      ctx: Context) -> tuple[list[StepResult], Plan | None]:
    """Wait for every process sent SIGTERM, together; survivors are FAILED and offered SIGKILL."""
    waiting: dict[int, psutil.Process | None] = {}
    for index, result in enumerate(results):
        ref = result.step.target
        if (result.step.action == "terminate" and result.status is StepStatus.DONE
                and isinstance(ref, ProcessRef)):
            try:
                waiting[index] = pin(ref)
            except Changed:
                waiting[index] = None  # exited already (a reused pid means ours is gone too)
    survivors = _wait([p for p in waiting.values() if p is not None], TERMINATE_GRACE_SECONDS)
    settled = list(results)
    kills: list[Step] = []
    for index, process in waiting.items():
        step = results[index].step
        if process is not None and process in survivors:
            settled[index] = StepResult(step, StepStatus.FAILED, "still running after SIGTERM")
            kills.append(Step(action="kill", target=step.target, group=step.group,
                              detail="SIGKILL: it ignored SIGTERM; unsaved work is lost"))
        else:
            settled[index] = StepResult(step, StepStatus.DONE, "exited after SIGTERM")
    if not kills:
        return settled, None
    count = len(kills)
    follow_up = Plan(intent="process.kill", risk=Risk.HIGH, reversible=False,
                     summary=f"Kill (SIGKILL) the {count} process{'es' if count > 1 else ''} "
                             "still running after SIGTERM", steps=tuple(kills))
    return settled, follow_up


def _wait(processes: list[psutil.Process], seconds: float) -> list[psutil.Process]:
    """The processes still running after ``seconds``; a zombie counts as exited."""
    deadline = time.monotonic() + seconds
    alive = processes
    while alive:
        _, alive = psutil.wait_procs(alive, timeout=max(0.0, min(0.1, deadline -
                                                                 time.monotonic())))
        alive = [p for p in alive if not _exited(p)]
        if time.monotonic() >= deadline:
            break
    return alive


def _exited(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True
    except psutil.AccessDenied:
        return False
