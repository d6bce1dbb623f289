"""A ``--hosts`` session as a dialogue, through real ansible-core (``ansible_connection=local``
hosts that are this machine, each with its own HOME and journal), real sleepers and the real
model: an answer on every host, "pause the biggest on web2" acting on exactly the row web2's
answer showed, "undo" where that ran; host names that narrow, never widen; a reference with
no answer before it asks."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import psutil
import pytest

from tests.conftest import Run, Sleepers, nlsh_env, run_nlsh
from tests.support.processes import eventually, program_name
from tests.test_fleet import Fleet, pytestmark  # noqa: F401  (skipped without ansible-core)


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    yield Fleet(tmp_path / "fleet")


def session(fleet: Fleet, pattern: str, *lines: str, options: tuple[str, ...] = ()) -> Run:
    return run_nlsh("--hosts", pattern, "-i", str(fleet.inventory), "--json", *options,
                    input="".join(f"{line}\n" for line in lines), env=fleet.env())


def objects(run: Run) -> list[dict[str, Any]]:
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()]


def steps_done(fleet: Fleet, host: str) -> list[dict[str, Any]]:
    return [e for e in fleet.journal(host) if e.get("event") == "step"
            and e.get("status") == "done"]


def test_answer_then_act_on_the_biggest_on_one_host_then_undo_there(
        fleet: Fleet, sleepers: Sleepers) -> None:
    first = sleepers.spawn()
    name = program_name(first)
    second = sleepers.spawn(name)  # two rows of the same program: "the biggest" is one
    run = session(fleet, "web*",
                  f"what are the {name} processes using the most memory on all hosts",
                  "pause the biggest on web2", "undo", options=("--yes",))
    out = objects(run)
    answers = [o for o in out if o.get("state") == "answered"]
    assert {o["host"] for o in answers} == {"web1", "web2"}, run.stdout + run.stderr
    web2_rows = next(o for o in answers if o["host"] == "web2")["response"]["result"][
        "processes"]
    top = web2_rows[0]["pid"]
    assert {row["pid"] for row in web2_rows} == {first.pid, second.pid}
    acted, undone = out[len(answers):]  # one row each: web2 only, never web1
    assert acted["host"] == "web2" and acted["state"] == "done", acted
    assert [s["pid"] for s in acted["response"]["plan"]["steps"]] == [top]
    assert f"the biggest = pid {top}" in run.stderr  # said what it stood for
    assert undone["host"] == "web2" and undone["state"] == "done", undone
    assert eventually(lambda: psutil.Process(top).status() != psutil.STATUS_STOPPED)
    assert steps_done(fleet, "web2") and not steps_done(fleet, "web1")
    other = second.pid if top == first.pid else first.pid
    assert psutil.Process(other).status() != psutil.STATUS_STOPPED
    assert run.returncode == 0, run.stderr


def test_host_names_narrow_never_widen_and_a_reference_with_no_answer_asks(
        fleet: Fleet, sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    name = program_name(child)
    run = session(fleet, "web*", "kill the biggest on db1", "kill the biggest on web2",
                  f"pause {name} on web1", options=("--dry-run",))
    refused, asks, *planned = objects(run)
    assert refused["status"] == "refused" and refused["rule"] == "host-outside-pattern"
    assert "db1" in refused["message"] and "web1, web2" in refused["message"]
    assert asks["status"] == "clarify" and "Which process?" in asks["message"], asks
    assert [(o["host"], o["state"]) for o in planned] == [("web1", "planned")], run.stdout
    assert [s["pid"] for s in planned[0]["response"]["plan"]["steps"]] == [child.pid]
    assert child.poll() is None and not fleet.journal("db1")
    assert run.returncode == 1  # the worst line: refused / asks


@pytest.mark.parametrize(("sentence", "names"), [
    ("kill the biggest on web2", ("web2",)),
    ("undo on web1 and web3", ("web1", "web3")),
    ("pause nginx on hosts web1, web2.", ("web1", "web2")),
    ("is nginx running on gateway?", ("gateway",)),  # an inventory host without a digit
    ("kill whatever is on port 8080", None),
    ("what is listening on 8080", None),
    ("show the files on disk", None),
    ("on web2, pause nginx", ("web2",)),
    ("on port 8080, what runs", None),
])
def test_which_words_name_hosts(sentence: str, names: tuple[str, ...] | None) -> None:
    from nlsh.fleet.narrow import host_clause

    clause = host_clause(sentence, known=["gateway", "web1", "web2"])
    assert (clause.names if clause is not None else None) == names


def test_at_a_terminal_kill_the_biggest_on_web2_plans_exactly_that_row(
        fleet: Fleet, sleepers: Sleepers) -> None:
    first = sleepers.spawn()
    name = program_name(first)
    second = sleepers.spawn(name)
    argv = ["-m", "nlsh", "--hosts", "web*", "-i", str(fleet.inventory)]
    shell = pexpect.spawn(sys.executable, argv, env=nlsh_env(fleet.env()), encoding="utf-8",
                          timeout=120, dimensions=(50, 200))
    try:
        shell.expect_exact("nlsh [web*]> ")
        shell.sendline(f"what are the {name} processes using the most memory on all hosts")
        shell.expect_exact("nlsh [web*]> ")
        answer = shell.before
        assert "web1" in answer and "web2" in answer, answer
        shell.sendline("kill the biggest on web2")
        shell.expect(r"the biggest = pid (\d+) ")
        top = int(shell.match.group(1))
        assert top in (first.pid, second.pid)
        shell.expect_exact("Go ahead on web2? [y/N/?] ")  # one host: web2 only
        assert str(top) in shell.before
        shell.sendline("n")
        shell.expect_exact("nlsh [web*]> ")
        assert "cancelled" in shell.before
        shell.sendline("exit")
        shell.expect(pexpect.EOF)
    finally:
        if shell.isalive():
            shell.terminate(force=True)
    assert first.poll() is None and second.poll() is None  # declined: both still run
    assert not steps_done(fleet, "web2") and not steps_done(fleet, "web1")


def test_a_one_shot_is_narrowed_by_a_host_it_names(fleet: Fleet, sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    name = program_name(child)
    run = fleet.nlsh("web*", "--dry-run", "--json", f"on web2, pause {name}")
    assert [(o["host"], o["state"]) for o in objects(run)] == [("web2", "planned")], run.stdout
    widened = fleet.nlsh("web1", "--dry-run", "--json", f"pause {name} on web1 and web2")
    refused = objects(widened)[0]
    assert refused["rule"] == "host-outside-pattern" and "web2" in refused["message"]
    assert widened.returncode == 1 and child.poll() is None
