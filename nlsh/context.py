"""What every handler gets: where files live, the journal, and how to show progress."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from nlsh.paths import Paths

if TYPE_CHECKING:
    from nlsh.config import Settings
    from nlsh.journal import Journal


class Progress(Protocol):
    """A progress display for a long operation (a disk scan, a model build)."""

    def update(self, description: str, completed: float | None = None,
               total: float | None = None) -> None: ...

    def finish(self, message: str) -> None:
        """One line that stays once the display is gone ("model ready in 84 s")."""
        ...


class _SilentProgress:
    def update(self, description: str, completed: float | None = None,
               total: float | None = None) -> None:
        return None

    def finish(self, message: str) -> None:
        return None


@contextmanager
def silent_progress(_title: str) -> Iterator[Progress]:
    yield _SilentProgress()


ProgressFactory = Callable[[str], AbstractContextManager[Progress]]


@dataclass
class Context:
    """The environment a request runs in. Front ends build one; tests build their own."""

    paths: Paths
    journal: Journal
    progress: ProgressFactory = silent_progress
    self_pid: int = field(default_factory=os.getpid)
    # Whose privileges plans are made for; tests inject another uid to plan as a non-root user.
    euid: int = field(default_factory=os.geteuid)
    dry_run: bool = False
    interactive: bool = False
    # The user's config.toml and environment (protected names and paths, temp folders).
    settings: Settings = field(default_factory=lambda: _default_settings())

    @classmethod
    def from_environment(cls, **overrides: object) -> Context:
        from nlsh.config import load
        from nlsh.journal import Journal

        paths = Paths.from_environment()
        overrides.setdefault("settings", load(paths))
        return cls(paths=paths, journal=Journal(paths.journal), **overrides)  # type: ignore[arg-type]


def _default_settings() -> Settings:
    from nlsh.config import Settings

    return Settings.defaults()
