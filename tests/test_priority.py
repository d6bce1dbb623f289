"""process.renice and process.ionice: every thread changes, old values come back with undo,
and an unprivileged user is told which privilege a change needs."""

from __future__ import annotations

import os
import subprocess
from typing import Any

import psutil
import pytest

from nlsh.context import Context
from nlsh.execution import execute
from nlsh.pipeline import AcceptAll
from nlsh.stages import Plan, Risk, Status, Step, StepStatus
from nlsh.system.processes import process_ref_from_json, read_process
from nlsh.system.scheduling import schedulers_ignoring_priorities
from tests.conftest import Sleepers
from tests.support.processes import (
    NOBODY,
    THREADS,
    UNPRIVILEGED_PRELUDE,
    Children,
    journal_entries,
    nice_of_threads,
    request,
    run_unprivileged,
    sleeper_as_nobody,
)

pytestmark = pytest.mark.usefixtures("pipeline_rules")

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="raising priority needs root; "
                                "the unprivileged path is tested as the current user")


def threaded(children: Children) -> subprocess.Popen[bytes]:
    child, _ = children.script(THREADS)
    assert len(nice_of_threads(child.pid)) == 5
    return child


def undo_plan(record: dict[str, Any]) -> Plan:
    """The undo step as ``actions/undo.py`` rebuilds it from the journal's record."""
    step = Step(action=record["action"], target=process_ref_from_json(record),
                detail=record["detail"], params=record["params"])
    return Plan(intent="undo", summary="undo", steps=(step,), risk=Risk.LOW, reversible=False)


def io_classes(pid: int) -> set[tuple[int, int]]:
    return {(int(psutil.Process(int(t)).ionice().ioclass), int(psutil.Process(int(t)).ionice()
                                                                 .value))
            for t in os.listdir(f"/proc/{pid}/task")}


def test_lower_priority_changes_every_thread_and_undo_restores_them(
        children: Children) -> None:
    child = threaded(children)
    response = request("process.renice", AcceptAll(), pid=child.pid, priority="low")
    assert response.status is Status.DONE, response.message
    assert set(nice_of_threads(child.pid).values()) == {10}
    assert "5 threads" in response.plan.steps[0].detail

    record = journal_entries("finish")[-1]["undo"][0]
    assert record["action"] == "renice" and record["pid"] == child.pid
    assert record["params"]["nice"] == 0
    assert set(record["params"]["threads"]) == {str(t) for t in nice_of_threads(child.pid)}

    undone = execute(undo_plan(record), Context.from_environment(), text="undo")
    assert undone.results[0].status is StepStatus.DONE
    assert set(nice_of_threads(child.pid).values()) == {0}


def test_undo_gives_each_thread_back_its_own_value(children: Children) -> None:
    child = threaded(children)
    before = {}
    for offset, tid in enumerate(sorted(nice_of_threads(child.pid))):
        os.setpriority(os.PRIO_PROCESS, tid, offset)  # 0..4, all allowed without privilege
        before[tid] = offset
    request("process.renice", AcceptAll(), pid=child.pid, nice=15)
    assert set(nice_of_threads(child.pid).values()) == {15}
    record = journal_entries("finish")[-1]["undo"][0]
    if os.geteuid() != 0:
        pytest.skip("restoring lower nice values needs root")
    execute(undo_plan(record), Context.from_environment(), text="undo")
    assert nice_of_threads(child.pid) == before


@needs_root
def test_an_exact_nice_value_as_root(children: Children) -> None:
    child = threaded(children)
    response = request("process.renice", AcceptAll(), pid=child.pid, nice=-5)
    assert response.status is Status.DONE
    assert not response.plan.steps[0].needs_root
    assert set(nice_of_threads(child.pid).values()) == {-5}


