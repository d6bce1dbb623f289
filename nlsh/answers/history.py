"""history: what nlsh was asked and what it did, read back from the journal.

The journal holds one ``request`` entry per answered or planned request; an executed
plan writes ``request`` (status ``running``), ``step`` entries before and after each
step, and a ``finish``. An undo plan names the request it reverses (``undoes``).
"""

from __future__ import annotations

import datetime as dt
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


def show_history(parse: Parse, ctx: Context) -> Answer:
    limit = parse.slot("limit")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        limit = DEFAULT_LIMIT
    requests = fold(ctx.journal.entries())
    newest = sorted(requests, key=lambda r: (r.ts, r.order), reverse=True)
    rows = [request_json(r) for r in newest[:limit]]
    result: dict[str, Any] = {"requests": rows, "total": len(requests), "limit": limit,
                              "warnings": list(ctx.journal.warnings)}
    return Answer(kind="history", message=_message(rows, len(requests)), result=result)


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

