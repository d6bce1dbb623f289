"""The runtime language engine: ONNX Runtime + tokenizers, no torch.

``Engine.from_path(directory)`` loads a built model (``meta.json``, ``model.onnx``,
``tokenizer.json``) and refuses a model of another format loudly. ``parse(text)``
returns a ``Parse``: calibrated intent probabilities (temperature-scaled softmax),
out-of-scope as a first-class class, a clarify flag below the calibrated threshold,
and slots decoded with a constrained Viterbi pass (valid BIO, only the slots the
intent can carry) and then resolved to canonical values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from nlsh.errors import ModelError
from nlsh.knowledge.programs import ProgramMap, program_map
from nlsh.language.artifacts import (
    META_FILE,
    MODEL_FILE,
    MODEL_FORMAT,
    OUT_OF_SCOPE,
    TOKENIZER_FILE,
)
from nlsh.language.catalog import SlotType
from nlsh.language.normalize import Normalized, Normalizer
from nlsh.language.resolve import OutOfRange, ResolutionError, is_unit, port_of, resolve
from nlsh.language.tokens import OUTSIDE, Encoded, from_encoding, load_tokenizer, tag_spans
from nlsh.stages import Alternative, Parse, SlotSpan, SlotValue


@dataclass(frozen=True)
class ModelInfo:
    """What ``meta.json`` holds: labels, calibration and the slot catalogue."""

    format: int
    key: str
    intents: tuple[str, ...]
    tags: tuple[str, ...]
    temperature: float
    clarify_threshold: float
    max_tokens: int
    slot_types: Mapping[str, SlotType]
    intent_slots: Mapping[str, tuple[str, ...]]
    metrics: Mapping[str, Any]
    vocabulary: Mapping[str, int]
    normalize: bool

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ModelInfo:
        types = {name: SlotType.from_json({**body, "name": name})
                 for name, body in data["slot_types"].items()}
        return cls(format=int(data["format"]), key=str(data["key"]),
                   intents=tuple(data["intents"]), tags=tuple(data["tags"]),
                   temperature=float(data["temperature"]),
                   clarify_threshold=float(data["clarify_threshold"]),
                   max_tokens=int(data["max_tokens"]), slot_types=types,
                   intent_slots={k: tuple(v) for k, v in data["intent_slots"].items()},
                   metrics=data.get("metrics", {}), vocabulary=data.get("vocabulary", {}),
                   normalize=bool(data.get("normalize", False)))


@dataclass(frozen=True)
class RawOutput:
    """The network's outputs for one sentence, before any decision."""

    normalized: Normalized
    encoded: Encoded
    intent_logits: np.ndarray
    slot_logits: np.ndarray  # [tokens, tags]


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    exp = np.exp(scaled)
    result: np.ndarray = exp / exp.sum(axis=-1, keepdims=True)
    return result


def bio_transitions(tags: Sequence[str]) -> np.ndarray:
    """``[i, j]`` is 0 when tag j may follow tag i (I-x only after B-x or I-x), else -inf."""
    slot_of = [t[2:] if t != OUTSIDE else None for t in tags]
    transition = np.zeros((len(tags), len(tags)))
    for j, tag in enumerate(tags):
        if tag.startswith("I-"):
            for i in range(len(tags)):
                if slot_of[i] != slot_of[j]:
                    transition[i, j] = -np.inf
    return transition


def viterbi(emissions: np.ndarray, tags: Sequence[str], allowed: set[str] | None,
            transition: np.ndarray | None = None) -> list[str]:
    """The best valid BIO tag sequence (I-x only after B-x/I-x; only ``allowed`` slots)."""
    words, _count = emissions.shape
    if words == 0:
        return []
    if transition is None:
        transition = bio_transitions(tags)
    blocked = np.array([t != OUTSIDE and allowed is not None and t[2:] not in allowed
                        for t in tags])
    scores = np.where(blocked, -np.inf, emissions)
    inside = np.array([t.startswith("I-") for t in tags])
    best = np.where(inside, -np.inf, scores[0])
    back = np.zeros((words, len(tags)), dtype=int)
    for w in range(1, words):
        candidates = best[:, None] + transition
        back[w] = candidates.argmax(axis=0)
        best = candidates.max(axis=0) + scores[w]
    path = [int(best.argmax())]
    for w in range(words - 1, 0, -1):
        path.append(int(back[w, path[-1]]))
    return [tags[i] for i in reversed(path)]


# Values that are single shell-like tokens: the pre-tokenizer splits "www-data", "-5",
# "csp_build.py" at punctuation and the tagger may stop early, so a span is widened to
# the whitespace-delimited token(s) it touches (the resolver trims trailing punctuation).
_WHOLE_TOKEN_KINDS = frozenset({"name", "integer", "path"})


def _with_unit(text: str, end: int, kind: str) -> int:
    """Extend a bare amount ("240") over the unit word that follows it ("240 hours")."""
    following = re.match(r"\s+(\S+)", text[end:])
    if following and is_unit(kind, following.group(1)):
        return end + following.end()
    return end


