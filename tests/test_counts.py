"""Every number a plan shows counts exactly the steps that will run, after policy and after
the user's selection: the summary, the "acts on N processes" and "N more belong to"
confirmations."""

from __future__ import annotations

import os
import re
import signal

import psutil
import pytest

from nlsh.context import Context
from nlsh.pipeline import DeclineAll
from nlsh.stages import Plan, ProcessRef, Status
from tests.conftest import Sleepers
from tests.support.processes import Children, eventually, program_name, request

pytestmark = pytest.mark.usefixtures("pipeline_rules")


def processes_in(plan: Plan) -> int:
    return len({s.target for s in plan.steps if isinstance(s.target, ProcessRef)})


def assert_counts_match(plan: Plan) -> None:
    """Each count the plan states is the number of processes it acts on."""
    count = processes_in(plan)
    stated = [int(n) for n in re.findall(r"\b(\d+) process(?:es)?\b", plan.summary)]
    assert stated in ([], [count]), (plan.summary, count)
    for reason in plan.confirmations:
        acts_on = re.search(r"this acts on (\d+) processes", reason)
        if acts_on:
            assert int(acts_on.group(1)) == count, reason
        listed = re.match(r"pids? (.*?)(?: and (\d+) more)? belongs? to ", reason)
        if listed:
            assert len(listed.group(1).split(", ")) + int(listed.group(2) or 0) <= count, reason
    owners = [re.match(r"pids? (.*?)(?: and (\d+) more)? belongs? to ", r)
              for r in plan.confirmations]
    owned = sum(len(m.group(1).split(", ")) + int(m.group(2) or 0) for m in owners if m)
    assert owned in (0, count), (plan.confirmations, count)  # tests run as one user


def test_kill_by_user_counts_what_policy_keeps(sleepers: Sleepers) -> None:
    sleepers.spawn()  # at least one process of ours that policy lets go, even in a bare container
    response = request("process.kill", dry_run=True, user=psutil.Process().username())
    assert response.status is Status.PLANNED, response.message
    assert response.message == response.plan.summary
    assert any("protected" in note for note in response.plan.notes)  # some were left out
    assert_counts_match(response.plan)


def test_kill_by_name_counts_without_the_protected_member(sleepers: Sleepers) -> None:
    first = sleepers.spawn()
    name = program_name(first)
    others = [sleepers.spawn(name) for _ in range(2)]
    ctx = Context.from_environment(dry_run=True, self_pid=first.pid)  # first is "nlsh itself"
    response = request("process.kill", ctx=ctx, process=name)
    assert response.status is Status.PLANNED, response.message
    assert sorted(s.target.pid for s in response.plan.steps) == sorted(c.pid for c in others)
    assert "2 processes" in response.plan.summary
    assert_counts_match(response.plan)


FORKED = """
import os, time
for _ in range(6):
    if os.fork() == 0:
        time.sleep(300)
        os._exit(0)
ready()
time.sleep(300)
"""


class PickAndLook(DeclineAll):
    """Picks one application from a selection, then looks at the plan and declines it."""

    def __init__(self, group: str) -> None:
        self.group = group
        self.seen: list[Plan] = []

    def select(self, plan: Plan) -> Plan | None:
        assert self.group in plan.groups, plan.groups
        return plan.narrowed_to({self.group}, summary=f"Close {self.group}")

    def confirm(self, plan: Plan) -> Plan | None:
        self.seen.append(plan)
        return None


def test_memory_free_counts_only_the_picked_application(children: Children) -> None:
    child, script = children.script(FORKED)
    group = psutil.Process(child.pid)
    try:
        assert eventually(lambda: len(group.children()) == 6)
        picker = PickAndLook(script)
        response = request("memory.free", picker, limit=200)
        assert response.status is Status.CANCELLED, response.message
        (plan,) = picker.seen
        assert processes_in(plan) == 7
        assert "this acts on 7 processes (all listed above)" in plan.confirmations
        assert_counts_match(plan)
    finally:
        for kid in group.children():
            os.kill(kid.pid, signal.SIGKILL)


class PickNumbers(DeclineAll):
    """Answers the confirmation with numbers, as a user typing "2,4" would, then says yes
    to the second confirmation, recording what it was asked."""

    shows_plan = True

    def __init__(self, *numbers: int) -> None:
        self.numbers = numbers
        self.asked_again: list[Plan] = []

    def confirm(self, plan: Plan) -> Plan | None:
        return plan.keeping(tuple(plan.pickable[n - 1] for n in self.numbers))

    def reconfirm(self, plan: Plan) -> bool:
        self.asked_again.append(plan)
        return True


def test_numbers_picked_at_the_confirmation_act_on_exactly_those(sleepers: Sleepers) -> None:
    children = [sleepers.spawn("zqcountpick") for _ in range(7)]
    picker = PickNumbers(2, 4)
    response = request("process.suspend", picker, process="zqcountpick")
    assert response.status is Status.DONE, response.message
    plan = response.plan
    assert plan.summary == "Pause 2 processes named 'zqcountpick' — only #2, #4 of the 7 listed"
    assert_counts_match(plan)
    stopped = {c.pid for c in children
               if eventually(lambda c=c: psutil.Process(c.pid).status() == "stopped", 2)}
    assert stopped == {s.target.pid for s in plan.steps}
    assert len(stopped) == 2
    # 7 processes would ask "this acts on 7 processes"; the 2 picked no longer do
    assert not any("acts on" in reason for reason in plan.confirmations)
    assert picker.asked_again == ([plan] if plan.confirmations else [])
