"""One request read for its operators before the model sees it.

Found here, each with its exact span in the sentence: the mood (a question about an
action), the polarity (a negated order, "leave X alone"), exclusions ("except pid 4312"),
owner qualifiers ("owned by alice"), comparisons ("older than 1,000 days"), named caches
("pip and npm caches") and force words. What would mislead the model — a negation, a
question frame, an exclusion, a qualifier — is taken out of the text it reads; a verb in
another form ("A killed", "killing A") is put back in its base form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlsh.meaning.lexicon import (
    FORCE_CUES,
    LEAVE_PATTERNS,
    NEGATION_LEADS,
    QUESTION_LEADS,
    VERB_FORMS,
)
from nlsh.meaning.rewrite import Rewrite, keep_all_but

_FLAGS = re.IGNORECASE
_POLITE = (r"(?:(?:please|pls|so|ok|okay|hey|hmm|um|uh|nlsh|and|but|also|just|then|"
           r"(?:a\s+|one\s+|quick\s+|small\s+|honest\s+|stupid\s+|dumb\s+)*question)"
           r"\s*[,:-]?\s+)*")
_QUESTION = re.compile(rf"^{_POLITE}(?:{'|'.join(QUESTION_LEADS)})\b\s*", _FLAGS)
_PASSIVE_QUESTION = re.compile(
    rf"^{_POLITE}(?:can|could|should|may|might|will|would|must|shall)\s+(?P<target>.+?)\s+"
    r"(?:safely\s+|really\s+|just\s+)?be\s+(?:safely\s+)?(?P<verb>[a-z]+)\b", _FLAGS)
_SAFE_TO_QUESTION = re.compile(
    rf"^{_POLITE}(?:is|are|would|will)\s+(?!(?:it|that|this|there)\s)(?P<target>.+?)\s+"
    r"(?:be\s+)?(?:safe|ok|okay|fine|alright|"
    r"all\s+right)\s+to\s+(?P<verb>[a-z]+)\b", _FLAGS)
_POLITE_GERUND = re.compile(rf"^{_POLITE}(?:would|do)\s+you\s+mind\s+(?P<verb>[a-z]+ing)\b", _FLAGS)
_QUESTION_TAG = re.compile(r"(?i),?\s*(?:right|ok|okay|yes|yeah|correct|no|ya|yea|is\s+that\s+ok)"
                           r"\s*$")
_TRAILING_NEVER = re.compile(r"(?i)(?<!\bbut)(?<!\band)(?<!\bor)(?<!,)\s+(?:never|not|no)\s*$")
_GERUND_QUESTION = re.compile(
    rf"^{_POLITE}(?:would|will|does|could|is|was|isn'?t)\s+(?P<verb>[a-z]+ing)\b", _FLAGS)
_TRAILING_QUESTION = re.compile(
    r"[,;]?\s*\b(?:is\s+(?:that|it|this)\s+(?:safe|ok|okay|fine|a\s+good\s+idea|wise)|"
    r"would\s+(?:that|it)\s+(?:be\s+)?(?:safe|ok|okay|fine|help)|(?:safe|ok|okay)\s*\?)"
    r"\s*\??\s*$", _FLAGS)
_NEGATION = re.compile(rf"^{_POLITE}(?:{'|'.join(NEGATION_LEADS)})\b\s*", _FLAGS)
_LEAVE = tuple(re.compile(rf"^{_POLITE}(?:please\s+)?{pattern}", _FLAGS)
               for pattern in LEAVE_PATTERNS)
_FORCE = re.compile(r"(?<![\w-])(?:" + "|".join(
    re.escape(c) for c in sorted(FORCE_CUES, key=len, reverse=True)) + r")(?![\w-])", _FLAGS)

_NO_FORCE = re.compile(r"(?i)\b(?:without|no|not|don'?t|never|no\s+need\s+to|not\s+with|"
                       r"without\s+using|but\s+not)\s+(?:a\s+|any\s+|using\s+|with\s+)?$")
_TERM_SIGNAL = re.compile(r"(?i)\b(?:with\s+|using\s+|send\s+(?:it\s+)?)?(?:signal\s+(?:number\s+)?"
                          r"15|sigterm|signal\s+term|-15|-term|-sigterm|-s\s+term)\b")
_HARD = re.compile(r"(?i)^\W*(?:please\s+)?(?:kill|terminate|end)\s+(?:the\s+|every\s+|all\s+)?"
                   r"\S+(?:\s+process(?:es)?)?\s+(?P<hard>hard(?:er)?)\s*[.!]*\s*$")
_USER_NAME = r"(?P<user>[a-z_][a-z0-9_.-]*\$?)"
_OWNER = re.compile(
    r"(?<!\w)(?P<neg>not\s+|(?:that|which|who)\s+(?:(?:are|is)\s+not|isn'?t|aren'?t)\s+|"
    r"(?:isn'?t|aren'?t)\s+)?"
    r"(?:that\s+(?:are|is)\s+|which\s+(?:are|is)\s+|that\s+|which\s+)?"
    r"(?:own(?:e)?d\s+by|belonging\s+to|belongs\s+to|belong\s+to|run\s+by|ran\s+by|running\s+as|"
    r"run\s+as|runs\s+as|started\s+by|launched\s+by|spawned\s+by|for\s+user|of\s+user|"
    r"from\s+user|under\s+user|as\s+user|by\s+user|of\s+the\s+user|for\s+the\s+user|"
    r"under\s+the\s+user|run\s+under|running\s+under)"
    rf"\s+(?:the\s+)?(?:user\s+|account\s+)?{_USER_NAME}(?!\w)", _FLAGS)

# "pause A but don't kill it", "stop A without killing it": what the request must not become.
_KILL_VERBS = r"(?:kill|killing|end|ending|quit|quitting|close|closing|terminate|terminating)"
_RESTRICTION = re.compile(
    r"(?<!\w),?\s*(?:(?:but|and|just|though)\s+)?(?:(?:don'?t|do\s+not|never|not)\s+(?:to\s+)?"
    rf"(?P<verb>{_KILL_VERBS}|delete|remove)(?:\s+(?:it|them|the\s+\w+|it\s+off))?"
    rf"|without\s+(?P<verb2>{_KILL_VERBS}|deleting|removing)(?:\s+(?:it|them))?"
    r"|(?:but\s+|and\s+)?keep\s+(?:it|them)\s+(?:alive|in\s+memory|around|open|loaded)"
    r"(?P<keep>))(?=\s*[,.!;]|\s*$)", _FLAGS)
# Words that describe rather than select ("for now", "at 99%", "until I say so").
_ASIDE = re.compile(
    r"(?<!\w)(?:for\s+(?:now|a\s+(?:while|bit|moment|minute|sec|second|little\s+while))|"
    r"until\s+(?:i\s+say\s+so|further\s+notice|i'?m\s+done|i\s+tell\s+you|later)|"
    r"(?:is\s+|are\s+|at\s+|hits?\s+|hitting\s+|reached\s+)\d+(?:\.\d+)?\s*%|"
    r"right\s+now|for\s+good|right\s+this\s+(?:second|minute|instant)|this\s+instant|at\s+once|"
    r"(?:tell\s+me|let\s+me\s+know|check|see|find\s+out|ask|wondering)\s+(?:if|whether)|"
    r"(?:to|than|for|with)\s+(?:everyone|everybody|everything(?:\s+else)?|the\s+others?|"
    r"(?:the\s+)?other\s+(?:programs|processes|apps|stuff|tasks|jobs))|a\s+(?:bit|little|tad)|"
    r"instead\s*$|under(?=\s+[~/.])|or\s+(?:something|whatever|anything|so|similar|two)|"
    r"than\s+(?:the\s+rest|others|the\s+others|everything\s+else|anything\s+else)|"
    r"(?:it|that|they|he|she)(?:'s|'re|\s+is|\s+are|\s+was|\s+were|\s+seems)\s+(?:\w+\s+)?"
    r"(?:stopped|paused|frozen|stuck|hung|dead|down|running|slow|done|finished|crashed)|"
    r"^(?:first|firstly|to\s+start(?:\s+with)?)\b,?|"
    r"(?:that\s+|which\s+)?(?:i|you|we)\s+(?:don'?t|do\s+not|no\s+longer)\s+(?:need|want|use)"
    r"(?:\s+(?:anymore|any\s+more))?|if\s+(?:you\s+(?:could|can|would|don'?t\s+mind)|possible)|"
    r"before\s+(?:it|the|everything|my|i)\s+\w+(?:\s+(?:does|do|dies|crashes))?|"
    r"(?:it|that|they|he|she)(?:'s|'re|\s+is|\s+are)\s+not\s+\w+ing|"
    r"(?:it|that|they)\s+(?:won'?t|doesn'?t|don'?t|can'?t|isn'?t|wasn'?t|will\s+not|does\s+not)"
    r"\s+\w+)"
    r"(?!\w)", _FLAGS)

_EXCLUSION_CUE = re.compile(
    r"(?<!\w)(?:,\s*)?(?:(?:except|exept|excpet|excep)(?:\s+for)?|excluding|exclude|other\s+than|apart\s+from|"
    r"aside\s+from|but\s+not|save\s+for|besides|not\s+including|leaving\s+out|leave\s+out|"
    r"without\s+touching|sparing|but\s+(?:leave|keep|spare|skip)|"
    r"but\s+(?:don'?t|do\s+not|never)\s+(?:touch|[a-z]+)|and\s+not|"
    r"except\s+those|minus|unless\s+it'?s|but(?=\s+(?:the\s+)?\S+\s+one\b)|save(?=\s+(?:pid|pids|process|port|the\s+ones?|\d))|(?:(?<=,)|(?<=,\s)|\band\s|\bbut\s)\s*not(?!\s+(?:with|using|by|so|too|"
    r"forcefully|gently|owned|"
    r"belonging|run\s+by|started\s+by))|keep(?=\s+\S+(?:\s+\S+)?\s+(?:running|alive|going)\b)"
    r")(?!\w)\s*", _FLAGS)
_EXCLUSION_END = re.compile(r"\s+(?:alone|untouched|running|out|be|please|pls|plz|thanks|"
                            r"thank\s+you|for\s+me|right\s+now|now|asap|immediately|at\s+once|"
                            r"going|alive|though|tho|too|either)"
                            r"(?:\s+(?:please|pls|thanks))?\s*[.!]?\s*$", _FLAGS)
_EXCLUDED_ITEM_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s+nor\s+)\s*",
                                  _FLAGS)


@dataclass(frozen=True)
class Found:
    """An operator found in the sentence: what it is, its value, where it was written."""

    kind: str
    value: object
    start: int
    end: int

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


@dataclass
class Clause:
    """One request's text, its operators, and the text the model should read."""

    sentence: str
    start: int
    end: int
    request_start: int = 0  # after the situation described first ("ugh, chrome froze, …")
    question: bool = False
    negated: bool = False
    leave_alone: bool = False
    found: list[Found] = field(default_factory=list)
    removed: list[tuple[int, int]] = field(default_factory=list)
    verb: str | None = None  # a verb put back in base form ("killed" → "kill")
    verb_span: tuple[int, int] | None = None
    rewrite: Rewrite | None = None

    @property
    def text(self) -> str:
        return self.sentence[self.start:self.end]

    def of_kind(self, kind: str) -> list[Found]:
        return [f for f in self.found if f.kind == kind]

    def spans(self) -> list[tuple[int, int]]:
        """Everything the operators account for (removed text included)."""
        return [f.span for f in self.found] + list(self.removed)


