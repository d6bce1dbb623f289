"""The only code that changes the system.

``execute(plan, ctx, text)`` runs each step through its verb (the registry's verbs,
``nlsh/builtin.py`` or a plugin's), journaling the
step before and after it runs. Verbs re-check their target's identity right before
acting (pid + create time, device + inode) and skip a target that changed. After all
steps, a verb's *settler* may finish the work for the whole plan at once (wait for
terminated processes together, offer SIGKILL for the survivors as a follow-up plan).

An interrupt (Ctrl-C, SIGTERM) stops the plan, also while waiting for terminated
processes: the step in flight finishes, steps done are journaled as done, the rest as not
run, and the outcome says it was interrupted. Nothing runs unless the journal can be written.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from nlsh import capabilities
from nlsh.context import Context, Progress, silent_progress
from nlsh.errors import JournalError
from nlsh.interrupts import deferred
from nlsh.stages import Outcome, Plan, Step, StepResult, StepStatus


def execute(plan: Plan, ctx: Context, text: str) -> Outcome:
    """Run ``plan`` (see ``_execute``), reading every process live, never from the
    request's process table."""
    from nlsh.system.processes import live_reads

    with live_reads():
        return _execute(plan, ctx, text)


def _execute(plan: Plan, ctx: Context, text: str) -> Outcome:
    """Run ``plan`` step by step; never raises for a failing step (it becomes FAILED).

    Nothing runs unless the journal takes the plan's first entry (JournalError, nothing
    changed); a step runs only once its "before" entry is written, so a journal that
    fills up mid-plan fails the step at hand and leaves the rest not run.
    """
    request = ctx.journal.new_id()
    if not (ctx.journal.writable
            and ctx.journal.record("request", request, text=text, intent=plan.intent,
                                   status="running", message=plan.summary,
                                   steps=len(plan.steps), reversible=plan.reversible,
                                   undoes=plan.undoes)):
        raise JournalError(f"not run: the journal cannot be written ({ctx.journal.path}), "
                           "and every action must be journaled")
    results: list[StepResult] = []
    after_written = 0  # how many results have their "after" entry
    interrupted = False
    stopped: str | None = None  # why the rest is not run
    follow_up: Plan | None = None
    total = len(plan.steps)
    try:
        with _progress(plan, ctx) as progress:
            for index, step in enumerate(plan.steps):
                if not ctx.journal.record("step", request, index=index, phase="before",
                                          step=step.to_json()):
                    results.append(StepResult(step, StepStatus.FAILED, _UNJOURNALED))
                    stopped = _UNJOURNALED
                    break
                # The step in flight finishes and is journaled; an interrupt meanwhile takes
                # effect right after it (a signal sent, a file moved, then the record).
                with deferred():
                    result = _perform(step, ctx)
                    results.append(result)
                    written = _record_after(ctx, request, index, result)
                    after_written = len(results)
                if not written:
                    stopped = _UNJOURNALED
                    break
                progress.update(f"{plan.summary}: step {index + 1} of {total}",
                                completed=index + 1, total=total)
        if stopped is None:
            results, follow_up = _settle(results, ctx, request)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM (nlsh.interrupts): stop here
        interrupted = True
    with deferred():
        return _close(plan, ctx, request, results, after_written, interrupted, stopped,
                      follow_up)


_UNJOURNALED = "not run: the journal cannot be written"

# A plan this long shows its progress step by step (a bar on a terminal).
PROGRESS_FROM_STEPS = 20


def _progress(plan: Plan, ctx: Context) -> AbstractContextManager[Progress]:
    if len(plan.steps) < PROGRESS_FROM_STEPS:
        return silent_progress(plan.summary)
    return ctx.progress(plan.summary)


def _record_after(ctx: Context, request: str, index: int, result: StepResult) -> bool:
    """Journal what became of step ``index``; False when the entry could not be written."""
    return ctx.journal.record("step", request, index=index, phase="after",
                              status=result.status.value, message=result.message,
                              undo=dict(result.undo) if result.undo else None,
                              step=result.step.to_json())


def _close(plan: Plan, ctx: Context, request: str, results: list[StepResult],
           after_written: int, interrupted: bool, stopped: str | None,
           follow_up: Plan | None) -> Outcome:
    """Journal what became of every step (done, in flight, not run) and the outcome."""
    for index in range(after_written, len(results)):  # interrupted before its "after" entry
        _record_after(ctx, request, index, results[index])
    reason = "not run (interrupted)" if interrupted else (stopped or "not run")
    for index in range(len(results), len(plan.steps)):
        results.append(StepResult(plan.steps[index], StepStatus.NOT_RUN, reason))
        _record_after(ctx, request, index, results[index])
    outcome = Outcome(tuple(results), interrupted=interrupted,
                      follow_up=None if interrupted else follow_up)
    final = "interrupted" if interrupted else ("failed" if outcome.failed else "done")
    ctx.journal.record("finish", request, intent=plan.intent, status=final,
                       done=outcome.done, reversible=plan.reversible,
                       undo=[dict(r.undo) for r in results if r.undo], undoes=plan.undoes)
    return outcome


def _perform(step: Step, ctx: Context) -> StepResult:
    definition = capabilities.verb(step.action)
    if definition is None:
        return StepResult(step, StepStatus.FAILED, f"unknown action {step.action!r}")
    verb = definition.executor()
    try:
        return verb(step, ctx)
    except OSError as error:
        return StepResult(step, StepStatus.FAILED, error.strerror or str(error))


def _settle(results: list[StepResult], ctx: Context,
            request: str) -> tuple[list[StepResult], Plan | None]:
    follow_up: Plan | None = None
    for action in {r.step.action for r in results}:
        definition = capabilities.verb(action)
        if definition is None or definition.settler is None:
            continue
        settler = definition.settler()
        before = list(results)
        results, extra = settler(results, ctx)
        follow_up = follow_up or extra
        for index, (old, new) in enumerate(zip(before, results, strict=True)):
            if old != new:
                ctx.journal.record("step", request, index=index, phase="settled",
                                   status=new.status.value, message=new.message,
                                   step=new.step.to_json())
    return results, follow_up
