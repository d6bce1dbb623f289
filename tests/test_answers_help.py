"""help: generated from the intent catalog, here a small one the test writes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from nlsh.answers.help import area_of, show_help
from nlsh.context import Context
from nlsh.language.catalog import load_catalog
from nlsh.render.help import help_view
from nlsh.stages import Answer, Parse
from tests.support.render import HOSTILE, assert_shown_escaped, render_text

REPO_INTENTS = Path(__file__).resolve().parent.parent / "nlsh" / "intents"

INTENT_FILES = {
    "process.kill.yaml": """\
intent: process.kill
summary: End processes
changes_system: true
slots: [process, port]
examples:
  - kill [firefox](process)
  - kill whatever is on port [8080](port)
  - stop [the backup job](process:backup)
  - end [node](process)
""",
    "memory.status.yaml": """\
intent: memory.status
summary: Show RAM and swap usage
examples:
  - how much memory is free
  - show memory usage
""",
    "help.yaml": """\
intent: help
summary: What nlsh can do
examples:
  - help
  - what can you do
  - show me some examples
""",
}


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    directory = tmp_path / "intents"
    directory.mkdir()
    shutil.copy(REPO_INTENTS / "_slots.yaml", directory / "_slots.yaml")
    for name, body in INTENT_FILES.items():
        (directory / name).write_text(body)
    monkeypatch.setenv("NLSH_INTENTS_DIR", str(directory))
    load_catalog.cache_clear()
    yield directory
    load_catalog.cache_clear()


def _ask() -> Answer:
    answer = show_help(Parse(text="help", intent="help", confidence=1.0),
                       Context.from_environment())
    assert isinstance(answer, Answer)
    json.dumps(answer.result)
    return answer


def test_help_lists_the_catalog_grouped_by_area(catalog: Path) -> None:
    result = _ask().result
    assert [i["name"] for i in result["intents"]] == ["process.kill", "memory.status", "help"]
    assert result["areas"] == ["processes", "memory", "nlsh itself"]
    kill = result["intents"][0]
    assert kill == {"name": "process.kill", "area": "processes", "summary": "End processes",
                    # whole sentences first, then in the catalog's order
                    "examples": ["kill whatever is on port 8080", "stop the backup job",
                                 "kill firefox"],
                    "changes_system": True}
    assert result["intents"][1]["examples"] == ["how much memory is free", "show memory usage"]
    assert result["intents"][1]["changes_system"] is False


def test_a_new_intent_file_shows_up_without_code_changes(catalog: Path) -> None:
    (catalog / "disk.usage.yaml").write_text(
        "intent: disk.usage\nsummary: How full the disks are\nslots: [path]\n"
        "examples:\n  - how full is [/home](path)\n  - disk space\n")
    load_catalog.cache_clear()
    answer = _ask()
    assert answer.result["areas"] == ["processes", "memory", "disk", "nlsh itself"]
    assert "how full is /home" in render_text(help_view(answer.result))
    assert answer.message.startswith("nlsh understands 4 kinds of request (1 change")


@pytest.mark.parametrize(("intent", "area"), [
    ("process.list", "processes"), ("memory.free", "memory"), ("disk.cleanup", "disk"),
    ("network.connections", "network"), ("system.diagnose", "system"),
    ("undo", "nlsh itself"), ("history", "nlsh itself"), ("service.restart", "service"),
])
def test_areas(intent: str, area: str) -> None:
    assert area_of(intent) == area


def _ask_about(topic: str) -> Answer:
    answer = show_help(Parse(text=f"help {topic}", intent="help", confidence=1.0,
                             slots={"topic": topic}), Context.from_environment())
    assert isinstance(answer, Answer)
    json.dumps(answer.result)
    return answer


def test_help_is_one_screen_naming_areas_topics_and_follow_ups(catalog: Path) -> None:
    shown = render_text(help_view(_ask().result))
    for line in ("Processes", "Memory", "nlsh itself", "End processes",
                 "kill whatever is on port 8080", "how much memory is free", "help keys",
                 "help follow-ups", "'do 1'", "all but 2", "--dry-run", "--explain"):
        assert line in shown, line
    assert "[firefox](process)" not in shown
    assert shown.index("End processes") < shown.index("Show RAM") < shown.index("What nlsh")
    assert len(shown.splitlines()) <= 24


def test_a_topic_shows_that_topic_only(catalog: Path) -> None:
    kill = _ask_about("kill")
    assert kill.message == "Help on 'kill' (End processes)"
    assert [i["name"] for i in kill.result["intents"]] == ["process.kill"]
    shown = render_text(help_view(kill.result))
    assert "kill firefox" in shown and "asks before changing anything" in shown
    assert "how much memory is free" not in shown
    memory = render_text(help_view(_ask_about("memory").result))
    assert "how much memory is free" in memory and "kill firefox" not in memory
    keys = render_text(help_view(_ask_about("keys").result))
    assert "all but 2" in keys and "Ctrl-L" in keys
    options = render_text(help_view(_ask_about("options").result))
    for line in ("--dry-run", "--json", "-y, --yes", "--explain", "interactive shell"):
        assert line in options, line


def test_an_unknown_topic_names_the_topics(catalog: Path) -> None:
    answer = _ask_about("banana")
    assert answer.message.startswith("No help topic 'banana'. Topics: processes, memory, nlsh,")
    assert answer.result["topic"] is None


def test_view_escapes_what_it_shows(catalog: Path) -> None:
    result = dict(_ask().result)
    result["intents"] = [{"name": "help", "area": "nlsh itself", "summary": HOSTILE,
                          "examples": [HOSTILE], "changes_system": False}]
    result["areas"] = ["nlsh itself"]
    assert_shown_escaped(render_text(help_view(result)))
