"""Stale pages (issue 22, class 3) and archive lines that fail everything
around them (class 1): an incremental build after a file saved while a build
ran, a renamed or re-encoded archive month, a function-valued setting or a
broken cache is the cold build of the same content; a bad archive line or
month file is named (file and line), left out, and the rest goes on, in the
sync and in the build; nothing an editor wrote is lost."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import Site, site_files
from pelican import signals
from pelican.log import LimitFilter
from test_incremental import T0, story, sync_feed

from pelican_gnews.ingest import archive

CACHED = dict(SITEURL="https://example.org/news", RELATIVE_URLS=False, FEED_DOMAIN="https://example.org/news",
              FEED_ALL_ATOM="feeds/all.atom.xml", CATEGORY_FEED_ATOM="feeds/category/{slug}.atom.xml",
              TAG_FEED_ATOM="feeds/tag/{slug}.atom.xml", DEFAULT_PAGINATION=6,
              PAGINATED_TEMPLATES={"index": None, "tag": None, "category": None, "outlet": 6},
              DIRECT_TEMPLATES=["index", "tags", "categories", "archives", "404"],
              GNEWS_INCREMENTAL=True, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True,
              CHECK_MODIFIED_METHOD="md5", CONTENT_CACHING_LAYER="reader",
              # The search index is left out of every comparison (site_files): not built.
              GNEWS_SEARCH=False)


def make_site(root: Path, days: int = 6, **overrides) -> Site:
    site = Site(root)
    site.settings.update(CACHED, CACHE_PATH=str(root / "cache"), **overrides)
    sync_feed(root, [story(day, n) for day in range(days) for n in range(4)], T0 + timedelta(days=days))
    return site


def cold(site: Site, where: Path, **overrides) -> dict[str, bytes]:
    """The cold build of the site's content now: nothing kept from before."""
    other = Site(where)
    other.settings.update(site.settings, PATH=str(other.content), OUTPUT_PATH=str(other.output),
                          CACHE_PATH=str(where / "cache"))
    shutil.copytree(site.content, other.content, dirs_exist_ok=True)
    shutil.copy(site.root / "gnews-state.json", where)
    other.build(**overrides)
    return site_files(other.output)


def differing(site: Site, where: Path, **overrides) -> list[str]:
    built, expected = site_files(site.output), cold(site, where, **overrides)
    return sorted(name for name in set(built) | set(expected) if built.get(name) != expected.get(name))


def stats(site: Site) -> dict:
    return json.loads((site.root / "cache" / "gnews-build-stats.json").read_text())


class During:
    """Runs `action` once in the next build, after every file was read and
    before any page is written (as an editor saving at that moment)."""

    def __init__(self, action):
        self.action = action

    def __call__(self, *args, **kwargs):
        signals.all_generators_finalized.disconnect(self)
        self.action()

    def __enter__(self):
        signals.all_generators_finalized.connect(self)
        return self

    def __exit__(self, *exc):
        signals.all_generators_finalized.disconnect(self)


def _story_file(site: Site, pattern: str) -> Path:
    return next(p for p in sorted((site.content / "news").glob("*.md")) if pattern in p.name)


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    """An editor's save as most editors do it: a new file put in its place."""
    tmp = path.with_name(path.name + ".swp")
    tmp.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.replace(tmp, path)


def _same_size_keep_mtime(path: Path, old: str, new: str) -> None:
    """A save of the same length whose tool puts the old modification time back."""
    assert len(old) == len(new)
    st = path.stat()
    _edit(path, old, new)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


@pytest.mark.slow
@pytest.mark.parametrize("save", [_edit, _replace, _same_size_keep_mtime])
def test_a_story_saved_during_a_build_is_shown_by_the_next_builds(tmp_path, save):
    site = make_site(tmp_path / "site")
    site.build()
    target = _story_file(site, "update-3-1")
    words = ("update 3.1", "UPDATE 3.1") if save is _same_size_keep_mtime else ("update 3.1", "update 3.1 (fixed)")
    with During(lambda: save(target, *words)):
        site.build()
    assert words[1] in target.read_text(encoding="utf-8")  # the editor's text is on disk
    for n in range(2):  # every later build, not only the next
        site.build()
        page = site.page(f"{target.stem}.html")
        assert words[1] in page, n
        assert words[1] in site.page("feeds/all.atom.xml") and words[1] in site.page("feeds/all.json")
        assert differing(site, tmp_path / f"cold{n}") == []
    assert stats(site)["kept"] > 0  # and the site is incremental again


