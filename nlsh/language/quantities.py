"""Numbers, units and comparisons, read exactly: the faithfulness layer's quantities.

The model finds *where* a slot is; this module reads *what a comparison says*, in every
form people write numbers, deterministically and without the model::

    >>> parse_amount("1,000"), parse_amount("1e3"), parse_amount("a dozen")
    (1000.0, 1000.0, 12.0)
    >>> parse_amount("1,5") is None          # European decimal or typo: never 15
    True
    >>> parse_duration_days("1.5 years"), parse_duration_days("last week")
    (547.5, 7.0)
    >>> parse_bytes("1.5 GB") == 3 * 2**29  # 1024-based, as in resolve.py
    True
    >>> [(c.quantity, c.op, c.value, c.text)
    ...  for c in find_comparisons("delete files older than 1,000 days")]
    [('age', '>', 1000.0, 'older than 1,000 days')]
    >>> [(c.quantity, c.op, c.value) for c in find_comparisons("anything above 50% CPU")]
    [('cpu', '>', 50.0)]
    >>> describe_days(1000)
    '1000 days (2 years 9 months)'

Values are in days (``age``), bytes (``size``: of files; ``memory``: resident memory of
processes) and percent (``cpu``: of one core; ``memory_percent``: of the machine's
memory, which nlsh cannot filter by yet: ``Comparison.supported`` is False for it, so a
caller can say so). Invalid amounts raise :class:`~nlsh.language.resolve.ResolutionError`
(:class:`~nlsh.language.resolve.OutOfRange` for absurd ones, :class:`VagueAmount` for
"a few days") with a message for the user.

:func:`find_comparisons` knows no intent: "over the last 15 minutes" is an age window
whether the sentence cleans files or asks for the load average, so a caller applies only
the quantities its intent filters by and reports the others. Reading a sentence takes
about 0.03–0.15 ms (regexes compiled once, repetitions bounded: linear in its length).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from nlsh.language.resolve import MAX_DIGITS, OutOfRange, ResolutionError
from nlsh.stages import LIMIT_QUANTITIES, Limit

__all__ = [
    "Comparison",
    "VagueAmount",
    "check_consistent",
    "describe_bytes",
    "describe_days",
    "describe_limit",
    "find_comparisons",
    "parse_amount",
    "parse_bytes",
    "parse_duration_days",
]


class _LazyPattern:
    """A regular expression compiled on first use: the comparison patterns are large, and
    most sentences (no comparison word at all) never need them — a one-shot stays fast."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        return getattr(self._compiled, name)


def _lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))


class VagueAmount(ResolutionError):
    """The sentence gives no number ("a few days", "several GB"): ask how much."""


# ── tables ─────────────────────────────────────────────────────────────────────────────

_ONES = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
         "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_BIG = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_VAGUE = {"few", "several", "some", "many", "lot", "lots", "plenty", "handful", "bunch",
          "couple of few", "dozens", "hundreds", "thousands", "millions", "number"}
_LIMIT = 10.0**MAX_DIGITS  # more than MAX_DIGITS digits: no age, size or load means it

_DAY_UNITS = {
    "second": 1 / 86400, "seconds": 1 / 86400, "sec": 1 / 86400, "secs": 1 / 86400,
    "minute": 1 / 1440, "minutes": 1 / 1440, "min": 1 / 1440, "mins": 1 / 1440,
    "hour": 1 / 24, "hours": 1 / 24, "hr": 1 / 24, "hrs": 1 / 24, "h": 1 / 24,
    "day": 1, "days": 1, "d": 1, "week": 7, "weeks": 7, "wk": 7, "wks": 7, "w": 7,
    "fortnight": 14, "fortnights": 14, "month": 30, "months": 30, "mo": 30, "mos": 30,
    "year": 365, "years": 365, "yr": 365, "yrs": 365, "y": 365,
    "decade": 3650, "decades": 3650, "century": 36500, "centuries": 36500,
}
_KI, _MI, _GI, _TI, _PI = 1024, 1024**2, 1024**3, 1024**4, 1024**5
_SIZE_UNITS = {
    "b": 1, "byte": 1, "bytes": 1,
    "k": _KI, "kb": _KI, "kib": _KI, "kilobyte": _KI, "kilobytes": _KI, "kibibyte": _KI,
    "kibibytes": _KI, "kilo": _KI, "kilos": _KI,
    "m": _MI, "mb": _MI, "mib": _MI, "meg": _MI, "megs": _MI, "megabyte": _MI,
    "megabytes": _MI, "mebibyte": _MI, "mebibytes": _MI,
    "g": _GI, "gb": _GI, "gib": _GI, "gig": _GI, "gigs": _GI, "gigabyte": _GI,
    "gigabytes": _GI, "gibibyte": _GI, "gibibytes": _GI,
    "t": _TI, "tb": _TI, "tib": _TI, "terabyte": _TI, "terabytes": _TI, "tebibyte": _TI,
    "tebibytes": _TI, "pb": _PI, "pib": _PI, "petabyte": _PI, "petabytes": _PI,
}
_PERCENT = ("%", "percent", "per cent", "pct")


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first, spaces matching any whitespace."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) + ")"


# ── regexes (compiled once) ────────────────────────────────────────────────────────────

