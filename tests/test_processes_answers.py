"""process.list and process.find, and how their table shows hostile process names."""

from __future__ import annotations

import getpass
import io
import json
import socket
from pathlib import Path

from rich.console import Console

from nlsh.render.processes import process_table
from nlsh.render.safe import printable
from nlsh.stages import Status
from tests.conftest import Sleepers
from tests.support.processes import Children, listen_code, program_name, request

BUSY = """
ready()
while True:
    pass
"""
HOLDS_FILE = """
import sys, time
handle = open(sys.argv[0].replace(".py", ".data"), "w")
ready()
time.sleep(300)
"""


def shown(result: dict[str, object]) -> str:
    out = io.StringIO()
    Console(file=out, width=200, color_system=None, force_terminal=False).print(
        process_table(result))
    return out.getvalue()


def test_list_sorted_by_memory_filters_by_name_and_limits(sleepers: Sleepers) -> None:
    first = sleepers.spawn()
    name = program_name(first)
    for _ in range(3):
        sleepers.spawn(name)
    answer = request("process.list", process=name, limit=2)
    assert answer.status is Status.DONE
    result = answer.answer.result
    assert result["matched"] == 4 and len(result["processes"]) == 2
    rss = [row["memory_rss"] for row in result["processes"]]
    assert rss == sorted(rss, reverse=True)
    assert all(row["name"] == name and row["cpu_percent"] is None for row in result["processes"])
    json.dumps(result)  # JSON-ready as it is


def test_list_by_cpu_ranks_a_busy_process_above_an_idle_one(children: Children) -> None:
    busy, _ = children.script(BUSY)
    idle, _ = children.script("ready()\nimport time\ntime.sleep(300)")
    answer = request("process.list", sort_by="cpu", limit=10_000)
    rows = answer.answer.result["processes"]
    order = [row["pid"] for row in rows]
    assert order.index(busy.pid) < order.index(idle.pid)
    assert rows[order.index(busy.pid)]["cpu_percent"] > 0
    assert answer.answer.result["cpu_sample_seconds"] > 0


def test_list_by_user(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    owner = getpass.getuser()
    rows = request("process.list", user=owner, limit=10_000).answer.result["processes"]
    assert child.pid in [r["pid"] for r in rows]
    assert {r["user"] for r in rows} == {owner}
    other = "nobody" if owner != "nobody" else "root"
    theirs = request("process.list", user=other, limit=10_000).answer.result["processes"]
    assert child.pid not in [r["pid"] for r in theirs]


def test_is_it_running_yes_and_no(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    name = program_name(child)
    yes = request("process.find", process=name)
    assert yes.message.startswith("Yes: 1 process named") and yes.answer.result["running"]
    assert [r["pid"] for r in yes.answer.result["processes"]] == [child.pid]
    no = request("process.find", process=name + "x")
    assert no.status is Status.DONE and no.message.startswith("No: no process named")
    assert f"did you mean {name} (pid {child.pid})?" in no.message
    assert no.answer.result["running"] is False
    assert request("process.find", process="*").answer.result["running"] is False


def test_find_the_owner_of_a_port(children: Children, tmp_path: Path) -> None:
    listener, _ = children.script(listen_code(tmp_path / "port"))
    port = int((tmp_path / "port").read_text())
    answer = request("process.find", port=port)
    assert answer.message.startswith(f"Port {port}: ")
    assert [r["pid"] for r in answer.answer.result["processes"]] == [listener.pid]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert request("process.find", port=free).answer.result["running"] is False


def test_find_who_holds_a_file_or_folder(children: Children, tmp_path: Path) -> None:
    holder, script = children.script(HOLDS_FILE)
    data = tmp_path / "scripts" / script.replace(".py", ".data")
    for asked in (str(data), str(data.parent)):
        answer = request("process.find", path=asked)
        rows = answer.answer.result["processes"]
        assert [r["pid"] for r in rows] == [holder.pid], asked
        assert any(use.startswith("open: ") for use in rows[0]["uses"])
    nothing = request("process.find", path=str(tmp_path / "elsewhere"))
    assert nothing.answer.result["processes"] == []
    assert "does not exist" in " ".join(nothing.answer.result["notes"])


def test_the_home_folder_is_expanded_from_the_context(children: Children,
                                                      private_home: Path) -> None:
    answer = request("process.find", path="~/no-such-folder")
    assert answer.answer.result["path"] == str(private_home / "no-such-folder")


def test_hostile_names_are_shown_as_data(sleepers: Sleepers) -> None:
    hostile = "x\x1b]0;pwned\x07[bold]evil\u202e"
    child = sleepers.spawn(hostile)
    answer = request("process.find", pid=child.pid)
    text = shown(dict(answer.answer.result))
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "[bold]evil" in text  # not read as markup
    assert printable(hostile)[:12] in text


def test_the_table_shows_the_command_line_and_start_time(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    text = shown(dict(request("process.find", pid=child.pid).answer.result))
    assert program_name(child) in text and " 300" in text and str(child.pid) in text
