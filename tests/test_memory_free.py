"""memory.free: applications grouped and ranked by what closing them frees; the user picks."""

from __future__ import annotations

import os
import subprocess

import pytest

from nlsh.actions.memory_free import plan_memory_free
from nlsh.context import Context
from nlsh.pipeline import AcceptAll
from nlsh.stages import Parse, Plan, ProcessRef, Reply, Status
from tests.conftest import Sleepers
from tests.support.processes import (
    Children,
    Picks,
    program_name,
    request,
    sleeper_as_nobody,
    step_pids,
    wait_gone,
)

pytestmark = pytest.mark.usefixtures("pipeline_rules")

HOG = """
import time
block = bytearray(96 * 1024 * 1024)
for offset in range(0, len(block), 4096):
    block[offset] = 1  # touch every page so it is really resident
ready()
time.sleep(300)
"""
EVERYTHING = 10_000


def alive(child: subprocess.Popen[bytes]) -> bool:
    return child.poll() is None


def plan(ctx: Context | None = None, **slots: object) -> Plan | Reply:
    parse = Parse(text="free up memory", intent="memory.free", confidence=1.0,
                  slots=slots)  # type: ignore[arg-type]
    return plan_memory_free(parse, ctx or Context.from_environment())


def test_processes_of_one_application_are_one_choice(sleepers: Sleepers) -> None:
    first = sleepers.spawn()
    name = program_name(first)
    rest = [sleepers.spawn(name), sleepers.spawn(name)]
    proposal = plan(limit=EVERYTHING)
    assert isinstance(proposal, Plan) and proposal.selectable
    assert len(proposal.choices) == len(proposal.groups)
    assert name in proposal.groups
    group = [s for s in proposal.steps if s.group == name]
    assert sorted(step_pids(group)) == sorted(c.pid for c in [first, *rest])
    assert all(s.action == "terminate" for s in group)
    label = proposal.choices[proposal.groups.index(name)].label
    assert label.startswith(f"{name}: 3 processes, frees about ")
    assert "USS" in label or "RSS" in label


def test_the_application_that_frees_most_comes_first(children: Children,
                                                     sleepers: Sleepers) -> None:
    _, hog = children.script(HOG)
    small = program_name(sleepers.spawn())
    proposal = plan(limit=EVERYTHING)
    assert isinstance(proposal, Plan)
    assert proposal.groups.index(hog) < proposal.groups.index(small)
    hog_refs = [s.target for s in proposal.steps if s.group == hog]
    measured = sum(r.uss or r.rss or 0 for r in hog_refs if isinstance(r, ProcessRef))
    assert measured >= 64 * 1024 * 1024


def test_nothing_closes_until_the_user_picks(children: Children, sleepers: Sleepers) -> None:
    hog, _ = children.script(HOG)
    yes = request("memory.free", AcceptAll(), limit=EVERYTHING)
    assert yes.status is Status.CLARIFY and yes.choices
    assert yes.choices[0].sentence.startswith("kill ")
    dry = request("memory.free", dry_run=True, limit=EVERYTHING)
    assert dry.status is Status.CLARIFY
    assert alive(hog)


def test_only_the_picked_application_is_closed(children: Children, sleepers: Sleepers) -> None:
    hog, hog_name = children.script(HOG)
    first = sleepers.spawn()
    name = program_name(first)
    second = sleepers.spawn(name)
    user = Picks(name)
    done = request("memory.free", user, limit=EVERYTHING)
    assert done.status is Status.DONE, done.message
    assert sorted(step_pids(done.plan.steps)) == sorted([first.pid, second.pid])
    assert wait_gone(first) is not None and wait_gone(second) is not None
    assert alive(hog)
    assert hog_name in user.shown[0].groups


def test_a_named_application_is_a_plain_plan(sleepers: Sleepers) -> None:
    first = sleepers.spawn()
    name = program_name(first)
    second = sleepers.spawn(name)
    other = sleepers.spawn()
    proposal = plan(process=name)
    assert isinstance(proposal, Plan) and not proposal.selectable
    assert sorted(step_pids(proposal.steps)) == sorted([first.pid, second.pid])
    assert proposal.summary.startswith(f"Close {name} to free about ")
    assert other.pid not in step_pids(proposal.steps)


def test_the_plan_shows_memory_and_swap(sleepers: Sleepers) -> None:
    sleepers.spawn()
    proposal = plan()
    assert isinstance(proposal, Plan)
    assert any(n.startswith("available memory: ") for n in proposal.notes)
    assert any("swap" in n for n in proposal.notes)
    assert len(proposal.choices) <= 5


def test_nlsh_its_ancestors_and_other_users_are_never_candidates(children: Children,
                                                                sleepers: Sleepers) -> None:
    mine = sleepers.spawn()  # a fresh CI machine may have no other application of ours
    theirs = sleeper_as_nobody(children)
    proposal = plan(limit=EVERYTHING)
    assert isinstance(proposal, Plan)
    pids = step_pids(proposal.steps)
    assert os.getpid() not in pids and os.getppid() not in pids and 1 not in pids
    assert theirs.pid not in pids and mine.pid in pids
    theirs_as_nobody = plan(Context.from_environment(euid=65534), limit=EVERYTHING)
    assert isinstance(theirs_as_nobody, Plan)
    assert theirs.pid in step_pids(theirs_as_nobody.steps)


@pytest.mark.parametrize("limit", [0, -3, "5", True])
def test_a_bad_limit_is_a_question(limit: object) -> None:
    answer = plan(limit=limit)
    assert isinstance(answer, Reply) and answer.status is Status.CLARIFY


def test_the_question_carries_available_memory(sleepers: Sleepers) -> None:
    sleepers.spawn()
    asked = request("memory.free", dry_run=True)
    assert asked.status is Status.CLARIFY
    assert asked.message.startswith("Available memory: ") and "iB of " in asked.message
    assert "Which applications should nlsh close?" in asked.message