def read_clause(sentence: str, start: int, end: int, request_start: int | None = None) -> Clause:
    """The operators of ``sentence[start:end]`` and the rewrite the model reads.

    ``request_start``: where the request begins after words that describe the situation.
    """
    clause = Clause(sentence, start, end, start if request_start is None else request_start)
    _mood_and_polarity(clause)
    _restrictions(clause)
    _exclusions(clause)
    _owners(clause)
    for match in _FORCE.finditer(sentence, start, end):
        denied = _NO_FORCE.search(sentence, start, match.start())
        if denied is not None:  # "without force", "no need to force it"
            clause.found.append(Found("no_force", True, denied.start(), match.end()))
            continue
        clause.found.append(Found("force", True, match.start(), match.end()))
    for match in _TERM_SIGNAL.finditer(sentence, start, end):
        clause.found.append(Found("no_force", True, match.start(), match.end()))
    hard = _HARD.match(sentence[clause.request_start:end])
    if hard is not None:  # "kill A hard": the adverb of the kill, at the end
        at = clause.request_start + hard.start("hard")
        clause.found.append(Found("force", True, at, at + len(hard.group("hard"))))
    _comparisons(clause)
    _named_caches(clause)
    clause.rewrite = _model_text(clause)
    return clause


def _mood_and_polarity(clause: Clause) -> None:
    sentence, start, end = clause.sentence, clause.request_start, clause.end
    text = sentence[start:end]
    trailing = _TRAILING_QUESTION.search(text)
    if trailing:
        clause.question = True
        clause.removed.append((start + trailing.start(), start + trailing.end()))
        text = text[:trailing.start()]
    polite = _POLITE_GERUND.match(text)
    if polite and _base_of(polite.group("verb")):  # "would you mind killing A?" is an order
        _put_verb_back(clause, polite.group("verb"), start + polite.start("verb"))
        clause.removed.append((start, start + polite.end("verb")))
        return
    asked = clause.sentence[clause.end:].lstrip().startswith("?")
    tag = _QUESTION_TAG.search(text) if asked else None
    if tag and tag.start() > 0:  # "kill A, right?"
        clause.question = True
        clause.removed.append((start + tag.start(), start + tag.end()))
        text = text[:tag.start()]
    never = _TRAILING_NEVER.search(text)
    if never:  # "kill A never"
        clause.negated = True
        clause.removed.append((start + never.start(), start + never.end()))
        text = text[:never.start()]
    # "is A safe to kill", "can A be paused safely": the target between the question's
    # words, the verb after it
    for form in (_SAFE_TO_QUESTION, _PASSIVE_QUESTION):
        around = form.match(text)
        verb = _base_or_verb(around.group("verb")) if around else None
        if around and verb:
            clause.question = True
            clause.verb = verb
            clause.verb_span = (start + around.start("verb"), start + around.end("verb"))
            clause.removed.append((start, start + around.start("target")))
            clause.removed.append((start + around.end("target"), start + around.end("verb")))
            return
    gerund = _GERUND_QUESTION.match(text)
    if gerund and _base_of(gerund.group("verb")):
        clause.question = True
        _put_verb_back(clause, gerund.group("verb"), start + gerund.start("verb"))
        clause.removed.append((start, start + gerund.end("verb")))
        _drop_trailing(clause, start, text, _JUDGEMENT)
        return
    question = _QUESTION.match(text)
    if question:
        clause.question = True
        clause.removed.append((start, start + question.end()))
        _drop_trailing(clause, start, text, _JUDGEMENT)
        _participle_back(clause, start + question.end(), start + len(text))
        return
    for leave in _LEAVE:
        match = leave.match(text)
        if match:
            clause.negated = clause.leave_alone = True
            clause.removed.append((start, start + match.start("target")))
            clause.removed.append((start + match.end("target"), start + match.end()))
            return
    negation = _NEGATION.match(text)
    if negation:
        clause.negated = True
        clause.removed.append((start, start + negation.end()))
        _participle_back(clause, start + negation.end(), start + len(text))
    if not clause.question and (asked or text.rstrip().endswith("?")) and _asks_about_action(text):
        clause.question = True


