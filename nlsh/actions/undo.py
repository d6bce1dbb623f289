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
from dataclasses import dataclass
from typing import Any

import psutil

from nlsh.context import Context
from nlsh.stages import FileRef, Parse, Plan, ProcessRef, Reply, Risk, Status, Step, Target

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


def step_from_json(record: Mapping[str, Any]) -> Step:
    """The ``Step`` an undo record describes (the inverse of ``Step.to_json``)."""
    target: Target | None = None
    if "pid" in record:
        target = ProcessRef(pid=int(record["pid"]), create_time=float(record["create_time"]),
                            name=str(record.get("name", "")), username=record.get("user"),
                            cmdline=tuple(record.get("cmdline", ())), rss=record.get("rss"),
                            uss=record.get("uss"))
    elif "path" in record:
        params = record.get("params", {})
        target = FileRef(path=str(record["path"]), size=int(record.get("bytes", 0)),
                         is_dir=bool(record.get("is_dir", False)), device=params.get("device"),
                         inode=params.get("inode"))
    return Step(action=str(record["action"]), target=target, detail=str(record.get("detail", "")),
                params=dict(record.get("params", {})), group=record.get("group"),
                needs_root=bool(record.get("needs_root", False)))


def last_action(entries: Iterable[Mapping[str, Any]]) -> LastAction | None:
    """The newest executed request that changed something, is not an undo, and was not undone."""
    texts: dict[str, str] = {}
    finished: list[Mapping[str, Any]] = []
    undone: set[str] = set()
    for entry in entries:
        request = str(entry.get("request"))
        if entry.get("event") == "request" and "text" in entry:
            texts.setdefault(request, str(entry["text"]))
        elif entry.get("event") == "finish":
            finished.append(entry)
            # An undo that changed nothing leaves its request open to another try.
            if entry.get("undoes") and entry.get("done", 0):
                undone.add(str(entry["undoes"]))
    for entry in reversed(finished):
        request = str(entry.get("request"))
        if entry.get("undoes") or entry.get("intent") == "undo" or request in undone:
            continue
        if not entry.get("done", 0):
            continue  # ran but changed nothing: not an action to undo
        return LastAction(request, entry.get("intent"),
                          texts.get(request, str(entry.get("intent"))),
                          float(entry.get("ts", 0.0)), tuple(entry.get("undo") or ()),
                          bool(entry.get("reversible", False)))
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
            try:
                alive = abs(psutil.Process(target.pid).create_time() - target.create_time) < 0.01
            except psutil.NoSuchProcess:
                alive = False
            except psutil.AccessDenied:
                alive = True  # cannot tell; the executor checks identity again
            if not alive:
                notes.append(f"{target.name} (pid {target.pid}) has exited")
                continue
        kept.append(step)
    return kept, notes
