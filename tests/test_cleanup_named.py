"""Named things stay named: a cleanup that names a cleaner cleans exactly that one, an
exclusion leaves out what it names, limits filter, and an unknown name is said to be
unknown (real caches under the private HOME; the planner is given a fixed parse)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from nlsh.actions import cleaners
from nlsh.actions.cleaner_names import (
    BROWSERS,
    CLEANER_ALIASES,
    CLEANER_NAMES,
    PACKAGE_MANAGERS,
    ROOT_ONLY,
    NamedCaches,
    find_named_caches,
    unknown_cache_reply,
)
from nlsh.actions.cleanup import plan_cleanup
from nlsh.context import Context
from nlsh.stages import Exclusion, Limit, Operators, Parse, Plan, Reply, SlotValue, Status
from tests.support.files import (
    age,
    carry_out,
    du,
    snapshot,
    step_paths,
    use_present_policy_rules,
    write,
)

MIB = 1024 * 1024
REAL_ROOT_CLEANERS = cleaners.ROOT_CLEANERS


@pytest.fixture(autouse=True)
def policy_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    use_present_policy_rules(monkeypatch)


@pytest.fixture(autouse=True)
def no_system_suggestions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", ())


@pytest.fixture
def ctx(private_home: Path) -> Context:
    return Context.from_environment()


@pytest.fixture
def home(private_home: Path) -> Path:
    return private_home


# Each cache, with the items its cleaner lists (one per top-level entry of its root).
CACHES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # key: (files written, items expected)
    "pip": ((".cache/pip/http/v2/a/abc", ".cache/pip/wheels/x/pkg.whl"),
            (".cache/pip/http", ".cache/pip/wheels")),
    "npm": ((".npm/_cacache/content-v2/sha512/x", ".npm/_cacache/index-v5/y"),
            (".npm/_cacache/content-v2", ".npm/_cacache/index-v5")),
    "firefox": ((".cache/mozilla/firefox/abc.default/cache2/entries/E1",),
                (".cache/mozilla/firefox",)),
    "chromium": ((".cache/chromium/Default/Cache/Cache_Data/f_000001",),
                 (".cache/chromium/Default",)),
    "yarn": ((".cache/yarn/v6/npm-left-pad-1.3.0/index.js",), (".cache/yarn/v6",)),
    "cargo": ((".cargo/registry/cache/index-1/serde.crate",),
              (".cargo/registry/cache/index-1",)),
    "thumbnails": ((".cache/thumbnails/normal/1.png", ".cache/thumbnails/large/2.png"),
                   (".cache/thumbnails/large", ".cache/thumbnails/normal")),
}


def _caches(home: Path) -> dict[str, list[str]]:
    """Every cache above, plus an application's own folder in ~/.cache (the user cache)."""
    for files, _ in CACHES.values():
        for name in files:
            write(home / name, 20_000)
    write(home / ".cache/someapp/blob.bin", 20_000)
    return {key: [str(home / item) for item in items] for key, (_, items) in CACHES.items()}


def _parse(*, named: tuple[str, ...] = (), exclusions: tuple[Exclusion, ...] = (),
           limits: tuple[Limit, ...] = (), text: str = "clean up", **slots: SlotValue) -> Parse:
    return Parse(text=text, intent="disk.cleanup", confidence=1.0, slots=slots,
                 operators=Operators(named=named, exclusions=exclusions, limits=limits))


def _plan(ctx: Context, **kwargs: object) -> Plan | Reply:
    return plan_cleanup(_parse(**kwargs), ctx)  # type: ignore[arg-type]


def _groups(result: Plan | Reply) -> set[str]:
    assert isinstance(result, Plan), result
    return {str(s.group) for s in result.steps}


# ── the planner ─────────────────────────────────────────────────────────────


@pytest.mark.parametrize("target", [None, "cache", "packages", "trash"])
def test_clear_pip_caches_plans_exactly_pips_files_whatever_the_target(
        target: str | None, home: Path, ctx: Context) -> None:
    items = _caches(home)
    slots: dict[str, SlotValue] = {} if target is None else {"target": target}

    planned = _plan(ctx, named=("pip",), **slots)

    assert sorted(step_paths(planned)) == sorted(items["pip"])
    assert not any("mozilla" in p or "chromium" in p for p in step_paths(planned))
    assert _groups(planned) == {"pip cache"}


