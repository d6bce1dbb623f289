"""Running what a diagnosis suggested ("do 1"): the finding's typed follow-up, as it is.

A finding's ``follow_up`` names an intent, its slots and, when it acts on a process, that
process as pid + creation time. "do N" runs exactly that request: the sentence shown
beside it is never read again by the language model, and a process that exited or whose
pid now belongs to another process is not acted on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nlsh.stages import Parse, SlotValue
from nlsh.system.processes import SAME_PROCESS_TOLERANCE, read_process


def follow_up_parse(follow_up: Mapping[str, Any], sentence: str) -> Parse | str:
    """The fixed reading "do N" runs for ``follow_up``, or why it cannot run any more."""
    intent = follow_up.get("intent")
    slots = follow_up.get("slots") or {}
    if not isinstance(intent, str) or not isinstance(slots, Mapping) or not all(
            isinstance(k, str) and isinstance(v, SlotValue) for k, v in slots.items()):
        return "That suggestion cannot be run: it does not name a request nlsh knows"
    target = follow_up.get("target")
    if isinstance(target, Mapping):
        pid, created = target.get("pid"), target.get("create_time")
        info = read_process(pid) if isinstance(pid, int) else None
        if info is None:
            return f"Not run: pid {pid}, which the diagnosis named, has exited since"
        if not isinstance(created, int | float):
            if intent != "process.find":  # only looking needs no proof of identity
                return (f"Not run: nlsh could not read when pid {pid} started, so it cannot "
                        "tell it is still the process the diagnosis named")
        elif abs(info.create_time - created) > SAME_PROCESS_TOLERANCE:
            return (f"Not run: pid {pid} is another process now ({info.name}), not the one "
                    "the diagnosis named")
    return Parse(text=sentence, intent=intent, confidence=1.0, slots=dict(slots))
