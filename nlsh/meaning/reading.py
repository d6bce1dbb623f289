"""A sentence → the requests it makes, each a ``Parse`` with its operators, or a verdict.

    sentence ─► segments (corrections, sequences) ─► per request: clause operators
             ─► model on the rewritten text ─► slots back on the user's characters
             ─► targets listed, qualifiers, exclusions, limits, named caches
             ─► accounting: every word that carries meaning shaped something, or nlsh asks

A ``verdict`` is a reply decided here, before any handler: a negated order (nothing is
done), a sentence that cancels itself, words nlsh could not account for (a question
quoting them), a value out of range.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from nlsh.meaning.clause import Clause, Found, read_clause
from nlsh.meaning.lexicon import (
    FUNCTION_WORDS,
    GENERIC_NAMES,
    INTENT_CUES,
    MODIFIERS,
    NUMBER_NOUNS,
    PROGRAM_NAMES,
    REQUEST_STARTS,
    STRICT_MODIFIERS,
    VERB_FORMS,
)
from nlsh.meaning.pasted import read_pasted
from nlsh.meaning.rewrite import Rewrite
from nlsh.meaning.segments import segments
from nlsh.stages import (
    PID_LIMIT,
    Exclusion,
    Limit,
    Operators,
    Parse,
    Reply,
    SlotSpan,
    SlotValue,
    Status,
)

Understand = Callable[[str], Parse]

TARGET_SLOTS = ("process", "pid", "port", "user")
PROCESS_INTENTS = frozenset({"process.kill", "process.suspend", "process.resume",
                             "process.renice", "process.ionice", "process.list",
                             "process.find"})
CHANGING_TARGET_INTENTS = PROCESS_INTENTS - {"process.list", "process.find"}
CHANGING_INTENTS = CHANGING_TARGET_INTENTS | {"memory.free", "disk.cleanup", "file.trash",
                                               "undo", "process.reap"}
# Which comparisons each intent can apply (anything else: nlsh asks).
LIMITS_BY_INTENT: dict[str, frozenset[str]] = {
    **{intent: frozenset({"memory", "cpu"}) for intent in PROCESS_INTENTS},
    "disk.cleanup": frozenset({"age", "size"}),
    "disk.largest": frozenset({"size"}),
    "file.find": frozenset({"age", "size"}),
    "file.trash": frozenset({"age", "size"}),
}
# Intents whose targets can be narrowed by exclusions.
EXCLUDING_INTENTS = PROCESS_INTENTS | {"disk.cleanup", "file.find", "file.trash"}
# Intents that choose files the way a search does (place, kind, name, age, size).
FILE_INTENTS = frozenset({"file.find", "file.trash"})


@dataclass(frozen=True)
class _Pending:
    """A request's stretch of the sentence before it is read."""

    start: int
    end: int
    retarget: tuple[int, int] | None = None  # "I mean B": B's stretch
    added: tuple[int, int] | None = None  # "I meant B too": B's stretch, a further target
    context_end: int | None = None  # where the situation described before it ends


@dataclass(frozen=True)
class Request:
    """One request of a sentence: its words, its reading, and a reply decided already."""

    text: str
    parse: Parse
    verdict: Reply | None = None
    order: str | None = None  # the request said as an order ("kill A" for "should I kill A?")


def read(sentence: str, understand: Understand) -> tuple[Request, ...]:
    """The requests ``sentence`` makes, in order (corrections applied)."""
    sentence = _APOSTROPHES.sub("'", sentence)  # "don’t" is "don't" (same length: spans hold)
    pasted = read_pasted(sentence)
    if pasted is not None:  # an error message pasted whole: who holds its port or path
        return (Request(sentence, pasted[0], pasted[1]),)
    pending: list[_Pending] = []
    cancelled: _Pending | None = None
    saw_cancel = False
    found = segments(sentence)
    if (found and found[-1].kind == "marker" and len(found) > 1
            and found[-1].piece.bare() in ("oops", "whoops", "oh no", "uh oh")):
        found[-1] = replace(found[-1], kind="cancel")  # "kill A. oops": taken back
    for segment in found:
        piece = segment.piece
        if segment.kind == "cancel":
            saw_cancel = True
            if pending:
                cancelled = pending[-1]
            pending.clear()
        elif segment.kind == "marker":
            continue
        elif segment.kind == "correction":
            if pending:
                cancelled = pending.pop()
            pending.append(_Pending(piece.start, piece.end))
        elif segment.kind == "retarget":
            base = pending.pop() if pending else cancelled
            adds = _ADDITION.search(piece.text)
            if base is None:
                pending.append(_Pending(piece.start, piece.end))
            elif adds is not None:  # "kill A, sorry, I meant B too": B as well
                start = piece.start + (adds.end() if adds.start() == 0 else 0)
                end = piece.start + (adds.start() if adds.start() > 0 else len(piece.text))
                pending.append(replace(base, added=(start, end)))
            else:
                pending.append(replace(base, retarget=(piece.start, piece.end)))
        else:
            pending.append(_Pending(piece.start, piece.end, context_end=segment.context_end))
    if not pending:
        parse = Parse(text=sentence, intent=None, confidence=1.0, source="rules")
        message = ("Nothing was done: the sentence takes its request back"
                   if saw_cancel else "Nothing was asked")
        return (Request(sentence, parse, Reply(Status.NOTHING_TO_DO, message)),)
    requests: list[Request] = []
    previous: Parse | None = None
    for part in pending:
        request = _read_request(sentence, part, understand, previous)
        requests.append(request)
        if _targets_of(request.parse):
            previous = request.parse
    return tuple(_without_restrictions(requests))


def _targets_of(parse: Parse) -> dict[str, SlotValue]:
    return {k: v for k, v in parse.slots.items() if k in TARGET_SLOTS}


_APOSTROPHES = re.compile(r"(?<=\w)[’‘`´](?=\w)")
_ADDITION = re.compile(r"(?i)^(?:also|as\s+well)\s+|\s+(?:too|as\s+well|also)\s*$")


def _without_restrictions(requests: list[Request]) -> list[Request]:
    """"don't kill chromium, just pause it", "pause pid 12001, dont kill": a negated request
    beside another request on the same target with another verb only says what the other
    must not become; it is not a request of its own."""
    if len(requests) < 2:
        return requests
    kept = []
    for index, request in enumerate(requests):
        negated = request.parse.operators.negated and request.verdict is not None
        neighbours = requests[max(index - 1, 0):index] + requests[index + 1:index + 2]
        if negated and any(_restricts(request, other) for other in neighbours):
            continue
        kept.append(request)
    return kept


def _restricts(negated: Request, other: Request) -> bool:
    if other.parse.operators.negated or other.parse.intent in (None, negated.parse.intent):
        return False
    mine, theirs = _targets_of(negated.parse), _targets_of(other.parse)
    return not mine or not theirs or mine == theirs


def _read_request(sentence: str, part: _Pending, understand: Understand,
                  previous: Parse | None) -> Request:
    start, end, retarget = part.start, part.end, part.retarget
    text = sentence[start:end]
    clause = read_clause(sentence, start, end, part.context_end)
    assert clause.rewrite is not None
    rewrite = clause.rewrite
    parse = _understand_on(rewrite, text, understand)
    if retarget is not None or part.added is not None:
        # "pause A, I mean B" is read as "pause B"; "kill A, I meant B too" as "kill A and B"
        if retarget is not None:
            corrected = _swap_target(clause, parse, retarget)[0]
        else:
            assert part.added is not None
            corrected = Rewrite(sentence).keep(start, end).insert("and").keep(*part.added)
        said = " ".join(corrected.text.split())
        return _read_request(said, _Pending(0, len(said)), understand, previous)
    if previous is not None and _has_pronoun(parse):
        # "find what's on port 8080 and kill it": "it" is what the request before named,
        # with its kind (a port stays a port), not its words read again
        slots = {k: v for k, v in parse.slots.items()
                 if k not in TARGET_SLOTS or not _is_pronoun(v)}
        slots.update(_targets_of(previous))
        parse = replace(parse, slots=slots, operators=replace(
            parse.operators, also=previous.operators.also))
    request = _interpret(clause, parse, text)
    return replace(request, order=" ".join(rewrite.text.split()) or None)


