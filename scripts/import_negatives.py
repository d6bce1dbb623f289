#!/usr/bin/env python3
"""Write nlsh/intents/_out_of_scope_external.yaml: out-of-scope training sentences from
public intent datasets (other assistants' requests are exactly what nlsh must refuse).

Sources (train splits only — test splits are never used for training):
  * SNIPS (CC0 1.0): train/seq.in, a stratified sample over its 7 intents;
  * CLINC150 (CC BY 3.0, Larson et al. 2019): data_full.json "train" (two sentences per
    intent, skipping intents that overlap nlsh's meta-commands) and "oos_train".

Usage: python scripts/import_negatives.py [--data ../shared/data] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# CLINC intents whose sentences nlsh answers itself (help) or that are bare
# confirmations a user types at nlsh's prompts.
SKIP_CLINC = {"what_can_i_ask_you", "yes", "no", "maybe", "cancel", "repeat"}
HEADER = """\
# Out-of-scope training sentences imported by scripts/import_negatives.py — do not edit.
# SNIPS train split (CC0 1.0, Coucke et al. 2018) and CLINC150 train + oos_train
# (CC BY 3.0, Larson et al. 2019, github.com/clinc/oos-eval). Test splits are not used.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--snips", type=int, default=20, help="sentences per SNIPS intent")
    parser.add_argument("--clinc", type=int, default=1, help="sentences per CLINC intent")
    parser.add_argument("--clinc-oos", type=int, default=60)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    sentences: list[str] = []
    snips = args.data / "snips" / "train"
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, label in zip((snips / "seq.in").read_text().splitlines(),
                           (snips / "label").read_text().splitlines(), strict=True):
        by_intent[label].append(text.strip())
    for label in sorted(by_intent):
        sentences += rng.sample(by_intent[label], args.snips)

    clinc = json.loads((args.data / "clinc150" / "data_full.json").read_text())
    clinc_by_intent: dict[str, list[str]] = defaultdict(list)
    for text, label in clinc["train"]:
        if label not in SKIP_CLINC:
            clinc_by_intent[label].append(text)
    for label in sorted(clinc_by_intent):
        sentences += rng.sample(clinc_by_intent[label], args.clinc)
    sentences += rng.sample([t for t, _ in clinc["oos_train"]], args.clinc_oos)

    unique = list(dict.fromkeys(s for s in sentences if s and "[" not in s and "]" not in s))
    lines = [HEADER, "examples:"] + [f"  - {json.dumps(s)}" for s in unique]
    target = REPO / "nlsh" / "intents" / "_out_of_scope_external.yaml"
    target.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(unique)} sentences to {target.relative_to(REPO)}")


if __name__ == "__main__":
    main()
