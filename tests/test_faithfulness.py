"""Issue 10's faithfulness suite: the plan is what the sentence says — no more, no less.

Each item of ``tests/data/faithfulness.yaml`` runs through the real model and pipeline
(dry run) against real processes and files (``tests/support/faithfulness.py``); a failure
names the sentence, what was expected and what nlsh made of it.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.faithfulness import (
    FILES,
    PROGRAMS,
    Item,
    NearDuplicates,
    Runner,
    Sandbox,
    catalog_sentences,
    held_out_sentences,
    load_items,
    masked,
    near_duplicate,
    raw_tokens,
)

ITEMS = load_items()
CATEGORIES = {
    "negation", "question", "exclusion", "correction", "several_targets", "several_requests",
    "owner", "threshold", "numbers", "named_cache", "generic_words", "force", "nice",
    "accounting", "plain", "file_search",
}
EXPECT_KEYS = {
    "status", "status_in", "intent", "targets", "files", "action", "nice", "would",
    "would_action", "message_contains", "summary_contains", "notes_contains", "forbid", "parts",
}
PROCESS_LABELS = {f"{family}{i}" for family, (_, n) in PROGRAMS.items() for i in range(n)} | {"m1"}


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    sandbox = Sandbox(tmp_path_factory.mktemp("faithfulness")).start()
    try:
        yield Runner(sandbox)
    finally:
        sandbox.close()


@pytest.fixture
def in_sandbox(runner: Runner, monkeypatch: pytest.MonkeyPatch) -> Runner:
    """The runner, with HOME and the temp directories pointing at the shared sandbox (each
    test keeps its own journal)."""
    for key, value in runner.sandbox.environment().items():
        if key != "XDG_STATE_HOME":
            monkeypatch.setenv(key, value)
    return runner


@pytest.mark.parametrize("item", ITEMS, ids=[item.id for item in ITEMS])
def test_the_plan_is_what_the_sentence_says(item: Item, in_sandbox: Runner) -> None:
    verdict = in_sandbox.check(item)
    if verdict.skipped:
        pytest.skip(verdict.reason)
    assert verdict.passed, verdict.reason


def test_the_suite_is_large_and_covers_every_category() -> None:
    per_category = Counter(item.category for item in ITEMS)
    assert len(ITEMS) >= 400
    assert set(per_category) == CATEGORIES
    assert all(n >= 20 for n in per_category.values()), per_category


def _labels(expect: dict[str, object]) -> list[str]:
    found = []
    for key in ("targets", "files", "would"):
        value = expect.get(key)
        if isinstance(value, list):
            found += [str(v) for v in value]
    for part in expect.get("parts") or []:  # type: ignore[attr-defined]
        found += _labels(part)
    return found


@pytest.mark.parametrize("item", ITEMS, ids=[item.id for item in ITEMS])
def test_each_item_is_well_formed(item: Item) -> None:
    parts = list(item.expect.get("parts") or [])
    for expect in [item.expect, *parts]:
        assert set(expect) <= EXPECT_KEYS, f"unknown keys {set(expect) - EXPECT_KEYS}"
    unknown = [x for x in _labels(dict(item.expect)) if x not in PROCESS_LABELS | set(FILES)]
    assert unknown == [], f"unknown labels {unknown}"
    assert "status" in item.expect or "parts" in item.expect or "forbid" in item.expect
    assert re.sub(r"\{(?:[abcdms](?:\.pid\d)?|nopid|nouser)\}", "", item.text).count("{") == 0


def _filled(text: str) -> str:
    names = {family: stem for family, (stem, _) in PROGRAMS.items()}
    text = re.sub(r"\{([a-z])\.pid\d\}", "4312", text)
    text = text.replace("{nopid}", "4194000").replace("{nouser}", "alice")
    return re.sub(r"\{([a-z])\}", lambda m: names[m.group(1)], text)


def _says_something_else(item: str, other: str) -> bool:
    """A near copy whose differing words are an operator or a name the catalog never uses
    ("don't clear the cache" beside "clear the cache", "clear the foobar cache") tests
    exactly what the catalog sentence does not: it is the point of the item, not a copy."""
    from nlsh.meaning.lexicon import STRICT_MODIFIERS
    from nlsh.meaning.vocabulary import ANY_INTENT, intent_words

    known = intent_words()[ANY_INTENT]
    a, b = raw_tokens(_filled(item)), raw_tokens(other)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    changed = [w for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"
               for w in a[i1:i2]]
    return any(w in STRICT_MODIFIERS or w not in known for w in changed)


def test_no_item_is_copied_from_the_training_or_held_out_sentences() -> None:
    others = [*catalog_sentences(), *held_out_sentences()]
    plain = {re.sub(r"\W+", " ", origin.split(": ", 1)[1].lower()).strip()
             for _, origin in others}
    index = NearDuplicates(others)
    copied = []
    for item in ITEMS:
        if re.sub(r"\W+", " ", _filled(item.text).lower()).strip() in plain:
            copied.append(f"{item.id} {item.text!r}: appears as it is")
        for _, origin in index.of(masked(item.text), item.text):
            if not _says_something_else(item.text, origin.split(": ", 1)[1]):
                copied.append(f"{item.id} {item.text!r}: near copy of {origin}")
    assert copied == [], "\n".join(copied)


def test_no_two_items_are_the_same_sentence() -> None:
    seen = Counter(re.sub(r"\W+", " ", item.text.lower()).strip() for item in ITEMS)
    assert [text for text, n in seen.items() if n > 1] == []


@pytest.mark.parametrize(("a", "b", "near"), [
    ("kill [firefox](process) now", "kill {a} now", True),   # another slot value
    ("delete log files older than 30 days", "delete log files older than 1,000 days", True),
    ("show me every process on this box with details", "show every process on this box "
     "with full details", True),                             # ≥ 0.85 alike
    ("kill [firefox](process)", "don't kill {a}, I still need it", False),
    ("what is using port 8080", "clear the pip cache", False),
])
def test_near_duplicates(a: str, b: str, near: bool) -> None:
    assert near_duplicate(a, b) is near
    assert near_duplicate(b, a) is near


def test_the_data_file_is_where_the_runner_reads_it() -> None:
    assert Path(__file__).parent.joinpath("data", "faithfulness.yaml").is_file()
