"""The executor's process verbs never act on the wrong process: identity, races, permission."""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
import pytest

from nlsh.context import Context
from nlsh.execution import execute
from nlsh.pipeline import AcceptAll
from nlsh.stages import Plan, ProcessRef, Risk, Status, Step, StepStatus
from nlsh.system.processes import read_process
from tests.conftest import Sleepers
from tests.support.processes import (
    THREADS,
    UNPRIVILEGED_PRELUDE,
    Children,
    eventually,
    journal_entries,
    request,
    run_unprivileged,
)

pytestmark = pytest.mark.usefixtures("pipeline_rules")

VERBS: list[tuple[str, dict[str, Any]]] = [
    ("terminate", {}), ("kill", {}), ("suspend", {}), ("resume", {}),
    ("renice", {"nice": 12}), ("ionice", {"ioclass": "idle", "value": None}),
]


class Meddle(AcceptAll):
    """Says yes, after changing the system between the preview and the execution."""

    def __init__(self, meddle: Callable[[], object]) -> None:
        self.meddle = meddle

    def confirm(self, plan: Plan) -> Plan | None:
        self.meddle()
        return plan


def one_step(action: str, target: ProcessRef, params: dict[str, Any] | None = None) -> Plan:
    return Plan(intent="process.kill", summary="t", risk=Risk.MEDIUM, reversible=False,
                steps=(Step(action=action, target=target, detail="t", params=params or {}),))


def ref_of(pid: int) -> ProcessRef:
    info = read_process(pid)
    assert info is not None
    return info.ref()


def ended_ref(sleepers: Sleepers) -> ProcessRef:
    """The ref of a process as planned, after that process ended."""
    child = sleepers.spawn()
    planned = ref_of(child.pid)
    child.kill()
    child.wait()
    return planned


def untouched(pid: int) -> bool:
    process = psutil.Process(pid)
    return (process.status() != psutil.STATUS_STOPPED and process.nice() == os.nice(0)
            and int(process.ionice().ioclass) == int(psutil.IOPRIO_CLASS_NONE))


@pytest.mark.parametrize(("action", "params"), VERBS)
def test_a_reused_pid_is_left_alone(sleepers: Sleepers, action: str,
                                    params: dict[str, Any]) -> None:
    planned = ended_ref(sleepers)
    time.sleep(0.05)  # a later clock tick, so the two creation times differ
    newcomer = sleepers.spawn()
    assert ref_of(newcomer.pid).create_time != planned.create_time
    # The kernel hands out pids in order, so fake the reuse: the new pid, the old birth time.
    forged = ProcessRef(pid=newcomer.pid, create_time=planned.create_time, name=planned.name)
    outcome = execute(one_step(action, forged, params), Context.from_environment(), text="t")
    result = outcome.results[0]
    assert result.status is StepStatus.SKIPPED
    assert result.message.startswith(f"pid {newcomer.pid} is no longer the same process")
    assert newcomer.poll() is None and untouched(newcomer.pid)
    assert outcome.follow_up is None


@pytest.mark.parametrize(("action", "params"), VERBS)
def test_a_process_that_exited_after_the_plan_is_skipped(sleepers: Sleepers, action: str,
                                                         params: dict[str, Any]) -> None:
    planned = ended_ref(sleepers)
    outcome = execute(one_step(action, planned, params), Context.from_environment(), text="t")
    assert outcome.results[0].status is StepStatus.SKIPPED
    assert "had already exited" in outcome.results[0].message
    assert not outcome.failed


def test_a_planned_kill_of_a_process_that_ended_is_not_a_failure(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    planned = request("process.kill", dry_run=True, pid=child.pid)
    child.kill()
    child.wait()
    outcome = execute(planned.plan, Context.from_environment(), text="kill it")
    assert outcome.results[0].status is StepStatus.SKIPPED
    finish = journal_entries("finish")[-1]
    assert finish["status"] == "done" and finish["done"] == 0


def test_another_users_process_fails_with_permission_denied(sleepers: Sleepers) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs a process of another user: run the suite as root")
    root_owned = sleepers.spawn()
    ref = ref_of(root_owned.pid)
    result = run_unprivileged(UNPRIVILEGED_PRELUDE + f"""
from nlsh.execution.processes import terminate, suspend, renice
from nlsh.system.processes import process_ref_from_json
from types import SimpleNamespace
from nlsh.config import Settings
ref = process_ref_from_json({ref.to_json()!r})
# what the verbs read of a Context
ctx = SimpleNamespace(self_pid=os.getpid(), settings=Settings.defaults())
emit([verb(Step(action=name, target=ref, detail="t", params=params), ctx).to_json()
      for name, verb, params in (("terminate", terminate, {{}}), ("suspend", suspend, {{}}),
                                 ("renice", renice, {{"nice": 5}}))])
""")
    for step in result:
        assert step["status"] == "failed", step
        assert step["message"].startswith(f"permission denied: pid {ref.pid} is owned by root")
    assert root_owned.poll() is None and untouched(root_owned.pid)


def test_every_step_is_journaled_before_and_after(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    response = request("process.suspend", AcceptAll(), pid=child.pid)
    assert response.status is Status.DONE
    request_id = journal_entries("finish")[-1]["request"]
    steps = [e for e in journal_entries("step") if e["request"] == request_id]
    assert [e["phase"] for e in steps] == ["before", "after"]
    assert steps[0]["step"]["pid"] == child.pid
    assert steps[1]["undo"]["action"] == "resume"
    os.kill(child.pid, signal.SIGCONT)


EXEC_LATER = """
import os, time
ready()
while not os.path.exists({go!r}):
    time.sleep(0.01)
os.execv({program!r}, [{program!r}, "300"])
"""


@pytest.mark.parametrize("becomes", ["dpkg", "other-program"])
@pytest.mark.parametrize(("intent", "slots"), [("process.kill", {}),
                                               ("process.suspend", {}),
                                               ("process.renice", {"nice": 12})])
def test_a_process_that_execs_after_the_preview_is_left_alone(
        children: Children, tmp_path: Path, becomes: str, intent: str,
        slots: dict[str, Any]) -> None:
    program = tmp_path / becomes
    shutil.copy2(shutil.which("sleep") or "/bin/sleep", program)
    go = tmp_path / "go"
    child, _ = children.script(EXEC_LATER.format(go=str(go), program=str(program)),
                               stem="rt-wrapper")

    def exec_now() -> None:
        go.touch()
        assert eventually(lambda: psutil.Process(child.pid).name() == becomes)

    response = request(intent, Meddle(exec_now), pid=child.pid, **slots)
    assert response.outcome is not None, response.message
    result = response.outcome.results[0]
    assert result.status is StepStatus.SKIPPED, result.message
    assert "not the program planned" in result.message or "protected" in result.message
    assert child.poll() is None and untouched(child.pid)


def test_a_step_naming_a_thread_id_is_never_signalled(children: Children) -> None:
    child, _ = children.script(THREADS)
    tid = next(int(t) for t in os.listdir(f"/proc/{child.pid}/task") if int(t) != child.pid)
    thread = ProcessRef(pid=tid, create_time=psutil.Process(tid).create_time(), name="python")
    outcome = execute(one_step("terminate", thread), Context.from_environment(), text="t")
    assert outcome.results[0].status is StepStatus.SKIPPED
    assert f"thread of process {child.pid}" in outcome.results[0].message
    assert child.poll() is None