@pytest.mark.slow
def test_files_added_removed_or_saved_during_a_build_leave_no_stale_page(tmp_path):
    site = make_site(tmp_path / "site")
    site.build()
    gone, edited = _story_file(site, "update-2-2"), _story_file(site, "update-4-0")
    added = site.content / "news" / "editors-note.md"
    month = next((site.content / "archive").glob("*.jsonl"), None)

    def meanwhile():
        gone.unlink()
        _edit(edited, "update 4.0", "update 4.0 (late)")
        added.write_text("---\ntitle: A note from the editors\ndate: 2026-05-09T08:00:00+00:00\n---\nHello.\n",
                         encoding="utf-8")
        (site.content / "archive").mkdir(exist_ok=True)
        (site.content / "archive" / "2026-04.jsonl").write_text(_line("late", "2026-04-20T10:00:00+00:00",
                                                                     "Filed meanwhile") + "\n")

    with During(meanwhile):
        site.build()
    site.build()
    assert differing(site, tmp_path / "cold") == []
    assert not (site.output / f"{gone.stem}.html").exists()
    assert "update 4.0 (late)" in site.page(f"{edited.stem}.html")
    assert "A note from the editors" in site.page("a-note-from-the-editors.html")
    assert "Filed meanwhile" in site.page("archive/2026/04/20/index.html")
    assert month is None or month.is_file()


def _line(sid: str, date: str, headline: str, sources=3, slug=None, **extra) -> str:
    return json.dumps({"id": sid, "date": date, "headline": headline, "outlet": "Harbor Ledger",
                       "link": f"https://harborledger.example/{sid}", "sources": sources,
                       "slug": slug or sid, "section": "World", "language": "en", **extra}, ensure_ascii=False)


def _month(site: Site, name: str, lines: list[str], prefix: bytes = b"", newline: str = "\n") -> Path:
    folder = site.content / "archive"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.jsonl"
    path.write_bytes(prefix + newline.join(lines).encode("utf-8") + newline.encode())
    return path


def _headlines(page: str) -> list[str]:
    return re.findall(r"<bdi(?: lang=\"[^\"]*\")?>(Archived [^<]*)</bdi>", page)


APRIL = [_line(f"apr-{n}", f"2026-04-{10 + n}T09:00:00+00:00", f"Archived April story {n}") for n in range(3)]


@pytest.mark.slow
@pytest.mark.parametrize("change", ["rename", "copy", "rename-back", "rename-to-live-month"])
def test_an_archive_month_renamed_or_copied_shows_its_lines_under_the_new_month(tmp_path, change, caplog):
    site = make_site(tmp_path / "site", days=3)
    april = _month(site, "2026-04", APRIL)
    site.build()
    assert _headlines(site.page("archive/2026/04/11/index.html")) == ["Archived April story 1"]
    target = {"rename": "2026-02", "copy": "2026-01", "rename-back": "2026-03",
              "rename-to-live-month": f"{T0:%Y-%m}"}[change]
    moved = april.with_name(f"{target}.jsonl")
    (shutil.copy if change == "copy" else os.replace)(april, moved)
    caplog.set_level(logging.WARNING)
    site.build()
    # Lines filed in another month are shown on its first day, every one.
    year, month = target.split("-")
    first = site.page(f"archive/{year}/{month}/01/index.html")
    assert sorted(_headlines(first)) == [f"Archived April story {n}" for n in range(3)]
    assert re.search(r"2026-04-1\d is in the file of " + target, caplog.text)
    assert (site.output / "archive/2026/04/11/index.html").exists() == (change == "copy")
    assert differing(site, tmp_path / "cold") == []
    if change == "rename-back":
        os.replace(moved, april)
        site.build()
        assert _headlines(site.page("archive/2026/04/11/index.html")) == ["Archived April story 1"]
        assert not (site.output / "archive/2026/03/01").exists()
        assert differing(site, tmp_path / "cold-back") == []


BOM = b"\xef\xbb\xbf"


