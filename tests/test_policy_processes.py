"""The policy's process rules, attacked: protected targets, ancestors, other users' processes."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator

import psutil
import pytest

from nlsh.context import Context
from nlsh.pipeline import AcceptAll
from nlsh.policy import review
from nlsh.policy.processes import confirm_privileged_processes, protect_processes
from nlsh.stages import Choice, Plan, ProcessRef, Reply, Risk, Status, Step
from nlsh.system.processes import read_process
from tests.conftest import Sleepers, run_nlsh
from tests.support.processes import (
    NOBODY,
    THREADS,
    Children,
    program_name,
    request,
    sleeper_as_nobody,
    step_pids,
)

pytestmark = pytest.mark.usefixtures("pipeline_rules")


def alive(child: subprocess.Popen[bytes]) -> bool:
    return child.poll() is None


def ref_of(pid: int) -> ProcessRef:
    info = read_process(pid)
    assert info is not None, f"pid {pid} is not running"
    return info.ref()


def plan_for(*refs: ProcessRef, groups: tuple[str, ...] = ()) -> Plan:
    steps = tuple(Step(action="terminate", target=ref, detail="t",
                       group=groups[i] if groups else None) for i, ref in enumerate(refs))
    return Plan(intent="process.kill", summary="t", steps=steps, risk=Risk.MEDIUM,
                reversible=False)


@pytest.mark.parametrize("slots", [{"pid": 1}, {"pid": 2}])
def test_init_and_kthreadd_are_refused_by_rule(slots: dict[str, int]) -> None:
    # A dry run still goes through the policy; nothing could be harmed if it failed.
    response = request("process.kill", dry_run=True, force=True, **slots)
    assert response.status is Status.REFUSED and response.rule == "protected-process"
    assert f"pid {slots['pid']} " in response.message


def test_a_kernel_thread_is_refused() -> None:
    kthread = next(p for p in psutil.process_iter(["ppid", "cmdline"])
                   if p.info["ppid"] == 2 and not p.info["cmdline"])
    response = request("process.kill", dry_run=True, pid=kthread.pid)
    assert response.status is Status.REFUSED and "kernel thread" in response.message


def test_nlsh_itself_and_every_ancestor_are_refused() -> None:
    chain = [os.getpid()]
    while chain[-1] > 1:  # up to init
        chain.append(psutil.Process(chain[-1]).ppid())
    for pid in chain:
        response = request("process.kill", dry_run=True, pid=pid)
        assert response.status is Status.REFUSED, (pid, response.message)
        assert response.rule == "protected-process"
    own = request("process.kill", dry_run=True, pid=os.getpid())
    assert "nlsh itself" in own.message
    parent = request("process.suspend", dry_run=True, pid=os.getppid())
    assert parent.status is Status.REFUSED and "ancestor of nlsh" in parent.message


def test_a_protected_step_is_removed_and_the_rest_kept(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    plan = plan_for(ref_of(child.pid), ref_of(os.getpid()), ref_of(os.getppid()))
    reviewed = protect_processes(plan, Context.from_environment())
    assert isinstance(reviewed, Plan)
    assert step_pids(reviewed.steps) == [child.pid]
    assert f"skipped pid {os.getpid()} " in " ".join(reviewed.notes)
    assert any("protected, nlsh itself" in note for note in reviewed.notes)


@pytest.mark.parametrize(("name", "why"), [("sshd", "ssh"), ("dpkg", "package manager"),
                                           ("Xorg", "display server"), ("gdm", "login"),
                                           ("dbus-daemon", "message bus"),
                                           ("systemd-logind", "logind"),
                                           ("systemd", "service manager")])
def test_protected_programs_are_refused_by_name(sleepers: Sleepers, name: str,
                                                why: str) -> None:
    child = sleepers.spawn(name)
    response = request("process.kill", AcceptAll(), pid=child.pid, force=True)
    assert response.status is Status.REFUSED and why in response.message
    assert alive(child)


def test_an_interpreted_package_manager_is_known_by_its_script(children: Children) -> None:
    child, _ = children.script("ready()\nimport time\ntime.sleep(300)",
                               stem="unattended-upgrade", suffix="")  # as /usr/bin has it
    response = request("process.kill", AcceptAll(), pid=child.pid)
    assert response.status is Status.REFUSED and "package manager" in response.message
    assert alive(child)


def test_a_selection_keeps_its_choices_aligned_when_a_group_goes(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    plan = plan_for(ref_of(os.getpid()), ref_of(child.pid), groups=("me", "app"))
    plan = Plan(**{**plan.__dict__, "selectable": True,
                   "choices": (Choice("me: 1 process", "kill me"),
                               Choice("app: 1 process", "kill app"))})
    reviewed = protect_processes(plan, Context.from_environment())
    assert isinstance(reviewed, Plan)
    assert reviewed.groups == ("app",)
    assert [c.label for c in reviewed.choices] == ["app: 1 process"]


def test_another_users_process_needs_a_second_confirmation(children: Children) -> None:
    theirs = sleeper_as_nobody(children)
    reviewed = confirm_privileged_processes(plan_for(ref_of(theirs.pid)),
                                            Context.from_environment(euid=0))
    assert isinstance(reviewed, Plan)
    assert any("belongs to nobody, not to you" in c for c in reviewed.confirmations)


def test_the_users_own_process_needs_no_second_confirmation(children: Children) -> None:
    mine = sleeper_as_nobody(children)
    reviewed = confirm_privileged_processes(plan_for(ref_of(mine.pid)),
                                            Context.from_environment(euid=NOBODY))
    assert isinstance(reviewed, Plan)
    assert not any("belongs to" in c for c in reviewed.confirmations)


def test_root_owned_processes_always_ask_again(sleepers: Sleepers) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs a root-owned child: run the suite as root")
    child = sleepers.spawn()
    reviewed = review(plan_for(ref_of(child.pid)), Context.from_environment())
    assert isinstance(reviewed, Plan)
    assert any(f"pid {child.pid} {program_name(child)} belongs to root" in c
               for c in reviewed.confirmations)


def test_a_refusal_is_a_reply_naming_the_rule() -> None:
    reviewed = review(plan_for(ref_of(1)), Context.from_environment())
    assert isinstance(reviewed, Reply) and reviewed.rule == "protected-process"


@pytest.mark.parametrize("stem", ["init", "x", "apt", "sshd"])
def test_a_users_script_is_not_a_protected_program(children: Children, stem: str) -> None:
    child, _ = children.script("ready()\nimport time\ntime.sleep(300)", stem=stem)
    response = request("process.kill", dry_run=True, pid=child.pid)
    assert response.status is Status.PLANNED, response.message


@pytest.fixture
def own_thread() -> Iterator[int]:
    """The thread id of a thread of this process (nlsh itself when run in-process)."""
    ready, stop, tids = threading.Event(), threading.Event(), []

    def worker() -> None:
        tids.append(threading.get_native_id())
        ready.set()
        stop.wait()

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    assert ready.wait(30)
    yield tids[0]
    stop.set()
    thread.join(30)


def test_a_thread_id_of_a_protected_process_is_refused_as_that_process(own_thread: int) -> None:
    # In-process, the pytest process is nlsh itself; run as a command it is an ancestor.
    response = request("process.kill", AcceptAll(), pid=own_thread, force=True)
    assert response.status is Status.REFUSED and response.rule == "protected-process"
    assert f"pid {os.getpid()} " in response.message
    run = run_nlsh("--dry-run", "--json", f"kill {own_thread}")
    data = json.loads(run.stdout)
    assert (data["status"], data["rule"]) == ("refused", "protected-process")
    assert "ancestor of nlsh" in data["message"]


def test_a_step_naming_a_thread_id_is_checked_as_its_process(own_thread: int) -> None:
    # However a thread id reaches a plan, policy decides on the process it belongs to.
    ref = ProcessRef(pid=own_thread, create_time=0.0, name="worker")
    reviewed = protect_processes(plan_for(ref), Context.from_environment())
    assert isinstance(reviewed, Reply) and reviewed.rule == "protected-process"
    assert f"thread {own_thread} of process {os.getpid()}" in reviewed.message


def test_a_thread_id_is_planned_as_its_whole_process(children: Children) -> None:
    child, _ = children.script(THREADS)
    tid = next(int(t) for t in os.listdir(f"/proc/{child.pid}/task") if int(t) != child.pid)
    run = run_nlsh("--dry-run", "--json", f"kill {tid}")
    data = json.loads(run.stdout)
    assert data["status"] == "planned", data
    assert [s["pid"] for s in data["plan"]["steps"]] == [child.pid]
    assert f"thread {tid} of process {child.pid}" in " ".join(data["plan"]["notes"])
    assert child.poll() is None
