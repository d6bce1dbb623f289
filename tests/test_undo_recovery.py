"""undo after a crash or a failed restore: "the last action" is the newest request that
changed something, closed or not, and what of it failed to come back stays to be undone."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from nlsh.actions import cleaners
from nlsh.actions.undo import plan_undo
from nlsh.context import Context
from nlsh.stages import FileRef, Plan, Status, StepStatus
from tests.conftest import Sleepers, nlsh_env, run_nlsh
from tests.support.files import age, carry_out, finishes, parse, request, write
from tests.support.processes import eventually, journal_entries, program_name

UNDO = request("undo", "undo that")

# The real nlsh, each suspend step slowed down, so that a SIGKILL lands mid-plan.
SLOW_NLSH = """
import sys, time
import nlsh.execution.processes as verbs
real = verbs.suspend
def slow(step, ctx):
    result = real(step, ctx)
    time.sleep(0.1)
    return result
verbs.suspend = slow
from nlsh.cli import main
sys.argv = ["nlsh", *sys.argv[1:]]
main()
"""


def stopped(pids: list[int]) -> int:
    count = 0
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            count += psutil.Process(pid).status() == psutil.STATUS_STOPPED
    return count


def test_undo_after_nlsh_was_killed_mid_suspend_resumes_every_paused_process(
        sleepers: Sleepers) -> None:
    first = sleepers.spawn()
    name = program_name(first)
    pids = [first.pid] + [sleepers.spawn(name).pid for _ in range(49)]
    nlsh = subprocess.Popen([sys.executable, "-c", SLOW_NLSH, "-y", f"pause {name}"],
                            env=nlsh_env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert eventually(lambda: stopped(pids) >= 10, seconds=60)
    finally:
        nlsh.kill()  # SIGKILL: no handler runs, the request is never closed
        nlsh.wait()
    paused = stopped(pids)
    assert 10 <= paused < 50
    running_request = [e for e in journal_entries("request") if e.get("status") == "running"]
    assert running_request and not journal_entries("finish")

    undo = run_nlsh("--json", "-y", "undo")

    data = json.loads(undo.stdout)
    assert data["status"] == "done", data
    assert f"pause {name}" in data["message"] and "nlsh stopped before it finished" in \
        data["message"]
    assert eventually(lambda: stopped(pids) == 0, seconds=30), f"{stopped(pids)} still paused"


@pytest.fixture
def ctx(private_home: Path, monkeypatch: pytest.MonkeyPatch) -> Context:
    from tests.support.files import use_present_policy_rules

    use_present_policy_rules(monkeypatch)
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", ())
    return Context.from_environment()


def test_a_failed_restore_stays_pending_and_undo_retries_it(ctx: Context,
                                                            private_home: Path) -> None:
    temp = Path(os.environ["NLSH_TEMP_DIRS"])
    older = write(temp / "older.txt", 1_000)
    age(older, 30)
    carry_out(ctx, parse(target="temp"))
    first_request = finishes(ctx)[-1]["request"]
    blocked, freed = write(temp / "a.txt", 1_000), write(temp / "b.txt", 1_000)
    age(blocked, 30)
    age(freed, 30)
    carry_out(ctx, parse(target="temp"))
    second_request = finishes(ctx)[-1]["request"]
    blocked.write_text("a new file sits where the old one goes back")

    partly = carry_out(ctx, UNDO)

    assert partly.status is Status.FAILED and partly.outcome is not None
    assert sorted(r.status for r in partly.outcome.results) == sorted(
        [StepStatus.DONE, StepStatus.FAILED])
    assert freed.exists() and not older.exists()
    blocked.unlink()

    retry = plan_undo(UNDO, ctx)

    assert isinstance(retry, Plan) and retry.undoes == second_request, retry
    assert [s.target.path for s in retry.steps if isinstance(s.target, FileRef)] == [
        str(blocked)]
    assert "clean up disk space" in retry.summary
    assert carry_out(ctx, UNDO).status is Status.DONE
    assert blocked.stat().st_size == 1_000
    then = plan_undo(UNDO, ctx)
    assert isinstance(then, Plan) and then.undoes == first_request
