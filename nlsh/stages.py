"""The typed values that pass between pipeline stages.

sentence ─► Parse ─► (Answer | Reply | Plan) ─► policy ─► Plan ─► Outcome ─► Response

Everything here is immutable and JSON-ready through ``to_json``; only the executor
acts on the system, and only the front ends print.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Protocol

SlotValue = int | str | bool
JSON = dict[str, Any]

PID_LIMIT = 4194304  # the kernel's largest pid_max: no pid is above it


class Status(StrEnum):
    """What happened to a request (``status`` in the JSON output)."""

    # from the spec
    PLANNED = "planned"
    NOTHING_TO_DO = "nothing_to_do"
    CLARIFY = "clarify"
    REFUSED = "refused"
    OUT_OF_SCOPE = "out_of_scope"
    # extensions (docs/json.md): what became of a request that was not a dry run
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"
    INVALID = "invalid"
    ANSWERED = "answered"  # a question about an action: what nlsh would do, nothing done


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


# ── language layer ─────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Alternative:
    """Another reading of the sentence, with its calibrated probability."""

    intent: str | None
    confidence: float

    def to_json(self) -> JSON:
        return {"intent": self.intent, "confidence": round(self.confidence, 4)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Alternative:
        """The inverse of ``to_json`` (the confidence as rounded there)."""
        return cls(intent=data["intent"], confidence=float(data["confidence"]))


@dataclass(frozen=True)
class SlotSpan:
    """A piece of the sentence the extractor labelled, and what it resolved to."""

    slot: str
    text: str
    start: int
    end: int
    value: SlotValue | None
    problem: str | None = None
    rejected: bool = False  # the user gave a value that is not allowed (port 70000)

    def to_json(self) -> JSON:
        data: JSON = {"slot": self.slot, "text": self.text, "start": self.start, "end": self.end}
        data["value"] = self.value
        if self.problem:
            data["problem"] = self.problem
        if self.rejected:
            data["rejected"] = True
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SlotSpan:
        return cls(slot=str(data["slot"]), text=str(data["text"]), start=int(data["start"]),
                   end=int(data["end"]), value=data.get("value"), problem=data.get("problem"),
                   rejected=bool(data.get("rejected", False)))


@dataclass(frozen=True)
class Exclusion:
    """Something the sentence leaves out: "except pid 4312", "but not alice's", "not firefox's".

    ``kind`` is what ``value`` names: ``pid``, ``process``, ``user``, ``port``, ``path`` or
    ``cleaner`` (a cleaner's canonical name, see ``nlsh.actions.cleaners``).
    """

    kind: str
    value: int | str
    text: str

    def describe(self) -> str:
        if self.kind in ("pid", "port"):
            return f"except {self.kind} {self.value}"
        if self.kind == "user":
            return f"except those owned by {self.value}"
        if self.kind == "process":
            return f"except '{self.value}'"
        return f"except {self.value}"

    def to_json(self) -> JSON:
        return {"kind": self.kind, "value": self.value, "text": self.text}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Exclusion:
        return cls(kind=str(data["kind"]), value=data["value"], text=str(data["text"]))


LIMIT_QUANTITIES = ("age", "size", "memory", "cpu")


@dataclass(frozen=True)
class Limit:
    """A comparison the sentence applies: "older than 1,000 days", "using more than 2 GB".

    ``quantity`` is ``age`` (days), ``size`` (bytes, of files), ``memory`` (bytes of RSS)
    or ``cpu`` (percent of one core); ``op`` is one of ``>``, ``>=``, ``<``, ``<=``.
    """

    quantity: str
    op: str
    value: float
    text: str

    def admits(self, measured: float) -> bool:
        """Whether a measured amount satisfies the comparison."""
        return {">": measured > self.value, ">=": measured >= self.value,
                "<": measured < self.value, "<=": measured <= self.value}[self.op]

    def describe(self) -> str:
        """For plan headers: "older than 1000 days (2 years 9 months)"."""
        from nlsh.language.quantities import describe_limit

        return describe_limit(self)

    def to_json(self) -> JSON:
        return {"quantity": self.quantity, "op": self.op, "value": self.value,
                "text": self.text}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Limit:
        return cls(quantity=str(data["quantity"]), op=str(data["op"]),
                   value=float(data["value"]), text=str(data["text"]))


@dataclass(frozen=True)
class Operators:
    """What a sentence says beyond its intent and slots (the faithfulness layer).

    ``negated``: the order is negated ("don't kill X"); ``question``: it asks about an
    action instead of ordering it ("should I kill X?"); ``also``: further targets of the
    same verb as ``(slot, value)`` pairs ("kill A and B" → also ``(("process", "b"),)``);
    ``exclusions`` narrow the targets; ``limits`` filter them; ``named`` are the
    canonical names of the cleaners a cleanup names ("pip and npm caches").
    """

    negated: bool = False
    question: bool = False
    also: tuple[tuple[str, SlotValue], ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    limits: tuple[Limit, ...] = ()
    named: tuple[str, ...] = ()
    # the accounting: each word of the request and what it did (a slot, an operator, the
    # intent's own words, filler, or "left over"); shown by --explain
    words: tuple[tuple[str, str], ...] = ()

    def excluded(self, kind: str) -> tuple[int | str, ...]:
        return tuple(e.value for e in self.exclusions if e.kind == kind)

    def to_json(self) -> JSON:
        data: JSON = {}
        if self.negated:
            data["negated"] = True
        if self.question:
            data["question"] = True
        if self.also:
            data["also"] = [{"slot": slot, "value": value} for slot, value in self.also]
        if self.exclusions:
            data["exclusions"] = [e.to_json() for e in self.exclusions]
        if self.limits:
            data["limits"] = [x.to_json() for x in self.limits]
        if self.named:
            data["named"] = list(self.named)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Operators:
        """The inverse of ``to_json`` (the word accounting, shown by --explain apart, is
        not part of it)."""
        return cls(negated=bool(data.get("negated", False)),
                   question=bool(data.get("question", False)),
                   also=tuple((str(a["slot"]), a["value"]) for a in data.get("also", ())),
                   exclusions=tuple(Exclusion.from_json(e) for e in data.get("exclusions", ())),
                   limits=tuple(Limit.from_json(x) for x in data.get("limits", ())),
                   named=tuple(str(n) for n in data.get("named", ())))


NO_OPERATORS = Operators()


@dataclass(frozen=True)
class Parse:
    """The language layer's reading of one sentence.

    ``intent`` is None when the sentence is out of scope. ``uncertain`` is set when the
    calibrated confidence is below the model's clarify threshold: the pipeline then asks
    instead of guessing. ``slots`` holds resolved canonical values only; slots that were
    not said are absent.
    """

    text: str
    intent: str | None
    confidence: float
    slots: Mapping[str, SlotValue] = field(default_factory=dict)
    alternatives: tuple[Alternative, ...] = ()
    spans: tuple[SlotSpan, ...] = ()
    source: str = "model"
    uncertain: bool = False
    operators: Operators = NO_OPERATORS
    notes: tuple[str, ...] = ()  # said in the reply: a part of the text knowingly not done

    @property
    def rejected_values(self) -> tuple[str, ...]:
        """Why values the user gave cannot be used ("port must be in 1–65535 (got 0)")."""
        return tuple(s.problem for s in self.spans if s.rejected and s.problem)

    def slot(self, name: str) -> SlotValue | None:
        return self.slots.get(name)

    def with_intent(self, intent: str) -> Parse:
        """The same sentence read as ``intent`` (a user's choice after a clarify)."""
        return Parse(
            text=self.text,
            intent=intent,
            confidence=1.0,
            slots=self.slots,
            alternatives=self.alternatives,
            spans=self.spans,
            source="user",
            operators=self.operators,
        )


# ── what handlers return ───────────────────────────────────────────────────


@dataclass(frozen=True)
class Choice:
    """One option offered when nlsh asks the user to clarify.

    ``sentence`` is something nlsh understands that carries out the option, so a front
    end (or a script) can run it as-is.
    """

    label: str
    sentence: str
    intent: str | None = None
    confidence: float | None = None

    def to_json(self) -> JSON:
        data: JSON = {"label": self.label, "sentence": self.sentence}
        if self.intent is not None:
            data["intent"] = self.intent
        if self.confidence is not None:
            data["confidence"] = round(self.confidence, 4)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Choice:
        confidence = data.get("confidence")
        return cls(label=str(data["label"]), sentence=str(data["sentence"]),
                   intent=data.get("intent"),
                   confidence=None if confidence is None else float(confidence))


@dataclass(frozen=True)
class Answer:
    """The result of a read-only intent: structured data plus a one-line message.

    ``kind`` names the view that renders ``result`` (see ``nlsh.render``).
    """

    kind: str
    message: str
    result: Mapping[str, Any]


@dataclass(frozen=True)
class Reply:
    """A handler's answer when there is no plan: nothing to do, a question, a refusal."""

    status: Status
    message: str
    choices: tuple[Choice, ...] = ()
    rule: str | None = None


# ── plans ──────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ProcessRef:
    """A process as it was when the plan was made; ``create_time`` pins its identity."""

    pid: int
    create_time: float
    name: str
    username: str | None = None
    cmdline: tuple[str, ...] = ()
    rss: int | None = None
    uss: int | None = None
    ppid: int | None = None
    status: str | None = None
    exe: str | None = None

    def to_json(self) -> JSON:
        data: JSON = {"pid": self.pid, "name": self.name}
        if self.username is not None:
            data["user"] = self.username
        data["create_time"] = self.create_time
        if self.cmdline:
            data["cmdline"] = list(self.cmdline)
        if self.rss is not None:
            data["rss"] = self.rss
        if self.uss is not None:
            data["uss"] = self.uss
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProcessRef:
        """The inverse of ``to_json`` (fields it leaves out, such as ``ppid``, are None)."""
        return cls(pid=int(data["pid"]), create_time=float(data["create_time"]),
                   name=str(data.get("name", "")), username=data.get("user"),
                   cmdline=tuple(str(a) for a in data.get("cmdline", ())),
                   rss=data.get("rss"), uss=data.get("uss"))


@dataclass(frozen=True)
class FileRef:
    """A file or directory as it was when the plan was made.

    ``device`` and ``inode`` pin its identity; ``size`` is the bytes it frees
    (the whole tree for a directory).
    """

    path: str
    size: int
    is_dir: bool = False
    device: int | None = None
    inode: int | None = None
    mtime: float | None = None

    def to_json(self) -> JSON:
        data: JSON = {"path": self.path, "bytes": self.size}
        if self.is_dir:
            data["is_dir"] = True
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FileRef:
        """The inverse of ``to_json``; a step's ``params`` carry the device and inode."""
        params = data.get("params") or {}
        return cls(path=str(data["path"]), size=int(data.get("bytes", 0)),
                   is_dir=bool(data.get("is_dir", False)), device=params.get("device"),
                   inode=params.get("inode"))


class PluginTarget(Protocol):
    """A plugin's kind of target (a frozen dataclass): shown by its label, journaled by its
    JSON, checked by the checker its verb declares (``nlsh/registry.py``)."""

    def label(self) -> str: ...

    def to_json(self) -> JSON: ...


Target = ProcessRef | FileRef | PluginTarget


@dataclass(frozen=True)
class Step:
    """One concrete action on one concrete object.

    ``action`` is one of the executor's verbs (``terminate``, ``kill``, ``suspend``,
    ``resume``, ``renice``, ``ionice``, ``trash``, ``delete``, ``restore``,
    ``needs_root``); ``params`` carries what the verb needs (``{"nice": 10}``).
    """

    action: str
    target: Target | None
    detail: str
    params: Mapping[str, Any] = field(default_factory=dict)
    group: str | None = None
    needs_root: bool = False

    def to_json(self) -> JSON:
        data: JSON = {"action": self.action}
        if self.target is not None:
            data.update(self.target.to_json())
        data["detail"] = self.detail
        if self.params:
            data["params"] = dict(self.params)
        if self.group is not None:
            data["group"] = self.group
        if self.needs_root:
            data["needs_root"] = True
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], kind: Any = None) -> Step:
        """The inverse of ``to_json`` (a journal record, an undo record). ``kind`` is the
        target class the step's verb declares; a plugin's kind decodes itself."""
        target: Target | None = None
        if kind is not None and kind not in (ProcessRef, FileRef):
            target = kind.from_json(data)
        elif "pid" in data:
            target = ProcessRef.from_json(data)
        elif "path" in data:
            target = FileRef.from_json(data)
        return cls(action=str(data["action"]), target=target, detail=str(data.get("detail", "")),
                   params=dict(data.get("params", {})), group=data.get("group"),
                   needs_root=bool(data.get("needs_root", False)))


