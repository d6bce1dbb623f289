"""Error messages pasted as requests: who holds the port or the path, never a plan."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from nlsh.language.resolve import port_of
from nlsh.meaning.pasted import read_pasted
from tests.conftest import run_nlsh
from tests.support.processes import Children, listen_code

pytestmark = pytest.mark.usefixtures("pipeline_rules")

HOLDER = """
import os, sys, time
folder = os.path.dirname(__file__) + "/mounted"
os.makedirs(folder + "/deep", exist_ok=True)
held = open(folder + "/deep/open.log", "w")
ready()
time.sleep(300)
"""


def listener(children: Children, tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    port_file = tmp_path / "port"
    child, _ = children.script(listen_code(port_file))
    return child, int(port_file.read_text())


def ask(*args: str) -> dict[str, Any]:
    run = run_nlsh("--json", *args)
    data: dict[str, Any] = json.loads(run.stdout)
    assert "plan" not in data and "outcome" not in data, data  # never a plan
    return data


@pytest.mark.parametrize("written", [":::{p}", "0.0.0.0:{p}", "127.0.0.1:{p}", "[::]:{p}",
                                     "localhost:{p}", "*:{p}"])
def test_a_port_after_an_address_is_read_as_the_port(written: str) -> None:
    assert port_of(written.format(p=8080)) == 8080


@pytest.mark.parametrize("message", [
    "Error: listen EADDRINUSE: address already in use :::{p}",
    "listen tcp 127.0.0.1:{p}: bind: address already in use",
    "port {p} is already in use",
    "OSError: [Errno 98] Address already in use ([::]:{p})",
])
def test_a_pasted_address_in_use_names_who_holds_the_port(children: Children, tmp_path: Path,
                                                          message: str) -> None:
    child, port = listener(children, tmp_path)
    data = ask("--yes", message.format(p=port))
    assert (data["intent"], data["slots"], data["status"]) == (
        "network.connections", {"port": port}, "done"), data
    assert child.pid in {c["pid"] for c in data["result"]["connections"]}
    assert child.poll() is None


def test_a_pasted_crash_report_with_an_address_never_becomes_a_kill_plan(
        children: Children, tmp_path: Path) -> None:
    child, port = listener(children, tmp_path)
    report = ("Traceback (most recent call last): File \"worker.py\", line 12, in run "
              f"ConnectionResetError: [Errno 104] kill signal from 127.0.0.1:{port}, "
              "process terminated")
    data = ask("--yes", report)
    assert data["intent"] == "network.connections" and data["slots"] == {"port": port}
    assert child.poll() is None


def test_a_pasted_target_is_busy_names_the_processes_holding_files_there(
        children: Children) -> None:
    child, _ = children.script(HOLDER)
    folder = children.directory / "mounted"
    data = ask(f"umount: {folder}: target is busy.")
    assert (data["intent"], data["status"]) == ("file.holders", "done"), data
    rows = {row["pid"]: row for row in data["result"]["processes"]}
    assert child.pid in rows
    assert any("open.log" in use for use in rows[child.pid]["uses"])


def test_a_working_directory_inside_the_path_holds_it_too(children: Children) -> None:
    folder = children.directory / "cwd-here"
    folder.mkdir()
    sleeper = children.spawn(cwd=folder)
    data = ask(f"rmdir: failed to remove '{folder}': Device or resource busy")
    rows = {row["pid"]: row for row in data["result"]["processes"]}
    assert any("working directory" in use for use in rows[sleeper.pid]["uses"])


def test_a_busy_path_nothing_holds_says_so(tmp_path: Path) -> None:
    free = tmp_path / "free"
    free.mkdir()
    data = ask(f"umount: {free}: target is busy")
    assert data["status"] == "done" and data["result"]["processes"] == []


@pytest.mark.parametrize("sentence", [
    "address already in use on 8000 - which program has it?",  # a question, not a paste
    "at 12:30 the backup failed",  # a time, not a port
    "kill whatever is on 127.0.0.1:8080",  # an order: the model reads it
])
def test_only_pasted_messages_are_read_by_their_shape(sentence: str) -> None:
    assert read_pasted(sentence) is None


def test_an_order_with_an_address_acts_on_that_port(children: Children,
                                                    tmp_path: Path) -> None:
    child, port = listener(children, tmp_path)
    run = run_nlsh("--json", "--dry-run", f"kill whatever is on 127.0.0.1:{port}")
    data = json.loads(run.stdout)
    assert data["slots"].get("port") == port, data
    assert [s["pid"] for s in data.get("plan", {}).get("steps", [])] == [child.pid], data
