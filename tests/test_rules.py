"""Rigid command-like forms are understood without the model, exactly."""

from __future__ import annotations

import pytest

from nlsh.language.rules import parse_rigid


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("kill 4312", "process.kill", {"pid": 4312}),
    ("kill -9 4312", "process.kill", {"pid": 4312, "force": True}),
    ("kill -KILL 4312", "process.kill", {"pid": 4312, "force": True}),
    ("kill -s STOP 77", "process.suspend", {"pid": 77}),
    ("kill -CONT 77", "process.resume", {"pid": 77}),
    ("pkill firefox", "process.kill", {"process": "firefox"}),
    ("killall -9 Chrome", "process.kill", {"process": "chrome", "force": True}),
    ("ps aux", "process.list", {}),
    ("top", "process.list", {"sort_by": "cpu"}),
    ("pgrep nginx", "process.find", {"process": "nginx"}),
    ("lsof -i :8080", "process.find", {"port": 8080}),
    ("fuser 5432/tcp", "process.find", {"port": 5432}),
    ("df -h", "disk.usage", {}),
    ("df -h /home", "disk.usage", {"path": "/home"}),
    ("du -sh ~/Downloads", "disk.largest", {"path": "~/Downloads"}),
    ("free -m", "memory.status", {}),
    ("uptime", "system.status", {"topic": "uptime"}),
    ("ss -tlnp", "network.connections", {"listening": True}),
    ("netstat -an", "network.connections", {}),
    ("help", "help", {}),
    ("help kill", "help", {"topic": "kill"}),
    ("help with disk?", "help", {"topic": "disk"}),
    ("man follow-ups", "help", {"topic": "follow-ups"}),
    ("undo", "undo", {}),
    ("history", "history", {}),
    ("renice 10 -p 4312", "process.renice", {"nice": 10, "pid": 4312}),
    ("renice blender to 15", "process.renice", {"process": "blender", "nice": 15}),
    ("renice 4312 to -5", "process.renice", {"pid": 4312, "nice": -5}),
    ("is redis running", "process.find", {"process": "redis"}),
    ("is postgres still running?", "process.find", {"process": "postgres"}),
    ("Is sshd up", "process.find", {"process": "sshd"}),
    ("is 4312 alive", "process.find", {"pid": 4312}),
    ("ps aux | grep node", "process.find", {"process": "node"}),
    ("ps -ef|grep -i '[p]ython'", "process.find", {"process": "python"}),
    ("kill $(pgrep node)", "process.kill", {"process": "node"}),
    ("kill -9 `pidof node`", "process.kill", {"process": "node", "force": True}),
])
def test_rigid_forms(text: str, intent: str, slots: dict[str, object]) -> None:
    parse = parse_rigid(text)
    assert parse is not None
    assert (parse.intent, dict(parse.slots), parse.confidence, parse.source) == (
        intent, slots, 1.0, "rules")


@pytest.mark.parametrize("text", [
    "top 5 cpu hogs", "kill firefox", "free up memory", "show me the history of rome",
    "help me kill chrome", "ps is slow", "kill -9", "df -h and then reboot",
    "is it running", "is anything running on port 80", "is everything up", "is the vpn up",
    "is redis running out of memory", "renice blender", "is memory up",
])
def test_sentences_are_left_to_the_model(text: str) -> None:
    assert parse_rigid(text) is None


@pytest.mark.parametrize(("text", "problem"), [
    ("kill 0", "pid must be in 1–4194304 (got 0)"),
    ("lsof -i :70000", "port must be in 1–65535 (got 70000)"),
    ("renice -100 -p 5", "nice must be in -20–19 (got -100)"),
    ("renice gimp to 40", "nice must be in -20–19 (got 40)"),
    ("is 0 running", "pid must be in 1–4194304 (got 0)"),
])
def test_out_of_range_numbers_are_rejected(text: str, problem: str) -> None:
    parse = parse_rigid(text)
    assert parse is not None
    assert parse.rejected_values == (problem,)


def test_the_rest_of_a_pipeline_is_named_as_not_run() -> None:
    parse = parse_rigid("ps aux | grep node | awk '{print $2}'")
    assert parse is not None and parse.intent == "process.find"
    assert parse.notes == ("the rest of the pipeline, '| awk '{print $2}'', was not run: nlsh "
                           "runs no shell commands",)


@pytest.mark.parametrize("text", ["ps aux | grep -v node", "ls | wc -l", "ps aux | grep 'a.*b'"])
def test_a_pipeline_with_no_reading_is_never_guessed(text: str) -> None:
    parse = parse_rigid(text)
    assert parse is not None and parse.intent is None and parse.notes