def _is_pronoun(value: SlotValue) -> bool:
    return isinstance(value, str) and value.lower() in ("it", "them", "that", "those", "this",
                                                        "this one", "that one", "em", "'em")


def _understand_on(rewrite: Rewrite, text: str, understand: Understand) -> Parse:
    """The model's reading of the rewritten text, with spans on the user's characters."""
    parse = understand(rewrite.text if rewrite.text.strip() else text)
    spans = []
    for span in parse.spans:
        if parse.source == "rules":
            spans.append(span)
            continue
        mapped = rewrite.to_original(span.start, span.end)
        if mapped is None:
            spans.append(span)
            continue
        low, high = mapped
        spans.append(replace(span, start=low, end=high, text=rewrite.source[low:high]))
    return replace(parse, text=text, spans=tuple(spans))


def _has_pronoun(parse: Parse) -> bool:
    if _is_pronoun(parse.slot("process") or ""):
        return True
    if not re.search(r"(?i)\b(?:it|its|them|their|that|those|this|these|em)\b", parse.text):
        return False
    return not any(parse.slot(s) is not None for s in TARGET_SLOTS) and parse.intent in (
        CHANGING_TARGET_INTENTS | {"process.find"})


def _swap_target(clause: Clause, parse: Parse,
                 retarget: tuple[int, int]) -> tuple[Rewrite, tuple[int, int] | None]:
    """"pause A, wait, I mean B": the earlier request with B where A was (and A's span)."""
    spans = [s for s in parse.spans if s.slot in TARGET_SLOTS and s.end > s.start]
    said = clause.sentence[retarget[0]:retarget[1]]
    if re.fullmatch(r"[-+]?\d+(?:\.\d+)?\s*[a-z%]*", said.strip(), re.IGNORECASE):
        # "renice A to 5, no 10": the value is corrected, not the target
        numbers = list(re.finditer(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?![\w.])",
                                   clause.sentence[clause.start:clause.end]))
        if numbers and not any(s.slot in ("pid", "port") for s in spans):
            last = numbers[-1]
            swapped = Rewrite(clause.sentence)
            swapped.keep(clause.start, clause.start + last.start()).keep(*retarget)
            swapped.keep(clause.start + last.end(), clause.end)
            return swapped, (clause.start + last.start(), clause.start + last.end())
    swapped = Rewrite(clause.sentence)
    if not spans:  # "clear the pip cache, no, the npm cache": the named cache is the target
        spans = [SlotSpan("cache", "", f.start, f.end, None) for f in clause.of_kind("cache_words")]
    if not spans:
        return swapped.keep(clause.start, clause.end).keep(*retarget), None
    first = min(spans, key=lambda s: s.start)
    begin = first.start
    if re.match(r"(?i)(?:pid|port|process)\b", said.strip()):  # "no, pid 4313": the cue too
        cue = _NUMBER_CUE.search(clause.sentence, clause.start, first.start)
        begin = cue.start() if cue is not None else begin
    swapped.keep(clause.start, begin).keep(*retarget).keep(first.end, clause.end)
    return swapped, (begin, first.end)


# ── interpretation ──────────────────────────────────────────────────────────


@dataclass
class _Work:
    """What is being decided for one request."""

    clause: Clause
    parse: Parse
    slots: dict[str, SlotValue]
    covered: list[tuple[int, int]]
    also: list[tuple[str, SlotValue]]
    exclusions: list[Exclusion]
    limits: list[Limit]
    named: list[str]
    problems: list[str]


def _interpret(clause: Clause, parse: Parse, text: str) -> Request:
    work = _Work(clause, parse, dict(parse.slots), clause.spans(), list(parse.operators.also),
                 [], [], [], [])
    if clause.verb_span:
        work.covered.append(clause.verb_span)
    for span in parse.spans:
        if span.end > span.start:
            work.covered.append((span.start, span.end))
            numeric = re.fullmatch(r"[-+\u2212]?\s*\d+", span.text.strip())
            if span.slot in ("pid", "port") or numeric:
                # "on port 8080", "pid 4312", "pid -5": the word too
                cue = _NUMBER_CUE.search(clause.sentence, clause.start, span.start)
                if cue is not None:
                    work.covered.append((cue.start(), span.start))
    parse = _names_listed_as_numbers(clause, parse)
    work.parse = parse = _without_a_guessed_change(clause, _deterministic_intent(clause, parse))
    work.slots = dict(parse.slots)
    work.covered.extend((s.start, s.end) for s in parse.spans if s.end > s.start)
    intent = parse.intent
    if clause.leave_alone or clause.negated:  # a negated order plans nothing, read or not
        return Request(text, _final(work), _negated_reply(work))
    if intent is None:
        return Request(text, _final(work))
    verdict = (_restrictions(work) or _force(work) or _owners(work) or _model_user(work)
               or _possessive_owner(work) or _my(work) or _number_kinds(work) or _limits(work)
               or _generic_names(work) or _bare_program(work) or _listed_targets(work)
               or _exclusions(work) or _named_caches(work) or _nice_direction(work)
               or _accounting(work))
    return Request(text, _final(work), verdict)


_OPERATOR_ROLES = {"exclusion_cue": "exclusion", "not_owner": "exclusion", "cache_words": "named",
                   "no_force": "force (denied)", "aside": "description"}


def _word_roles(work: _Work) -> tuple[tuple[str, str], ...]:
    """Each word of the request and what accounted for it (``--explain``)."""
    from nlsh.meaning.vocabulary import intent_words

    clause = work.clause
    own = intent_words().get(work.parse.intent or "", frozenset()) if work.parse.intent else (
        frozenset())
    roles = []
    for match in _TOKEN.finditer(clause.sentence, clause.start, clause.end):
        low, high = match.span()
        word = match.group(0)
        role = next((s.slot for s in work.parse.spans if s.start < high and s.end > low), None)
        role = role or next((_OPERATOR_ROLES.get(f.kind, f.kind) for f in clause.found
                             if f.start < high and f.end > low), None)
        if role is None and any(a < high and b > low for a, b in clause.removed):
            role = "negation" if clause.negated else "question" if clause.question else "operator"
        if role is None and any(a < high and b > low for a, b in work.covered):
            role = "target"
        if role is None:
            bare = word.strip(_EDGE).lower()
            role = ("context" if low < clause.request_start else "intent" if bare in own
                    else "filler" if bare in FUNCTION_WORDS else "left over")
        roles.append((word, role))
    return tuple(roles)


_NUMBER_CUE = re.compile(r"(?i)(?:\b(?:on|at|with|using|holding)\s+)?(?:\bthe\s+)?(?:\bport|\bpid|"
                         r"\bprocess(?:\s+id)?|\bprocess\s+number)\s*(?:number\s*)?[:#]?\s*$")


_LISTED_AFTER = re.compile(r"(?i)\s*(?:,\s*(?:and\s+)?|and\s+|&\s*|plus\s+)$")
_NAME_SHAPE = re.compile(r"[A-Za-z][\w.-]*")


def _names_listed_as_numbers(clause: Clause, parse: Parse) -> Parse:
    """"renice A and mail-pull42 to 15": a name the tagger gave a number's slot (it holds
    digits) right after a listed program is the next program of the list; in a renice
    with no target at all, a name read as the nice value is the program."""
    spans = list(parse.spans)
    slots = dict(parse.slots)
    changed = False
    for index, span in enumerate(spans):
        if span.value is not None or span.slot not in ("nice", "pid", "port", "limit") or \
                not _NAME_SHAPE.fullmatch(span.text):
            continue
        before = [s for s in spans[:index] if s.slot == "process" and s.value is not None]
        listed = bool(before) and _LISTED_AFTER.fullmatch(
            clause.sentence[before[-1].end:span.start]) is not None
        # "give mail-pull66 a nice of -10": the only name there is, read as the nice value
        alone = span.slot == "nice" and parse.intent == "process.renice" and not any(
            s.slot in TARGET_SLOTS and s.value is not None for s in spans)
        if listed or alone:
            spans[index] = replace(span, slot="process", value=span.text.lower(), problem=None,
                                   rejected=False)
            changed = True
            if alone:
                slots = {**parse.slots, "process": span.text.lower()}
    return replace(parse, spans=tuple(spans), slots=slots) if changed else parse


