"""SIGTERM is handled like Ctrl-C.

``install()`` (called by the ``nlsh`` command) makes SIGTERM raise :class:`Terminated`,
a ``KeyboardInterrupt``, so every place that copes with Ctrl-C copes with a
``kill <nlsh>`` the same way: the executor journals the step in flight and marks the
rest as not run, prompts give the terminal back, and nlsh exits 130.

``deferred()`` holds SIGINT and SIGTERM back while nlsh writes down what happened
(the journal entries that close a plan), so a second interrupt cannot cut the record
short; a signal that arrived meanwhile raises when the block ends.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_HELD = (signal.SIGINT, signal.SIGTERM)


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: stop like Ctrl-C, but leave even where Ctrl-C only cancels a line."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(f"received signal {signum}")


def install() -> None:
    """Make SIGTERM raise :class:`Terminated` (only possible in the main thread)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)


@contextmanager
def deferred() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends, then raise as usual.

    The handlers are swapped rather than the signals blocked: a blocked signal would go
    to another thread (ONNX Runtime's), whose Python handler still runs in this one.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def remember(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    previous = {signum: signal.signal(signum, remember) for signum in _HELD}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            # None: a handler installed outside Python; the default is the closest match.
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        if signal.SIGTERM in caught:
            raise Terminated(f"received signal {signal.SIGTERM}")
        if caught:
            raise KeyboardInterrupt
