"""The real language model: every intent understood, out of scope answered null, no torch
on the answering path, and a regression floor on the held-out set."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from functools import cache

import pytest

from nlsh.language import Understander
from nlsh.language.evaluation import Scores, evaluate, load_items, perturb
from nlsh.paths import Paths
from nlsh.stages import Parse
from tests.conftest import REPO, nlsh_env


@cache
def _understander() -> Understander:
    return Understander(Paths.from_environment())


def understand(text: str) -> Parse:
    return _understander()(text)


# Written for this test, not taken from intents/ or the held-out set.
CASES: list[tuple[str, str | None, dict[str, object]]] = [
    ("which processes are eating the most ram", "process.list", {"sort_by": "memory"}),
    ("show the top 3 processes by cpu", "process.list", {"limit": 3, "sort_by": "cpu"}),
    ("is redis running", "process.find", {"process": "redis"}),
    ("can you check whether redis is running", "process.find", {"process": "redis"}),
    ("which program is holding port 5432", "process.find", {"port": 5432}),
    ("kill whatever is on port 8080", "process.kill", {"port": 8080}),
    ("kill firefox", "process.kill", {"process": "firefox"}),
    ("force kill the gradle daemon", "process.kill", {"process": "gradle", "force": True}),
    ("pause the rsync job", "process.suspend", {"process": "rsync"}),
    ("resume it", "process.resume", {}),
    ("make the backup job lower priority", "process.renice",
     {"process": "backup", "priority": "low"}),
    ("renice blender to 15", "process.renice", {"process": "blender", "nice": 15}),
    ("give blender a nice value of 15", "process.renice", {"process": "blender", "nice": 15}),
    ("lower the io priority of rsync", "process.ionice", {"process": "rsync", "priority": "low"}),
    ("how much ram is free", "memory.status", {}),
    ("free up memory", "memory.free", {}),
    ("how full is the disk", "disk.usage", {}),
    ("what is taking space in ~/Downloads", "disk.largest", {"path": "~/Downloads"}),
    ("clear pip and npm caches", "disk.cleanup", {"target": "packages"}),
    ("delete temp files older than a week", "disk.cleanup",
     {"target": "temp", "older_than_days": 7}),
    ("show listening ports", "network.connections", {"listening": True}),
    ("how hot is the cpu", "system.status", {"topic": "temperature"}),
    ("why is my laptop so slow", "system.diagnose", {}),
    ("what can you do", "help", {}),
    ("undo that", "undo", {}),
    ("show the last 5 things you did", "history", {"limit": 5}),
    ("what's the weather in Lisbon", None, {}),
    ("reboot the machine", None, {}),
    ("install docker", None, {}),
    ("delete my home directory", None, {}),
    ("kill some time before the meeting", None, {}),
    ("play some music", None, {}),
]


@pytest.mark.parametrize(("text", "intent", "slots"), CASES)
def test_sentences_are_understood(text: str, intent: str | None,
                                  slots: dict[str, object]) -> None:
    parse = understand(text)
    assert (parse.intent, dict(parse.slots)) == (intent, slots), parse


def test_confidence_is_a_probability_and_alternatives_are_ranked() -> None:
    parse = understand("kill firefox")
    assert 0.0 <= parse.confidence <= 1.0
    confidences = [a.confidence for a in parse.alternatives]
    assert confidences == sorted(confidences, reverse=True)
    assert parse.alternatives[0].intent == parse.intent


def test_one_shot_never_imports_torch() -> None:
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['nlsh', '--dry-run', '--json', 'kill whatever is on port 8080']\n"
        "try:\n    runpy.run_module('nlsh', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "    {'torch', 'transformers', 'sentence_transformers', 'onnx'})\n"
        "print(json.dumps(heavy), file=sys.stderr)\n"
    )
    understand("warm the model cache")  # make sure the model is built first
    run = subprocess.run([sys.executable, "-c", "import json\n" + probe], capture_output=True,
                         text=True, env=nlsh_env(), timeout=120)
    assert json.loads(run.stderr.strip().splitlines()[-1]) == []
    assert json.loads(run.stdout)["intent"] == "process.kill"


# ── regression floor on the held-out set (a little under the measured figures) ──

@cache
def _held_out(name: str) -> tuple[Scores, Scores]:
    items = load_items(REPO / "tests" / "data" / name)
    rng = random.Random(2026)
    return evaluate(items, understand), evaluate([perturb(i, rng) for i in items], understand)


# Measured with scripts/evaluate.py (docs/benchmarks.md), the 5-epoch model:
#   heldout.yaml   intent 0.987, slot F1 0.963, frame 0.951, false accept 0.037,
#                  false reject 0.004, ECE 0.023, perturbed drop 0.9 points
#   heldout2.yaml  intent 0.950, slot F1 0.939, frame 0.914, false accept 0.042,
#                  false reject 0.014, ECE 0.033, perturbed drop 0.8 points
# The floors sit a little under, leaving room for a rebuild on another CPU.
# Re-set deliberately when issue 13 grew the catalog from 18 to 24 intents (zombies, reap,
# file holders, why/how answers, file.trash, new cleanup targets): the merged model
# (0367ca1b27f95931) measures set 1 intent 0.983, slot F1 0.961, frame 0.942, false accept
# 0.049; set 2 intent 0.942, slot F1 0.917, frame 0.886, false accept 0.083 (10 of 120 out-of-
# scope sentences given an intent, 5 before). That loss is open work (docs/benchmarks.md);
# these floors keep it from growing. They were not reached by tuning on these sets.
FLOOR = {
    "heldout.yaml": {"intent_accuracy": 0.97, "slot_f1": 0.955, "frame_accuracy": 0.93},
    "heldout2.yaml": {"intent_accuracy": 0.935, "slot_f1": 0.91, "frame_accuracy": 0.875},
}
CEILING = {
    "heldout.yaml": {"false_accept": 0.055, "false_reject": 0.015, "ece": 0.035},
    "heldout2.yaml": {"false_accept": 0.09, "false_reject": 0.025, "ece": 0.045},
}


@pytest.mark.parametrize(("name", "metric"),
                         [(n, m) for n, floors in FLOOR.items() for m in sorted(floors)])
def test_held_out_floor(name: str, metric: str) -> None:
    clean, _ = _held_out(name)
    assert getattr(clean, metric) >= FLOOR[name][metric]


@pytest.mark.parametrize(("name", "metric"),
                         [(n, m) for n, ceilings in CEILING.items() for m in sorted(ceilings)])
def test_held_out_ceiling(name: str, metric: str) -> None:
    clean, _ = _held_out(name)
    assert getattr(clean, metric) <= CEILING[name][metric]


@pytest.mark.parametrize("name", sorted(FLOOR))
def test_perturbed_copy_costs_little_accuracy(name: str) -> None:
    clean, noisy = _held_out(name)
    assert clean.intent_accuracy - noisy.intent_accuracy <= 0.03
