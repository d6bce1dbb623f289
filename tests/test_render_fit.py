"""Narrow terminals and pipes: rows stay within two lines, and pipes never fold a line."""

from __future__ import annotations

import json
import re

import pytest

from nlsh.render.plan import plan_view
from nlsh.render.processes import process_table
from nlsh.stages import Status
from tests.conftest import Sleepers, run_nlsh
from tests.support.processes import request
from tests.support.render import render_text


def _rows(shown: str) -> list[list[str]]:
    """The table's rows, each as its lines: a row starts where the first column has text."""
    lines = [line for line in shown.splitlines() if "│" in line]
    rows: list[list[str]] = []
    for line in lines:
        first = line.split("│", 1)[0].strip()
        if first or not rows:
            rows.append([line])
        else:
            rows[-1].append(line)
    return rows


@pytest.mark.parametrize("width", [50, 60, 80, 100, 160])
def test_a_process_listing_never_folds_a_row_over_two_lines(width: int) -> None:
    response = request("process.list", sort_by="memory", limit=15)
    assert response.status is Status.DONE
    result = response.answer.result
    shown = render_text(process_table(result), width=width)
    rows = _rows(shown)
    assert len(rows) == len(result["processes"])
    assert all(len(row) <= 2 for row in rows), shown
    for row, process in zip(rows, result["processes"], strict=True):
        assert row[0].split("│")[0].strip() == str(process["pid"])  # the pid is always there
    if width >= 160:
        assert "started" in shown and "command" in shown  # nothing dropped when there is room


def test_a_plan_keeps_pid_name_owner_and_size_at_any_width(sleepers: Sleepers) -> None:
    children = [sleepers.spawn("zqxnarrowplan") for _ in range(3)]
    response = request("process.kill", dry_run=True, process="zqxnarrowplan")
    assert response.status is Status.PLANNED, response.message
    for width in (50, 70, 200):
        shown = render_text(plan_view(response.plan), width=width)
        for child in children:
            assert re.search(rf"{child.pid} zqxnarrowplan\s*│\s*\S+\s*│\s*[\d.]+ \w?i?B", shown)
        assert all(len(row) <= 2 for row in _rows(shown)), shown


def test_piped_output_never_folds_a_command_line(sleepers: Sleepers) -> None:
    long_name = "zqxpipedwide"
    child = sleepers.spawn(long_name)
    run = run_nlsh(f"is {long_name} running", env={"COLUMNS": "40"})
    assert run.returncode == 0, run.stderr
    row = next(line for line in run.stdout.splitlines() if line.lstrip().startswith(
        str(child.pid)))
    assert long_name in row and f"{long_name} 300" in row  # the command, on the pid's line
    listed = json.loads(run_nlsh("--json", f"is {long_name} running").stdout)
    assert [p["pid"] for p in listed["result"]["processes"]] == [child.pid]
