"""What a file search leaves out, read with exact spans: "pdfs not in Downloads", "files
over 1 GB except isos", "logs outside /var/log/journal".

The tagger knows places and kinds but not what negates them, and a file search's own
vocabulary holds "not" ("not opened in a year"), so the generic accounting cannot catch a
dropped "not in X". This reader finds each left-out place or kind; any negating word it
cannot place (and that no age comparison took) is returned so the request is asked
about, never widened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlsh.stages import Exclusion
from nlsh.system.file_kinds import EXTENSION_WORDS, KIND_WORDS

_CUE = (r"(?:but\s+not|and\s+not|not|except(?:\s+for)?|excluding|other\s+than|apart\s+from|"
        r"besides|outside(?:\s+of)?|minus|without)")
_KINDS = "|".join(sorted((re.escape(w) for w in [*KIND_WORDS, *EXTENSION_WORDS]), key=len,
                         reverse=True))
_PLACE = r"(?P<place>[~/.][^\s,;]*|[A-Za-z][\w.-]*)"
_LEFT_OUT_PLACE = re.compile(
    rf"(?i)(?<![\w'])(?P<cue>{_CUE})\s+(?:(?:anything|those|the\s+ones|ones|files?|stuff)\s+)?"
    rf"(?:(?:in|inside|under|within|from)\s+)?(?:the\s+|my\s+)?{_PLACE}"
    r"(?:\s+(?:folder|directory|dir))?")
_LEFT_OUT_KIND = re.compile(
    rf"(?i)(?<![\w'])(?P<cue>{_CUE})\s+(?:the\s+|any\s+|my\s+)?(?:\*?\.)?(?P<kind>{_KINDS})"
    r"(?:\s+files)?(?![\w])")
_NEGATING = re.compile(rf"(?i)(?<![\w'/.-])(?:{_CUE}|\w+n't|never|no)(?![\w/.-])")


@dataclass(frozen=True)
class LeftOut:
    exclusion: Exclusion
    start: int
    end: int


def left_out(sentence: str, start: int, end: int, handled: list[tuple[int, int]],
             values: list[tuple[int, int]]) -> tuple[list[LeftOut], list[tuple[int, int]]]:
    """The places and kinds ``sentence[start:end]`` leaves out, and the spans of negating
    words nothing accounts for (``handled``: spans already read, e.g. "not opened in a
    year"; ``values``: names, paths and texts as written, whose words negate nothing)."""
    found: list[LeftOut] = []
    taken: list[tuple[int, int]] = []

    def free(low: int, high: int) -> bool:
        return not any(low < b and high > a for a, b in [*handled, *taken])

    for match in _LEFT_OUT_KIND.finditer(sentence, start, end):
        if free(*match.span()):
            word = match.group("kind").lower()
            exclusion = (Exclusion("kind", KIND_WORDS[word], match.group(0)) if word in KIND_WORDS
                         else Exclusion("extension", EXTENSION_WORDS[word], match.group(0)))
            found.append(LeftOut(exclusion, *match.span()))
            taken.append(match.span())
    for match in _LEFT_OUT_PLACE.finditer(sentence, start, end):
        place = match.group("place")
        if not free(*match.span()) or place.lower() in ("a", "an", "the", "any", "older",
                                                         "newer", "bigger", "smaller"):
            continue
        if not (place.startswith(("~", "/", "./")) or place[0].isupper()
                or re.search(r"(?i)\b(?:in|inside|under|within|from|outside)\b",
                             match.group(0))):
            continue  # "not opened" / "not big": not a place
        found.append(LeftOut(Exclusion("path", place, match.group(0)), *match.span()))
        taken.append(match.span())
    unplaced = [m.span() for m in _NEGATING.finditer(sentence, start, end)
                if free(*m.span()) and not any(m.start() < b and m.end() > a for a, b in values)]
    return found, unplaced
