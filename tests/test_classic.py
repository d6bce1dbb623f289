"""The classic command under ``--explain``: right for each verb, quoted for a real shell,
never a way for escape sequences to reach the terminal."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from nlsh.classic import classic_command, classic_lines, quote
from nlsh.stages import FileRef, ProcessRef, Step
from tests.conftest import Sleepers, run_nlsh
from tests.support.files import age, write

PROCESS = ProcessRef(pid=4312, create_time=1.0, name="node")


@pytest.mark.parametrize(("step", "command"), [
    (Step("terminate", PROCESS, ""), "kill -TERM 4312"),
    (Step("kill", PROCESS, ""), "kill -KILL 4312"),
    (Step("suspend", PROCESS, ""), "kill -STOP 4312"),
    (Step("resume", PROCESS, ""), "kill -CONT 4312"),
    (Step("renice", PROCESS, "", {"nice": 10}), "renice -n 10 -p 4312"),
    (Step("renice", PROCESS, "", {"nice": -5}), "renice -n -5 -p 4312"),
    (Step("ionice", PROCESS, "", {"ioclass": "idle", "value": None}), "ionice -c3 -p 4312"),
    (Step("ionice", PROCESS, "", {"ioclass": "best-effort", "value": 7}),
     "ionice -c2 -n 7 -p 4312"),
    (Step("ionice", PROCESS, "", {"ioclass": "none", "value": None}), "ionice -c0 -p 4312"),
    (Step("trash", FileRef("/home/me/old report.csv", 10), ""),
     "gio trash '/home/me/old report.csv'"),
    (Step("delete", FileRef("/home/me/.cache/pip/http", 10, is_dir=True), ""),
     "rm -r /home/me/.cache/pip/http"),
    (Step("delete", FileRef("/home/me/.cache/thumbnails/a.png", 10), ""),
     "rm /home/me/.cache/thumbnails/a.png"),
    (Step("restore", FileRef("/home/me/it's.txt", 10), "",
          {"trash_file": "/home/me/.local/share/Trash/files/it's.txt"}),
     "mv -n '/home/me/.local/share/Trash/files/it'\"'\"'s.txt' '/home/me/it'\"'\"'s.txt'"),
    (Step("needs_root", None, "", {"command": ["sudo", "apt-get", "clean"]}),
     "sudo apt-get clean"),
])
def test_each_verb_has_its_classic_command(step: Step, command: str) -> None:
    assert classic_command(step) == command


def test_the_terminal_view_puts_steps_that_differ_only_in_the_pid_on_one_line() -> None:
    other = ProcessRef(pid=4313, create_time=1.0, name="node")
    steps = (Step("suspend", PROCESS, ""), Step("suspend", other, ""),
             Step("renice", PROCESS, "", {"nice": 10}), Step("renice", other, "", {"nice": 5}),
             Step("trash", FileRef("/tmp/a", 1), ""), Step("teleport", PROCESS, ""))
    assert classic_lines(steps) == ["kill -STOP 4312 4313", "renice -n 10 -p 4312",
                                    "renice -n 5 -p 4313", "gio trash /tmp/a",
                                    "(teleport: no classic command)"]


def test_a_step_without_what_its_verb_needs_has_no_command() -> None:
    assert classic_command(Step("renice", PROCESS, "")) is None
    assert classic_command(Step("trash", FileRef("relative/path", 1), "")) is None
    assert classic_command(Step("teleport", PROCESS, "")) is None


@pytest.mark.parametrize("name", [
    "plain.txt", "with space", "it's", "tab\there", "new\nline", "esc\x1b[31mred",
    "bell\x07", "c1\x9bcsi", "bidi\u202eevil", "back\\slash", "ünïcode", "$(touch x)",
    os.fsdecode(b"latin1-\xe9"),
])
def test_quoted_words_hold_no_control_characters_and_mean_the_same_to_bash(
        name: str, tmp_path: Path) -> None:
    word = quote(name)
    assert all(c.isprintable() for c in word), word
    echoed = subprocess.run(["bash", "-c", f"printf '%s' {word}"], capture_output=True,
                            timeout=30, cwd=tmp_path)
    assert echoed.stdout == os.fsencode(name)
    assert not (tmp_path / "x").exists()


def test_explain_json_has_the_classic_command_of_each_step(sleepers: Sleepers) -> None:
    first, second = sleepers.spawn("reportgen"), sleepers.spawn("reportgen")
    result = run_nlsh("--dry-run", "--json", "--explain", "pause reportgen")
    data = json.loads(result.stdout)
    assert data["status"] == "planned"
    commands = data["explain"]["commands"]
    assert [c["command"] for c in commands] == [
        f"kill -STOP {step['pid']}" for step in data["plan"]["steps"]]
    assert sorted(int(c["command"].split()[-1]) for c in commands) == sorted(
        [first.pid, second.pid])
    assert [c["step"] for c in commands] == [0, 1]


def test_explain_shows_the_classic_command_in_the_terminal_view(sleepers: Sleepers) -> None:
    first, second = sleepers.spawn("thumbnailer"), sleepers.spawn("thumbnailer")
    result = run_nlsh("--dry-run", "--explain", "lower the priority of thumbnailer")
    assert result.returncode == 0, result.stderr
    line = next(line.strip() for line in result.stdout.splitlines() if "renice -n 10" in line)
    assert line.startswith("renice -n 10 -p ")
    assert sorted(line.split()[4:]) == sorted([str(first.pid), str(second.pid)])
    assert "nlsh runs none" in result.stdout


def test_without_explain_there_is_no_classic_command(sleepers: Sleepers) -> None:
    sleepers.spawn("quietjob")
    result = run_nlsh("--dry-run", "--json", "pause quietjob")
    assert "explain" not in json.loads(result.stdout)


def test_a_path_with_escape_sequences_is_shown_quoted_and_inert() -> None:
    temp = Path(os.environ["NLSH_TEMP_DIRS"])
    hostile = write(temp / "report\x1b]0;owned\x07\x1b[2J.csv")
    age(hostile, 10)
    shown = run_nlsh("--dry-run", "--explain", "clear temp files")
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
    assert "gio trash $'" in shown.stdout
    data = json.loads(run_nlsh("--dry-run", "--json", "--explain", "clear temp files").stdout)
    command = data["explain"]["commands"][0]["command"]
    assert command == f"gio trash {quote(str(hostile))}"
    assert all(c.isprintable() for c in command)
    echoed = subprocess.run(["bash", "-c", f"printf '%s' {command.removeprefix('gio trash ')}"],
                            capture_output=True, timeout=30)
    assert echoed.stdout == os.fsencode(str(hostile))
