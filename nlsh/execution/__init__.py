"""The only code that changes the system.

``execute(plan, ctx, text)`` runs each step through its verb (``VERBS``), journaling the
step before and after it runs. Verbs re-check their target's identity right before
acting (pid + create time, device + inode) and skip a target that changed. After all
steps, a verb's *settler* may finish the work for the whole plan at once (wait for
terminated processes together, offer SIGKILL for the survivors as a follow-up plan).

An interrupt (Ctrl-C, SIGTERM) between steps stops the plan: steps done are journaled
as done, the rest as not run, and the outcome says it was interrupted.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from nlsh.context import Context
from nlsh.errors import JournalError
from nlsh.stages import Outcome, Plan, Step, StepResult, StepStatus

Verb = Callable[[Step, Context], StepResult]
Settler = Callable[[list[StepResult], Context], tuple[list[StepResult], Plan | None]]

VERBS: dict[str, str] = {
    "terminate": "nlsh.execution.processes:terminate",
    "kill": "nlsh.execution.processes:kill",
    "suspend": "nlsh.execution.processes:suspend",
    "resume": "nlsh.execution.processes:resume",
    "renice": "nlsh.execution.processes:renice",
    "ionice": "nlsh.execution.processes:ionice",
    "trash": "nlsh.execution.files:trash",
    "delete": "nlsh.execution.files:delete",
    "restore": "nlsh.execution.files:restore",
    "needs_root": "nlsh.execution.files:needs_root",
}

# Work a verb finishes once for the whole plan, after every step ran.
SETTLERS: dict[str, str] = {
    "terminate": "nlsh.execution.processes:settle_terminated",
}


def _load(reference: str) -> Callable[..., object]:
    module_name, _, attribute = reference.partition(":")
    function: Callable[..., object] = getattr(importlib.import_module(module_name), attribute)
    return function


def execute(plan: Plan, ctx: Context, text: str) -> Outcome:
    """Run ``plan`` step by step; never raises for a failing step (it becomes FAILED)."""
    if not ctx.journal.writable and (plan.reversible or plan.risk.value != "low"):
        raise JournalError(f"not run: the journal cannot be written ({ctx.journal.path}), "
                           "and this action must be journaled")
    request = ctx.journal.new_id()
    ctx.journal.record("request", request, text=text, intent=plan.intent, status="running",
                       message=plan.summary, steps=len(plan.steps), reversible=plan.reversible,
                       undoes=plan.undoes)
    results: list[StepResult] = []
    interrupted = False
    try:
        for index, step in enumerate(plan.steps):
            ctx.journal.record("step", request, index=index, phase="before",
                               step=step.to_json())
            result = _perform(step, ctx)
            results.append(result)
            ctx.journal.record("step", request, index=index, phase="after",
                               status=result.status.value, message=result.message,
                               undo=dict(result.undo) if result.undo else None,
                               step=step.to_json())
    except KeyboardInterrupt:
        interrupted = True
    follow_up: Plan | None = None
    if not interrupted:
        results, follow_up = _settle(results, ctx, request)
    for index in range(len(results), len(plan.steps)):
        step = plan.steps[index]
        results.append(StepResult(step, StepStatus.NOT_RUN, "not run (interrupted)"))
        ctx.journal.record("step", request, index=index, phase="after",
                           status=StepStatus.NOT_RUN.value, message="not run (interrupted)",
                           step=step.to_json())
    outcome = Outcome(tuple(results), interrupted=interrupted, follow_up=follow_up)
    final = "interrupted" if interrupted else ("failed" if outcome.failed else "done")
    ctx.journal.record("finish", request, intent=plan.intent, status=final,
                       done=outcome.done, reversible=plan.reversible,
                       undo=[dict(r.undo) for r in results if r.undo], undoes=plan.undoes)
    return outcome


def _perform(step: Step, ctx: Context) -> StepResult:
    reference = VERBS.get(step.action)
    if reference is None:
        return StepResult(step, StepStatus.FAILED, f"unknown action {step.action!r}")
    verb: Verb = _load(reference)  # type: ignore[assignment]
    try:
        return verb(step, ctx)
    except OSError as error:
        return StepResult(step, StepStatus.FAILED, error.strerror or str(error))


def _settle(results: list[StepResult], ctx: Context,
            request: str) -> tuple[list[StepResult], Plan | None]:
    follow_up: Plan | None = None
    for action in {r.step.action for r in results}:
        reference = SETTLERS.get(action)
        if reference is None:
            continue
        settler: Settler = _load(reference)  # type: ignore[assignment]
        before = list(results)
        results, extra = settler(results, ctx)
        follow_up = follow_up or extra
        for index, (old, new) in enumerate(zip(before, results, strict=True)):
            if old != new:
                ctx.journal.record("step", request, index=index, phase="settled",
                                   status=new.status.value, message=new.message,
                                   step=new.step.to_json())
    return results, follow_up
