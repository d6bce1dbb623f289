"""The faithfulness layer on what a hostile review found: each sentence here once planned
something the sentence did not say. Real sandbox processes, the real model, dry runs.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from nlsh.context import Context
from nlsh.language import understander
from nlsh.pipeline import DeclineAll, run
from nlsh.stages import ProcessRef, Response, Status
from tests.conftest import Sleepers
from tests.support.processes import children, sleeper_as_nobody  # noqa: F401 (fixture)

_UNDERSTAND: Any = None


def _understand() -> Any:
    global _UNDERSTAND
    if _UNDERSTAND is None:
        _UNDERSTAND = understander()
    return _UNDERSTAND


class NeverAsked(DeclineAll):
    """A dry run never asks; a question or a negation never reaches a confirmation."""

    def confirm(self, plan: Any) -> Any:
        raise AssertionError(f"asked to confirm {plan.summary!r}")


def ask(text: str) -> Response:
    ctx = Context.from_environment(dry_run=True, interactive=False)
    return run(text, ctx, _understand(), NeverAsked())


def pids(response: Response) -> set[int]:
    assert response.plan is not None, (response.status, response.message)
    return {s.target.pid for s in response.plan.steps if isinstance(s.target, ProcessRef)}


@pytest.fixture
def two(sleepers: Sleepers) -> Iterator[tuple[str, str, list[int], list[int]]]:
    a, b = "zqa-web", "zqbdb7"
    first = [sleepers.spawn(a).pid, sleepers.spawn(a).pid]
    second = [sleepers.spawn(b).pid]
    yield a, b, first, second


def test_words_that_start_with_no_are_not_corrections(two: Any) -> None:
    a, b, first, second = two
    # "not", "now": once read as "no" + a new target
    assert pids(ask(f"kill {a}, not {b}")) == set(first)
    both = ask(f"kill {a}. Now pause {b}")
    assert [p.parse.intent for p in both.parts] == ["process.kill", "process.suspend"]
    assert pids(both.parts[0]) == set(first) and pids(both.parts[1]) == set(second)


def test_it_after_a_port_answer_is_the_process_on_that_port(two: Any) -> None:
    listener = subprocess.Popen(
        [sys.executable, "-c", "import socket, time; s = socket.socket(); "
         "s.bind(('127.0.0.1', 0)); s.listen(); print(s.getsockname()[1], flush=True); "
         "time.sleep(300)"], stdout=subprocess.PIPE, text=True)
    try:
        assert listener.stdout is not None
        port = int(listener.stdout.readline())
        response = ask(f"find what's on port {port} and kill it")
        assert len(response.parts) == 2
        kill = response.parts[1]
        assert kill.parse.slots.get("port") == port and "pid" not in kill.parse.slots
        assert pids(kill) == {listener.pid}
    finally:
        listener.kill()
        listener.wait(timeout=10)


def test_a_number_said_after_listens_on_is_a_port(two: Any) -> None:
    second = two[3]
    response = ask(f"kill whatever listens on {second[0]}")
    assert response.parse.slots.get("port") == second[0]
    assert response.plan is None or second[0] not in pids(response)


@pytest.mark.parametrize("said", ["kill {a} without force", "kill {a}, no need to force it",
                                  "kill {a}, I am working hard"])
def test_a_denied_or_idle_force_word_is_no_force(two: Any, said: str) -> None:
    a = two[0]
    response = ask(said.format(a=a))
    assert response.plan is not None and {s.action for s in response.plan.steps} == {"terminate"}


@pytest.mark.parametrize("said", ["don’t kill {a}", "pls dnt kill {a}", "stop killing {a}",
                                  "kill {a} never", "I wouldn't kill {a}", "kill {a}? nah",
                                  "kill {a}. oops"])
def test_negations_in_every_spelling_plan_nothing(two: Any, said: str) -> None:
    a = two[0]
    response = ask(said.format(a=a))
    assert response.status is Status.NOTHING_TO_DO and response.plan is None


@pytest.mark.parametrize("said", ["is {a} safe to kill", "why would I kill {a}",
                                  "how do I kill {a}", "wondering whether to kill {a}",
                                  "kill {a}, right?", "is killing {a} safe"])
def test_questions_are_answered_with_the_order_that_would_do_it(two: Any, said: str) -> None:
    a, _, first, _ = two
    response = ask(said.format(a=a))
    assert response.status is Status.ANSWERED and response.plan is None
    assert response.answer is not None
    assert response.answer.result["say"] == f"kill {a}"
    assert {s["pid"] for s in response.answer.result["would"]["steps"]} == set(first)


def test_exclusions_said_as_save_or_keep_running(two: Any) -> None:
    a, _, first, _ = two
    assert pids(ask(f"kill all {a} save pid {first[0]}")) == {first[1]}
    assert pids(ask(f"kill {a} keep pid {first[0]} running")) == {first[1]}


def test_a_count_nlsh_cannot_choose_asks(two: Any) -> None:
    a = two[0]
    for said in (f"kill one {a}", f"kill 2 {a}"):
        assert ask(said).status is Status.CLARIFY


def test_one_value_per_target_asks_and_a_corrected_value_is_used(two: Any) -> None:
    a, b = two[0], two[1]
    assert ask(f"renice {a} to 10 and {b} to 5").status is Status.CLARIFY
    corrected = ask(f"renice {a} to 5, no 10")
    assert corrected.plan is not None
    assert {s.params["nice"] for s in corrected.plan.steps} == {10}


def test_a_user_name_said_as_a_program_is_never_every_process_of_that_user(two: Any) -> None:
    response = ask("kill process root")
    assert response.plan is None or not any(
        isinstance(s.target, ProcessRef) and s.target.name != "root" for s in response.plan.steps)
    assert ask("kill nobody").plan is None  # "nobody" is a user, and also no one: never a plan


def test_list_joiners_keep_every_target(two: Any) -> None:
    a, b, first, second = two
    for said in (f"kill {a} + {b}", f"kill {a} plus {b}", f"kill {a}, sorry, I meant {b} too",
                 f"lower {a} and {b}'s priority"):
        assert pids(ask(said)) == set(first + second), said


def test_my_program_is_mine_when_another_user_runs_it_too(sleepers: Sleepers,
                                                         children: Any) -> None:  # noqa: F811
    mine = sleepers.spawn("zqmine3")
    sleeper_as_nobody(children, "zqmine3")
    assert pids(ask("kill my zqmine3")) == {mine.pid}


def test_numbers_after_a_kill_verb_are_pids_whatever_the_model_tagged() -> None:
    from nlsh.meaning import read
    from nlsh.stages import Parse, SlotSpan

    text = "kill processes 12748, 12749 and 12752"  # seen: the first number read as a port

    def as_ports(sentence: str) -> Parse:
        return Parse(text=sentence, intent="process.kill", confidence=0.9,
                     slots={"port": 12748}, spans=(SlotSpan("port", "12748", 15, 20, 12748),))

    (request,) = read(text, as_ports)
    assert request.parse.intent == "process.kill"
    assert dict(request.parse.slots) == {"pid": 12748}
    assert request.parse.operators.also == (("pid", 12749), ("pid", 12752))
