#!/usr/bin/env python3
"""Score nlsh's language layer on the held-out test set (and a perturbed copy of it).

Prints per-intent precision/recall/F1, intent accuracy, slot F1 (canonical values),
frame accuracy, out-of-scope false-accept, in-scope false-reject, clarify rate,
expected calibration error, and the accuracy drop on the perturbed copy.

Usage: python scripts/evaluate.py [--file tests/data/heldout.yaml] [--faithful-frames]
                                  [--errors] [--json]
       python scripts/evaluate.py --faithfulness [--file tests/data/faithfulness.yaml]
                                  [--errors] [--json]
The model is the one nlsh uses (built into the cache on first use).

``--faithfulness`` prints instead the share of the faithfulness suite's sentences
(``tests/data/faithfulness.yaml``) whose reply is exactly what they say, per category and
overall, run as ``tests/test_faithfulness.py`` runs them: real processes and files in a
sandbox, the real pipeline, dry run. Starting a process as ``nobody`` needs root; without
it the items that need one are left out of the figure. With ``--file`` it scores another
set in the same schema instead, e.g. the held-out ``tests/data/faithfulness_heldout.yaml``
(for reporting only: no test runs it).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from nlsh.language import Understander  # noqa: E402
from nlsh.language.evaluation import (  # noqa: E402
    Item,
    evaluate,
    load_items,
    perturb,
    through_meaning,
)
from nlsh.paths import Paths  # noqa: E402
from nlsh.render.progress import terminal_progress  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=None,
                        help="the set to score (default: tests/data/heldout.yaml; with "
                             "--faithfulness, tests/data/faithfulness.yaml)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the perturbed copy")
    parser.add_argument("--errors", action="store_true", help="list the misread sentences")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--faithful-frames", action="store_true",
                        help="score the reading a user gets: the language layer and the "
                             "faithfulness layer (a request nlsh asks about scores as asked)")
    parser.add_argument("--faithfulness", action="store_true",
                        help="score the faithfulness suite instead (real processes and files)")
    args = parser.parse_args()
    if args.faithfulness:
        return faithfulness(args.errors, args.json, args.file)

    if args.file is None:
        args.file = REPO / "tests" / "data" / "heldout.yaml"
    items = load_items(args.file)
    understand = Understander(Paths.from_environment(),
                              lambda title: terminal_progress(title, sys.stderr))
    reader = through_meaning(understand) if args.faithful_frames else understand
    clean = evaluate(items, reader)
    rng = random.Random(args.seed)
    noisy_items: list[Item] = [perturb(item, rng) for item in items]
    noisy = evaluate(noisy_items, reader)
    meta = understand.engine.info

    if args.json:
        print(json.dumps({"clean": clean.as_dict(), "perturbed": noisy.as_dict(),
                          "model": meta.key, "temperature": meta.temperature,
                          "clarify_threshold": meta.clarify_threshold}, indent=1))
        return 0
    shown = args.file.relative_to(REPO) if args.file.is_relative_to(REPO) else args.file
    print(f"held-out file: {shown}  ({clean.in_scope} in scope, "
          f"{clean.out_of_scope} out of scope)"
          + ("  — language + faithfulness layers" if args.faithful_frames else ""))
    print(f"model {meta.key}  temperature {meta.temperature:.2f}  "
          f"clarify below {meta.clarify_threshold:.2f}\n")
    print(f"{'intent':22} {'prec':>6} {'rec':>6} {'f1':>6} {'n':>4}")
    for label, row in sorted(clean.per_intent.items()):
        name = "(out of scope)" if label == "None" else label
        print(f"{name:22} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} "
              f"{int(row['support']):4d}")
    print()
    figures = [
        ("intent accuracy (in scope)", clean.intent_accuracy, "≥ 0.97"),
        ("slot F1 (canonical values)", clean.slot_f1, "≥ 0.95"),
        ("frame accuracy", clean.frame_accuracy, "≥ 0.92"),
        ("out-of-scope false-accept", clean.false_accept, "≤ 0.03"),
        ("in-scope false-reject", clean.false_reject, "≤ 0.03"),
        ("expected calibration error", clean.ece, "≤ 0.05"),
        ("clarify rate", clean.clarify_rate, ""),
        ("perturbed intent accuracy", noisy.intent_accuracy, ""),
        ("robustness drop (points)", 100 * (clean.intent_accuracy - noisy.intent_accuracy),
         "≤ 3"),
    ]
    for name, value, target in figures:
        print(f"{name:30} {value:8.4f}   {target}")
    if args.errors:
        print("\nmisread:")
        for error in clean.errors:
            print(" ", json.dumps(error, ensure_ascii=False))
    return 0


def faithfulness(errors: bool, as_json: bool, path: Path | None = None) -> int:
    """Run the faithfulness suite (or the set at ``path``, same schema) in its sandbox and
    print the share of items passed."""
    from tests.support.faithfulness import DATA, Figure, load_items, open_session

    path = (path or DATA).resolve()
    items = load_items(path)
    with open_session() as runner:
        verdicts = runner.run_all(items)
    figure = Figure.of(verdicts)
    passed, total = figure.overall
    skipped = sum(v.skipped for v in verdicts)
    if as_json:
        print(json.dumps({"file": str(_relative(path)),
                          "faithfulness": passed / total, "passed": passed, "items": total,
                          "skipped": skipped,
                          "per_category": {c: {"passed": p, "items": n, "share": p / n}
                                           for c, (p, n) in figure.per_category.items()}},
                         indent=1))
        return 0
    print(f"faithfulness suite: {_relative(path)}  ({total} items"
          + (f", {skipped} skipped: they need root" if skipped else "") + ")\n")
    print(f"{'category':20} {'passed':>6} {'items':>6} {'share':>7}")
    for category, (ok, n) in figure.per_category.items():
        print(f"{category:20} {ok:6d} {n:6d} {ok / n:7.3f}")
    print(f"\n{'faithfulness':20} {passed:6d} {total:6d} {passed / total:7.3f}")
    if errors:
        print("\nnot as said:")
        for verdict in verdicts:
            if not verdict.passed and not verdict.skipped:
                print(f"  [{verdict.item.id}] {verdict.reason}")
    return 0


def _relative(path: Path) -> Path:
    """``path`` relative to the repository when it is inside it."""
    return path.relative_to(REPO) if path.is_relative_to(REPO) else path


if __name__ == "__main__":
    raise SystemExit(main())
