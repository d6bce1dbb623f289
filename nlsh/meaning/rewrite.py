"""A sentence rewritten for the model, with every kept character traced to the original.

The model reads "kill A" where the user wrote "I don't want A killed": pieces of the
original are kept, removed or moved, and a few words inserted. ``to_original`` maps a
span the model found back onto the user's characters, so every slot still quotes exactly
what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Rewrite:
    """Build with ``keep``/``insert`` in reading order, then read ``text``."""

    source: str
    _chunks: list[tuple[int, str, int | None]] = field(default_factory=list)
    _length: int = 0

    def keep(self, start: int, end: int) -> Rewrite:
        """Append ``source[start:end]`` (kept at its place in the original)."""
        if end > start:
            self._space()
            self._chunks.append((self._length, self.source[start:end], start))
            self._length += end - start
        return self

    def insert(self, words: str) -> Rewrite:
        """Append words the user did not type (a verb's base form)."""
        if words:
            self._space()
            self._chunks.append((self._length, words, None))
            self._length += len(words)
        return self

    def _space(self) -> None:
        if self._chunks:
            self._chunks.append((self._length, " ", None))
            self._length += 1

    @property
    def text(self) -> str:
        return "".join(chunk for _, chunk, _ in self._chunks)

    def to_original(self, start: int, end: int) -> tuple[int, int] | None:
        """The original span covered by ``text[start:end]``; None if it is all inserted."""
        begin: int | None = None
        finish: int | None = None
        for at, chunk, origin in self._chunks:
            if origin is None or at + len(chunk) <= start or at >= end:
                continue
            low = origin + max(start - at, 0)
            high = origin + min(end - at, len(chunk))
            begin = low if begin is None else min(begin, low)
            finish = high if finish is None else max(finish, high)
        if begin is None or finish is None:
            return None
        return begin, finish


def keep_all_but(source: str, start: int, end: int, removed: list[tuple[int, int]]) -> Rewrite:
    """``source[start:end]`` without the ``removed`` spans (sorted or not)."""
    rewrite = Rewrite(source)
    position = start
    for low, high in sorted(removed):
        if high <= position or low >= end:
            continue
        rewrite.keep(position, max(low, position))
        position = max(position, high)
    rewrite.keep(position, end)
    return rewrite