_DIGITS = (r"[-+\u2212]?(?:"
           r"\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?"            # 1,000 and 10,000,000.5
           r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)(?:\.\d+)?"  # 1 000
           r"|\d+(?:_\d+)+(?:\.\d+)?"                          # 1_000
           r"|\d+(?:,\d+)+"                                    # 1,5: caught, then refused
           r"|(?:\d+(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?)")         # 1.5, .5, 1e3, 2.5E2
_NUMBER_WORD = _alternation([*_ONES, *_TEENS, *_TENS, "hundred", *_BIG, "dozen"]) + r"\b"
# Repetitions are bounded so that a long sentence is read in linear time.
_WORD_SEQUENCE = rf"{_NUMBER_WORD}(?:(?:\s+|\s*-\s*)(?:and\s+)?{_NUMBER_WORD}){{0,8}}"
_SCALE = r"(?:\s+(?:hundred|thousand|million|billion|trillion|dozen)\b)?"
_HALF = r"(?:\s+and\s+(?:a|one)\s+half\b)?"
_TIME_UNIT = _alternation(_DAY_UNITS) + r"(?![a-z0-9])"
# "1.5k days": a thousand only before a time unit ("100k" alone is 100 KiB).
_KILO = rf"(?:k(?=\s*{_TIME_UNIT}))?"
_AMOUNT = (rf"(?:{_DIGITS}{_KILO}{_SCALE}{_HALF}"
           rf"|half\s+an?\s+{_WORD_SEQUENCE}"
           rf"|(?:an?\s+)?{_WORD_SEQUENCE}{_HALF}"
           r"|(?:an?\s+)?(?:couple|pair)(?:\s+of)?\b"
           r"|half\s+an?\b|an?\s+half\b|half\b"
           r"|(?:an?\s+)?(?:few|handful(?:\s+of)?|lot\s+of|bunch\s+of|number\s+of)\b"
           r"|(?:several|some|many|lots\s+of|plenty\s+of|dozens\s+of|hundreds\s+of"
           r"|thousands\s+of)\b"
           r"|an?\b)")
_SIZE_UNIT = _alternation(_SIZE_UNITS) + r"(?![a-z0-9])"
_PERCENT_UNIT = r"(?:%|(?:percent|per\s*cent|pct)\b)"
_TIME_MORE = (rf"(?:(?:\s*,\s*|\s+)(?:and\s+)?{_AMOUNT}\s*{_TIME_UNIT}){{0,4}}"
              r"(?:\s+and\s+a\s+half\b)?")
_QUANTITY = (rf"(?P<qty>(?P<amount>{_AMOUNT})"
             rf"(?:\s*(?P<pct>{_PERCENT_UNIT})"
             rf"|\s*(?P<sunit>{_SIZE_UNIT})"
             rf"|\s*(?P<tunit>{_TIME_UNIT}){_TIME_MORE})?"
             rf"|(?P<tword>yesterday\b|(?:the\s+)?(?:last|past)\s+{_TIME_UNIT}))")

_AMOUNT_FULL = _lazy(rf"\s*(?:{_AMOUNT}|{_DIGITS}k)\s*", re.IGNORECASE)
_DIGITS_FULL = _lazy(rf"(?P<num>{_DIGITS})(?P<scale>k|{_SCALE})(?P<half>{_HALF})",
                          re.IGNORECASE)
_DURATION_PART = _lazy(
    rf"(?:\s*,\s*|\s+)?(?:and\s+)?(?:(?P<amount>{_AMOUNT})\s*)?(?P<unit>[a-z]+)"
    r"(?P<half>\s+and\s+a\s+half\b)?", re.IGNORECASE)
_SIZE_FULL = _lazy(rf"(?P<amount>{_AMOUNT})?\s*(?P<unit>[a-z]+)", re.IGNORECASE)

# Cue → (op, what it compares: "time", "size" or "any").
_CUES: dict[str, tuple[str, str]] = {
    "older than": (">", "time"), "newer than": ("<", "time"), "younger than": ("<", "time"),
    "more recent than": ("<", "time"), "fresher than": ("<", "time"),
    "not older than": ("<=", "time"), "no older than": ("<=", "time"),
    "not newer than": (">=", "time"), "no newer than": (">=", "time"),
    "not younger than": (">=", "time"), "no younger than": (">=", "time"),
    "larger than": (">", "size"), "bigger than": (">", "size"), "heavier than": (">", "size"),
    "smaller than": ("<", "size"), "lighter than": ("<", "size"),
    "no larger than": ("<=", "size"), "not larger than": ("<=", "size"),
    "no bigger than": ("<=", "size"), "not bigger than": ("<=", "size"),
    "no smaller than": (">=", "size"), "not smaller than": (">=", "size"),
    "greater than": (">", "any"), "higher than": (">", "any"), "more than": (">", "any"),
    "over": (">", "any"), "above": (">", "any"), "exceeding": (">", "any"),
    "exceeds": (">", "any"), "in excess of": (">", "any"), "upwards of": (">", "any"),
    "less than": ("<", "any"), "fewer than": ("<", "any"), "lower than": ("<", "any"),
    "under": ("<", "any"), "below": ("<", "any"), "beneath": ("<", "any"),
    "at least": (">=", "any"), "no less than": (">=", "any"), "not less than": (">=", "any"),
    "no fewer than": (">=", "any"), "at most": ("<=", "any"), "no more than": ("<=", "any"),
    "not more than": ("<=", "any"), "not over": ("<=", "any"),
    "greater than or equal to": (">=", "any"), "more than or equal to": (">=", "any"),
    "larger than or equal to": (">=", "size"), "bigger than or equal to": (">=", "size"),
    "less than or equal to": ("<=", "any"), "smaller than or equal to": ("<=", "size"),
    "equal to or more than": (">=", "any"), "equal to or less than": ("<=", "any"),
}
_SYMBOLS: dict[str, str] = {">": ">", "<": "<", ">=": ">=", "<=": "<=", "=>": ">=",
                            "=<": "<=", "≥": ">=", "≤": "<="}