def find_cue(text: str, cues: Sequence[str],
             taken: Sequence[tuple[int, int]]) -> tuple[str, int, int] | None:
    """The longest cue phrase in ``text`` (whole words) outside the ``taken`` spans."""
    lowered = text.lower()
    best: tuple[str, int, int] | None = None
    for cue in cues:
        for match in re.finditer(rf"(?<![\w-]){re.escape(cue)}(?![\w-])", lowered):
            start, end = match.span()
            if any(start < e and end > s for s, e in taken):
                continue
            if best is None or len(cue) > len(best[0]):
                best = (cue, start, end)
    return best


# Words right before a number that make it a port: "port 8080", "on :8080", "listening on".
_SAYS_PORT = re.compile(r"(?i)(?:\bports?\b|:|\blisten\w*|\bbound\b|\bbind\w*)\W{0,3}"
                        r"(?:\w+\W+){0,2}$")


def program_named_around(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A longer name of nlsh's map that holds the span ``start:end`` of ``text``."""
    for match in _spoken_programs(program_map()).finditer(text.lower()):
        if match.start() <= start and end <= match.end() and match.end() - match.start() > (
                end - start):
            return match.span()
    return None


@cache
def _spoken_programs(programs: ProgramMap) -> re.Pattern[str]:
    """One pattern for every name of ``programs`` (a map read again gets its own)."""
    words = sorted(programs.spoken(), key=len, reverse=True)  # longest wins at a place
    return re.compile(r"(?<![\w.-])(?:" + "|".join(map(re.escape, words)) + r")(?![\w.-])")


def _whole_token(text: str, start: int, end: int) -> tuple[int, int]:
    """The whitespace-delimited token around ``start:end``, less a trailing comma or
    semicolon ("kill A, B and C": the name is "A", the comma joins the list)."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    while end > start + 1 and text[end - 1] in ",;":
        end -= 1
    return start, end


def save_for_runtime(onnx_path: Path, target: Path) -> None:
    """Optimise ``onnx_path`` once and save it where the engine loads it (ORT format)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.optimized_model_filepath = str(target)
    options.add_session_config_entry("session.save_model_format", "ORT")
    onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])


