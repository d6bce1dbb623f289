"""From a catalog (or any annotated corpus) to a calibrated, exported model.

``train_and_export`` is the whole build: split a development set off the hand-written
examples, augment the rest, fine-tune (``train.fit``), export int8 ONNX, then
calibrate on the development set *with the exported int8 model* — temperature
scaling for the intent probabilities and the clarify threshold. The same function
trains the external benchmarks (SNIPS, CLINC150) so they measure this exact engine.
"""

from __future__ import annotations

import json
import random
import shutil
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlsh.language.artifacts import (
    META_FILE,
    MODEL_FILE,
    MODEL_FORMAT,
    OUT_OF_SCOPE,
    TOKENIZER_FILE,
)
from nlsh.language.augment import Annotated, augment
from nlsh.language.catalog import Catalog, SlotType
from nlsh.language.engine import Engine, save_for_runtime, softmax
from nlsh.language.normalize import Normalizer, vocabulary_of

Report = Callable[[str, float], None]

DEV_FRACTION = 0.1
# Below this calibrated probability nlsh asks instead of guessing; tuned on dev within
# these bounds (a bound, because a small dev set cannot justify extreme values).
CLARIFY_BOUNDS = (0.35, 0.6)


@dataclass(frozen=True)
class Corpus:
    """Annotated sentences plus the label inventory a model is trained for."""

    examples: tuple[Annotated, ...]
    intents: tuple[str, ...]  # includes OUT_OF_SCOPE when the corpus has negatives
    slots: tuple[str, ...]
    intent_slots: Mapping[str, tuple[str, ...]]
    slot_types: Mapping[str, SlotType]


def corpus_from_catalog(catalog: Catalog) -> Corpus:
    examples = [
        Annotated(text=e.text, intent=e.intent or OUT_OF_SCOPE,
                  spans=tuple((s.slot, s.start, s.end) for s in e.spans))
        for e in catalog.examples
    ]
    intents = (*sorted(catalog.intents), OUT_OF_SCOPE)
    slots = tuple(sorted(catalog.slot_types))
    intent_slots = {name: spec.slots for name, spec in catalog.intents.items()}
    return Corpus(tuple(examples), intents, slots, intent_slots, catalog.slot_types)


def split_dev(examples: Sequence[Annotated], fraction: float,
              seed: int) -> tuple[list[Annotated], list[Annotated]]:
    """A stratified development split (per intent), deterministic for ``seed``."""
    rng = random.Random(seed)
    by_intent: dict[str, list[Annotated]] = defaultdict(list)
    for example in examples:
        by_intent[example.intent].append(example)
    train: list[Annotated] = []
    dev: list[Annotated] = []
    for intent in sorted(by_intent):
        group = list(by_intent[intent])
        rng.shuffle(group)
        cut = max(1, round(len(group) * fraction)) if len(group) >= 5 else 0
        dev += group[:cut]
        train += group[cut:]
    return train, dev


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature minimising negative log-likelihood (a 1-D search, no torch)."""
    def nll(temperature: float) -> float:
        probabilities = softmax(logits, temperature)
        return float(-np.log(probabilities[np.arange(len(labels)), labels] + 1e-12).mean())

    grid = np.exp(np.linspace(np.log(0.25), np.log(8.0), 60))
    best = min(grid, key=nll)
    low, high = best / 1.2, best * 1.2
    for _ in range(30):  # golden-section refinement around the best grid point
        a = high - (high - low) / 1.618
        b = low + (high - low) / 1.618
        if nll(a) < nll(b):
            high = b
        else:
            low = a
    return float((low + high) / 2)


def choose_clarify_threshold(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The lowest threshold at which accepted dev predictions are ≥ 98 % right."""
    top = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    for threshold in np.linspace(CLARIFY_BOUNDS[0], CLARIFY_BOUNDS[1], 11):
        accepted = confidence >= threshold
        if not accepted.any() or (top[accepted] == labels[accepted]).mean() >= 0.98:
            return float(threshold)
    return CLARIFY_BOUNDS[1]


def catalog_vocabulary(corpus: Corpus) -> dict[str, int]:
    """The words the catalog uses (sentences, slot samples, enum phrases) with counts."""
    phrases = [e.text for e in corpus.examples]
    for slot in corpus.slot_types.values():
        phrases += list(slot.samples)
        phrases += [p for values in slot.synonyms.values() for p in values]
    return vocabulary_of(phrases)


def _normalizer(vocabulary: dict[str, int], encoder: Path) -> Normalizer:
    from nlsh.language.tokens import load_tokenizer

    tokenizer = load_tokenizer(str(encoder / "tokenizer.json"), 64)
    return Normalizer(vocabulary, lambda word: tokenizer.token_to_id(word) is not None)


