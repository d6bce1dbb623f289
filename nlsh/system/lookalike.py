"""Names that only look like other names: mixed scripts and confusable characters.

"fіrefox" with a Cyrillic "і" is not firefox. Such a name is flagged wherever nlsh shows it
in a plan or proposes it as a correction, using the Unicode confusables data shipped by
``confusable_homoglyphs`` (imported only for a name that is not plain ASCII).
"""

from __future__ import annotations

import unicodedata

# Scripts that are written together in one language: mixing them is ordinary.
_WRITTEN_TOGETHER = {"HAN": "CJK", "HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK"}


def look_alike(name: str) -> str | None:
    """Why ``name`` may pass for another name (what it looks like), or None when it is plain.

    ``"fіrefox"`` → ``"mixes Cyrillic and Latin letters; it looks like 'firefox' but is not"``.
    """
    if name.isascii():
        return None
    from confusable_homoglyphs import categories, confusables

    skeleton = name
    for found in confusables.is_confusable(name, greedy=True, preferred_aliases=["latin"]) or ():
        if not found["character"].isascii():  # "0" and "O" are both plain, as typed
            skeleton = skeleton.replace(found["character"], found["homoglyphs"][0]["c"])
    skeleton = unicodedata.normalize("NFKC", skeleton)  # fullwidth "ｆ" and the like
    scripts = sorted({_WRITTEN_TOGETHER.get(alias, alias) for c in name if c.isalpha()
                      and (alias := categories.alias(c)) not in ("COMMON", "INHERITED")})
    reasons = []
    if len(scripts) > 1:
        reasons.append(f"mixes {' and '.join(_title(s) for s in scripts)} letters")
    if skeleton != name:
        if not reasons:
            reasons.append("holds characters that imitate others")
        reasons.append(f"it looks like '{skeleton}' but is not")
    return "; ".join(reasons) or None


def flagged(name: str) -> str:
    """``name`` as a correction or a plan shows it: with the warning when it is a look-alike."""
    why = look_alike(name)
    return name if why is None else f"{name} (careful: {why})"


def _title(script: str) -> str:
    return script if script == "CJK" else script.title()
