"""How a diagnosis looks in the terminal: numbered findings, worst first, with units,
the processes responsible and the sentence to type next; system strings shown as data."""

from __future__ import annotations

import io

from rich.console import Console

from nlsh.answers.diagnose import answer_for
from nlsh.render import view_for
from tests.support.diagnosis import (
    GIB,
    MIB,
    deleted,
    filesystem,
    pressure,
    process,
    quiet_cpu,
    quiet_memory,
    quiet_snapshot,
)


def shown(result: object) -> str:
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(view_for("diagnosis")(result))  # type: ignore[arg-type]
    return out.getvalue()


def test_findings_are_numbered_worst_first_with_evidence_processes_and_suggestion() -> None:
    snapshot = quiet_snapshot(
        cpu=quiet_cpu(busy_percent=99.0), cpu_pressure=pressure(70.0),
        processes=(process(4321, "blender", cpu_percent=80.0),),
        filesystems=(filesystem(used_percent=92.0, free_bytes=8 * GIB),),
        unavailable=("temperature sensors",))
    screen = shown(answer_for(snapshot).result)
    lines = screen.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("1. "))
    second = next(i for i, line in enumerate(lines) if line.startswith("2. "))
    assert "CRITICAL" in lines[first] and "cpu" in lines[first]
    assert "WARNING" in lines[second] and "disk" in lines[second]
    assert first < second
    assert "blender (pid 4321; cpu_percent 80.0%)" in screen
    assert '"lower the priority of blender"' in screen
    assert '"clean up disk space"' in screen
    assert "free_bytes 8.0 GiB" in screen
    assert "Not available here: temperature sensors." in screen
    assert "Nothing looks wrong" not in screen


def test_a_healthy_machine_reads_nothing_looks_wrong_and_keeps_its_notes() -> None:
    screen = shown(answer_for(quiet_snapshot(memory=quiet_memory(oom_kills_since_boot=2))).result)
    assert screen.startswith("Nothing looks wrong")
    assert "1. INFO" in screen and '"show processes using the most memory"' in screen
    assert "Sampled for 1.2 s" in screen


def test_names_and_paths_from_the_system_are_shown_as_data_not_markup() -> None:
    evil = "[bold red]x\x1b[2Jy\u202e"
    snapshot = quiet_snapshot(deleted_files=(deleted(66, evil, 300 * MIB,
                                                     path="/tmp/[link]\x1b]8;;"),))
    screen = shown(answer_for(snapshot).result)
    assert "\x1b" not in screen and "\u202e" not in screen
    assert "[bold red]x\\e[2Jy\\u202e (pid 66" in screen
    assert "/tmp/[link]\\e]8;;" in screen
