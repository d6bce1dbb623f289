"""Word-level alignment between sentences, wordpieces and BIO slot tags.

Slots are tagged per *word* (the tokenizer's pre-tokenizer splits on whitespace and
punctuation) on the word's first wordpiece, so "~/Downloads" is three words tagged
B-path I-path I-path and decodes back to the exact characters the user typed.
Used identically by training and by the runtime engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

OUTSIDE = "O"


@dataclass(frozen=True)
class Encoded:
    """A sentence as wordpiece ids plus the word structure needed for slot tagging."""

    ids: tuple[int, ...]
    word_starts: tuple[int, ...]  # per word: index of its first wordpiece
    word_spans: tuple[tuple[int, int], ...]  # per word: (start, end) characters in the text

    @property
    def words(self) -> int:
        return len(self.word_starts)


def load_tokenizer(path: str, max_tokens: int) -> Any:
    """A ``tokenizers.Tokenizer`` with truncation at ``max_tokens`` and no padding."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(path)
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens)
    return tokenizer


def encode(tokenizer: Any, text: str) -> Encoded:
    return from_encoding(tokenizer.encode(text))


def from_encoding(encoding: Any) -> Encoded:
    starts: list[int] = []
    spans: list[tuple[int, int]] = []
    previous = None
    for index, (word, (start, end)) in enumerate(zip(encoding.word_ids, encoding.offsets,
                                                     strict=True)):
        if word is None:
            continue
        if word != previous:
            starts.append(index)
            spans.append((start, end))
            previous = word
        else:
            spans[-1] = (spans[-1][0], end)
    return Encoded(ids=tuple(encoding.ids), word_starts=tuple(starts), word_spans=tuple(spans))


def bio_tags(encoded: Encoded, spans: Sequence[tuple[str, int, int]]) -> list[str]:
    """Per-word tags for character spans ``(slot, start, end)``."""
    tags = [OUTSIDE] * encoded.words
    for slot, start, end in spans:
        inside = [i for i, (ws, we) in enumerate(encoded.word_spans)
                  if ws >= start and we <= end and we > ws]
        if not inside:  # a span that cuts a word: tag the words it overlaps
            inside = [i for i, (ws, we) in enumerate(encoded.word_spans)
                      if ws < end and we > start]
        for position, word in enumerate(inside):
            tags[word] = ("B-" if position == 0 else "I-") + slot
    return tags


def tag_spans(tags: Sequence[str], encoded: Encoded) -> list[tuple[str, int, int]]:
    """Character spans ``(slot, start, end)`` from per-word BIO tags."""
    spans: list[tuple[str, int, int]] = []
    current: list[Any] | None = None
    for word, tag in enumerate(tags):
        start, end = encoded.word_spans[word]
        if tag.startswith("B-") or (tag.startswith("I-") and
                                    (current is None or current[0] != tag[2:])):
            if current is not None:
                spans.append((current[0], current[1], current[2]))
            current = [tag[2:], start, end]
        elif tag.startswith("I-") and current is not None:
            current[2] = end
        else:
            if current is not None:
                spans.append((current[0], current[1], current[2]))
            current = None
    if current is not None:
        spans.append((current[0], current[1], current[2]))
    return spans


def tag_names(slots: Sequence[str]) -> list[str]:
    """The tag inventory: O, then B-/I- for each slot in order."""
    names = [OUTSIDE]
    for slot in slots:
        names += [f"B-{slot}", f"I-{slot}"]
    return names
