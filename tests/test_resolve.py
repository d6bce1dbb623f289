"""Slot resolution: what users say → the spec's canonical values."""

from __future__ import annotations

import pytest

from nlsh.language.catalog import SlotType, load_catalog
from nlsh.language.resolve import OutOfRange, ResolutionError, parse_days, parse_size, resolve

TYPES = load_catalog().slot_types


@pytest.mark.parametrize(("slot", "said", "value"), [
    ("process", "the node server", "node"),
    ("process", "Firefox", "firefox"),
    ("process", "the backup job", "backup"),
    ("process", "backup.sh", "backup.sh"),
    ("process", "all the chrome processes", "chrome"),
    ("process", "Visual Studio Code", "visual studio code"),
    ("process", "firefox's", "firefox"),
    ("user", "postgres", "postgres"),
    ("pid", "4312", 4312),
    ("pid", "#4312", 4312),
    ("port", ":3000", 3000),
    ("port", "8080", 8080),
    ("port", "eighty", 80),
    ("nice", "-5", -5),
    ("nice", "19", 19),
    ("limit", "five", 5),
    ("limit", "twenty five", 25),
    ("limit", "a dozen", 12),
    ("limit", "20", 20),
    ("min_size", "1GB", 1073741824),
    ("min_size", "500MB", 524288000),
    ("min_size", "1.5 gigs", 1610612736),
    ("min_size", "a gigabyte", 1073741824),
    ("min_size", "100k", 102400),
    ("older_than_days", "a week", 7),
    ("older_than_days", "two weeks", 14),
    ("older_than_days", "a month", 30),
    ("older_than_days", "30 days", 30),
    ("older_than_days", "48 hours", 2),
    ("older_than_days", "a year", 365),
    ("older_than_days", "yesterday", 1),
    ("priority", "lower priority", "low"),
    ("priority", "deprioritize", "low"),
    ("priority", "boost", "high"),
    ("priority", "only when idle", "idle"),
    ("sort_by", "most cpu", "cpu"),
    ("sort_by", "memory hogs", "memory"),
    ("target", "pip and npm caches", "packages"),
    ("target", "the trash", "trash"),
    ("target", "old logs", "logs"),
    ("topic", "hot", "temperature"),
    ("topic", "battery", "battery"),
    ("path", "~/Downloads", "~/Downloads"),
    ("path", "'/var/log'", "/var/log"),
    ("path", "/tmp.", "/tmp"),
    ("force", "-9", True),
    ("listening", "listening", True),
])
def test_resolves_to_canonical_value(slot: str, said: str, value: object) -> None:
    assert resolve(TYPES[slot], said) == value


@pytest.mark.parametrize(("slot", "said", "message"), [
    ("port", "70000", "port must be in 1–65535 (got 70000)"),
    ("port", "0", "port must be in 1–65535 (got 0)"),
    ("nice", "-100", "nice must be in -20–19 (got -100)"),
    ("pid", "0", "pid must be in 1–4194304 (got 0)"),
    ("pid", str(2**64), f"pid must be in 1–4194304 (got {2**64})"),
])
def test_out_of_range_values_are_rejected_with_the_range(slot: str, said: str,
                                                         message: str) -> None:
    with pytest.raises(OutOfRange) as raised:
        resolve(TYPES[slot], said)
    assert str(raised.value) == message


@pytest.mark.parametrize(("slot", "said"), [
    ("process", "the server"),
    ("pid", "firefox"),
    ("priority", "purple"),
    ("min_size", "big"),
    ("older_than_days", "ages"),
])
def test_unresolvable_spans_raise(slot: str, said: str) -> None:
    with pytest.raises(ResolutionError):
        resolve(TYPES[slot], said)


def test_sizes_are_powers_of_1024() -> None:
    assert parse_size("1 KB") == 1024
    assert parse_size("2 TB") == 2 * 1024**4


def test_days_round_small_durations_up_to_one_day() -> None:
    assert parse_days("3 hours") == 1


def test_enum_takes_the_longest_matching_phrase() -> None:
    slot = SlotType(name="x", kind="enum", synonyms={"a": ("low",), "b": ("low priority io",)})
    assert resolve(slot, "set low priority io please") == "b"
