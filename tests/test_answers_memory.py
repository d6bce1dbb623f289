"""memory.status: figures that match the kernel's, pressure read from PSI, a readable view."""

from __future__ import annotations

import json
from pathlib import Path

import psutil
import pytest

from nlsh.answers.memory import assess, memory_status
from nlsh.context import Context
from nlsh.pipeline import DeclineAll, run
from nlsh.render.memory import memory_view
from nlsh.render.units import human_bytes
from nlsh.stages import Answer, Parse, Status
from nlsh.system.memory import MemoryPressure, MemoryReading, PressureLine, read_pressure
from tests.support.render import render_text

GIB = 1024**3


def _ask() -> Answer:
    answer = memory_status(Parse(text="how much memory is free", intent="memory.status",
                                 confidence=1.0), Context.from_environment())
    assert isinstance(answer, Answer)
    return answer


def test_figures_match_the_kernel() -> None:
    ram, swap = psutil.virtual_memory(), psutil.swap_memory()
    result = _ask().result
    assert result["total"] == ram.total
    assert result["swap"]["total"] == swap.total
    # Memory moves between two readings; a few percent of RAM is far above that noise.
    slack = ram.total * 0.05
    assert abs(result["available"] - ram.available) < slack
    assert abs(result["used"] - ram.used) < slack
    assert result["available"] <= result["total"]
    assert result["reclaimable"] == max(result["available"] - result["free"], 0)
    json.dumps(result)


def test_message_says_available_of_total_and_swap() -> None:
    answer = _ask()
    assert f"of {human_bytes(answer.result['total'])} available" in answer.message
    assert ("swap" in answer.message) or ("no swap" in answer.message)


def test_pressure_is_reported_when_the_kernel_has_it() -> None:
    result = _ask().result
    if Path("/proc/pressure/memory").is_file():
        assert result["pressure"] is not None
        assert 0.0 <= result["pressure"]["some"]["avg10"] <= 100.0
    else:
        assert result["pressure"] is None


@pytest.mark.parametrize(("content", "some10", "full10"), [
    ("some avg10=1.50 avg60=0.50 avg300=0.10 total=12345\n"
     "full avg10=0.25 avg60=0.00 avg300=0.00 total=678\n", 1.5, 0.25),
    ("some avg10=12.00 avg60=3.00 avg300=1.00 total=1\n", 12.0, None),  # older kernels
])
def test_pressure_file_is_parsed(tmp_path: Path, content: str, some10: float,
                                 full10: float | None) -> None:
    path = tmp_path / "memory"
    path.write_text(content)
    pressure = read_pressure(path)
    assert pressure is not None
    assert pressure.some.avg10 == some10
    assert (pressure.full.avg10 if pressure.full else None) == full10


@pytest.mark.parametrize("content", ["", "garbage\n", "some avg10=x avg60=1 avg300=1 total=1\n"])
def test_unreadable_pressure_is_none(tmp_path: Path, content: str) -> None:
    path = tmp_path / "memory"
    path.write_text(content)
    assert read_pressure(path) is None
    assert read_pressure(tmp_path / "missing") is None


def _reading(available_gib: float, some10: float = 0.0, full10: float = 0.0) -> MemoryReading:
    line = PressureLine(avg10=some10, avg60=0.0, avg300=0.0, total_us=0)
    full = PressureLine(avg10=full10, avg60=0.0, avg300=0.0, total_us=0)
    available = int(available_gib * GIB)
    return MemoryReading(total=16 * GIB, available=available, used=16 * GIB - available,
                         free=available // 2, buffers=0, cached=available // 2,
                         percent=100 * (1 - available_gib / 16), swap_total=0, swap_used=0,
                         swap_free=0, swap_percent=0.0, swapped_in=0, swapped_out=0,
                         pressure=MemoryPressure(some=line, full=full))


@pytest.mark.parametrize(("available_gib", "some10", "full10", "verdict"), [
    (8.0, 0.0, 0.0, "ok"),
    (2.0, 0.0, 0.0, "tight"),       # 12.5 % left
    (8.0, 15.0, 0.0, "tight"),      # plenty free, yet tasks stall: pressure wins
    (0.5, 0.0, 0.0, "critical"),    # 3 % left
    (8.0, 40.0, 8.0, "critical"),   # everything stalls
])
def test_verdict(available_gib: float, some10: float, full10: float, verdict: str) -> None:
    assert assess(_reading(available_gib, some10, full10)) == verdict


def test_view_shows_the_figures_and_explains_available() -> None:
    answer = _ask()
    shown = render_text(memory_view(answer.result))
    assert human_bytes(answer.result["total"]) in shown
    assert human_bytes(answer.result["available"]) in shown
    assert "reclaimable" in shown and "available" in shown
    assert ("swap activity since boot" in shown) == bool(answer.result["swap"]["total"])


def test_view_of_a_tight_machine_with_swap() -> None:
    reading = _reading(1.0, some10=22.0)
    from nlsh.answers.memory import memory_result

    result = memory_result(reading, assess(reading))
    result["swap"].update(total=4 * GIB, used=3 * GIB, free=GIB, swapped_in=5 * GIB,
                          swapped_out=7 * GIB)
    shown = render_text(memory_view(result))
    assert "tight" in shown
    assert "5.0 GiB in, 7.0 GiB out" in shown
    assert "stalled 22.0%" in shown


def test_through_the_pipeline_it_is_answered_and_journaled() -> None:
    ctx = Context.from_environment()
    parse = Parse(text="memory status", intent="memory.status", confidence=1.0)
    response = run("memory status", ctx, understand=lambda _: parse, confirmer=DeclineAll(),
                   parse=parse)
    assert response.status is Status.DONE
    assert response.to_json()["result"]["total"] == psutil.virtual_memory().total
    [entry] = list(ctx.journal.entries())
    assert entry["intent"] == "memory.status" and entry["status"] == "done"