_CUE = _lazy(
    rf"(?:(?<![\w-])(?P<cue>{_alternation(_CUES)})\s+|(?P<sym>{_alternation(_SYMBOLS)})\s*)"
    rf"{_QUANTITY}", re.IGNORECASE)
_POST = _lazy(
    rf"(?<![\w.,]){_QUANTITY}(?P<old>\s+old)?"
    r"(?:\s+(?:or|and)\s+(?P<dir>older|more|larger|bigger|greater|higher|above|over|up|"
    r"longer|newer|younger|less|smaller|fewer|lower|below|under)\b(?!\s+than)"
    r"|(?P<plus>\+)(?![\w+]))", re.IGNORECASE)
_VERB = (r"(?:modif(?:ied|y)|chang(?:ed|e)|touch(?:ed)?|access(?:ed)?|us(?:ed|e)|"
         r"open(?:ed)?|read|edit(?:ed)?|updat(?:ed|e)|written|write|view(?:ed)?|"
         r"run|played|needed|need|looked\s+at|saved|save|created|create|watched|"
         r"listened(?:\s+to)?)")
_NEGATED_WINDOW = _lazy(
    r"(?<![\w'’])(?:(?:not|never|(?:haven|hasn|hadn|weren|wasn|aren|isn|didn|don|doesn|won)"
    rf"['’]?t)\s+(?:(?:been|once|ever)\s+){{0,3}}{_VERB}"
    r"|un(?:touched|used|modified|changed|opened|accessed|read|edited|updated|viewed))"
    r"\s+(?:(?:in|for|within|during|over|since)\s+)?(?:(?:more\s+than|over)\s+)?"
    r"(?:the\s+)?(?:(?:last|past)\s+)?"
    rf"(?P<q>{_AMOUNT}\s*{_TIME_UNIT}{_TIME_MORE}|{_TIME_UNIT})", re.IGNORECASE)
_WINDOW = _lazy(
    rf"(?<![\w-])(?:(?:{_VERB}|modified|changed|created|downloaded|added|made|written)\s+)?"
    r"(?:(?:in|within|during|over|from|since)\s+(?:the\s+)?(?:last|past)\s+"
    rf"(?P<q>{_AMOUNT}\s*{_TIME_UNIT}{_TIME_MORE}|{_TIME_UNIT})"
    rf"|within\s+(?:the\s+)?(?P<q2>{_AMOUNT}\s*{_TIME_UNIT}{_TIME_MORE}|{_TIME_UNIT})"
    rf"|since\s+(?P<q3>{_AMOUNT}\s*{_TIME_UNIT}{_TIME_MORE})\s+ago\b)", re.IGNORECASE)
_BETWEEN = _lazy(
    rf"(?<![\w-])between\s+(?P<low>{_AMOUNT})\s*(?P<lunit>[a-z%]+)?\s+(?:and|to)\s+"
    rf"{_QUANTITY}", re.IGNORECASE)

# Cheap tests that skip a whole scan when its words are absent from the sentence.
_POST_HINT = _lazy(r"\b(?:or|and)\s+(?:older|more|larger|bigger|greater|higher|above|"
                        r"over|up|longer|newer|younger|less|smaller|fewer|lower|below|under)"
                        r"\b(?!\s+than)|\+", re.IGNORECASE)
_NEGATION_HINT = _lazy(r"\b(?:not|never|un\w+)\b|n['’]?t\b", re.IGNORECASE)
_WINDOW_HINT = _lazy(r"\b(?:last|past|within|since)\b", re.IGNORECASE)
_AGE_TAIL = _lazy(r"\s+(?:old|ago)\b", re.IGNORECASE)
_RESOURCE_TAIL = _lazy(
    r"\s*(?:(?:of|in)\s+)?(?:(?:the|a|one|all|total|system|physical|resident)\s+)?"
    r"(?:(?P<mem>ram|memory|mem|rss|resident)|(?P<cpu>cpus?|processors?|cores?)"
    r"|(?P<disk>disk(?:\s+space)?|space|storage|size))\b"
    r"|\s+(?:on\s+disk|big|large)\b", re.IGNORECASE)
_OR_MORE = _lazy(r"\s+(?:or|and)\s+(?:(?P<up>more|greater|larger|bigger|higher|above|"
                      r"over|up|older|longer)|(?P<down>less|smaller|fewer|lower|below|under|"
                      r"newer|younger))\b(?!\s+than)|(?P<plus>\+)(?![\w+])", re.IGNORECASE)
_USAGE_BEFORE = _lazy(
    r"(?<![\w-])(?:using|uses|use|eating(?:\s+up)?|eats(?:\s+up)?|consuming|consumes|"
    r"hogging|hogs|taking(?:\s+up)?|takes(?:\s+up)?|take(?:\s+up)?|occupying|occupies)\s+$",
    re.IGNORECASE)