@pytest.mark.slow
@pytest.mark.parametrize("prefix,newline,middle", [(BOM, "\n", False), (BOM, "\r\n", False), (b"", "\n", True),
                                                   (BOM, "\r\n", True)])
def test_a_byte_order_mark_or_windows_lines_lose_no_archive_line(tmp_path, prefix, newline, middle, errors, caplog):
    site = make_site(tmp_path / "site", days=2)
    lines = list(APRIL)
    if middle:  # two files joined with cat, the second saved with a mark
        lines[1] = "\ufeff" + lines[1]
    path = _month(site, "2026-04", lines, prefix, newline)
    before = path.read_bytes()
    caplog.set_level(logging.WARNING)
    site.build()
    for n in range(3):
        assert _headlines(site.page(f"archive/2026/04/{10 + n}/index.html")) == [f"Archived April story {n}"]
    assert "not readable" not in caplog.text and errors() == []
    # The sync reads the ids through the mark: no line is added twice.
    assert archive.archived_ids(path.parent, {"2026-04"}) == {"apr-0", "apr-1", "apr-2"}
    entry = archive.read_month(path)[0]
    assert archive.add(path.parent, [entry], tmp_path) == 0 and path.read_bytes() == before


BAD_LINES = {
    "bad escape": '{"id": "x1", "date": "2026-04-02T09:00:00+00:00", "headline": "Bad \\q escape"}',
    "bad escape in id": '{"id": "x\\q2", "date": "2026-04-02T09:00:00+00:00", "headline": "Bad id"}',
    "first day east": _line("x3", "0001-01-01T00:00:00+14:00", "Archived at the start of time"),
    "last day west": _line("x4", "9999-12-31T23:59-12:00", "Archived at the end of time"),
    "huge sources": _line("x5", "2026-04-03T09:00:00+00:00", "Archived huge", sources=10 ** 300),
    "infinite sources": _line("x6", "2026-04-03T09:00:00+00:00", "Archived inf").replace('"sources": 3',
                                                                                         '"sources": 1e999'),
    "thousands of digits": _line("x7", "2026-04-03T09:00:00+00:00", "Archived digits").replace(
        '"sources": 3', '"sources": ' + "9" * 5000),
    "nested": "[" * 100_000 + "]" * 100_000,
    "not json": "this is not JSON at all",
    "no date": '{"id": "x9", "headline": "Archived without date"}',
}
GOOD = [_line(f"ok-{n}", f"2026-04-{20 + n}T09:00:00+00:00", f"Archived fine {n}") for n in range(2)]


@pytest.mark.slow
def test_bad_archive_lines_and_months_are_named_and_the_build_goes_on(tmp_path, caplog, errors):
    site = make_site(tmp_path / "site", days=2)
    bad = list(BAD_LINES.values())
    april = _month(site, "2026-04", [GOOD[0], *bad, GOOD[1]])
    before = april.read_bytes()
    for name in ("0000-01", "2026-13", "2026-00"):
        _month(site, name, [GOOD[0]])
    edge = _month(site, "0001-01", [_line("y1", "0001-01-01T00:00:00+00:00", "Archived in year one")])
    late = _month(site, "9999-12", [_line("y2", "9999-12-31T23:59:00+00:00", "Archived in 9999")])
    caplog.set_level(logging.WARNING)
    site.build()
    assert errors() == [] and "Traceback" not in caplog.text
    # The rest of the site is built, and the good lines are on their days.
    assert (site.output / "index.html").is_file() and any((site.output).glob("*update-1-2*.html"))
    assert _headlines(site.page("archive/2026/04/20/index.html")) == ["Archived fine 0"]
    assert _headlines(site.page("archive/2026/04/21/index.html")) == ["Archived fine 1"]
    assert _headlines(site.page("archive/0001/01/01/index.html")) == ["Archived in year one"]
    assert _headlines(site.page("archive/9999/12/31/index.html")) == ["Archived in 9999"]
    # Each bad line is one warning with its file and line; each bad month file is named.
    for number in range(2, 2 + len(bad)):
        assert re.search(rf"{re.escape(str(april))}:{number}: archive line not readable", caplog.text), number
    for name in ("0000-01", "2026-13", "2026-00"):
        assert f"{name}.jsonl: not a month of the calendar" in caplog.text
    assert all(len(r.getMessage()) < 400 for r in caplog.records)  # a line, not a traceback or a 100k dump
    # Nothing on disk is lost.
    assert april.read_bytes() == before and edge.is_file() and late.is_file()
    assert (site.content / "archive" / "0000-01.jsonl").is_file()