# What a question judges, at its end: "… safe?", "… a bad idea", "… help?".
_JUDGEMENT = (r"\s+(?:be\s+|is\s+|a\s+)?(?:safe|ok|okay|fine|bad|dangerous|risky|wise|smart|"
              r"(?:a\s+)?(?:good|bad)\s+idea|help|hurt|work|matter|break\s+anything)"
              r"(?:\s+(?:or\s+not|at\s+all))?\s*\??\s*$")


def _asks_about_action(text: str) -> bool:
    return bool(re.match(r"(?i)^\s*(?:should|shall|is\s+it|would|do\s+i|can\s+i|may\s+i)\b",
                         text))


def _drop_trailing(clause: Clause, start: int, text: str, pattern: str) -> None:
    match = re.search(pattern, text, _FLAGS)
    if match:
        clause.removed.append((start + match.start(), start + match.end()))


def _base_of(word: str) -> str | None:
    lowered = word.lower()
    for base, (participle, gerund) in VERB_FORMS.items():
        if lowered in (participle, gerund):
            return base
    return None


def _base_or_verb(word: str) -> str | None:
    lowered = word.lower()
    return lowered if lowered in VERB_FORMS else _base_of(lowered)


def _put_verb_back(clause: Clause, word: str, at: int) -> None:
    base = _base_of(word)
    if base is not None:
        clause.verb = base
        clause.verb_span = (at, at + len(word))


