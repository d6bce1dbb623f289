"""The words each intent's examples use outside their slots: what accounting may pass.

"undo the last thing" uses "last" as every undo example does, so the word is accounted
for; "kill the oldest A" uses "oldest", which no kill example has, so nlsh asks. Read from
the catalog once and cached beside the model (keyed by the catalog's bytes), so a request
costs a small JSON read, not a YAML parse.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from functools import cache

from nlsh.paths import Paths

ANY_INTENT = "*"
_WORD = re.compile(r"[a-z0-9][a-z0-9'_.-]*")


def words_of(text: str) -> list[str]:
    return [w.strip("'.-_") for w in _WORD.findall(text.lower())]


@cache
def intent_words() -> Mapping[str, frozenset[str]]:
    """intent → words its examples use outside slot spans; ``"*"`` → every catalog word."""
    from nlsh.language.catalog import default_directory, fingerprint, plugin_catalogs

    paths = Paths.from_environment()
    directory = default_directory()
    key = fingerprint(directory, paths.user_intents, plugin_catalogs())[:16]
    cached = paths.models / f"words-{key}.json"
    try:
        data = json.loads(cached.read_text())
        return {intent: frozenset(words) for intent, words in data.items()}
    except (OSError, ValueError, AttributeError):
        pass
    words = _from_catalog(paths)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        staging = cached.with_name(f".{cached.name}.{os.getpid()}")
        staging.write_text(json.dumps({k: sorted(v) for k, v in words.items()}))
        os.replace(staging, cached)
    except OSError:
        pass  # a cache that cannot be written costs a catalog read next time, nothing more
    return words


def _from_catalog(paths: Paths) -> dict[str, frozenset[str]]:
    from nlsh.language.catalog import load_catalog

    catalog = load_catalog(None, paths.user_intents)
    found: dict[str, set[str]] = {ANY_INTENT: set()}
    for example in catalog.examples:
        text = example.text
        for span in sorted(example.spans, key=lambda s: -s.start):
            found[ANY_INTENT].update(words_of(text[span.start:span.end]))
            text = text[:span.start] + " " + text[span.end:]
        outside = words_of(text)
        found.setdefault(example.intent or "_oos", set()).update(outside)
        found[ANY_INTENT].update(outside)
    for slot in catalog.slot_types.values():
        for phrase in (*slot.samples, *(p for v in slot.synonyms.values() for p in v)):
            found[ANY_INTENT].update(words_of(phrase))
    return {intent: frozenset(words) for intent, words in found.items()}
