"""The pipeline's own decisions: clarify instead of guessing, invalid values, statuses."""

from __future__ import annotations

import pytest

from nlsh.context import Context
from nlsh.pipeline import AcceptAll, DeclineAll, run
from nlsh.stages import Alternative, Parse, SlotSpan, Status


def _fixed(parse: Parse) -> object:
    return lambda _text: parse


def test_below_the_threshold_nlsh_asks_with_the_alternatives() -> None:
    parse = Parse(text="stop the thing", intent="process.kill", confidence=0.41,
                  alternatives=(Alternative("process.kill", 0.41),
                                Alternative("process.suspend", 0.38),
                                Alternative(None, 0.12)),
                  uncertain=True)
    response = run(parse.text, Context.from_environment(), _fixed(parse), AcceptAll())
    assert response.status is Status.CLARIFY
    assert [c.intent for c in response.choices] == ["process.kill", "process.suspend"]
    assert all(c.sentence == "stop the thing" for c in response.choices)
    assert response.plan is None and response.outcome is None  # nothing planned, nothing run


def test_a_choice_after_clarify_runs_the_chosen_intent() -> None:
    parse = Parse(text="history of my actions", intent="history", confidence=0.4,
                  alternatives=(Alternative("history", 0.4), Alternative("undo", 0.35)),
                  uncertain=True)
    ctx = Context.from_environment()
    chosen = run(parse.text, ctx, _fixed(parse), DeclineAll(), parse=parse.with_intent("history"))
    assert (chosen.parse.intent, chosen.status, chosen.parse.source) == (
        "history", Status.DONE, "user")


@pytest.mark.parametrize(("slot", "problem"), [
    ("port", "port must be in 1–65535 (got 70000)"),
    ("nice", "nice must be in -20–19 (got -100)"),
])
def test_a_rejected_value_is_invalid_and_nothing_is_planned(slot: str, problem: str) -> None:
    parse = Parse(text="x", intent="process.kill", confidence=0.99,
                  spans=(SlotSpan(slot=slot, text="?", start=0, end=1, value=None,
                                  problem=problem, rejected=True),))
    response = run("x", Context.from_environment(), _fixed(parse), AcceptAll())
    assert (response.status, response.message, response.plan) == (Status.INVALID, problem, None)


def test_out_of_scope_is_answered_without_any_handler() -> None:
    parse = Parse(text="reboot", intent=None, confidence=0.97)
    response = run("reboot", Context.from_environment(), _fixed(parse), AcceptAll())
    assert response.status is Status.OUT_OF_SCOPE
    assert response.to_json()["intent"] is None
