"""Resolution: from an extracted span ("a week", "1.5 GB", "eighty") to a canonical value.

Extraction decides *where* a slot is; this module decides *what it means*. It is pure,
deterministic and fast, and it works from slot types alone (no catalog files), so the
runtime gets it from the model's metadata without parsing YAML.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Protocol

SlotValue = int | str | bool


class ResolutionError(ValueError):
    """The span cannot be turned into a valid value; the message says why, for the user."""


class OutOfRange(ResolutionError):
    """The user clearly gave a value, and it is not allowed (port 70000, nice -100)."""


class SlotTypeLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def minimum(self) -> int | None: ...
    @property
    def maximum(self) -> int | None: ...
    @property
    def synonyms(self) -> Mapping[str, tuple[str, ...]]: ...


_UNITS = {
    "zero": 0, "no": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "couple": 2,
    "pair": 2, "three": 3, "few": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_NUMBER_FILLER = {"and", "of", "the", "top", "last", "past", "first", "about", "around",
                  "roughly", "approximately", "over", "than", "more", "least", "at", "-"}

_SIZE_UNITS = {
    "b": 1, "byte": 1, "bytes": 1,
    "k": 1024, "kb": 1024, "kib": 1024, "kilobyte": 1024, "kilobytes": 1024, "kilo": 1024,
    "kilos": 1024, "m": 1024**2, "mb": 1024**2, "mib": 1024**2, "meg": 1024**2,
    "megs": 1024**2, "megabyte": 1024**2, "megabytes": 1024**2, "g": 1024**3, "gb": 1024**3,
    "gib": 1024**3, "gig": 1024**3, "gigs": 1024**3, "gigabyte": 1024**3, "gigabytes": 1024**3,
    "t": 1024**4, "tb": 1024**4, "tib": 1024**4, "terabyte": 1024**4, "terabytes": 1024**4,
}
_DAY_UNITS = {
    "minute": 1 / 1440, "minutes": 1 / 1440, "min": 1 / 1440, "mins": 1 / 1440,
    "hour": 1 / 24, "hours": 1 / 24, "hr": 1 / 24, "hrs": 1 / 24, "h": 1 / 24,
    "day": 1, "days": 1, "d": 1, "week": 7, "weeks": 7, "wk": 7, "wks": 7, "w": 7,
    "fortnight": 14, "fortnights": 14, "month": 30, "months": 30, "mo": 30,
    "year": 365, "years": 365, "yr": 365, "yrs": 365, "y": 365,
}
_DAY_WORDS = {"yesterday": 1, "today": 0}

# Words that name the kind of thing rather than which program ("the node *server*").
_NAME_FILLER = {
    "the", "a", "an", "my", "our", "your", "this", "that", "these", "those", "all", "any",
    "every", "each", "some", "running", "process", "processes", "proc", "procs", "server",
    "servers", "job", "jobs", "app", "apps", "application", "applications", "program",
    "programs", "daemon", "daemons", "service", "services", "task", "tasks", "instance",
    "instances", "window", "windows", "thing", "things", "stuff", "script", "scripts",
    "command", "commands", "named", "called", "whole", "current", "stupid", "damn",
}
_TRIM = " \t\"'`“”‘’.,;:!?()"


def is_unit(kind: str, word: str) -> bool:
    """Whether ``word`` is a unit of a size or an age ("GB", "hours")."""
    word = word.lower().strip(_TRIM)
    return word in (_SIZE_UNITS if kind == "size" else _DAY_UNITS if kind == "days" else ())


def resolve(slot_type: SlotTypeLike, text: str) -> SlotValue:
    """The canonical value of ``text`` for ``slot_type``; ResolutionError when invalid."""
    kind = slot_type.kind
    if kind == "flag":
        return True
    if kind == "name":
        return _resolve_name(text, slot_type.name)
    if kind == "path":
        return _resolve_path(text)
    if kind == "enum":
        return _resolve_enum(text, slot_type)
    if kind == "integer":
        value = _resolve_integer(text, slot_type.name)
    elif kind == "size":
        value = parse_size(text)
    elif kind == "days":
        value = parse_days(text)
    else:  # pragma: no cover - catalog validation rejects other kinds
        raise ResolutionError(f"unknown slot kind {kind!r}")
    _check_range(value, slot_type)
    return value


def _check_range(value: int, slot_type: SlotTypeLike) -> None:
    low, high = slot_type.minimum, slot_type.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"{low if low is not None else '…'}–{high if high is not None else '…'}"
        raise OutOfRange(f"{slot_type.name} must be in {bounds} (got {value})")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:\.[0-9]+)?|-", text.lower())


def _resolve_name(text: str, slot: str) -> str:
    cleaned = text.strip(_TRIM)
    cleaned = re.sub(r"(?i)'s\b", "", cleaned)
    kept = [w for w in cleaned.split() if w.lower().strip(_TRIM) not in _NAME_FILLER]
    value = " ".join(w.strip(_TRIM) for w in kept).lower().strip()
    if not value:
        raise ResolutionError(f"no {slot} name in {text.strip()!r}")
    return value


def _resolve_path(text: str) -> str:
    value = text.strip().strip("\"'`“”‘’").rstrip(",;!?")
    # A sentence-final full stop is punctuation, not part of the path ("in /tmp.").
    if value.endswith(".") and not value.endswith(".."):
        value = value[:-1]
    if not value:
        raise ResolutionError("empty path")
    return value


def _resolve_enum(text: str, slot_type: SlotTypeLike) -> str:
    normalised = " " + " ".join(re.findall(r"[a-z0-9/+-]+", text.lower())) + " "
    best: tuple[int, str] | None = None
    for canonical, phrases in slot_type.synonyms.items():
        for phrase in (canonical, *phrases):
            if f" {phrase} " in normalised and (best is None or len(phrase) > best[0]):
                best = (len(phrase), canonical)
    if best is None:
        choices = ", ".join(slot_type.synonyms)
        raise ResolutionError(f"{text.strip()!r} is not a known {slot_type.name} "
                              f"(one of: {choices})")
    return best[1]


# A port written after an address, as error messages and ``ss`` print it: ``:::8080``,
# ``0.0.0.0:8080``, ``127.0.0.1:8080``, ``[::]:8080``, ``localhost:8080``, ``*:8080``.
ADDRESS_PORT = re.compile(r"(?i)(?:\[[0-9a-f:.]*\]|[0-9a-z.*-]*:*|::)?:(\d{1,5})")


def port_of(text: str) -> int | None:
    """The port of an address written with one ("[::]:80" → 80), else None."""
    found = ADDRESS_PORT.fullmatch(text.strip().rstrip(".,;)"))
    return int(found.group(1)) if found else None


def _resolve_integer(text: str, slot: str) -> int:
    if slot == "port" and (port := port_of(text)) is not None:
        return port
    number = parse_number(text)
    if number is None:
        raise ResolutionError(f"{text.strip()!r} is not a number for {slot}")
    if number != int(number):
        raise ResolutionError(f"{slot} must be a whole number (got {text.strip()!r})")
    return int(number)


# A sign: ASCII plus, ASCII hyphen-minus or the minus sign U+2212. Every character is
# escaped: unescaped, "+-−" inside a class is a *range* (it matched digits and letters).
_SIGN = "[" + re.escape("+") + re.escape("-") + "\u2212]"
# Larger numbers are no pid, port, nice value, size or age: reported as out of range.
MAX_DIGITS = 30


def _number_value(digits: str) -> float:
    """``digits`` ("-5", "2.5", "18446744073709551616") as a number; huge ones raise OutOfRange."""
    cleaned = digits.replace("\u2212", "-").replace(" ", "")
    if sum(c.isdigit() for c in cleaned) > MAX_DIGITS:
        raise OutOfRange(f"{digits.strip()[:20]}… is far too large a number")
    value = float(cleaned)
    if not math.isfinite(value):  # pragma: no cover - MAX_DIGITS keeps floats finite
        raise OutOfRange(f"{digits.strip()[:20]} is far too large a number")
    return value


def parse_number(text: str) -> float | None:
    """Digits ("8080", "-5", "1,024", "2.5") or words ("twenty five", "a hundred").

    A number too large to mean anything here raises :class:`OutOfRange`.
    """
    stripped = text.strip().lstrip(":#").replace(",", "").replace("_", "")
    digits = re.fullmatch(_SIGN + r"?\s*\d+(?:\.\d+)?", stripped)
    if digits:
        return _number_value(digits.group(0))
    found = re.search(_SIGN + r"?\d+(?:\.\d+)?", stripped)
    words = [w for w in _words(stripped) if w not in _NUMBER_FILLER]
    if found and all(not w.isalpha() or w in _NUMBER_FILLER for w in _words(stripped)):
        return _number_value(found.group(0))
    return _words_to_number(words) if words else None


def _words_to_number(words: list[str]) -> float | None:
    negative = False
    if words and words[0] in ("minus", "negative"):
        negative, words = True, words[1:]
    if len(words) > 1:  # "a dozen", "a hundred": the article is not a number of its own
        words = [w for w in words if w not in ("a", "an")]
    total: float = 0
    current: float = 0
    seen = False
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total, current = total + current, 0
        elif re.fullmatch(r"\d+(\.\d+)?", word):
            current += _number_value(word)
        else:
            return None
        seen = True
    if not seen:
        return None
    value = total + current
    if not math.isfinite(value) or value > 10**MAX_DIGITS:  # "a million million million…"
        raise OutOfRange("that number is far too large")
    return -value if negative else value


def parse_size(text: str) -> int:
    """"1GB", "1.5 gigs", "500 MB", "a gigabyte", "100k" → bytes (KB/MB/GB are 1024-based)."""
    lowered = text.lower().replace(",", "")
    match = re.search(r"(\d+(?:\.\d+)?)\s*([a-z]+)?", lowered)
    if match:
        amount = _number_value(match.group(1))
        unit = match.group(2) or "b"
    else:
        words = _words(lowered)
        unit_words = [w for w in words if w in _SIZE_UNITS]
        if not unit_words:
            raise ResolutionError(f"{text.strip()!r} is not a size (say e.g. 500MB or 2 GB)")
        unit = unit_words[-1]
        number = _words_to_number([w for w in words if w not in _SIZE_UNITS
                                   and w not in _NUMBER_FILLER and w != "half"]) or 1
        amount = number * (0.5 if "half" in words else 1)
    if unit not in _SIZE_UNITS:
        raise ResolutionError(f"unknown size unit {unit!r} in {text.strip()!r}")
    value = round(amount * _SIZE_UNITS[unit])
    if value <= 0:
        raise ResolutionError(f"size must be positive (got {text.strip()!r})")
    return value


def parse_days(text: str) -> int:
    """"a week" → 7, "2 months" → 60, "48 hours" → 2, "yesterday" → 1 (whole days, ≥ 1)."""
    lowered = re.sub(r"(\d)([a-z])", r"\1 \2", text.lower())  # "10d" → "10 d"
    for word, days in _DAY_WORDS.items():
        if re.search(rf"\b{word}\b", lowered):
            return max(days, 1)
    words = _words(lowered)
    unit_positions = [i for i, w in enumerate(words) if w in _DAY_UNITS]
    if not unit_positions:
        # A bare number is days ("older than 30"); "4GB" or "3 files" is not an age.
        number = parse_number(lowered)
        if number is None or re.search(r"\d\s*[a-z]|[a-z]\s*\d", lowered) or any(
                w.isalpha() and w not in _UNITS and w not in _TENS and w not in _SCALES
                and w not in _NUMBER_FILLER for w in words):
            raise ResolutionError(f"{text.strip()!r} is not an age (say e.g. 7 days or a week)")
        return max(round(number), 1)
    total = 0.0
    start = 0
    for position in unit_positions:
        amount_words = [w for w in words[start:position] if w not in _NUMBER_FILLER]
        amount = _words_to_number(amount_words) if amount_words else 1
        if amount is None:
            raise ResolutionError(f"{text.strip()!r} is not an age (say e.g. 7 days or a week)")
        total += amount * _DAY_UNITS[words[position]]
        start = position + 1
    return max(math.ceil(total - 1e-9) if total < 1 else round(total), 1)
