"""One turn of the conversation, the same in the REPL and in a one-shot: read the line in
the light of the state, say what its references stood for, run it, and keep what the
response showed for the next line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from nlsh.context import Context
from nlsh.dialogue.references import Understand, resolve
from nlsh.dialogue.state import State
from nlsh.stages import Parse, Response, Status

Say = Callable[[str], None]


def take_turn(line: str, sentence: str, state: State, ctx: Context, understand: Understand,
              confirmer: Any, say: Say) -> tuple[Response, State]:
    """The response to ``line`` (``sentence`` is it cleaned up) and the state after it."""
    from nlsh.pipeline import run

    resolution = resolve(line, state, understand)
    if resolution is None:
        response = run(sentence, ctx, understand, confirmer)
    elif resolution.answer is not None:
        response = Response(parse=_said(line), status=Status.DONE,
                            message=resolution.answer.message, answer=resolution.answer)
        return response, state  # "why?" leaves the state as it was: ask again, same answer
    elif resolution.message is not None:
        status = Status.CLARIFY if resolution.message.startswith("Which") else (
            Status.NOTHING_TO_DO)
        response = Response(parse=_said(line), status=status, message=resolution.message,
                            choices=state.choices if status is Status.CLARIFY else ())
        if status is Status.CLARIFY:
            return response, state
    else:
        for note in resolution.context:
            say(f"→ {note}")
        if resolution.parse is None:
            say(f"→ {resolution.sentence}")
        response = run(resolution.sentence, ctx, understand, confirmer,
                       parse=resolution.parse, pinned=resolution.pinned)
        if resolution.context:
            response = replace(response, context=resolution.context)
    return response, state.after(response)


def _said(line: str) -> Parse:
    return Parse(text=line, intent=None, confidence=1.0, source="dialogue")