def _without_a_guessed_change(clause: Clause, parse: Parse) -> Parse:
    """A change the sentence never names ("can you get A going again, it is stopped" read
    as a kill) is the model guessing from context: nlsh asks which was meant."""
    cues = _INTENT_CUES.get(parse.intent or "")
    if cues is None or parse.source != "model" or parse.uncertain or parse.rejected_values:
        return parse  # a value out of range is refused as such, whatever the change
    said = list(clause.text)
    for found in clause.of_kind("aside"):  # "it is stopped" describes; it asks for nothing
        for index in range(found.start - clause.start, found.end - clause.start):
            said[index] = " "
    text = "".join(said)
    if cues.search(text) or _misspelt_cue(text, parse.intent or ""):
        return parse
    return replace(parse, uncertain=True)


def _misspelt_cue(text: str, intent: str) -> bool:
    """"kil A", "termiante A": a cue word typed with one slip still names the change."""
    import difflib

    words = _CUE_WORDS.get(intent, ())
    return any(difflib.get_close_matches(token, words, n=1, cutoff=0.8)
               for token in re.findall(r"[a-z]{3,}", text.lower()))


# The cues that are plain words, for typo-tolerant matching ("kil" → "kill").
_CUE_WORDS = {intent: tuple(re.sub(r"\\w\*$", "", c) for c in cues
                            if re.fullmatch(r"[a-z]+(?:\\w\*)?", c))
              for intent, cues in INTENT_CUES.items()}
_INTENT_CUES = {intent: re.compile(r"(?i)(?<![\w-])(?:" + "|".join(cues) + r")(?![\w])")
                for intent, cues in INTENT_CUES.items()}


_NO_SPACE_LEFT = re.compile(r"(?i)\bno\s+space\s+left\s+on\s+(?:the\s+)?device\b|\bENOSPC\b")


def _deterministic_intent(clause: Clause, parse: Parse) -> Parse:
    """When the model is unsure or out of scope, words that leave no doubt decide: a cleanup
    verb with a named cache ("nuke the firefox cache") is a cleanup; a nice level raised
    or lowered ("drop the niceness of A") is a renice."""
    request = clause.sentence[clause.request_start:clause.end]
    if _NO_SPACE_LEFT.search(request):  # a pasted ENOSPC error: the disk-full cleanup
        return replace(parse, intent="disk.cleanup", uncertain=False, source="rules", slots={},
                       spans=())
    numbered = _VERB_THEN_NUMBERS.match(request)
    if numbered is not None and (parse.intent != _NUMBERED_VERBS[numbered.group(
            "verb").lower()] or _pids_misread(parse, numbered)):
        return _with_numbers(replace(parse, intent=_NUMBERED_VERBS[numbered.group(
            "verb").lower()], uncertain=False, source="rules"), clause, numbered)
    if parse.intent == "help" and _file_search_kind(request) is not None:
        parse = replace(parse, uncertain=True)  # "images except the pngs" asks for no help
    if parse.intent is not None and not parse.uncertain:
        return parse
    intent = None
    numbered = _VERB_THEN_NUMBERS.match(request)
    if numbered is not None:  # "kill processes 18403, 18404 and 18407": the verb decides
        intent = _NUMBERED_VERBS[numbered.group("verb").lower()]
    elif (clause.of_kind("cache") or clause.of_kind("unknown_cache")) and _CLEANUP_START.match(
            request):
        intent = "disk.cleanup"
    elif _NICE_UP.search(request) or _NICE_DOWN.search(request):
        intent = "process.renice"
    elif (command := _COMMAND_START.match(request)) is not None:
        intent = _COMMAND_VERBS[command.group("verb").lower()]  # "renice A owned by B to 5"
    else:
        kind = _file_search_kind(request)
        if kind is not None:  # "show me the png pictures…", "pdfs without a password"
            spans = (*parse.spans, SlotSpan("kind", kind[1], clause.request_start + kind[2],
                                            clause.request_start + kind[3], kind[0]))
            return replace(parse, intent="file.find", uncertain=False, source="rules",
                           slots={**parse.slots, "kind": kind[0]}, spans=spans)
    if intent is None:
        return parse
    return replace(parse, intent=intent, uncertain=False, source="rules")


_FILE_SEARCH_START = re.compile(
    r"(?i)^\W*(?:please\s+)?(?:(?:find|search(?:\s+for)?|locate|look\s+for|where\s+(?:is|are)|"
    r"list|show(?:\s+me)?|which|any|every|all)\s+)?(?:(?:the|my|all|any|every|of|those)\s+)*"
    r"(?:\w+\s+)?(?P<kind>[a-z0-9]+)\b")


def _file_search_kind(request: str) -> tuple[str, str, int, int] | None:
    """A request that starts as a file search and names a kind of file ("find png
    pictures", "pdfs without…"): (kind, the word, its start, its end), else None."""
    from nlsh.system.file_kinds import EXTENSION_WORDS, KIND_WORDS, kind_of

    match = _FILE_SEARCH_START.match(request)
    if match is None:
        return None
    for word in re.finditer(r"[a-z0-9]+", request[:match.end()].lower()):
        said = word.group(0)
        if said in KIND_WORDS and said not in ("code", "source", "scripts", "document", "docs"):
            return KIND_WORDS[said], said, word.start(), word.end()
        if said in EXTENSION_WORDS:  # "pngs": an image
            return kind_of("x." + EXTENSION_WORDS[said]), said, word.start(), word.end()
    return None


# Commands that name one request whatever follows them, when the model is unsure.
_COMMAND_VERBS = {"renice": "process.renice", "ionice": "process.ionice"}
_COMMAND_START = re.compile(r"(?i)^\W*(?:please\s+)?(?:sudo\s+)?(?P<verb>renice|ionice)\s+\w")

_NUMBERED_VERBS = {"kill": "process.kill", "terminate": "process.kill", "end": "process.kill",
                   "pause": "process.suspend", "suspend": "process.suspend",
                   "freeze": "process.suspend", "resume": "process.resume",
                   "continue": "process.resume", "unpause": "process.resume"}
_VERB_THEN_NUMBERS = re.compile(
    r"(?i)^\W*(?:please\s+)?(?P<verb>" + "|".join(_NUMBERED_VERBS) + r")\s+(?:the\s+)?"
    r"(?:process(?:es)?\s+|pids?\s+)?(?P<numbers>\d+(?:\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)\d+)*)"
    r"\s*[.!]?\s*$")


def _pids_misread(parse: Parse, numbered: re.Match[str]) -> bool:
    """The model chose the verb but not every listed number as a pid (all in range: a value
    out of range is refused as such, elsewhere)."""
    numbers = [int(n) for n in re.findall(r"\d+", numbered.group("numbers"))]
    if parse.rejected_values or not all(1 <= n <= PID_LIMIT for n in numbers):
        return False
    return sorted(s.value for s in parse.spans if s.slot == "pid"
                  and isinstance(s.value, int)) != sorted(numbers)


def _with_numbers(parse: Parse, clause: Clause, numbered: re.Match[str]) -> Parse:
    """The pids a verb-then-numbers request lists, as the pid spans the model would give."""
    spans = [s for s in parse.spans if s.slot not in TARGET_SLOTS]
    base = clause.request_start + numbered.start("numbers")
    for match in re.finditer(r"\d+", numbered.group("numbers")):
        value = int(match.group(0))
        spans.append(SlotSpan("pid", match.group(0), base + match.start(), base + match.end(),
                              value))
    first = next(s for s in spans if s.slot == "pid")
    return replace(parse, spans=tuple(spans), slots={"pid": first.value})  # type: ignore[dict-item]


_CLEANUP_START = re.compile(r"(?i)^\W*(?:please\s+|just\s+|go\s+ahead\s+and\s+)?(?:clear|clean|"
                            r"delete|remove|purge|wipe|empty|erase|trash|nuke|drop|get\s+rid\s+of|"
                            r"throw\s+away|free\s+up)\b")


def _final(work: _Work) -> Parse:
    operators = Operators(
        negated=work.clause.negated, question=work.clause.question, also=tuple(work.also),
        exclusions=tuple(work.exclusions), limits=tuple(work.limits), named=tuple(work.named),
        words=_word_roles(work))
    return replace(work.parse, slots=work.slots, operators=operators)


