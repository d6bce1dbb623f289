"""A sentence as the requests it makes: corrections applied, sequences split.

"kill A. no, kill B" → one request, "kill B". "pause A, wait, I mean B" → "pause B"
(the target is swapped into the earlier request by the caller, which knows where the
target is). "kill A, actually no, don't" → nothing. "pause A, then lower B's priority" →
two requests. "kill A and B" stays one request: B starts no request of its own.

Each piece keeps its place in the sentence (``start``), so what the model finds in it
maps back to the user's characters.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from nlsh.meaning.lexicon import (
    CANCEL_SEGMENTS,
    CORRECTION_LEADS,
    CORRECTION_WORDS,
    FORCE_CUES,
    REQUEST_STARTS,
)

# Cut at , ; . ! ? and dashes ("—", "–", " -- ", " - "); "backup.sh" and "-9" keep theirs.
_PIECE = re.compile(r"(?:[^,;.!?—–\s-]|\.(?=\w)|(?<=\S)-|-(?=\S)|\s(?!--?\s))+")
_CORRECTION = re.compile(rf"^(?:{'|'.join(CORRECTION_LEADS)})", re.IGNORECASE)
_CORRECTION_WORD = re.compile(rf"^(?:{CORRECTION_WORDS})+", re.IGNORECASE)
_NOT_A_CORRECTION = re.compile(r"(?i)^no\s+(?:need|more|way|matter|problem|longer|rush|hurry)\b")
# A cry for help beside a request is emphasis, not a request for the help text.
_HELP_CRIES = frozenset({"help", "help me", "please help", "help please", "help pls",
                         "pls help", "plz help", "help!", "send help", "someone help"})
_SEQUENCE = re.compile(
    r"^(?:and\s+then|then|after\s+that|afterwards|next|finally|and\s+also|also|and|plus)"
    r"\b\s*,?\s*", re.IGNORECASE)
_EDGE = " \t,;:.!?—–-\"'"


@dataclass(frozen=True)
class Piece:
    """A stretch of the sentence: ``text`` is ``sentence[start:start + len(text)]``."""

    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def bare(self) -> str:
        return " ".join(self.text.lower().strip(_EDGE).split())


@dataclass(frozen=True)
class Segment:
    """One stretch of the sentence and what it does to the requests before it.

    ``kind``: ``request`` (a request of its own), ``correction`` (a whole new request
    that replaces the one before: "no, kill B"), ``retarget`` (a new target for the request
    before: "I mean B"), ``cancel`` ("never mind", "actually no, don't") or ``marker``
    ("wait", "sorry": what follows corrects what came before).
    """

    piece: Piece
    kind: str = "request"
    context_end: int | None = None  # the piece starts with a description of the situation


# A piece that only announces a correction ("wait", "sorry").
MARKERS = frozenset({"wait", "sorry", "oops", "hmm", "um", "uh", "erm", "whoops", "hold on",
                     "hang on", "actually", "correction", "or rather", "rather", "oh",
                     "on second thought", "on second thoughts", "ah", "err"})


# A correction inside a piece, with no comma before it: "kill A oops i meant B".
_INNER_CORRECTION = re.compile(
    r"\s+(?=(?:(?:no|nope|oops|whoops|sorry|wait|actually|er|erm|um|uh)\s+)*"
    r"(?:i\s+mean(?:t)?|make\s+(?:it|that)|or\s+rather|correction\s*:)\s"
    r"|(?:no\s+)?sorry\s+\S|no\s+wait\s)", re.IGNORECASE)
# A piece that only says the next request comes after ("kill A; after that, pause B").
_SEQUENCE_PIECES = frozenset({"after that", "afterwards", "then", "and then", "next", "finally",
                              "also", "and", "and also", "after which", "once done",
                              "and once that's done", "once that's done", "and once thats done"})


_FORCE_PIECES = frozenset(c for c in FORCE_CUES if " " in c) | {"no matter what", "now", "asap",
                                                                 "right now", "immediately"}
_NEGATED_PIECE = re.compile(r"(?i)^(?:but\s+|just\s+)?(?:don'?t|do\s+not|dont|never|without)\s+\w+"
                            r"(?:\s+(?:it|them|that|the\s+\w+))?\s*$")
def _verb_after_negation(text: str) -> str:
    words = re.sub(r"(?i)^(?:but\s+|just\s+)?(?:don'?t|do\s+not|dont|never|without)\s+", "",
                   text.strip()).split()
    return words[0].lower() if words else ""


_CANCELS = frozenset(c.replace("'", "") for c in CANCEL_SEGMENTS)


def _cancels(bare: str) -> bool:
    """"never mind", "dont do that": the piece takes back what came before."""
    return bare in CANCEL_SEGMENTS or bare.replace("'", "") in _CANCELS


def pieces(sentence: str) -> list[Piece]:
    """The sentence cut at commas, semicolons, full stops, dashes, ? and !, and before a
    correction said without a comma ("kill A oops I meant B")."""
    found = []
    for match in _PIECE.finditer(sentence):
        raw = match.group(0)
        start = match.start()
        cuts = [0, *(m.end() for m in _INNER_CORRECTION.finditer(raw)), len(raw)]
        for low, high in itertools.pairwise(cuts):
            part = raw[low:high]
            lead = len(part) - len(part.lstrip())
            text = part.strip()
            if text:
                found.append(Piece(text, start + low + lead))
    return found


_LEADING_WORDS = frozenset({"just", "please", "pls", "and", "so", "ok", "okay", "now",
                            "but", "hey", "also", "then"})
_AMBIGUOUS_STARTS = {
    # "free" is a verb only as "free up", "free some memory"; "free space" is a noun phrase.
    "free": re.compile(r"(?i)^free\s+(?:up|some|(?:the\s+)?(?:memory|ram)|me)\b"),
    "let": re.compile(r"(?i)^let(?:'s|\s+us)?\s+(?:\S+\s+)?(?:run|go|continue|be|resume|die)\b"),
}


def starts_request(text: str) -> bool:
    """Whether a piece begins with a word that starts a request (a verb, a question)."""
    words = text.lower().strip(_EDGE).split()
    while len(words) > 1 and words[0].strip(_EDGE) in _LEADING_WORDS:
        words = words[1:]
    if not words:
        return False
    first = words[0].strip(_EDGE)
    if first in _AMBIGUOUS_STARTS:
        return bool(_AMBIGUOUS_STARTS[first].match(" ".join(words)))
    return first in REQUEST_STARTS


def segments(sentence: str) -> list[Segment]:
    """The stretches of a sentence, in order, each marked with what it does.

    Pieces that start no request (a list of targets, a qualifier after a comma) are joined
    to the request before them.
    """
    result: list[Segment] = []
    context: Piece | None = None  # words before the first request ("ugh, chrome froze,")
    for piece in pieces(sentence):
        request_like = starts_request(piece.text) and (piece.bare() not in _HELP_CRIES
                                                        or len(sentence.split()) <= 3)
        if not result and not request_like:
            context = piece if context is None else Piece(
                sentence[context.start:piece.end], context.start)
            continue
        context_end = None
        if context is not None:
            # "hold the rsync transfer, don't kill it": what came first was the request (in
            # words nlsh does not list as verbs), and the negation only restricts it
            context_end = None if _NEGATED_PIECE.match(piece.text) else piece.start
            piece = Piece(sentence[context.start:piece.end], context.start)
            context = None
        bare = piece.bare() if context_end is None else Piece(
            sentence[context_end:piece.end], context_end).bare()
        if result and bare in _SEQUENCE_PIECES:
            continue
        if result and bare in _HELP_CRIES:
            previous = result[-1]
            result[-1] = Segment(Piece(sentence[previous.piece.start:piece.end],
                                       previous.piece.start), previous.kind,
                                 previous.context_end)
            continue
        if _cancels(bare):
            result.append(Segment(piece, "cancel"))
            continue
        if bare in MARKERS:
            result.append(Segment(piece, "marker"))
            continue
        if (result and result[-1].kind == "request" and _NEGATED_PIECE.match(piece.text)
                and _verb_after_negation(piece.text) not in result[-1].piece.text.lower()):
            # "stop it for now, don't kill it": what the request before must not become
            previous = result[-1]
            result[-1] = Segment(Piece(sentence[previous.piece.start:piece.end],
                                       previous.piece.start), previous.kind,
                                 previous.context_end)
            continue
        if result and bare in _FORCE_PIECES:  # "kill 4312, no mercy": how, not a correction
            previous = result[-1]
            result[-1] = Segment(Piece(sentence[previous.piece.start:piece.end],
                                       previous.piece.start), previous.kind,
                                 previous.context_end)
            continue
        correction = _CORRECTION.match(piece.text) if result else None
        word = _CORRECTION_WORD.match(piece.text) if result and not correction else None
        if word and not _NOT_A_CORRECTION.match(piece.text):
            correction = word
        if correction:
            rest = _shift(piece, correction.end())
            if rest is None or _cancels(rest.bare()):
                result.append(Segment(piece, "cancel"))
            else:
                result.append(Segment(rest, "correction" if starts_request(rest.text)
                                      else "retarget"))
            continue
        sequence = _SEQUENCE.match(piece.text)
        if sequence and result and starts_request(piece.text[sequence.end():]):
            rest = _shift(piece, sequence.end())
            if rest is not None:
                result.append(Segment(rest))
                continue
        if result and not starts_request(piece.text):
            previous = result[-1]
            if previous.kind in ("marker", "cancel"):  # "kill A. no, B": B replaces A
                result.append(Segment(piece, "retarget"))
                continue
            if previous.kind != "cancel":
                joined = Piece(sentence[previous.piece.start:piece.end], previous.piece.start)
                result[-1] = Segment(joined, previous.kind, previous.context_end)
                continue
        if result and result[-1].kind == "marker":
            result.append(Segment(piece, "correction"))
            continue
        result.append(Segment(piece, context_end=context_end))
    if context is not None:
        result.append(Segment(context))
    return _without_noise(_without_repeats(sentence, _split_on_and(result)))


def _without_noise(found: list[Segment]) -> list[Segment]:
    """"kill A, no wiat, kill B": a one-word new target right before a request of its own
    is noise between a retraction and the request that replaces it."""
    result = list(found)
    for index, segment in enumerate(result[:-1]):
        if (segment.kind == "retarget" and len(segment.piece.text.split()) == 1
                and result[index + 1].kind == "request"):
            result[index] = Segment(segment.piece, "cancel")
    return result


def _without_repeats(sentence: str, found: list[Segment]) -> list[Segment]:
    """"make rclone stop for a while, not kill, just stop": a bare verb the request before
    already said is emphasis, not a request of its own."""
    result: list[Segment] = []
    for segment in found:
        words = [w.strip(_EDGE) for w in segment.piece.text.lower().split()]
        words = [w for w in words if w not in _LEADING_WORDS and w not in ("it", "them")]
        previous = result[-1] if result else None
        if (previous is not None and segment.kind == "request" and previous.kind == "request"
                and len(words) == 1 and re.search(rf"(?i)\b{re.escape(words[0])}\b",
                                                  previous.piece.text)):
            result[-1] = Segment(Piece(sentence[previous.piece.start:segment.piece.end],
                                       previous.piece.start), previous.kind,
                                 previous.context_end)
            continue
        result.append(segment)
    return result


def _shift(piece: Piece, offset: int) -> Piece | None:
    rest = piece.text[offset:]
    lead = len(rest) - len(rest.lstrip(_EDGE))
    text = rest.strip(_EDGE)
    if not text:
        return None
    return Piece(text, piece.start + offset + lead)


_AND_VERB = re.compile(r"\s+(?:and\s+once\s+that'?s\s+done,?|once\s+that'?s\s+done,?|"
                       r"and\s+after\s+that,?|and\s+afterwards,?|and\s+next,?|after\s+that,?|"
                       r"and\s+then|and\s+also|but\s+(?:just|only|instead|rather)|and|&|then|"
                       r"plus|but)\s+(?=(\S+))", re.IGNORECASE)
# Words before "and" that ask politely and request nothing themselves ("go ahead and kill A").
_POLITE_HEADS = frozenset({"go ahead", "please go ahead", "be a dear", "be nice", "try",
                           "please", "just", "now", "so", "ok", "okay", "come on", "go",
                           "hurry up", "quick"})


def _split_on_and(found: list[Segment]) -> list[Segment]:
    """"kill A and clear the pip cache": a request verb after "and" starts a new request."""
    result: list[Segment] = []
    for segment in found:
        if segment.kind in ("cancel", "marker"):
            result.append(segment)
            continue
        piece = segment.piece
        start = 0
        kind = segment.kind
        context_end = segment.context_end
        for match in _AND_VERB.finditer(piece.text):
            if not _splits(piece.text[match.start(1):]):
                continue
            head = piece.text[start:match.start()].strip()
            if head.lower().strip(_EDGE) in _POLITE_HEADS:
                continue  # "go ahead and kill A" is one request
            if head:
                result.append(Segment(Piece(head, piece.start + start), kind, context_end))
                kind, context_end = "request", None
            start = match.end()
        tail = piece.text[start:]
        lead = len(tail) - len(tail.lstrip())
        result.append(Segment(Piece(tail.strip(), piece.start + start + lead), kind,
                              context_end))
    return result


def _splits(rest: str) -> bool:
    first = rest.split(None, 1)[0].lower().strip(_EDGE)
    if first == "free":
        return bool(_AMBIGUOUS_STARTS["free"].match(rest))
    return first in _SPLITTING_VERBS


# After "and", only an unmistakable verb splits: "what's using cpu and memory" stays whole.
_SPLITTING_VERBS = frozenset({
    "kill", "terminate", "end", "stop", "close", "quit", "nuke", "pause", "suspend", "freeze",
    "resume", "continue", "unpause", "unfreeze", "renice", "ionice", "deprioritize",
    "deprioritise", "prioritize", "boost", "throttle", "clear", "clean", "delete", "remove",
    "empty", "purge", "wipe", "free", "reclaim", "show", "list", "display", "tell", "check",
    "undo", "diagnose", "lower", "pkill", "killall", "then",
})
