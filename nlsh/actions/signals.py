"""process.suspend and process.resume: pause processes (SIGSTOP) and continue them (SIGCONT).

"resume it" (or no target at all) continues what nlsh paused last: the newest journaled
suspension whose processes still exist, with the same creation time, and are still
stopped. Failing that, the user's own stopped processes (a Ctrl-Z'd job, say).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nlsh.actions.targets import PRONOUNS, find_targets, named_process, plural
from nlsh.context import Context
from nlsh.stages import Parse, Plan, ProcessRef, Reply, Risk, Status, Step
from nlsh.system.processes import (
    ProcessInfo,
    children_first,
    process_ref_from_json,
    read_process,
    same_process,
    snapshot,
    user_name,
)

SUSPEND_DETAIL = "SIGSTOP: pause it; 'resume' or 'undo' continues it"
RESUME_DETAIL = "SIGCONT: continue it"
_TARGET_SLOTS = ("pid", "port", "user")


def plan_suspend(parse: Parse, ctx: Context) -> Plan | Reply:
    found = find_targets(parse, ctx, what="process should be paused")
    if isinstance(found, Reply):
        return found
    notes = list(found.notes)
    running = [p for p in found.processes if not p.is_stopped]
    notes.extend(f"pid {p.pid} ({p.name}) is already paused" for p in found.processes
                 if p.is_stopped)
    if not running:
        return Reply(Status.NOTHING_TO_DO, f"Every process {found.description} is already "
                                           "paused")
    notes.append("a paused process keeps its memory and open files; it only stops running")
    steps = tuple(Step(action="suspend", target=p.ref(), detail=SUSPEND_DETAIL) for p in running)
    return Plan(intent="process.suspend", steps=steps, risk=Risk.LOW, reversible=True,
                notes=tuple(notes),
                summary=f"Pause {plural(len(steps), 'process')} {found.description}")


def plan_resume(parse: Parse, ctx: Context) -> Plan | Reply:
    spoken = parse.slot("process")
    pronoun = isinstance(spoken, str) and spoken.strip().lower() in PRONOUNS
    if named_process(parse) is None and not any(parse.slot(s) is not None
                                                for s in _TARGET_SLOTS):
        return _resume_last(ctx, pronoun)
    found = find_targets(parse, ctx, what="process should continue")
    if isinstance(found, Reply):
        return found
    stopped = [p for p in found.processes if p.is_stopped]
    if not stopped:
        return Reply(Status.NOTHING_TO_DO, f"No process {found.description} is paused")
    return _resume_plan([p.ref() for p in stopped], f"Resume {plural(len(stopped), 'process')} "
                        f"{found.description}", found.notes)


def _resume_plan(refs: list[ProcessRef], summary: str, notes: tuple[str, ...] = ()) -> Plan:
    steps = tuple(Step(action="resume", target=ref, detail=RESUME_DETAIL) for ref in refs)
    return Plan(intent="process.resume", steps=steps, risk=Risk.LOW, reversible=False,
                summary=summary, notes=notes)


def _resume_last(ctx: Context, pronoun: bool) -> Plan | Reply:
    for refs in _journaled_suspensions(ctx):
        still = [info for info in map(_still_paused, refs) if info is not None]
        if still:
            return _resume_plan([p.ref() for p in children_first(still)],
                                f"Resume the {plural(len(still), 'process')} nlsh paused last")
    me = user_name(ctx.euid)
    stopped = [p for p in snapshot().values() if p.is_stopped and p.username == me]
    if not stopped:
        what = "nothing nlsh paused is still paused, and " if pronoun else ""
        return Reply(Status.NOTHING_TO_DO, f"Nothing to resume: {what}no process of yours "
                                           "is paused")
    return _resume_plan([p.ref() for p in children_first(stopped)],
                        f"Resume {plural(len(stopped), 'paused process')} of {me}",
                        ("nlsh did not pause these; they are the paused processes you own",))


def _journaled_suspensions(ctx: Context) -> Iterator[list[ProcessRef]]:
    """The processes of each journaled suspension that ran, newest first."""
    finished: list[list[dict[str, Any]]] = []
    for entry in ctx.journal.entries():
        if entry.get("event") != "finish" or not isinstance(entry.get("undo"), list):
            continue
        records = [r for r in entry["undo"] if isinstance(r, dict) and r.get("action") ==
                   "resume"]
        if records:
            finished.append(records)
    for records in reversed(finished):
        refs = [ref for ref in map(process_ref_from_json, records) if ref is not None]
        if refs:
            yield refs


def _still_paused(ref: ProcessRef) -> ProcessInfo | None:
    """The live process ``ref`` names, if it is the same one and still paused."""
    info = read_process(ref.pid)
    if info is None or not same_process(info.create_time, ref) or not info.is_stopped:
        return None
    return info