def _negated_reply(work: _Work) -> Reply:
    target = next((s.text for s in work.parse.spans if s.slot in TARGET_SLOTS and s.text), None)
    if target:
        return Reply(Status.NOTHING_TO_DO,
                     f"Leaving {target.strip()} alone, as you said: nothing was done")
    said = " ".join(work.clause.text.split())
    return Reply(Status.NOTHING_TO_DO, f"Not doing that, as you said ('{said}'): nothing was done")


def _restrictions(work: _Work) -> Reply | None:
    """"pause A but don't kill it" is a pause; "kill A but don't kill it" asks nothing."""
    for found in work.clause.of_kind("restriction"):
        if found.value == work.parse.intent:
            said = work.clause.sentence[found.start:found.end].strip(" ,")
            return Reply(Status.CLARIFY, f"The sentence asks for it and, with '{said}', "
                                         "against it: say which you mean")
    return None


def _force(work: _Work) -> Reply | None:
    """Force comes only from force words: "never", "now", "right away" are not force; and a
    force phrase names no program ("kill 12345, no mercy")."""
    cues = [f.span for f in work.clause.of_kind("force") + work.clause.of_kind("no_force")]
    inside = [s for s in work.parse.spans if s.slot in ("process", "user") and any(
        s.start < b and s.end > a for a, b in cues)]
    for span in inside:
        if work.slots.get(span.slot) == span.value:
            work.slots.pop(span.slot, None)
    work.parse = replace(work.parse, spans=tuple(s for s in work.parse.spans if s not in inside))
    if work.slots.get("force") is True and not work.clause.of_kind("force"):
        work.slots.pop("force", None)
    if work.clause.of_kind("force") and work.parse.intent == "process.kill":
        work.slots["force"] = True
    return None


def _owners(work: _Work) -> Reply | None:
    for found in work.clause.of_kind("owner"):
        user = str(found.value)
        more = re.match(r"(?i)\s*(?:,|and|or|&)\s+(?:by\s+)?[a-z_][\w.-]*",
                        work.clause.sentence[found.end:work.clause.end])
        if more:  # "owned by alice and bob": one owner a request
            return _not_understood(work, [(found.start, found.end + more.end())])
        if user in ("me", "myself", "mine", "i", "us"):
            user = _current_user()
        elif user in GENERIC_NAMES or user in FUNCTION_WORDS:
            return _not_understood(work, [found.span])
        if work.slots.get("process") == user:
            work.slots.pop("process", None)
        if work.parse.intent not in PROCESS_INTENTS | {"file.find"}:
            return _not_understood(work, [found.span])
        existing = work.slots.get("user")
        if isinstance(existing, str) and existing not in (user, work.slots.get("process")):
            from nlsh.system.processes import user_exists

            if user_exists(existing) or "process" in work.slots:
                return Reply(Status.CLARIFY, f"Owned by {existing} or by {user}? The sentence "
                                             "names both")
            work.slots["process"] = existing  # "is kafka running as root": kafka is the program
        work.slots["user"] = user
        # the model's own reading of the owner's name, whatever slot it gave it, is the user
        work.parse = replace(work.parse, spans=tuple(
            replace(s, slot="user", value=user) if s.start >= found.start and s.end <= found.end
            and s.slot in ("process", "user") else s for s in work.parse.spans))
        if work.slots.get("process") == user and not any(
                s.slot == "process" and s.value == user for s in work.parse.spans):
            work.slots.pop("process", None)
    for found in work.clause.of_kind("not_owner"):
        work.exclusions.append(Exclusion("user", str(found.value),
                                         work.clause.sentence[found.start:found.end]))
    return None


_POSSESSIVE_OWNER = re.compile(r"(?i)(?<![\w.-])(?P<user>[a-z_][\w.-]*)(?:'s|’s)\s+(?:own\s+)?$")


def _possessive_owner(work: _Work) -> Reply | None:
    """"kill root's A": the owner is a user when one of that name exists and no program
    does ("kill firefox's children" names a program)."""
    span = next((s for s in work.parse.spans if s.slot == "process" and s.value is not None),
                None)
    if span is None or "user" in work.slots or work.parse.intent not in PROCESS_INTENTS:
        return None
    from nlsh.system.processes import user_exists

    said = re.fullmatch(r"(?i)([a-z_][\w.-]*)(?:'s|’s)", span.text.strip())
    later = re.match(r"\s+(?:own\s+)?(?P<name>[\w.+@:-]+)", work.clause.sentence[span.end:])
    if said and later and user_exists(said.group(1).lower()) and not _is_live_program(
            said.group(1).lower()):
        # "kill root's A" read as a program "root's": root owns, A is the program
        name = later.group("name").lower()
        work.slots["user"] = said.group(1).lower()
        work.slots["process"] = name
        work.also = [a for a in work.also if a != ("process", name)]
        start = span.end + later.start("name")
        spans = [replace(s, slot="user") if s is span else s for s in work.parse.spans]
        spans.append(SlotSpan("process", name, start, start + len(name), name))
        work.parse = replace(work.parse, spans=tuple(spans))
        work.covered.append((start, start + len(name)))
        return None
    match = _POSSESSIVE_OWNER.search(work.clause.sentence, work.clause.start, span.start)
    if match is None:
        return None
    from nlsh.system.processes import user_exists

    user = match.group("user").lower()
    if user_exists(user) and not _is_live_program(user):
        work.slots["user"] = user
        work.covered.append((match.start(), match.end()))
    return None


_MY = re.compile(r"(?i)\b(?:my|my\s+own|mine)\s+(?:\w+\s+)?$")


def _my(work: _Work) -> Reply | None:
    """"kill my A": only the user's own A — it matters when other users run A too."""
    span = next((s for s in work.parse.spans if s.slot == "process" and s.value is not None),
                None)
    if (span is None or "user" in work.slots or work.parse.intent not in CHANGING_TARGET_INTENTS
            or not _MY.search(work.clause.sentence, work.clause.start, span.start)):
        return None
    from nlsh.system.processes import named_processes

    me = _current_user()
    if any(p.username != me for p in named_processes(str(span.value)).values()):
        work.slots["user"] = me
    return None


def _current_user() -> str:
    import getpass

    return getpass.getuser()


_USER_CUE = re.compile(r"(?i)\b(?:owned\s+by|belonging\s+to|user|users|account|of|for|as|by|"
                       r"run\s+by|started\s+by|from)\s+(?:the\s+)?(?:user\s+)?$")


_USER_CUE_AFTER = re.compile(r"(?i)(?:'s|’s|s')|\s+(?:is\s+|are\s+)?(?:running|runs|run|has|have|"
                             r"owns|own|started|launched)\b")


def _model_user(work: _Work) -> Reply | None:
    """"terminate every A", "is A or B running": the model may read a program as a user.
    Without an owner phrase, a "user" that is the program named, or no user at all, is a
    program."""
    if work.clause.of_kind("owner") or work.parse.intent not in PROCESS_INTENTS:
        return None
    from nlsh.system.processes import user_exists

    spans = list(work.parse.spans)
    for index, span in enumerate(spans):
        if span.slot != "user" or not isinstance(span.value, str):
            continue
        cue = _USER_CUE.search(work.clause.sentence, work.clause.start, span.start)
        said_as_user = (cue is not None or _USER_CUE_AFTER.match(work.clause.sentence, span.end)
                        is not None or span.text.rstrip().endswith(("'s", "’s")))
        if not said_as_user and span.value == "nobody":
            return Reply(Status.CLARIFY, "'nobody' is a user here, and also means no one: say "
                                         "'everything owned by nobody' if that is what you mean")
        if not said_as_user and user_exists(span.value) and _is_live_program(span.value):
            return Reply(Status.CLARIFY, f"'{span.value}' is both a user and a running program: "
                                         f"say 'the program {span.value}' or 'everything owned by "
                                         f"{span.value}'")
        if not said_as_user and work.parse.intent in CHANGING_TARGET_INTENTS:
            # "kill process root": nothing says "owned by", so root is a program's name
            spans[index] = replace(span, slot="process")
            if work.slots.get("user") == span.value:
                work.slots.pop("user", None)
            work.slots.setdefault("process", span.value)
            continue
        if span.value == work.slots.get("process") or (
                not user_exists(span.value) and _is_live_program(span.value)):
            spans[index] = replace(span, slot="process")
            if work.slots.get("user") == span.value:
                work.slots.pop("user", None)
            work.slots.setdefault("process", span.value)
    work.parse = replace(work.parse, spans=tuple(spans))
    return None


