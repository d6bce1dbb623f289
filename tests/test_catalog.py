"""The intent catalog: complete, valid, documented, and kept apart from the test set."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from nlsh.capabilities import registry
from nlsh.errors import CatalogError
from nlsh.language.catalog import load_catalog, parse_annotated
from tests.conftest import REPO

SPEC_INTENTS = {
    "process.list", "process.find", "process.kill", "process.suspend", "process.resume",
    "process.renice", "process.ionice", "memory.status", "memory.free", "disk.usage",
    "disk.largest", "disk.cleanup", "network.connections", "system.status",
    "system.diagnose", "help", "undo", "history",
    "file.find",  # extension (issue 17): docs/intents.md, docs/json.md
    # extensions (issue 13): docs/intents.md, docs/json.md
    "process.zombies", "process.reap", "file.holders", "help.explain",
    "file.trash",  # extension (issue 13): docs/intents.md, docs/json.md
}
CATALOG = load_catalog(REPO / "nlsh" / "intents")
# Sets that measure the language layer: never trained on, nor near copies of training data.
HELD_OUT = ["heldout.yaml", "heldout2.yaml", "realworld.yaml"]


def test_catalog_has_exactly_the_spec_intents_each_with_a_handler() -> None:
    assert set(CATALOG.intents) == SPEC_INTENTS == set(registry().intents)


@pytest.mark.parametrize("name", sorted(SPEC_INTENTS))
def test_each_intent_has_enough_varied_examples(name: str) -> None:
    spec = CATALOG.intents[name]
    assert len(spec.examples) >= 30
    # the catalog's flag (docs, help) agrees with the definition the pipeline enforces
    assert spec.changes_system == registry().intents[name].changes_system


def test_out_of_scope_examples_are_plentiful() -> None:
    assert len(CATALOG.out_of_scope) >= 200


def test_no_sentence_is_in_two_places() -> None:
    seen: dict[str, str] = {}
    for example in CATALOG.examples:
        key = example.text.lower()
        assert key not in seen, f"{example.text!r} in {example.source} and {seen[key]}"
        seen[key] = example.source


@pytest.mark.parametrize("name", HELD_OUT)
def test_held_out_sentences_never_appear_in_training_data(name: str) -> None:
    training = {re.sub(r"\W+", " ", e.text.lower()).strip(): e.source for e in CATALOG.examples}
    held_out = yaml.safe_load((REPO / "tests" / "data" / name).read_text())
    leaked = [f"{training[key]}: {i['text']!r}" for i in held_out
              if (key := re.sub(r"\W+", " ", i["text"].lower()).strip()) in training]
    assert leaked == [], "training sentences equal to held-out ones (delete them):\n" + \
        "\n".join(leaked)


@pytest.mark.parametrize("name", HELD_OUT)
def test_held_out_sentences_are_not_near_copies_of_training_data(name: str) -> None:
    """The same sentence with another slot value, or one ≥ 85 % alike token by token,
    leaks as surely as an equal one (``tests.support.faithfulness.near_duplicate``)."""
    from tests.support.faithfulness import held_out_sentences

    leaked = []
    for text, origin in held_out_sentences():
        twins = [twin for _, twin in _training_index().of(text, origin.split(": ", 1)[1])
                 ] if origin.startswith(
            f"{name}: ") else []
        if twins:
            more = f" (and {len(twins) - 1} more)" if len(twins) > 1 else ""
            leaked.append(f"{origin!r} ~ {twins[0]!r}{more}")
    assert leaked == [], (f"{len(leaked)} held-out sentences are near copies of training "
                          "sentences (reword or delete the training ones):\n" + "\n".join(leaked))


@functools.cache
def _training_index() -> Any:
    from tests.support.faithfulness import NearDuplicates, catalog_sentences

    return NearDuplicates(catalog_sentences())


def test_intents_doc_is_generated_from_the_catalog() -> None:
    check = subprocess.run([sys.executable, "scripts/intents_doc.py", "--check"], cwd=REPO)
    assert check.returncode == 0, "docs/intents.md is stale: run scripts/intents_doc.py"


def test_annotations_parse_into_spans() -> None:
    text, spans = parse_annotated("stop [the backup job](process:backup) on [:3000](port)")
    assert text == "stop the backup job on :3000"
    assert [(s.slot, text[s.start:s.end], s.value) for s in spans] == [
        ("process", "the backup job", "backup"), ("port", ":3000", None)]


def _write_catalog(tmp_path: Path, body: str, name: str = "process.kill") -> Path:
    directory = tmp_path / "intents"
    directory.mkdir()
    (directory / "_slots.yaml").write_text((REPO / "nlsh" / "intents" / "_slots.yaml").read_text())
    (directory / f"{name}.yaml").write_text(body)
    return directory


@pytest.mark.parametrize(("body", "message"), [
    ("intent: process.kill\nsummary: End\nslots: [process]\nexamples:\n  - kill [x](proces)\n",
     "process.kill.yaml: examples[0] 'kill [x](proces)': unknown slot 'proces'"),
    ("intent: process.kill\nsummary: End\nslots: [process]\nexamples:\n  - kill [80](port)\n",
     "slot 'port' is not declared for process.kill (declared: process)"),
    ("intent: process.kill\nsummary: End\nslots: [pid]\nexamples:\n  - kill [0](pid)\n",
     "pid must be in 1–4194304 (got 0)"),
    ("intent: process.kill\nsummary: End\nslots: [process]\nexamples:\n"
     "  - stop [the nginx job](process:backup)\n",
     "process resolves to 'nginx', but the annotation says 'backup'"),
    ("intent: process.kill\nsummary: End\nslots: [process]\nexamples:\n  - kill [x(process)\n",
     "malformed annotation"),
    ("intent: process.kill\nsummary: End\nexamples:\n  - kill it\n  - Kill it\n",
     "examples[1] 'Kill it': duplicate example"),
    ("intent: process.kill\nsummary: End\nslots: [colour]\nexamples:\n  - kill it\n",
     "slots: colour: unknown slot type"),
    ("intent: process.kill\nexamples:\n  - kill it\n", "summary: expected a one-line summary"),
    ("intent: process.kill\nsummary: End\nexamples: [\n", "not valid YAML"),
])
def test_invalid_catalogs_are_reported_with_file_and_item(tmp_path: Path, body: str,
                                                          message: str) -> None:
    directory = _write_catalog(tmp_path, body)
    with pytest.raises(CatalogError) as raised:
        load_catalog.__wrapped__(directory)
    assert message in str(raised.value)
    assert str(directory) in str(raised.value)


def test_file_name_must_match_intent(tmp_path: Path) -> None:
    directory = _write_catalog(tmp_path, "intent: process.list\nsummary: x\nexamples: [a]\n")
    with pytest.raises(CatalogError, match=r"must be named process\.list\.yaml"):
        load_catalog.__wrapped__(directory)


def test_user_examples_extend_catalog_intents(tmp_path: Path) -> None:
    extra = tmp_path / "mine"
    extra.mkdir()
    (extra / "more.yaml").write_text(
        "intent: process.kill\nexamples:\n  - zap [firefox](process)\n")
    catalog = load_catalog.__wrapped__(REPO / "nlsh" / "intents", extra)
    assert "zap firefox" in {e.text for e in catalog.intents["process.kill"].examples}


@pytest.mark.parametrize("body", [
    "intent: coffee.make\nexamples:\n  - brew\n",            # not a catalog intent
    "intent: process.kill\nexamples: [\"zap [firefox](process\"]\n",  # bad annotation
    "intent: [unclosed\n",                                  # not YAML
    "\x00\xff\xfe binary",                                   # not text
])
def test_a_broken_user_intents_file_is_skipped_with_one_warning(
        tmp_path: Path, body: str, capsys: pytest.CaptureFixture[str]) -> None:
    from nlsh.language.catalog import fingerprint

    extra = tmp_path / "mine"
    extra.mkdir()
    (extra / "good.yaml").write_text(
        "intent: process.kill\nexamples:\n  - zap [firefox](process)\n")
    (extra / "broken.yaml").write_bytes(body.encode("utf-8", "surrogateescape"))
    catalog = load_catalog.__wrapped__(REPO / "nlsh" / "intents", extra)
    assert "zap firefox" in {e.text for e in catalog.intents["process.kill"].examples}
    warnings = [line for line in capsys.readouterr().err.splitlines() if "broken.yaml" in line]
    assert len(warnings) == 1 and warnings[0].startswith("nlsh: warning: skipped")
    # The broken file is not part of the model's key: only the good one is.
    only_good = tmp_path / "only_good"
    only_good.mkdir()
    (only_good / "good.yaml").write_bytes((extra / "good.yaml").read_bytes())
    shipped = REPO / "nlsh" / "intents"
    assert fingerprint(shipped, extra) == fingerprint(shipped, only_good)
    assert fingerprint(shipped, extra) != fingerprint(shipped)


PLUGIN_CATALOG = REPO / "examples" / "nlsh-tmux" / "nlsh_tmux" / "intents"


def test_a_plugin_catalog_adds_its_intents_and_slot_types() -> None:
    catalog = load_catalog.__wrapped__(REPO / "nlsh" / "intents", None, (PLUGIN_CATALOG,))
    assert set(catalog.intents) == SPEC_INTENTS | {"tmux.kill", "tmux.top"}
    assert catalog.slot_types["session"].kind == "name"
    assert catalog.intents["tmux.kill"].changes_system
    assert "kill the tmux session called build" in {
        e.text for e in catalog.intents["tmux.kill"].examples}


@pytest.mark.parametrize(("name", "body", "problem"), [
    ("_slots.yaml", "slots:\n  process:\n    type: name\n", "redefines a slot type"),
    ("process.kill.yaml", "intent: process.kill\nsummary: mine\nexamples:\n  - zap\n",
     "already defined"),
    ("tmux.kill.yaml", "intent: [unclosed\n", "not valid YAML"),
])
def test_a_broken_plugin_catalog_is_skipped_whole_with_one_warning(
        tmp_path: Path, name: str, body: str, problem: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "plugin" / "intents"
    folder.mkdir(parents=True)
    for path in PLUGIN_CATALOG.glob("*.yaml"):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / name).write_text(body)
    catalog = load_catalog.__wrapped__(REPO / "nlsh" / "intents", None, (folder,))
    assert set(catalog.intents) == SPEC_INTENTS  # nothing of it, not even the good files
    assert "session" not in catalog.slot_types
    assert catalog.intents["process.kill"].summary != "mine"
    warnings = capsys.readouterr().err.splitlines()
    assert len(warnings) == 1 and warnings[0].startswith("nlsh: warning: skipped a plugin")
    assert problem in warnings[0]
