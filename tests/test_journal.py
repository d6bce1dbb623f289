"""The journal: secrets never written in clear, and what a user reads back is what happened."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlsh.context import Context
from nlsh.journal import Journal
from nlsh.journal.redact import REDACTED, redact, redact_argv
from nlsh.pipeline import DeclineAll, run
from nlsh.stages import Parse


@pytest.mark.parametrize(("said", "secret"), [
    ("kill the job started with password=hunter2", "hunter2"),
    ("stop mysql --password s3cr3t-value", "s3cr3t-value"),
    ("kill curl -H 'Authorization: Bearer abcdef1234567890'", "abcdef1234567890"),
    ("kill the sync to https://alice:pa55word@example.com/repo", "pa55word"),
    ("find ghp_0123456789abcdefghijABCDEFGHIJ0123", "ghp_0123456789abcdefghijABCDEFGHIJ0123"),
    ("kill the script using sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX", "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX"),
    ("api_key: AKIAABCDEFGHIJKLMNOP", "AKIAABCDEFGHIJKLMNOP"),
    ("TOKEN=xyz987 ./deploy.sh", "xyz987"),
])
def test_secrets_are_redacted(said: str, secret: str) -> None:
    cleaned = redact(said)
    assert secret not in cleaned and REDACTED in cleaned


@pytest.mark.parametrize("said", [
    "kill firefox", "renice pid 4312 to 10", "what is taking space in ~/passwords-backup",
    "show processes of user token", "clear the npm cache",
])
def test_ordinary_sentences_are_kept(said: str) -> None:
    assert redact(said) == said


def test_a_value_after_a_secret_flag_is_redacted_in_command_lines() -> None:
    argv = ["psql", "--password", "hunter2", "-h", "db", "--token=abc123"]
    assert redact_argv(argv) == ["psql", "--password", REDACTED, "-h", "db", f"--token={REDACTED}"]


def test_the_pipeline_journals_the_sentence_redacted(private_home: Path) -> None:
    ctx = Context.from_environment()
    sentence = "kill the backup started with password=hunter2"
    parse = Parse(text=sentence, intent=None, confidence=0.9)
    run(sentence, ctx, lambda _text: parse, DeclineAll())
    written = ctx.journal.path.read_text()
    assert "hunter2" not in written
    assert json.loads(written.splitlines()[-1])["text"].endswith(REDACTED)


def test_corrupted_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.jsonl")
    journal.record("request", "a", text="first")
    with journal.path.open("ab") as handle:
        handle.write(b"{not json\n\xff\xfe garbage\n[1, 2]\n")
    journal.record("request", "b", text="second")
    assert [e["text"] for e in journal.entries()] == ["first", "second"]
    assert journal.warnings == [f"skipped 3 unreadable journal line(s) in {journal.path}"]


def test_an_unwritable_journal_degrades_to_a_warning(tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the directory should be")
    journal = Journal(blocker / "journal.jsonl")
    assert journal.record("request", "a", text="x") is False
    assert not journal.writable
    assert journal.warnings and "journal not written" in journal.warnings[0]
