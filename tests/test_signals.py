"""process.suspend and process.resume on real children, and finding what nlsh paused last."""

from __future__ import annotations

import os
import signal
import time

import psutil
import pytest

from nlsh.context import Context
from nlsh.execution import execute
from nlsh.pipeline import AcceptAll
from nlsh.stages import Status, StepStatus
from nlsh.system.processes import read_process
from tests.conftest import Sleepers
from tests.support.processes import journal_entries, program_name, request, step_pids

pytestmark = pytest.mark.usefixtures("pipeline_rules")


def status_of(pid: int, expected: str, timeout: float = 10.0) -> str:
    """The process's status once it is ``expected`` (or whatever it is at the timeout):
    signals are delivered asynchronously."""
    process = psutil.Process(pid)
    deadline = time.monotonic() + timeout
    while process.status() != expected and time.monotonic() < deadline:
        time.sleep(0.01)
    return str(process.status())


def test_suspend_then_resume_it(sleepers: Sleepers) -> None:
    first = sleepers.spawn()
    name = program_name(first)
    second = sleepers.spawn(name)

    paused = request("process.suspend", AcceptAll(), process=name)
    assert paused.status is Status.DONE, paused.message
    assert paused.plan.reversible is True
    for child in (first, second):
        assert status_of(child.pid, psutil.STATUS_STOPPED) == psutil.STATUS_STOPPED

    finish = journal_entries("finish")[-1]
    assert finish["reversible"] is True
    records = {r["pid"]: r for r in finish["undo"]}
    assert set(records) == {first.pid, second.pid}
    for pid, record in records.items():
        live = read_process(pid)
        assert live is not None
        assert record["action"] == "resume" and record["create_time"] == live.create_time
        assert record["name"] == name

    resumed = request("process.resume", AcceptAll(), process="it")
    assert resumed.status is Status.DONE, resumed.message
    assert sorted(step_pids(resumed.plan.steps)) == sorted([first.pid, second.pid])
    assert "nlsh paused last" in resumed.plan.summary
    for child in (first, second):
        assert status_of(child.pid, psutil.STATUS_SLEEPING) == psutil.STATUS_SLEEPING


def test_resume_without_a_target_finds_the_last_suspension(sleepers: Sleepers) -> None:
    older = sleepers.spawn()
    newer = sleepers.spawn()
    request("process.suspend", AcceptAll(), pid=older.pid)
    request("process.suspend", AcceptAll(), pid=newer.pid)
    planned = request("process.resume", dry_run=True)
    assert step_pids(planned.plan.steps) == [newer.pid]
    request("process.resume", AcceptAll())
    # The newest suspension is resumed now; the one before is what "resume" finds next.
    assert step_pids(request("process.resume", dry_run=True).plan.steps) == [older.pid]


def test_a_journaled_process_that_ended_is_not_resumed(sleepers: Sleepers) -> None:
    gone = sleepers.spawn()
    request("process.suspend", AcceptAll(), pid=gone.pid)
    gone.kill()
    gone.wait()
    planned = request("process.resume", dry_run=True)
    assert gone.pid not in step_pids(getattr(planned.plan, "steps", ()))


def test_without_a_journal_resume_offers_the_users_stopped_processes(
        sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    os.kill(child.pid, signal.SIGSTOP)
    status_of(child.pid, psutil.STATUS_STOPPED)
    planned = request("process.resume", dry_run=True)
    assert planned.status is Status.PLANNED
    assert child.pid in step_pids(planned.plan.steps)
    assert any("nlsh did not pause these" in n for n in planned.plan.notes)


def test_a_named_process_that_is_not_paused_has_nothing_to_resume(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    response = request("process.resume", dry_run=True, pid=child.pid)
    assert response.status is Status.NOTHING_TO_DO and "paused" in response.message


def test_pausing_a_paused_process_is_nothing_to_do(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    os.kill(child.pid, signal.SIGSTOP)
    status_of(child.pid, psutil.STATUS_STOPPED)
    response = request("process.suspend", dry_run=True, pid=child.pid)
    assert response.status is Status.NOTHING_TO_DO and "already paused" in response.message


def test_a_process_paused_by_someone_else_is_not_claimed_by_undo(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    planned = request("process.suspend", dry_run=True, pid=child.pid)
    os.kill(child.pid, signal.SIGSTOP)  # paused between plan and execution, not by nlsh
    status_of(child.pid, psutil.STATUS_STOPPED)
    outcome = execute(planned.plan, Context.from_environment(), text="pause")
    assert outcome.results[0].status is StepStatus.SKIPPED
    assert journal_entries("finish")[-1]["undo"] == []


def test_suspend_is_done_only_once_the_process_has_stopped(sleepers: Sleepers) -> None:
    # Read at once, no polling: "paused" in the outcome means stopped now.
    for child in [sleepers.spawn() for _ in range(5)]:
        response = request("process.suspend", AcceptAll(), pid=child.pid)
        assert response.status is Status.DONE, response.message
        assert psutil.Process(child.pid).status() == psutil.STATUS_STOPPED
        assert response.outcome.results[0].message == "paused (SIGSTOP)"


def test_resume_typed_right_after_pause_finds_it(sleepers: Sleepers) -> None:
    children = [sleepers.spawn() for _ in range(3)]
    for child in children:
        request("process.suspend", AcceptAll(), pid=child.pid)
        resumed = request("process.resume", AcceptAll())
        assert step_pids(resumed.plan.steps) == [child.pid], resumed.message
        assert resumed.outcome.results[0].status is StepStatus.DONE
