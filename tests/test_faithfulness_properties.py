"""Negations, exclusions and questions never plan for the process they name (hypothesis).

For generated program names N (the shapes real ones take) and verbs V, "don't V N",
"never V N", "do not V N", "V everything except N", "should I V N?" and "is it safe to V
N?" must never yield a plan — nor a request of a compound reply, nor the plan an answer
says it *would* carry out — that targets N. Two real processes named N run meanwhile, so
a plan could target them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Sleepers
from tests.support.faithfulness import FailIfAsked, load_understander

VERBS = ("kill", "terminate", "end", "stop", "pause", "suspend", "freeze",
         "lower the priority of", "renice")
PHRASINGS = {
    "dont": "don't {verb} {name}",
    "never": "never {verb} {name}",
    "do_not": "do not {verb} {name}",
    "everything_except": "{verb} everything except {name}",
    "should_i": "should I {verb} {name}?",
    "is_it_safe": "is it safe to {verb} {name}?",
}
QUESTIONS = {"should_i", "is_it_safe"}
# Words of the phrasings themselves: a program with such a name is another test.
PHRASE_WORDS = {w for p in PHRASINGS.values() for w in p.replace("?", "").split()} | {
    w for v in VERBS for w in v.split()}

NAMES = st.from_regex(r"[A-Za-z][a-z0-9]{2,8}(?:[-_.][a-z0-9]{1,4})?", fullmatch=True).filter(
    lambda n: len(n) <= 15 and n.lower() not in PHRASE_WORDS)


@pytest.fixture(scope="module")
def understand() -> Callable[[str], Any]:
    return load_understander()


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sleepers]:
    directory = tmp_path_factory.mktemp("named")
    pool = Sleepers(Path(directory))
    yield pool
    pool.cleanup()


def _steps(response: Any, would: bool) -> list[dict[str, Any]]:
    """The steps of the response's plan and of its requests' plans; with ``would``, also
    those of the plan an answer says it would carry out."""
    steps = [s.to_json() for s in response.plan.steps] if response.plan is not None else []
    answer = response.answer
    if would and answer is not None and isinstance(answer.result.get("would"), dict):
        steps += list(answer.result["would"].get("steps", ()))
    for part in getattr(response, "parts", ()) or ():
        steps += _steps(part, would)
    return steps


def _check(phrasing: str, name: str, verb: str, understand: Callable[[str], Any],
           programs: Sleepers) -> None:
    from nlsh.context import Context
    from nlsh.pipeline import run

    children = [programs.spawn(name) for _ in range(2)]
    try:
        sentence = PHRASINGS[phrasing].format(verb=verb, name=name)
        confirmer = FailIfAsked()
        ctx = Context.from_environment(dry_run=True, interactive=False)
        response = run(sentence, ctx, understand, confirmer)
        pids = {child.pid for child in children}
        # A question's answer says what it would do (issue 10): that is no plan.
        steps = _steps(response, would=phrasing not in QUESTIONS)
        hits = [s for s in steps if s.get("pid") in pids or s.get("name") == name]
        assert hits == [], f"{sentence!r} plans {hits} ({response.message!r})"
        assert confirmer.asked == [], f"{sentence!r} asked {confirmer.asked}"
    finally:
        for child in children:
            child.kill()
            child.wait(timeout=5)
        programs.children = [c for c in programs.children if c not in children]


@pytest.mark.parametrize("phrasing", sorted(PHRASINGS))
@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=NAMES, verb=st.sampled_from(VERBS))
def test_a_negation_exclusion_or_question_never_plans_for_the_named_process(
        phrasing: str, name: str, verb: str, understand: Callable[[str], Any],
        programs: Sleepers) -> None:
    _check(phrasing, name, verb, understand, programs)