def test_clear_pip_caches_carried_out_removes_pip_and_nothing_else(home: Path,
                                                                   ctx: Context) -> None:
    items = _caches(home)
    others = {p: snapshot(Path(p)) for key, paths in items.items() if key != "pip"
              for p in paths}

    response = carry_out(ctx, _parse(named=("pip",), text="clear pip caches", target="cache"))

    assert response.status is Status.DONE, response.message
    assert not any(Path(p).exists() for p in items["pip"])
    assert {p: snapshot(Path(p)) for p in others} == others
    assert (home / ".cache/someapp/blob.bin").exists()


def test_npm_alone_never_touches_pip(home: Path, ctx: Context) -> None:
    items = _caches(home)

    planned = _plan(ctx, named=("npm",), target="packages")

    assert sorted(step_paths(planned)) == sorted(items["npm"])


@pytest.mark.parametrize(("named", "key"), [(("firefox",), "firefox"),
                                            (("chromium",), "chromium"),
                                            (("thumbnails",), "thumbnails"),
                                            (("cargo",), "cargo")])
def test_a_named_cache_is_only_that_cache(named: tuple[str, ...], key: str, home: Path,
                                          ctx: Context) -> None:
    items = _caches(home)

    planned = _plan(ctx, named=named, target="cache")

    assert sorted(step_paths(planned)) == sorted(items[key])


def test_firefox_by_its_alias_mozilla_is_the_same_cleaner(home: Path, ctx: Context) -> None:
    items = _caches(home)

    assert sorted(step_paths(_plan(ctx, named=("mozilla",)))) == sorted(items["firefox"])


def test_pip_and_npm_are_both_and_nothing_else(home: Path, ctx: Context) -> None:
    items = _caches(home)

    planned = _plan(ctx, named=("pip", "npm"))

    assert sorted(step_paths(planned)) == sorted(items["pip"] + items["npm"])
    assert _groups(planned) == {"pip cache", "npm cache"}


def test_browser_caches_are_every_browser_and_nothing_else(home: Path, ctx: Context) -> None:
    items = _caches(home)

    planned = _plan(ctx, named=find_named_caches("clear the browser caches").names)

    assert sorted(step_paths(planned)) == sorted(items["firefox"] + items["chromium"])
    assert isinstance(planned, Plan)
    assert any("no brave cache found" in note for note in planned.notes)


def test_the_unnamed_cache_target_still_covers_browser_caches_in_their_own_groups(
        home: Path, ctx: Context) -> None:
    items = _caches(home)

    planned = _plan(ctx, target="cache")

    assert sorted(step_paths(planned)) == sorted(
        items["firefox"] + items["chromium"] + [str(home / ".cache/someapp")])
    assert _groups(planned) == {"user cache", "firefox cache", "chromium cache"}


def test_a_named_cleaner_outside_the_safe_set_is_used_when_named(home: Path,
                                                                 ctx: Context) -> None:
    _caches(home)
    write(home / ".gradle/caches/modules-2/files-2.1/x.jar")
    write(home / ".m2/repository/org/x/x.jar")

    assert "gradle cache" not in _groups(_plan(ctx))
    assert step_paths(_plan(ctx, named=("gradle",))) == [str(home / ".gradle/caches/modules-2")]
    assert step_paths(_plan(ctx, named=("maven",))) == [str(home / ".m2/repository/org")]


def test_a_named_cache_that_is_not_there_is_nothing_to_do_naming_it(home: Path,
                                                                    ctx: Context) -> None:
    write(home / ".cache/mozilla/firefox/x", 5_000)

    result = _plan(ctx, named=("pip",), target="cache")

    assert isinstance(result, Reply) and result.status is Status.NOTHING_TO_DO
    assert "no pip cache found on this machine" in result.message.lower()
    assert "~/.cache/pip" in result.message
    assert (home / ".cache/mozilla/firefox/x").exists()


