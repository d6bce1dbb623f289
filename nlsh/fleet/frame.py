"""A reading as it travels to hosts, and the identity of a planned step across the wire.

The frame is the already-understood request: no host reads the sentence again, so every
host gets exactly the same meaning and none needs the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nlsh.stages import JSON, Operators, Parse, SlotSpan

FRAME_VERSION = 1


def frame_of(parse: Parse) -> JSON:
    """``parse`` as JSON: what every host plans from."""
    return {"version": FRAME_VERSION, "text": parse.text, "intent": parse.intent,
            "confidence": parse.confidence, "slots": dict(parse.slots),
            "operators": parse.operators.to_json(),
            "spans": [span.to_json() for span in parse.spans]}


class BadFrame(ValueError):
    """A frame this nlsh cannot read (another version, a missing field)."""


def parse_of(frame: Mapping[str, Any]) -> Parse:
    """The inverse of :func:`frame_of`."""
    if frame.get("version") != FRAME_VERSION:
        raise BadFrame(f"frame version {frame.get('version')!r}; this nlsh reads "
                       f"{FRAME_VERSION}")
    try:
        return Parse(text=str(frame["text"]), intent=frame["intent"],
                     confidence=float(frame["confidence"]), slots=dict(frame["slots"]),
                     spans=tuple(SlotSpan.from_json(s) for s in frame.get("spans", ())),
                     operators=Operators.from_json(frame.get("operators", {})),
                     source="fleet")
    except (KeyError, TypeError, ValueError) as error:
        raise BadFrame(f"unreadable frame ({type(error).__name__}: {error})") from None


def step_identity(step: Mapping[str, Any]) -> tuple[Any, ...]:
    """What makes a planned step (as JSON) the same step when the host plans it again:
    its verb and its target's identity (pid and start time, or path)."""
    action = step.get("action")
    if "pid" in step:
        return (action, "pid", int(step["pid"]), round(float(step.get("create_time", 0)), 2))
    if "path" in step:
        return (action, "path", str(step["path"]))
    return (action, "other", str(step.get("detail", "")))
