""""do N" after a diagnosis runs the finding's typed follow-up on exactly the process the
finding named (pid + creation time): never its sentence read again by the model, never
other processes of the same name; "show process N" shows that process."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import psutil
import pytest
from rich.console import Console

from nlsh.cli import Options
from nlsh.context import Context
from nlsh.diagnosis.rules.processes import runaway_processes, zombies
from nlsh.dialogue import State
from nlsh.pipeline import AcceptAll
from nlsh.repl import Repl
from nlsh.stages import Answer, Parse, Response, Status
from tests.conftest import run_nlsh
from tests.support.diagnosis import process, quiet_snapshot

pytestmark = pytest.mark.usefixtures("pipeline_rules")


@pytest.fixture
def same_named(tmp_path: Path) -> Any:
    """Two processes of a program named "clear cache": the culprit and a bystander."""
    program = tmp_path / "clear cache"
    shutil.copy2(shutil.which("sleep") or "/bin/sleep", program)
    children = [subprocess.Popen([str(program), "300"]) for _ in range(2)]
    yield children
    for child in children:
        child.kill()
        child.wait()


def _model_must_not_read(text: str) -> Parse:
    raise AssertionError(f"a follow-up was read by the language model: {text!r}")


def repl_after(findings: list[dict[str, Any]]) -> tuple[Repl, io.StringIO]:
    """A REPL (without a terminal) that has just shown a diagnosis with ``findings``."""
    out = io.StringIO()
    repl = Repl.__new__(Repl)
    repl.options = Options(dry_run=False, as_json=False, yes=True, explain=False,
                           traceback=False)
    repl.console = Console(file=out, width=200, highlight=False)
    repl.ctx = Context.from_environment()
    repl.understand = _model_must_not_read  # type: ignore[assignment]
    repl.confirmer = AcceptAll()
    parse = Parse(text="why is it slow", intent="system.diagnose", confidence=1.0)
    repl.last = Response(parse=parse, status=Status.DONE, message="", answer=Answer(
        kind="diagnosis", message="", result={"findings": findings}))
    repl.dialogue = State()
    return repl, out


def runaway_finding(pid: int, create_time: float) -> dict[str, Any]:
    sample = replace(process(pid, "clear cache", cpu_percent=100.0), create_time=create_time)
    finding = runaway_processes(quiet_snapshot(processes=(sample,)))
    assert finding is not None
    return json.loads(json.dumps(finding.to_json()))  # what the REPL holds: JSON


def test_do_1_acts_on_exactly_the_process_the_finding_named(same_named: Any) -> None:
    culprit, bystander = same_named
    created = psutil.Process(culprit.pid).create_time()
    repl, out = repl_after([runaway_finding(culprit.pid, created)])

    repl.handle("do 1")

    assert repl.last is not None and repl.last.status is Status.DONE, out.getvalue()
    assert repl.last.parse.intent == "process.renice"  # not a cleanup: "clear cache" is a name
    assert [s.target.pid for s in repl.last.plan.steps] == [culprit.pid]
    assert psutil.Process(culprit.pid).nice() == 10
    assert psutil.Process(bystander.pid).nice() == os.nice(0)


def test_do_1_never_acts_on_a_pid_that_is_another_process_now(same_named: Any) -> None:
    culprit, _ = same_named
    created = psutil.Process(culprit.pid).create_time()
    repl, out = repl_after([runaway_finding(culprit.pid, created - 60)])  # another birth

    repl.handle("do 1")

    assert "is another process now" in out.getvalue()
    assert psutil.Process(culprit.pid).nice() == os.nice(0)


def test_show_process_n_shows_that_process(same_named: Any) -> None:
    culprit, _ = same_named
    run = run_nlsh("--json", f"show process {culprit.pid}")
    data = json.loads(run.stdout)
    assert (data["intent"], data["status"]) == ("process.find", "done")
    assert [p["pid"] for p in data["result"]["processes"]] == [culprit.pid]


def test_the_zombie_finding_shows_the_parent_it_names() -> None:
    parent = os.getpid()
    snapshot = quiet_snapshot(processes=(
        replace(process(parent, "python"), create_time=psutil.Process().create_time()),
        *(process(70 + i, "z", ppid=parent, status="zombie") for i in range(3))))
    finding = zombies(snapshot)
    assert finding is not None and finding.follow_up is not None
    repl, _ = repl_after([json.loads(json.dumps(finding.to_json()))])

    repl.handle("do 1")

    assert repl.last is not None and repl.last.parse.intent == "process.find"
    assert [p["pid"] for p in repl.last.answer.result["processes"]] == [parent]


def test_a_suggestion_runs_typed_in_the_json_of_a_real_diagnosis() -> None:
    run = run_nlsh("--json", "why is my computer slow")
    data = json.loads(run.stdout)
    for finding in data["result"]["findings"]:
        follow_up = finding["follow_up"]
        assert isinstance(follow_up["intent"], str) and isinstance(follow_up["slots"], dict)
        if "target" in follow_up:
            assert follow_up["slots"]["pid"] == follow_up["target"]["pid"]