def test_a_named_cache_missing_beside_one_that_is_there_is_a_note(home: Path,
                                                                  ctx: Context) -> None:
    items = _caches(home)

    planned = _plan(ctx, named=("npm", "gradle"))

    assert sorted(step_paths(planned)) == sorted(items["npm"])
    assert isinstance(planned, Plan)
    assert any("no gradle cache found on this machine" in n for n in planned.notes)


def test_an_unknown_named_cleaner_is_a_clarify_listing_the_known_ones(home: Path,
                                                                      ctx: Context) -> None:
    _caches(home)

    result = _plan(ctx, named=("foobar",), target="cache")

    assert isinstance(result, Reply) and result.status is Status.CLARIFY
    assert result.message.startswith("nlsh has no cleaner for 'foobar'; it knows: pip, npm")
    reply = unknown_cache_reply(["foobar", "dns"])
    assert reply.status is Status.CLARIFY
    assert "'foobar' or 'dns'" in reply.message
    assert all(name in reply.message for name in CLEANER_NAMES)


@pytest.fixture
def fake_apt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A root-only cleaner whose tool exists here, over a cache of real files."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tool = bin_dir / "nlsh-test-apt-get"
    marks = tmp_path / "ran"
    tool.write_text(f"#!{sys.executable}\nopen({str(marks)!r}, 'a').write('ran')\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    archives = tmp_path / "var-cache-apt-archives"
    write(archives / "foo.deb", 40_000)
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", (cleaners.RootCleaner(
        "apt package cache", "packages", ("nlsh-test-apt-get", "clean"), "nlsh-test-apt-get",
        (str(archives),), key="apt"),))
    return marks


def test_a_named_root_only_cleaner_is_only_a_suggestion(home: Path, ctx: Context,
                                                        fake_apt: Path) -> None:
    _caches(home)

    result = _plan(ctx, named=("apt",), target="packages")

    assert isinstance(result, Reply) and result.status is Status.NOTHING_TO_DO
    assert "sudo nlsh-test-apt-get clean" in result.message
    response = carry_out(ctx, _parse(named=("apt",), text="clear the apt cache"))
    assert response.status is Status.NOTHING_TO_DO and not fake_apt.exists()
    assert all(Path(p).exists() for paths in _caches(home).values() for p in paths)
    # Named beside a file cleaner: the file cleaner's plan, apt as a suggestion.
    mixed = _plan(ctx, named=("pip", "apt"))
    assert isinstance(mixed, Plan)
    assert [s.action for s in mixed.steps if s.needs_root] == ["needs_root"]
    assert _groups(mixed) == {"pip cache", "apt package cache"}


def test_a_named_root_only_cleaner_without_its_tool_says_so(home: Path, ctx: Context,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", (cleaners.RootCleaner(
        "pacman package cache", "packages", ("nlsh-no-such-pacman", "-Sc"),
        "nlsh-no-such-pacman", ("/nonexistent",), key="pacman"),))
    _caches(home)

    result = _plan(ctx, named=("pacman",))

    assert isinstance(result, Reply) and result.status is Status.NOTHING_TO_DO
    assert "nlsh-no-such-pacman is not installed" in result.message


# ── exclusions ──────────────────────────────────────────────────────────────


def test_except_a_cleaner_leaves_it_out_and_the_header_says_so(home: Path,
                                                               ctx: Context) -> None:
    items = _caches(home)
    firefox = Exclusion("cleaner", "firefox", "except firefox's")

    planned = _plan(ctx, target="cache", exclusions=(firefox,))

    assert sorted(step_paths(planned)) == sorted(items["chromium"] +
                                                 [str(home / ".cache/someapp")])
    assert isinstance(planned, Plan) and "except firefox" in planned.summary


def test_except_a_named_cache_of_a_list(home: Path, ctx: Context) -> None:
    items = _caches(home)
    npm = Exclusion("cleaner", "npm", "but not npm")

    planned = _plan(ctx, named=("pip", "npm", "yarn"), exclusions=(npm,))

    assert sorted(step_paths(planned)) == sorted(items["pip"] + items["yarn"])


