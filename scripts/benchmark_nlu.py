#!/usr/bin/env python3
"""Train nlsh's language engine on a public benchmark and score it on the test split.

  --dataset snips     intent accuracy, slot F1 (span-level, conlleval rules) and sentence
                      accuracy on the standard SNIPS test split (700 sentences)
  --dataset clinc150  in-scope accuracy and out-of-scope recall on CLINC150 data_full
                      (4,500 in-scope + 1,000 out-of-scope test sentences); the
                      out-of-scope threshold is chosen on the validation split

Same architecture and code as nlsh's own model (nlsh/language/train.py, trainset.py,
engine.py); only the training schedule differs (--layers, --epochs), and the epoch kept
is the one that reads the validation split best (never the test split). Takes minutes.
Usage: python scripts/benchmark_nlu.py --dataset snips [--layers 6 --epochs 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from nlsh.language.artifacts import OUT_OF_SCOPE  # noqa: E402
from nlsh.language.augment import Annotated  # noqa: E402
from nlsh.language.build import encoder_directory  # noqa: E402
from nlsh.language.catalog import SlotType  # noqa: E402
from nlsh.language.engine import Engine, softmax  # noqa: E402
from nlsh.language.tokens import OUTSIDE  # noqa: E402
from nlsh.language.train import TrainConfig  # noqa: E402
from nlsh.language.trainset import Corpus, train_corpus  # noqa: E402

DATA = REPO.parent / "shared" / "data"


def _report(stage: str, fraction: float) -> None:
    sys.stderr.write(f"\r{stage:40} {100 * fraction:5.1f}%")
    sys.stderr.flush()


# ── SNIPS ──────────────────────────────────────────────────────────────────


def _bio_to_spans(tokens: list[str], tags: list[str]) -> tuple[str, list[tuple[str, int, int]]]:
    text, offsets = "", []
    for token in tokens:
        if text:
            text += " "
        offsets.append((len(text), len(text) + len(token)))
        text += token
    spans: list[tuple[str, int, int]] = []
    for (start, end), tag in zip(offsets, tags, strict=True):
        if tag.startswith("B-") or (tag.startswith("I-") and (not spans or spans[-1][0] != tag[2:]
                                                              or spans[-1][2] != start - 1)):
            spans.append((tag[2:], start, end))
        elif tag.startswith("I-"):
            spans[-1] = (spans[-1][0], spans[-1][1], end)
    return text, spans


def _read_snips(split: str) -> list[tuple[Annotated, list[str]]]:
    folder = Path(DATA / "snips" / split)
    rows = []
    for line, tags, label in zip((folder / "seq.in").read_text().splitlines(),
                                 (folder / "seq.out").read_text().splitlines(),
                                 (folder / "label").read_text().splitlines(), strict=True):
        tokens, tag_list = line.split(), tags.split()
        text, spans = _bio_to_spans(tokens, tag_list)
        rows.append((Annotated(text, label, tuple(spans)), tag_list))
    return rows


def _spans_of(tags: list[str]) -> set[tuple[str, int, int]]:
    """conlleval chunks: (type, first token, last token)."""
    chunks, current = set(), None
    for i, tag in enumerate([*tags, OUTSIDE]):
        if current and (tag == OUTSIDE or tag.startswith("B-") or tag[2:] != current[0]):
            chunks.add((current[0], current[1], i - 1))
            current = None
        if tag.startswith("B-") or (tag.startswith("I-") and current is None):
            current = (tag[2:], i)
    return chunks


def _predicted_token_tags(text: str, spans: list[tuple[str, int, int]]) -> list[str]:
    tokens, offsets, position = text.split(" "), [], 0
    for token in tokens:
        offsets.append((position, position + len(token)))
        position += len(token) + 1
    tags = [OUTSIDE] * len(tokens)
    for slot, start, end in spans:
        inside = [i for i, (s, e) in enumerate(offsets) if s < end and e > start]
        for n, i in enumerate(inside):
            tags[i] = ("B-" if n == 0 else "I-") + slot
    return tags


def _corpus(rows: list[Annotated], intents: list[str], with_oos: bool) -> Corpus:
    slots = sorted({s[0] for r in rows for s in r.spans})
    intent_slots: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        intent_slots[row.intent].update(s[0] for s in row.spans)
    types = {s: SlotType(name=s, kind="name") for s in slots}
    labels = tuple(intents) + ((OUT_OF_SCOPE,) if with_oos else ())
    return Corpus(tuple(rows), labels, tuple(slots),
                  {k: tuple(sorted(v)) for k, v in intent_slots.items()}, types)


def benchmark_snips(config: TrainConfig) -> dict[str, float]:
    train = [a for a, _ in _read_snips("train")]
    valid = [a for a, _ in _read_snips("valid")]
    test = _read_snips("test")
    corpus = _corpus(train, sorted({a.intent for a in train}), with_oos=False)
    with tempfile.TemporaryDirectory() as out:
        started = time.monotonic()
        train_corpus(corpus, encoder_directory(), Path(out), _report, config, dev=valid,
                     augment_data=False, select_epoch=True)
        seconds = time.monotonic() - started
        engine = Engine.from_path(Path(out), threads=config.threads)
        right_intent = sentence = tp = fp = fn = 0
        for begin in range(0, len(test), 64):
            batch = test[begin:begin + 64]
            outputs = engine.run([a.text for a, _ in batch])
            for (gold, gold_tags), raw in zip(batch, outputs, strict=True):
                intent = engine.info.intents[int(raw.intent_logits.argmax())]
                spans, _ = engine.extract(gold.text, raw, intent)
                predicted = _spans_of(_predicted_token_tags(
                    gold.text, [(s.slot, s.start, s.end) for s in spans]))
                expected = _spans_of(gold_tags)
                right_intent += intent == gold.intent
                sentence += intent == gold.intent and predicted == expected
                tp += len(predicted & expected)
                fp += len(predicted - expected)
                fn += len(expected - predicted)
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"intent_accuracy": right_intent / len(test),
            "slot_f1": 2 * precision * recall / max(precision + recall, 1e-9),
            "sentence_accuracy": sentence / len(test), "train_seconds": round(seconds)}


# ── CLINC150 ───────────────────────────────────────────────────────────────


def benchmark_clinc(config: TrainConfig) -> dict[str, float]:
    data = json.loads((DATA / "clinc150" / "data_full.json").read_text())
    train = [Annotated(t, i) for t, i in data["train"]]
    train += [Annotated(t, OUT_OF_SCOPE) for t, _ in data["oos_train"]]
    valid = [Annotated(t, i) for t, i in data["val"]]
    valid += [Annotated(t, OUT_OF_SCOPE) for t, _ in data["oos_val"]]
    intents = sorted({i for _, i in data["train"]})
    corpus = _corpus(train, intents, with_oos=True)
    with tempfile.TemporaryDirectory() as out:
        started = time.monotonic()
        train_corpus(corpus, encoder_directory(), Path(out), _report, config, dev=valid,
                     augment_data=False, select_epoch=True)
        seconds = time.monotonic() - started
        engine = Engine.from_path(Path(out), threads=config.threads)

        def probabilities(rows: list[tuple[str, str]]) -> np.ndarray:
            logits = [o.intent_logits for b in range(0, len(rows), 128)
                      for o in engine.run([t for t, _ in rows[b:b + 128]])]
            return softmax(np.stack(logits), engine.info.temperature)

        labels = list(engine.info.intents)
        oos = labels.index(OUT_OF_SCOPE)

        def decide(p: np.ndarray, threshold: float) -> np.ndarray:
            top = p.argmax(1)
            return np.where((top == oos) | (p.max(1) < threshold), oos, top)

        val_rows = [*map(tuple, data["val"]), *((t, OUT_OF_SCOPE) for t, _ in data["oos_val"])]
        val_p = probabilities(val_rows)
        val_gold = np.array([labels.index(i) for _, i in val_rows])
        best = (0.0, -1.0)
        for threshold in np.linspace(0.0, 0.95, 96):  # most OOS recall while in-scope ≥ 95 %
            chosen = decide(val_p, threshold)
            inside = val_gold != oos
            accuracy = (chosen[inside] == val_gold[inside]).mean()
            recall = (chosen[~inside] == oos).mean()
            if accuracy >= 0.95 and recall > best[1]:
                best = (float(threshold), float(recall))
        test_rows = [*map(tuple, data["test"]),
                     *((t, OUT_OF_SCOPE) for t, _ in data["oos_test"])]
        test_p = probabilities(test_rows)
        gold = np.array([labels.index(i) for _, i in test_rows])
        results = {}
        for name, threshold in (("argmax", 0.0), ("threshold", best[0])):
            chosen = decide(test_p, threshold)
            inside = gold != oos
            results[f"{name}_in_scope_accuracy"] = float((chosen[inside] == gold[inside]).mean())
            results[f"{name}_oos_recall"] = float((chosen[~inside] == oos).mean())
        results["threshold"] = best[0]
        results["train_seconds"] = round(seconds)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["snips", "clinc150"], required=True)
    parser.add_argument("--layers", type=int, default=6, help="transformer layers fine-tuned")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--no-normalize", action="store_true",
                        help="skip the input normaliser (wrappers, fillers, typos)")
    args = parser.parse_args()
    config = TrainConfig(trainable_layers=args.layers, epochs=args.epochs,
                         batch_size=args.batch_size, learning_rate=args.lr,
                         normalize=not args.no_normalize)
    run = benchmark_snips if args.dataset == "snips" else benchmark_clinc
    results = run(config)
    sys.stderr.write("\n")
    print(json.dumps({"dataset": args.dataset, "layers": args.layers, "epochs": args.epochs,
                      "normalize": config.normalize,
                      **{k: round(v, 4) if isinstance(v, float) else v
                         for k, v in results.items()}}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