def _participle_back(clause: Clause, start: int, end: int) -> None:
    """"I don't want A killed": when no verb leads, a participle elsewhere is the verb."""
    words = list(re.finditer(r"[A-Za-z']+", clause.sentence[start:end]))
    if not words:
        return
    first = words[0].group(0).lower()
    if first in VERB_FORMS or first in ("make", "lower", "show", "list", "let", "get"):
        return
    for match in words:
        base = _base_of(match.group(0))
        if base is not None:
            _put_verb_back(clause, match.group(0), start + match.start())
            clause.removed.append(clause.verb_span)  # type: ignore[arg-type]
            return


def _restrictions(clause: Clause) -> None:
    for match in _RESTRICTION.finditer(clause.sentence, clause.start, clause.end):
        if match.start() == clause.start:
            continue
        verb = (match.group("verb") or match.group("verb2") or "").lower()
        intent = "disk.cleanup" if verb.startswith(("delet", "remov")) else "process.kill"
        clause.found.append(Found("restriction", intent, match.start(), match.end()))
        clause.removed.append((match.start(), match.end()))
    for match in _ASIDE.finditer(clause.sentence, clause.start, clause.end):
        clause.found.append(Found("aside", None, match.start(), match.end()))


def _exclusions(clause: Clause) -> None:
    sentence, start, end = clause.sentence, clause.start, clause.end
    cue = _EXCLUSION_CUE.search(sentence, start, end)
    while cue is not None and any(a <= cue.start() < b for a, b in clause.removed):
        cue = _EXCLUSION_CUE.search(sentence, cue.end(), end)
    if cue is None or cue.start() == start:
        return
    stop = end
    tail = _EXCLUSION_END.search(sentence[cue.end():end])
    item_end = cue.end() + tail.start() if tail else stop
    phrase = sentence[cue.end():item_end]
    items = []
    offset = cue.end()
    for part in _EXCLUDED_ITEM_SPLIT.split(phrase):
        at = sentence.find(part, offset, item_end) if part else -1
        if part.strip() and at >= 0:
            items.append((part.strip(), at, at + len(part.strip())))
            offset = at + len(part)
    clause.found.append(Found("exclusion_cue", cue.group(0).strip(), cue.start(), cue.end()))
    for text, low, high in items:
        clause.found.append(Found("exclusion", text, low, high))
    clause.removed.append((cue.start(), stop))


