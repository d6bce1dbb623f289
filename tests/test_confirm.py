"""What an answer at the confirmation means: y, n, ?, numbers, ranges, "all but"."""

from __future__ import annotations

import pytest

from nlsh.confirm import Verdict, read_answer


@pytest.mark.parametrize(("typed", "verdict"), [
    ("y", Verdict.YES), ("YES", Verdict.YES), (" yes ", Verdict.YES), ("all", Verdict.YES),
    ("", Verdict.NO), ("n", Verdict.NO), ("No", Verdict.NO), ("cancel", Verdict.NO),
    ("?", Verdict.HELP), ("help", Verdict.HELP),
    ("maybe", Verdict.UNCLEAR), ("yes please kill the other one", Verdict.UNCLEAR),
])
def test_words(typed: str, verdict: Verdict) -> None:
    assert read_answer(typed, 4).verdict is verdict


@pytest.mark.parametrize(("typed", "picked"), [
    ("2", (2,)), ("1,3", (1, 3)), ("1, 3", (1, 3)), ("3 1", (1, 3)), ("1 and 3", (1, 3)),
    ("2-4", (2, 3, 4)), ("2..4", (2, 3, 4)), ("2 to 4", (2, 3, 4)), ("1,2-3", (1, 2, 3)),
    ("all but 2", (1, 3, 4)), ("all except 1,4", (2, 3)), ("everything but 2-3", (1, 4)),
    ("only 4", (4,)), ("just 1 3", (1, 3)), ("3,3", (3,)),
])
def test_numbers_pick_exactly_those(typed: str, picked: tuple[int, ...]) -> None:
    answer = read_answer(typed, 4)
    assert answer.verdict is Verdict.PICK
    assert answer.picked == picked


@pytest.mark.parametrize(("typed", "problem"), [
    ("5", "there is no 5: the list goes from 1 to 4"),
    ("0", "there is no 0"),
    ("3-1", "runs backwards"),
    ("2-9", "there is no 9"),
    ("all but 1-4", "leaves nothing"),
    ("1,x", "'x' is not a number"),
    ("-1", "'-1' is not a number"),
])
def test_numbers_outside_the_list_are_never_guessed(typed: str, problem: str) -> None:
    answer = read_answer(typed, 4)
    assert answer.verdict is Verdict.UNCLEAR
    assert problem in answer.problem


def test_a_single_target_plan_takes_no_numbers() -> None:
    assert read_answer("1", 0).verdict is Verdict.UNCLEAR
    assert read_answer("y", 0).verdict is Verdict.YES
