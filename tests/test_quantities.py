"""nlsh.language.quantities: numbers in every form, units, and comparisons with exact spans."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlsh.language import resolve
from nlsh.language.quantities import (
    Comparison,
    VagueAmount,
    check_consistent,
    describe_bytes,
    describe_days,
    describe_limit,
    find_comparisons,
    parse_amount,
    parse_bytes,
    parse_duration_days,
)
from nlsh.language.resolve import OutOfRange, ResolutionError
from nlsh.stages import Limit

KIB, MIB, GIB, TIB = 1024, 1024**2, 1024**3, 1024**4


# ── parse_amount ───────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize(("text", "expected"), [
    ("3", 3), ("1,000", 1000), ("1 000", 1000), ("1\u00a0000", 1000), ("1_000", 1000),
    ("10,000,000", 10_000_000), ("1,000.5", 1000.5), ("1.5", 1.5), (".5", 0.5),
    ("1e3", 1000), ("2.5E2", 250), ("1e-1", 0.1), ("-5", -5), ("0", 0),
    ("1.5 million", 1_500_000), ("2 dozen", 24), ("2 and a half", 2.5),
    ("a thousand", 1000), ("three", 3), ("twenty five", 25), ("twenty-five", 25),
    ("a dozen", 12), ("two dozen", 24), ("half a dozen", 6), ("half a", 0.5),
    ("half", 0.5), ("a half", 0.5), ("a couple of", 2), ("a couple", 2), ("a pair of", 2),
    ("one and a half", 1.5), ("two and a half", 2.5), ("a hundred and twenty", 120),
    ("one hundred and twenty five", 125), ("nineteen hundred", 1900), ("a million", 1e6),
    ("three hundred thousand", 300_000), ("zero", 0), ("a", 1), ("an", 1),
    ("  Twelve  ", 12), ("eleven", 11), ("ninety nine", 99),
    ("1.5k", 1500), ("100K", 100_000),
])
def test_parse_amount(text: str, expected: float) -> None:
    assert parse_amount(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", [
    "1,5", "12,34", "1,0000", "10,00", "a few", "few", "several", "some", "many",
    "one two", "five twenty", "twenty twenty", "and", "", "   ", "kill", "7 days", "1.2.3",
    "0x10", "hundred and", "zero zero",
])
def test_parse_amount_refuses_what_is_not_exactly_one_number(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["1" * 31, "1e30", "9" * 40, "1e400"])
def test_parse_amount_out_of_range(text: str) -> None:
    with pytest.raises(OutOfRange):
        parse_amount(text)


# ── parse_duration_days ────────────────────────────────────────────────────────────────

@pytest.mark.parametrize(("text", "days"), [
    ("a year", 365), ("last week", 7), ("the last week", 7), ("the past month", 30),
    ("1.5 years", 547.5), ("1,000 days", 1000), ("1 000 days", 1000), ("1e3 days", 1000),
    ("a decade", 3650), ("2 decades", 7300), ("a fortnight", 14), ("2 weeks", 14),
    ("3 months", 90), ("12 hours", 0.5), ("90 minutes", 1 / 16), ("48h", 2), ("10d", 10),
    ("2w", 14), ("1y", 365), ("30", 30), ("yesterday", 1), ("half a day", 0.5),
    ("a couple of weeks", 14), ("a dozen days", 12), ("one and a half years", 547.5),
    ("a year and a half", 547.5), ("an hour and a half", 1 / 16),
    ("1 year and 6 months", 545), ("2 weeks, 3 days", 17), ("2 weeks 3 days", 17),
    ("twenty five days", 25), ("0 days", 0), ("86400 seconds", 1), ("a century", 36500),
    ("3 days ago", 3), ("week", 7),
])
def test_parse_duration_days(text: str, days: float) -> None:
    assert parse_duration_days(text) == pytest.approx(days)


@pytest.mark.parametrize(("text", "error", "reason"), [
    ("-3 days", ResolutionError, "negative"),
    ("5 GB", ResolutionError, "size, not an age"),
    ("5m", ResolutionError, "minutes or months"),
    ("5 parsecs", ResolutionError, "unknown unit"),
    ("a few days", VagueAmount, "vague"),
    ("several weeks", VagueAmount, "vague"),
    ("1,5 days", ResolutionError, "ambiguous"),
    ("days days days", ResolutionError, "not an age"),
    ("3 days ago days", ResolutionError, "not an age"),
    ("", ResolutionError, "not an age"),
    ("1e40 days", OutOfRange, "too large"),
])
def test_parse_duration_days_errors(text: str, error: type[Exception], reason: str) -> None:
    with pytest.raises(error, match=reason):
        parse_duration_days(text)


# ── parse_bytes ────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize(("text", "size"), [
    ("1.5 GB", 3 * GIB // 2), ("1.5GB", 3 * GIB // 2), ("100k", 100 * KIB),
    ("10 KiB", 10 * KIB), ("10 KB", 10 * KIB), ("500 MB", 500 * MIB), ("500MiB", 500 * MIB),
    ("2 gigs", 2 * GIB), ("3 megs", 3 * MIB), ("1G", GIB), ("a megabyte", MIB),
    ("a gig", GIB), ("half a gig", GIB // 2), ("3 TB", 3 * TIB), ("2 TiB", 2 * TIB),
    ("512 B", 512), ("1 byte", 1), ("1,024 bytes", 1024), ("1e3 MB", 1000 * MIB),
    ("two gigabytes", 2 * GIB),
])
def test_parse_bytes(text: str, size: int) -> None:
    assert parse_bytes(text) == size


@pytest.mark.parametrize(("text", "reason"), [
    ("1000", "no unit"), ("0 MB", "more than 0"), ("-1 GB", "negative"),
    ("5 days", "age, not a size"), ("5 furlongs", "unknown size unit"), ("0.1 B", "more than 0"),
    ("gigabytes galore", "not a size"),
])
def test_parse_bytes_errors(text: str, reason: str) -> None:
    with pytest.raises(ResolutionError, match=reason):
        parse_bytes(text)


def test_parse_bytes_agrees_with_resolve_on_every_unit() -> None:
    for unit, factor in resolve._SIZE_UNITS.items():
        assert parse_bytes(f"3 {unit}") == 3 * factor == resolve.parse_size(f"3 {unit}")


# ── find_comparisons ───────────────────────────────────────────────────────────────────

Expected = list[tuple[str, str, float, str]]

SENTENCES: list[tuple[str, Expected]] = [
    # the readings issue 10 found wrong
    ("delete files older than 1,000 days", [("age", ">", 1000, "older than 1,000 days")]),
    ("delete files older than 1.5 years", [("age", ">", 547.5, "older than 1.5 years")]),
    ("delete files older than 1e3 days", [("age", ">", 1000, "older than 1e3 days")]),
    ("show files newer than 2 days", [("age", "<", 2, "newer than 2 days")]),
    # every number form after one cue
    ("older than 1 000 days", [("age", ">", 1000, "older than 1 000 days")]),
    ("older than 1_000 days", [("age", ">", 1000, "older than 1_000 days")]),
    ("older than 2.5E2 days", [("age", ">", 250, "older than 2.5E2 days")]),
    ("older than .5 days", [("age", ">", 0.5, "older than .5 days")]),
    ("older than a thousand days", [("age", ">", 1000, "older than a thousand days")]),
    ("older than three weeks", [("age", ">", 21, "older than three weeks")]),
    ("older than twenty-five days", [("age", ">", 25, "older than twenty-five days")]),
    ("older than a dozen days", [("age", ">", 12, "older than a dozen days")]),
    ("older than half a day", [("age", ">", 0.5, "older than half a day")]),
    ("older than a couple of days", [("age", ">", 2, "older than a couple of days")]),
    ("older than one and a half years", [("age", ">", 547.5,
                                          "older than one and a half years")]),
    ("older than a year and a half", [("age", ">", 547.5, "older than a year and a half")]),
    ("older than a hundred and twenty days", [("age", ">", 120,
                                               "older than a hundred and twenty days")]),
    # every time unit
    ("older than a year", [("age", ">", 365, "older than a year")]),
    ("older than a fortnight", [("age", ">", 14, "older than a fortnight")]),
    ("older than a decade", [("age", ">", 3650, "older than a decade")]),
    ("older than 6 months", [("age", ">", 180, "older than 6 months")]),
    ("older than 10d", [("age", ">", 10, "older than 10d")]),
    ("older than 36 hours", [("age", ">", 1.5, "older than 36 hours")]),
    ("older than yesterday", [("age", ">", 1, "older than yesterday")]),
    ("older than last week", [("age", ">", 7, "older than last week")]),
    ("older than 30", [("age", ">", 30, "older than 30")]),
    ("logs older than 1 year and 6 months", [("age", ">", 545,
                                              "older than 1 year and 6 months")]),
    # age cues in both directions
    ("files younger than 3 days", [("age", "<", 3, "younger than 3 days")]),
    ("anything more recent than a week", [("age", "<", 7, "more recent than a week")]),
    ("files not older than 5 days", [("age", "<=", 5, "not older than 5 days")]),
    ("files no newer than 5 days", [("age", ">=", 5, "no newer than 5 days")]),
    ("files not modified in the last 30 days", [("age", ">", 30,
                                                 "not modified in the last 30 days")]),
    ("files not modified in 30 days", [("age", ">", 30, "not modified in 30 days")]),
    ("stuff that hasn't been touched in a year", [("age", ">", 365,
                                                   "hasn't been touched in a year")]),
    ("photos I didn't open for 2 months", [("age", ">", 60, "didn't open for 2 months")]),
    ("files untouched for 6 months", [("age", ">", 180, "untouched for 6 months")]),
    ("files not used for over a month", [("age", ">", 30, "not used for over a month")]),
    ("files from the last 3 days", [("age", "<", 3, "from the last 3 days")]),
    ("files modified in the last week", [("age", "<", 7, "modified in the last week")]),
    ("downloads in the past 48 hours", [("age", "<", 2, "in the past 48 hours")]),
    ("files changed within 3 days", [("age", "<", 3, "changed within 3 days")]),
    ("stuff from last week", [("age", "<", 7, "from last week")]),
    ("files 30 days or older", [("age", ">=", 30, "30 days or older")]),
    ("files 3 days old or newer", [("age", "<=", 3, "3 days old or newer")]),
    ("logs at least 30 days old", [("age", ">=", 30, "at least 30 days old")]),
    ("logs at most 2 weeks old", [("age", "<=", 14, "at most 2 weeks old")]),
    ("logs over 10 days old", [("age", ">", 10, "over 10 days old")]),
    ("logs under 3 days old", [("age", "<", 3, "under 3 days old")]),
    ("files modified more than a week ago", [("age", ">", 7, "more than a week ago")]),
    ("files changed less than 3 hours ago", [("age", "<", 0.125,
                                              "less than 3 hours ago")]),
    ("processes older than 2 hours", [("age", ">", 1 / 12, "older than 2 hours")]),
    ("logs between 10 and 20 days old", [("age", ">=", 10, "between 10 and 20 days old"),
                                         ("age", "<=", 20, "between 10 and 20 days old")]),
    # sizes
    ("files larger than 100 MB", [("size", ">", 100 * MIB, "larger than 100 MB")]),
    ("files bigger than 1.5GB", [("size", ">", 1.5 * GIB, "bigger than 1.5GB")]),
    ("files greater than 2 gigs", [("size", ">", 2 * GIB, "greater than 2 gigs")]),
    ("files smaller than 10k", [("size", "<", 10 * KIB, "smaller than 10k")]),
    ("files less than 10 KiB", [("size", "<", 10 * KIB, "less than 10 KiB")]),
    ("caches over 1GB", [("size", ">", GIB, "over 1GB")]),
    ("files above 3 megs", [("size", ">", 3 * MIB, "above 3 megs")]),
    ("files below 512 bytes", [("size", "<", 512, "below 512 bytes")]),
    ("files exceeding 2 TB", [("size", ">", 2 * TIB, "exceeding 2 TB")]),
    ("files of at least 1 GiB", [("size", ">=", GIB, "at least 1 GiB")]),
    ("files of at most 1 G", [("size", "<=", GIB, "at most 1 G")]),
    ("files no more than 2 gigs", [("size", "<=", 2 * GIB, "no more than 2 gigs")]),
    ("files over half a gig", [("size", ">", GIB / 2, "over half a gig")]),
    ("files over 1 GB in size", [("size", ">", GIB, "over 1 GB in size")]),
    ("files > 100M", [("size", ">", 100 * MIB, "> 100M")]),
    ("files >= 1G", [("size", ">=", GIB, ">= 1G")]),
    ("files <5MB", [("size", "<", 5 * MIB, "<5MB")]),
    ("files ≤ 5MB", [("size", "<=", 5 * MIB, "≤ 5MB")]),
    ("files 1GB+", [("size", ">=", GIB, "1GB+")]),
    ("files 100 MB or larger", [("size", ">=", 100 * MIB, "100 MB or larger")]),
    ("files 100 MB or smaller", [("size", "<=", 100 * MIB, "100 MB or smaller")]),
    ("files larger than 1 GB or more", [("size", ">=", GIB, "larger than 1 GB or more")]),
    ("files between 1 GB and 2 GB", [("size", ">=", GIB, "between 1 GB and 2 GB"),
                                     ("size", "<=", 2 * GIB, "between 1 GB and 2 GB")]),
    ("which folders take up more than 10 GB", [("size", ">", 10 * GIB,
                                                 "take up more than 10 GB")]),
    # memory, by the words around the bytes
    ("every chrome using more than 2 GB", [("memory", ">", 2 * GIB,
                                            "using more than 2 GB")]),
    ("processes over 500 MB of ram", [("memory", ">", 500 * MIB, "over 500 MB of ram")]),
    ("processes with more than 2 GB RAM", [("memory", ">", 2 * GIB, "more than 2 GB RAM")]),
    ("memory usage above 2GB", [("memory", ">", 2 * GIB, "above 2GB")]),
    ("kill processes larger than 1 GB", [("memory", ">", GIB, "larger than 1 GB")]),
    ("anything eating more than 4 gigs of ram", [("memory", ">", 4 * GIB,
                                                  "eating more than 4 gigs of ram")]),
    # cpu, and memory as a percentage (reported, not supported)
    ("anything above 50% CPU", [("cpu", ">", 50, "above 50% CPU")]),
    ("every program using more than 80 percent of the cpu", [
        ("cpu", ">", 80, "using more than 80 percent of the cpu")]),
    ("cpu usage over 90%", [("cpu", ">", 90, "over 90%")]),
    ("processes under 5 per cent of a core", [("cpu", "<", 5,
                                               "under 5 per cent of a core")]),
    ("processes using more than 30% of memory", [("memory_percent", ">", 30,
                                                  "using more than 30% of memory")]),
    # several in one sentence
    ("files older than 30 days or larger than 1 GB", [("age", ">", 30, "older than 30 days"),
                                                      ("size", ">", GIB, "larger than 1 GB")]),
    ("processes using over 50% cpu and more than 2 GB of memory", [
        ("cpu", ">", 50, "using over 50% cpu"),
        ("memory", ">", 2 * GIB, "more than 2 GB of memory")]),
    ("files not modified in the last 30 days and larger than 100 MB in ~/Downloads", [
        ("age", ">", 30, "not modified in the last 30 days"),
        ("size", ">", 100 * MIB, "larger than 100 MB")]),
    ("older than 20 days and newer than 10 days", [("age", ">", 20, "older than 20 days"),
                                                   ("age", "<", 10, "newer than 10 days")]),
    ("show the top 10 processes using more than 2GB", [("memory", ">", 2 * GIB,
                                                        "using more than 2GB")]),
    ("delete the 5 files larger than 1 GB", [("size", ">", GIB, "larger than 1 GB")]),
    ("DELETE FILES OLDER THAN 3 WEEKS", [("age", ">", 21, "OLDER THAN 3 WEEKS")]),
    ("delete temp files older than 1.5k days", [("age", ">", 1500, "older than 1.5k days")]),
    ("kill it with more than 1,000 MB resident", [("memory", ">", 1000 * MIB,
                                                   "more than 1,000 MB resident")]),
    ("files older than 30 days and bigger", [("age", ">", 30, "older than 30 days")]),
    ("files older than 30 days or more", [("age", ">=", 30, "older than 30 days or more")]),
    ("files 1 GB and up", [("size", ">=", GIB, "1 GB and up")]),
    ("files 30 days and older", [("age", ">=", 30, "30 days and older")]),
]


@pytest.mark.parametrize(("sentence", "expected"), SENTENCES)
def test_find_comparisons(sentence: str, expected: Expected) -> None:
    found = find_comparisons(sentence)
    assert [(c.quantity, c.op, c.text) for c in found] == [
        (quantity, op, text) for quantity, op, _, text in expected]
    for comparison, (_, _, value, text) in zip(found, expected, strict=True):
        assert comparison.value == pytest.approx(value)
        assert comparison.start == sentence.index(text)
        assert comparison.end == comparison.start + len(text)
        assert sentence[comparison.start:comparison.end] == comparison.text


@pytest.mark.parametrize("sentence", [
    "kill 4312", "kill -9 1234", "kill the process on port 8080", "renice 4312 to 10",
    "what is listening on port 8080", "show the top 5 largest files", "the 20 largest",
    "the 10 biggest processes", "list 3 files", "more than 5 files", "at least 3 processes",
    "files larger than 100", "processes over 8080", "kill everything above 90 percent",
    "files older than 30 dogs", "older than this one", "clean up the pip cache",
    "could you please be so kind as to tell me which program is hogging my processor",
    "colder than 5 days", "", "remind me in 3 days",
    "show me the calendar for last month, this month and next month",
])
def test_no_comparison(sentence: str) -> None:
    assert find_comparisons(sentence) == []


@pytest.mark.parametrize(("sentence", "error", "reason"), [
    ("older than 1,5 days", ResolutionError, "ambiguous"),
    ("older than -5 days", ResolutionError, "negative"),
    ("larger than -1 GB", ResolutionError, "negative"),
    ("older than a few days", VagueAmount, "vague"),
    ("bigger than several GB", VagueAmount, "vague"),
    ("bigger than 5 days", ResolutionError, "size with a time"),
    ("older than 5 GB", ResolutionError, "age with a size"),
    ("older than 50%", ResolutionError, "age with a percentage"),
    ("older than 5m", ResolutionError, "minutes or months"),
    ("older than 1e40 days", OutOfRange, "too large"),
    ("older than " + "9" * 31 + " days", OutOfRange, "too large"),
    ("using more than 2 GB of cpu", ResolutionError, "size for the CPU"),
])
def test_invalid_comparison(sentence: str, error: type[Exception], reason: str) -> None:
    with pytest.raises(error, match=reason):
        find_comparisons(sentence)


@given(st.integers(min_value=0, max_value=10**15))
def test_thousands_separators_round_trip(n: int) -> None:
    assert parse_amount(f"{n:,}") == n
    assert parse_amount(f"{n:_}") == n


@given(st.integers(min_value=0, max_value=10**9),
       st.sampled_from(["files", "delete logs", "show me everything", ""]),
       st.sampled_from(["", ",", " please", " in ~/tmp"]))
def test_older_than_n_days_is_always_age_above_n(n: int, before: str, after: str) -> None:
    sentence = f"{before} older than {n:,} days{after}".strip()
    [comparison] = find_comparisons(sentence)
    assert (comparison.quantity, comparison.op, comparison.value) == ("age", ">", n)
    assert comparison.text == f"older than {n:,} days"


_WORDS = ["older", "newer", "than", "more", "less", "at", "least", "most", "over", "under",
          "not", "modified", "in", "the", "last", "past", "from", "or", "and", "a", "half",
          "few", "1,000", "1,5", "1e3", "1e99", "-5", ".5", "30", "twenty", "five", "dozen",
          "days", "d", "m", "GB", "k", "%", "cpu", "ram", "using", "old", "ago", "+", ">",
          ">=", "<", "between", "kill", "4312", "port", "8080", "top", "files", "of", ","]


@given(st.lists(st.sampled_from(_WORDS), max_size=12))
def test_any_sentence_gives_spans_or_a_reason(words: list[str]) -> None:
    sentence = " ".join(words)
    try:
        found = find_comparisons(sentence)
    except ResolutionError as error:
        assert str(error)
        return
    for comparison in found:
        assert sentence[comparison.start:comparison.end] == comparison.text
        assert comparison.op in (">", ">=", "<", "<=")
        assert comparison.value >= 0


# ── consistency, limits and descriptions ───────────────────────────────────────────────

@pytest.mark.parametrize(("sentence", "reason"), [
    ("older than 10 days and newer than 20 days", None),
    ("older than 20 days and newer than 10 days",
     "nothing can be both older than 20 days and newer than 10 days"),
    ("larger than 1 GB and smaller than 100 MB",
     "nothing can be both larger than 1 GiB and smaller than 100 MiB"),
    ("at least 10 days old and at most 10 days old", None),
    ("older than 10 days and at most 10 days old",
     "nothing can be both older than 10 days and at most 10 days old"),
    ("newer than 0 days", "nothing can be newer than 0 days"),
    ("older than 30 days and larger than 1 GB", None),
    ("processes using more than 150% of memory",
     "nothing can be using more than 150% of memory"),
    ("between 20 and 10 days old",
     "nothing can be both at least 20 days old and at most 10 days old"),
])
def test_check_consistent(sentence: str, reason: str | None) -> None:
    assert check_consistent(find_comparisons(sentence)) == reason


def test_to_limit() -> None:
    [comparison] = find_comparisons("delete files older than 1,000 days")
    limit = comparison.to_limit()
    assert limit == Limit("age", ">", 1000.0, "older than 1,000 days")
    assert limit.describe() == "older than 1000 days (2 years 9 months)"
    assert limit.admits(1001) and not limit.admits(999)


def test_memory_percent_is_reported_not_applied() -> None:
    [comparison] = find_comparisons("kill processes using more than 30% of memory")
    assert comparison == Comparison("memory_percent", ">", 30.0,
                                    "using more than 30% of memory", 15, 44)
    assert not comparison.supported
    assert comparison.to_limit().describe() == "using more than 30% of memory"
    assert all(c.supported for c in find_comparisons("older than 2 days, over 1 GB, 5% cpu"))


@pytest.mark.parametrize(("days", "text"), [
    (1000, "1000 days (2 years 9 months)"), (7, "7 days (1 week)"), (1, "1 day"),
    (0.5, "12 hours"), (1 / 24, "1 hour"), (1 / 16, "1.5 hours"), (1 / 1440, "1 minute"),
    (14, "14 days (2 weeks)"), (30, "30 days (1 month)"), (365, "365 days (1 year)"),
    (3650, "3650 days (10 years)"), (547.5, "547.5 days (about 1 year 6 months)"),
    (10, "10 days"), (20, "20 days"), (1.5, "1.5 days"), (0, "0 days"),
])
def test_describe_days(days: float, text: str) -> None:
    assert describe_days(days) == text


@pytest.mark.parametrize(("size", "text"), [
    (100 * MIB, "100 MiB"), (1.5 * GIB, "1.5 GiB"), (10 * KIB, "10 KiB"), (512, "512 bytes"),
    (1, "1 byte"), (2 * TIB, "2 TiB"), (1536, "1.5 KiB"),
])
def test_describe_bytes(size: float, text: str) -> None:
    assert describe_bytes(size) == text


@pytest.mark.parametrize(("limit", "text"), [
    (Limit("age", ">", 1000, ""), "older than 1000 days (2 years 9 months)"),
    (Limit("age", "<", 2, ""), "newer than 2 days"),
    (Limit("age", ">=", 30, ""), "at least 30 days old"),
    (Limit("age", ">", 7, ""), "older than 7 days"),
    (Limit("age", ">=", 1000, ""), "at least 1000 days old (2 years 9 months)"),
    (Limit("age", "<", 0.5, ""), "newer than 12 hours"),
    (Limit("age", "<=", 3, ""), "at most 3 days old"),
    (Limit("size", ">", 100 * MIB, ""), "larger than 100 MiB"),
    (Limit("size", "<", 10 * KIB, ""), "smaller than 10 KiB"),
    (Limit("size", ">=", GIB, ""), "at least 1 GiB in size"),
    (Limit("memory", ">", 2 * GIB, ""), "using more than 2 GiB of memory"),
    (Limit("cpu", ">", 50, ""), "using more than 50% CPU"),
    (Limit("cpu", "<=", 12.5, ""), "using at most 12.5% CPU"),
])
def test_describe_limit(limit: Limit, text: str) -> None:
    assert describe_limit(limit) == text
    assert limit.describe() == text


def test_fast_enough() -> None:
    """A sentence is read in well under a millisecond (measured: ~0.05 ms typical)."""
    import time

    sentence = "files not modified in the last 30 days and larger than 100 MB in ~/Downloads"
    start = time.perf_counter()
    for _ in range(200):
        find_comparisons(sentence)
    assert (time.perf_counter() - start) / 200 < 0.002  # generous: shared CI machines


def test_module_docstring_examples() -> None:
    import doctest

    import nlsh.language.quantities as quantities

    assert doctest.testmod(quantities).failed == 0
