"""What the conversation so far makes available to the next line.

After each response the state keeps, typed:

* ``shown``: the processes the last listing, find, port answer, plan or diagnosis showed,
  in the order shown, each pinned by pid *and* start time (a pid reused since is never
  taken for it);
* ``acted``: the processes the last plan acted on, and ``candidates``: what was shown
  before it chose them (for "no, the other one"); ``last_request``: the request that
  planned it (for "and chrome too", "make it even lower");
* ``pending``: a request nlsh asked a missing piece of ("Which process should be ended?");
* ``choices``: the numbered options nlsh offered;
* ``why``: how the last reply came about (intent, confidence, the words that shaped it,
  the rule that refused).

It is plain data, so a one-shot can keep it between invocations (``store.py``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from nlsh.stages import Choice, ProcessRef, Response, SlotValue, Status

TARGET_SLOTS = ("process", "pid", "port", "user")
PROCESS_INTENTS = ("process.kill", "process.suspend", "process.resume", "process.renice",
                   "process.ionice", "process.find")


@dataclass(frozen=True)
class Referent:
    """A process as nlsh showed it: pid, start time and name."""

    pid: int
    create_time: float | None
    name: str

    def label(self) -> str:
        return f"pid {self.pid} {self.name}"


@dataclass(frozen=True)
class Request:
    """A request as it was understood: enough to repeat it on another target."""

    intent: str
    slots: dict[str, SlotValue]
    text: str


@dataclass(frozen=True)
class State:
    shown: tuple[Referent, ...] = ()
    shown_by: str = ""  # "the previous answer", "the last plan", "the diagnosis"
    candidates: tuple[Referent, ...] = ()  # what was shown before the last plan chose
    acted: tuple[Referent, ...] = ()
    last_request: Request | None = None
    pending: Request | None = None
    choices: tuple[Choice, ...] = ()
    why: dict[str, Any] = field(default_factory=dict)
    at: float = 0.0

    def after(self, response: Response) -> State:
        """The state once ``response`` was shown."""
        parts = response.parts or (response,)
        state = self
        for part in parts:
            state = state._after_one(part)
        return state

    def _after_one(self, response: Response) -> State:
        parse = response.parse
        shown, shown_by = _shown_by(response)
        request = (Request(parse.intent, dict(parse.slots), parse.text)
                   if parse.intent is not None else None)
        acted = self.acted
        # Only a request carried out, planned or declined can be repeated ("and X too",
        # "even lower"); anything else — a negation, a question, a refusal, nothing to do —
        # leaves nothing to repeat.
        operators = parse.operators
        plain = not (operators.negated or operators.question)
        last_request = None
        if (response.plan is not None and plain and response.status in (
                Status.DONE, Status.PLANNED, Status.CANCELLED, Status.FAILED,
                Status.INTERRUPTED)):
            acted = _referents(s.target for s in response.plan.steps)
            last_request = request
        elif plain and request is not None and response.status is Status.DONE and (
                any(parse.slot(s) is not None for s in TARGET_SLOTS)):
            last_request = request  # "is firefox running" → "and chrome?"
        pending = None
        if (response.status is Status.CLARIFY and not response.choices and request is not None
                and plain and response.message.startswith("Which ")):
            pending = request  # never for "should I kill?": a question is answered, not kept
        candidates = self.shown if shown_by == "the last plan" else self.candidates
        return replace(self, shown=shown or self.shown, shown_by=shown_by or self.shown_by,
                       candidates=candidates, acted=acted, last_request=last_request,
                       pending=pending,
                       choices=response.choices, why=_why(response), at=time.time())

    # ── one-shot persistence ──

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> State:
        def referents(items: Any) -> tuple[Referent, ...]:
            return tuple(Referent(int(i["pid"]), i.get("create_time"), str(i["name"]))
                         for i in items or ())

        def request(item: Any) -> Request | None:
            if not isinstance(item, Mapping):
                return None
            return Request(str(item["intent"]), dict(item.get("slots") or {}),
                           str(item.get("text", "")))

        return cls(shown=referents(data.get("shown")), shown_by=str(data.get("shown_by", "")),
                   candidates=referents(data.get("candidates")),
                   acted=referents(data.get("acted")),
                   last_request=request(data.get("last_request")),
                   pending=request(data.get("pending")),
                   choices=tuple(Choice(**c) for c in data.get("choices") or ()),
                   why=dict(data.get("why") or {}), at=float(data.get("at", 0.0)))


def _referents(targets: Any) -> tuple[Referent, ...]:
    seen: dict[int, Referent] = {}
    for target in targets:
        if isinstance(target, ProcessRef) and target.pid not in seen:
            seen[target.pid] = Referent(target.pid, target.create_time, target.name)
    return tuple(seen.values())


def _shown_by(response: Response) -> tuple[tuple[Referent, ...], str]:
    """The processes ``response`` showed, in order, and what showed them."""
    if response.plan is not None and response.status is not Status.CLARIFY:
        return _referents(s.target for s in response.plan.steps), "the last plan"
    answer = response.answer
    if answer is None:
        return (), ""
    result = answer.result
    if answer.kind == "diagnosis":
        pids: list[int] = []
        for finding in result.get("findings") or []:
            pids += [p for p in finding.get("pids") or [] if isinstance(p, int)]
        return _from_pids(pids), "the diagnosis"
    rows: Sequence[Mapping[str, Any]] = result.get("processes") or ()
    shown = tuple(Referent(int(r["pid"]), r.get("create_time"), str(r.get("name", "?")))
                  for r in rows if isinstance(r.get("pid"), int))
    return shown, "the previous answer" if shown else ""


def _from_pids(pids: Sequence[int]) -> tuple[Referent, ...]:
    from nlsh.system.processes import read_process

    found: dict[int, Referent] = {}
    for pid in pids:
        info = read_process(pid)
        if info is not None and pid not in found:
            found[pid] = Referent(pid, info.create_time, info.name)
    return tuple(found.values())


def _why(response: Response) -> dict[str, Any]:
    parse = response.parse
    commands: list[str] = []
    if response.plan is not None:  # the classic command of each step, for learning
        from nlsh.classic import classic_lines

        commands = classic_lines(response.plan.steps)
    return {"text": parse.text, "intent": parse.intent, "confidence": round(parse.confidence, 2),
            "source": parse.source, "slots": dict(parse.slots),
            "words": [list(pair) for pair in parse.operators.words],
            "status": response.status.value, "message": response.message, "rule": response.rule,
            "commands": commands}
