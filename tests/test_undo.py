"""undo: the newest executed action, reversed from the journal's undo records.

Process records are written the way the processes verbs journal them (the shared
contract); the Trash is exercised end to end: clean temp files, undo, files are back.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from nlsh.actions import cleaners
from nlsh.actions.undo import plan_undo, step_from_json
from nlsh.context import Context
from nlsh.stages import FileRef, Plan, ProcessRef, Reply, Status, Step, StepStatus
from tests.conftest import Sleepers
from tests.support.files import (
    Mounts,
    age,
    carry_out,
    finishes,
    parse,
    request,
    snapshot,
    use_present_policy_rules,
    write,
)

UNDO = request("undo", "undo that")


@pytest.fixture(autouse=True)
def policy_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    use_present_policy_rules(monkeypatch)
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", ())


@pytest.fixture
def ctx(private_home: Path) -> Context:
    return Context.from_environment()


@pytest.fixture
def temp(private_home: Path) -> Path:
    return Path(os.environ["NLSH_TEMP_DIRS"])


def _executed(ctx: Context, text: str, intent: str, undo: list[dict[str, Any]],
              reversible: bool, done: int = 1, undoes: str | None = None) -> str:
    """Journal a request the way ``nlsh.execution.execute`` does."""
    request_id = ctx.journal.new_id()
    ctx.journal.record("request", request_id, text=text, intent=intent, status="running",
                       message=text, steps=max(len(undo), 1), reversible=reversible,
                       undoes=undoes)
    steps = list(undo)
    if undoes is not None:  # an undo runs the records of the request it undoes
        steps = [r for e in finishes(ctx) if e["request"] == undoes for r in e["undo"]]
    for index, step in enumerate(steps):
        ctx.journal.record("step", request_id, index=index, phase="after",
                           status="done" if index < done else "failed", step=step,
                           undo=None if undoes is not None else step)
    ctx.journal.record("finish", request_id, intent=intent, status="done", done=done,
                       reversible=reversible, undo=undo, undoes=undoes)
    return request_id


def _process(pid: int) -> ProcessRef:
    process = psutil.Process(pid)
    return ProcessRef(pid=pid, create_time=process.create_time(), name=process.name())


def _renice_record(ref: ProcessRef) -> dict[str, Any]:
    return Step(action="renice", target=ref, detail="restore nice 0",
                params={"nice": 0, "threads": {str(ref.pid): 0}}).to_json()


def test_nothing_in_the_journal_is_nothing_to_do(ctx: Context) -> None:
    result = plan_undo(UNDO, ctx)

    assert isinstance(result, Reply) and result.status is Status.NOTHING_TO_DO


@pytest.mark.parametrize(("intent", "record"), [
    ("process.renice", lambda ref: _renice_record(ref)),
    ("process.ionice", lambda ref: Step(action="ionice", target=ref, detail="restore I/O class",
                                        params={"ioclass": "best-effort", "value": 4}).to_json()),
    ("process.suspend", lambda ref: Step(action="resume", target=ref,
                                         detail="resume the process").to_json()),
])
def test_process_changes_become_their_inverse_steps(intent: str, record: Any, ctx: Context,
                                                   sleepers: Sleepers) -> None:
    ref = _process(sleepers.spawn().pid)
    journaled = record(ref)
    request_id = _executed(ctx, "lower the priority of the sleeper", intent, [journaled], True)

    result = plan_undo(UNDO, ctx)

    assert isinstance(result, Plan) and result.undoes == request_id
    assert not result.reversible and result.intent == "undo"
    (step,) = result.steps
    assert step == step_from_json(journaled) and step.to_json() == journaled
    assert isinstance(step.target, ProcessRef) and step.target.create_time == ref.create_time


def test_a_kill_cannot_be_undone_and_the_reply_says_why(ctx: Context) -> None:
    _executed(ctx, "kill firefox", "process.kill", [], False)
    when = dt.datetime.fromtimestamp(finishes(ctx)[-1]["ts"]).strftime("%H:%M")

    result = plan_undo(UNDO, ctx)

    assert isinstance(result, Reply) and result.status is Status.NOTHING_TO_DO
    assert result.message == (f"The last action (kill firefox, {when}) cannot be undone: "
                              "ended processes cannot be restarted by nlsh")


def test_an_undone_request_is_not_undone_twice(ctx: Context, sleepers: Sleepers) -> None:
    first = _executed(ctx, "renice a", "process.renice",
                      [_renice_record(_process(sleepers.spawn().pid))], True)
    second = _executed(ctx, "renice b", "process.renice",
                       [_renice_record(_process(sleepers.spawn().pid))], True)
    _executed(ctx, "undo", "undo", [], False, undoes=second)

    result = plan_undo(UNDO, ctx)

    assert isinstance(result, Plan) and result.undoes == first


def test_an_undo_that_changed_nothing_leaves_the_request_open(ctx: Context,
                                                             sleepers: Sleepers) -> None:
    target = _executed(ctx, "renice a", "process.renice",
                       [_renice_record(_process(sleepers.spawn().pid))], True)
    _executed(ctx, "undo", "undo", [], False, done=0, undoes=target)

    result = plan_undo(UNDO, ctx)

    assert isinstance(result, Plan) and result.undoes == target


def test_a_request_that_changed_nothing_is_passed_over(ctx: Context,
                                                       sleepers: Sleepers) -> None:
    target = _executed(ctx, "renice a", "process.renice",
                       [_renice_record(_process(sleepers.spawn().pid))], True)
    _executed(ctx, "kill nothing", "process.kill", [], False, done=0)

    result = plan_undo(UNDO, ctx)

    assert isinstance(result, Plan) and result.undoes == target


def test_a_process_that_exited_cannot_be_reniced_back(ctx: Context, sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    ref = _process(child.pid)
    _executed(ctx, "renice it", "process.renice", [_renice_record(ref)], True)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    result = plan_undo(UNDO, ctx)

    assert isinstance(result, Reply) and result.status is Status.NOTHING_TO_DO
    assert f"{ref.name} (pid {ref.pid}) has exited" in result.message


def _old_temp_files(temp: Path) -> list[Path]:
    files = [write(temp / "old report.csv", 5_000), write(temp / "naïve\nname.txt", 700),
             write(temp / "build/obj/a.o", 9_000).parent.parent]
    for path in files:
        age(path, 30)
    return files


def test_trashed_temp_files_come_back_where_they_were(ctx: Context, temp: Path) -> None:
    files = _old_temp_files(temp)
    before = snapshot(temp)

    cleaned = carry_out(ctx, parse(target="temp"))

    assert cleaned.status is Status.DONE and not any(os.path.lexists(p) for p in files)
    (finish,) = finishes(ctx)
    assert finish["reversible"] is True
    assert sorted(r["path"] for r in finish["undo"]) == sorted(str(p) for p in files)
    for record in finish["undo"]:
        assert record["action"] == "restore" and record["bytes"] > 0
        assert set(record["params"]) >= {"trash_file", "info_file"}
        assert Path(record["params"]["trash_file"]).parent == ctx.paths.trash / "files"

    undone = carry_out(ctx, UNDO)

    assert undone.status is Status.DONE, undone.message
    assert snapshot(temp) == before
    assert not os.listdir(ctx.paths.trash / "files") and not os.listdir(ctx.paths.trash / "info")
    assert finishes(ctx)[-1]["undoes"] == finish["request"]
    again = carry_out(ctx, UNDO)
    assert again.status is Status.NOTHING_TO_DO


def test_only_the_trashed_part_of_a_mixed_cleanup_comes_back(ctx: Context, temp: Path,
                                                             private_home: Path) -> None:
    cache = write(private_home / ".cache/app/blob", 4_000)
    old = write(temp / "old.txt", 1_000)
    age(old, 30)
    carry_out(ctx, parse())

    result = plan_undo(UNDO, ctx)

    assert isinstance(result, Plan)
    assert [s.target.path for s in result.steps if isinstance(s.target, FileRef)] == [str(old)]
    assert any("deleted files cannot be brought back" in n for n in result.notes)
    carry_out(ctx, UNDO)
    assert old.read_bytes() and not cache.exists()


def test_undo_refuses_to_overwrite_and_can_be_retried(ctx: Context, temp: Path) -> None:
    old = write(temp / "old.txt", 1_000)
    content = old.read_bytes()
    age(old, 30)
    carry_out(ctx, parse(target="temp"))
    old.write_text("written since")

    blocked = carry_out(ctx, UNDO)

    assert blocked.status is Status.FAILED and blocked.outcome is not None
    (result,) = blocked.outcome.results
    assert result.status is StepStatus.FAILED and "something now exists" in result.message
    assert old.read_text() == "written since"
    old.unlink()
    assert carry_out(ctx, UNDO).status is Status.DONE
    assert old.read_bytes() == content


def test_an_emptied_trash_means_it_cannot_be_undone_any_more(ctx: Context, temp: Path) -> None:
    old = write(temp / "old.txt", 1_000)
    age(old, 30)
    carry_out(ctx, parse(target="temp"))
    for entry in (ctx.paths.trash / "files").iterdir():
        entry.unlink()

    result = plan_undo(UNDO, ctx)

    assert isinstance(result, Reply) and result.status is Status.NOTHING_TO_DO
    assert f"{old} is no longer in the Trash" in result.message


def test_a_dry_run_shows_the_restore_plan_and_changes_nothing(ctx: Context, temp: Path) -> None:
    old = write(temp / "old.txt", 1_000)
    age(old, 30)
    carry_out(ctx, parse(target="temp"))
    ctx.dry_run = True

    response = carry_out(ctx, UNDO)

    assert response.status is Status.PLANNED
    (step,) = response.to_json()["plan"]["steps"]
    assert step["action"] == "restore" and step["path"] == str(old)
    assert not old.exists()


@pytest.fixture
def mount() -> Iterator[Mounts]:
    mounts = Mounts()
    yield mounts
    mounts.release()


def test_temp_files_on_their_own_filesystem_use_its_trash_and_come_back(
        ctx: Context, tmp_path: Path, mount: Mounts, monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path / "tmpfs-temp"
    mount(["-t", "tmpfs", "tmpfs"], temp)
    monkeypatch.setenv("NLSH_TEMP_DIRS", str(temp))
    old = write(temp / "old.iso", 8_000)
    age(old, 30)
    content = old.read_bytes()
    age(old, 30)

    planned = carry_out(ctx, parse(target="temp"))

    topdir_trash = temp / f".Trash-{os.geteuid()}"
    assert planned.status is Status.DONE
    assert (topdir_trash / "files/old.iso").read_bytes() == content
    assert not (ctx.paths.trash / "files").exists()  # never copied to the home trash
    ctx.dry_run = True
    emptying = carry_out(ctx, parse(target="trash"))
    assert [s["path"] for s in emptying.to_json()["plan"]["steps"]] == [
        str(topdir_trash / "files/old.iso")]
    ctx.dry_run = False

    assert carry_out(ctx, UNDO).status is Status.DONE
    assert old.read_bytes() == content and not os.listdir(topdir_trash / "files")