def test_except_a_path_leaves_it_whole_and_lists_its_neighbours(home: Path,
                                                                 ctx: Context) -> None:
    _caches(home)
    keep = write(home / ".cache/pip/http/v2/keep/me.bin", 10_000)
    keep_before = snapshot(keep.parent)
    exclusion = Exclusion("path", "~/.cache/pip/http/v2/keep", "except ~/.cache/pip/http/v2/keep")

    planned = _plan(ctx, named=("pip",), exclusions=(exclusion,))

    assert sorted(step_paths(planned)) == sorted([str(home / ".cache/pip/http/v2/a"),
                                                  str(home / ".cache/pip/wheels")])
    assert isinstance(planned, Plan) and "except ~/.cache/pip/http/v2/keep" in planned.summary
    response = carry_out(ctx, _parse(named=("pip",), exclusions=(exclusion,),
                                     text="clear pip cache except ~/.cache/pip/http/v2/keep"))
    assert response.status is Status.DONE, response.message
    assert snapshot(keep.parent) == keep_before
    assert not (home / ".cache/pip/wheels").exists()


def test_an_exclusion_that_matches_nothing_is_reported(home: Path, ctx: Context) -> None:
    items = _caches(home)
    brave = Exclusion("cleaner", "brave", "except brave's")
    elsewhere = Exclusion("path", "~/.cache/pip/nothing-here", "except ~/.cache/pip/nothing-here")
    trash = Exclusion("cleaner", "trash", "but not the trash")

    planned = _plan(ctx, named=("pip",), exclusions=(brave, elsewhere, trash))

    assert sorted(step_paths(planned)) == sorted(items["pip"])
    assert isinstance(planned, Plan)
    notes = " | ".join(planned.notes)
    assert "'except brave' left nothing out" in notes
    assert "'except trash' left nothing out" in notes
    assert "'except ~/.cache/pip/nothing-here' left nothing out" in notes


def test_an_exclusion_of_a_process_is_not_understood_for_a_cleanup(home: Path,
                                                                   ctx: Context) -> None:
    _caches(home)

    result = _plan(ctx, named=("pip",), exclusions=(Exclusion("pid", 4312, "except pid 4312"),))

    assert isinstance(result, Reply) and result.status is Status.CLARIFY
    assert "except pid 4312" in result.message


# ── limits ──────────────────────────────────────────────────────────────────


def _aged_pip(home: Path) -> tuple[Path, Path]:
    old = write(home / ".cache/pip/http/x", 30_000)
    new = write(home / ".cache/pip/selfcheck/y", 30_000)
    age(old.parent, 1500)
    age(new.parent, 3)
    return old, new


def test_older_than_keeps_what_is_newer_and_the_header_shows_it(home: Path,
                                                                ctx: Context) -> None:
    old, new = _aged_pip(home)
    write(home / ".cache/mozilla/firefox/z")  # another cache, as old as can be
    age(home / ".cache/mozilla", 3000)
    limit = Limit("age", ">", 1000.0, "older than 1,000 days")

    planned = _plan(ctx, named=("pip",), limits=(limit,))

    assert step_paths(planned) == [str(old.parent)]
    assert isinstance(planned, Plan) and planned.total_bytes == du(old.parent)
    assert limit.describe() in planned.summary
    carry_out(ctx, _parse(named=("pip",), limits=(limit,),
                          text="clear pip cache older than 1,000 days"))
    assert not old.exists() and new.exists()
    assert (home / ".cache/mozilla/firefox/z").exists()


def test_newer_than_lists_only_items_entirely_newer(home: Path, ctx: Context) -> None:
    _, new = _aged_pip(home)
    mixed = home / ".cache/pip/wheels"
    write(mixed / "old.whl")
    age(mixed, 400)
    write(mixed / "fresh.whl")
    limit = Limit("age", "<", 7.0, "newer than a week")

    planned = _plan(ctx, named=("pip",), limits=(limit,))

    assert step_paths(planned) == [str(new.parent)]
    assert isinstance(planned, Plan) and limit.describe() in planned.summary
    assert any("not entirely newer than asked: 2" in note for note in planned.notes)


