"""history: what nlsh was asked and what it did, read back from the journal.

The journal holds one ``request`` entry per answered or planned request; an executed
plan writes ``request`` (status ``running``), ``step`` entries before and after each
step, and a ``finish``. An undo plan names the request it reverses (``undoes``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nlsh.context import Context
from nlsh.stages import Answer, Parse

DEFAULT_LIMIT = 20


@dataclass
class _Request:
    """One request's journal entries folded together."""

    id: str
    ts: float
    order: int
    text: str = ""
    intent: str | None = None
    status: str = "unknown"
    message: str = ""
    dry_run: bool = False
    steps: int | None = None
    done: int | None = None
    reversible: bool | None = None
    undoes: str | None = None
    finished: bool = False
    step_status: dict[int, str] = field(default_factory=dict)
    undone_by: str | None = None
    undo_status: str | None = None


# "what did you kill today": the verb names which changes are meant.
_VERBS = (
    (r"kill(?:ed)?|end(?:ed)?|terminated?|stop(?:ped)?|close[d]?", ("process.kill",)),
    (r"pause[d]?|suspend(?:ed)?|froze|freeze|frozen", ("process.suspend",)),
    (r"resume[d]?|unpause[d]?|continued", ("process.resume",)),
    (r"renice[d]?|nice[d]?|prioriti[sz]ed?|deprioriti[sz]ed?|priority|priorities",
     ("process.renice", "process.ionice")),
    (r"clean(?:ed)?|clear(?:ed)?|delete[d]?|remove[d]?|trash(?:ed)?|cleanups?",
     ("disk.cleanup", "file.trash")),
    (r"free[d]?", ("memory.free",)),
    (r"undo|undid|undone|revert(?:ed)?", ("undo",)),
)
_CHANGES = re.compile(r"\b(?:change[sd]?|did|do|done)\b", re.IGNORECASE)
_JUST = re.compile(r"\b(?:just|last thing|last change|most recent(?:ly)?|a moment ago)\b",
                   re.IGNORECASE)
_TODAY = re.compile(r"\btoday\b|\bthis morning\b|\bthis afternoon\b", re.IGNORECASE)


@dataclass(frozen=True)
class Focus:
    """Which requests a history question is about: only changes ("what did you just do",
    "what did you kill today"), of which kinds, since when, and whether only the last."""

    changes_only: bool = False
    intents: tuple[str, ...] = ()
    since: float | None = None
    last_only: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"changes_only": self.changes_only, "intents": list(self.intents),
                "since": self.since, "last_only": self.last_only}


def focus_of(text: str) -> Focus:
    intents = tuple(i for pattern, kinds in _VERBS
                    if re.search(rf"\b(?:{pattern})\b", text, re.IGNORECASE) for i in kinds)
    last_only = bool(_JUST.search(text))
    since = None
    if _TODAY.search(text):
        since = dt.datetime.combine(dt.date.today(), dt.time()).timestamp()
    changes_only = bool(intents or last_only or (since is not None and _CHANGES.search(text)))
    return Focus(changes_only, intents, since, last_only)


def show_history(parse: Parse, ctx: Context) -> Answer:
    limit = parse.slot("limit")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        limit = DEFAULT_LIMIT
    focus = focus_of(parse.text)
    requests = fold(ctx.journal.entries())
    newest = sorted(requests, key=lambda r: (r.ts, r.order), reverse=True)
    if focus.changes_only:
        newest = [r for r in newest if _is_change(r, focus)]
    if focus.last_only:
        limit = 1
    rows = [request_json(r) for r in newest[:limit]]
    result: dict[str, Any] = {"requests": rows, "total": len(newest), "limit": limit,
                              "warnings": list(ctx.journal.warnings),
                              "focus": focus.to_json() if focus.changes_only else None}
    message = (_focused_message(rows, len(newest), focus) if focus.changes_only
               else _message(rows, len(requests)))
    return Answer(kind="history", message=message, result=result)


