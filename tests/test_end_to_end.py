"""Every catalog intent, end to end: the real model reads a sentence, the real system is
read or planned against, and the answer or plan names the right things."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import psutil
import pytest

from nlsh.context import Context
from nlsh.language import Understander
from nlsh.paths import Paths
from nlsh.pipeline import AcceptAll, DeclineAll, run
from nlsh.stages import Response, Status
from tests.conftest import Sleepers, run_nlsh
from tests.support.processes import eventually
from tests.test_catalog import SPEC_INTENTS


@cache
def _understander() -> Understander:
    return Understander(Paths.from_environment())


def ask(sentence: str, *, dry_run: bool = True, yes: bool = False) -> Response:
    ctx = Context.from_environment(dry_run=dry_run)
    return run(sentence, ctx, _understander(), AcceptAll() if yes else DeclineAll())


@pytest.fixture
def listener() -> Iterator[subprocess.Popen[str]]:
    """A child process listening on a loopback port; its port is in ``.args``."""
    code = ("import socket, sys, time\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\n"
            "s.listen()\nprint(s.getsockname()[1], flush=True)\ntime.sleep(300)\n")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    child.port = int(child.stdout.readline())  # type: ignore[attr-defined]
    yield child
    child.kill()
    child.wait()


def _expect(response: Response, intent: str) -> Response:
    assert response.parse.intent == intent, response.parse
    return response


def test_process_list(sleepers: Sleepers) -> None:
    response = _expect(ask("which 5 programs use the most ram right now"), "process.list")
    assert response.status is Status.DONE and len(response.answer.result["processes"]) == 5


def test_process_find_by_name_and_port(sleepers: Sleepers, listener: subprocess.Popen[str]
                                       ) -> None:
    child = sleepers.spawn("zqxfinder")
    found = _expect(ask("is zqxfinder running?"), "process.find")
    assert child.pid in {p["pid"] for p in found.answer.result["processes"]}
    port = listener.port  # type: ignore[attr-defined]
    owner = _expect(ask(f"which process is holding port {port}"), "process.find")
    assert listener.pid in {p["pid"] for p in owner.answer.result["processes"]}


def test_process_kill_by_name_and_by_port(sleepers: Sleepers,
                                          listener: subprocess.Popen[str]) -> None:
    child = sleepers.spawn("zqxvictim")
    planned = _expect(ask("kill zqxvictim"), "process.kill")
    assert planned.status is Status.PLANNED
    assert [s.target.pid for s in planned.plan.steps] == [child.pid]
    port = listener.port  # type: ignore[attr-defined]
    by_port = _expect(ask(f"kill whatever is listening on port {port}"), "process.kill")
    assert [s.target.pid for s in by_port.plan.steps] == [listener.pid]
    done = _expect(ask("kill zqxvictim", dry_run=False, yes=True), "process.kill")
    assert done.status is Status.DONE and child.wait(timeout=10) is not None


def test_suspend_then_resume_it(sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqxpause")
    _expect(ask("freeze zqxpause for now", dry_run=False, yes=True), "process.suspend")
    assert psutil.Process(child.pid).status() == psutil.STATUS_STOPPED  # done means stopped
    _expect(ask("resume it", dry_run=False, yes=True), "process.resume")
    assert eventually(lambda: psutil.Process(child.pid).status() != psutil.STATUS_STOPPED)


def test_renice_and_undo(sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqxnice")
    _expect(ask("make zqxnice lower priority", dry_run=False, yes=True), "process.renice")
    assert psutil.Process(child.pid).nice() == 10
    _expect(ask("undo that", dry_run=False, yes=True), "undo")
    assert psutil.Process(child.pid).nice() == os.nice(0)


def test_ionice(sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqxdisk")
    _expect(ask("let zqxdisk use the disk only when idle", dry_run=False, yes=True),
            "process.ionice")
    assert psutil.Process(child.pid).ionice().ioclass == psutil.IOPRIO_CLASS_IDLE


def test_memory_status_and_free(sleepers: Sleepers) -> None:
    status = _expect(ask("how much ram do i have left"), "memory.status")
    assert status.answer.result["total"] == psutil.virtual_memory().total
    sleepers.spawn("zqxhog")
    free = _expect(ask("free up memory by closing zqxhog"), "memory.free")
    assert free.status is Status.PLANNED
    assert {s.target.name for s in free.plan.steps} == {"zqxhog"}
    choose = _expect(ask("i'm running out of memory, free some up"), "memory.free")
    assert choose.status is Status.CLARIFY and choose.choices  # never "the top N" implicitly


def test_disk_usage_and_largest(private_home: Path) -> None:
    usage = _expect(ask("how full is the disk my home is on"), "disk.usage")
    assert usage.status is Status.DONE
    folder = private_home / "bulky"
    folder.mkdir()
    (folder / "big.bin").write_bytes(os.urandom(3 * 1024 * 1024))
    (folder / "small.txt").write_text("tiny")
    largest = _expect(ask(f"what takes up the space in {folder}"), "disk.largest")
    assert largest.status is Status.DONE
    assert "big.bin" in json.dumps(largest.answer.result)


def test_file_find_in_a_real_tree(private_home: Path) -> None:
    folder = private_home / "papers" / "2026"
    folder.mkdir(parents=True)
    (folder / "thesis.pdf").write_bytes(b"%PDF-1.7 thesis")
    (folder / "notes.txt").write_text("not a pdf")
    found = _expect(ask("which pdfs are in ~/papers"), "file.find")
    assert found.status is Status.DONE and found.answer is not None
    assert [Path(f["path"]).name for f in found.answer.result["files"]] == ["thesis.pdf"]


def test_disk_cleanup_of_a_real_cache(private_home: Path) -> None:
    pip_cache = private_home / ".cache" / "pip" / "http"
    pip_cache.mkdir(parents=True)
    (pip_cache / "wheel.bin").write_bytes(os.urandom(256 * 1024))
    planned = _expect(ask("clear the pip cache"), "disk.cleanup")
    assert planned.status is Status.PLANNED
    assert any(str(pip_cache.parent) in str(s.target.path) for s in planned.plan.steps)
    _expect(ask("clear the pip cache", dry_run=False, yes=True), "disk.cleanup")
    assert not (pip_cache / "wheel.bin").exists()


def test_network_connections(listener: subprocess.Popen[str]) -> None:
    response = _expect(ask("show me the listening ports"), "network.connections")
    port = listener.port  # type: ignore[attr-defined]
    rows = {(c["local_port"], c["pid"]) for c in response.answer.result["connections"]}
    assert (port, listener.pid) in rows


def test_system_status_and_diagnose() -> None:
    status = _expect(ask("how long has this machine been up"), "system.status")
    assert status.parse.slots == {"topic": "uptime"} and status.status is Status.DONE
    diagnosis = _expect(ask("why is my computer so sluggish"), "system.diagnose")
    assert diagnosis.status is Status.DONE and "findings" in diagnosis.answer.result


def test_help_and_history() -> None:
    shown = _expect(ask("what sort of things can you do"), "help")
    assert len(shown.answer.result["intents"]) == len(SPEC_INTENTS)
    ask("how much ram do i have left")
    history = _expect(ask("show me what you did recently"), "history")
    assert "how much ram do i have left" in json.dumps(history.answer.result)


@pytest.mark.parametrize("sentence", [
    "reboot the server tonight", "install htop", "delete my home directory",
    "what's the capital of Peru", "rm -rf /",
])
def test_out_of_scope_is_null_and_touches_nothing(sentence: str) -> None:
    response = ask(sentence, dry_run=False, yes=True)
    assert (response.parse.intent, response.status) == (None, Status.OUT_OF_SCOPE)


def test_every_catalog_intent_was_exercised_here() -> None:
    # Read from this file's calls, not from what ran before: no test depends on order.
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    expected = {call.args[1].value for call in ast.walk(tree)
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id == "_expect" and len(call.args) == 2
                and isinstance(call.args[1], ast.Constant)}
    assert expected == SPEC_INTENTS


def test_the_cli_answers_a_real_request_as_json() -> None:
    result = run_nlsh("--json", "what's using the most memory")
    data = json.loads(result.stdout)
    assert (result.returncode, data["intent"], data["status"]) == (0, "process.list", "done")
    assert data["result"]["processes"][0]["memory_rss"] >= data["result"]["processes"][-1][
        "memory_rss"]


ZOMBIE_PARENT = ("import os, time\n"
                 "child = os.fork()\n"
                 "if child == 0:\n    os._exit(0)\n"
                 "print(child, flush=True)\n"
                 "time.sleep(300)\n")


def test_zombies_are_found_and_their_parent_is_asked_to_collect() -> None:
    parent = subprocess.Popen([sys.executable, "-c", ZOMBIE_PARENT], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert parent.stdout is not None
        zombie = int(parent.stdout.readline())
        eventually(lambda: psutil.Process(zombie).status() == psutil.STATUS_ZOMBIE)
        found = _expect(ask("find zombie processes"), "process.zombies")
        assert found.status is Status.DONE and found.answer is not None
        assert zombie in [row["pid"] for row in found.answer.result["zombies"]]
        planned = _expect(ask("get rid of the zombies"), "process.reap")
        assert planned.status is Status.PLANNED and planned.plan is not None
        assert parent.pid in [step.target.pid for step in planned.plan.steps]
    finally:
        parent.kill()
        parent.wait(timeout=10)


def test_who_holds_a_busy_folder_from_a_pasted_error(private_home: Path) -> None:
    folder = private_home / "mnt"
    folder.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import time; f = open(__import__('sys')"
                               ".argv[1], 'w'); print('ok', flush=True); time.sleep(300)",
                               str(folder / "held.txt")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        answer = _expect(ask(f"umount: {folder}: target is busy"), "file.holders")
        assert answer.status is Status.DONE
        assert str(holder.pid) in json.dumps(answer.answer.result if answer.answer else {})
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_a_why_question_gets_a_built_in_answer() -> None:
    answer = _expect(ask("what is a zombie process"), "help.explain")
    assert answer.status is Status.DONE and "parent" in answer.message


def test_old_files_of_a_folder_go_to_the_trash_and_come_back(private_home: Path) -> None:
    folder = private_home / "old-stuff"
    folder.mkdir()
    old, new = folder / "old.log", folder / "new.log"
    old.write_text("old")
    new.write_text("new")
    ago = 90 * 86400
    os.utime(old, (old.stat().st_atime - ago, old.stat().st_mtime - ago))
    sentence = "delete everything in ~/old-stuff older than 30 days"
    planned = _expect(ask(sentence), "file.trash")
    assert planned.status is Status.PLANNED and planned.plan is not None
    assert [Path(str(s.target.path)).name for s in planned.plan.steps] == ["old.log"]
    _expect(ask(sentence, dry_run=False, yes=True), "file.trash")
    assert not old.exists() and new.exists()
    _expect(ask("undo that", dry_run=False, yes=True), "undo")
    assert old.read_text() == "old"
