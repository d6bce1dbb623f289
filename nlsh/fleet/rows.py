"""What became of each host, as one row: every failure is a row with its reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from nlsh.fleet.ansible import HostResult
from nlsh.stages import JSON


class HostState(StrEnum):
    """``state`` in ``nlsh --hosts --json`` (docs/json.md)."""

    PLANNED = "planned"
    ANSWERED = "answered"
    NOTHING = "nothing_to_do"
    ASKS = "clarify"
    DONE = "done"
    SKIPPED = "skipped"  # not picked, or nothing confirmed was still there
    FAILED = "failed"
    REFUSED = "refused"  # the host's policy, or a become that was refused
    UNREACHABLE = "unreachable"
    NO_NLSH = "no_nlsh"
    TIMEOUT = "timeout"
    INTERRUPTED = "interrupted"


# From best to worst: the order of a report, and which exit status the whole run has.
SEVERITY = (HostState.DONE, HostState.PLANNED, HostState.ANSWERED, HostState.NOTHING,
            HostState.SKIPPED, HostState.ASKS, HostState.REFUSED, HostState.NO_NLSH,
            HostState.TIMEOUT, HostState.UNREACHABLE, HostState.FAILED,
            HostState.INTERRUPTED)

_FROM_STATUS = {
    "planned": HostState.PLANNED, "done": HostState.DONE, "failed": HostState.FAILED,
    "refused": HostState.REFUSED, "nothing_to_do": HostState.NOTHING,
    "clarify": HostState.ASKS, "cancelled": HostState.SKIPPED,
    "interrupted": HostState.INTERRUPTED, "answered": HostState.ANSWERED,
    "out_of_scope": HostState.FAILED, "invalid": HostState.FAILED,
}

_BECOME_WORDS = ("sudo", "become", "privilege escalation", "password is required")


@dataclass(frozen=True)
class HostRow:
    """One host: its state, why, and its nlsh's reply (``response`` as ``--json`` gives)."""

    host: str
    state: HostState
    reason: str
    reply: Mapping[str, Any] = field(default_factory=dict)

    @property
    def response(self) -> Mapping[str, Any]:
        response = self.reply.get("response")
        return response if isinstance(response, Mapping) else {}

    @property
    def plan(self) -> Mapping[str, Any] | None:
        plan = self.response.get("plan")
        return plan if isinstance(plan, Mapping) and self.state is HostState.PLANNED else None

    @property
    def steps(self) -> list[JSON]:
        plan = self.plan
        return list(plan.get("steps", ())) if plan is not None else []

    def to_json(self) -> JSON:
        data: JSON = {"host": self.host, "state": self.state.value, "reason": self.reason}
        if self.response:
            data["response"] = dict(self.response)
        gone = self.reply.get("gone")
        if gone:
            data["gone"] = list(gone)
        return data


def row_of(result: HostResult) -> HostRow:
    """The row for what Ansible reported about one host."""
    data = result.result
    message = str(data.get("msg") or data.get("message") or "").strip()
    message = message.removeprefix("Task failed: ")
    if result.state == "unreachable":
        return HostRow(result.host, HostState.UNREACHABLE, _one_line(message) or "unreachable")
    if result.state == "skipped":
        return HostRow(result.host, HostState.SKIPPED, "skipped by ansible")
    if result.state == "failed":
        reason = str(data.get("nlsh_reason") or "")
        if reason == "no-nlsh":
            return HostRow(result.host, HostState.NO_NLSH, _one_line(message))
        if "timedout" in data or "timed out" in message.lower():
            return HostRow(result.host, HostState.TIMEOUT, _one_line(message) or "timed out")
        if not reason and any(word in message.lower() for word in _BECOME_WORDS):
            return HostRow(result.host, HostState.REFUSED, _one_line(message))
        return HostRow(result.host, HostState.FAILED, _one_line(message) or "failed")
    reply = data.get("nlsh")
    if not isinstance(reply, Mapping) or not isinstance(reply.get("response"), Mapping):
        return HostRow(result.host, HostState.FAILED, "the nlsh module sent no reply")
    response = reply["response"]
    status = str(response.get("status"))
    state = _FROM_STATUS.get(status, HostState.FAILED)
    outcome = response.get("outcome")
    if status == "done" and not isinstance(outcome, Mapping):
        state = HostState.ANSWERED  # a read-only answer
    elif status == "done" and not any(step.get("status") == "done"
                                      for step in outcome.get("steps", ())):
        state = HostState.SKIPPED  # every step found its target gone already
    return HostRow(result.host, state, _one_line(str(response.get("message", ""))), reply)


def missing_row(host: str, interrupted: bool) -> HostRow:
    """A host the pattern matched that never reported."""
    if interrupted:
        return HostRow(host, HostState.INTERRUPTED,
                       "interrupted before this host reported; what ran there, if anything, "
                       "is in its own journal")
    return HostRow(host, HostState.FAILED, "ansible reported nothing for this host")


def worst(rows: list[HostRow]) -> HostState | None:
    return max((row.state for row in rows), key=SEVERITY.index, default=None)


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:300] if lines else ""
