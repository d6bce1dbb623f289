"""What runs on each host: ``python -m nlsh.fleet.host`` reads one request as JSON on stdin
and writes one reply as JSON on stdout. The nlsh Ansible module (``nlsh.fleet.nlsh``)
starts it with the host's own Python.

A request is ``{"mode": "plan" | "execute", "frame": {...}, "confirmed": [step, ...],
"pinned": {pid: start time, ...}}``:

* ``plan`` plans the frame here, as ``nlsh --dry-run --json`` would, and answers read-only
  questions: the host's own processes, files, policy and journal.
* ``execute`` plans the frame again and carries out only the steps the user confirmed,
  whose targets are still the same (pid and start time, or path); the executor re-checks
  each identity as it acts, as it does locally. A confirmed step the host no longer plans
  is reported as ``gone``, never replaced by another.
* ``pinned`` (optional): processes the user referred to by what this host showed before
  ("kill the biggest on web2"); a plan on such a pid that another process holds now is
  refused (rule ``changed-since-shown``), as a local follow-up is.

The reply is ``{"host", "nlsh", "response", "summary", "kind", "gone"}``, ``response``
being the usual ``--json`` object (docs/json.md).
"""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TextIO

from nlsh import __version__
from nlsh.fleet.frame import BadFrame, parse_of, step_identity
from nlsh.stages import JSON, Parse, Plan

MODES = ("plan", "execute")


@dataclass
class ConfirmedSteps:
    """The confirmer of an ``execute``: yes to the steps the user saw and confirmed, and to
    nothing else. The extra typed confirmations were asked on the controlling machine."""

    confirmed: frozenset[tuple[Any, ...]]
    gone: list[JSON] = field(default_factory=list)
    confirmed_steps: tuple[JSON, ...] = ()
    shows_plan = False
    reason = "not run: none of the confirmed steps is still planned on this host"

    def select(self, plan: Plan) -> Plan | None:
        return None  # a choice among groups is made on the controlling machine, not here

    def confirm(self, plan: Plan) -> Plan | None:
        now = {step_identity(step.to_json()): step for step in plan.steps}
        self.gone = [s for s in self.confirmed_steps if step_identity(s) not in now]
        kept = tuple(step for key, step in now.items() if key in self.confirmed)
        if not kept:
            return None
        return plan if len(kept) == len(plan.steps) else replace(plan, steps=kept)

    def reconfirm(self, plan: Plan) -> bool:
        return True

    def offer(self, plan: Plan) -> bool:
        return False  # a follow-up (SIGKILL for survivors) is a new request the user makes


def _no_language(text: str) -> Parse:
    raise AssertionError("a host never reads the sentence: it plans the frame it was sent")


def answer(request: Mapping[str, Any]) -> JSON:
    """The reply to one request (see the module docstring)."""
    from nlsh.context import Context
    from nlsh.pipeline import DeclineAll, run

    mode = request.get("mode")
    if mode not in MODES:
        raise BadFrame(f"mode {mode!r}; a host knows {', '.join(MODES)}")
    parse = parse_of(request.get("frame") or {})
    execute = mode == "execute"
    ctx = Context.from_environment(dry_run=not execute, interactive=False)
    confirmed = tuple(request.get("confirmed") or ())
    confirmer: Any = (ConfirmedSteps(frozenset(step_identity(s) for s in confirmed),
                                     confirmed_steps=confirmed)
                      if execute else DeclineAll())
    response = run(parse.text, ctx, _no_language, confirmer, parse=parse,
                   pinned=_pinned(request.get("pinned")))
    reply: JSON = {"host": socket.gethostname(), "nlsh": __version__,
                   "response": response.to_json()}
    if response.plan is not None:
        reply["summary"] = response.plan.summary
    if response.answer is not None:
        reply["kind"] = response.answer.kind  # how the controlling machine ranks answers
    if execute:
        reply["gone"] = list(getattr(confirmer, "gone", []))
    warnings = list(ctx.journal.warnings)
    if warnings:
        reply["warnings"] = warnings
    return reply


def _pinned(data: Any) -> dict[int, float]:
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise BadFrame("pinned must map pids to start times")
    try:
        return {int(pid): float(started) for pid, started in data.items()}
    except (TypeError, ValueError) as error:
        raise BadFrame(f"unreadable pinned processes ({error})") from None


def main(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
         argv: Iterable[str] = ()) -> int:
    from nlsh.interrupts import install

    install()  # ansible ending this run (Ctrl-C there) stops it like Ctrl-C: a true journal
    try:
        request = json.load(stdin)
        reply = answer(request)
    except (BadFrame, json.JSONDecodeError) as error:
        reply, code = {"error": f"bad request: {error}"}, 2
    except Exception as error:  # one line for the controlling machine, never a traceback
        reply, code = {"error": f"internal error on the host: {type(error).__name__}: "
                                f"{error}"}, 1
    except KeyboardInterrupt:
        reply, code = {"error": "interrupted on the host: the step in flight finished; "
                                "its journal says what was done"}, 130
    else:
        code = 0
    stdout.write(json.dumps(reply, ensure_ascii=False, default=str) + "\n")
    stdout.flush()
    return code


if __name__ == "__main__":
    sys.exit(main())