_OWNER_BEFORE = re.compile(r"(?i)\b(?:that|which|who)\s+(?:the\s+)?user\s+"
                           r"(?P<user>[a-z_][\w.-]*)\s+(?:started|launched|runs|ran|owns|spawned)\b")


def _owners(clause: Clause) -> None:
    for match in _OWNER_BEFORE.finditer(clause.sentence, clause.start, clause.end):
        # "the A that user alice started"
        clause.found.append(Found("owner", match.group("user").lower(), match.start(),
                                  match.end()))
        clause.removed.append((match.start(), match.end()))
    for match in _OWNER.finditer(clause.sentence, clause.start, clause.end):
        if any(low <= match.start() < high for low, high in clause.removed):
            continue
        kind = "not_owner" if match.group("neg") else "owner"
        clause.found.append(Found(kind, match.group("user").lower(), match.start(), match.end()))
        if kind == "not_owner":  # the model reads "owned by X" well; "not owned by X" it would not
            clause.removed.append((match.start(), match.end()))


# "older then 1,000 days": the typo is read as "than" (same length, so spans stay put).
_THEN_FOR_THAN = re.compile(r"(?i)\b(older|newer|younger|larger|bigger|smaller|greater|more|"
                            r"less|fewer)\s+the(n)\b")
_DOTTED_THOUSANDS = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{3})+(?![\w.])(?=\s*(?:[a-z]|$))")
_NEGATIVE_AMOUNT = re.compile(r"(?i)\b(?:older|newer|younger|larger|bigger|smaller|greater|more|"
                              r"less|fewer)\s+than\s+(?:minus|negative)\s+\S+(?:\s+\S+)?")