def recount_processes(summary: str, planned: int, kept: int) -> str:
    """``summary`` counting ``kept`` processes where it said ``planned`` ("Terminate 3
    processes" → "Terminate 2 processes")."""
    if kept == planned:
        return summary
    counted = re.compile(rf"\b{planned} process(?:es)?\b")
    return counted.sub(f"{kept} process{'' if kept == 1 else 'es'}", summary, count=1)


def _number_list(numbers: list[int]) -> str:
    """[1, 2, 3, 5] → "#1-3, #5": the numbers a user picked, as the list showed them."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"#{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(f"#{n}" for n in r)
                     for r in runs)


@dataclass(frozen=True)
class Plan:
    """Steps on concrete objects, shown to the user before anything runs.

    A *selectable* plan (memory.free without a named target) asks the user to pick
    groups first: ``choices[i]`` describes ``groups[i]``. ``undoes`` is the journal id of
    the request an undo plan reverses.

    ``confirmations`` are reasons to ask again (added by the policy layer: root-owned
    targets, many objects, an irreversible deletion); ``notes`` are facts worth showing
    that need no answer.
    """

    intent: str
    summary: str
    steps: tuple[Step, ...]
    risk: Risk
    reversible: bool
    confirmations: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    selectable: bool = False
    selection_question: str | None = None
    choices: tuple[Choice, ...] = ()
    undoes: str | None = None

    @property
    def groups(self) -> tuple[str, ...]:
        """The step groups in plan order (an application's processes, a cleaner's files)."""
        seen: dict[str, None] = {}
        for step in self.steps:
            if step.group is not None:
                seen.setdefault(step.group, None)
        return tuple(seen)

    def narrowed_to(self, groups: set[str], summary: str) -> Plan:
        """The same plan keeping only the steps of ``groups``; no longer a selection."""
        return replace(self, steps=tuple(s for s in self.steps if s.group in groups),
                       summary=summary, selectable=False, selection_question=None, choices=())

    def selection_choices(self) -> tuple[Choice, ...]:
        return self.choices

    @property
    def pickable(self) -> tuple[ProcessRef, ...]:
        """The processes a user can pick by number when confirming, in the order shown:
        every distinct target, when the plan acts on two or more processes and nothing else."""
        targets = tuple(dict.fromkeys(s.target for s in self.steps))
        if len(targets) < 2 or not all(isinstance(t, ProcessRef) for t in targets):
            return ()
        return targets  # type: ignore[return-value]  # all ProcessRef, checked above

    def keeping(self, picked: tuple[ProcessRef, ...]) -> Plan:
        """The same plan acting only on ``picked`` (a subset of ``pickable``); the summary
        says so, and the policy recounts it."""
        numbers = [self.pickable.index(ref) + 1 for ref in picked]
        summary = (f"{recount_processes(self.summary, len(self.pickable), len(picked))}"
                   f" — only {_number_list(numbers)} of the {len(self.pickable)} listed")
        return replace(self, steps=tuple(s for s in self.steps if s.target in picked),
                       summary=summary)

    @property
    def total_bytes(self) -> int:
        return sum(s.target.size for s in self.steps if isinstance(s.target, FileRef))

    def to_json(self) -> JSON:
        data: JSON = {
            "steps": [s.to_json() for s in self.steps],
            "risk": self.risk.value,
            "reversible": self.reversible,
        }
        if self.confirmations:
            data["confirmations"] = list(self.confirmations)
        if self.notes:
            data["notes"] = list(self.notes)
        if any(isinstance(s.target, FileRef) for s in self.steps):
            data["bytes"] = self.total_bytes
        if self.selectable:
            data["selectable"] = True
        return data


# ── outcomes ───────────────────────────────────────────────────────────────


class StepStatus(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"
    NOT_RUN = "not_run"


@dataclass(frozen=True)
class StepResult:
    """What became of one step; ``undo`` holds what reversing it needs, if it can be."""

    step: Step
    status: StepStatus
    message: str
    undo: Mapping[str, Any] | None = None

    def to_json(self) -> JSON:
        data = self.step.to_json()
        data["status"] = self.status.value
        data["message"] = self.message
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], kind: Any = None) -> StepResult:
        """The inverse of ``to_json`` (what undo needs travels apart, in the journal)."""
        step = {k: v for k, v in data.items() if k not in ("status", "message")}
        return cls(step=Step.from_json(step, kind), status=StepStatus(data["status"]),
                   message=str(data["message"]))


@dataclass(frozen=True)
class Outcome:
    """What a plan's execution did. ``follow_up`` is a plan the user may be offered next
    (SIGKILL for exactly the processes that survived SIGTERM)."""

    results: tuple[StepResult, ...]
    interrupted: bool = False
    follow_up: Plan | None = None

    @property
    def failed(self) -> bool:
        """A step failed and no later step succeeded on the same target (SIGKILL after a
        SIGTERM that did not end the process makes the pair a success), or steps were left
        not run for another reason than an interrupt (the journal could not be written)."""
        if not self.interrupted and any(r.status is StepStatus.NOT_RUN for r in self.results):
            return True
        for index, result in enumerate(self.results):
            if result.status is StepStatus.FAILED and not any(
                later.status is StepStatus.DONE and later.step.target == result.step.target
                for later in self.results[index + 1:]
            ):
                return True
        return False

    @property
    def done(self) -> int:
        return sum(r.status is StepStatus.DONE for r in self.results)

    def to_json(self) -> JSON:
        data: JSON = {"steps": [r.to_json() for r in self.results]}
        if self.interrupted:
            data["interrupted"] = True
        if self.follow_up is not None:
            data["follow_up"] = {"message": self.follow_up.summary,
                                 **self.follow_up.to_json()}
        return data


# ── the whole response ─────────────────────────────────────────────────────


@dataclass(frozen=True)
class Response:
    """Everything a front end needs to show or serialise one request."""

    parse: Parse
    status: Status
    message: str
    plan: Plan | None = None
    answer: Answer | None = None
    outcome: Outcome | None = None
    choices: tuple[Choice, ...] = ()
    rule: str | None = None
    parts: tuple[Response, ...] = ()  # several requests in one sentence, in order
    plan_shown: bool = False  # the confirmation already showed the plan: print it once
    context: tuple[str, ...] = ()  # what references stood for ("it = pid 4312 python3 …")

    def to_json(self, explain: bool = False) -> JSON:
        data: JSON = {
            "text": self.parse.text,
            "intent": self.parse.intent,
            "confidence": round(self.parse.confidence, 4),
            "slots": dict(self.parse.slots),
            "status": self.status.value,
            "message": self.message,
        }
        if self.context:
            data["context"] = list(self.context)
        if self.plan is not None and self.status in (Status.PLANNED, Status.DONE, Status.FAILED,
                                                     Status.CANCELLED, Status.INTERRUPTED):
            data["plan"] = self.plan.to_json()
        if self.answer is not None:
            data["result"] = dict(self.answer.result)
        if self.outcome is not None:
            data["outcome"] = self.outcome.to_json()
        if self.choices:
            data["choices"] = [c.to_json() for c in self.choices]
        if self.rule is not None:
            data["rule"] = self.rule
        if self.parts:
            data["requests"] = [part.to_json(explain) for part in self.parts]
        operators = self.parse.operators.to_json()
        if operators:
            data["operators"] = operators
        if explain:
            data["explain"] = {
                "source": self.parse.source,
                "words": [{"word": w, "role": r} for w, r in self.parse.operators.words],
                "alternatives": [a.to_json() for a in self.parse.alternatives],
                "spans": [s.to_json() for s in self.parse.spans],
            }
            if "plan" in data and self.plan is not None:
                from nlsh.classic import classic_commands

                data["explain"]["commands"] = classic_commands(self.plan.steps)
        return data