def _is_change(request: _Request, focus: Focus) -> bool:
    """A request that ran steps on the system (not a dry run, not only planned)."""
    ran = not request.dry_run and bool(request.steps) and request.status in (
        "done", "failed", "interrupted", "incomplete")
    return (ran and (not focus.intents or request.intent in focus.intents)
            and (focus.since is None or request.ts >= focus.since))


def _focused_message(rows: list[dict[str, Any]], total: int, focus: Focus) -> str:
    when = " today" if focus.since is not None else ""
    if not rows:
        what = "nothing of that kind" if focus.intents else "nothing"
        return f"nlsh has changed {what}{when}"
    if focus.last_only:
        row = rows[0]
        at = (row["time"] or "?")[11:19]
        return f"Last change, at {at}: '{row['text']}' — {row['message']} ({row['status']})"
    return (f"{total} change{'s' if total != 1 else ''}{when}"
            + (f", the last {len(rows)} shown" if len(rows) < total else "")
            + f"; latest: '{rows[0]['text']}' ({rows[0]['status']})")


def fold(entries: Iterable[Mapping[str, Any]]) -> list[_Request]:
    """Requests in journal order, each with its steps, outcome and later undo applied."""
    requests: dict[str, _Request] = {}
    for entry in entries:
        request_id = entry.get("request")
        if not isinstance(request_id, str):
            continue
        request = requests.get(request_id)
        if request is None:
            ts = entry.get("ts")
            request = requests[request_id] = _Request(
                id=request_id, order=len(requests),
                ts=float(ts) if isinstance(ts, int | float) and ts is not True else 0.0)
        event = entry.get("event")
        if event == "request":
            _take_request(request, entry)
        elif event == "step":
            index, status = entry.get("index"), entry.get("status")
            if isinstance(index, int) and isinstance(status, str) and entry.get("phase") in (
                    "after", "settled"):
                request.step_status[index] = status
        elif event == "finish":
            request.finished = True
            request.status = str(entry.get("status", request.status))
            if isinstance(entry.get("done"), int):
                request.done = entry["done"]
            if isinstance(entry.get("undoes"), str):
                request.undoes = entry["undoes"]
    for request in requests.values():
        if request.done is None and request.step_status:
            request.done = sum(s == "done" for s in request.step_status.values())
        if request.status == "running" and not request.finished:
            request.status = "incomplete"  # nlsh stopped before it could journal the end
        target = requests.get(request.undoes or "")
        if target is not None and request.finished:
            target.undone_by, target.undo_status = request.id, request.status
    return list(requests.values())


def _take_request(request: _Request, entry: Mapping[str, Any]) -> None:
    request.text = str(entry.get("text") or "")
    intent = entry.get("intent")
    request.intent = intent if isinstance(intent, str) else None
    if not request.finished:
        request.status = str(entry.get("status") or "unknown")
    request.message = str(entry.get("message") or "")
    request.dry_run = entry.get("dry_run") is True
    if isinstance(entry.get("steps"), int):
        request.steps = entry["steps"]
    if isinstance(entry.get("reversible"), bool):
        request.reversible = entry["reversible"]
    if isinstance(entry.get("undoes"), str):
        request.undoes = entry["undoes"]


def request_json(request: _Request) -> dict[str, Any]:
    moment = dt.datetime.fromtimestamp(request.ts).astimezone() if request.ts else None
    return {
        "id": request.id,
        "ts": request.ts,
        "time": moment.isoformat(timespec="seconds") if moment else None,
        "text": request.text,
        "intent": request.intent,
        "status": request.status,
        "message": request.message,
        "dry_run": request.dry_run,
        "steps": request.steps,
        "done": request.done,
        "reversible": request.reversible,
        "undoes": request.undoes,
        "undone": request.undo_status == "done",
        "undone_by": request.undone_by,
        "undo_status": request.undo_status,
    }


def _message(rows: list[dict[str, Any]], total: int) -> str:
    if not rows:
        return "Nothing yet: nlsh has no record of any request"
    latest = rows[0]
    shown = "the only request" if total == 1 else (
        f"all {total} requests" if len(rows) == total else f"the last {len(rows)} of {total} "
        "requests")
    return f"Showing {shown}; latest: '{latest['text']}' ({latest['status']})"

