"""SIGINT and SIGTERM in the middle of things: plans stop cleanly, the journal says what ran.

SIGTERM is handled like Ctrl-C (``nlsh/interrupts.py``): exit 130, steps done journaled as
done, the step in flight as what became of it, the rest as not run.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import psutil
import pytest

from nlsh import interrupts
from nlsh.context import Context
from nlsh.execution import execute
from nlsh.stages import Plan, ProcessRef, Risk, Step, StepStatus
from nlsh.system.processes import read_process
from tests.conftest import Sleepers, nlsh_env
from tests.support.processes import (
    IGNORE_SIGTERM,
    Children,
    eventually,
    journal_entries,
    wait_gone,
)

pytestmark = pytest.mark.usefixtures("pipeline_rules")


@pytest.fixture
def sigterm_raises() -> Iterator[None]:
    """SIGTERM handled in this process as the nlsh command handles it."""
    previous = signal.getsignal(signal.SIGTERM)
    interrupts.install()
    yield
    signal.signal(signal.SIGTERM, previous)


def _ref(pid: int) -> ProcessRef:
    info = read_process(pid)
    assert info is not None
    return info.ref()


def _terminate_plan(pids: list[int]) -> Plan:
    return Plan(intent="process.kill", summary="end them", risk=Risk.MEDIUM, reversible=False,
                steps=tuple(Step(action="terminate", target=_ref(pid), detail="t")
                            for pid in pids))


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _afters(request: str) -> dict[int, str]:
    return {e["index"]: e["status"] for e in journal_entries("step")
            if e["request"] == request and e["phase"] == "after"}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_plan_journals_done_in_flight_and_not_run(
        sleepers: Sleepers, monkeypatch: pytest.MonkeyPatch, sigterm_raises: None,
        signum: int) -> None:
    import nlsh.execution.processes as verbs

    children = [sleepers.spawn() for _ in range(3)]
    real = verbs.terminate
    calls: list[int] = []

    def terminate_then_signalled(step: Step, ctx: Context) -> Any:
        result = real(step, ctx)
        calls.append(1)
        if len(calls) == 2:  # a real signal, delivered while the second step is in flight
            os.kill(os.getpid(), signum)
        return result

    monkeypatch.setattr(verbs, "terminate", terminate_then_signalled)
    ctx = Context.from_environment()
    outcome = execute(_terminate_plan([c.pid for c in children]), ctx, text="end them")

    assert outcome.interrupted
    assert [r.status for r in outcome.results] == [StepStatus.DONE, StepStatus.DONE,
                                                   StepStatus.NOT_RUN]
    assert wait_gone(children[0]) is not None and wait_gone(children[1]) is not None
    assert _alive(children[2].pid)  # never signalled
    finish = journal_entries("finish")[-1]
    assert finish["status"] == "interrupted" and finish["done"] == 2
    # The step in flight finished and was journaled as done; the rest as not run.
    assert _afters(finish["request"]) == {0: "done", 1: "done", 2: "not_run"}


def test_sigterm_while_waiting_for_terminated_processes_is_journaled(
        children: Children, sigterm_raises: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import nlsh.execution.processes as verbs

    stubborn, _ = children.script(IGNORE_SIGTERM)
    real_wait = verbs.psutil.wait_procs
    sent: list[int] = []

    def wait_procs_then_signalled(*args: Any, **kwargs: Any) -> Any:
        if not sent:  # a real SIGTERM, inside psutil.wait_procs
            sent.append(1)
            os.kill(os.getpid(), signal.SIGTERM)
        return real_wait(*args, **kwargs)

    monkeypatch.setattr(verbs.psutil, "wait_procs", wait_procs_then_signalled)
    outcome = execute(_terminate_plan([stubborn.pid]), Context.from_environment(), text="x")

    assert sent and outcome.interrupted and outcome.follow_up is None  # no SIGKILL offer
    finish = journal_entries("finish")[-1]
    assert finish["status"] == "interrupted"
    assert _afters(finish["request"]) == {0: "done"}  # SIGTERM was sent, journaled as such
    assert _alive(stubborn.pid)


def test_an_interrupt_while_closing_the_record_is_held_until_it_is_written(
        sleepers: Sleepers, monkeypatch: pytest.MonkeyPatch, sigterm_raises: None) -> None:
    from nlsh.journal import Journal

    child = sleepers.spawn()
    real_record = Journal.record

    def record_with_a_second_signal(self: Journal, event: str, request: str,
                                    **fields: Any) -> bool:
        if event == "finish":  # a second SIGTERM while the outcome is journaled
            os.kill(os.getpid(), signal.SIGTERM)
        return real_record(self, event, request, **fields)

    monkeypatch.setattr(Journal, "record", record_with_a_second_signal)
    with pytest.raises(interrupts.Terminated):
        execute(_terminate_plan([child.pid]), Context.from_environment(), text="x")
    assert journal_entries("finish")[-1]["status"] == "done"  # written before it raised


def test_sigterm_to_the_cli_during_a_kill_exits_130_and_journals_it(
        children: Children, private_home: Path) -> None:
    import subprocess

    stubborn, _name = children.script(IGNORE_SIGTERM)
    command = [sys.executable, "-m", "nlsh", "-y", "--json", f"kill pid {stubborn.pid}"]
    nlsh = subprocess.Popen(command, env=nlsh_env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    journal = private_home / ".local/state/nlsh/journal.jsonl"

    def sigterm_sent_and_waiting() -> bool:
        lines = journal.read_text().splitlines() if journal.exists() else []
        return any('"phase":"after"' in line for line in lines) or nlsh.poll() is not None

    assert eventually(sigterm_sent_and_waiting, seconds=60)
    nlsh.send_signal(signal.SIGTERM)  # while nlsh waits up to 3 s for the process to exit
    out, err = nlsh.communicate(timeout=60)
    assert nlsh.returncode == 130, (out, err)
    assert "Traceback" not in err
    assert json.loads(out)["status"] == "interrupted"  # the plan's own answer, still JSON
    entries = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [e["status"] for e in entries if e["event"] == "finish"] == ["interrupted"]
    assert _alive(stubborn.pid)


def _spawn(*args: str) -> pexpect.spawn:
    env = nlsh_env({"TERM": "xterm-256color", "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1"})
    return pexpect.spawn(sys.executable, ["-m", "nlsh", *args], env=env, encoding="utf-8",
                         timeout=120, dimensions=(40, 160))


def _sigterm_ends_it_with_130(spawned: pexpect.spawn) -> None:
    spawned.kill(signal.SIGTERM)
    spawned.expect(pexpect.EOF)
    spawned.close()
    assert spawned.exitstatus == 130
    assert "Traceback" not in (spawned.before or "")


def test_sigterm_at_a_confirmation_changes_nothing_and_exits_130(
        sleepers: Sleepers, private_home: Path) -> None:
    child = sleepers.spawn()
    nlsh = _spawn(f"kill pid {child.pid}")
    nlsh.expect_exact("Go ahead? [y/N/?")
    _sigterm_ends_it_with_130(nlsh)
    assert _alive(child.pid)
    assert journal_entries("step") == []


def test_sigterm_at_the_repl_prompt_leaves_with_130() -> None:
    repl = _spawn()
    repl.expect(r"nlsh(?:\x1b\[[0-9;?]*[A-Za-z])*>")
    _sigterm_ends_it_with_130(repl)


def test_an_interrupted_cleanup_moves_whole_files_and_undo_brings_them_back(
        private_home: Path, monkeypatch: pytest.MonkeyPatch, sigterm_raises: None) -> None:
    import nlsh.execution.files as file_verbs
    from nlsh.actions import cleaners
    from tests.support.files import age, carry_out, parse, use_present_policy_rules, write

    use_present_policy_rules(monkeypatch)
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", ())
    temp = Path(os.environ["NLSH_TEMP_DIRS"])
    files = [write(temp / f"old{i}.bin", 5_000 + i) for i in range(4)]
    for path in files:
        age(path, 30)
    contents = {path: path.read_bytes() for path in files}
    real = file_verbs.trash
    moved: list[int] = []

    def trash_then_sigterm(step: Step, ctx: Context) -> Any:
        result = real(step, ctx)
        moved.append(1)
        if len(moved) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return result

    monkeypatch.setattr(file_verbs, "trash", trash_then_sigterm)
    ctx = Context.from_environment()
    response = carry_out(ctx, parse(target="temp"))

    assert response.outcome is not None and response.outcome.interrupted
    statuses = [r.status for r in response.outcome.results]
    assert statuses == [StepStatus.DONE] * 2 + [StepStatus.NOT_RUN] * 2
    gone = [p for p in files if not p.exists()]
    assert len(gone) == 2  # exactly the two done steps, each moved whole
    trashed = sorted((ctx.paths.trash / "files").iterdir())
    assert sorted(p.read_bytes() for p in trashed) == sorted(contents[p] for p in gone)
    assert len(list((ctx.paths.trash / "info").iterdir())) == 2
    assert all(p.read_bytes() == contents[p] for p in files if p.exists())

    from nlsh.stages import Parse

    undo = Parse(text="undo", intent="undo", confidence=1.0, slots={})
    undone = carry_out(ctx, undo)
    assert undone.status.value == "done", undone.message
    assert all(p.read_bytes() == contents[p] for p in files)


def test_sigterm_at_a_repl_confirmation_changes_nothing_and_leaves_with_130(
        sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    repl = _spawn()
    repl.expect(r"nlsh(?:\x1b\[[0-9;?]*[A-Za-z])*>")
    repl.sendline(f"kill {child.pid}")
    repl.expect_exact("Go ahead? [y/N/?")
    _sigterm_ends_it_with_130(repl)  # Ctrl-C here would only cancel; SIGTERM leaves
    assert _alive(child.pid)
    assert journal_entries("step") == []
