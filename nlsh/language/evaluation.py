"""Measuring the language layer on a labelled set: the figures of ``scripts/evaluate.py``.

Items carry gold canonical values (not spans), so slot scores measure what the user
gets: a predicted ``(slot, value)`` pair counts only if it equals the gold pair.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlsh.stages import Parse, SlotValue


@dataclass(frozen=True)
class Item:
    text: str
    intent: str | None
    slots: Mapping[str, SlotValue]
    source: str = ""


def load_items(path: Path) -> list[Item]:
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Item(text=str(r["text"]), intent=r.get("intent"), slots=dict(r.get("slots") or {}),
                 source=str(r.get("source", ""))) for r in raw]


@dataclass
class Scores:
    items: int
    in_scope: int
    out_of_scope: int
    intent_accuracy: float  # in-scope items whose top intent is right
    overall_accuracy: float  # all items, out-of-scope counted as a class
    slot_precision: float
    slot_recall: float
    slot_f1: float
    frame_accuracy: float  # in-scope: intent and every slot exactly right
    false_accept: float  # out-of-scope items given an intent
    false_reject: float  # in-scope items answered "out of scope"
    clarify_rate: float  # items where nlsh would ask instead of acting
    ece: float  # expected calibration error of the reported confidence (15 bins)
    per_intent: dict[str, dict[str, float]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "errors"}


def _same(a: SlotValue, b: SlotValue) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().lower() == b.strip().lower()
    return a == b and type(a) is type(b)


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool],
                               bins: int = 15) -> float:
    total = len(confidences)
    if not total:
        return 0.0
    error = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidences)
                   if (low < c <= high) or (b == 0 and c == 0)]
        if members:
            accuracy = sum(correct[i] for i in members) / len(members)
            confidence = sum(confidences[i] for i in members) / len(members)
            error += len(members) / total * abs(accuracy - confidence)
    return error


def score(items: Sequence[Item], parses: Sequence[Parse]) -> Scores:
    in_scope = [i for i, item in enumerate(items) if item.intent is not None]
    out_scope = [i for i, item in enumerate(items) if item.intent is None]
    tp = fp = fn = 0
    frames = 0
    confidences: list[float] = []
    correct: list[bool] = []
    errors: list[dict[str, Any]] = []
    labels = sorted({str(i.intent) for i in items} | {str(p.intent) for p in parses})
    counts: dict[str, Counter[str]] = {label: Counter() for label in labels}
    for item, parse in zip(items, parses, strict=True):
        gold, predicted = str(item.intent), str(parse.intent)
        if gold == predicted:
            counts[gold]["tp"] += 1
        else:
            counts[gold]["fn"] += 1
            counts[predicted]["fp"] += 1
        confidences.append(parse.confidence)
        correct.append(item.intent == parse.intent)
        if item.intent is None:
            if parse.intent is not None:
                errors.append({"text": item.text, "gold": None, "predicted": parse.intent})
            continue
        gold_pairs = list(item.slots.items())
        predicted_pairs = list(parse.slots.items()) if parse.intent == item.intent else []
        matched = sum(any(k == gk and _same(v, gv) for gk, gv in gold_pairs)
                      for k, v in predicted_pairs)
        tp += matched
        fp += len(predicted_pairs) - matched
        fn += len(gold_pairs) - sum(any(k == gk and _same(v, gv) for k, v in predicted_pairs)
                                    for gk, gv in gold_pairs)
        frame = (parse.intent == item.intent and len(predicted_pairs) == len(gold_pairs)
                 and matched == len(gold_pairs))
        frames += frame
        if not frame:
            errors.append({"text": item.text, "gold": item.intent, "predicted": parse.intent,
                           "gold_slots": dict(item.slots), "slots": dict(parse.slots)})
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    per_intent: dict[str, dict[str, float]] = {}
    for label, c in counts.items():
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        per_intent[label] = {"precision": p, "recall": r,
                             "f1": 2 * p * r / (p + r) if p + r else 0.0,
                             "support": float(c["tp"] + c["fn"])}
    n_in, n_out = len(in_scope), len(out_scope)
    return Scores(
        items=len(items), in_scope=n_in, out_of_scope=n_out,
        intent_accuracy=sum(parses[i].intent == items[i].intent for i in in_scope) / max(n_in, 1),
        overall_accuracy=sum(correct) / max(len(items), 1),
        slot_precision=precision, slot_recall=recall,
        slot_f1=2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        frame_accuracy=frames / max(n_in, 1),
        false_accept=sum(parses[i].intent is not None for i in out_scope) / max(n_out, 1),
        false_reject=sum(parses[i].intent is None for i in in_scope) / max(n_in, 1),
        clarify_rate=sum(p.uncertain for p in parses) / max(len(items), 1),
        ece=expected_calibration_error(confidences, correct),
        per_intent=per_intent, errors=errors,
    )


# ── the perturbed copy (robustness) ────────────────────────────────────────
# Written independently of the training augmentation (nlsh/language/augment.py): a
# keyboard-neighbour typo model and its own wrapper/filler lists.

_NEIGHBOURS = {
    "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc",
    "g": "ftyhbv", "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop",
    "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz",
    "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}
_WRAPPERS = [("please ", ""), ("could you ", ""), ("hey, ", ""), ("", " please"),
             ("", " thanks"), ("can you ", " for me"), ("i'd like you to ", ""),
             ("would you mind helping: ", "")]
_FILLER = ["um", "uh", "like", "basically", "kinda", "you know"]


def _protected_words(item: Item) -> set[str]:
    words: set[str] = set()
    for value in item.slots.values():
        words.update(re.findall(r"[\w.~/-]+", str(value).lower()))
    return words


def _keyboard_typo(word: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(word) if ch.lower() in _NEIGHBOURS]
    if len(word) < 4 or not letters:
        return word
    i = rng.choice(letters)
    kind = rng.random()
    if kind < 0.5:
        return word[:i] + rng.choice(_NEIGHBOURS[word[i].lower()]) + word[i + 1:]
    if kind < 0.75 and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i + 1:]


def perturb(item: Item, rng: random.Random) -> Item:
    """A noisy copy: two of typos, casing, missing apostrophes, wrappers, filler, punctuation."""
    text = item.text
    protected = _protected_words(item)
    for operation in rng.sample(["typo", "case", "apostrophe", "wrap", "filler", "punct"], 2):
        words = text.split(" ")
        if operation == "typo":
            candidates = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 4
                          and w.lower() not in protected]
            if candidates:
                i = rng.choice(candidates)
                words[i] = _keyboard_typo(words[i], rng)
            text = " ".join(words)
        elif operation == "case":
            text = rng.choice([text.lower(), text.upper(), text.capitalize()])
        elif operation == "apostrophe":
            text = text.replace("'", "")
        elif operation == "wrap":
            before, after = rng.choice(_WRAPPERS)
            text = before + text.rstrip("?!.") + after
        elif operation == "filler":
            i = rng.randrange(0, len(words) + 1)
            words.insert(i, rng.choice(_FILLER))
            text = " ".join(words)
        else:
            text = text.rstrip("?!. ") + rng.choice(["?", "!", "...", " ?", "!!"])
    return Item(text=text, intent=item.intent, slots=item.slots, source=item.source)


def evaluate(items: Sequence[Item], understand: Callable[[str], Parse]) -> Scores:
    return score(items, [understand(item.text) for item in items])


def through_meaning(understand: Callable[[str], Parse]) -> Callable[[str], Parse]:
    """The reading a user gets: the language layer *and* the faithfulness layer.

    One request with no verdict scores its final frame (slots as the planner gets them); a
    sentence read as several requests scores by its last one ("find what is on port 3000
    and kill it": the kill). Where nlsh would ask, refuse or do nothing instead, the item
    scores as asked (``uncertain``) with no slots, so a held-out order the faithfulness
    layer declines counts against the frame figures.
    """
    from dataclasses import replace

    from nlsh.meaning import read

    def reading(text: str) -> Parse:
        requests = read(text, understand)
        first = requests[0]
        if len(requests) == 1 and first.verdict is None:
            return first.parse
        if len(requests) > 1 and requests[-1].verdict is None:
            return replace(requests[-1].parse, text=text)  # "find X and kill it": the kill
        return replace(first.parse, text=text, slots={}, uncertain=True)

    return reading