def test_newer_than_on_separate_items(home: Path, ctx: Context) -> None:
    old = write(home / ".cache/someapp/old.bin")
    new = write(home / ".cache/otherapp/new.bin")
    age(old.parent, 100)
    age(new.parent, 1)

    within = _plan(ctx, target="cache", limits=(Limit("age", "<=", 2.0, "at most 2 days old"),))
    beyond = _plan(ctx, target="cache", limits=(Limit("age", ">=", 2.0, "at least 2 days old"),))

    assert step_paths(within) == [str(new.parent)]
    assert step_paths(beyond) == [str(old.parent)]


def test_older_than_days_slot_and_an_age_limit_take_the_stricter(home: Path,
                                                                 ctx: Context) -> None:
    old, _ = _aged_pip(home)
    week = Limit("age", ">", 7.0, "older than a week")

    planned = _plan(ctx, named=("pip",), limits=(week,), older_than_days=2000)
    assert isinstance(planned, Reply) and planned.status is Status.NOTHING_TO_DO
    planned = _plan(ctx, named=("pip",), limits=(week,), older_than_days=1)
    assert isinstance(planned, Plan) and planned.total_bytes == du(old.parent)


def test_contradictory_limits_are_invalid(home: Path, ctx: Context) -> None:
    _aged_pip(home)
    older = Limit("age", ">", 30.0, "older than 30 days")
    newer = Limit("age", "<", 7.0, "newer than 7 days")
    big = Limit("size", ">", 100.0 * MIB, "larger than 100 MB")
    small = Limit("size", "<", 1.0 * MIB, "smaller than 1 MB")

    for limits in ((older, newer), (big, small)):
        result = _plan(ctx, named=("pip",), limits=limits)
        assert isinstance(result, Reply) and result.status is Status.INVALID, result


def test_a_size_limit_compares_each_items_bytes(home: Path, ctx: Context) -> None:
    big = write(home / ".cache/pip/http/big/blob", 3 * MIB)
    write(home / ".cache/pip/http/small/blob", 50_000)
    write(home / ".cache/pip/wheels/w.whl", 2 * MIB)
    limit = Limit("size", ">", 1.0 * MIB, "larger than 1 MiB")

    planned = _plan(ctx, named=("pip",), limits=(limit,))

    # pip's items are http/ and wheels/: http holds big and small, > 1 MiB as a whole.
    assert sorted(step_paths(planned)) == sorted([str(home / ".cache/pip/http"),
                                                  str(home / ".cache/pip/wheels")])
    assert big.exists()
    smaller = _plan(ctx, named=("pip",), limits=(Limit("size", "<", 2.5 * MIB, "under 2.5 MiB"),))
    assert step_paths(smaller) == [str(home / ".cache/pip/wheels")]
    assert isinstance(smaller, Plan)
    assert any("not within the limits asked" in note for note in smaller.notes)


def test_a_memory_limit_is_not_understood_for_a_cleanup(home: Path, ctx: Context) -> None:
    _caches(home)

    result = _plan(ctx, named=("pip",), limits=(Limit("memory", ">", 1e9, "using over 1 GB"),))

    assert isinstance(result, Reply) and result.status is Status.CLARIFY
    assert "using over 1 GB" in result.message


# ── the vocabulary ──────────────────────────────────────────────────────────


def test_every_cleaner_has_a_canonical_name_and_every_name_a_cleaner(ctx: Context) -> None:
    keys = {c.key for c in cleaners.catalogue(ctx)} - {"cache"}
    root_keys = {c.key for c in REAL_ROOT_CLEANERS}
    assert keys | root_keys == set(CLEANER_NAMES)
    assert root_keys - keys == set(ROOT_ONLY)  # core dumps: the user's and the system's
    assert all(CLEANER_ALIASES[name] == name for name in CLEANER_NAMES)
    assert len({c.key for c in cleaners.catalogue(ctx)}) == len(cleaners.catalogue(ctx))


def test_the_vocabulary_is_cheap_to_import() -> None:
    import subprocess

    code = ("import sys; import nlsh.actions.cleaner_names; "
            "heavy = {'nlsh.context', 'nlsh.actions.cleaners', 'psutil', 'onnxruntime'}; "
            "print(sorted(heavy & set(sys.modules)))")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=env)
    assert done.stdout.strip() == "[]"


