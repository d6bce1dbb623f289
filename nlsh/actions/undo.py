"""undo: reverse the last action nlsh carried out, when it can be reversed.

The journal's ``finish`` entry of each executed request carries the ``undo`` records its
verbs returned (each the JSON of the step that reverses one step) and whether the plan
was ``reversible``; an executed undo carries ``undoes`` (the request it reversed). The
newest executed request that is not an undo and was not undone yet is the one undone;
when it left nothing to reverse (a kill, deleted caches), the reply says so and why.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nlsh.context import Context
from nlsh.registry import Inverse
from nlsh.stages import FileRef, Parse, Plan, ProcessRef, Reply, Risk, Status, Step
from nlsh.system import procfs
from nlsh.system.processes import same_process

_WHY_NOT = {
    "process.kill": "ended processes cannot be restarted by nlsh",
    "memory.free": "ended processes cannot be restarted by nlsh",
    "disk.cleanup": "deleted files cannot be brought back (only items moved to the Trash can)",
}


@dataclass(frozen=True)
class LastAction:
    request: str
    intent: str | None
    text: str
    when: float
    undo: tuple[Mapping[str, Any], ...]
    reversible: bool
    finished: bool = True  # False: nlsh stopped (killed, crashed) before closing the request


@dataclass
class _Executed:
    """One executed request as the journal tells it, closed or not."""

    request: str
    text: str
    intent: str | None
    reversible: bool
    undoes: str | None
    when: float
    statuses: dict[int, str] = field(default_factory=dict)
    steps: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    records: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    begun: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    closing: Mapping[str, Any] | None = None

    @property
    def done(self) -> int:
        if self.closing is not None:
            return int(self.closing.get("done", 0) or 0)
        in_flight = sum(i not in self.statuses and _inverse_when_unsure(step) is not None
                        for i, step in self.begun.items())
        return sum(status == "done" for status in self.statuses.values()) + in_flight

    @property
    def undo(self) -> list[Mapping[str, Any]]:
        if self.closing is not None:
            return list(self.closing.get("undo") or ())
        records = dict(self.records)
        for index, step in self.begun.items():  # in flight when nlsh died: maybe done
            inverse = _inverse_when_unsure(step)
            if index not in self.statuses and inverse is not None:
                records[index] = {**step, "action": inverse.verb, "detail": inverse.detail}
        return [records[index] for index in sorted(records)]


def _inverse_when_unsure(step: Mapping[str, Any]) -> Inverse | None:
    """What reverses ``step`` if nlsh died while it was in flight (its verb says)."""
    from nlsh import capabilities

    verb = capabilities.verb(str(step.get("action")))
    return verb.inverse_when_unsure if verb is not None else None


def step_from_json(record: Mapping[str, Any]) -> Step:
    """The ``Step`` an undo record describes (``Step.from_json``, the inverse of its
    ``to_json``), its target decoded as the kind its verb declares."""
    from nlsh import capabilities

    verb = capabilities.verb(str(record.get("action")))
    return Step.from_json(record, verb.target if verb is not None else None)


def record_key(record: Mapping[str, Any]) -> tuple[Any, ...]:
    """What tells one undo record from another (and the undo step made from it)."""
    params = record.get("params") or {}
    return (record.get("action"), record.get("pid"), record.get("create_time"),
            record.get("path"), params.get("trash_file") if isinstance(params, Mapping) else None)


def _executed(entries: Iterable[Mapping[str, Any]]) -> list[_Executed]:
    """Every executed request, oldest first, from its step entries (its closing entry too,
    when nlsh lived to write it)."""
    found: dict[str, _Executed] = {}
    for entry in entries:
        request, event = str(entry.get("request")), entry.get("event")
        when = float(entry.get("ts", 0.0) or 0.0)
        if event == "request" and entry.get("status") == "running":  # execute()'s first entry
            found.setdefault(request, _Executed(
                request, str(entry.get("text", entry.get("intent"))), entry.get("intent"),
                bool(entry.get("reversible", False)), entry.get("undoes"), when))
        elif request not in found:
            continue
        elif event == "step" and entry.get("phase") == "before":
            if isinstance(entry.get("index"), int) and isinstance(entry.get("step"), Mapping):
                found[request].begun[entry["index"]] = entry["step"]
        elif event == "step" and entry.get("phase") in ("after", "settled"):
            index = entry.get("index")
            if isinstance(index, int):
                found[request].statuses[index] = str(entry.get("status"))
                found[request].steps[index] = entry.get("step") or {}
                if entry.get("undo"):
                    found[request].records[index] = entry["undo"]
                found[request].when = when
        elif event == "finish":
            found[request].closing = entry
            found[request].when = when
    return list(found.values())


def last_action(entries: Iterable[Mapping[str, Any]]) -> LastAction | None:
    """The newest executed request that changed something and is not an undo, with what of
    it is still to reverse; one whose every undo record was reversed is passed over.

    A request counts once a step of it is journaled done, even if nlsh died before closing
    it; an undo step that failed (something sat where a file goes back) stays to be done.
    """
    executed = _executed(entries)
    reversed_keys: dict[str, set[tuple[Any, ...]]] = {}
    for run in executed:
        if run.undoes:
            settled = {record_key(run.steps[i]) for i, status in run.statuses.items()
                       if status in ("done", "skipped") and i in run.steps}
            reversed_keys.setdefault(str(run.undoes), set()).update(settled)
    for run in reversed(executed):
        if run.undoes or run.intent == "undo" or not run.done:
            continue
        records = run.undo
        pending = [r for r in records if record_key(r) not in reversed_keys.get(run.request,
                                                                                set())]
        if records and not pending:
            continue  # undone already
        return LastAction(run.request, run.intent, run.text, run.when, tuple(pending),
                          run.reversible, finished=run.closing is not None)
    return None


def _when(timestamp: float) -> str:
    moment = dt.datetime.fromtimestamp(timestamp)
    if moment.date() == dt.date.today():
        return moment.strftime("%H:%M")
    return moment.strftime("%b %d %H:%M")


def plan_undo(parse: Parse, ctx: Context) -> Plan | Reply:
    last = last_action(ctx.journal.entries())
    if last is None:
        return Reply(Status.NOTHING_TO_DO, "Nothing to undo: nlsh has not changed anything yet "
                     "(or every change was already undone)")
    label = f"{last.text}, {_when(last.when)}"
    if not last.finished:
        label += "; nlsh stopped before it finished"
    if not last.undo:
        why = _WHY_NOT.get(str(last.intent), "it left nothing nlsh can reverse")
        return Reply(Status.NOTHING_TO_DO, f"The last action ({label}) cannot be undone: {why}")
    steps, notes = _still_reversible([step_from_json(r) for r in last.undo])
    if not steps:
        return Reply(Status.NOTHING_TO_DO, f"The last action ({label}) cannot be undone any "
                     "more: " + "; ".join(notes))
    if not last.reversible and last.intent in _WHY_NOT:
        notes.append(f"only part of it can be reversed: {_WHY_NOT[str(last.intent)]}")
    return Plan(intent="undo", summary=f"Undo the last action ({label}): {len(steps)} step(s)",
                steps=tuple(steps), risk=Risk.LOW, reversible=False, notes=tuple(notes),
                undoes=last.request)


def _still_reversible(steps: list[Step]) -> tuple[list[Step], list[str]]:
    """Steps whose target is still there to act on, and a note for each that is not."""
    kept: list[Step] = []
    notes: list[str] = []
    for step in steps:
        target = step.target
        if isinstance(target, FileRef) and step.action == "restore":
            if not os.path.lexists(str(step.params.get("trash_file", ""))):
                notes.append(f"{target.path} is no longer in the Trash")
                continue
        elif isinstance(target, ProcessRef):
            stat = procfs.read_stat(target.pid)
            if stat is None or not same_process(stat.create_time, target):
                notes.append(f"{target.name} (pid {target.pid}) has exited")
                continue
        kept.append(step)
    return kept, notes
