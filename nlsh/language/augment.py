"""Training-data augmentation: new slot values and the noise of real typing.

An example is handled as segments ``(text, slot or None)`` so every rewrite keeps the
slot spans exact. Two kinds of variants:

* **slot substitution** — the annotated phrasing with other values from the slot
  catalogue (program names, users, paths, numbers in digits and words, sizes, ages);
* **noise** — lower-casing, missing apostrophes, typos outside slot values, polite
  wrappers, filler words, trailing punctuation.

Deterministic for a given seed, pure Python (no torch), so the build is reproducible.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Segment = tuple[str, str | None]

_NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten", "twelve", "fifteen", "twenty", "thirty", "fifty"]
_NUMBER_VALUES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 30, 50]
_COMMON_PORTS = [22, 80, 443, 3000, 3306, 5000, 5173, 5432, 6379, 8000, 8080, 8443, 8888,
                 9000, 9090, 9200, 11434, 27017, 4200, 1883]
_SIZE_UNITS = ["GB", "G", "gb", " GB", " gigs", " gigabytes", "MB", "M", " MB", " megs",
               " megabytes", "mb", "KB", " KB", "TB", " terabytes"]
_AGE_PHRASES = ["a week", "two weeks", "a month", "3 days", "30 days", "a year", "10 days",
                "48 hours", "a fortnight", "2 months", "five days", "90 days", "one week",
                "a couple of days", "six months", "14 days", "yesterday"]

_POLITE_PREFIXES = ["please ", "can you ", "could you ", "could you please ", "hey, ",
                    "hey nlsh, ", "i want to ", "i need to ", "i'd like to ", "pls ",
                    "quickly ", "can u ", "would you ", "yo ", "ok ", "so ", "um ",
                    "help me ", "go ahead and ", "just "]
_POLITE_SUFFIXES = [" please", " thanks", " thank you", " pls", " now", " for me",
                    " asap", " real quick", ", thanks", " if you can"]
_FILLERS = ["just", "like", "um", "uh", "basically", "actually", "quickly", "really"]
_PUNCTUATION = ["?", "!", ".", "??", "!!", " ?", "..."]


@dataclass(frozen=True)
class Annotated:
    """A training sentence: text, intent label and character spans ``(slot, start, end)``."""

    text: str
    intent: str
    spans: tuple[tuple[str, int, int], ...] = ()


def to_segments(example: Annotated) -> list[Segment]:
    segments: list[Segment] = []
    position = 0
    for slot, start, end in sorted(example.spans, key=lambda s: s[1]):
        if start > position:
            segments.append((example.text[position:start], None))
        segments.append((example.text[start:end], slot))
        position = end
    if position < len(example.text):
        segments.append((example.text[position:], None))
    return segments


def from_segments(segments: Sequence[Segment], intent: str) -> Annotated:
    text = ""
    spans: list[tuple[str, int, int]] = []
    for piece, slot in segments:
        if slot is not None:
            spans.append((slot, len(text), len(text) + len(piece)))
        text += piece
    return Annotated(text=text, intent=intent, spans=tuple(spans))


# ── slot substitution ──────────────────────────────────────────────────────

_ONSETS = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br",
           "cl", "dr", "fl", "gr", "kr", "pl", "sn", "st", "tr", "x", "qu", "sh", "ch", "w"]
_VOWELS = ["a", "e", "i", "o", "u", "y", "ai", "ea", "io", "oo", "ou"]
_CODAS = ["", "", "", "n", "r", "s", "x", "m", "l", "d", "t", "k", "ck", "ng"]
_NAME_SHAPES = ["{a}", "{a}", "{a}{b}", "{a}-{b}", "{a}_{b}", "{a}-{b}-{c}", "{a}.py",
                "{a}_{b}.py", "{a}.sh", "{a}-{b}.sh", "{a}.js", "{a}{n}", "{a}-{n}",
                "{a}d", "{a}.out", "{a}.{b}", "{a}_{b}_{c}", "{a}{b}-{c}", "lib{a}",
                "{a}-daemon", "{a}-server", "{a}-worker", "{a}ctl", "{a}.bin"]
_LOGIN_SHAPES = ["{a}", "{a}", "{a}{n}", "{a}_{b}", "{a}-{b}", "svc_{a}", "{a}.{b}", "_{a}"]


def _pseudo_word(rng: random.Random) -> str:
    syllables = rng.choice([1, 2, 2])
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                   for _ in range(syllables))


def synthetic_name(rng: random.Random, login: bool = False) -> str:
    """A made-up program (or login) name in the shapes real ones take: tracker-style
    hyphenation, snake_case scripts, versioned binaries. Teaches the tagger that the
    *position* makes a process name, not familiarity with the word."""
    shape = rng.choice(_LOGIN_SHAPES if login else _NAME_SHAPES)
    return shape.format(a=_pseudo_word(rng), b=_pseudo_word(rng), c=_pseudo_word(rng),
                        n=rng.randint(0, 99))



def sample_value(slot: str, kind: str, samples: Sequence[str], rng: random.Random) -> str | None:
    """A fresh surface form for ``slot``; None when the slot has nothing to vary."""
    if kind == "name" and rng.random() < 0.5:
        return synthetic_name(rng, login=slot == "user")
    if samples and kind in ("name", "path"):
        return rng.choice(list(samples))
    if slot == "pid":
        return str(rng.choice([rng.randint(2, 999), rng.randint(1000, 99999),
                               rng.randint(100000, 4194304)]))
    if slot == "port":
        return str(rng.choice([*_COMMON_PORTS, rng.randint(1024, 65535)]))
    if slot == "nice":
        value = rng.randint(-20, 19)
        return str(value)
    if slot == "limit":
        if rng.random() < 0.35:
            return rng.choice(_NUMBER_WORDS[:11])
        return str(rng.choice([*_NUMBER_VALUES, rng.randint(3, 40)]))
    if kind == "size":
        amount = rng.choice(["1", "2", "5", "10", "100", "250", "500", "1.5", "20", "a"])
        unit = rng.choice(_SIZE_UNITS)
        if amount == "a":
            return rng.choice(["a gigabyte", "a gig", "a megabyte", "a terabyte"])
        return amount + unit
    if kind == "days":
        return rng.choice(_AGE_PHRASES)
    return None


def substitute(example: Annotated, kinds: Mapping[str, str],
               samples: Mapping[str, Sequence[str]], rng: random.Random) -> Annotated | None:
    """The example with every variable slot value replaced; None if nothing varies."""
    changed = False
    segments: list[Segment] = []
    for piece, slot in to_segments(example):
        if slot is not None:
            value = sample_value(slot, kinds[slot], samples.get(slot, ()), rng)
            if value is not None and value != piece:
                piece, changed = _keep_case_style(piece, value), True
        segments.append((piece, slot))
    return from_segments(segments, example.intent) if changed else None


def _keep_case_style(original: str, value: str) -> str:
    if original[:1].isupper() and value[:1].isalpha():
        return value[:1].upper() + value[1:]
    return value


# ── noise ──────────────────────────────────────────────────────────────────


_QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def _adjacent_key(char: str, rng: random.Random) -> str:
    for row_index, row in enumerate(_QWERTY):
        column = row.find(char.lower())
        if column < 0:
            continue
        near = [row[c] for c in (column - 1, column + 1) if 0 <= c < len(row)]
        for other in (row_index - 1, row_index + 1):
            if 0 <= other < len(_QWERTY) and column < len(_QWERTY[other]):
                near.append(_QWERTY[other][column])
        return rng.choice(near)
    return char


def _typo(word: str, rng: random.Random) -> str:
    """One slip of the fingers: a neighbouring key, two letters swapped, one dropped or
    doubled (the common classes of real typing errors)."""
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    operation = rng.choice(["adjacent", "adjacent", "swap", "drop", "double"])
    if operation == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if operation == "drop":
        return word[:i] + word[i + 1:]
    if operation == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + _adjacent_key(word[i], rng) + word[i + 1:]


def _rewrite_words(piece: str, rng: random.Random, typo_rate: float, filler_rate: float) -> str:
    words = re.split(r"(\s+)", piece)
    out: list[str] = []
    for word in words:
        if word.strip() and rng.random() < typo_rate:
            word = _typo(word, rng)
        out.append(word)
        if word.strip() and rng.random() < filler_rate:
            out.append(" " + rng.choice(_FILLERS))
    return "".join(out)


def add_noise(example: Annotated, rng: random.Random) -> Annotated:
    """One noisy variant: a random mix of the ways people actually type."""
    segments = to_segments(example)
    lower = rng.random() < 0.5
    no_apostrophes = rng.random() < 0.4
    typo_rate = rng.choice([0.0, 0.0, 0.08, 0.15])
    filler_rate = rng.choice([0.0, 0.0, 0.0, 0.06])
    noisy: list[Segment] = []
    for piece, slot in segments:
        if slot is None:
            piece = _rewrite_words(piece, rng, typo_rate, filler_rate)
            if no_apostrophes:
                piece = piece.replace("'", "").replace("’", "")
        if lower and slot != "path":
            piece = piece.lower()
        noisy.append((piece, slot))
    if rng.random() < 0.12:  # all-caps shouting, slot values included
        noisy = [(p.upper() if s not in ("path",) else p, s) for p, s in noisy]
    roll = rng.random()
    if roll < 0.3:
        noisy.insert(0, (rng.choice(_POLITE_PREFIXES), None))
    elif roll < 0.45:
        noisy.append((rng.choice(_POLITE_SUFFIXES), None))
    if rng.random() < 0.3:
        last_piece, last_slot = noisy[-1]
        if last_slot is None:
            noisy[-1] = (last_piece.rstrip("?!. ") + rng.choice(_PUNCTUATION), None)
        else:
            noisy.append((rng.choice(_PUNCTUATION).strip(), None))
    return _normalise_space(from_segments(noisy, example.intent))


def _normalise_space(example: Annotated) -> Annotated:
    segments = to_segments(example)
    merged = "".join(p for p, _ in segments)
    if "  " not in merged and merged == merged.strip():
        return example
    cleaned: list[Segment] = []
    for index, (piece, slot) in enumerate(segments):
        piece = re.sub(r"\s{2,}", " ", piece)
        if index == 0:
            piece = piece.lstrip()
        cleaned.append((piece, slot))
    # collapse a double space across a segment boundary
    fixed: list[Segment] = []
    for piece, slot in cleaned:
        if fixed and fixed[-1][0].endswith(" ") and piece.startswith(" "):
            piece = piece[1:]
        fixed.append((piece, slot))
    if fixed:
        fixed[-1] = (fixed[-1][0].rstrip() if fixed[-1][1] is None else fixed[-1][0],
                     fixed[-1][1])
    return from_segments([f for f in fixed if f[0]], example.intent)


def augment(examples: Sequence[Annotated], kinds: Mapping[str, str],
            samples: Mapping[str, Sequence[str]], *, substitutions: int, noisy: int,
            seed: int) -> list[Annotated]:
    """``examples`` followed by their variants (duplicates removed, originals first)."""
    rng = random.Random(seed)
    seen = {e.text.lower() for e in examples}
    out = list(examples)
    for example in examples:
        variants: list[Annotated] = []
        if example.spans:
            for _ in range(substitutions):
                varied = substitute(example, kinds, samples, rng)
                if varied is not None:
                    variants.append(varied)
        for _ in range(noisy):
            variants.append(add_noise(rng.choice([example, *variants]), rng))
        for variant in variants:
            key = variant.text.lower()
            if key not in seen and variant.text.strip():
                seen.add(key)
                out.append(variant)
    return out