ALL_BROWSERS = BROWSERS
ALL_PACKAGES = PACKAGE_MANAGERS

# sentence, names, unknown (excluded names are checked separately)
PHRASINGS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    # one name, every shape
    ("clear pip caches", ("pip",), ()),
    ("clear the pip cache", ("pip",), ()),
    ("clear pip's cache", ("pip",), ()),
    ("wipe the cache of pip", ("pip",), ()),
    ("purge the caches used by pip", ("pip",), ()),
    ("clear pip3 cache", ("pip",), ()),
    ("remove the wheel cache", ("pip",), ()),
    ("clear npm cache", ("npm",), ()),
    ("delete my firefox cache", ("firefox",), ()),
    ("clean up the chromium cache", ("chromium",), ()),
    ("clear the mozilla cache", ("firefox",), ()),
    ("clear google chrome's cache", ("chrome",), ()),
    ("clear the google-chrome cache", ("chrome",), ()),
    ("clear the chrome browser cache", ("chrome",), ()),
    ("empty brave's cache", ("brave",), ()),
    ("clear the yarn cache", ("yarn",), ()),
    ("clean the pnpm store cache", ("pnpm",), ()),
    ("clean up the conda pkgs cache", ("conda",), ()),
    ("clear the cache from chrome and brave", ("chrome", "brave"), ()),
    ("clear the caches of all my browsers", ALL_BROWSERS, ()),
    ("npm cache clean --force", ("npm",), ()),
    ("clear rust caches", ("cargo",), ()),
    ("clean the crates cache", ("cargo",), ()),
    ("clear the go build cache", ("go",), ()),
    ("clear the gradle cache", ("gradle",), ()),
    ("clean the mvn cache", ("maven",), ()),
    ("clear the m2 cache", ("maven",), ()),
    ("clean conda's package cache", ("conda",), ()),
    ("clear the composer cache", ("composer",), ()),
    ("clear the thumbnail cache", ("thumbnails",), ()),
    ("remove thumbnails", ("thumbnails",), ()),
    ("empty the trash", ("trash",), ()),
    ("empty the recycle bin", ("trash",), ()),
    ("clear the apt cache", ("apt",), ()),
    ("clean the apt-get cache", ("apt",), ()),
    ("vacuum the system journal", ("journal",), ()),
    ("clear the yum cache", ("dnf",), ()),
    # lists
    ("clear pip and npm caches", ("pip", "npm"), ()),
    ("pip, npm and yarn caches", ("pip", "npm", "yarn"), ()),
    ("clear caches for cargo and go", ("cargo", "go"), ()),
    ("clear the caches of firefox, chromium and brave", ("firefox", "chromium", "brave"), ()),
    ("clear pip's and npm's caches", ("pip", "npm"), ()),
    ("clear the npm cache and the pip cache", ("npm", "pip"), ()),
    ("clean pip cache, then empty the trash", ("pip", "trash"), ()),
    ("remove thumbnails and the firefox cache", ("thumbnails", "firefox"), ()),
    ("clear the pip/npm caches", ("pip", "npm"), ()),
    # groups
    ("clear the browser cache", ALL_BROWSERS, ()),
    ("clear all browser caches", ALL_BROWSERS, ()),
    ("clear the web browser caches", ALL_BROWSERS, ()),
    ("clear package caches", ALL_PACKAGES, ()),
    ("clean the package manager caches", ALL_PACKAGES, ()),
    # generic: nothing named, nothing unknown
    ("clear the cache", (), ()),
    ("clear my cache", (), ()),
    ("clear all caches", (), ()),
    ("clean the user cache", (), ()),
    ("clear app caches", (), ()),
    ("delete old cache", (), ()),
    ("delete cache files", (), ()),
    ("clear the system cache", (), ()),
    ("clean cache", (), ()),
    ("free up disk space", (), ()),
    ("clear the cache for me please", (), ()),
    ("clear cached files older than 30 days", (), ()),
    ("remove unused caches", (), ()),
    ("go ahead and clear the cache", (), ()),
    ("be brave and clear the cache", (), ()),
    ("clean ~/.cache/pip", (), ()),
    ("clear 2GB of cache", (), ()),
    ("clear the cache of all applications", (), ()),
    # unknown names
    ("clear the foobar cache", (), ("foobar",)),
    ("flush the dns cache", (), ("dns",)),
    ("clear docker's cache", (), ("docker",)),
    ("clear the cache of foobar", (), ("foobar",)),
    ("clear pip and foobar caches", ("pip",), ("foobar",)),
    ("clear foobar and pip caches", ("pip",), ("foobar",)),
    ("clear the Steam shader cache", (), ("shader",)),
]


