#!/usr/bin/env python3
"""Generate docs/intents.md from nlsh/intents/*.yaml (tests fail when the two disagree).

Usage: python scripts/intents_doc.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from nlsh.language.catalog import load_catalog  # noqa: E402

TARGET = REPO / "docs" / "intents.md"


def render() -> str:
    catalog = load_catalog(REPO / "nlsh" / "intents")
    lines = [
        "# Intent catalog",
        "",
        "Generated from `nlsh/intents/*.yaml` by `scripts/intents_doc.py`; do not edit by hand.",
        "The contract (slot canonical values, JSON output, exit codes) is `docs/json.md`.",
        "",
        "| intent | what it does | changes the system | slots | examples |",
        "|---|---|---|---|---|",
    ]
    for name, spec in sorted(catalog.intents.items()):
        examples = "<br>".join(f"`{e.text}`" for e in spec.examples[:3])
        slots = ", ".join(f"`{s}`" for s in spec.slots) or "—"
        lines.append(f"| `{name}` | {spec.summary} | {'yes' if spec.changes_system else 'no'} "
                     f"| {slots} | {examples} |")
    lines += ["", "## Slot types", "", "| slot | kind | values |", "|---|---|---|"]
    for name, slot in sorted(catalog.slot_types.items()):
        if slot.synonyms:
            values = ", ".join(f"`{v}`" for v in slot.synonyms)
        elif slot.minimum is not None or slot.maximum is not None:
            values = f"{slot.minimum if slot.minimum is not None else '…'} to " \
                     f"{slot.maximum if slot.maximum is not None else '…'}"
        else:
            values = ""
        lines.append(f"| `{name}` | {slot.kind} | {values} |")
    lines += ["", f"Training data: {sum(len(s.examples) for s in catalog.intents.values())} "
              f"in-scope examples, {len(catalog.out_of_scope)} out-of-scope examples.", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        return 0 if TARGET.read_text() == text else 1
    TARGET.write_text(text)
    print(f"wrote {TARGET.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
