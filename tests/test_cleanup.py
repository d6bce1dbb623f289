"""disk.cleanup: each cleaner finds what it should, previews the bytes it frees, and the
executor removes exactly that (real trees under the private HOME and temp dir)."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from nlsh.actions import cleaners
from nlsh.confirm import TerminalConfirmer
from nlsh.context import Context
from nlsh.execution.trash import move_to_trash
from nlsh.stages import FileRef, Plan, Reply, Risk, Status
from tests.support.files import (
    age,
    carry_out,
    du,
    finishes,
    parse,
    plan,
    snapshot,
    step_paths,
    use_present_policy_rules,
    write,
)


@pytest.fixture(autouse=True)
def policy_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    use_present_policy_rules(monkeypatch)


@pytest.fixture
def ctx(private_home: Path) -> Context:
    return Context.from_environment()


@pytest.fixture
def home(private_home: Path) -> Path:
    return private_home


@pytest.fixture
def temp(private_home: Path) -> Path:
    return Path(os.environ["NLSH_TEMP_DIRS"])


@pytest.fixture(autouse=True)
def no_system_suggestions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's own apt cache or journal must not decide these tests' outcomes."""
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", ())


def _cache_items(home: Path, temp: Path) -> list[Path]:
    write(home / ".cache/app/a.bin", 20_000)
    write(home / ".cache/app/deep/er/b.bin", 7_000)
    write(home / ".cache/fontcache.bin", 3_000)
    return [home / ".cache/app", home / ".cache/fontcache.bin"]


def _thumbnail_items(home: Path, temp: Path) -> list[Path]:
    write(home / ".cache/thumbnails/normal/1.png", 5_000)
    write(home / ".cache/thumbnails/large/2.png", 9_000)
    write(home / ".thumbnails/normal/3.png", 4_000)
    return [home / ".cache/thumbnails/large", home / ".cache/thumbnails/normal",
            home / ".thumbnails/normal"]


def _package_items(home: Path, temp: Path) -> list[Path]:
    write(home / ".cache/pip/http/v2/abc", 30_000)
    write(home / ".npm/_cacache/content-v2/sha512/x", 12_000)
    write(home / ".cargo/registry/cache/index-1/serde.crate", 8_000)
    write(home / ".cargo/git/checkouts/repo-1/abc123/lib.rs", 2_000)
    write(home / ".cache/yarn/v6/npm-left-pad", 1_000)
    write(home / ".local/share/pnpm/store/v3/files/00/x", 6_000)
    return [home / ".cache/pip/http", home / ".npm/_cacache/content-v2",
            home / ".cargo/registry/cache/index-1", home / ".cargo/git/checkouts/repo-1",
            home / ".cache/yarn/v6", home / ".local/share/pnpm/store/v3"]


def _temp_items(home: Path, temp: Path) -> list[Path]:
    write(temp / "old-report.csv", 15_000)
    write(temp / "build-1234/obj/a.o", 9_000)
    age(temp / "old-report.csv", 10)
    age(temp / "build-1234", 10)
    return [temp / "build-1234", temp / "old-report.csv"]


def _log_items(home: Path, temp: Path) -> list[Path]:
    logs = home / ".local/state/app"
    for name in ("app.log.1", "app.log.2.gz", "app.1.log", "app.log-20240501"):
        write(logs / name, 4_000)
    write(home / ".local/share/xorg/Xorg.0.log.old", 3_000)
    write(logs / "app.log", 4_000)  # the live log
    write(logs / "history.1", 4_000)  # numbered, but not a log
    write(home / ".local/state/nlsh/journal.log.1", 4_000)  # nlsh's own audit trail
    return [*(logs / n for n in ("app.1.log", "app.log-20240501", "app.log.1",
                                 "app.log.2.gz")),
            home / ".local/share/xorg/Xorg.0.log.old"]


def _trash_items(home: Path, temp: Path) -> list[Path]:
    trash = Path(os.environ["XDG_DATA_HOME"]) / "Trash"
    for name in ("draft.txt", "old photos"):
        source = home / "Documents" / name
        if name.endswith(".txt"):
            write(source, 11_000)
        else:
            write(source / "p1.jpg", 20_000)
        move_to_trash(str(source), trash, os.geteuid())
    return [trash / "files/draft.txt", trash / "files/old photos"]


CLEANERS: dict[str, Callable[[Path, Path], list[Path]]] = {
    "cache": _cache_items, "thumbnails": _thumbnail_items, "packages": _package_items,
    "temp": _temp_items, "logs": _log_items, "trash": _trash_items,
}


def _bytes_freed_when_gone(items: list[Path], target: str) -> int:
    total = sum(du(p) for p in items)
    if target == "trash":  # each item's .trashinfo goes with it
        total += sum(du(p.parent.parent / "info" / (p.name + ".trashinfo")) for p in items)
    return total


