"""Keep secrets out of the journal: sentences and command lines are redacted before writing."""

from __future__ import annotations

import re

REDACTED = "[REDACTED]"

_PATTERNS: tuple[re.Pattern[str], ...] = (
    # HTTP authorization headers (first: the key=value rule must not stop at the scheme)
    re.compile(r"(?i)(?P<key>\b(?:bearer|basic)\s+)(?P<secret>[A-Za-z0-9._~+/=-]{8,})"),
    # key=value and key: value for secret-looking keys (password=hunter2, --token=abc)
    re.compile(
        r"(?i)(?P<key>\b[\w.-]*(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|apikey|auth|"
        r"credential|private[_-]?key|access[_-]?key)[\w.-]*\s*[=:]\s*)"
        r"(?P<secret>(?!(?:bearer|basic)\b)[^\s'\"]+)"
    ),
    # flags followed by a separate value (--password hunter2, -p hunter2 after mysql/psql style)
    re.compile(
        r"(?i)(?P<key>(?:^|\s)--?(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|auth)\s+)"
        r"(?P<secret>[^\s'\"]+)"
    ),
    # credentials inside URLs (scheme://user:password@host)
    re.compile(r"(?P<key>\b[a-z][a-z0-9+.-]*://[^\s:/@]+:)(?P<secret>[^\s@/]+)(?=@)"),
)

# Well-known token shapes that are secret wherever they appear.
_TOKENS = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|sk-[A-Za-z0-9_-]{20,}|"
    r"xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{30,}|"
    r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})"
)


def redact(text: str) -> str:
    """``text`` with passwords, tokens and keys replaced by ``[REDACTED]``."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group("key") + REDACTED, text)
    return _TOKENS.sub(REDACTED, text)


_SECRET_FLAG = re.compile(
    r"(?i)^--?(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|auth|access[_-]?key)$"
)


def redact_argv(argv: list[str] | tuple[str, ...]) -> list[str]:
    """A command line with secrets redacted, including a value that follows a secret flag."""
    redacted: list[str] = []
    hide_next = False
    for arg in argv:
        redacted.append(REDACTED if hide_next else redact(arg))
        hide_next = bool(_SECRET_FLAG.match(arg))
    return redacted
