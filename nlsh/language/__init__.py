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
    """Rules first, then the model (loaded on the first sentence that needs it).

    With ``use_helper`` (one-shot commands) the model is asked through the resident
    helper when one is running (``nlsh.language.helper``), which saves loading it.
    """

    def __init__(self, paths: Paths, progress: ProgressFactory = silent_progress,
                 use_helper: bool = False) -> None:
        self.paths = paths
        self.progress = progress
        self.use_helper = use_helper
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = load_engine(self.paths, self.progress)
        return self._engine

    def __call__(self, text: str) -> Parse:
        from nlsh.language.rules import parse_rigid

        rigid = parse_rigid(text)
        if rigid is not None:
            return rigid
        if self._engine is None and self.use_helper:
            helped = self._ask_helper(text)
            if helped is not None:
                return helped
        return self.engine.parse(text)

    def _ask_helper(self, text: str) -> Parse | None:
        from nlsh.language import helper
        from nlsh.language.build import current_model_dir

        if not helper.enabled():
            return None
        model_dir = current_model_dir(self.paths.models, self.paths.user_intents)
        directory = helper.runtime_dir()
        if model_dir is None or directory is None:
            return None  # not built yet (built here, with progress), or nowhere safe
        parse = helper.ask(text, model_dir.name, directory)
        if parse is None:
            helper.start(self.paths.models, directory)
        return parse


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


def understander(progress: ProgressFactory = silent_progress,
                 use_helper: bool = False) -> Callable[[str], Parse]:
    return Understander(Paths.from_environment(), progress, use_helper)