_UNITLESS_NEXT = _lazy(
    r"\s*(?:$|[,.;:!?)]|(?:and|or|but|then|in|on|from|under|inside|at|to|please|with|"
    r"that|which|so|now)\b)", re.IGNORECASE)
_MEMORY_WORDS = _lazy(r"\b(?:ram|memory|mem|rss|resident)\b", re.IGNORECASE)
_CPU_WORDS = _lazy(r"\b(?:cpus?|processors?|cores?)\b", re.IGNORECASE)
_FILE_WORDS = _lazy(
    r"\b(?:files?|folders?|dirs?|director(?:y|ies)|disk|space|storage|caches?|logs?|"
    r"downloads?|archives?|videos?|images?|photos?|documents?|isos?|zips?|tarballs?|"
    r"backups?|trash|artifacts?|packages?)\b|(?:^|\s)[~/]", re.IGNORECASE)
_PROCESS_WORDS = _lazy(
    r"\b(?:process(?:es)?|procs?|programs?|apps?|applications?|pids?|tasks?|daemons?|"
    r"services?|browsers?|tabs?|running|kill|terminate|pause|suspend|freeze|renice|"
    r"priority|chrome|firefox)\b", re.IGNORECASE)


# ── amounts ────────────────────────────────────────────────────────────────────────────

def _checked(value: float, text: str) -> float:
    if not math.isfinite(value) or abs(value) >= _LIMIT:
        raise OutOfRange(f"{text.strip()[:24]!r} is far too large a number")
    return value