def _generic_names(work: _Work) -> Reply | None:
    """"fix high memory usage in linux": a generic word is never a program or a user; and
    "kill A 8080" is not a program named "a 8080"."""
    name = work.slots.get("process")
    if isinstance(name, str) and re.search(r"\s[-+]?\d+$", name):
        span = next((s for s in work.parse.spans if s.value == name), None)
        number = re.search(r"[-+]?\d+$", name)
        if span is not None and number is not None:
            end = span.start + len(span.text.rstrip())
            return _not_understood(work, [(end - len(number.group(0)), end)])
    for slot in ("process", "user"):
        value = work.slots.get(slot)
        if not isinstance(value, str):
            continue
        words = value.lower().split()
        if words and all(w in GENERIC_NAMES or (w in FUNCTION_WORDS and w not in PROGRAM_NAMES)
                         for w in words):
            span = next((s for s in work.parse.spans
                         if s.slot in ("process", "user") and s.value == value), None)
            if span is not None and _said_named(work.clause.sentence, span.start):
                continue
            work.slots.pop(slot, None)
            if span is not None and (span.start, span.end) in work.covered:
                work.covered.remove((span.start, span.end))  # its words count as plain words
    return None


def _said_named(sentence: str, start: int) -> bool:
    return bool(re.search(r"(?i)\b(?:named|called)\s*['\"]?$", sentence[:start]))


_LIST_JOINER = (r"(?:\s*,\s*(?:and\s+|&\s+)?|\s+and\s+|\s*[&+]\s*|\s+as\s+well\s+as\s+|\s+plus\s+"
                r"|\s+along\s+with\s+|\s+together\s+with\s+|\s+and\s+also\s+|\s+too\s*,?\s+)")
_LIST_JOINER_AROUND = re.compile(r"(?i)(?:,|&|\+|\band|\bplus|\bor|\bwith)\s*$")
_LIST_JOINER_AFTER = re.compile(r"(?i)\s*(?:,|&|\+|and\b|plus\b|or\b|as\s+well)")
_ITEM = r"(?:also\s+)?(?:the\s+)?(?:(?P<kind>pid|process|port)s?\s+)?(?P<item>[^\s,;&]+)"
_LIST_ITEM = re.compile(_LIST_JOINER + _ITEM, re.IGNORECASE)
# "is A or B running", "show A or B": either of them, for questions that only read.
_EITHER_ITEM = re.compile(r"(?:" + _LIST_JOINER + r"|\s+or\s+|\s*,\s*or\s+)" + _ITEM,
                          re.IGNORECASE)
_BEFORE_ITEM = re.compile(r"(?:both\s+)?(?:the\s+)?(?P<item>[^\s,;&]+)" + _LIST_JOINER + r"$",
                          re.IGNORECASE)


_PORT_WORDS = re.compile(r"(?i)(?:listen(?:s|ing)?|bound|bind(?:s|ing)?|serv(?:es|ing))\s+"
                         r"(?:on|to|at)\s*:?$|:$")
_SAID_PID = re.compile(r"(?i)\b(?:pid|process\s+id)\s*#?\s*(?P<n>[-+\u2212]\s*\d{1,30}|\d{8,30})\b")
_LISTENS_ON_NUMBER = re.compile(r"(?i)\b(?:listen(?:s|ing)?|bound|bind(?:s|ing)?|serv(?:es|ing))\s+"
                                r"(?:on|to|at)\s*:?\s*(?P<port>\d{1,5})\b")
_COUNT_BEFORE = re.compile(r"(?i)(?<!-\w\s)(?<!-\w)\b(?:one|two|three|four|five|a\s+couple|a\s+few|"
                           r"some|\d+)\s+"
                           r"(?:of\s+(?:the|my)\s+)?(?:the\s+)?$")


def _number_kinds(work: _Work) -> Reply | None:
    """"kill whatever listens on 8080": the number is a port, whatever the model said;
    "kill 2 A", "kill one A": a count nlsh cannot choose for the user; "kill pid -5": a
    pid out of range, whatever the model made of it."""
    sentence = work.clause.sentence
    said_pid = _SAID_PID.search(sentence, work.clause.start, work.clause.end)
    if said_pid is not None and work.parse.intent in PROCESS_INTENTS:
        number = int(said_pid.group("n").replace("\u2212", "-").replace(" ", ""))
        if number < 1:
            return Reply(Status.INVALID, f"{number} is not a process id")
        if number > PID_LIMIT:
            return Reply(Status.INVALID, f"pid must be in 1–{PID_LIMIT} (got {number})")
    listened = _LISTENS_ON_NUMBER.search(sentence, work.clause.start, work.clause.end)
    if listened is not None and not any(work.slots.get(s) is not None for s in TARGET_SLOTS):
        port = int(listened.group("port"))  # "kill whatever listens on 19169", untagged
        work.slots["port"] = port
        work.parse = replace(work.parse, spans=(*work.parse.spans, SlotSpan(
            "port", listened.group("port"), listened.start("port"), listened.end("port"), port)))
        work.covered.append((listened.start(), listened.end()))
    spans = list(work.parse.spans)
    for index, span in enumerate(spans):
        said = span.text.strip().strip(",.;:!?")
        if span.slot in ("pid", "port") and re.fullmatch(r"(?i)[a-z_][\w.+@-]*\d[\w.+@-]*", said):
            # "bkagent84" is a program's name, not pid 84 read out of it
            if span.value is not None and work.slots.get(span.slot) == span.value:
                work.slots.pop(span.slot, None)
            spans[index] = replace(span, slot="process", value=said.lower())
            work.slots.setdefault("process", said.lower())
            continue
        if span.slot == "pid" and isinstance(span.value, int) and 1 <= span.value <= 65535 and (
                _PORT_WORDS.search(sentence, work.clause.start, span.start)):
            spans[index] = replace(span, slot="port")
            work.slots.pop("pid", None)
            work.slots["port"] = span.value
        if span.slot == "process" and work.parse.intent in CHANGING_TARGET_INTENTS:
            count = _COUNT_BEFORE.search(sentence, work.clause.start, span.start)
            if count is not None:
                return Reply(Status.CLARIFY,
                             f"Which {count.group(0).strip()} of them? nlsh does not choose for "
                             f"you: name them by pid (say 'show {span.text}' to see the pids)")
    work.parse = replace(work.parse, spans=tuple(spans))
    return None


_VERB_THEN_NAME = re.compile(r"(?i)^\W*(?:please\s+|just\s+)?(?:kill|pkill|killall|terminate|end|"
                             r"pause|suspend|freeze|resume|unpause|continue|renice|ionice|"
                             r"lower|boost|deprioriti[sz]e)\s+(?:the\s+)?(?:program\s+|process\s+)?"
                             r"(?P<name>[\w.+@:-]+)")


def _bare_program(work: _Work) -> Reply | None:
    """"kill top", "kill yes": an everyday word the model did not take for a name is the
    program when one of exactly that name runs."""
    if work.parse.intent not in CHANGING_TARGET_INTENTS or any(
            work.slots.get(s) is not None for s in TARGET_SLOTS):
        return None
    match = _VERB_THEN_NAME.match(work.clause.sentence, work.clause.request_start,
                                  work.clause.end)
    if match is None:
        return None
    name = match.group("name").lower()
    if name in ("it", "them", "that", "this", "everything", "all") or not _is_live_program(name):
        return None
    work.slots["process"] = name
    work.covered.append((match.start("name"), match.end("name")))
    work.parse = replace(work.parse, spans=(*work.parse.spans, SlotSpan(
        "process", match.group("name"), match.start("name"), match.end("name"), name)))
    return None


def _without_stray_names(work: _Work, spans: list[SlotSpan]) -> list[SlotSpan]:
    """"knock A down to low priority" read as programs "knock" and "A": a name that runs
    nothing, beside one that runs and joined to it by no list word, is a plain word."""
    names = [s for s in spans if s.slot == "process"]
    live = {id(s) for s in names if _is_live_program(str(s.value))}
    if len(names) < 2 or not live or len(live) == len(names):
        return spans
    sentence = work.clause.sentence
    kept = []
    for span in spans:
        if span.slot == "process" and id(span) not in live and not (
                _LIST_JOINER_AROUND.search(sentence[max(span.start - 12, 0):span.start])
                or _LIST_JOINER_AFTER.match(sentence, span.end)):
            if (span.start, span.end) in work.covered:
                work.covered.remove((span.start, span.end))
            if work.slots.get("process") == span.value:
                work.slots.pop("process", None)
            continue
        kept.append(span)
    if "process" not in work.slots:
        first = next((s for s in kept if s.slot == "process"), None)
        if first is not None:
            work.slots["process"] = first.value  # type: ignore[assignment]
    return kept