def normalize_example(example: Annotated, normalizer: Normalizer) -> Annotated:
    """The example as the model will see it, with its spans moved along."""
    normalized = normalizer(example.text)
    spans = []
    for slot, start, end in example.spans:
        moved = normalized.from_original(start, end)
        if moved is not None and moved[1] > moved[0]:
            spans.append((slot, *moved))
    return Annotated(text=normalized.text, intent=example.intent, spans=tuple(spans))


def train_and_export(catalog: Catalog, encoder: Path, out_dir: Path,
                     report: Report) -> dict[str, Any]:
    return train_corpus(corpus_from_catalog(catalog), encoder, out_dir, report)


def train_corpus(corpus: Corpus, encoder: Path, out_dir: Path, report: Report,
                 config: Any = None, dev: Sequence[Annotated] | None = None,
                 augment_data: bool = True, select_epoch: bool = False) -> dict[str, Any]:
    """Train on ``corpus`` and write a complete model directory; returns its metadata."""
    from nlsh.language import train

    config = config or train.TrainConfig()
    if dev is None:
        train_examples, dev_examples = split_dev(corpus.examples, DEV_FRACTION, config.seed)
    else:
        train_examples, dev_examples = list(corpus.examples), list(dev)
    if augment_data:
        kinds = {name: t.kind for name, t in corpus.slot_types.items()}
        samples = {name: t.samples for name, t in corpus.slot_types.items()}
        inside = [e for e in train_examples if e.intent != OUT_OF_SCOPE]
        outside = [e for e in train_examples if e.intent == OUT_OF_SCOPE]
        train_examples = (
            augment(inside, kinds, samples, substitutions=config.substitutions,
                    noisy=config.noisy, seed=config.seed)
            + augment(outside, kinds, samples, substitutions=0,
                      noisy=config.noisy_out_of_scope, seed=config.seed + 2))
        dev_examples = augment(dev_examples, kinds, samples, substitutions=0, noisy=1,
                               seed=config.seed + 1)
    vocabulary: dict[str, int] = {}
    select_on = list(dev_examples) if select_epoch else []
    if config.normalize:
        vocabulary = catalog_vocabulary(corpus)
        normalizer = _normalizer(vocabulary, encoder)
        train_examples = [normalize_example(e, normalizer) for e in train_examples]
        select_on = [normalize_example(e, normalizer) for e in select_on]
    model = train.fit(train_examples, list(corpus.intents), list(corpus.slots), encoder,
                      config, report, select_on=select_on)
    report("Exporting for ONNX Runtime", 0.87)
    exported = out_dir / "model.onnx"
    train.export_onnx(model, exported)
    save_for_runtime(exported, out_dir / MODEL_FILE)
    exported.unlink()
    shutil.copyfile(encoder / "tokenizer.json", out_dir / TOKENIZER_FILE)
    meta: dict[str, Any] = {
        "format": MODEL_FORMAT,
        "key": "calibrating",
        "intents": list(model.intents),
        "tags": list(model.tags),
        "temperature": 1.0,
        "clarify_threshold": CLARIFY_BOUNDS[0],
        "max_tokens": config.max_tokens,
        "slot_types": {name: t.to_json() for name, t in corpus.slot_types.items()},
        "intent_slots": {k: list(v) for k, v in corpus.intent_slots.items()},
        "vocabulary": vocabulary,
        "normalize": config.normalize,
    }
    (out_dir / META_FILE).write_text(json.dumps(meta))
    report("Calibrating", 0.93)
    engine = Engine.from_path(out_dir, threads=config.threads)
    metrics: dict[str, Any] = {"train_sentences": len(train_examples),
                               "dev_sentences": len(dev_examples),
                               "train_seconds": round(model.seconds, 1),
                               "config": asdict(config)}
    if dev_examples:
        outputs = [o for begin in range(0, len(dev_examples), 64)
                   for o in engine.run([e.text for e in dev_examples[begin:begin + 64]])]
        logits = np.stack([o.intent_logits for o in outputs])
        labels = np.array([model.intents.index(e.intent) for e in dev_examples])
        temperature = fit_temperature(logits, labels)
        probabilities = softmax(logits, temperature)
        meta["temperature"] = temperature
        meta["clarify_threshold"] = choose_clarify_threshold(probabilities, labels)
        metrics["dev_intent_accuracy"] = round(float((probabilities.argmax(1) == labels).mean()), 4)
    meta["metrics"] = metrics
    (out_dir / META_FILE).write_text(json.dumps(meta))
    return meta