def _digits_value(digits: str) -> float | None:
    """``1,000`` / ``1 000`` / ``1_000`` / ``1e3`` as a float; None for ``1,5``."""
    cleaned = digits.replace("\u2212", "-")
    if "," in cleaned and not re.fullmatch(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", cleaned):
        return None  # "1,5" is 1.5 in Europe and 15 by a typo: refuse both readings
    cleaned = re.sub(r"[,_ \u00a0\u202f]", "", cleaned)
    if sum(c.isdigit() for c in cleaned.split("e")[0].split("E")[0]) > MAX_DIGITS:
        raise OutOfRange(f"{digits.strip()[:20]}… is far too large a number")
    return _checked(float(cleaned), digits)


def _words_value(words: list[str]) -> float | None:
    """English number words ("a hundred and twenty", "twenty five", "two dozen")."""
    if words and words[0] in ("a", "an"):
        words = words[1:]
        if not words:
            return 1.0
        if words[0] not in ("hundred", "dozen", *_BIG):
            return None
    total = current = 0.0
    last = ""
    big = math.inf
    for word in words:
        if word == "and":
            if last not in ("hundred", "big"):
                return None
            last = "and"
        elif word in _ONES:
            if last in ("one", "teen") or (word == "zero" and len(words) > 1):
                return None
            current += _ONES[word]
            last = "one"
        elif word in _TEENS or word in _TENS:
            if last in ("one", "teen", "ten"):
                return None
            current += _TEENS.get(word) or _TENS[word]
            last = "teen" if word in _TEENS else "ten"
        elif word == "hundred":
            if last in ("hundred", "dozen"):
                return None
            current = (current or 1) * 100
            last = "hundred"
        elif word in _BIG:
            if last in ("big", "and", "dozen") or _BIG[word] >= big:
                return None
            big = _BIG[word]
            total += (current or 1) * big
            current, last = 0.0, "big"
        elif word == "dozen":
            if last in ("dozen", "and"):
                return None
            current = (current or 1) * 12
            last = "dozen"
        else:
            return None
    return None if last in ("", "and") else total + current


def parse_amount(text: str) -> float | None:
    """The number a whole string states, or None when it is not exactly one number.

    "1,000", "1 000", "1_000", "1.5", ".5", "1e3", "2.5E2", "a thousand", "twenty five",
    "a dozen", "half a" (0.5), "a couple of" (2), "one and a half" (1.5), "a hundred and
    twenty". Ambiguous or vague forms ("1,5", "a few") give None; more than
    ``MAX_DIGITS`` digits raise :class:`OutOfRange`.
    """
    s = " ".join(text.lower().split())
    if not s or not _AMOUNT_FULL.fullmatch(s):
        return None
    digits = _DIGITS_FULL.fullmatch(s)
    if digits:
        value = _digits_value(digits.group("num"))
        if value is None:
            return None
        scale = digits.group("scale").strip()
        if scale:
            value *= {"dozen": 12, "hundred": 100, "k": 1000}.get(scale) or _BIG[scale]
        if digits.group("half"):
            value += 0.5
        return _checked(value, text)
    words = [w for w in re.split(r"[\s-]+", s) if w]
    if words[-1] == "of":
        words = words[:-1]
    value = _word_amount(words)
    return None if value is None else _checked(value, text)


def _word_amount(words: list[str]) -> float | None:
    if not words or any(w in _VAGUE for w in words):
        return None
    if words in (["half"], ["a", "half"], ["an", "half"], ["half", "a"], ["half", "an"]):
        return 0.5
    if words[-3:] in (["and", "a", "half"], ["and", "one", "half"]):
        base = _words_value(words[:-3])
        return None if base is None else base + 0.5
    if words[0] == "half":
        rest = _words_value(words[1:])
        return None if rest is None else rest / 2
    if words in (["couple"], ["a", "couple"], ["pair"], ["a", "pair"]):
        return 2.0
    return _words_value(words)


def _amount_or_raise(amount: str | None, phrase: str) -> float:
    """The amount of a unit phrase ("a" week → 1); raises with the reason when unusable."""
    if amount is None or not amount.strip():
        return 1.0
    value = parse_amount(amount)
    if value is not None:
        return value
    words = set(re.split(r"[\s-]+", amount.lower()))
    if words & _VAGUE:
        raise VagueAmount(f"{phrase.strip()!r} is vague: say how much, e.g. 3 days or 2 GB")
    if "," in amount:
        written = amount.strip()
        raise ResolutionError(f"{written!r} is ambiguous: write {written.replace(',', '.')!r}"
                              f" or {written.replace(',', '')!r}")
    raise ResolutionError(f"{amount.strip()!r} is not a number")


# ── amount + unit ──────────────────────────────────────────────────────────────────────

def _clean(text: str) -> str:
    return " ".join(text.lower().replace("\u2212", "-").split()).rstrip(" .,;:!?")


def parse_duration_days(text: str) -> float:
    """An age phrase in days: "a year" → 365, "1.5 years" → 547.5, "last week" → 7,
    "a fortnight" → 14, "a decade" → 3650, "12 hours" → 0.5, "1 year and 6 months" → 545,
    "a year and a half" → 547.5; a bare number is days ("30" → 30).

    Raises :class:`ResolutionError` for a negative age, a size ("5 GB"), an unknown unit
    and anything that is not an age; :class:`VagueAmount` for "a few days".
    """
    s = _clean(text)
    s = re.sub(r"^(?:the\s+)?(?:(?:last|past)\s+)?", "", s)
    s = re.sub(r"\s+(?:ago|old)$", "", s)
    if s == "yesterday":
        return 1.0
    if not s:
        raise ResolutionError(f"{text.strip()!r} is not an age (say e.g. 7 days or a week)")
    bare = parse_amount(s)
    if bare is not None:
        return _nonnegative_days(bare, text)
    total = 0.0
    position = 0
    parts = 0
    while position < len(s):
        part = _DURATION_PART.match(s, position)
        parts += 1
        if part is None or part.end() == position or (
                part.group("amount") is None and (parts > 1 or part.end() < len(s))):
            raise ResolutionError(f"{text.strip()!r} is not an age (say e.g. 7 days or a week)")
        unit = part.group("unit")
        if unit not in _DAY_UNITS:
            if unit in _SIZE_UNITS:
                if unit == "m":
                    raise ResolutionError(f"{text.strip()!r} is ambiguous: say minutes or "
                                          "months")
                raise ResolutionError(f"{text.strip()!r} is a size, not an age")
            raise ResolutionError(f"unknown unit {unit!r} in {text.strip()!r} (say e.g. "
                                  "days, weeks, months or years)")
        amount = _amount_or_raise(part.group("amount"), text)
        if amount < 0:
            raise ResolutionError(f"an age cannot be negative (got {text.strip()!r})")
        if part.group("half"):
            amount += 0.5
        total += amount * _DAY_UNITS[unit]
        position = part.end()
    return _nonnegative_days(total, text)


def _nonnegative_days(days: float, text: str) -> float:
    if days < 0:
        raise ResolutionError(f"an age cannot be negative (got {text.strip()!r})")
    return _checked(days, text)


def parse_bytes(text: str) -> int:
    """A size phrase in bytes, 1024-based as in resolve.py: "1.5 GB" → 1610612736,
    "100k" → 102400, "2 gigs", "a megabyte", "half a gig".

    Raises :class:`ResolutionError` when the phrase has no unit ("1000": bytes or
    megabytes?), is zero or negative, or is an age; :class:`VagueAmount` for "a few GB".
    """
    s = _clean(text)
    match = _SIZE_FULL.fullmatch(s)
    if match is None:
        if parse_amount(s) is not None:
            raise ResolutionError(f"{text.strip()!r} has no unit: say e.g. 500 MB or 2 GB")
        raise ResolutionError(f"{text.strip()!r} is not a size (say e.g. 500 MB or 2 GB)")
    unit = match.group("unit")
    if unit not in _SIZE_UNITS:
        if unit in _DAY_UNITS:
            raise ResolutionError(f"{text.strip()!r} is an age, not a size")
        raise ResolutionError(f"unknown size unit {unit!r} in {text.strip()!r}")
    value = _bytes_value(match.group("amount"), unit, text)
    if value <= 0:
        raise ResolutionError(f"a size must be more than 0 bytes (got {text.strip()!r})")
    return value


def _bytes_value(amount: str | None, unit: str, text: str) -> int:
    number = _amount_or_raise(amount, text)
    if number < 0:
        raise ResolutionError(f"a size cannot be negative (got {text.strip()!r})")
    return round(_checked(number * _SIZE_UNITS[unit.lower()], text))


def _percent_value(amount: str, text: str) -> float:
    number = _amount_or_raise(amount, text)
    if number < 0:
        raise ResolutionError(f"a percentage cannot be negative (got {text.strip()!r})")
    return number


# ── comparisons in a sentence ──────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Comparison:
    """One comparison in a sentence and where it is: ``text == sentence[start:end]``.

    ``quantity`` is ``age`` (days), ``size`` / ``memory`` (bytes), ``cpu`` (percent of
    one core) or ``memory_percent`` (percent of all memory: not supported by nlsh yet).
    """

    quantity: str
    op: str
    value: float
    text: str
    start: int
    end: int

    @property
    def supported(self) -> bool:
        """Whether nlsh can apply it (``memory_percent`` is not in ``LIMIT_QUANTITIES``)."""
        return self.quantity in LIMIT_QUANTITIES

    def to_limit(self) -> Limit:
        """The plan's :class:`~nlsh.stages.Limit`, quantity kept as it is: a caller checks
        ``supported`` (or its own allowed quantities) and refuses ``memory_percent``."""
        return Limit(self.quantity, self.op, self.value, self.text)


@dataclass(frozen=True)
class _Found:
    """A candidate reading of ``text[start:end]``; lower ``rank`` wins an overlap. An
    invalid one carries its ``error``, raised only if no better reading covers it."""

    start: int
    end: int
    rank: int
    comparisons: tuple[Comparison, ...] = ()
    error: ResolutionError | None = None


def find_comparisons(text: str) -> list[Comparison]:
    """Every comparison ``text`` states, in order, with exact character spans.

    "older than 1,000 days" → age > 1000; "newer than 2 days" → age < 2; "not modified in
    the last 30 days" → age > 30; "in the last week" → age < 7; "30 days or older" → age
    >= 30; "larger than 100 MB" → size > 104857600; "every chrome using more than 2 GB"
    → memory > 2147483648; "above 50% CPU" → cpu > 50. Counts ("the top 5", "the 20
    largest") and plain numbers (pids, ports) are never comparisons; nor is a number
    whose unit is unknown ("larger than 100", "above 50%" with no CPU or memory in sight).

    Raises :class:`ResolutionError` when a comparison's amount is invalid (negative,
    "1,5", a size compared as an age), :class:`OutOfRange` when absurd, and
    :class:`VagueAmount` for "older than a few days". Contradictory pairs are returned
    as they are: see :func:`check_consistent`.
    """
    found: list[_Found] = []
    lowered = text.lower()
    if not _ANY_CUE.search(lowered):
        return []
    scans: list[tuple[int, re.Pattern[str], _Reader]] = []
    if "between" in lowered:
        scans.append((0, _BETWEEN, _between))
    if _NEGATION_HINT.search(text):
        scans.append((1, _NEGATED_WINDOW, _negated_window))
    scans.append((2, _CUE, _cue))
    if _WINDOW_HINT.search(text):
        scans.append((3, _WINDOW, _window))
    if _POST_HINT.search(text):
        scans.append((4, _POST, _post))
    for rank, pattern, reader in scans:
        for match in pattern.finditer(text):
            try:
                found.extend(reader(text, lowered, match))
            except ResolutionError as error:
                found.append(_Found(match.start(), match.end(), rank, error=error))
    return _without_overlaps(found)


# Every comparison says one of these; a sentence without any has none (checked cheaply).
_ANY_CUE = re.compile(r"than|over|under|above|below|least|most|exceed|more|less|fewer|bigger|"
                      r"larger|smaller|older|newer|younger|between|last|past|within|since|"
                      r"ago|old|%|percent|per cent|pct|>|<|≤|≥|\+|touched|modified|open|used|"
                      r"access|for\s|\sup\b|watched|listened|played|viewed|read\b")


_Reader = Callable[[str, str, "re.Match[str]"], list[_Found]]


def _negated_window(text: str, lowered: str, match: re.Match[str]) -> list[_Found]:
    days = parse_duration_days(match.group("q"))
    return [_single(text, "age", ">", days, match.start(), match.end(), 1)]


def _window(text: str, lowered: str, match: re.Match[str]) -> list[_Found]:
    days = parse_duration_days(match.group("q") or match.group("q2") or match.group("q3"))
    return [_single(text, "age", "<", days, match.start(), match.end(), 3)]


def _single(text: str, quantity: str, op: str, value: float, start: int, end: int,
            rank: int) -> _Found:
    comparison = Comparison(quantity, op, float(value), text[start:end], start, end)
    return _Found(start, end, rank, (comparison,))


def _without_overlaps(found: list[_Found]) -> list[Comparison]:
    kept: list[_Found] = []
    for candidate in sorted(found, key=lambda f: (f.rank, f.start, f.start - f.end)):
        if all(candidate.end <= k.start or candidate.start >= k.end for k in kept):
            if candidate.error is not None:
                raise candidate.error
            kept.append(candidate)
    return [c for k in sorted(kept, key=lambda f: f.start) for c in k.comparisons]


def _kind(match: re.Match[str]) -> str:
    if match.group("pct"):
        return "percent"
    if match.group("sunit"):
        return "size"
    if match.group("tunit") or match.group("tword"):
        return "time"
    return "none"


def _cue(text: str, lowered: str, match: re.Match[str]) -> list[_Found]:
    cue = match.group("cue")
    if cue:
        op, hint = _CUES[" ".join(cue.lower().split())]
    else:
        op, hint = _SYMBOLS[match.group("sym")], "any"
    start, end = match.start(), match.end()
    resolved = _measure(text, lowered, match, hint, start, end)
    if resolved is None:
        return []
    quantity, value, start, end = resolved
    more = _OR_MORE.match(text, end)
    if more and len(op) == 1 and _fits(more, quantity) and (
            more.group("plus") or (more.group("up") and op == ">")
            or (more.group("down") and op == "<")):
        op, end = op + "=", more.end()
    return [_single(text, quantity, op, value, start, end, 2)]


_AGE_ONLY = {"older", "longer", "newer", "younger"}
_SIZE_ONLY = {"larger", "bigger", "smaller", "greater", "higher", "lower"}


def _fits(more: re.Match[str], quantity: str) -> bool:
    """Whether "or older" / "and bigger" / "+" can follow a quantity of this kind."""
    word = (more.group("up") or more.group("down") or "").lower()
    if more.group(0).lstrip().lower().startswith("and") and word not in (
            "up", "above", "over", "below", "under", "older", "newer", "younger"):
        return False
    return word not in (_SIZE_ONLY if quantity == "age" else _AGE_ONLY)


def _post(text: str, lowered: str, match: re.Match[str]) -> list[_Found]:
    if _kind(match) == "none":
        return []
    word = (match.group("dir") or "").lower()
    down = word in ("newer", "younger", "less", "smaller", "fewer", "lower", "below", "under")
    hint = ("time" if word in ("older", "newer", "younger", "longer") or match.group("old")
            else "size" if word in ("larger", "bigger", "smaller") else "any")
    resolved = _measure(text, lowered, match, hint, match.start(), match.end("qty"))
    if resolved is None:
        return []
    quantity, value, start, _ = resolved
    return [_single(text, quantity, "<=" if down else ">=", value, start, match.end(), 4)]


def _measure(text: str, lowered: str, match: re.Match[str], hint: str, start: int,
             end: int) -> tuple[str, float, int, int] | None:
    """(quantity, value, start, end) of the quantity ``match`` holds, the span widened to
    the words that belong to it ("old", "of RAM", "using"); None when it is no comparison.
    """
    kind = _kind(match)
    phrase = text[start:end]
    if kind == "none":
        amount = match.group("amount")
        if hint != "time" or not re.fullmatch(_DIGITS, amount.strip(), re.IGNORECASE):
            return None
        if not _UNITLESS_NEXT.match(text, end):
            return None
        kind = "time"
    if hint == "time" and kind != "time":
        raise ResolutionError(f"{phrase.strip()!r} compares an age with "
                              f"{'a size' if kind == 'size' else 'a percentage'}"
                              + (" (say minutes or months)" if match.group("sunit") in
                                 ("m", "M") else ""))
    if hint == "size" and kind == "time":
        raise ResolutionError(f"{phrase.strip()!r} compares a size with a time")
    if kind == "time":
        age_tail = _AGE_TAIL.match(text, end)
        if age_tail:
            end = age_tail.end()
        quantity_text = match.group("tword") or text[match.start("amount"):match.end("qty")]
        return "age", parse_duration_days(quantity_text), start, end
    age_tail = _AGE_TAIL.match(text, end)
    if age_tail:
        raise ResolutionError(f"{text[start:age_tail.end()]!r} gives an age in a unit "
                              "that is not a time")
    tail = _RESOURCE_TAIL.match(text, end)
    resource = ""
    if tail:
        resource = ("memory" if tail.group("mem") else "cpu" if tail.group("cpu")
                    else "disk")
        end = tail.end()
    verb = _USAGE_BEFORE.search(text, max(0, start - 24), start)
    if kind == "size":
        if resource == "cpu":
            raise ResolutionError(f"{text[start:end]!r} gives a size for the CPU")
        value = float(_bytes_value(match.group("amount"), match.group("sunit"), phrase))
        quantity = resource or _bytes_context(lowered, verb is not None)
        quantity = "size" if quantity == "disk" else quantity
    else:
        value = _percent_value(match.group("amount"), phrase)
        if resource == "disk":
            return None
        quantity = (resource or _percent_context(lowered, start))
        if not quantity:
            return None
        quantity = "memory_percent" if quantity == "memory" else quantity
    if verb:
        start = verb.start()
    return quantity, value, start, end


def _bytes_context(lowered: str, after_usage_verb: bool) -> str:
    """Whether bytes in this sentence are of files ("size") or of processes ("memory")."""
    memory = _MEMORY_WORDS.search(lowered) is not None
    files = _FILE_WORDS.search(lowered) is not None
    if memory and not files:
        return "memory"
    if files:
        return "size"
    if after_usage_verb or _PROCESS_WORDS.search(lowered):
        return "memory"
    return "size"


def _percent_context(lowered: str, position: int) -> str:
    """"cpu" or "memory" for the resource word nearest to ``position``; "" for none."""
    best = ("", math.inf)
    for pattern, name in ((_CPU_WORDS, "cpu"), (_MEMORY_WORDS, "memory")):
        for word in pattern.finditer(lowered):
            distance = abs(word.start() - position)
            if distance < best[1]:
                best = (name, distance)
    return best[0]


def _between(text: str, lowered: str, match: re.Match[str]) -> list[_Found]:
    """ "between 10 and 20 days old" → age >= 10 and age <= 20 (one span for both)."""
    kind = _kind(match)
    low_unit = match.group("lunit")
    if kind == "none":
        return []
    resolved = _measure(text, lowered, match, "any", match.start(), match.end())
    if resolved is None:
        return []
    quantity, high, start, end = resolved
    unit_text = low_unit or text[match.end("amount"):match.end("qty")]
    low_phrase = f"{match.group('low')} {unit_text}"
    if quantity == "age":
        low = parse_duration_days(low_phrase)
    elif quantity in ("size", "memory"):
        low = float(parse_bytes(low_phrase))
    else:
        low = _percent_value(match.group("low"), low_phrase)
    span = text[start:end]
    pair = (Comparison(quantity, ">=", low, span, start, end),
            Comparison(quantity, "<=", high, span, start, end))
    return [_Found(start, end, 0, pair)]


# ── consistency ────────────────────────────────────────────────────────────────────────

def check_consistent(comparisons: Sequence[Comparison | Limit]) -> str | None:
    """Why no value can satisfy all of ``comparisons`` together, or None when some can.

    "older than 10 days and newer than 20 days" is a range; "older than 20 days and newer
    than 10 days" → "nothing can be both older than 20 days and newer than 10 days".
    """
    by_quantity: dict[str, list[Comparison | Limit]] = {}
    for c in comparisons:
        by_quantity.setdefault(c.quantity, []).append(c)
    for quantity, group in by_quantity.items():
        lows = [c for c in group if c.op in (">", ">=")]
        highs = [c for c in group if c.op in ("<", "<=")]
        for high in highs:
            if high.value < 0 or (high.value == 0 and high.op == "<"):
                return f"nothing can be {_describe(high)}"
        if quantity in ("memory_percent",):
            for low in lows:
                if low.value > 100 or (low.value == 100 and low.op == ">"):
                    return f"nothing can be {_describe(low)}"
        if not lows or not highs:
            continue
        low = max(lows, key=lambda c: (c.value, c.op == ">"))
        high = min(highs, key=lambda c: (c.value, c.op != "<"))
        if low.value > high.value or (low.value == high.value
                                      and (low.op == ">" or high.op == "<")):
            return f"nothing can be both {_describe(low)} and {_describe(high)}"
    return None


def _describe(c: Comparison | Limit) -> str:
    return describe_limit(Limit(c.quantity, c.op, c.value, c.text))


# ── descriptions ───────────────────────────────────────────────────────────────────────

def _number(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _plural(value: float, unit: str) -> str:
    text = _number(value)
    return f"{text} {unit}" if text == "1" else f"{text} {unit}s"


def describe_days(days: float) -> str:
    """ "1000 days (2 years 9 months)", "7 days (1 week)", "1 day", "12 hours"."""
    text, breakdown = _days_and_breakdown(days)
    return f"{text} ({breakdown})" if breakdown else text


def _days_and_breakdown(days: float) -> tuple[str, str]:
    """("1000 days", "2 years 9 months"); the breakdown is "" where it adds nothing."""
    if 0 < days < 1:
        for unit, per_day in (("hour", 24), ("minute", 1440)):
            if days * per_day >= 1 - 1e-9:
                return _plural(days * per_day, unit), ""
        return _plural(days * 86400, "second"), ""
    weeks = days / 7
    if days < 30 and not (days >= 7 and abs(weeks - round(weeks)) < 1e-9):
        return _plural(days, "day"), ""
    parts: list[str] = []
    rest = days
    for unit, size in (("year", 365), ("month", 30), ("week", 7), ("day", 1)):
        count = math.floor(rest / size + 1e-9)
        if count:
            parts.append(_plural(count, unit))
            rest -= count * size
    approximate = len(parts) > 2 or rest > 1e-6
    return _plural(days, "day"), f"{'about ' if approximate else ''}{' '.join(parts[:2])}"


def describe_bytes(n: float) -> str:
    """ "100 MiB", "1.5 GiB", "512 bytes" (1024-based)."""
    for unit, size in (("PiB", _PI), ("TiB", _TI), ("GiB", _GI), ("MiB", _MI), ("KiB", _KI)):
        if n >= size:
            return f"{_number(n / size)} {unit}"
    return "1 byte" if n == 1 else f"{_number(n)} bytes"


_WORDING: dict[str, dict[str, str]] = {
    "age": {">": "older than {}", "<": "newer than {}", ">=": "at least {} old",
            "<=": "at most {} old"},
    "size": {">": "larger than {}", "<": "smaller than {}", ">=": "at least {} in size",
             "<=": "at most {} in size"},
    "memory": {">": "using more than {} of memory", "<": "using less than {} of memory",
               ">=": "using at least {} of memory", "<=": "using at most {} of memory"},
    "cpu": {">": "using more than {} CPU", "<": "using less than {} CPU",
            ">=": "using at least {} CPU", "<=": "using at most {} CPU"},
    "memory_percent": {">": "using more than {} of memory",
                       "<": "using less than {} of memory",
                       ">=": "using at least {} of memory",
                       "<=": "using at most {} of memory"},
}


def describe_limit(limit: Limit) -> str:
    """For plan headers: "older than 1000 days (2 years 9 months)", "larger than 100 MiB",
    "using more than 2 GiB of memory", "using more than 50% CPU", "at least 30 days old".
    """
    if limit.quantity == "age":
        # A month or less is easy to picture in days: "at least 30 days old".
        amount, breakdown = _days_and_breakdown(limit.value)
        wording = _WORDING["age"].get(limit.op, f"{limit.op} {{}}").format(amount)
        return f"{wording} ({breakdown})" if breakdown and limit.value > 31 else wording
    if limit.quantity in ("size", "memory"):
        amount = describe_bytes(limit.value)
    elif limit.quantity in ("cpu", "memory_percent"):
        amount = f"{_number(limit.value)}%"
    else:
        return f"{limit.quantity} {limit.op} {_number(limit.value)}"
    wording = _WORDING[limit.quantity].get(limit.op, f"{limit.op} {{}}")
    return wording.format(amount)