def _listed_targets(work: _Work) -> Reply | None:
    """"kill A and B", "kill A, B and C", "kill pids 10 and 12": all of them, one plan."""
    if work.parse.intent not in PROCESS_INTENTS:
        return None
    spans = sorted((s for s in work.parse.spans if s.slot in ("process", "pid", "port")
                    and s.value is not None and s.end > s.start), key=lambda s: s.start)
    spans = _without_stray_names(work, spans)
    if not spans:
        return None
    first = spans[0]
    slot = first.slot
    value = work.slots.get(slot)
    sentence = work.clause.sentence
    for other in spans[1:]:
        between = sentence[first.end:other.start]
        if other.slot != slot and re.fullmatch(_LIST_JOINER + r"(?:also\s+)?(?:the\s+)?"
                                               r"(?:pid|process|port)?s?\s*", between, re.I):
            # "kill A and pid 4312": either target, not a process that is both
            work.slots.pop(other.slot, None)
            work.also.append((other.slot, other.value))  # type: ignore[arg-type]
    if "process" in work.slots and "pid" in work.slots:
        pid_span = next(s for s in spans if s.slot == "pid")
        if not re.search(r"(?i)(?:pid|process|id|#|number)\s*#?\s*$",
                         sentence[work.clause.start:pid_span.start]):
            return _not_understood(work, [(pid_span.start, pid_span.end)])
    if slot == "process" and isinstance(value, str):
        names = _names_in(value)
        if names and names[0] != value:  # "a plus b", "a +": the names, not the joiner
            work.slots["process"] = names[0]
            work.also.extend(("process", n) for n in names[1:])
    previous_end = first.end
    for later in spans[1:]:
        if later.slot != slot or later.value is None:
            continue
        between = sentence[previous_end:later.start]
        joined = bool(re.search(r"(?i)(?:[,&+]|\band|\bplus|\bor)\s*$",
                                sentence[work.clause.start:previous_end]))
        if (between.strip() or not joined) and not re.fullmatch(
                _LIST_JOINER + r"(?:also\s+)?(?:the\s+)?(?:pid|process|port)?s?\s*", between,
                re.IGNORECASE) and later.value != value:
            if slot == "process" and not _is_live_program(str(later.value)):
                # "let A carry on with its crawl": not a list, and "crawl" names nothing
                # running: its words are accounted for like any others
                if (later.start, later.end) in work.covered:
                    work.covered.remove((later.start, later.end))
                continue
            quoted = (previous_end, later.start) if between.strip() else (first.start, later.end)
            return _not_understood(work, [quoted])
        if re.match(r"(?i)\s+to\s+[-+]?\d", between):
            # "renice A to 10 and B to 5": one value per target is not one plan
            return _not_understood(work, [(first.start, work.clause.end)])
        previous_end = later.end
        if later.value != value:
            for name in _names_in(later.value) if slot == "process" else [later.value]:
                work.also.append((slot, name))
    position = max(s.end for s in spans if s.slot == slot)
    joiner = _EITHER_ITEM if work.parse.intent in ("process.find", "process.list") else _LIST_ITEM
    while True:
        match = joiner.match(sentence, position, work.clause.end)
        if match is None:
            break
        item = match.group("item").strip("'\".!?")
        if re.match(r"(?i)\s+to\s+[-+]?\d+\S*\s*(?:,|and\b|&|\+|plus\b)", sentence[match.end():]):
            # "renice A and B to 10 and C to 5": one value per target is not one plan
            # ("renice A and B to 15", one value after the list, is)
            return _not_understood(work, [(match.start(), work.clause.end)])
        kind = (match.group("kind") or slot).lower()
        parsed = _list_value(kind if kind != "process" or slot == "process" else slot, item)
        if parsed is None:
            break
        work.also.append(parsed)
        work.covered.append((match.start(), match.end()))
        position = match.end()
    before = _BEFORE_ITEM.search(sentence, work.clause.start, first.start)
    if before is not None and slot == "process":
        parsed = _list_value(slot, before.group("item").strip("'\""))
        if parsed is not None and before.group("item").lower() not in VERB_FORMS:
            work.also.insert(0, parsed)
            work.covered.append((before.start(), before.end()))
    work.also = list(dict.fromkeys(a for a in work.also if a != (slot, value)))
    return None


def _names_in(value: SlotValue) -> list[SlotValue]:
    """"a and b" read as one name by the model: the names it lists."""
    if not isinstance(value, str):
        return [value]
    return [n for n in re.split(r"\s*(?:,|\band\b|&|\+|\bas well as\b|\bplus\b)\s*", value) if n]


def _list_value(slot: str, item: str) -> tuple[str, SlotValue] | None:
    lowered = re.sub(r"(?:'s|’s)$", "", item.lower())  # "A and B's priority"
    if slot in ("pid", "port"):
        return (slot, int(lowered.lstrip(":#"))) if lowered.lstrip(":#").isdigit() else None
    if (lowered in FUNCTION_WORDS or lowered in GENERIC_NAMES or lowered in REQUEST_STARTS
            or lowered in MODIFIERS or not re.fullmatch(r"[\w.+@:-]+", lowered)):
        return None
    if lowered.isdigit():
        return None
    return "process", lowered


_PID_ITEM = re.compile(r"(?i)^(?:the\s+ones?\s+(?:with|on|at|whose)\s+)?(?:(?:pids?|process(?:es)?"
                       r"(?:\s+ids?)?|#)\s*(?:is\s+)?#?\s*)?(?P<pid>\d{1,10})$")
_PORT_ITEM = re.compile(r"(?i)^(?:the\s+ones?\s+)?(?:(?:on|at|using|listening\s+on|holding)\s+)?"
                        r"port\s+:?(?P<port>\d{1,5})$")
_USER_ITEM = re.compile(
    r"(?i)^(?:those|the\s+ones?|ones?|processes|the\s+processes|any|anything|everything|all|"
    r"the\s+ones?\s+that\s+(?:are|is))?\s*(?:(?:owned|run|started|launched)\s+by|belonging\s+to|"
    r"of|for|from)\s+(?:the\s+)?(?:user\s+)?(?P<user>[a-z_][\w.-]*)$|^(?:the\s+)?user\s+"
    r"(?P<user2>[a-z_][\w.-]*)(?:'s)?(?:\s+\w+)?$|^(?:the\s+ones?|those|ones?)\s+(?:that\s+)?"
    r"(?P<user3>[a-z_][\w.-]*)\s+(?:owns?|runs?|started|launched)$")
_POSSESSIVE = re.compile(r"(?i)^(?:the\s+)?(?P<owner>[\w.+-]+)(?:'s|’s|s')(?:\s+(?:ones?|"
                         r"processes|stuff|cache|caches|files|things))?$")
_NAME_ITEM = re.compile(r"(?i)^(?:the\s+|any\s+|all\s+)?(?P<name>[\w.+@:-]+)(?:\s+(?:one|ones|"
                        r"process|processes|instance|instances|server|window|windows))?$")


_PLACE_AFTER = re.compile(
    r"(?i)\b(?:in|from|under|inside|within)\s+(?:my\s+|the\s+)?(?P<place>~[^\s,;]*|/[^\s,;]*|"
    r"[A-Za-z][\w.-]*)(?:\s+(?:folder|directory|dir))?")


def _file_place(work: _Work) -> None:
    """The folder a file.trash names when the tagger missed it ("the .iso files in
    Downloads"): a path as written, or a word that is one of home's folders."""
    if work.slots.get("path") is not None:
        return
    import os

    from nlsh.answers.file_request import resolve_place

    clause = work.clause
    for match in _PLACE_AFTER.finditer(clause.sentence, clause.request_start, clause.end):
        place = match.group("place")
        if place.startswith(("~", "/")) or resolve_place(place, os.path.expanduser("~")):
            work.slots["path"] = place
            work.covered.append(match.span())
            return