# Words before a comparison that only say what is measured: "if its memory is", "last modified".
_MEASURED_BEFORE = {
    "memory": re.compile(r"(?i)(?:\b(?:if|when|whose|with|where)\s+)?"
                         r"(?:(?:its|their|the|it'?s|it|they|they'?re)\s+)?"
                         r"(?:memory|ram|rss|resident\s+memory)?\s*(?:use|usage)?\s*"
                         r"(?:is|are|goes|gets)?\s*$"),
    "cpu": re.compile(r"(?i)(?:\b(?:if|when|whose|with|where)\s+)?(?:(?:its|their|the|it|they)\s+)?"
                      r"(?:cpu|processor)?\s*(?:use|usage|load)?\s*(?:is|are|goes|gets)?\s*$"),
    "age": re.compile(r"(?i)(?:\b(?:that|which)\s+(?:were|was|are|is|have\s+been|has\s+been)\s+)?"
                      r"(?:last\s+)?(?:modified|changed|touched|updated|written|edited)\s*$"),
}
_CLEANUP_VERBS = re.compile(r"(?i)^\W*(?:please\s+|just\s+)?(?:clear|clean|delete|remove|purge|"
                            r"wipe|empty|erase|trash|get\s+rid\s+of|free\s+up)\b")


def _comparisons(clause: Clause) -> None:
    from nlsh.language.quantities import VagueAmount, find_comparisons
    from nlsh.language.resolve import ResolutionError

    text = _THEN_FOR_THAN.sub(lambda m: m.group(0)[:-2] + "an", clause.text)
    european = _DOTTED_THOUSANDS.search(text)
    if european:
        clause.found.append(Found("invalid_comparison",
                                  f"'{european.group(0)}' is ambiguous: write "
                                  f"{european.group(0).replace('.', '')} or "
                                  f"{european.group(0).replace('.', ',')}", clause.start,
                                  clause.start))
        return
    negative = _NEGATIVE_AMOUNT.search(text)
    if negative:
        clause.found.append(Found("invalid_comparison",
                                  f"'{negative.group(0)}': an amount cannot be negative",
                                  clause.start, clause.start))
        return
    try:
        comparisons = find_comparisons(text)
    except ResolutionError as error:  # "older than -5 days", "at least a few gigs"
        kind = "vague_comparison" if isinstance(error, VagueAmount) else "invalid_comparison"
        clause.found.append(Found(kind, str(error), clause.start, clause.start))
        return
    cleanup = bool(_CLEANUP_VERBS.match(clause.sentence[clause.request_start:clause.end]))
    previous_end: int | None = None
    for comparison in comparisons:
        low, high = clause.start + comparison.start, clause.start + comparison.end
        if any(a <= low < b for a, b in clause.removed):
            continue
        measured = _MEASURED_BEFORE.get(comparison.quantity)
        if measured is not None:
            before = measured.search(clause.sentence, clause.start, low)
            if before is not None and before.group(0).strip():
                low = before.start() + len(before.group(0)) - len(before.group(0).lstrip())
        if previous_end is not None and re.fullmatch(
                r"(?i)\s*,?\s*(?:and|but|yet|while|though)?\s*", clause.sentence[previous_end:low]):
            low = previous_end  # "older than 30 days but newer than 500": one range
        clause.found.append(Found("comparison", comparison, low, high))
        previous_end = high
        # The model never learned resource thresholds, nor sizes after a cleanup verb: it
        # reads the request without them, and the comparison applies on its own.
        if comparison.quantity in ("memory", "cpu", "memory_percent") or (
                comparison.quantity == "size" and cleanup):
            clause.removed.append((low, high))


def _named_caches(clause: Clause) -> None:
    from nlsh.actions.cleaner_names import find_named_caches

    named = find_named_caches(clause.text)
    for low, high in named.spans:
        clause.found.append(Found("cache_words", None, clause.start + low, clause.start + high))
    for name in named.names:
        clause.found.append(Found("cache", name, clause.start, clause.start))
    for name in named.unknown:
        clause.found.append(Found("unknown_cache", name, clause.start, clause.start))


def _model_text(clause: Clause) -> Rewrite:
    removed = list(clause.removed)
    if clause.verb is None:
        return keep_all_but(clause.sentence, clause.start, clause.end, removed)
    rewrite = Rewrite(clause.sentence)
    rewrite.insert(clause.verb)
    position = clause.start
    verb_span = clause.verb_span or (clause.start, clause.start)
    for low, high in sorted([*removed, verb_span]):
        if high <= position:
            continue
        rewrite.keep(position, max(low, position))
        position = max(position, high)
    rewrite.keep(position, clause.end)
    return rewrite
