"""The ``sigchld`` verb and its settler: remind parents to collect their zombies, then
see whether they did.

SIGCHLD goes to the parent through the same pinned signal path as every other verb
(``processes._signal``). The settler polls, with a deadline, the zombies each step named
(pid + creation time); a parent whose zombies all remain is FAILED and offered, as a
separate plan the user must accept again, to be ended (SIGTERM). ``--yes`` never accepts
such an offer.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Mapping

from nlsh.context import Context
from nlsh.execution.processes import send_signal
from nlsh.stages import Plan, ProcessRef, Risk, Step, StepResult, StepStatus
from nlsh.system.zombies import still_zombies

REAP_WAIT_SECONDS = 2.0
POLL_SECONDS = 0.05
END_PARENT_DETAIL = ("SIGTERM: end the parent that does not collect its zombies; init then "
                     "collects them. Ending a process cannot be undone")


def sigchld(step: Step, ctx: Context) -> StepResult:
    return send_signal(step, ctx, signal.SIGCHLD, "sent SIGCHLD", "signalling")


def _pinned(step: Step) -> dict[int, float]:
    """The zombies a step named, pid → creation time (malformed entries are left out)."""
    pinned: dict[int, float] = {}
    for entry in step.params.get("zombies") or ():
        if (isinstance(entry, list | tuple) and len(entry) == 2 and isinstance(entry[0], int)
                and isinstance(entry[1], int | float)):
            pinned[entry[0]] = float(entry[1])
    return pinned


def settle_reaped(results: list[StepResult],
                  ctx: Context) -> tuple[list[StepResult], Plan | None]:
    """Wait until each parent sent SIGCHLD has collected the zombies it was asked about."""
    watched: dict[int, Mapping[int, float]] = {
        index: _pinned(r.step) for index, r in enumerate(results)
        if r.step.action == "sigchld" and r.status is StepStatus.DONE}
    remaining = _wait(watched, REAP_WAIT_SECONDS)
    settled = list(results)
    ends: list[Step] = []
    for index in watched:
        step, left = results[index].step, remaining.get(index, [])
        if not left:
            settled[index] = StepResult(step, StepStatus.DONE,
                                        "sent SIGCHLD; its zombies were collected")
            continue
        settled[index] = StepResult(
            step, StepStatus.FAILED,
            f"sent SIGCHLD, but {len(left)} zombie{'s' if len(left) != 1 else ''} remain "
            f"(pids {', '.join(map(str, left))}): it does not collect its children")
        if isinstance(step.target, ProcessRef):
            ends.append(Step(action="terminate", target=step.target, group=step.group,
                             detail=END_PARENT_DETAIL))
    if not ends:
        return settled, None
    count = len(ends)
    follow_up = Plan(
        intent="process.reap", risk=Risk.HIGH, reversible=False, steps=tuple(ends),
        summary=f"End the {count} parent process{'es' if count != 1 else ''} that did not "
                "collect their zombies (init then collects them)",
        notes=("ending a process cannot be undone: unsaved work in it is lost",))
    return settled, follow_up


def _wait(watched: Mapping[int, Mapping[int, float]], seconds: float) -> dict[int, list[int]]:
    """The zombies of each step still there once all are gone or ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        remaining = {index: left for index, pinned in watched.items()
                     if (left := still_zombies(pinned))}
        if not remaining or time.monotonic() >= deadline:
            return remaining
        time.sleep(POLL_SECONDS)