class Engine:
    """A loaded model. Thread-compatible, cheap to call (a few milliseconds a sentence)."""

    def __init__(self, info: ModelInfo, tokenizer: Any, session: Any) -> None:
        self.info = info
        self._tokenizer = tokenizer
        self._session = session
        # Benchmark corpora without negatives have no out-of-scope class.
        self._oos = info.intents.index(OUT_OF_SCOPE) if OUT_OF_SCOPE in info.intents else -1
        self._transitions = bio_transitions(info.tags)
        self.normalizer = Normalizer(info.vocabulary,
                                     lambda word: tokenizer.token_to_id(word) is not None)

    @classmethod
    def from_path(cls, directory: Path, threads: int = 1) -> Engine:
        try:
            info = ModelInfo.from_json(json.loads((directory / META_FILE).read_text()))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ModelError(f"model metadata unreadable in {directory}: {error}") from None
        if info.format != MODEL_FORMAT:
            raise ModelError(f"model in {directory} has format {info.format}, "
                             f"this nlsh needs {MODEL_FORMAT}")
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        options.add_session_config_entry("session.load_model_format", "ORT")
        try:
            session = onnxruntime.InferenceSession(str(directory / MODEL_FILE), options,
                                                   providers=["CPUExecutionProvider"])
            tokenizer = load_tokenizer(str(directory / TOKENIZER_FILE), info.max_tokens)
        except Exception as error:  # onnxruntime raises its own exception types
            raise ModelError(f"model files unreadable in {directory}: {error}") from None
        return cls(info, tokenizer, session)

    # ── raw outputs ──

    def run(self, texts: Sequence[str]) -> list[RawOutput]:
        """Network outputs for a batch of sentences."""
        normalized = [self.normalize(t) for t in texts]
        encodings = [from_encoding(e)
                     for e in self._tokenizer.encode_batch([n.text for n in normalized])]
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoded in enumerate(encodings):
            ids[row, :len(encoded.ids)] = encoded.ids
            mask[row, :len(encoded.ids)] = 1
        intent_logits, slot_logits = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask})
        return [RawOutput(normalized[i], e, intent_logits[i], slot_logits[i, :len(e.ids)])
                for i, e in enumerate(encodings)]

    def normalize(self, text: str) -> Normalized:
        if self.info.normalize:
            return self.normalizer(text)
        return Normalized(text, text, ((0, len(text)),), ((0, len(text)),), (False,))

    # ── decisions ──

    def parse(self, text: str) -> Parse:
        return self.decide(text, self.run([text])[0])

    def decide(self, text: str, raw: RawOutput) -> Parse:
        info = self.info
        probabilities = softmax(raw.intent_logits, info.temperature)
        order = np.argsort(-probabilities)
        alternatives = tuple(
            Alternative(None if info.intents[i] == OUT_OF_SCOPE else info.intents[i],
                        float(probabilities[i]))
            for i in order[:4]
        )
        top = int(order[0])
        if top == self._oos:
            return Parse(text=text, intent=None, confidence=float(probabilities[top]),
                         alternatives=alternatives)
        intent = info.intents[top]
        spans, slots = self.extract(text, raw, intent)
        confidence = float(probabilities[top])
        return Parse(text=text, intent=intent, confidence=confidence, slots=slots,
                     alternatives=alternatives, spans=spans,
                     uncertain=confidence < info.clarify_threshold)

    def extract(self, text: str, raw: RawOutput,
                intent: str | None) -> tuple[tuple[SlotSpan, ...], dict[str, SlotValue]]:
        """Slot spans (constrained to ``intent``'s slots) and their resolved values."""
        encoded = raw.encoded
        if encoded.words == 0:
            return (), {}
        emissions = np.log(softmax(raw.slot_logits[list(encoded.word_starts)]) + 1e-12)
        allowed = set(self.info.intent_slots.get(intent, ())) if intent else None
        tags = viterbi(emissions, self.info.tags, allowed, self._transitions)
        spans: list[SlotSpan] = []
        slots: dict[str, SlotValue] = {}
        for slot, start, end in tag_spans(tags, encoded):
            start, end = raw.normalized.to_original(start, end)
            kind = self.info.slot_types[slot].kind
            if kind in _WHOLE_TOKEN_KINDS:
                start, end = _whole_token(text, start, end)
                if (slot != "port" and (allowed is None or "port" in allowed)
                        and port_of(text[start:end]) is not None):
                    slot = "port"  # "127.0.0.1:8080" names a port, never a pid
            elif kind in ("size", "days"):
                end = _with_unit(text, end, kind)
            if any(s.slot == slot and (s.start, s.end) == (start, end) for s in spans):
                continue  # two pieces of one token widened to the same span
            piece = text[start:end]
            rejected = False
            try:
                value: SlotValue | None = resolve(self.info.slot_types[slot], piece)
                problem = None
            except ResolutionError as error:
                value, problem, rejected = None, str(error), isinstance(error, OutOfRange)
                if (rejected and slot == "port" and allowed is not None and "pid" in allowed
                        and not _SAYS_PORT.search(text[:start])):
                    # a bare number too big for a port ("kill 70000") is no port: a pid,
                    # checked as one ("pid must be in 1–4194304" when it is none either)
                    slot = "pid"
                    try:
                        value, problem, rejected = resolve(self.info.slot_types[slot], piece), \
                            None, False
                    except ResolutionError as pid_error:
                        problem, rejected = str(pid_error), isinstance(pid_error, OutOfRange)
            spans.append(SlotSpan(slot=slot, text=piece, start=start, end=end, value=value,
                                  problem=problem, rejected=rejected))
            if value is not None and slot not in slots:
                slots[slot] = value
        self._add_cued_slots(text, allowed, spans, slots)
        self._add_named_program(text, allowed, spans, slots)
        return tuple(spans), slots

    def _add_named_program(self, text: str, allowed: set[str] | None, spans: list[SlotSpan],
                           slots: dict[str, SlotValue]) -> None:
        """A program name the tagger cut short: "stop the web server" tagged 'web', "kill
        google chrome" tagged 'google'. When the tagged piece lies inside a longer name of
        nlsh's map of programs, the whole name is the ``process`` slot. The map never adds
        a target the tagger did not find: a program named in passing ("kill whatever is
        slowing the database") is not what the sentence acts on."""
        if allowed is None or "process" not in allowed:
            return
        tagged = [s for s in spans if s.slot == "process"]
        if len(tagged) != 1 or slots.get("process") != tagged[0].value:
            return
        if program_map().names_for(str(tagged[0].value)):
            return  # already a name nlsh knows ("gradle" in "the gradle daemon")
        around = program_named_around(text, tagged[0].start, tagged[0].end)
        if around is None:
            return
        start, end = around
        value = " ".join(text[start:end].lower().split())
        spans[spans.index(tagged[0])] = SlotSpan(slot="process", text=text[start:end],
                                                 start=start, end=end, value=value)
        slots["process"] = value

    def _add_cued_slots(self, text: str, allowed: set[str] | None, spans: list[SlotSpan],
                        slots: dict[str, SlotValue]) -> None:
        """The gazetteer: a closed-vocabulary slot the tagger missed but the sentence
        plainly says ("when did the system boot" → topic uptime)."""
        for slot in sorted(allowed or ()):
            slot_type = self.info.slot_types[slot]
            if slot in slots or not slot_type.cues or any(s.slot == slot for s in spans):
                continue
            cue = find_cue(text, slot_type.cues, [(s.start, s.end) for s in spans])
            if cue is None:
                continue
            phrase, start, end = cue
            try:
                value = resolve(slot_type, phrase)
            except ResolutionError:
                continue
            spans.append(SlotSpan(slot=slot, text=text[start:end], start=start, end=end,
                                  value=value))
            slots[slot] = value
