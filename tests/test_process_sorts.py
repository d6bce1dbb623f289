"""process.list sorted by disk I/O, threads, open files and swap, on real children."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nlsh.stages import Status
from tests.conftest import run_nlsh
from tests.support.processes import (
    UNPRIVILEGED_PRELUDE,
    Children,
    request,
    run_unprivileged,
)

pytestmark = pytest.mark.usefixtures("pipeline_rules")

WRITER = """
import os, time
path = __file__ + ".data"
chunk = b"x" * (512 * 1024)
with open(path, "wb") as handle:
    ready()
    for step in range(100000):
        if step % 64 == 0:
            handle.seek(0)
        handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())  # each write reaches the disk: write_bytes counts it
        time.sleep(0.02)
"""
THREADS = """
import threading, time
for _ in range(400):
    threading.Thread(target=time.sleep, args=(300,), daemon=True).start()
ready()
time.sleep(300)
"""
FILES = """
import resource, time
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
held = [open("/dev/null") for _ in range(4000)]
ready()
time.sleep(300)
"""


def listed(sort_by: str, limit: int = 5) -> dict[str, Any]:
    response = request("process.list", sort_by=sort_by, limit=limit)
    assert response.status is Status.DONE, response.message
    return dict(response.answer.result)


def test_a_process_writing_steadily_tops_the_io_sort(children: Children) -> None:
    writer, _ = children.script(WRITER)
    idle = children.spawn()
    result = listed("io", limit=10)
    rows = result["processes"]
    rates = [row["io_bytes_per_s"] for row in rows]
    assert rates == sorted(rates, reverse=True)
    pids = [row["pid"] for row in rows]
    # on top, unless another program on a busy machine writes even more right then
    assert writer.pid in pids, rows
    assert rows[pids.index(writer.pid)]["io_bytes_per_s"] > 0
    assert idle.pid not in pids[:pids.index(writer.pid) + 1]
    assert result["column"] == "io_bytes_per_s" and result["io_sample_seconds"] == 1.0
    assert any("sampled over" in note for note in result["notes"])


def test_a_process_with_many_threads_tops_the_threads_sort(children: Children) -> None:
    threaded, _ = children.script(THREADS)
    top = listed("threads")["processes"][0]
    assert top["pid"] == threaded.pid and top["threads"] >= 401


def test_a_process_holding_many_files_tops_the_files_sort(children: Children) -> None:
    holder, _ = children.script(FILES)
    top = listed("files")["processes"][0]
    assert top["pid"] == holder.pid and top["open_files"] >= 4000


def test_the_swap_sort_shows_each_process_swap_largest_first() -> None:
    result = listed("swap", limit=20)
    figures = [row["swap_bytes"] for row in result["processes"]]
    assert figures == sorted(figures, reverse=True)
    assert all(isinstance(f, int | float) and f >= 0 for f in figures)


def test_a_sort_within_a_program_keeps_to_that_program(children: Children) -> None:
    threaded, name = children.script(THREADS)
    response = request("process.list", sort_by="threads", process=name)
    rows = response.answer.result["processes"]
    assert [row["pid"] for row in rows] == [threaded.pid]


def test_processes_nlsh_cannot_read_are_counted_not_shown_as_zero() -> None:
    data = run_unprivileged(UNPRIVILEGED_PRELUDE + """
emit(ask("process.list", sort_by="files", limit=50))
""")
    result = data["result"]
    assert result["unreadable"] > 0  # at least pid 1, which nobody may not look into
    assert any("could not be read" in note for note in result["notes"])
    assert 1 not in {row["pid"] for row in result["processes"]}


@pytest.mark.parametrize(("sentence", "sort_by"), [
    ("top swap consumers", "swap"),
    ("which process is hammering the disk", "io"),
    ("what's doing all this IO", "io"),
    ("which process has the most threads", "threads"),
    ("who has the most open files", "files"),
])
def test_the_phrasings_pick_the_sort(sentence: str, sort_by: str) -> None:
    run = run_nlsh("--json", sentence)
    data = json.loads(run.stdout)
    assert (data["intent"], data["slots"].get("sort_by")) == ("process.list", sort_by), data
    assert data["result"]["column"] in ("swap_bytes", "io_bytes_per_s", "threads", "open_files")


def test_the_table_shows_the_sorted_column(children: Children) -> None:
    children.script(THREADS)
    run = run_nlsh("which process has the most threads")
    headers = [line.split() for line in run.stdout.splitlines() if line.split()[:1] == ["pid"]]
    assert headers and "threads" in headers[0], run.stdout