def _file_left_out(work: _Work) -> Reply | None:
    """A file search's left-out places and kinds ("pdfs not in Downloads"); a negating
    word nothing accounts for is asked about, never dropped."""
    from nlsh.meaning.file_words import left_out

    clause = work.clause
    comparisons = [f.span for kind in ("comparison", "not_owner")  # read already
                   for f in clause.of_kind(kind)]
    values = _file_values(work)
    found, unplaced = left_out(clause.sentence, clause.request_start, clause.end, comparisons,
                               values)
    if unplaced:
        return _not_understood(work, unplaced)
    for item in found:
        work.exclusions.append(item.exclusion)
        work.covered.append((item.start, item.end))
        for span in work.parse.spans:  # the model read the excluded place as the place
            if span.slot == "path" and span.start < item.end and span.end > item.start:
                work.slots.pop("path", None)
            if span.slot == "kind" and span.start < item.end and span.end > item.start:
                work.slots.pop("kind", None)
    return None


_PLACE_NOUNS = frozenset({"folder", "folders", "directory", "directories", "dir", "home"})
_VALUE_CUES = {
    "content": re.compile(r"(?i)\b(?:contain(?:s|ing)?|mention(?:s|ing)?|that\s+says?|with\s+the\s+"
                          r"(?:word|text|string|phrase)|grep\s+(?:for\s+)?)\s+(?:the\s+(?:word|"
                          r"text|string|phrase)\s+)?(?P<value>'[^']+'|\"[^\"]+\"|[^\s,;?!]+)"),
    "pattern": re.compile(r"(?i)\b(?:named|called)\s+(?P<value>'[^']+'|\"[^\"]+\"|[^\s,;?!]+)"),
}
_QUOTED = re.compile(r"'[^']+'|\"[^\"]+\"|[‘“][^’”]+[’”]|`[^`]+`")


def _file_values(work: _Work) -> list[tuple[int, int]]:
    """A name or a text to contain is the whole of what was written: the pieces the tagger
    labelled and a quoted string they fall in ("containing 'do not merge'") are one value."""
    from nlsh.system.file_kinds import EXTENSION_WORDS, KIND_WORDS

    sentence, clause = work.clause.sentence, work.clause
    for word in re.finditer(r"[A-Za-z0-9]+", sentence[:clause.end]):
        said = word.group(0).lower()
        if word.start() >= clause.request_start and (
                said in KIND_WORDS or said in EXTENSION_WORDS or said in _PLACE_NOUNS):
            work.covered.append(word.span())  # a kind, an extension, "folder": all read
    ranges = []
    for slot in ("pattern", "content"):
        spans = [(s.start, s.end) for s in work.parse.spans if s.slot == slot and s.end > s.start]
        if not spans:  # the tagger missed it: the word after "containing"/"named" is it
            cue = _VALUE_CUES[slot].search(sentence, clause.request_start, clause.end)
            if cue is None:
                continue
            spans = [cue.span("value")]
        low, high = min(a for a, _ in spans), max(b for _, b in spans)
        for quoted in _QUOTED.finditer(sentence, clause.start, clause.end):
            if quoted.start() < high and quoted.end() > low:
                low, high = min(low, quoted.start()), max(high, quoted.end())
        value = sentence[low:high].strip().strip("'\"`‘’“”").strip()
        if value:
            work.slots[slot] = value
        work.covered.append((low, high))
        ranges.append((low, high))
    return ranges


def _exclusions(work: _Work) -> Reply | None:
    if work.parse.intent in FILE_INTENTS:
        if work.parse.intent == "file.trash":
            _file_place(work)
        return _file_left_out(work)
    items = work.clause.of_kind("exclusion")
    cues = work.clause.of_kind("exclusion_cue")
    if cues and not items:  # "kill A except" — except what?
        return _not_understood(work, [f.span for f in cues])
    if not items:
        return None
    intent = work.parse.intent or ""
    if intent not in EXCLUDING_INTENTS:
        return _not_understood(work, [f.span for f in work.clause.of_kind("exclusion_cue")]
                               + [f.span for f in items])
    kind_before = ""
    for found in items:
        text = str(found.value)
        if re.fullmatch(r"[-+]?\d+", text.strip()) and work.slots.get("nice") is not None:
            continue  # "renice A to 5, not 10": the value said is 5
        if kind_before and re.fullmatch(r"\d{1,10}", text.strip()):
            text = f"{kind_before} {text.strip()}"  # "except pids 10 and 12": 12 is a pid too
        exclusion = _exclusion_of(text, intent)
        kind_before = exclusion.kind if exclusion and exclusion.kind in ("pid", "port") else ""
        if exclusion is None:
            return _not_understood(work, [found.span])
        work.exclusions.append(exclusion)
    if intent in CHANGING_TARGET_INTENTS and not any(
            work.slots.get(s) is not None for s in TARGET_SLOTS) and not work.also:
        everything = work.clause.text.strip()
        return Reply(Status.CLARIFY,
                     f"I understood '{everything}', but nlsh never acts on every process: name "
                     "the program, pid, port or user to act on (the exclusion then narrows it)")
    return None


def _exclusion_of(text: str, intent: str) -> Exclusion | None:
    cleaned = text.strip().strip("'\".!?")
    if intent == "disk.cleanup":
        from nlsh.actions.cleaner_names import find_named_caches

        named = find_named_caches(cleaned)
        if named.names and not named.unknown:
            return Exclusion("cleaner", named.names[0], text)
        possessive = _POSSESSIVE.match(cleaned)
        if possessive:
            named = find_named_caches(possessive.group("owner") + " cache")
            if named.names:
                return Exclusion("cleaner", named.names[0], text)
        if cleaned.startswith(("/", "~")):
            return Exclusion("path", cleaned, text)
        return None
    pid = _PID_ITEM.match(cleaned)
    if pid:
        return Exclusion("pid", int(pid.group("pid")), text)
    port = _PORT_ITEM.match(cleaned)
    if port:
        return Exclusion("port", int(port.group("port")), text)
    user = _USER_ITEM.match(cleaned)
    if user:
        return Exclusion("user", (user.group("user") or user.group("user2")
                                  or user.group("user3")).lower(), text)
    possessive = _POSSESSIVE.match(cleaned)
    if possessive:
        from nlsh.system.processes import user_exists

        owner = possessive.group("owner").lower()
        if user_exists(owner) and not _is_live_program(owner):
            return Exclusion("user", owner, text)
        return Exclusion("process", owner, text)  # "not beta's": the program beta
    name = _NAME_ITEM.match(cleaned)
    if name:
        value = name.group("name").lower()
        if value in FUNCTION_WORDS or value in GENERIC_NAMES or value in MODIFIERS:
            return None
        return Exclusion("process", value, text)
    return None


def _limits(work: _Work) -> Reply | None:
    from nlsh.language.quantities import check_consistent

    for found in work.clause.of_kind("invalid_comparison"):
        return Reply(Status.INVALID, str(found.value))
    for found in work.clause.of_kind("vague_comparison"):
        return Reply(Status.CLARIFY, str(found.value))
    comparisons = [f.value for f in work.clause.of_kind("comparison")]
    if not comparisons:
        return None
    intent = work.parse.intent or ""
    allowed = LIMITS_BY_INTENT.get(intent, frozenset())
    problem = check_consistent(comparisons)  # type: ignore[arg-type]
    if problem is not None:
        return Reply(Status.INVALID, problem)
    for found, comparison in zip(work.clause.of_kind("comparison"), comparisons, strict=True):
        limit: Limit = comparison.to_limit()  # type: ignore[attr-defined]
        _give_way(work, found)
        if limit.quantity not in allowed:
            return _not_understood(work, [found.span])
        if limit.value < 0 or not math.isfinite(limit.value):
            return Reply(Status.INVALID, f"'{limit.text}' is not a valid limit")
        if intent == "disk.cleanup" and limit.quantity == "age" and limit.op in (">", ">="):
            if limit.value == int(limit.value) and limit.op == ">":
                work.slots["older_than_days"] = int(limit.value)
                continue
            work.slots.pop("older_than_days", None)
        if intent == "disk.largest" and limit.quantity == "size":
            if limit.op not in (">", ">="):
                return _not_understood(work, [found.span])
            work.slots["min_size"] = int(limit.value)
            continue
        work.limits.append(limit)
    return None


