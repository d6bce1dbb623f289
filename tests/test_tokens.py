"""Word alignment: annotated character spans ↔ per-word BIO tags ↔ spans again."""

from __future__ import annotations

import pytest

from nlsh.language.build import encoder_directory
from nlsh.language.tokens import bio_tags, encode, load_tokenizer, tag_spans

TOKENIZER = load_tokenizer(str(encoder_directory() / "tokenizer.json"), 64)


@pytest.mark.parametrize(("text", "spans"), [
    ("kill firefox now", [("process", 5, 12)]),
    ("what is taking space in ~/Downloads/old stuff", [("path", 24, 45)]),
    ("stop backup.sh and then relax", [("process", 5, 14)]),
    ("kill whatever is on :8080", [("port", 20, 25)]),
    ("files bigger than 1.5GB older than a week", [("min_size", 18, 23),
                                                   ("older_than_days", 35, 41)]),
    ("Ünïcode nämes like Café.app", [("process", 19, 27)]),
])
def test_spans_survive_the_round_trip_through_tags(text: str,
                                                   spans: list[tuple[str, int, int]]) -> None:
    encoded = encode(TOKENIZER, text)
    tags = bio_tags(encoded, spans)
    assert tag_spans(tags, encoded) == spans
    assert [text[s:e] for _, s, e in tag_spans(tags, encoded)] == [text[s:e] for _, s, e in spans]


def test_stray_inside_tag_starts_a_new_span() -> None:
    encoded = encode(TOKENIZER, "kill firefox now")
    assert tag_spans(["O", "I-process", "O"], encoded) == [("process", 5, 12)]


def test_long_input_is_truncated_not_rejected() -> None:
    encoded = encode(TOKENIZER, "kill " * 500)
    assert len(encoded.ids) == 64
