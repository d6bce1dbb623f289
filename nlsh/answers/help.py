"""help: what nlsh can do, generated from the intent catalog (never a hand-kept list)."""

from __future__ import annotations

from typing import Any

from nlsh.context import Context
from nlsh.language.catalog import IntentSpec, load_catalog
from nlsh.stages import Answer, Parse

EXAMPLES_PER_INTENT = 3
# Areas in the order they are shown; an intent's area is the part of its name before the dot.
AREAS = {"process": "processes", "memory": "memory", "disk": "disk", "network": "network",
         "system": "system"}
OWN_AREA = "nlsh itself"
OPTIONS = (
    {"flag": "--dry-run", "meaning": "show the plan and change nothing"},
    {"flag": "--json", "meaning": "print one JSON object (answers under 'result')"},
    {"flag": "-y, --yes", "meaning": "answer yes to confirmations; refusals stay refusals"},
    {"flag": "--explain", "meaning": "show what was understood: intent, confidence, slots"},
)
REPL = ("Run nlsh with no sentence to open the interactive shell: one request per line, "
        "with confirmation before anything changes. Without a terminal, nlsh reads one "
        "sentence a line from stdin.")


def area_of(intent: str) -> str:
    prefix, dot, _ = intent.partition(".")
    if not dot:
        return OWN_AREA
    return AREAS.get(prefix, prefix)


def show_help(parse: Parse, ctx: Context) -> Answer:
    catalog = load_catalog()
    specs = sorted(catalog.intents.values(), key=_order)
    intents = [intent_json(spec) for spec in specs]
    areas: list[str] = []
    for entry in intents:
        if entry["area"] not in areas:
            areas.append(entry["area"])
    result: dict[str, Any] = {"intents": intents, "areas": areas,
                              "options": [dict(o) for o in OPTIONS], "repl": REPL}
    changing = sum(entry["changes_system"] for entry in intents)
    message = (f"nlsh understands {len(intents)} kinds of request ({changing} change the "
               f"system and ask first), about {', '.join(areas)}")
    return Answer(kind="help", message=message, result=result)


def intent_json(spec: IntentSpec) -> dict[str, Any]:
    examples: list[str] = []
    for example in spec.examples:
        if example.text not in examples:
            examples.append(example.text)
        if len(examples) == EXAMPLES_PER_INTENT:
            break
    return {"name": spec.name, "area": area_of(spec.name), "summary": spec.summary,
            "examples": examples, "changes_system": spec.changes_system}


def _order(spec: IntentSpec) -> tuple[int, int, str]:
    """Known areas first, nlsh's own intents last; inside an area, the handler table's order
    (which follows the spec: list before kill, usage before cleanup)."""
    area = area_of(spec.name)
    known = list(AREAS.values())
    area_rank = known.index(area) if area in known else (
        len(known) + 1 if area == OWN_AREA else len(known))
    from nlsh.capabilities import registry

    names = list(registry().intents)
    return area_rank, names.index(spec.name) if spec.name in names else len(names), spec.name
