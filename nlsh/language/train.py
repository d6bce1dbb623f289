"""Training the joint intent + slot model, and exporting it for ONNX Runtime.

Imported only while building the model: this is the one module that imports torch.

The model is all-MiniLM-L6-v2 with two heads: intent logits from the mean-pooled
final layer (the sentence-transformers pooling the encoder was trained with) and BIO
slot logits on every wordpiece. Only the top ``trainable_layers`` transformer layers
are fine-tuned; the frozen lower layers are run once over the whole training set and
their outputs cached, which makes fine-tuning fit the first-run budget on a laptop
CPU. The export is the full network in one ONNX graph, int8-quantized.
"""

from __future__ import annotations

import math
import os
import random
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from nlsh.language.augment import Annotated
from nlsh.language.tokens import Encoded, bio_tags, encode, load_tokenizer, tag_names

Report = Callable[[str, float], None]  # (stage description, fraction done 0..1)

IGNORE = -100


@dataclass(frozen=True)
class TrainConfig:
    trainable_layers: int = 2
    epochs: int = 5
    batch_size: int = 64
    learning_rate: float = 3e-4
    head_learning_rate: float = 3e-3
    weight_decay: float = 0.01
    warmup_fraction: float = 0.1
    dropout: float = 0.1
    slot_loss_weight: float = 1.0
    max_tokens: int = 64
    # augmentation: variants per example (slot substitutions; noisy copies in and out of scope)
    substitutions: int = 2
    noisy: int = 2
    noisy_out_of_scope: int = 1
    normalize: bool = True  # wrappers, fillers and typos (nlsh/language/normalize.py)
    seed: int = 13
    threads: int = field(default_factory=lambda: os.cpu_count() or 1)


@dataclass
class TrainedModel:
    """The torch model plus everything the runtime needs to interpret its outputs."""

    network: JointNetwork
    intents: list[str]
    tags: list[str]
    seconds: float


