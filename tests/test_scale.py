"""Correctness at scale: 3,000 processes of one name, 200,000 files, a 600-step plan
stopped part way.

The speed of these cases is measured by ``scripts/bench.py --scale`` (10,000 processes);
no test here asserts a time. The crowd is one copy of ``sleep`` started 3,000 times with
``posix_spawn`` and reaped by pid whatever happens.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from nlsh.stages import ProcessRef, Status
from nlsh.system.processes import ProcessInfo, read_live
from tests.conftest import nlsh_env, run_nlsh
from tests.support.crowd import Crowd
from tests.support.processes import eventually, journal_entries, request

pytestmark = pytest.mark.usefixtures("pipeline_rules")

CROWD = 3000


@pytest.fixture(scope="module")
def crowd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crowd]:
    with Crowd(tmp_path_factory.mktemp("crowd"), CROWD) as started:
        started.wait_started()
        yield started


def _psutil_view(process: psutil.Process) -> dict[str, object] | None:
    try:
        with process.oneshot():
            return {"ppid": process.ppid(), "name": process.name(),
                    "cmdline": tuple(process.cmdline()), "username": process.username(),
                    "create_time": process.create_time(), "status": process.status(),
                    "rss": process.memory_info().rss}
    except psutil.Error:
        return None


def _identity(info: ProcessInfo) -> tuple[object, ...]:
    return (info.ppid, info.name, info.exe, info.cmdline, info.username, info.create_time)


def test_every_process_reads_as_psutil_reads_it(crowd: Crowd) -> None:
    """The /proc reader gives psutil's values (owner, full name, creation time, RSS) for
    every process on the machine, the crowd included."""
    compared = 0
    for process in psutil.process_iter():
        mine = read_live(process.pid)
        theirs = _psutil_view(process)
        again = read_live(process.pid)
        if theirs is None or mine is None or again is None:
            continue  # ended meanwhile
        if _identity(mine) != _identity(again):
            continue  # it exec'd or was re-parented while being read (other work runs here)
        compared += 1
        assert (mine.ppid, mine.name, mine.cmdline, mine.username) == (
            theirs["ppid"], theirs["name"], theirs["cmdline"], theirs["username"]), mine
        assert abs(mine.create_time - float(theirs["create_time"])) < 0.005  # type: ignore[arg-type]
        if process.pid in crowd.pids[:200]:  # sleepers: state and RSS hold still
            assert (mine.status, mine.rss) == (theirs["status"], theirs["rss"])
    assert compared >= CROWD


def test_a_listing_counts_and_ranks_all_3000(crowd: Crowd) -> None:
    response = request("process.list", sort_by="memory", process=crowd.name, limit=5)
    result = response.answer.result
    assert result["matched"] == CROWD and result["total_processes"] >= CROWD
    rows = result["processes"]
    assert len(rows) == 5 and {r["pid"] for r in rows} <= set(crowd.pids)
    assert [r["memory_rss"] for r in rows] == sorted((r["memory_rss"] for r in rows),
                                                     reverse=True)


def test_the_whole_table_ranked_by_memory_reads_every_process(crowd: Crowd) -> None:
    """Unfiltered, the listing ranks every process by RSS, reading in full only those shown."""
    response = request("process.list", sort_by="memory", limit=5)
    result = response.answer.result
    assert result["matched"] == result["total_processes"] >= CROWD
    rows = result["processes"]
    sizes = [r["memory_rss"] for r in rows]
    assert len(rows) == 5 and sizes == sorted(sizes, reverse=True)
    largest_sleeper = max(psutil.Process(pid).memory_info().rss for pid in crowd.pids[:100])
    assert all(size >= largest_sleeper for size in sizes)  # a real ranking, not a sample
    assert all(r["name"] and r["user"] and r["cmdline"] is not None for r in rows)


def test_a_cpu_listing_samples_every_process_in_one_window(crowd: Crowd) -> None:
    response = request("process.list", sort_by="cpu", process=crowd.name, limit=3)
    result = response.answer.result
    assert result["matched"] == CROWD  # none left out: all were sampled
    assert all(r["cpu_percent"] is not None and r["cpu_percent"] >= 0
               for r in result["processes"])


def test_a_kill_plan_names_each_of_3000_processes_by_pid_and_creation_time(
        crowd: Crowd) -> None:
    response = request("process.kill", dry_run=True, process=crowd.name)
    assert response.status is Status.PLANNED, response.message
    targets = [s.target for s in response.plan.steps]
    assert all(isinstance(t, ProcessRef) for t in targets)
    assert sorted(t.pid for t in targets) == sorted(crowd.pids)  # type: ignore[union-attr]
    for target in targets[:: CROWD // 50]:
        assert isinstance(target, ProcessRef)
        assert abs(psutil.Process(target.pid).create_time() - target.create_time) < 0.005
    assert all(state == "S" for state in crowd.states().values())  # a dry run did nothing


def test_a_sentence_about_3000_processes_through_the_command(crowd: Crowd) -> None:
    """The whole command (language layer included) plans all of them, in one reading."""
    run = run_nlsh("--dry-run", "--json", f"kill {crowd.name}")
    data = json.loads(run.stdout)
    assert data["status"] == "planned", run.stdout[:500]
    assert sorted(s["pid"] for s in data["plan"]["steps"]) == sorted(crowd.pids)


def _after_entries(request_id: str | None = None) -> list[dict[str, object]]:
    return [e for e in journal_entries("step") if e.get("phase") == "after"
            and (request_id is None or e.get("request") == request_id)]


PAUSED, STOP_AFTER = 600, 100  # many steps still to run when Ctrl-C lands, even if slow


def test_ctrl_c_part_way_through_600_pauses_leaves_a_true_journal_and_undo_works(
        tmp_path: Path) -> None:
    with Crowd(tmp_path, PAUSED) as crowd:
        crowd.wait_started()
        command = subprocess.Popen(
            [sys.executable, "-m", "nlsh", "--yes", f"pause {crowd.name}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=nlsh_env())
        try:
            assert eventually(lambda: len(_after_entries()) >= STOP_AFTER, seconds=240)
            os.kill(command.pid, signal.SIGINT)
            _, err = command.communicate(timeout=120)
        finally:
            if command.poll() is None:
                command.kill()
                command.wait()
        assert command.returncode == 130, err
        finish = journal_entries("finish")[-1]
        assert finish["status"] == "interrupted"
        done = {int(e["step"]["pid"]) for e in _after_entries(str(finish["request"]))  # type: ignore[index]
                if e["status"] == "done"}
        assert STOP_AFTER <= len(done) < PAUSED and finish["done"] == len(done)
        assert len(finish["undo"]) == len(done)  # type: ignore[arg-type]
        # The journal is true: exactly the processes it says were paused are paused.
        assert eventually(lambda: {pid for pid, state in crowd.states().items()
                                   if state == "T"} == done)

        undo = run_nlsh("--yes", "undo", timeout=600)
        assert undo.returncode == 0, undo.stdout + undo.stderr
        assert eventually(lambda: all(s == "S" for s in crowd.states().values()))


def test_a_grouped_preview_of_3000_processes_fits_a_screen(crowd: Crowd) -> None:
    run = run_nlsh("--dry-run", f"kill {crowd.name}")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) < 30, run.stdout  # not a row per process
    assert any("3,000" in line and "terminate" in line for line in lines), run.stdout
    assert "grouped above; --json lists each one" in " ".join(run.stdout.split())


FILES_PER_FOLDER, FOLDERS = 2000, 100


def _big_cache(root: Path) -> None:
    """200,000 files in 100 folders; one file in each folder holds data."""
    for folder in range(FOLDERS):
        sub = root / f"d{folder:03d}"
        sub.mkdir(parents=True)
        for index in range(FILES_PER_FOLDER):
            fd = os.open(sub / f"f{index:04d}", os.O_CREAT | os.O_WRONLY, 0o644)
            if index == 0:
                os.write(fd, b"x" * 4096 * (folder % 5 + 1))
            os.close(fd)


def _du_bytes(path: Path) -> int:
    out = subprocess.run(["du", "-s", "--block-size=1", str(path)], capture_output=True,
                         text=True, check=True).stdout
    return int(out.split()[0])


def test_200000_files_are_counted_as_du_counts_them_and_cleaned_up_in_groups(
        private_home: Path) -> None:
    cache = private_home / ".cache" / "pip"
    _big_cache(cache)

    largest = json.loads(run_nlsh("--json", "what's taking up space in ~/.cache/pip").stdout)
    result = largest["result"]
    assert result["files"] == FOLDERS * FILES_PER_FOLDER
    assert result["total_bytes"] == _du_bytes(cache)
    assert result["children_total"] == FOLDERS

    planned = json.loads(run_nlsh("--dry-run", "--json", "clear pip cache").stdout)
    steps = planned["plan"]["steps"]
    assert sorted(s["path"] for s in steps) == sorted(str(p) for p in cache.iterdir())
    assert sum(s["bytes"] for s in steps) == sum(_du_bytes(p) for p in cache.iterdir())

    shown = run_nlsh("--dry-run", "clear pip cache").stdout
    assert len(shown.splitlines()) < 30, shown  # grouped: counts and bytes, not 100 rows
    assert "100" in shown and "pip cache" in shown