def _give_way(work: _Work, found: Found) -> None:
    """The model's reading of a comparison's words gives way to the comparison: a number
    ("1" of "1,000 days") is dropped, a name that ran into it ("A using more than 1 GB")
    keeps only the words before it."""
    from nlsh.language.resolve import ResolutionError, _resolve_name

    spans = []
    for span in work.parse.spans:
        if not (span.start < found.end and span.end > found.start):
            spans.append(span)
            continue
        value: SlotValue | None = None
        if span.slot in ("process", "user") and span.start < found.start:
            text = work.clause.sentence[span.start:found.start]
            try:
                value = _resolve_name(text, span.slot)
            except ResolutionError:
                value = None
        if value is None:
            if work.slots.get(span.slot) == span.value:
                work.slots.pop(span.slot, None)
            continue
        work.slots[span.slot] = value
        spans.append(replace(span, end=span.start + len(text.rstrip()), text=text.rstrip(),
                             value=value))
    work.parse = replace(work.parse, spans=tuple(spans))


def _named_caches(work: _Work) -> Reply | None:
    if work.parse.intent != "disk.cleanup":
        return None
    from nlsh.actions.cleaner_names import unknown_cache_reply

    unknown = [str(f.value) for f in work.clause.of_kind("unknown_cache")]
    if unknown:
        return unknown_cache_reply(unknown)
    excluded = {e.value for e in work.exclusions if e.kind == "cleaner"}
    work.named = [str(f.value) for f in work.clause.of_kind("cache") if f.value not in excluded]
    return None


_NICE_UP = re.compile(r"(?i)\b(?:incr?e?a?se|incrase|increse|raise|bump(?:\s+up)?|up|higher|more)\b"
                      r"[^.,;]{0,30}\bnice(?:ness)?\b|\bnice(?:ness)?\s+(?:level\s+|value\s+)?"
                      r"(?:up|higher)\b|\b(?:less|lower)\s+(?:cpu\s+)?priority\b|"
                      r"\bless\s+greedy\b|\bplay\s+nice\b")
_NICE_DOWN = re.compile(r"(?i)\b(?:decrease|lower|reduce|drop|less)\b[^.,;]{0,30}\bnice(?:ness)?\b"
                        r"|\bnice(?:ness)?\s+(?:level\s+|value\s+)?(?:down|lower)\b"
                        r"|\b(?:more|higher|extra)\s+(?:cpu\s+)?priority\b")


_NICE_WORD = re.compile(r"(?i)\bnice(?:ness)?\b")


_TO_LEVEL = re.compile(r"(?i)\brenice\b.*?\bto\s+(?P<level>[-+]?\d{1,2})\s*[.!]?\s*$")


def _nice_direction(work: _Work) -> Reply | None:
    """A higher nice value is a *lower* priority: "increase the nice level" → low."""
    if work.parse.intent != "process.renice" or work.slots.get("nice") is not None:
        return None
    clause = work.clause
    level = _TO_LEVEL.search(clause.sentence, clause.request_start, clause.end)
    if level is not None and work.slots.get("priority") is None and \
            -20 <= int(level.group("level")) <= 19:  # "renice A and B to 15": the tagger missed it
        work.slots["nice"] = int(level.group("level"))
        work.covered.append(level.span("level"))
        return None
    if work.slots.get("priority") is not None and not _NICE_WORD.search(work.clause.text):
        return None  # the model read "lower priority" itself; only "nice" words invert
    text = work.clause.text
    up, down = _NICE_UP.search(text), _NICE_DOWN.search(text)
    if up and not down:
        work.slots["priority"] = "low"
    elif down and not up:
        work.slots["priority"] = "high"
    else:
        return None
    match = up or down
    assert match is not None
    work.covered.append((work.clause.start + match.start(), work.clause.start + match.end()))
    return None


# ── accounting ──────────────────────────────────────────────────────────────

_TOKEN = re.compile(r"[^\s]+")
_EDGE = "\"'`“”‘’.,;:!?()[]{}"


def _accounting(work: _Work) -> Reply | None:
    """Every word that carries meaning shaped the reading; otherwise ask, quoting it."""
    if work.parse.source == "rules" and work.parse.intent not in FILE_INTENTS:
        return None
    from nlsh.meaning.vocabulary import ANY_INTENT, intent_words

    vocabulary = intent_words()
    own = vocabulary.get(work.parse.intent or "", frozenset())
    every = vocabulary.get(ANY_INTENT, frozenset())
    left: list[tuple[int, int]] = []
    unknown: list[tuple[int, int, str]] = []
    sentence = work.clause.sentence
    # Words describing the situation before the request ("my laptop only has 8gb, …") tell
    # why, not what: the request itself is accounted for word by word.
    begin = work.clause.request_start
    for match in _TOKEN.finditer(sentence, begin, work.clause.end):
        low, high = match.span()
        if any(low < b and high > a for a, b in work.covered):
            continue
        word = match.group(0).strip(_EDGE).lower()
        if not word:
            continue
        if _carries_meaning(word, own, work.parse.intent in CHANGING_INTENTS) or (
                word in NUMBER_NOUNS and work.parse.intent in CHANGING_TARGET_INTENTS) or (
                work.parse.intent in FILE_INTENTS and word not in own
                and word not in FUNCTION_WORDS):
            # a file search's stray word may be the very name or text sought: ask
            left.append((low, high))
        elif word not in every and word not in FUNCTION_WORDS and re.fullmatch(r"[a-z]+", word):
            unknown.append((low, high, word))
    if unknown:
        left.extend((low, high) for low, high, word in unknown if _is_live_name(word))
    left = _left_over_program(work, left)
    if left:
        return _not_understood(work, left)
    return None


def _left_over_program(work: _Work, left: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """"drop the niceness of mail-pull42" with no target read: a left-over word that is
    exactly the name of a running program is the target (one, and only then)."""
    if work.parse.intent not in PROCESS_INTENTS or any(
            work.slots.get(s) is not None for s in TARGET_SLOTS) or not left:
        return left
    names = [(low, high, re.sub(r"(?:'s|’s)$", "", work.clause.sentence[low:high].strip(_EDGE)))
             for low, high in left]
    live = [(low, high, name) for low, high, name in names if _is_live_program(name.lower())]
    if len(live) != 1:
        return left
    low, high, name = live[0]
    work.slots["process"] = name.lower()
    work.covered.append((low, high))
    return [span for span in left if span != (low, high)]


def _carries_meaning(word: str, own: frozenset[str], changes: bool) -> bool:
    """Whether a word nothing accounted for would change the reply. An operator word in a
    request that changes the system always does; in a question that only reads, it does
    unless the intent's own examples use it ("what have you done today")."""
    bare = word.strip("'-")
    if changes and (bare in STRICT_MODIFIERS or bare.removesuffix("'s") in STRICT_MODIFIERS):
        return True
    if bare in own or bare.rstrip("s") in own:
        return False
    if re.fullmatch(r"[a-z]+(?:/[a-z]+)+", bare):  # "i/o", "used/free": words, not a path
        return False
    if re.search(r"\d", bare) or bare.startswith(("/", "~", "./", "-")):
        return True
    if re.search(r"\w[/@:=_.+]\w", bare) and not re.fullmatch(r"[a-z]+'[a-z]+", bare):
        return True
    return bare in MODIFIERS


def _is_live_program(name: str) -> bool:
    from nlsh.system.processes import live_names

    return name in live_names()


def _is_live_name(word: str) -> bool:
    """Whether a running program or a user has exactly this name (then it is a named thing)."""
    from nlsh.system.processes import live_names, user_exists

    return user_exists(word) or word in live_names()


def _not_understood(work: _Work, spans: list[tuple[int, int]]) -> Reply:
    sentence = work.clause.sentence
    merged: list[list[int]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    quoted = " … ".join(sentence[a:b].strip(_EDGE + " ") for a, b in merged)
    understood_parts = []
    position = work.clause.start
    for low, high in merged:
        understood_parts.append(sentence[position:low])
        position = high
    understood_parts.append(sentence[position:work.clause.end])
    understood = " ".join(" ".join(understood_parts).split()).strip(_EDGE + " ")
    if understood:
        message = f"I understood '{understood}' but not '{quoted}'"
    else:
        message = f"I did not understand '{quoted}'"
    return Reply(Status.CLARIFY, message + ". Say it another way, or leave it out")
