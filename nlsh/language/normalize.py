"""Input normalisation in front of the model, the same at training and at run time.

People wrap requests in politeness ("could you please …, thanks"), drop filler words
("um", "basically") and mistype ("shwo memry"). The normaliser removes wrappers and
fillers and corrects single-edit typos of words the catalog uses (a word is only
corrected when the encoder's vocabulary does not know it as a word either, so real
program names stay as typed). It works on whitespace tokens and keeps, for each token
it keeps, where it came from, so slot spans found in the normalised text map back to
the exact characters the user typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

_EDGE = ".,!?;:\"'()`“”‘’"
_LETTERS = "abcdefghijklmnopqrstuvwxyz'"

# Leading and trailing courtesy that never changes what is asked (longest first).
_PREFIXES = tuple(sorted((
    "please", "pls", "plz", "kindly", "hey", "hi", "hello", "ok", "okay", "so", "um", "uh",
    "yo", "hey nlsh", "nlsh", "could you", "could you please", "can you", "can you please",
    "can u", "would you", "would you please", "would you mind", "would you mind helping",
    "i'd like you to", "i would like you to", "i want you to", "i need you to",
    "go ahead and", "could you kindly", "will you", "just",
), key=len, reverse=True))
_SUFFIXES = tuple(sorted((
    "please", "pls", "plz", "thanks", "thank you", "thx", "ty", "for me", "if you can",
    "if possible", "real quick", "thanks a lot", "cheers",
), key=len, reverse=True))
_FILLERS = frozenset({"um", "uh", "erm", "hmm", "basically", "actually", "kinda", "sorta",
                      "literally", "like,", "you know", "you know,"})


@dataclass(frozen=True)
class Normalized:
    """The normalised text plus, per kept token, its span here and in the original."""

    original: str
    text: str
    here: tuple[tuple[int, int], ...]
    there: tuple[tuple[int, int], ...]
    changed: tuple[bool, ...]  # the token's characters differ from the original's

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """A span of ``text`` as a span of ``original`` (whole tokens when edited)."""
        hits = [i for i, (s, e) in enumerate(self.here) if s < end and e > start]
        if not hits:
            return start, start
        first, last = hits[0], hits[-1]
        begin = self.there[first][0] + (0 if self.changed[first]
                                        else max(start - self.here[first][0], 0))
        finish = self.there[last][1] - (0 if self.changed[last]
                                        else max(self.here[last][1] - end, 0))
        return begin, max(finish, begin)

    def from_original(self, start: int, end: int) -> tuple[int, int] | None:
        """A span of ``original`` as a span of ``text``; None if nothing of it was kept."""
        hits = [i for i, (s, e) in enumerate(self.there) if s < end and e > start]
        if not hits:
            return None
        first, last = hits[0], hits[-1]
        begin = self.here[first][0] + (0 if self.changed[first]
                                       else max(start - self.there[first][0], 0))
        finish = self.here[last][1] - (0 if self.changed[last]
                                       else max(self.there[last][1] - end, 0))
        return begin, max(finish, begin)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def _bare(token: str) -> str:
    return token.lower().strip(_EDGE)


def _match_phrase(tokens: list[tuple[str, int, int]], position: int,
                  phrases: Iterable[str]) -> int:
    """How many tokens from ``position`` spell one of ``phrases`` (0 if none)."""
    for phrase in phrases:
        words = phrase.split()
        window = tokens[position:position + len(words)]
        if len(window) == len(words) and all(_bare(t[0]) == w.strip(_EDGE)
                                             for t, w in zip(window, words, strict=True)):
            return len(words)
    return 0


def _edits(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return deletes | swaps | replaces | inserts


class Normalizer:
    """Normalises sentences against a vocabulary: word → how often the catalog uses it."""

    def __init__(self, vocabulary: Mapping[str, int],
                 known_word: Callable[[str], bool] = lambda _word: False) -> None:
        self.vocabulary = vocabulary
        self.known_word = known_word
        self._corrections: dict[str, str] = {}

    def correct(self, word: str) -> str:
        """The catalog word one edit away from ``word``, if ``word`` itself is unknown."""
        if word not in self._corrections:
            self._corrections[word] = self._correct(word)
        return self._corrections[word]

    def _correct(self, word: str) -> str:
        lowered = word.lower()
        if (len(lowered) < 3 or not lowered.replace("'", "").isalpha()
                or lowered in self.vocabulary or self.known_word(lowered)):
            return word
        candidates = [w for w in _edits(lowered) if w in self.vocabulary and len(w) >= 3]
        if not candidates:
            return word
        return max(candidates, key=lambda w: (self.vocabulary[w], w))

    def __call__(self, text: str) -> Normalized:
        tokens = _tokens(text)
        keep = [True] * len(tokens)
        start = 0
        while start < len(tokens) - 1:  # leading wrappers, possibly several
            taken = _match_phrase(tokens, start, _PREFIXES)
            if not taken or taken >= len(tokens) - start:
                break
            for i in range(start, start + taken):
                keep[i] = False
            start += taken
        end = len(tokens)
        while end - start > 1:
            for phrase in _SUFFIXES:
                words = len(phrase.split())
                if end - words > start and _match_phrase(tokens, end - words, (phrase,)):
                    for i in range(end - words, end):
                        keep[i] = False
                    end -= words
                    break
            else:
                break
        for i in range(start, end):
            if _bare(tokens[i][0]) in _FILLERS and sum(keep) > 1:
                keep[i] = False
        pieces: list[str] = []
        here: list[tuple[int, int]] = []
        there: list[tuple[int, int]] = []
        changed: list[bool] = []
        position = 0
        for (token, s, e), kept in zip(tokens, keep, strict=True):
            if not kept:
                continue
            core = token.strip(_EDGE)
            lead = token[:len(token) - len(token.lstrip(_EDGE))]
            trail = token[len(lead) + len(core):]
            fixed = self.correct(core) if core else core
            new = lead + fixed + trail
            if pieces:
                position += 1
            pieces.append(new)
            here.append((position, position + len(new)))
            there.append((s, e))
            changed.append(new != token)
            position += len(new)
        if not pieces:
            return Normalized(text, text, ((0, len(text)),), ((0, len(text)),), (False,))
        return Normalized(text, " ".join(pieces), tuple(here), tuple(there), tuple(changed))


def vocabulary_of(sentences: Iterable[str]) -> dict[str, int]:
    """Word frequencies of ``sentences`` (lower-case, edge punctuation stripped)."""
    counts: dict[str, int] = {}
    for sentence in sentences:
        for token, _, _ in _tokens(sentence):
            word = _bare(token)
            if word:
                counts[word] = counts.get(word, 0) + 1
    return counts
