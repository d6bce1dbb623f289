"""system.status: the overview and each topic, checked against psutil's own readings."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import psutil
import pytest

from nlsh.answers.system import TOPICS, load_verdict, system_status, temperature_verdict
from nlsh.context import Context
from nlsh.render.system import system_status_view
from nlsh.stages import Answer, Parse
from nlsh.system.disks import read_filesystems
from tests.support.render import HOSTILE, assert_shown_escaped, render_text


def _ask(**slots: Any) -> Answer:
    answer = system_status(Parse(text="status", intent="system.status", confidence=1.0,
                                 slots=slots), Context.from_environment())
    assert isinstance(answer, Answer)
    json.dumps(answer.result)
    return answer


def test_overview_matches_the_machine() -> None:
    loads_before = os.getloadavg()
    answer = _ask()
    loads_after = os.getloadavg()
    result = answer.result
    assert result["topic"] is None
    cpu = result["cpu"]
    assert cpu["logical"] == psutil.cpu_count()
    assert len(cpu["per_core"]) == psutil.cpu_count()
    assert 0.0 <= cpu["percent"] <= 100.0
    load = result["load"]
    # The kernel updates load every 5 s: the answer is one of the readings around it.
    assert load["one"] in (pytest.approx(loads_before[0]), pytest.approx(loads_after[0]))
    assert load["cores"] == psutil.cpu_count()
    assert result["uptime"]["boot_time"] == psutil.boot_time()
    assert abs(result["uptime"]["seconds"] - (time.time() - psutil.boot_time())) < 60
    assert result["memory"]["total"] == psutil.virtual_memory().total
    filesystems = read_filesystems().filesystems
    if filesystems:
        fullest = max(filesystems, key=lambda f: f.percent)
        assert result["disks"]["fullest"]["mountpoint"] == fullest.mountpoint
    assert f"of {psutil.cpu_count()} cores" in answer.message


def test_missing_sensors_and_battery_are_said_plainly() -> None:
    answer = _ask()
    temperatures = psutil.sensors_temperatures()
    readable = [t for entries in temperatures.values() for t in entries if 0 < t.current < 150]
    if readable:
        hottest = answer.result["temperature"]["hottest"]
        assert hottest["current"] <= max(t.current for t in readable) + 5
    else:
        assert answer.result["temperature"] == {"available": False, "hottest": None,
                                                "readings": [], "verdict": None}
        assert "no temperature sensors" in answer.message
        assert "no sensors" in render_text(system_status_view(answer.result))
    battery = psutil.sensors_battery()
    if battery is None:
        assert answer.result["battery"] == {"present": False}
        assert "no battery" in answer.message
    else:
        assert answer.result["battery"]["percent"] == pytest.approx(battery.percent, abs=2)


@pytest.mark.parametrize(("topic", "opening"), [
    ("cpu", "CPU "), ("load", "Load "), ("uptime", "Up "),
    ("temperature", ("Hottest sensor", "No temperature sensors")),
    ("battery", ("Battery ", "No battery")),
])
def test_a_topic_narrows_the_answer(topic: str, opening: str | tuple[str, ...]) -> None:
    answer = _ask(topic=topic)
    assert set(answer.result) == {"topic", topic}
    assert answer.message.startswith(opening)
    shown = render_text(system_status_view(answer.result))
    others = {"CPU", "load", "uptime", "memory", "disks", "temperature", "battery"}
    label = "CPU" if topic == "cpu" else topic
    assert label in shown
    assert not any(line.startswith(other) for line in shown.splitlines()
                   for other in others - {label})


def test_every_topic_of_the_catalog_is_known() -> None:
    assert set(TOPICS) == {"cpu", "load", "uptime", "temperature", "battery"}


@pytest.mark.parametrize(("one", "cores", "starts"), [
    (0.3, 4, "light"), (2.5, 4, "moderate"), (4.0, 4, "busy"), (6.0, 4, "overloaded"),
    (9.0, 4, "heavily overloaded"), (1.0, 1, "busy"),
])
def test_load_in_plain_words(one: float, cores: int, starts: str) -> None:
    assert load_verdict(one, cores).startswith(starts)


@pytest.mark.parametrize(("current", "high", "critical", "verdict"), [
    (45.0, 80.0, 100.0, "ok"),
    (72.0, 80.0, 100.0, "warm"),
    (85.0, 80.0, 100.0, "hot"),
    (101.0, 80.0, 100.0, "critical"),
    (50.0, None, None, "ok"),
    (85.0, None, None, "warm"),    # no thresholds from the hardware: generic limits
    (92.0, None, None, "hot"),
    (90.0, None, 100.0, "hot"),    # within 15 °C of critical
])
def test_temperature_verdict(current: float, high: float | None, critical: float | None,
                             verdict: str) -> None:
    assert temperature_verdict(current, high, critical) == verdict


def test_overview_view_shows_each_vital_sign() -> None:
    result = _ask().result
    shown = render_text(system_status_view(result))
    for label in ("CPU", "load", "uptime", "memory", "disks", "temperature", "battery"):
        assert any(line.startswith(label) for line in shown.splitlines()), label
    assert f"on {result['cpu']['logical']} logical cores" in shown
    assert f"{result['load']['one']:.2f}" in shown


def test_temperature_view_lists_sensors_and_escapes_labels() -> None:
    hot = {"sensor": "coretemp", "label": HOSTILE, "current": 95.0, "high": 90.0,
           "critical": 105.0, "verdict": "hot"}
    cool = {"sensor": "nvme", "label": "Composite", "current": 40.0, "high": None,
            "critical": None, "verdict": "ok"}
    result = {"topic": "temperature", "temperature": {
        "available": True, "hottest": hot, "readings": [cool, hot], "verdict": "hot"}}
    shown = render_text(system_status_view(result))
    assert "95 °C" in shown and "hot" in shown and "nvme Composite" in shown
    assert shown.index("95 °C", shown.index("sensor")) < shown.index("40 °C")  # hottest first
    assert_shown_escaped(shown)