class JointNetwork(nn.Module):
    """MiniLM encoder → (intent logits over the sentence, slot-tag logits per wordpiece)."""

    def __init__(self, encoder: Any, intents: int, tags: int, dropout: float) -> None:
        super().__init__()
        self.embeddings = encoder.embeddings
        self.layers = encoder.encoder.layer
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.intent_head = nn.Linear(hidden, intents)
        self.slot_head = nn.Linear(hidden, tags)

    @staticmethod
    def additive_mask(attention_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        return (1.0 - attention_mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min

    def run_layers(self, hidden: torch.Tensor, attention_mask: torch.Tensor,
                   layers: Sequence[nn.Module]) -> torch.Tensor:
        mask = self.additive_mask(attention_mask, hidden.dtype)
        for layer in layers:
            hidden = layer(hidden, attention_mask=mask)
        return hidden

    def heads(self, hidden: torch.Tensor,
              attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return self.intent_head(self.dropout(pooled)), self.slot_head(self.dropout(hidden))

    def forward(self, input_ids: torch.Tensor,
                attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.embeddings(input_ids=input_ids)
        hidden = self.run_layers(hidden, attention_mask, list(self.layers))
        return self.heads(hidden, attention_mask)


@dataclass
class _Prepared:
    encoded: list[Encoded]
    intent_ids: list[int]
    token_tags: list[list[int]]


def _prepare(samples: Sequence[Annotated], tokenizer: Any, intents: list[str],
             tags: list[str]) -> _Prepared:
    intent_index = {name: i for i, name in enumerate(intents)}
    tag_index = {name: i for i, name in enumerate(tags)}
    encoded, intent_ids, token_tags = [], [], []
    for sample in samples:
        enc = encode(tokenizer, sample.text)
        word_tags = bio_tags(enc, sample.spans)
        labels = [IGNORE] * len(enc.ids)
        for word, start in enumerate(enc.word_starts):
            labels[start] = tag_index.get(word_tags[word], 0)
        encoded.append(enc)
        intent_ids.append(intent_index[sample.intent])
        token_tags.append(labels)
    return _Prepared(encoded, intent_ids, token_tags)


def _pad(rows: Sequence[Sequence[int]], value: int) -> torch.Tensor:
    width = max(len(r) for r in rows)
    return torch.tensor([list(r) + [value] * (width - len(r)) for r in rows], dtype=torch.long)


def _batches(order: list[int], lengths: list[int], size: int,
             rng: random.Random) -> list[list[int]]:
    """Batches of similar length (less padding), in random order."""
    chunk = size * 50
    batches: list[list[int]] = []
    for begin in range(0, len(order), chunk):
        block = sorted(order[begin:begin + chunk], key=lambda i: lengths[i])
        batches += [block[i:i + size] for i in range(0, len(block), size)]
    rng.shuffle(batches)
    return batches


def load_encoder(encoder_dir: Path) -> Any:
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    return AutoModel.from_pretrained(str(encoder_dir), attn_implementation="eager")


def fit(samples: Sequence[Annotated], intents: list[str], slots: list[str],
        encoder_dir: Path, config: TrainConfig, report: Report,
        select_on: Sequence[Annotated] = ()) -> TrainedModel:
    """Fine-tune the top layers and both heads on ``samples``.

    With ``select_on`` (a validation split), the weights kept are those of the epoch
    that reads it best (intent and every tag right), not simply the last epoch's.
    """
    started = time.monotonic()
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    rng = random.Random(config.seed)
    tags = tag_names(slots)
    tokenizer = load_tokenizer(str(encoder_dir / "tokenizer.json"), config.max_tokens)
    report("Loading the encoder", 0.02)
    network = JointNetwork(load_encoder(encoder_dir), len(intents), len(tags), config.dropout)
    data = _prepare(samples, tokenizer, intents, tags)
    frozen_count = len(network.layers) - config.trainable_layers
    frozen = list(network.layers[:frozen_count])
    trainable = list(network.layers[frozen_count:])
    for parameter in list(network.embeddings.parameters()) + [
            p for layer in frozen for p in layer.parameters()]:
        parameter.requires_grad = False

    lengths = [len(e.ids) for e in data.encoded]
    cached = _cache_frozen(network, frozen, data, lengths, config, report)

    head_parameters = (list(network.intent_head.parameters())
                       + list(network.slot_head.parameters()))
    body_parameters = [p for layer in trainable for p in layer.parameters()]
    optimizer = torch.optim.AdamW([
        {"params": body_parameters, "lr": config.learning_rate},
        {"params": head_parameters, "lr": config.head_learning_rate},
    ], weight_decay=config.weight_decay)
    steps_per_epoch = math.ceil(len(samples) / config.batch_size)
    total_steps = steps_per_epoch * config.epochs
    warmup = max(int(total_steps * config.warmup_fraction), 1)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup,
                                    max(total_steps - step, 0) / max(total_steps - warmup, 1)))
    intent_loss = nn.CrossEntropyLoss()
    slot_loss = nn.CrossEntropyLoss(ignore_index=IGNORE)

    selection = _prepare(select_on, tokenizer, intents, tags) if select_on else None
    best: tuple[float, dict[str, torch.Tensor]] | None = None
    network.train()
    step = 0
    for epoch in range(config.epochs):
        for batch in _batches(list(range(len(samples))), lengths, config.batch_size, rng):
            width = max(lengths[i] for i in batch)
            hidden = torch.zeros(len(batch), width, cached[0].shape[-1])
            mask = torch.zeros(len(batch), width, dtype=torch.long)
            for row, index in enumerate(batch):
                hidden[row, :lengths[index]] = cached[index]
                mask[row, :lengths[index]] = 1
            out = network.run_layers(hidden, mask, trainable)
            intent_logits, slot_logits = network.heads(out, mask)
            targets = torch.tensor([data.intent_ids[i] for i in batch])
            tag_targets = _pad([data.token_tags[i] for i in batch], IGNORE)
            loss = intent_loss(intent_logits, targets) + config.slot_loss_weight * slot_loss(
                slot_logits.reshape(-1, slot_logits.shape[-1]), tag_targets.reshape(-1))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(body_parameters + head_parameters, 1.0)
            optimizer.step()
            schedule.step()
            step += 1
            if step % 10 == 0 or step == total_steps:
                report(f"Training (epoch {epoch + 1}/{config.epochs})",
                       0.25 + 0.6 * step / total_steps)
        if selection is not None:
            score = _frame_accuracy(network, selection)
            if best is None or score > best[0]:
                best = (score, {k: v.detach().clone() for k, v in network.state_dict().items()})
            network.train()
    if best is not None:
        network.load_state_dict(best[1])
    network.eval()
    return TrainedModel(network=network, intents=intents, tags=tags,
                        seconds=time.monotonic() - started)


def _frame_accuracy(network: JointNetwork, data: _Prepared) -> float:
    """Share of sentences whose intent and every word's tag are right (argmax)."""
    network.eval()
    right = 0
    with torch.no_grad():
        for begin in range(0, len(data.encoded), 64):
            rows = range(begin, min(begin + 64, len(data.encoded)))
            ids = _pad([data.encoded[i].ids for i in rows], 0)
            mask = _pad([[1] * len(data.encoded[i].ids) for i in rows], 0)
            intent_logits, slot_logits = network(ids, mask)
            for row, index in enumerate(rows):
                labels = torch.tensor(data.token_tags[index])
                keep = labels != IGNORE
                tags_right = bool((slot_logits[row, :len(labels)].argmax(-1)[keep]
                                   == labels[keep]).all())
                right += tags_right and int(intent_logits[row].argmax()) == data.intent_ids[index]
    return right / max(len(data.encoded), 1)


def _cache_frozen(network: JointNetwork, frozen: list[nn.Module], data: _Prepared,
                  lengths: list[int], config: TrainConfig, report: Report) -> list[torch.Tensor]:
    """Run embeddings + frozen layers once; per-sample outputs without padding."""
    network.eval()
    cached: list[torch.Tensor | None] = [None] * len(lengths)
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    size = 64
    with torch.no_grad():
        for begin in range(0, len(order), size):
            batch = order[begin:begin + size]
            ids = _pad([data.encoded[i].ids for i in batch], 0)
            mask = (_pad([[1] * lengths[i] for i in batch], 0))
            hidden = network.embeddings(input_ids=ids)
            hidden = network.run_layers(hidden, mask, frozen)
            for row, index in enumerate(batch):
                cached[index] = hidden[row, :lengths[index]].clone()
            report("Preparing the training data", 0.05 + 0.2 * (begin + len(batch)) / len(order))
    return [c for c in cached if c is not None]


def export_onnx(model: TrainedModel, path: Path, quantize: bool = True) -> None:
    """The whole network as one ONNX graph (int8 weights when ``quantize``)."""
    network = model.network.eval()
    example = torch.tensor([[101, 7592, 2088, 102]], dtype=torch.long)
    mask = torch.ones_like(example)
    float_path = path.with_suffix(".fp32.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            network, (example, mask), str(float_path),
            input_names=["input_ids", "attention_mask"],
            output_names=["intent_logits", "slot_logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                          "attention_mask": {0: "batch", 1: "tokens"},
                          "intent_logits": {0: "batch"},
                          "slot_logits": {0: "batch", 1: "tokens"}},
            opset_version=17, dynamo=False,
        )
    if not quantize:
        float_path.replace(path)
        return
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(logging.ERROR)
    quantize_dynamic(str(float_path), str(path), weight_type=QuantType.QInt8)
    float_path.unlink()


def torch_logits(model: TrainedModel,
                 encoded: Sequence[Encoded]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Intent logits and per-sentence slot logits from the torch model (for checks)."""
    with torch.no_grad():
        ids = _pad([e.ids for e in encoded], 0)
        mask = _pad([[1] * len(e.ids) for e in encoded], 0)
        intent, slots = model.network(ids, mask)
    return intent.numpy(), [slots[i, :len(e.ids)].numpy() for i, e in enumerate(encoded)]
