"""process.kill end to end: plan → policy → confirm → execute → journal, on real children."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

import nlsh.execution.processes as verbs
from nlsh.context import Context
from nlsh.execution import execute
from nlsh.language import understander
from nlsh.pipeline import AcceptAll, DeclineAll, run
from nlsh.stages import Plan, Risk, Status, Step, StepStatus
from nlsh.system.processes import read_process
from tests.conftest import Sleepers
from tests.support.processes import (
    IGNORE_SIGTERM,
    AcceptAndEscalate,
    Children,
    journal_entries,
    listen_code,
    missing_pid,
    program_name,
    request,
    step_pids,
    wait_gone,
)

pytestmark = pytest.mark.usefixtures("pipeline_rules")

TREE = """
import os, subprocess, sys, time
if len(sys.argv) > 1:
    open(sys.argv[1], "w").close()
    time.sleep(300)
else:
    marker = __file__ + ".child"
    subprocess.Popen([sys.executable, __file__, marker])
    while not os.path.exists(marker):
        time.sleep(0.02)
    ready()
    time.sleep(300)
"""


@pytest.fixture
def short_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verbs, "TERMINATE_GRACE_SECONDS", 1.5)


def alive(child: subprocess.Popen[bytes]) -> bool:
    return child.poll() is None


def test_kill_by_name_lists_every_process_and_ends_them(sleepers: Sleepers) -> None:
    first = sleepers.spawn()
    name = program_name(first)
    second = sleepers.spawn(name)
    bystander = sleepers.spawn()

    planned = request("process.kill", dry_run=True, process=name)
    assert planned.status is Status.PLANNED
    steps = planned.to_json()["plan"]["steps"]
    assert sorted(s["pid"] for s in steps) == sorted([first.pid, second.pid])
    for step in steps:
        assert step["action"] == "terminate" and step["name"] == name
        assert step["create_time"] > 0 and step["user"] and step["cmdline"][1] == "300"
    assert alive(first) and alive(second), "a dry run must not act"

    done = request("process.kill", AcceptAll(), process=name)
    assert done.status is Status.DONE, done.message
    assert [r.message for r in done.outcome.results] == ["exited after SIGTERM"] * 2
    assert wait_gone(first) is not None and wait_gone(second) is not None
    assert alive(bystander)
    finish = journal_entries("finish")[-1]
    assert finish["intent"] == "process.kill" and finish["reversible"] is False
    assert finish["undo"] == [] and finish["status"] == "done"
    phases = [(e["index"], e["phase"]) for e in journal_entries("step")]
    assert {(0, "before"), (0, "after"), (1, "before"), (1, "after")} <= set(phases)


def test_kill_by_pid_ends_only_that_process(sleepers: Sleepers) -> None:
    target = sleepers.spawn()
    twin = sleepers.spawn(program_name(target))
    done = request("process.kill", AcceptAll(), pid=target.pid)
    assert done.status is Status.DONE
    assert step_pids(done.plan.steps) == [target.pid]
    assert wait_gone(target) is not None and alive(twin)


def test_force_sends_sigkill_at_once(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    planned = request("process.kill", dry_run=True, pid=child.pid, force=True)
    assert [s.action for s in planned.plan.steps] == ["kill"]
    assert planned.plan.risk is Risk.HIGH
    done = request("process.kill", AcceptAll(), pid=child.pid, force=True)
    assert done.status is Status.DONE
    assert wait_gone(child) == -9


def test_declining_changes_nothing(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    response = request("process.kill", DeclineAll(), pid=child.pid)
    assert response.status is Status.CANCELLED and alive(child)


@pytest.mark.parametrize("slots", [{}, {"process": "it"}, {"process": "  "}, {"pid": "12"},
                                   {"port": 70000}, {"pid": True}])
def test_a_missing_or_malformed_target_is_a_question(slots: dict[str, Any]) -> None:
    assert request("process.kill", dry_run=True, **slots).status is Status.CLARIFY


def test_nothing_to_kill_says_so(sleepers: Sleepers) -> None:
    response = request("process.kill", dry_run=True, process="no-such-program-x")
    assert response.status is Status.NOTHING_TO_DO
    assert response.message.startswith("No process named 'no-such-program-x' is running")
    gone = request("process.kill", dry_run=True, pid=missing_pid())
    assert gone.status is Status.NOTHING_TO_DO and "No process with pid" in gone.message
    nobody = request("process.kill", dry_run=True, user="no-such-user-x")
    assert nobody.status is Status.NOTHING_TO_DO


@pytest.mark.parametrize("pattern", ["*", "?", "{name}?", "{stem}*", "{stem}?", ".*"])
def test_glob_characters_are_literal(sleepers: Sleepers, pattern: str) -> None:
    child = sleepers.spawn()
    name = program_name(child)
    wanted = pattern.format(name=name, stem=name[:-1])
    response = request("process.kill", AcceptAll(), process=wanted)
    # nothing matches; a name close to the pattern may be offered, never acted on
    assert response.status in (Status.NOTHING_TO_DO, Status.CLARIFY), response.message
    assert response.plan is None and response.outcome is None
    assert alive(child)


def test_a_zombie_is_not_a_target(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    child.kill()
    zombie = psutil.Process(child.pid)  # still there: nobody reaped it yet
    deadline = time.monotonic() + 10
    while zombie.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
        time.sleep(0.01)
    response = request("process.kill", dry_run=True, pid=child.pid)
    assert response.status is Status.NOTHING_TO_DO and "exited" in response.message


def test_children_are_ended_before_their_parent(children: Children) -> None:
    parent, script = children.script(TREE)
    kids = psutil.Process(parent.pid).children()
    assert len(kids) == 1
    try:
        planned = request("process.kill", dry_run=True, process=script)
        assert step_pids(planned.plan.steps) == [kids[0].pid, parent.pid]
        done = request("process.kill", AcceptAll(), process=script)
        assert done.status is Status.DONE, done.message
        assert wait_gone(parent) is not None
        assert not kids[0].is_running() or kids[0].status() == psutil.STATUS_ZOMBIE
    finally:
        if kids[0].is_running():
            kids[0].kill()


def test_survivors_of_sigterm_get_a_sigkill_offer_for_exactly_them(
        children: Children, sleepers: Sleepers, short_grace: None) -> None:
    stubborn, _ = children.script(IGNORE_SIGTERM)
    polite = sleepers.spawn()
    refs = [read_process(stubborn.pid), read_process(polite.pid)]
    plan = Plan(intent="process.kill", summary="t", risk=Risk.MEDIUM, reversible=False,
                steps=tuple(Step(action="terminate", target=r.ref(), detail="t")
                            for r in refs if r is not None))
    outcome = execute(plan, Context.from_environment(), text="kill both")
    messages = {pid: (r.status, r.message)
                for pid, r in zip(step_pids(outcome.results), outcome.results, strict=True)}
    assert messages[stubborn.pid] == (StepStatus.FAILED, "still running after SIGTERM")
    assert messages[polite.pid] == (StepStatus.DONE, "exited after SIGTERM")
    assert outcome.follow_up is not None
    assert [s.action for s in outcome.follow_up.steps] == ["kill"]
    assert outcome.follow_up.steps[0].target == plan.steps[0].target  # pid and create time
    assert alive(stubborn)
    settled = [e for e in journal_entries("step") if e["phase"] == "settled"]
    assert {e["message"] for e in settled} == {"still running after SIGTERM",
                                              "exited after SIGTERM"}


def test_yes_does_not_escalate_to_sigkill(children: Children, short_grace: None) -> None:
    stubborn, script = children.script(IGNORE_SIGTERM)
    response = request("process.kill", AcceptAll(), process=script)
    assert response.status is Status.FAILED
    assert alive(stubborn)
    data = response.to_json()
    assert [s["pid"] for s in data["outcome"]["follow_up"]["steps"]] == [stubborn.pid]


def test_accepting_the_offer_kills_the_survivor(children: Children, short_grace: None) -> None:
    stubborn, script = children.script(IGNORE_SIGTERM)
    user = AcceptAndEscalate()
    response = request("process.kill", user, process=script)
    assert step_pids(user.offered[0].steps) == [stubborn.pid]
    assert response.status is Status.DONE, response.message
    assert [r.status for r in response.outcome.results] == [StepStatus.FAILED, StepStatus.DONE]
    assert wait_gone(stubborn) == -9


def test_kill_by_port_ends_exactly_the_listener(children: Children, tmp_path: Path) -> None:
    listener, _ = children.script(listen_code(tmp_path / "port"))
    port = int((tmp_path / "port").read_text())
    bystander, _ = children.script("ready()\nimport time\ntime.sleep(300)")
    planned = request("process.kill", dry_run=True, port=port)
    assert step_pids(planned.plan.steps) == [listener.pid]
    assert f"port {port}" in planned.message
    done = request("process.kill", AcceptAll(), port=port)
    assert done.status is Status.DONE
    assert wait_gone(listener) is not None and alive(bystander)


def test_a_free_port_has_nothing_to_kill() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    response = request("process.kill", dry_run=True, port=port)
    assert response.status is Status.NOTHING_TO_DO
    assert response.message == f"Nothing is listening on port {port}"


def test_a_port_published_by_a_container_is_not_signalled(children: Children,
                                                          tmp_path: Path) -> None:
    proxy = children.program("docker-proxy", listen_code(tmp_path / "port"))
    port = int((tmp_path / "port").read_text())
    response = request("process.kill", AcceptAll(), port=port)
    assert response.status is Status.REFUSED and response.rule == "managed-process"
    assert f"docker ps --filter publish={port}" in response.message
    assert alive(proxy)


def test_a_paused_process_is_woken_to_act_on_sigterm(sleepers: Sleepers,
                                                     short_grace: None) -> None:
    child = sleepers.spawn()
    os.kill(child.pid, signal.SIGSTOP)
    while psutil.Process(child.pid).status() != psutil.STATUS_STOPPED:
        time.sleep(0.01)
    done = request("process.kill", AcceptAll(), pid=child.pid)
    assert done.status is Status.DONE, done.message
    assert [r.message for r in done.outcome.results] == ["exited after SIGTERM"]


def test_a_near_miss_suggests_the_running_name(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    name = program_name(child)
    typo = name[:-1] + ("x" if name[-1] != "x" else "y")
    response = request("process.kill", AcceptAll(), process=typo)
    assert response.status is Status.CLARIFY  # asked, even with --yes: never acted on a guess
    assert f"did you mean {name} (pid {child.pid})?" in response.message
    assert alive(child)


def test_a_name_that_is_part_of_a_running_one_is_offered_never_acted_on(
        sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqnode-server")
    understand = understander()
    response = run("kill zqnode", Context.from_environment(), understand, AcceptAll())
    assert response.status is Status.CLARIFY, response.message
    assert f"did you mean zqnode-server (pid {child.pid})?" in response.message
    assert [c.sentence for c in response.choices] == [f"kill pid {child.pid}"]  # as shown
    assert alive(child)
    chosen = run(response.choices[0].sentence, Context.from_environment(), understand,
                 AcceptAll())
    assert chosen.status is Status.DONE, chosen.message
    assert [s.target.pid for s in chosen.plan.steps] == [child.pid]


def test_a_pid_the_model_took_for_a_name_is_still_a_pid(sleepers: Sleepers) -> None:
    from nlsh.stages import Parse

    child = sleepers.spawn("zqpidname")
    text = f"kill pid {child.pid}"  # seen: "kill pid 1914" read as a program named "1914"
    parse = Parse(text=text, intent="process.kill", confidence=0.95,
                  slots={"process": str(child.pid)})
    response = run(text, Context.from_environment(dry_run=True), lambda _: parse,
                   DeclineAll(), parse=parse)
    assert response.status is Status.PLANNED, response.message
    assert [s.target.pid for s in response.plan.steps] == [child.pid]


def test_a_did_you_mean_never_offers_what_the_sentence_excluded(sleepers: Sleepers) -> None:
    kept, offered = sleepers.spawn("zqexclb"), sleepers.spawn("zqexcla")
    response = run("pause every zqexcl process except zqexclb",
                   Context.from_environment(dry_run=True), understander(), DeclineAll())
    assert response.status is Status.CLARIFY, response.message
    assert f"pid {offered.pid}" in response.message
    assert "zqexclb" not in response.message.split("did you mean", 1)[1]
    assert kept.poll() is None
