"""Without a terminal nlsh never waits for input and never changes the system without --yes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import Sleepers, nlsh_env, run_nlsh
from tests.support.processes import journal_entries, running

pytestmark = pytest.mark.usefixtures("pipeline_rules")


@pytest.mark.parametrize("sentence", ["kill {pid}", "pause {pid}", "kill -9 {pid}"])
def test_an_open_stdin_pipe_is_never_read_for_a_confirmation(sleepers: Sleepers,
                                                             sentence: str) -> None:
    child = sleepers.spawn()
    # stdin is a pipe that stays open and would answer "y": nlsh must not read it.
    nlsh = subprocess.Popen([sys.executable, "-m", "nlsh", "--json",
                             sentence.format(pid=child.pid)],
                            env=nlsh_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        out, err = nlsh.communicate(timeout=120)  # no input is ever written
    finally:
        if nlsh.poll() is None:
            nlsh.kill()
    assert nlsh.returncode == 1, (out, err)
    reply = json.loads(out)
    assert reply["status"] == "cancelled" and "--yes" in reply["message"]
    assert running(child.pid)
    assert journal_entries("step") == []


def test_a_batch_never_changes_anything_without_yes_and_does_with_it(
        sleepers: Sleepers) -> None:
    kept, ended = sleepers.spawn(), sleepers.spawn()
    done = run_nlsh("--json", input=f"kill {kept.pid}\ny\nyes\n")
    assert done.returncode == 1, done
    assert running(kept.pid)
    done = run_nlsh("--json", "--yes", input=f"kill {ended.pid}\n")
    assert done.returncode == 0, done
    assert json.loads(done.stdout.splitlines()[0])["status"] == "done"
    assert ended.wait(timeout=30) is not None
    assert running(kept.pid)


def test_dry_run_with_yes_changes_nothing(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    done = run_nlsh("--json", "--dry-run", "--yes", f"kill {child.pid}")
    assert done.returncode == 0 and json.loads(done.stdout)["status"] == "planned"
    assert running(child.pid)
    assert journal_entries("step") == []
