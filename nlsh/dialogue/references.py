"""Reading a line in the light of the conversation: "kill it", "the second one", "and
chrome too", "make it even lower", "no, the other one", "why?", and answers to nlsh's own
questions ("Which process should be ended?" → "chrome"; "did you mean X?" → "yes").

A reference resolves to processes nlsh *showed*, pinned by pid and start time, and the
request is run as the sentence it stands for ("kill it" → "kill pid 4312"), through the
whole pipeline: the language layer, the faithfulness checks, policy and confirmation. What
a reference stood for is said before anything runs ("it = pid 4312 python3 (from the
previous answer)"). A reference that could mean several things is asked about, never
guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from nlsh.dialogue.state import PROCESS_INTENTS, TARGET_SLOTS, Referent, State
from nlsh.stages import Answer, Parse, SlotValue

Understand = Callable[[str], Parse]


@dataclass(frozen=True)
class Resolution:
    """What a line means here: a sentence to run (with what its references stood for and
    the start times its processes must still have), or a reply with nothing to run."""

    sentence: str = ""
    parse: Parse | None = None
    pinned: dict[int, float] = field(default_factory=dict)
    context: tuple[str, ...] = ()
    answer: Answer | None = None
    message: str | None = None


_WHY = re.compile(r"(?:why|why not|how come|explain(?: that)?|what did you understand)"
                  r"\s*\??", re.IGNORECASE)
_YES = re.compile(r"(?:y|yes|yeah|yep|sure|ok|okay|that one|yes please|do it)\s*[.!]*",
                  re.IGNORECASE)
_NO = re.compile(r"(?:n|no|nope|no thanks|neither|none)\s*[.!]*", re.IGNORECASE)
_CANCEL = re.compile(r"(?:cancel|never ?mind|forget it|stop|abort|quit|nothing|none of them)"
                     r"\s*[.!]*", re.IGNORECASE)
_EVERYTHING = re.compile(r"(?:everything|all|all of them|every one|any)\s*[.!]*",
                         re.IGNORECASE)
_OTHER = re.compile(r"(?:no,?\s+)?(?:i\s+mean(?:t)?\s+)?the other(?: one| process)?\s*[.!]*",
                    re.IGNORECASE)
_ELLIPSIS = re.compile(
    r"(?:(?:and|also|and also|same for|same with|same to|what about|how about|now)\s+"
    r"(?P<target>.+?)(?:\s+(?:too|as well|also))?|(?P<alone>[\w.+@:-]+)\s+too)\s*[?.!]*",
    re.IGNORECASE)
_STRONGER = re.compile(
    r"(?:make\s+(?:it|them|that)\s+(?:even\s+|still\s+|a\s+bit\s+|a\s+little\s+|much\s+)?"
    r"|(?:even|still|a\s+bit|a\s+little|much)\s+)"
    r"(?P<way>lower|higher|more|less)(?:\s+still)?(?:\s+(?:priority|than that))?\s*[.!]*",
    re.IGNORECASE)
_SLOT_ANSWER = re.compile(
    r"(?:(?P<pid_word>pid\s+)?(?P<pid>[0-9]{1,10})|port\s+(?P<port>[0-9]{1,5})|"
    r"user\s+(?P<user>[\w.-]+)|(?P<name>[A-Za-z_][\w.+@:-]*))\s*[.!]*", re.IGNORECASE)
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
             "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6,
             "seventh": 7, "7th": 7, "eighth": 8, "8th": 8, "ninth": 9, "9th": 9,
             "tenth": 10, "10th": 10, "top": 1}
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
_ORDINAL = re.compile(
    r"\b(?:the\s+)?(?P<which>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
    r"tenth|1st|2nd|3rd|[4-9]th|10th|last|top)(?:\s+(?P<count>two|three|four|five|[2-5]))?"
    r"(?:\s+(?:one|ones|process|processes|row|rows|of them))?\b"
    r"|\b(?:number|no\.|row|#)\s*(?P<number>\d{1,2})\b", re.IGNORECASE)
_POSSESSIVE = re.compile(
    r"\b(?P<whose>its|their)\s+(?P<what>(?:cpu\s+|disk\s+|i/?o\s+)?(?:priority|niceness|"
    r"nice value|memory|process(?:es)?))\b", re.IGNORECASE)
_PRONOUN = re.compile(
    r"\b(?P<word>all of them|both of them|both|them|those(?: ones| processes)?|"
    r"these(?: ones| processes)?|that one|this one|that process|this process|it|that|this)\b",
    re.IGNORECASE)
_PLURAL = ("all of them", "both of them", "both", "them", "those", "these", "their")


def resolve(line: str, state: State, understand: Understand) -> Resolution | None:
    """What ``line`` means after ``state``; None when it stands on its own."""
    text = line.strip()
    for reader in (_why, _answer_to_question, _yes_or_no, _the_other_one, _ellipsis,
                   _stronger):
        found = reader(text, state)
        if found is not None:
            return found
    return _picked(text, state, understand) or _references(text, state, understand)


def _picked(text: str, state: State, understand: Understand) -> Resolution | None:
    """A number after nlsh offered numbered choices."""
    if not state.choices or not re.fullmatch(r"[0-9]{1,3}", text):
        return None
    number = int(text)
    if not 1 <= number <= len(state.choices):
        return Resolution(message=f"Which one? Type a number from 1 to {len(state.choices)}")
    choice = state.choices[number - 1]
    if choice.intent is None:
        return Resolution(sentence=choice.sentence)
    parse = understand(choice.sentence).with_intent(choice.intent)  # keep what it named
    return Resolution(sentence=choice.sentence, parse=parse)


def _why(text: str, state: State) -> Resolution | None:
    if not _WHY.fullmatch(text) or not state.why:
        return None
    why = state.why
    words = ", ".join(f"'{w}' ({role})" for w, role in why.get("words") or [])
    intent = why.get("intent") or "nothing nlsh does (out of scope)"
    parts = [f"'{why['text']}' was read as {intent} (confidence {why['confidence']}, "
             f"by the {'rules' if why.get('source') == 'rules' else 'language model'})"]
    if why.get("slots"):
        parts.append("with " + ", ".join(f"{k} = {v!r}" for k, v in why["slots"].items()))
    if words:
        parts.append("the words that shaped it: " + words)
    parts.append(f"the reply was {why['status']}"
                 + (f" by the rule '{why['rule']}'" if why.get("rule") else ""))
    message = "; ".join(parts)
    return Resolution(answer=Answer(kind="why", message=message, result=dict(why)))


def _answer_to_question(text: str, state: State) -> Resolution | None:
    """"Which process should be ended?" → "chrome", "4312", "pid 4312", "port 8080"."""
    pending = state.pending
    if pending is not None and (_NO.fullmatch(text) or _CANCEL.fullmatch(text)):
        return Resolution(message="OK: nothing was done")
    if pending is not None and _EVERYTHING.fullmatch(text):
        return Resolution(message="Not done: name one program, pid, port or user; nlsh does "
                                  "not act on everything at once")
    match = _SLOT_ANSWER.fullmatch(text)
    if pending is None or match is None:
        return None
    slot, value = _target_of(match)
    said = match.group("name") if slot == "process" else f"{slot} {value}"
    sentence = f"{pending.text} → {said}"
    parse = Parse(text=sentence, intent=pending.intent, confidence=1.0,
                  slots=_retargeted(pending.slots, slot, value), source="dialogue")
    return Resolution(sentence=sentence, parse=parse,
                      context=(f"{said} answers '{state.why.get('message', '')}'",))


def _yes_or_no(text: str, state: State) -> Resolution | None:
    """After "did you mean X?": yes does it, no drops it."""
    if not state.choices or "did you mean" not in str(state.why.get("message", "")):
        return None
    if _NO.fullmatch(text):
        return Resolution(message="OK: nothing was done")
    if not _YES.fullmatch(text):
        return None
    if len(state.choices) > 1:
        return Resolution(message=f"Which one? Type its number (1-{len(state.choices)})")
    return Resolution(sentence=state.choices[0].sentence)


def _the_other_one(text: str, state: State) -> Resolution | None:
    request = state.last_request
    if not _OTHER.fullmatch(text) or request is None or not state.acted:
        return None
    others = [r for r in state.candidates if r.pid not in {a.pid for a in state.acted}]
    if len(others) != 1:
        return Resolution(message=f"'the other one' could be any of {len(others)} processes "
                                  "shown: say which, by its number or pid"
                          if others else "There is no other one: nothing else was shown")
    return _again(request.intent, request.slots, others, state)


def _ellipsis(text: str, state: State) -> Resolution | None:
    """"and chrome too", "also 4312", "same for port 8080": the last request, new target."""
    request = state.last_request
    match = _ELLIPSIS.fullmatch(text)
    if (request is None or match is None or request.intent not in PROCESS_INTENTS
            or text.rstrip().endswith("?")):  # "what about X?" asks; it is read on its own
        return None
    target = (match.group("target") or match.group("alone") or "").strip()
    said = _SLOT_ANSWER.fullmatch(target)
    if said is None:
        return None
    slots = _retargeted(request.slots, *_target_of(said))
    sentence = f"{request.text} → {target}"
    return Resolution(sentence=sentence, parse=Parse(
        text=sentence, intent=request.intent, confidence=1.0, slots=slots, source="dialogue"),
        context=(f"the same request as '{request.text}', for {target}",))


def _target_of(said: re.Match[str]) -> tuple[str, SlotValue]:
    """The target a short answer names: ("pid", 4312), ("port", 8080), ("user", "bob") or
    ("process", "chrome")."""
    if said.group("pid"):
        return "pid", int(said.group("pid"))
    if said.group("port"):
        return "port", int(said.group("port"))
    if said.group("user"):
        return "user", said.group("user")
    return "process", said.group("name").lower()


def _retargeted(slots: dict[str, SlotValue], slot: str, value: SlotValue
                ) -> dict[str, SlotValue]:
    """``slots`` with their target replaced by ``slot`` = ``value`` (the rest kept)."""
    kept = {k: v for k, v in slots.items() if k not in TARGET_SLOTS}
    return {**kept, slot: value}


def _stronger(text: str, state: State) -> Resolution | None:
    """"make it even lower", "more", "higher" after a priority change."""
    request = state.last_request
    match = _STRONGER.fullmatch(text)
    if (match is None or request is None or request.intent != "process.renice"
            or not state.acted):
        return None
    way = match.group("way").lower()
    lowered = _lowered(request.slots)
    if way in ("lower", "less"):
        lower = True
    elif way == "higher":
        lower = False
    else:  # "more": the same way again
        lower = lowered
    current = _current_nice(state.acted)
    if current is None:
        return Resolution(message="The processes changed last have exited since")
    planned = request.slots.get("nice")
    if isinstance(planned, int) and not isinstance(planned, bool):
        current = planned  # "even lower" than what was last asked for, done or not
    wanted = min(19, current + 5) if lower else max(-20, current - 5)
    if wanted == current:
        return Resolution(message=f"Already at nice {current}, the "
                                  f"{'lowest' if lower else 'highest'} priority there is")
    slots = {k: v for k, v in request.slots.items()
             if k not in (*TARGET_SLOTS, "priority", "nice")}
    slots["nice"] = wanted
    return _again("process.renice", slots, list(state.acted), state)


def _lowered(slots: dict[str, SlotValue]) -> bool:
    nice = slots.get("nice")
    if isinstance(nice, int):
        return nice > 0
    return str(slots.get("priority", "low")).lower() not in ("high", "higher", "raise")


def _current_nice(processes: Sequence[Referent]) -> int | None:
    import psutil

    for ref in processes:
        try:
            return int(psutil.Process(ref.pid).nice())
        except (psutil.Error, OSError):
            continue
    return None


def _again(intent: str, slots: dict[str, SlotValue], targets: Sequence[Referent],
           state: State) -> Resolution:
    """The request ``intent`` on exactly ``targets``, said as a sentence of pids."""
    listed = _listed(targets)
    sentence = _sentence(intent, slots, listed)
    return Resolution(sentence=sentence, pinned=_pins(targets),
                      context=(f"{_labels(targets)} (from {state.shown_by or 'before'})",))


def _sentence(intent: str, slots: dict[str, SlotValue], listed: str) -> str:
    if intent == "process.renice":
        if isinstance(slots.get("nice"), int):
            return f"set the nice value of {listed} to {slots['nice']}"
        return f"{'raise' if not _lowered(slots) else 'lower'} the priority of {listed}"
    verbs = {"process.kill": "force kill" if slots.get("force") else "kill",
             "process.suspend": "pause", "process.resume": "resume",
             "process.ionice": "lower the disk priority of", "process.find": "show"}
    return f"{verbs.get(intent, 'show')} {listed}"


def _references(text: str, state: State, understand: Understand) -> Resolution | None:
    """Pronouns and ordinals: "kill it", "pause them", "kill the second one"."""
    if not state.shown:
        return None
    ordinal = _ORDINAL.search(text)
    if ordinal is not None and not (ordinal.group("number") or _ORDINAL_PHRASE.fullmatch(
            ordinal.group(0).strip())):
        ordinal = None  # "kill top": a program's name, not the top row
    pronoun = _PRONOUN.search(text)
    possessive = _POSSESSIVE.search(text)
    if ordinal is None and pronoun is None and possessive is None:
        return None
    parse = understand(text)
    phrase = (ordinal.group(0) if ordinal is not None else "").lower()

    def refers(value: str) -> bool:  # "fifth", tagged out of "the fifth one", refers too
        return _is_reference(value) or bool(phrase and value.lower() in phrase)

    if any(parse.slot(s) is not None and not refers(str(parse.slot(s))) for s in TARGET_SLOTS):
        return None  # the sentence names its own target
    if ordinal is not None:
        chosen = _by_position(ordinal, state.shown)
        if isinstance(chosen, str):
            return Resolution(message=chosen)
        span, word = ordinal.span(), ordinal.group(0)
    else:
        found = possessive if possessive is not None else pronoun
        assert found is not None
        whose = (found.group("whose") if found is possessive else found.group("word")).lower()
        plural = whose in _PLURAL or whose.startswith(("those", "these"))
        if not plural and len(state.shown) > 1:
            return Resolution(message=f"'{whose}' could be any of the {len(state.shown)} "
                                      f"processes {state.shown_by} showed: say which (the "
                                      "first, the second…, or its pid)")
        chosen = list(state.shown)
        span, word = found.span(), found.group(0)
    listed = _listed(chosen)
    if possessive is not None and ordinal is None:
        replacement = f"the {possessive.group('what')} of {listed}"
    else:
        replacement = listed
    sentence = f"{text[:span[0]]}{replacement}{text[span[1]:]}"
    if understand(sentence).intent not in PROCESS_INTENTS:
        return None  # not about processes ("undo that", "clear that cache")
    return Resolution(sentence=sentence, pinned=_pins(chosen),
                      context=(f"{word} = {_labels(chosen)} (from {state.shown_by})",))


_ORDINAL_PHRASE = re.compile(
    r"(?:the\s+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|1st|2nd|"
    r"3rd|[4-9]th|10th|last|top)(?:\s+(?:two|three|four|five|[2-5]))?\s+(?:one|ones|"
    r"process|processes|row|rows|of them)|(?:number|no\.|row|#)\s*\d{1,2}", re.IGNORECASE)


def _is_reference(value: str) -> bool:
    """A slot value that points back ("it", "the second one"), not a program's name: a
    bare "top" or "last" is a name ("kill top" means the program top)."""
    return bool(_PRONOUN.fullmatch(value) or _ORDINAL_PHRASE.fullmatch(value.strip())) or (
        value.lower() in ("one", "ones", "the one"))


def _by_position(match: re.Match[str], shown: Sequence[Referent]) -> list[Referent] | str:
    if match.group("number"):
        first, count = int(match.group("number")), 1
    else:
        which = match.group("which").lower()
        count = _COUNTS.get((match.group("count") or "").lower(), 1)
        first = len(shown) - count + 1 if which == "last" else _ORDINALS[which]
    if first < 1 or first + count - 1 > len(shown):
        return (f"Only {len(shown)} process{'es were' if len(shown) != 1 else ' was'} shown; "
                f"there is no {match.group(0).strip()}")
    return list(shown[first - 1:first - 1 + count])


def _listed(targets: Sequence[Referent]) -> str:
    return " and ".join(f"pid {r.pid}" for r in targets)


def _labels(targets: Sequence[Referent]) -> str:
    return ", ".join(r.label() for r in targets)


def _pins(targets: Sequence[Referent]) -> dict[int, float]:
    return {r.pid: r.create_time for r in targets if r.create_time is not None}


def refers_back(text: str) -> str | None:
    """The words of ``text`` that point at something shown before ("it", "the second one",
    "them"), or None; whether they do point back is for the caller to judge from the
    sentence's reading (a relative "that" does not)."""
    ordinal = _ORDINAL.search(text)
    if ordinal is not None and (ordinal.group("number") or _ORDINAL_PHRASE.fullmatch(
            ordinal.group(0).strip())):
        return ordinal.group(0)
    for pattern in (_POSSESSIVE, _PRONOUN):
        found = pattern.search(text)
        if found is not None:
            return found.group(0)
    return None


def names_own_target(parse: Parse, phrase: str = "") -> bool:
    """Whether ``parse`` names a target of its own (not a word that points back)."""
    return any(parse.slot(s) is not None and not (
        _is_reference(str(parse.slot(s))) or (phrase and str(parse.slot(s)).lower()
                                              in phrase.lower()))
        for s in TARGET_SLOTS)