def test_the_sync_archives_past_bad_lines_and_months_and_keeps_them(tmp_path, caplog):
    root = tmp_path / "site"
    root.mkdir()
    first = [story(day, n) for day in range(10) for n in range(4)]
    sync_feed(root, first, T0 + timedelta(days=10))
    folder = root / "content" / "archive"
    folder.mkdir(parents=True, exist_ok=True)
    # The month retention is about to append to, full of bad lines.
    month = folder / f"{T0:%Y-%m}.jsonl"
    month.write_bytes(BOM + "\n".join(BAD_LINES.values()).encode("utf-8") + b"\n\xff\xfe odd bytes\n")
    before = month.read_bytes()
    for name in ("0000-01", "2026-13"):
        (folder / f"{name}.jsonl").write_text(GOOD[0] + "\n")
    caplog.set_level(logging.INFO)
    # Days 0 to 4 leave the pages: retention archives them into that file.
    report = sync_feed(root, [story(day, n) for day in range(8, 12) for n in range(4)], T0 + timedelta(days=20))
    assert report.ok and report.retention.archived > 0, report.summary()
    after = month.read_bytes()
    assert after.startswith(before)  # every byte an editor left, kept
    added = [archive.parse_line(line, "x") for line in after[len(before):].decode().splitlines()]
    assert len(added) == report.retention.archived and all(e is not None for e in added)
    assert (folder / "0000-01.jsonl").is_file() and (folder / "2026-13.jsonl").is_file()
    assert "0000-01.jsonl: not a month of the calendar" in caplog.text
    # A second sync (retention runs again) finishes too, adding nothing twice.
    again = sync_feed(root, [story(day, n) for day in range(8, 12) for n in range(4)], T0 + timedelta(days=20))
    assert again.ok and month.read_bytes() == after


def test_edge_dates_never_stop_the_sync_side():
    first = datetime.fromisoformat("0001-01-01T00:00:00+14:00")
    last = datetime.fromisoformat("9999-12-31T23:59-12:00")
    assert archive.month_of(first) == "0001-01" and archive.month_of(last) == "9999-12"
    assert archive.month_of(datetime(1, 1, 1, tzinfo=timezone.utc)) == "0001-01"
    assert archive.ids_in('{"id": "a\\q"}\n{"id": "b"}\n\ufeff{"id": "c"}') == {"b", "c"}


def _function_settings():
    def local(text):  # a function only its own build can see: cannot be pickled
        return str(text).upper()

    class Shouter:
        def __call__(self, text):
            return str(text).upper()

    return [{"JINJA_FILTERS": {"shout": lambda text: str(text).upper()}},
            {"JINJA_FILTERS": {"shout": local}},
            {"SITE_HELPER": Shouter()},
            {"JINJA_GLOBALS": {"helper": local}}]


@pytest.mark.slow
@pytest.mark.parametrize("extra", _function_settings(), ids=["lambda", "local", "object", "global"])
def test_a_function_valued_setting_means_full_builds_never_failed_or_stale(tmp_path, extra, caplog):
    site = make_site(tmp_path / "site", **extra)
    caplog.set_level(logging.INFO)
    LimitFilter._raised_messages.clear()  # Pelican says a line once a process; each test is a build of its own
    target = _story_file(site, "update-2-1")
    for n in range(4):  # the failure repeated every other build
        _edit(target, f"update 2.1{' v' + str(n - 1) if n else ''}", f"update 2.1 v{n}")
        site.build()
        assert f"update 2.1 v{n}" in site.page(f"{target.stem}.html"), n
        assert stats(site)["kept"] == 0 and stats(site)["rendered"] > 0
    names = ", ".join(extra)
    assert f"setting {names} holds a value the build cannot fingerprint" in caplog.text
    assert "EOFError" not in caplog.text and "not saved" not in caplog.text
    assert not [p for p in (site.root / "cache").iterdir() if p.stat().st_size == 0]
    assert differing(site, tmp_path / "cold") == []


