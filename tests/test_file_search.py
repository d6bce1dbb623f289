"""The file search walker and the file.find answer, on real trees made by each test."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from nlsh.answers.files import find_files
from nlsh.context import Context
from nlsh.stages import Answer, Exclusion, Limit, Operators, Parse, Reply
from nlsh.system import file_search
from nlsh.system.file_search import FileQuery, Tally, search
from tests.support.privilege import drop_file_permission_override, run_weakened

DAY = 86400


def _tree(root: Path) -> None:
    """Nested folders, files of several kinds, a link to a folder outside, a binary."""
    (root / "docs" / "2024" / "q1").mkdir(parents=True)
    (root / "Downloads").mkdir()
    (root / "src").mkdir()
    (root / "docs" / "2024" / "q1" / "tax_return.pdf").write_bytes(b"%PDF-1.4 tax")
    (root / "docs" / "notes.txt").write_text("remember the TODO list\n")
    (root / "Downloads" / "manual.PDF").write_bytes(b"%PDF manual" * 100)
    (root / "Downloads" / "ubuntu.iso").write_bytes(b"\0" * 300_000)
    (root / "src" / "main.py").write_text("# TODO: handle errors\nprint('hi')\n")
    (root / "src" / "blob.bin").write_bytes(b"\0\1\2 TODO in a binary")
    (root / "report[1].txt").write_text("brackets in a real name\n")


def _found(query: FileQuery) -> tuple[set[str], Tally]:
    tally = Tally()
    return {os.path.relpath(f.path, query.root) for f in search(query, tally)}, tally


def test_kinds_names_and_globs_as_written(tmp_path: Path) -> None:
    _tree(tmp_path)
    root = str(tmp_path)
    assert _found(FileQuery(root, kinds=frozenset({"pdf"})))[0] == {
        "docs/2024/q1/tax_return.pdf", "Downloads/manual.PDF"}
    assert _found(FileQuery(root, pattern="tax"))[0] == {"docs/2024/q1/tax_return.pdf"}
    assert _found(FileQuery(root, pattern="*.iso"))[0] == {"Downloads/ubuntu.iso"}
    assert _found(FileQuery(root, pattern=".py"))[0] == {"src/main.py"}
    # brackets without a glob star are the name's own characters, not a character class
    assert _found(FileQuery(root, pattern="report[1]"))[0] == {"report[1].txt"}


def test_links_out_of_the_place_are_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(b"%PDF outside")
    place = tmp_path / "place"
    place.mkdir()
    (place / "inside.pdf").write_bytes(b"%PDF inside")
    (place / "elsewhere").symlink_to(outside)
    (place / "linked.pdf").symlink_to(outside / "secret.pdf")
    found, tally = _found(FileQuery(str(place), kinds=frozenset({"pdf"})))
    assert found == {"inside.pdf"}
    assert tally.links == 2


def test_content_search_skips_binaries_and_files_over_the_cap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    (tmp_path / "src" / "huge.txt").write_text("TODO " * 1000)
    monkeypatch.setattr(file_search, "CONTENT_CAP", 4000)
    found, tally = _found(FileQuery(str(tmp_path), content="TODO"))
    assert found == {"docs/notes.txt", "src/main.py"}
    assert tally.binary == 1 and tally.too_large == 2  # blob.bin; huge.txt and ubuntu.iso
    # written in lower case, the text matches any case (smart case, like ripgrep)
    assert _found(FileQuery(str(tmp_path), content="todo"))[0] == found
    assert _found(FileQuery(str(tmp_path), content="Todo"))[0] == set()


def test_text_split_across_read_chunks_is_found(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_search, "_CHUNK", 16)
    (tmp_path / "a.txt").write_text("x" * 14 + "NEEDLE" + "y" * 40)
    assert _found(FileQuery(str(tmp_path), content="NEEDLE"))[0] == {"a.txt"}


def test_sizes_ages_and_access_time(tmp_path: Path) -> None:
    _tree(tmp_path)
    now = time.time()
    old = tmp_path / "Downloads" / "ubuntu.iso"
    os.utime(old, (now - 400 * DAY, now - 30 * DAY))  # opened 400 days ago, changed 30
    root = str(tmp_path)
    big = FileQuery(root, sizes=(file_search.Bound(">", 100_000),))
    assert _found(big)[0] == {"Downloads/ubuntu.iso"}
    modified_recently = FileQuery(root, ages=(file_search.Bound("<", 7),), now=now)
    assert "Downloads/ubuntu.iso" not in _found(modified_recently)[0]
    assert "src/main.py" in _found(modified_recently)[0]
    not_opened = FileQuery(root, ages=(file_search.Bound(">", 365),), age_field="atime",
                           now=now)
    assert _found(not_opened)[0] == {"Downloads/ubuntu.iso"}


def test_unreadable_folders_are_counted_and_the_rest_searched(tmp_path: Path) -> None:
    _tree(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.pdf").write_bytes(b"%PDF")
    locked.chmod(0)
    try:
        def work() -> tuple[list[str], int]:
            found, tally = _found(FileQuery(str(tmp_path), kinds=frozenset({"pdf"})))
            return sorted(found), tally.unreadable
        found, unreadable = run_weakened(drop_file_permission_override, work)
    finally:
        locked.chmod(0o755)
    assert found == ["Downloads/manual.PDF", "docs/2024/q1/tax_return.pdf"]
    assert unreadable == 1


def test_other_filesystems_are_not_entered(tmp_path: Path) -> None:
    _tree(tmp_path)
    mount = tmp_path / "mnt"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip() or made.returncode}")
    try:
        (mount / "on_tmpfs.pdf").write_bytes(b"%PDF")
        found, tally = _found(FileQuery(str(tmp_path), kinds=frozenset({"pdf"})))
        assert "mnt/on_tmpfs.pdf" not in found and tally.other_filesystems == 1
        crossing = FileQuery(str(tmp_path), kinds=frozenset({"pdf"}), cross_filesystems=True)
        assert "mnt/on_tmpfs.pdf" in _found(crossing)[0]
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_results_stream_before_the_walk_ends(tmp_path: Path) -> None:
    for index in range(30):
        folder = tmp_path / f"d{index:02}"
        folder.mkdir()
        (folder / "hit.txt").write_text("x")
    tally = Tally()
    walk = search(FileQuery(str(tmp_path), pattern="hit"), tally)
    next(walk)
    assert tally.folders < 31  # the first match came before every folder was read


# ── the answer: table rows, order, cap, total, exclusions, honest edges ──────────────────

def _ask(ctx: Context, text: str, **slots: object) -> Answer | Reply:
    operators = slots.pop("operators", Operators())
    assert isinstance(operators, Operators)
    parse = Parse(text=text, intent="file.find", confidence=1.0,
                  slots={k: v for k, v in slots.items() if isinstance(v, int | str)},
                  operators=operators)
    return find_files(parse, ctx)


@pytest.fixture
def ctx(private_home: Path) -> Context:
    return Context.from_environment()


def test_biggest_first_with_a_cap_and_a_total(ctx: Context, private_home: Path) -> None:
    for index in range(60):
        (private_home / f"clip{index:02}.mp4").write_bytes(b"v" * (index + 1) * 10)
    answer = _ask(ctx, "the biggest videos in my home", kind="video")
    assert isinstance(answer, Answer)
    rows = answer.result["files"]
    assert [Path(r["path"]).name for r in rows[:2]] == ["clip59.mp4", "clip58.mp4"]
    assert len(rows) == 50 and answer.result["more"] == 10
    assert answer.result["total_bytes"] == sum((i + 1) * 10 for i in range(60))
    assert "and 10 more" in answer.message
    limited = _ask(ctx, "the 3 largest videos", kind="video", limit=3)
    assert isinstance(limited, Answer) and len(limited.result["files"]) == 3


def test_latest_first(ctx: Context, private_home: Path) -> None:
    now = time.time()
    for age, name in ((5, "old.pdf"), (1, "new.pdf"), (3, "mid.pdf")):
        path = private_home / name
        path.write_bytes(b"%PDF")
        os.utime(path, (now - age * DAY, now - age * DAY))
    answer = _ask(ctx, "latest pdfs", kind="pdf")
    assert isinstance(answer, Answer)
    assert [Path(r["path"]).name for r in answer.result["files"]] == [
        "new.pdf", "mid.pdf", "old.pdf"]


def test_exclusions_of_place_and_kind_are_honoured(ctx: Context, private_home: Path) -> None:
    _tree(private_home)
    not_downloads = Operators(exclusions=(Exclusion("path", "Downloads", "not in Downloads"),))
    answer = _ask(ctx, "pdfs not in Downloads", kind="pdf", operators=not_downloads)
    assert isinstance(answer, Answer)
    assert [Path(r["path"]).name for r in answer.result["files"]] == ["tax_return.pdf"]
    no_isos = Operators(limits=(Limit("size", ">", 100_000, "over 100 kB"),),
                        exclusions=(Exclusion("kind", "iso", "except isos"),))
    answer = _ask(ctx, "files over 100 kB except isos", operators=no_isos)
    assert isinstance(answer, Answer) and answer.result["count"] == 0


def test_a_place_that_does_not_exist_is_said_so(ctx: Context) -> None:
    reply = _ask(ctx, "pdfs in ~/no-such-folder", kind="pdf", path="~/no-such-folder")
    assert isinstance(reply, Reply)
    assert reply.message == "No such folder: ~/no-such-folder (nothing was searched)"


def test_an_unknown_owner_is_said_so(ctx: Context) -> None:
    reply = _ask(ctx, "files owned by zzqnouser", user="zzqnouser")
    assert isinstance(reply, Reply) and "no user named 'zzqnouser'" in reply.message


def test_the_find_equivalent_mirrors_the_query(ctx: Context, private_home: Path) -> None:
    limits = Operators(limits=(Limit("age", "<", 7, "this week"),))
    answer = _ask(ctx, "pdfs modified this week in ~", kind="pdf", path="~", operators=limits)
    assert isinstance(answer, Answer)
    assert answer.result["find_equivalent"] == (
        "find ~ -xdev -type f \\( -iname '*.pdf' \\) -mmin -10080 -print")


# ── the real nlsh, sentence to answer ────────────────────────────────────────────────────

def test_the_cli_finds_described_files_and_explains_the_find_command(private_home: Path) -> None:
    import json

    from tests.conftest import run_nlsh

    _tree(private_home)
    run = run_nlsh("--json", "which pdfs are in ~/Downloads")
    answer = json.loads(run.stdout)
    assert (answer["intent"], answer["status"], run.returncode) == ("file.find", "done", 0)
    assert [Path(f["path"]).name for f in answer["result"]["files"]] == ["manual.PDF"]
    explained = run_nlsh("--explain", "files containing TODO in ~/src")
    assert "as a find command: find ~/src -xdev -type f -exec grep -lI -- TODO {} +" in (
        " ".join(explained.stdout.split()))
    assert "main.py" in explained.stdout and "blob.bin" not in explained.stdout
    missing = run_nlsh("--json", "find pdfs in ~/does-not-exist")
    assert json.loads(missing.stdout)["message"].startswith("No such folder: ~/does-not-exist")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
