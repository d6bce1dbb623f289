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
    if not dot or prefix == "help":  # help.explain: about nlsh's domain, asked of nlsh
        return OWN_AREA
    return AREAS.get(prefix, prefix)


FOLLOW_UPS = (
    "a number picks from the list nlsh just showed (a 'did you mean', a choice)",
    "after 'why is my computer slow', 'do 1' runs the first finding's suggestion",
    "'undo' reverses the last change that can be reversed; 'history' lists what was done",
)
KEYS = (
    "y or yes: go ahead with all of it; n or Enter: do nothing; ?: the keys",
    "numbers pick some of several processes: 1,3 · 2-4 · all but 2",
    "root-owned or other users' targets and large plans ask once more: type yes",
    "Ctrl-C cancels a line or a confirmation; Ctrl-L or 'clear' clears the screen; "
    "Ctrl-D or 'exit' leaves",
)
# Topics that are not areas or intents, with the words that ask for them.
EXTRA_TOPICS = {"keys": ("keys", "confirm", "confirmation", "yes", "shortcuts"),
                "follow-ups": ("follow-ups", "followups", "follow-up", "do", "numbers"),
                "options": ("options", "flags", "json", "dry-run", "explain")}
# Words people use for an intent, beside the words of its name and summary.
INTENT_WORDS = {"process.kill": ("kill", "stop", "end", "terminate", "pkill", "killall"),
                "process.suspend": ("pause", "suspend", "freeze"),
                "process.resume": ("resume", "continue", "unpause"),
                "process.renice": ("renice", "nice", "priority", "cpu-priority"),
                "process.ionice": ("ionice", "io", "io-priority"),
                "process.list": ("ps", "top", "list", "processes"),
                "process.find": ("find", "pgrep", "running", "port", "ports"),
                "memory.free": ("free-memory", "free"),
                "disk.cleanup": ("clean", "cleanup", "clear", "cache", "caches", "trash"),
                "file.trash": ("delete", "remove", "rm", "trash", "old-files"),
                "disk.largest": ("du", "largest", "biggest", "space"),
                "disk.usage": ("df", "usage"),
                "system.diagnose": ("diagnose", "slow", "why"),
                "network.connections": ("ss", "netstat", "connections", "listening"),
                "process.zombies": ("zombie", "zombies", "defunct"),
                "process.reap": ("reap", "zombie", "zombies"),
                "file.holders": ("holders", "busy", "umount", "lsof"),
                "help.explain": ("explain", "why", "what-is")}


def show_help(parse: Parse, ctx: Context) -> Answer:
    catalog = load_catalog()
    specs = sorted(catalog.intents.values(), key=_order)
    intents = [intent_json(spec) for spec in specs]
    areas: list[str] = []
    for entry in intents:
        if entry["area"] not in areas:
            areas.append(entry["area"])
    topics = [*(a.split()[0] for a in areas), *EXTRA_TOPICS]  # "nlsh itself" → help nlsh
    result: dict[str, Any] = {"intents": intents, "areas": areas,
                              "options": [dict(o) for o in OPTIONS], "repl": REPL,
                              "topics": topics, "follow_ups": list(FOLLOW_UPS),
                              "keys": list(KEYS), "topic": None}
    asked = parse.slot("topic")
    if isinstance(asked, str):
        return _on_topic(asked, result, {spec.name: spec for spec in specs})
    changing = sum(entry["changes_system"] for entry in intents)
    message = (f"nlsh understands {len(intents)} kinds of request ({changing} change the "
               f"system and ask first), about {', '.join(areas)}")
    return Answer(kind="help", message=message, result=result)


def _on_topic(asked: str, result: dict[str, Any], specs: dict[str, IntentSpec]) -> Answer:
    """``help kill``, ``help disk``, ``help keys``: that topic only."""
    word = asked.lower().strip()
    found: str | None = None
    intents: list[dict[str, Any]] = []
    area = next((a for a in result["areas"]
                 if word in (a, a.split()[0], a.rstrip("s"), a.removesuffix("es"))), None)
    if area is not None:
        found = area
        intents = [e for e in result["intents"] if e["area"] == area]
    for topic, words in EXTRA_TOPICS.items():
        if found is None and word in words:
            found = topic
    if found is None:
        named = [name for name, spec in specs.items()
                 if word in INTENT_WORDS.get(name, ()) or word == name
                 or word in name.split(".")[-1:]]
        if named:
            found = f"'{word}' ({specs[named[0]].summary})"
            intents = [dict(intent_json(specs[n]), description=specs[n].description,
                            examples=list(dict.fromkeys(e.text for e in specs[n].examples))[:8])
                       for n in named]
    if found is None:
        message = (f"No help topic '{asked}'. Topics: " + ", ".join(result["topics"]))
        return Answer(kind="help", message=message, result=dict(result, topic=None))
    message = f"Help on {found}"
    return Answer(kind="help", message=message,
                  result=dict(result, topic=found,
                              intents=[] if found in EXTRA_TOPICS else intents))


def intent_json(spec: IntentSpec) -> dict[str, Any]:
    """The intent for help: its first sentences, whole ones (three words or more) first."""
    texts = list(dict.fromkeys(example.text for example in spec.examples))
    examples = sorted(texts, key=lambda t: len(t.split()) < 3)[:EXAMPLES_PER_INTENT]
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
