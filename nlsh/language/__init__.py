"""The language layer: sentence → ``Parse`` (intent, calibrated confidence, resolved slots).

A deterministic parser handles rigid forms (``kill -9 1234``, ``df -h``) without the
model; everything else goes to the trained model, run with ONNX Runtime. The model is
built on first use and cached (``nlsh.language.build``); torch is imported only while
building it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from nlsh.context import ProgressFactory, silent_progress
from nlsh.errors import ModelError
from nlsh.paths import Paths
from nlsh.stages import Parse

if TYPE_CHECKING:
    from nlsh.language.engine import Engine


class Understander:
    """Rules first, then the model (loaded on the first sentence that needs it)."""

    def __init__(self, paths: Paths, progress: ProgressFactory = silent_progress) -> None:
        self.paths = paths
        self.progress = progress
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = load_engine(self.paths, self.progress)
        return self._engine

    def __call__(self, text: str) -> Parse:
        from nlsh.language.rules import parse_rigid

        rigid = parse_rigid(text)
        return rigid if rigid is not None else self.engine.parse(text)


def load_engine(paths: Paths, progress: ProgressFactory = silent_progress,
                rebuild: bool = False) -> Engine:
    """The engine for the current catalog; a broken cached model is rebuilt once."""
    from nlsh.language.build import discard, ensure_model
    from nlsh.language.engine import Engine

    directory = ensure_model(paths.models, paths.user_intents, progress, rebuild=rebuild)
    try:
        return Engine.from_path(directory)
    except ModelError as error:
        sys.stderr.write(f"nlsh: the cached language model is damaged ({error}); rebuilding\n")
        discard(directory)
        directory = ensure_model(paths.models, paths.user_intents, progress)
        return Engine.from_path(directory)


def understander(progress: ProgressFactory = silent_progress) -> Callable[[str], Parse]:
    return Understander(Paths.from_environment(), progress)
