"""process.zombies and process.reap on real zombies: children whose parent never waits."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from nlsh.pipeline import AcceptAll, DeclineAll
from nlsh.stages import Status, StepStatus
from nlsh.system.processes import read_live
from tests.conftest import run_nlsh
from tests.support.processes import (
    AcceptAndEscalate,
    Children,
    eventually,
    journal_entries,
    request,
    wait_gone,
)

pytestmark = pytest.mark.usefixtures("pipeline_rules")

# A parent that forks a child which exits at once, and never waits for it. With
# ``collects`` it starts collecting on SIGCHLD once the child is a zombie (so only a
# SIGCHLD sent afterwards, nlsh's, makes it collect).
PARENT = """
import os, signal, time
child = os.fork()
if child == 0:
    os._exit(0)
def state():
    with open(f"/proc/{{child}}/stat") as handle:
        return handle.read().rsplit(")", 1)[1].split()[0]
while state() != "Z":
    time.sleep(0.01)
if {collects}:
    signal.signal(signal.SIGCHLD, lambda *_: os.waitpid(-1, os.WNOHANG))
open(__file__ + ".zombie", "w").write(str(child))
ready()
while True:
    time.sleep(1)
"""


def zombie_parent(children: Children, collects: bool = False) -> tuple[subprocess.Popen[bytes],
                                                                        int, str]:
    """A real parent and its real zombie child: (parent, zombie pid, parent's script name)."""
    parent, name = children.script(PARENT.format(collects=collects))
    zombie = int((children.directory / f"{name}.zombie").read_text())
    return parent, zombie, name


def is_zombie_of(pid: int, parent: int) -> bool:
    info = read_live(pid)
    return info is not None and info.is_zombie and info.ppid == parent


def test_find_zombies_names_each_zombie_with_its_parent(children: Children) -> None:
    parent, zombie, _ = zombie_parent(children)
    response = request("process.zombies")
    assert response.status is Status.DONE
    result = response.answer.result
    row = next(r for r in result["zombies"] if r["pid"] == zombie)
    assert row["parent"]["pid"] == parent.pid
    assert row["parent"]["name"].startswith("python")
    assert row["user"] and row["parent"]["user"]
    assert row["zombie_for_at_most_seconds"] >= 0
    entry = next(p for p in result["parents"] if p["pid"] == parent.pid)
    assert entry["zombies"] == 1 and entry["protected"] is None
    assert any("no memory" in note for note in result["notes"])
    assert is_zombie_of(zombie, parent.pid)  # reading changed nothing


def test_reap_sends_sigchld_and_a_parent_that_collects_is_left_running(
        children: Children) -> None:
    parent, zombie, _ = zombie_parent(children, collects=True)
    user = AcceptAndEscalate()
    response = request("process.reap", user)
    assert response.status is Status.DONE, response.message
    mine = [r for r in response.outcome.results if r.step.target.pid == parent.pid]
    assert [r.step.action for r in mine] == ["sigchld"]
    assert mine[0].status is StepStatus.DONE
    assert not is_zombie_of(zombie, parent.pid)
    assert parent.poll() is None  # the parent was only reminded, never ended
    assert not any(s.target.pid == parent.pid for plan in user.offered for s in plan.steps)
    steps = [e for e in journal_entries("step") if e.get("step", {}).get("pid") == parent.pid]
    assert {e["phase"] for e in steps} >= {"before", "after"}


def test_a_parent_that_never_collects_is_offered_to_be_ended_and_then_ended(
        children: Children) -> None:
    parent, zombie, _ = zombie_parent(children)
    user = AcceptAndEscalate()
    response = request("process.reap", user)
    ends = [s for plan in user.offered for s in plan.steps if s.target.pid == parent.pid]
    assert [s.action for s in ends] == ["terminate"]
    assert "cannot be undone" in ends[0].detail
    assert wait_gone(parent) is not None  # ended after the second confirmation
    assert eventually(lambda: not is_zombie_of(zombie, parent.pid))
    assert response.status in (Status.DONE, Status.FAILED)


def test_with_yes_the_parent_is_never_ended(children: Children) -> None:
    parent, zombie, _ = zombie_parent(children)
    response = request("process.reap", AcceptAll())
    mine = [r for r in response.outcome.results if r.step.target.pid == parent.pid]
    assert [(r.step.action, r.status) for r in mine] == [("sigchld", StepStatus.FAILED)]
    assert "remain" in mine[0].message
    assert parent.poll() is None and is_zombie_of(zombie, parent.pid)


def test_the_dry_run_plan_signals_only_the_parent_and_says_what_may_follow(
        children: Children) -> None:
    parent, zombie, _ = zombie_parent(children)
    response = request("process.reap", DeclineAll(), dry_run=True)
    assert response.status is Status.PLANNED
    steps = [s for s in response.plan.steps if s.target.pid == parent.pid]
    assert [s.action for s in steps] == ["sigchld"]
    assert zombie not in {s.target.pid for s in response.plan.steps}
    info = read_live(zombie)
    assert info is not None
    assert [zombie, pytest.approx(info.create_time)] in [
        list(z) for z in steps[0].params["zombies"]]
    assert any("cannot be undone" in note for note in response.plan.notes)
    assert parent.poll() is None and is_zombie_of(zombie, parent.pid)


def test_a_protected_parent_is_never_signalled(children: Children, private_home: Path) -> None:
    parent, zombie, name = zombie_parent(children)
    config = private_home / ".config" / "nlsh" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[protect]\nprocesses = ["{name}"]\n')
    response = request("process.reap", AcceptAndEscalate())
    assert parent.pid not in {s.target.pid for s in (response.plan.steps if response.plan
                                                      else ())}
    assert parent.poll() is None and is_zombie_of(zombie, parent.pid)
    said = response.message + " ".join(response.plan.notes if response.plan else ())
    assert "protect.processes" in said  # the user is told why


def test_zombies_of_init_are_left_to_init(monkeypatch: pytest.MonkeyPatch) -> None:
    from nlsh.actions import reap
    from nlsh.system.processes import read_process
    from nlsh.system.zombies import Zombie

    init = read_process(1)
    assert init is not None
    orphan = init.__class__(pid=4194000, ppid=1, name="orphan", exe=None, cmdline=(),
                            username="root", create_time=init.create_time, status="zombie",
                            rss=None)
    monkeypatch.setattr(reap, "zombies", lambda: [Zombie(orphan, init)])
    response = request("process.reap", AcceptAndEscalate())
    assert response.status is Status.NOTHING_TO_DO
    assert "reaped when init gets to it" in response.message


@pytest.mark.parametrize("sentence", ["find the zombie processes", "any defunct processes?"])
def test_finding_zombies_said_in_words_lists_them(children: Children, sentence: str) -> None:
    _, zombie, _ = zombie_parent(children)
    run = run_nlsh("--json", sentence)
    data: dict[str, Any] = json.loads(run.stdout)
    assert data["intent"] == "process.zombies", data
    assert "user" not in data["slots"] and "process" not in data["slots"]
    assert zombie in {z["pid"] for z in data["result"]["zombies"]}


@pytest.mark.parametrize("sentence", ["don't kill the zombies' parent",
                                      "should I kill the zombie parents?"])
def test_a_negated_or_questioned_reap_never_plans(children: Children, sentence: str) -> None:
    parent, zombie, _ = zombie_parent(children)
    run = run_nlsh("--json", "--yes", sentence)
    data = json.loads(run.stdout)
    assert "plan" not in data and "outcome" not in data, data
    assert parent.poll() is None and is_zombie_of(zombie, parent.pid)