@pytest.mark.parametrize("target", CLEANERS)
def test_each_cleaner_previews_the_bytes_it_removes(target: str, home: Path, temp: Path,
                                                    ctx: Context) -> None:
    items = CLEANERS[target](home, temp)
    expected_bytes = _bytes_freed_when_gone(items, target)
    contents = {str(p): snapshot(p) for p in items}

    planned = plan(ctx, target=target)

    assert sorted(step_paths(planned)) == sorted(str(p) for p in items)
    assert isinstance(planned, Plan) and planned.total_bytes == expected_bytes
    response = carry_out(ctx, parse(target=target))
    assert response.status is Status.DONE, response.message
    assert not any(p.exists() or p.is_symlink() for p in items)
    if target in ("temp", "logs"):  # the user's own files went to the Trash, intact
        trash_files = Path(os.environ["XDG_DATA_HOME"]) / "Trash/files"
        assert {p.name: snapshot(trash_files / p.name) for p in items} == \
            {p.name: contents[str(p)] for p in items}
        assert planned.reversible
    else:
        assert not planned.reversible
    if target == "trash":
        assert not os.listdir(Path(os.environ["XDG_DATA_HOME"]) / "Trash/info")


def test_cargo_binaries_and_the_registry_index_are_never_part_of_it(home: Path,
                                                                    ctx: Context) -> None:
    _package_items(home, home)
    write(home / ".cargo/bin/ripgrep", 5_000)
    write(home / ".cargo/registry/index/github.com-1/config.json", 500)
    before = snapshot(home / ".cargo/bin"), snapshot(home / ".cargo/registry/index")

    carry_out(ctx, parse(target="packages"))

    assert (snapshot(home / ".cargo/bin"), snapshot(home / ".cargo/registry/index")) == before
    assert not (home / ".cargo/registry/cache/index-1").exists()


def test_user_cache_leaves_nlsh_models_and_other_cleaners_roots(
        home: Path, ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    models = home / ".cache/trained-models"
    monkeypatch.setenv("NLSH_MODEL_CACHE", str(models))
    ctx = Context.from_environment()
    write(models / "intent.onnx", 50_000)
    write(ctx.paths.cache / "state.bin", 1_000)
    write(home / ".cache/pip/http/x", 1_000)
    write(home / ".cache/thumbnails/normal/1.png", 1_000)
    write(home / ".cache/browser/blob", 2_000)

    planned = plan(ctx, target="cache")

    assert step_paths(planned) == [str(home / ".cache/browser")]
    carry_out(ctx, parse(target="cache"))
    assert (models / "intent.onnx").exists() and (ctx.paths.cache / "state.bin").exists()
    assert (home / ".cache/pip/http/x").exists()
    assert (home / ".cache/thumbnails/normal/1.png").exists()


def test_lock_files_and_live_sockets_stay(home: Path, ctx: Context) -> None:
    import socket

    app = home / ".cache/app"
    data = write(app / "data.bin", 40_000)
    for name in ("app.lock", "LOCK", "SingletonLock"):
        write(app / name, 10)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(app / "ipc.sock"))
    server.listen()
    try:
        expected = du(data)
        planned = plan(ctx, target="cache")
        assert isinstance(planned, Plan) and planned.total_bytes == expected
        assert any("a lock file: 3" in note for note in planned.notes)

        carry_out(ctx, parse(target="cache"))

        assert not data.exists()
        assert sorted(p.name for p in app.iterdir()) == ["LOCK", "SingletonLock", "app.lock",
                                                         "ipc.sock"]
    finally:
        server.close()


def test_older_than_days_keeps_what_is_newer(home: Path, ctx: Context) -> None:
    old = write(home / ".cache/app/old.bin", 30_000)
    new = write(home / ".cache/app/new.bin", 30_000)
    age(old, 40)

    planned = plan(ctx, target="cache", older_than_days=30)

    assert isinstance(planned, Plan) and planned.total_bytes == du(old)
    carry_out(ctx, parse(target="cache", older_than_days=30))
    assert not old.exists() and new.exists()


def test_temp_files_need_a_week_by_default_and_older_than_overrides(temp: Path,
                                                                    ctx: Context) -> None:
    week_old = write(temp / "week-old.txt")
    recent = write(temp / "recent.txt")
    age(week_old, 8)
    age(recent, 2)

    assert step_paths(plan(ctx, target="temp")) == [str(week_old)]
    assert sorted(step_paths(plan(ctx, target="temp", older_than_days=1))) == \
        sorted([str(recent), str(week_old)])


def test_a_temp_folder_with_anything_recent_inside_is_left_whole(temp: Path,
                                                                 ctx: Context) -> None:
    build = temp / "build"
    write(build / "old.o")
    write(build / "deep/fresh.o")
    age(build, 30)
    os.utime(build / "deep/fresh.o")  # touched just now

    result = plan(ctx, target="temp")

    assert isinstance(result, Reply) and result.status is Status.NOTHING_TO_DO
    assert "modified in the last 7 days: 1" in result.message


def test_live_session_entries_in_temp_are_never_listed(temp: Path, ctx: Context) -> None:
    for name in ("systemd-private-abc-colord.service-x", "tmux-1000", ".X11-unix", ".X0-lock",
                 "ssh-XXXXabcd", f".Trash-{os.geteuid()}", "hsperfdata_me"):
        write(temp / name / "x")
        age(temp / name, 30)

    result = plan(ctx, target="temp")

    assert isinstance(result, Reply) and result.status is Status.NOTHING_TO_DO


