"""Each action from the one-shot CLI with --yes, and through the REPL, on real processes
and files; and "why is my computer slow" through the CLI with real conditions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import psutil

from tests.conftest import Sleepers, nlsh_env, run_nlsh
from tests.support.processes import burning, eventually
from tests.test_tty import PROMPT, _confirm_everything, _spawn


def _nlsh_json(*args: str) -> tuple[int, dict[str, object]]:
    result = run_nlsh("--json", *args)
    return result.returncode, json.loads(result.stdout)


def test_kill_with_yes(sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqxyeskill")
    code, data = _nlsh_json("-y", "kill zqxyeskill")
    assert (code, data["status"]) == (0, "done")
    assert child.wait(timeout=10) is not None


def test_suspend_resume_renice_ionice_and_undo_with_yes(sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqxyesall")
    process = psutil.Process(child.pid)
    assert _nlsh_json("-y", "pause zqxyesall")[0] == 0
    assert process.status() == psutil.STATUS_STOPPED
    assert _nlsh_json("-y", "continue zqxyesall")[0] == 0
    assert eventually(lambda: process.status() != psutil.STATUS_STOPPED)
    assert _nlsh_json("-y", "renice zqxyesall to 12")[0] == 0
    assert process.nice() == 12
    assert _nlsh_json("-y", "undo")[0] == 0
    assert process.nice() == os.nice(0)
    assert _nlsh_json("-y", "make zqxyesall use the disk only when idle")[0] == 0
    assert process.ionice().ioclass == psutil.IOPRIO_CLASS_IDLE


def test_cleanup_with_yes_and_undo_restores_trashed_temp_files(private_home: Path,
                                                               tmp_path: Path) -> None:
    temp = tmp_path / "tmpdir"
    temp.mkdir()
    old = temp / "old-report.txt"
    old.write_text("keep me somewhere")
    ancient = time.time() - 30 * 86400
    os.utime(old, (ancient, ancient))
    env = {"NLSH_TEMP_DIRS": str(temp)}
    result = run_nlsh("--json", "-y", "delete temp files older than a week", env=env)
    assert json.loads(result.stdout)["status"] == "done", result.stdout
    assert not old.exists()
    restored = run_nlsh("--json", "-y", "undo", env=env)
    assert json.loads(restored.stdout)["status"] == "done", restored.stdout
    assert old.read_text() == "keep me somewhere"


def test_actions_through_the_repl(sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqxrepl")
    process = psutil.Process(child.pid)
    repl = _spawn()
    try:
        repl.expect(PROMPT)
        repl.sendline("suspend zqxrepl")
        _confirm_everything(repl, "(?i)done")
        repl.expect(PROMPT)
        assert process.status() == psutil.STATUS_STOPPED
        repl.sendline("resume it")
        _confirm_everything(repl, "(?i)done")
        repl.expect(PROMPT)
        assert eventually(lambda: process.status() != psutil.STATUS_STOPPED)
        repl.sendline("lower the priority of zqxrepl")
        _confirm_everything(repl, "(?i)done")
        repl.expect(PROMPT)
        assert process.nice() == 10
        repl.sendline("undo")
        _confirm_everything(repl, "(?i)done")
        repl.expect(PROMPT)
        assert process.nice() == os.nice(0)
    finally:
        repl.close(force=True)


def test_diagnosis_names_a_cpu_burner_first(tmp_path: Path) -> None:
    burner = tmp_path / "zqxhot"
    shutil.copy2(os.path.realpath(sys.executable), burner)
    burners = [subprocess.Popen([str(burner), "-c", "while True: pass"])
               for _ in range(os.cpu_count() or 2)]
    try:
        assert eventually(lambda: burning(burners), seconds=60), "the burners never got going"
        code, data = _nlsh_json("why is my computer slow")
        first = data["result"]["findings"][0]  # type: ignore[index]
        assert code == 0 and first["resource"] == "cpu"
        assert {b.pid for b in burners} & {p["pid"] for p in first["processes"]}
    finally:
        for child in burners:
            child.kill()
            child.wait()


def test_diagnosis_names_the_holder_of_a_deleted_file(private_home: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import os, sys, time\npath = sys.argv[1]\nf = open(path, 'wb')\n"
         "f.write(os.urandom(1024 * 1024) * 200)\nf.flush()\nos.unlink(path)\n"
         "print('ready', flush=True)\ntime.sleep(300)\n", str(private_home / "huge.log")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        code, data = _nlsh_json("why is my computer slow")
        disk = [f for f in data["result"]["findings"]  # type: ignore[index]
                if holder.pid in {p["pid"] for p in f["processes"]}]
        assert code == 0 and disk and disk[0]["resource"] == "disk"
        assert disk[0]["suggestion"] == f"kill pid {holder.pid}"
    finally:
        holder.kill()
        holder.wait()


def test_no_terminal_never_waits_for_input(sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqxnowait")
    # A terminal session, but stdin is not a terminal: nlsh must not ask, and must not act.
    shell = pexpect.spawn("/bin/sh", ["-c", f"{sys.executable} -m nlsh 'kill zqxnowait' "
                                            "</dev/null; echo exit=$?"],
                          env=nlsh_env(), encoding="utf-8", timeout=60)
    shell.expect(r"exit=(\d+)")  # returns by itself: nothing waits for an answer
    assert shell.match.group(1) == "1"
    shell.expect(pexpect.EOF)
    assert psutil.Process(child.pid).status() != psutil.STATUS_ZOMBIE