def test_priority_never_moves_the_wrong_way(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    os.setpriority(os.PRIO_PROCESS, child.pid, 15)
    response = request("process.renice", AcceptAll(), pid=child.pid, priority="low")
    assert response.status is Status.NOTHING_TO_DO
    assert os.getpriority(os.PRIO_PROCESS, child.pid) == 15
    high = request("process.renice", dry_run=True, pid=child.pid, priority="high")
    assert high.plan.steps[0].params == {"nice": -5}


@pytest.mark.parametrize("slots", [{"nice": 25}, {"nice": -21}, {"nice": "10"}, {"nice": True},
                                   {"priority": "turbo"}, {}])
def test_a_nice_value_out_of_range_is_a_question(sleepers: Sleepers,
                                                 slots: dict[str, Any]) -> None:
    child = sleepers.spawn()
    response = request("process.renice", AcceptAll(), pid=child.pid, **slots)
    assert response.status is Status.CLARIFY
    assert os.getpriority(os.PRIO_PROCESS, child.pid) == 0


@pytest.mark.parametrize("params", [{"nice": 99}, {"nice": "5"}, {},
                                    {"nice": 5, "threads": {"1": 40}}])
def test_the_verb_does_not_trust_its_step(sleepers: Sleepers, params: dict[str, Any]) -> None:
    child = sleepers.spawn()
    info = read_process(child.pid)
    assert info is not None
    plan = Plan(intent="process.renice", summary="t", risk=Risk.LOW, reversible=True,
                steps=(Step(action="renice", target=info.ref(), detail="t", params=params),))
    outcome = execute(plan, Context.from_environment(), text="t")
    assert outcome.results[0].status is StepStatus.FAILED
    assert os.getpriority(os.PRIO_PROCESS, child.pid) == 0


def test_plans_for_a_normal_user_name_the_privilege_a_boost_needs(children: Children) -> None:
    theirs = sleeper_as_nobody(children)
    as_nobody = Context.from_environment(euid=NOBODY)
    boost = request("process.renice", ctx=as_nobody, pid=theirs.pid, priority="high")
    assert boost.status is Status.CANCELLED  # DeclineAll: planned, shown, not run
    assert boost.plan.steps[0].needs_root
    assert any("CAP_SYS_NICE" in note for note in boost.plan.notes)
    lower = request("process.renice", ctx=Context.from_environment(euid=NOBODY, dry_run=True),
                    pid=theirs.pid, priority="low")
    assert not lower.plan.steps[0].needs_root
    assert lower.plan.reversible is False  # raising it back would need root


def test_plans_for_a_normal_user_mark_another_users_process(sleepers: Sleepers) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs a root-owned child: run the suite as root")
    roots = sleepers.spawn()
    planned = request("process.renice", ctx=Context.from_environment(euid=NOBODY, dry_run=True),
                      pid=roots.pid, priority="low")
    assert planned.plan.steps[0].needs_root
    assert any("belongs to root" in note for note in planned.plan.notes)
    io = request("process.ionice", ctx=Context.from_environment(euid=NOBODY, dry_run=True),
                 pid=roots.pid, priority="idle")
    assert io.plan.steps[0].needs_root


def test_an_unprivileged_boost_fails_with_the_privilege_it_needs() -> None:
    result = run_unprivileged(UNPRIVILEGED_PRELUDE + """
child = spawn_threaded()
boost = ask("process.renice", pid=child.pid, nice=-5)
after_boost = nices(child.pid)
lower = ask("process.renice", pid=child.pid, priority="low")
after_lower = nices(child.pid)
info = read_process(child.pid)
from nlsh.execution.processes import ionice
realtime = ionice(Step(action="ionice", target=info.ref(), detail="t",
                       params={"ioclass": "realtime", "value": 0}), Context.from_environment())
child.kill()
emit({"boost": boost, "after_boost": after_boost, "lower": lower, "after_lower": after_lower,
      "realtime": realtime.to_json(), "euid": os.geteuid()})
""")
    assert result["euid"] != 0
    boost = result["boost"]
    assert boost["plan"]["steps"][0]["needs_root"] is True
    assert any("CAP_SYS_NICE" in note for note in boost["plan"]["notes"])
    assert boost["status"] == "failed"
    step = boost["outcome"]["steps"][0]
    assert step["status"] == "failed" and "CAP_SYS_NICE" in step["message"]
    assert set(result["after_boost"].values()) == {0}

    lower = result["lower"]
    assert lower["status"] == "done" and lower["plan"]["reversible"] is False
    assert set(result["after_lower"].values()) == {10}

    assert result["realtime"]["status"] == "failed"
    assert "realtime I/O class needs root" in result["realtime"]["message"]


def test_idle_io_priority_reaches_every_thread_and_undo_restores_it(
        children: Children) -> None:
    child = threaded(children)
    response = request("process.ionice", AcceptAll(), pid=child.pid, priority="idle")
    assert response.status is Status.DONE, response.message
    assert io_classes(child.pid) == {(int(psutil.IOPRIO_CLASS_IDLE), 0)}
    assert any("scheduler" in n for n in response.plan.notes) == bool(
        schedulers_ignoring_priorities())

    record = journal_entries("finish")[-1]["undo"][0]
    assert record["action"] == "ionice" and record["params"]["ioclass"] == "none"
    assert len(record["params"]["threads"]) == 5
    execute(undo_plan(record), Context.from_environment(), text="undo")
    assert io_classes(child.pid) == {(int(psutil.IOPRIO_CLASS_NONE), 0)}


def test_high_io_priority_is_best_effort_zero(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    request("process.ionice", AcceptAll(), pid=child.pid, priority="high")
    assert io_classes(child.pid) == {(int(psutil.IOPRIO_CLASS_BE), 0)}
    again = request("process.ionice", AcceptAll(), pid=child.pid, priority="high")
    assert again.status is Status.NOTHING_TO_DO


@pytest.mark.parametrize("priority", [None, "turbo", 3])
def test_an_unknown_io_priority_is_a_question(sleepers: Sleepers, priority: object) -> None:
    child = sleepers.spawn()
    slots: dict[str, Any] = {} if priority is None else {"priority": priority}
    response = request("process.ionice", AcceptAll(), pid=child.pid, **slots)
    assert response.status is Status.CLARIFY