def test_trash_age_counts_from_when_it_was_trashed(home: Path, temp: Path,
                                                   ctx: Context) -> None:
    old, recent = _trash_items(home, temp)
    info = old.parent.parent / "info" / (old.name + ".trashinfo")
    info.write_text(info.read_text().replace(
        info.read_text().split("DeletionDate=")[1].strip(), "2001-01-01T10:00:00"))
    age(recent, 400)  # modified long ago, but trashed just now

    assert step_paths(plan(ctx, target="trash", older_than_days=30)) == [str(old)]


def test_temp_files_of_other_users_are_not_listed(temp: Path, ctx: Context) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    theirs = write(temp / "theirs.txt")
    os.chown(theirs, 65534, 65534)
    age(theirs, 30)

    result = plan(ctx, target="temp")

    assert isinstance(result, Reply) and result.status is Status.NOTHING_TO_DO


def test_without_a_target_the_safe_set_is_proposed(home: Path, temp: Path,
                                                   ctx: Context) -> None:
    for make in CLEANERS.values():
        make(home, temp)

    planned = plan(ctx)

    assert isinstance(planned, Plan)
    assert {s.group for s in planned.steps} == {
        "user cache", "thumbnails", "pip cache", "npm cache", "cargo cache", "yarn cache",
        "pnpm store", "temp files"}
    assert planned.risk is Risk.MEDIUM and not planned.confirmations


def test_a_path_inside_a_root_narrows_the_plan_to_it(home: Path, ctx: Context) -> None:
    write(home / ".cache/app/a.bin")
    write(home / ".cache/other/b.bin")

    assert step_paths(plan(ctx, path="~/.cache/app")) == [str(home / ".cache/app")]
    trashed = _trash_items(home, home)
    assert sorted(step_paths(plan(ctx, path="~/.local/share/Trash"))) == sorted(
        str(p) for p in trashed)
    assert isinstance(plan(ctx, path="~"), Plan)
    assert not any("Trash" in p for p in step_paths(plan(ctx, path="~")))
    assert sorted(step_paths(plan(ctx, path="~/.cache"))) == [
        str(home / ".cache/app"), str(home / ".cache/other")]


@pytest.mark.parametrize(("path", "status", "rule"), [
    ("~/Documents", Status.REFUSED, "cleanup-roots"),
    ("~/.ssh", Status.REFUSED, "protected-path"),
    ("~/.cache/../.ssh", Status.REFUSED, "protected-path"),
    ("/etc", Status.REFUSED, "protected-path"),
    ("~/.cache/nothing-here", Status.NOTHING_TO_DO, None),
])
def test_a_path_outside_the_cleanup_roots_gets_a_clear_reply(
        path: str, status: Status, rule: str | None, home: Path, ctx: Context) -> None:
    write(home / "Documents/thesis.tex")
    write(home / ".ssh/id_ed25519", 400)

    result = plan(ctx, path=path)

    assert isinstance(result, Reply) and result.status is status, result
    assert result.rule == rule
    assert (home / "Documents/thesis.tex").exists() and (home / ".ssh/id_ed25519").exists()


def test_nothing_to_clean_is_nothing_to_do(ctx: Context) -> None:
    result = plan(ctx)

    assert isinstance(result, Reply) and result.status is Status.NOTHING_TO_DO
    response = carry_out(ctx, parse())
    assert response.status is Status.NOTHING_TO_DO and not finishes(ctx)


def test_emptying_the_trash_asks_again_and_a_no_keeps_everything(home: Path, temp: Path,
                                                                 ctx: Context) -> None:
    items = _trash_items(home, temp)
    planned = plan(ctx, target="trash")
    assert isinstance(planned, Plan) and planned.risk is Risk.HIGH
    assert any("emptying the Trash deletes 2 item(s)" in c for c in planned.confirmations)
    answers = iter(["y", "no"])
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    shown = io.StringIO()
    console = Console(file=shown, width=200)
    response = carry_out(ctx, parse(target="trash"), TerminalConfirmer(console, ask))

    assert response.status is Status.CANCELLED
    assert len(asked) == 2 and asked[1] == "Type 'yes' to continue: "
    second = shown.getvalue().split("This needs a second yes:", 1)[1]
    assert "emptying the Trash deletes 2 item(s)" in second
    assert all(p.exists() for p in items)


def test_the_preview_lists_every_item_with_its_size(home: Path, ctx: Context) -> None:
    from nlsh.render.plan import plan_view

    _cache_items(home, home)
    planned = plan(ctx, target="cache")
    assert isinstance(planned, Plan)
    console = Console(file=io.StringIO(), width=250, color_system=None)
    console.print(plan_view(planned))
    shown = console.file.getvalue()  # type: ignore[attr-defined]

    for step in planned.steps:
        assert isinstance(step.target, FileRef) and step.target.path in shown
    assert "Total:" in shown
