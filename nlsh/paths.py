"""Where nlsh keeps its files: the XDG base directories, resolved once per run."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _xdg(variable: str, fallback: str, home: Path) -> Path:
    value = os.environ.get(variable, "")
    # The XDG spec says relative paths in these variables are invalid and must be ignored.
    if value and os.path.isabs(value):
        return Path(value)
    return home / fallback


@dataclass(frozen=True)
class Paths:
    """The directories nlsh reads and writes, one per purpose."""

    home: Path
    config: Path
    state: Path
    cache: Path
    data: Path
    runtime: Path | None
    models: Path

    @classmethod
    def from_environment(cls) -> Paths:
        home = Path(os.environ.get("HOME") or os.path.expanduser("~"))
        runtime = os.environ.get("XDG_RUNTIME_DIR", "")
        cache = _xdg("XDG_CACHE_HOME", ".cache", home) / "nlsh"
        models = os.environ.get("NLSH_MODEL_CACHE", "")
        return cls(
            home=home,
            config=_xdg("XDG_CONFIG_HOME", ".config", home) / "nlsh",
            state=_xdg("XDG_STATE_HOME", ".local/state", home) / "nlsh",
            cache=cache,
            data=_xdg("XDG_DATA_HOME", ".local/share", home),
            runtime=Path(runtime) / "nlsh" if runtime and os.path.isabs(runtime) else None,
            # The trained model can live apart from the cache (tests share one build).
            models=Path(models) if models and os.path.isabs(models) else cache / "models",
        )

    @property
    def journal(self) -> Path:
        return self.state / "journal.jsonl"

    @property
    def history(self) -> Path:
        """The REPL's line history (what was typed, not what was done)."""
        return self.state / "repl_history"

    @property
    def trash(self) -> Path:
        """The freedesktop home trash."""
        return self.data / "Trash"

    @property
    def user_intents(self) -> Path:
        """Extra example sentences the user adds for catalog intents."""
        return self.config / "intents"