@pytest.mark.parametrize(("sentence", "names", "unknown"), PHRASINGS)
def test_find_named_caches(sentence: str, names: tuple[str, ...], unknown: tuple[str, ...]
                           ) -> None:
    found = find_named_caches(sentence)

    assert (found.names, found.unknown) == (names, unknown)
    for start, end in found.spans:
        assert 0 <= start < end <= len(sentence)


def test_there_are_enough_phrasings() -> None:
    assert len(PHRASINGS) >= 40


@pytest.mark.parametrize(("sentence", "spans"), [
    ("clear pip and npm caches", ["pip", "npm caches"]),
    ("clear pip's cache", ["pip's cache"]),
    ("wipe the cache of pip", ["cache of pip"]),
    ("clear caches for cargo and go", ["caches for cargo", "go"]),
    ("delete my firefox cache", ["firefox cache"]),
    ("empty the trash", ["trash"]),
    ("clear the foobar cache", ["foobar cache"]),
    ("clear the cache", []),
])
def test_spans_cover_the_names_and_their_cache_word(sentence: str, spans: list[str]) -> None:
    found = find_named_caches(sentence)

    assert [sentence[a:b] for a, b in found.spans] == spans


@pytest.mark.parametrize(("sentence", "names", "excluded"), [
    ("clear the caches except firefox's", (), ("firefox",)),
    ("clear all browser caches but not chrome", ALL_BROWSERS, ("chrome",)),
    ("clear pip, npm and yarn caches except npm", ("pip", "npm", "yarn"), ("npm",)),
    ("clear package caches other than cargo's and go's", ALL_PACKAGES, ("cargo",)),
    ("clear the cache except thumbnails. then empty the trash", ("trash",), ("thumbnails",)),
])
def test_names_after_an_exclusion_word_are_excluded(sentence: str, names: tuple[str, ...],
                                                    excluded: tuple[str, ...]) -> None:
    found = find_named_caches(sentence)

    assert (found.names, found.excluded) == (names, excluded)


def test_named_caches_is_a_frozen_value() -> None:
    found = find_named_caches("clear pip cache")
    assert found == NamedCaches(names=("pip",), spans=((6, 15),))
    with pytest.raises(AttributeError):
        found.names = ()  # type: ignore[misc]


def test_except_the_cache_leaves_out_every_cleaner_of_the_cache_target(home: Path,
                                                                       ctx: Context) -> None:
    items = _caches(home)
    cache = Exclusion("cleaner", "cache", "except the cache")

    planned = _plan(ctx, exclusions=(cache,))

    assert sorted(step_paths(planned)) == sorted(
        items["pip"] + items["npm"] + items["yarn"] + items["cargo"] + items["thumbnails"])
    assert isinstance(planned, Plan) and "except cache" in planned.summary
    both = _plan(ctx, named=("pip", "firefox"), exclusions=(cache,))
    assert sorted(step_paths(both)) == sorted(items["pip"])
    assert isinstance(both, Plan) and not any("firefox" in note for note in both.notes)


def test_a_path_that_narrows_a_named_list_says_what_it_left_out(home: Path,
                                                                ctx: Context) -> None:
    items = _caches(home)

    planned = _plan(ctx, named=("pip", "npm"), path="~/.cache/pip")

    assert sorted(step_paths(planned)) == sorted(items["pip"])
    assert isinstance(planned, Plan)
    assert any("nothing of the npm cache lies in the path asked" in n for n in planned.notes)
    refused = _plan(ctx, named=("npm",), path="~/.cache/pip")
    assert isinstance(refused, Reply) and refused.status is Status.REFUSED
    assert "no npm cache that nlsh cleans" in refused.message