def _cache_damage():
    return {"empty": lambda p: p.write_bytes(b""),
            "truncated": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
            "garbage": lambda p: p.write_bytes(b"\x80\x04not a pickle at all"),
            "other object": lambda p: p.write_bytes(b"\x80\x04]\x94."),  # a list, not a dict
            "swapped": lambda p: p.write_bytes((p.parent / "PagesGenerator-Readers").read_bytes())}


@pytest.mark.slow
@pytest.mark.parametrize("damage", list(_cache_damage()))
def test_a_cache_file_that_cannot_be_read_means_a_full_build(tmp_path, damage, caplog):
    site = make_site(tmp_path / "site")
    site.build()
    target = _story_file(site, "update-1-3")
    _edit(target, "update 1.3", "update 1.3 (edited)")
    _cache_damage()[damage](site.root / "cache" / "ArticlesGenerator-Readers")
    (site.root / "cache" / "gnews-archive.pickle").write_bytes(b"")
    site.build()
    assert stats(site)["kept"] == 0
    assert "update 1.3 (edited)" in site.page(f"{target.stem}.html")
    site.build()  # and the cache it saved is whole again
    assert stats(site)["kept"] > 0
    assert differing(site, tmp_path / "cold") == []


@pytest.mark.slow
def test_a_cache_that_cannot_be_written_is_a_warning_and_a_full_next_build(tmp_path, caplog, monkeypatch):
    site = make_site(tmp_path / "site")
    site.build()
    import pickle

    real = pickle.dump

    def failing(obj, handle, *args, **kwargs):
        real(obj, handle, *args, **kwargs)
        raise pickle.PicklingError("disk said no")

    monkeypatch.setattr(pickle, "dump", failing)
    caplog.set_level(logging.WARNING)
    _edit(_story_file(site, "update-0-1"), "update 0.1", "update 0.1 (edited)")  # a cache with news to save
    site.build()
    monkeypatch.undo()
    assert "not saved (disk said no); the next build reads every file" in caplog.text
    assert not list((site.root / "cache").glob("ArticlesGenerator-Readers*"))
    target = _story_file(site, "update-0-2")
    _edit(target, "update 0.2", "update 0.2 (again)")
    site.build()
    assert "update 0.2 (again)" in site.page(f"{target.stem}.html")
    assert differing(site, tmp_path / "cold") == []


def test_the_content_cache_forgets_files_that_are_gone(tmp_path):
    """Pelican keeps a cache entry for every file it ever read: each story
    retention archives would stay in the cache, loaded and saved by every
    hourly build, for good."""
    import gzip
    import pickle

    def cached() -> set[str]:
        data = (site.root / "cache" / "ArticlesGenerator-Readers").read_bytes()
        return set(pickle.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data))

    site = make_site(tmp_path / "site", days=2)
    site.build()
    gone = _story_file(site, "update-0-1")
    assert str(gone) in cached()
    gone.unlink()
    site.build()
    assert cached() == {str(p) for p in (site.content / "news").glob("*.md")}
    assert not (site.output / f"{gone.stem}.html").exists()


@pytest.mark.parametrize("spelling", ["plain", "trailing slash", "relative"])
def test_remove_stale_keeps_what_the_build_produced_and_the_retained_names(tmp_path, monkeypatch, spelling):
    """Every file the build did not produce goes, and then every folder left
    empty; OUTPUT_RETENTION names (files or folders) at the output's top
    stay, and the same names deeper down do not, however the output path is
    spelled."""
    from pelican_gnews.publish.incremental import remove_stale

    out = tmp_path / "output"
    files = ["index.html", "old.html", "CNAME", ".git/config", ".git/objects/ab/cd", "tag/a.html", "tag/b.html",
             "gone/deep/page.html", "feeds/tag/CNAME", "feeds/tag/x.atom.xml", "été/page.html"]
    for name in files:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(name)
    produced = {"index.html", "tag/a.html", "feeds/tag/x.atom.xml", "été/page.html"}
    monkeypatch.chdir(tmp_path)
    path = {"plain": str(out), "trailing slash": f"{out}/", "relative": "output"}[spelling]
    assert remove_stale(path, produced, {"CNAME", ".git"}) == 4
    left = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert left == produced | {"CNAME", ".git/config", ".git/objects/ab/cd"}
    assert not (out / "gone").exists() and (out / "tag").is_dir()
