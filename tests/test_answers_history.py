"""history: the journal read back, newest first, with what became of each request."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nlsh.answers.history import show_history
from nlsh.context import Context
from nlsh.journal import Journal
from nlsh.pipeline import DeclineAll, run
from nlsh.render.history import history_view
from nlsh.stages import Answer, Parse, Status
from tests.support.render import HOSTILE, assert_shown_escaped, render_text


@pytest.fixture
def ctx() -> Context:
    return Context.from_environment()


def _ask(ctx: Context, **slots: Any) -> Answer:
    answer = show_history(Parse(text="history", intent="history", confidence=1.0, slots=slots),
                          ctx)
    assert isinstance(answer, Answer)
    json.dumps(answer.result)
    return answer


def _answered(journal: Journal, text: str, intent: str | None = "memory.status",
              status: str = "done", message: str = "ok") -> str:
    request = journal.new_id()
    journal.record("request", request, text=text, intent=intent, slots={}, status=status,
                   message=message, dry_run=False)
    return request


def _executed(journal: Journal, text: str, steps: int, done: int, final: str = "done",
              undoes: str | None = None, intent: str = "process.kill") -> str:
    """The entries ``nlsh.execution.execute`` writes for a plan it runs."""
    request = journal.new_id()
    journal.record("request", request, text=text, intent=intent, status="running",
                   message=f"Terminate {steps} processes", steps=steps, reversible=False,
                   undoes=undoes)
    for index in range(steps):
        journal.record("step", request, index=index, phase="before", step={})
        status = "done" if index < done else "failed"
        journal.record("step", request, index=index, phase="after", status=status,
                       message=status, undo=None, step={})
    journal.record("finish", request, intent=intent, status=final, done=done,
                   reversible=False, undo=[], undoes=undoes)
    return request


def test_an_empty_journal_says_nothing_yet(ctx: Context) -> None:
    answer = _ask(ctx)
    assert answer.result["requests"] == []
    assert answer.message.startswith("Nothing yet")
    assert "Nothing yet" in render_text(history_view(answer.result))


def test_newest_first_with_sentence_intent_status_and_message(ctx: Context) -> None:
    _answered(ctx.journal, "how much memory is free")
    _answered(ctx.journal, "kill frobnicator", intent="process.kill",
              status="nothing_to_do", message="No process named frobnicator")
    answer = _ask(ctx)
    rows = answer.result["requests"]
    assert [(r["text"], r["intent"], r["status"]) for r in rows] == [
        ("kill frobnicator", "process.kill", "nothing_to_do"),
        ("how much memory is free", "memory.status", "done"),
    ]
    assert rows[0]["message"] == "No process named frobnicator"
    assert answer.message == "Showing all 2 requests; latest: 'kill frobnicator' (nothing_to_do)"
    shown = render_text(history_view(answer.result))
    assert shown.index("kill frobnicator") < shown.index("how much memory is free")
    assert "No process named frobnicator" in shown


def test_executed_plans_show_steps_done_and_a_later_undo(ctx: Context) -> None:
    killed = _executed(ctx.journal, "kill the sleepers", steps=3, done=3)
    partial = _executed(ctx.journal, "kill everything", steps=2, done=1, final="failed")
    undo = _executed(ctx.journal, "undo", steps=1, done=1, undoes=killed)
    rows = {r["id"]: r for r in _ask(ctx).result["requests"]}
    assert (rows[killed]["status"], rows[killed]["steps"], rows[killed]["done"]) == ("done", 3, 3)
    assert rows[killed]["undone"] is True and rows[killed]["undone_by"] == undo
    assert (rows[partial]["status"], rows[partial]["done"], rows[partial]["undone"]) == (
        "failed", 1, False)
    assert rows[undo]["undoes"] == killed
    shown = render_text(history_view(_ask(ctx).result))
    assert "[3/3 steps done]" in shown and "undone later" in shown
    assert "[1/2 steps done]" in shown


def test_a_failed_undo_does_not_mark_the_request_undone(ctx: Context) -> None:
    killed = _executed(ctx.journal, "pause the sleepers", steps=1, done=1)
    _executed(ctx.journal, "undo", steps=1, done=0, final="failed", undoes=killed)
    row = next(r for r in _ask(ctx).result["requests"] if r["id"] == killed)
    assert row["undone"] is False and row["undo_status"] == "failed"


def test_a_plan_that_never_finished_is_incomplete(ctx: Context) -> None:
    request = ctx.journal.new_id()
    ctx.journal.record("request", request, text="kill port 8080", intent="process.kill",
                       status="running", message="Terminate 1 process", steps=1)
    ctx.journal.record("step", request, index=0, phase="before", step={})
    [row] = _ask(ctx).result["requests"]
    assert row["status"] == "incomplete"


@pytest.mark.parametrize(("limit", "shown"), [(None, 20), (2, 2), (100, 25)])
def test_limit(ctx: Context, limit: int | None, shown: int) -> None:
    for number in range(25):
        _answered(ctx.journal, f"request {number}")
    answer = _ask(ctx) if limit is None else _ask(ctx, limit=limit)
    rows = answer.result["requests"]
    assert len(rows) == shown and answer.result["total"] == 25
    assert rows[0]["text"] == "request 24"


def test_a_corrupted_line_is_skipped_and_the_warning_shown(ctx: Context) -> None:
    _answered(ctx.journal, "first")
    with ctx.journal.path.open("a") as handle:
        handle.write('{"v": 1, "event": "request", "request": "tru\n')
    _answered(ctx.journal, "second")
    answer = _ask(ctx)
    assert [r["text"] for r in answer.result["requests"]] == ["second", "first"]
    assert answer.result["warnings"] == [
        f"skipped 1 unreadable journal line(s) in {ctx.journal.path}"]
    assert "warning: skipped 1 unreadable journal line" in render_text(
        history_view(answer.result))


def test_secrets_stay_redacted_and_strings_escaped(ctx: Context) -> None:
    _answered(ctx.journal, "kill mysql --password hunter2")
    _answered(ctx.journal, f"kill {HOSTILE}", message=HOSTILE)
    shown = render_text(history_view(_ask(ctx).result))
    assert "hunter2" not in shown and "[REDACTED]" in shown
    assert_shown_escaped(shown)


def test_through_the_pipeline_history_shows_earlier_requests(ctx: Context) -> None:
    def answer_with(parse: Parse) -> None:
        run(parse.text, ctx, understand=lambda _: parse, confirmer=DeclineAll(), parse=parse)

    answer_with(Parse(text="memory status", intent="memory.status", confidence=1.0))
    answer_with(Parse(text="reboot the machine", intent=None, confidence=0.9))
    parse = Parse(text="what did you do", intent="history", confidence=1.0)
    response = run(parse.text, ctx, understand=lambda _: parse, confirmer=DeclineAll(),
                   parse=parse)
    assert response.status is Status.DONE
    rows = response.to_json()["result"]["requests"]
    assert [(r["text"], r["status"]) for r in rows] == [
        ("reboot the machine", "out_of_scope"), ("memory status", "done")]


def _asked(ctx: Context, text: str) -> Answer:
    answer = show_history(Parse(text=text, intent="history", confidence=1.0), ctx)
    assert isinstance(answer, Answer)
    return answer


def test_what_did_you_just_do_is_the_last_change_only(ctx: Context) -> None:
    _executed(ctx.journal, "kill zqa", steps=1, done=1)
    _executed(ctx.journal, "pause zqb", steps=2, done=2, intent="process.suspend")
    _answered(ctx.journal, "how much memory is free")  # read-only: not a change
    answer = _asked(ctx, "what did you just do")
    assert [r["text"] for r in answer.result["requests"]] == ["pause zqb"]
    assert answer.message.startswith("Last change, at ")
    assert "'pause zqb' — Terminate 2 processes (done)" in answer.message
    shown = render_text(history_view(answer.result))
    assert "how much memory" not in shown and "kill zqa" not in shown


def test_what_did_you_kill_today_lists_those_only(ctx: Context) -> None:
    _executed(ctx.journal, "kill zqa", steps=1, done=1)
    _executed(ctx.journal, "pause zqb", steps=1, done=1, intent="process.suspend")
    _executed(ctx.journal, "end zqc", steps=3, done=3)
    answer = _asked(ctx, "what did you kill today")
    assert [r["text"] for r in answer.result["requests"]] == ["end zqc", "kill zqa"]
    assert answer.message.startswith("2 changes today; latest: 'end zqc'")
    assert _asked(ctx, "what did you renice today").message == (
        "nlsh has changed nothing of that kind today")
    everything = _asked(ctx, "what did you do")  # not a focused question: every request
    assert len(everything.result["requests"]) == 3 and everything.result["focus"] is None
