"""System strings are data: make them safe to show in a terminal.

Process names, command lines, paths and user names come from other programs and can
hold escape sequences, bidi overrides, newlines or rich markup. Everything read from
the system passes through :func:`printable` (plain text) or :func:`text` (a rich
``Text`` that is never parsed as markup) before it reaches the screen.
"""

from __future__ import annotations

import unicodedata

from rich.text import Text

# Bidirectional controls that can reorder what the user reads (CVE-2021-42574 class).
_BIDI = {"\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
         "\u2066", "\u2067", "\u2068", "\u2069"}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e", "\x07": "\\a", "\x08": "\\b",
          "\x00": "\\0"}


def _escape_char(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _unsafe(char: str) -> bool:
    if char in _BIDI:
        return True
    category = unicodedata.category(char)
    # Cc: C0/C1 controls and DEL; Cf: invisible format characters; Cs: lone surrogates
    # (from undecodable bytes); Co/Cn: private use and unassigned.
    return category in ("Cc", "Cf", "Cs", "Co", "Cn") and char not in ("\u200d",)


def printable(value: object) -> str:
    """``value`` as a single line with every control or invisible character escaped."""
    raw = value if isinstance(value, str) else str(value)
    if raw.isprintable() and not any(c in _BIDI for c in raw):
        return raw
    return "".join(_escape_char(c) if _unsafe(c) else c for c in raw)


def text(value: object, style: str = "") -> Text:
    """A rich ``Text`` of ``value`` that is escaped and never interpreted as markup."""
    return Text(printable(value), style=style, no_wrap=False)


def shorten(value: str, width: int) -> str:
    """``value`` cut to ``width`` characters with an ellipsis (after escaping)."""
    safe = printable(value)
    return safe if len(safe) <= width else safe[: max(width - 1, 0)] + "…"
