"""`pelican-gnews sync`: the seed feed, idempotence, edits kept, exit codes, HTTP."""

import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from conftest import SEED_STORY, SHARED_FEEDS, needs_shared, serve
from feedmaker import Item, feed_xml

from pelican_gnews import frontmatter
from pelican_gnews.cli import main
from pelican_gnews.ingest.sync import sync
from pelican_gnews.settings import from_pelican


def _conf(tmp_path, feeds=(), **extra) -> Path:
    conf = tmp_path / "pelicanconf.py"
    lines = ['PATH = "content"', f"GNEWS_FEEDS = {list(feeds)!r}"]
    lines += [f"{k} = {v!r}" for k, v in extra.items()]
    conf.write_text("\n".join(lines) + "\n")
    (tmp_path / "content").mkdir(exist_ok=True)
    return conf


def _snapshot(folder: Path) -> dict:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


@needs_shared
def test_seed_feed_sync_writes_the_seed_story_then_nothing(tmp_path, capsys):
    conf = _conf(tmp_path)
    feed = str(SHARED_FEEDS / "seed_world_2026-01-09_one_item.xml")
    assert main(["sync", "-s", str(conf), feed]) == 0
    [path] = (tmp_path / "content" / "news").glob("*.md")
    meta, body = frontmatter.read(path)
    seed, seed_body = frontmatter.read(SEED_STORY)
    for key in ("title", "slug", "link"):
        assert meta[key] == seed[key]
    assert meta["date"].date().isoformat() == "2026-01-09"
    assert body.strip() == seed_body.strip()  # the same five related entries, same markup
    # names keep their case; alone on its site, the story's terms are tags only to reach two
    assert {"Ukraine", "security"} <= set(meta["tags"])
    assert meta["categories"] == ["World"] and meta["draft"] is False
    assert "&nbsp;" not in meta["description"] + meta["summary"]
    assert path.name == f"{seed['slug']}.md"

    before = _snapshot(tmp_path / "content")
    time.sleep(0.01)
    assert main(["sync", "-s", str(conf), feed]) == 0
    assert _snapshot(tmp_path / "content") == before
    assert "1 not modified" in capsys.readouterr().out


def _config(tmp_path, feeds):
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    return from_pelican({"PATH": str(content), "GNEWS_FEEDS": feeds})


def test_an_edited_story_is_never_rewritten(tmp_path, sample_feeds):
    config = _config(tmp_path, [str(sample_feeds / "world.xml")])
    report = sync(config)
    assert report.ok and len(report.results[0].written) == 8
    edited = report.results[0].written[0]
    edited.write_text(edited.read_text().replace("draft: false", "draft: true") + "\nEditor's note.\n")
    before = _snapshot(tmp_path / "content")
    feed = sample_feeds / "world.xml"
    feed.write_bytes(feed.read_bytes() + b"\n")  # new bytes, so the stories are looked at again
    report = sync(config)
    assert report.results[0].written == [] and report.results[0].unchanged == 7
    assert report.results[0].kept_edited == 1
    assert _snapshot(tmp_path / "content") == before


def test_slug_collision_with_a_hand_written_story_gets_a_stable_suffix(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "mine.md").write_text('---\ntitle: "Mine"\nslug: "port-strike-ends-coastal-wire"\n---\nText\n')
    item = Item("Port strike ends", "Coastal Wire", "https://cw.example", "https://cw.example/a",
                datetime(2026, 1, 9, tzinfo=timezone.utc))
    (tmp_path / "f.xml").write_text(feed_xml("World - Google News", "https://news.google.com/", "en", [item]))
    config = from_pelican({"PATH": str(content), "GNEWS_FEEDS": [str(tmp_path / "f.xml")]})
    [written] = sync(config).results[0].written
    slug = frontmatter.read(written)[0]["slug"]
    assert slug.startswith("port-strike-ends-coastal-wire-") and slug != "port-strike-ends-coastal-wire"
    assert written.stem == slug


@pytest.mark.slow
def test_failed_feed_is_named_others_go_on_exit_status_1(tmp_path, sample_feeds):
    conf = _conf(tmp_path, [str(sample_feeds / "science.xml"), str(tmp_path / "missing.xml"),
                            str(tmp_path / "consent.xml")])
    (tmp_path / "consent.xml").write_text("<!doctype html><html><body>Before you continue to Google</body></html>")
    proc = subprocess.run([sys.executable, "-m", "pelican_gnews.cli", "sync", "-s", str(conf)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1
    assert "missing.xml" in proc.stderr and "cannot read" in proc.stderr
    assert "consent.xml" in proc.stderr and "not a feed" in proc.stderr
    assert len(list((tmp_path / "content" / "news").glob("*.md"))) == 5
    assert "5 new" in proc.stdout and "2 failed" in proc.stdout


def test_usage_errors_exit_2(tmp_path):
    conf = _conf(tmp_path)
    assert main(["sync", "-s", str(conf)]) == 2  # no feeds anywhere
    assert main(["sync", "-s", str(tmp_path / "nope.py")]) == 2
    bad = _conf(tmp_path, [{"category": "x"}])
    assert main(["sync", "-s", str(bad)]) == 2


def test_console_script_is_installed():
    proc = subprocess.run([str(Path(sys.executable).parent / "pelican-gnews"), "--version"], capture_output=True,
                          text=True)
    assert proc.returncode == 0 and "pelican-gnews" in proc.stdout


def test_relative_feed_paths_and_settings_defaults(tmp_path, sample_feeds, monkeypatch):
    monkeypatch.chdir(tmp_path)
    conf = _conf(tmp_path, [{"url": os.path.relpath(sample_feeds / "technology.xml", tmp_path),
                             "category": "Tech"}], GNEWS_CONTENT_DIR="stories", GNEWS_MAX_TAGS=2)
    assert main(["sync", "-s", str(conf)]) == 0
    files = list((tmp_path / "content" / "stories").glob("*.md"))
    assert len(files) == 6
    for path in files:
        meta, _ = frontmatter.read(path)
        assert meta["categories"] == ["Tech"] and len(meta["tags"]) <= 2


# -- over real HTTP, from a server on 127.0.0.1 ---------------------------------

class _SlowHandler(SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/slow"):
            time.sleep(3)
        super().do_GET()


@pytest.fixture
def http_server(sample_feeds):
    with serve(sample_feeds, _SlowHandler) as url:
        yield url


@pytest.mark.slow
def test_sync_over_http_with_timeout(tmp_path, http_server):
    config = from_pelican({"PATH": str(tmp_path / "content"), "GNEWS_TIMEOUT": 1,
                           "GNEWS_FEEDS": [f"{http_server}/world.xml", f"{http_server}/nope.xml",
                                           f"{http_server}/slow/world.xml"]})
    (tmp_path / "content").mkdir()
    report = sync(config)
    ok, missing, slow = report.results
    assert ok.ok and len(ok.written) == 8
    meta, _ = frontmatter.read(ok.written[0])
    assert meta["source"] == f"{http_server}/world.xml"  # the feed's URL, as in the seed
    assert missing.error == "HTTP 404 File not found"
    assert "timed out" in slow.error


@pytest.mark.parametrize("name, text", [
    ("notes/a.txt", '---\ntitle: "A"\nslug: "port-strike-ends-coastal-wire"\n---\n'),
    ("b.markdown", "Title: B\nSlug: port-strike-ends-coastal-wire\n\nText\n"),
    ("c.md", "Title: Port strike ends - Coastal Wire\nDate: 2026-01-01\n\nText\n"),
])
def test_slugs_of_hand_written_story_and_markdown_files_are_taken(tmp_path, name, text):
    content = tmp_path / "content"
    (content / name).parent.mkdir(parents=True, exist_ok=True)
    (content / name).write_text(text)
    item = Item("Port strike ends", "Coastal Wire", "https://cw.example", "https://cw.example/a",
                datetime(2026, 1, 9, tzinfo=timezone.utc))
    (tmp_path / "f.xml").write_text(feed_xml("World - Google News", "https://news.google.com/", "en", [item]))
    config = from_pelican({"PATH": str(content), "GNEWS_FEEDS": [str(tmp_path / "f.xml")]})
    [written] = sync(config).results[0].written
    assert written.stem.startswith("port-strike-ends-coastal-wire-")


def test_a_save_writes_what_a_fresh_load_would_after_records_change_in_place(tmp_path):
    """The state encodes a line again only when its record changed
    (state.SyncState._kept_lines): a record changed in place (a key, an
    outlet, an edition added to its own lists), one replaced and one
    removed all reach the file, which reads back as it was saved."""
    from pelican_gnews.ingest.state import StateError, SyncState

    content = tmp_path / "content"
    content.mkdir()
    feed = tmp_path / "feed.xml"
    feed.write_text(feed_xml("World - Google News", "https://news.google.com/", "en",
                             [Item(f"Story number {n} of the day", "Wire", "https://wire.example",
                                   f"https://wire.example/{n}", datetime(2026, 1, 9, 8, n, tzinfo=timezone.utc))
                              for n in range(3)]), encoding="utf-8")
    assert sync(from_pelican({"PATH": str(content), "GNEWS_FEEDS": [str(feed)]})).ok
    path = tmp_path / "gnews-state.json"
    state = SyncState.load(path)
    first, second, third = sorted(state.stories)
    record = state.stories[first]
    record.keys.append("art:added-in-place")
    record.joined["Late Outlet"] = "2026-01-09T10:00:00+00:00"
    record.editions.setdefault("GB", []).append("Business")
    state.stories[second] = type(record)(file="news/replaced.md", sha256=None, keys=["art:replaced"])
    del state.stories[third]
    assert state.save(tmp_path)
    again = SyncState.load(path)
    assert again.stories[first].keys[-1] == "art:added-in-place"
    assert again.stories[first].joined["Late Outlet"] == "2026-01-09T10:00:00+00:00"
    assert again.stories[first].editions["GB"] == ["Business"]
    assert again.stories[second].file == "news/replaced.md" and third not in again.stories
    assert path.read_text(encoding="utf-8") == again.dumps() == state.dumps()
    record.keys.append("art:second-change")  # a second change to the same record
    assert state.save(tmp_path) and SyncState.load(path).stories[first].keys[-1] == "art:second-change"

    # A build reads the state without encoding it again, and cannot save it.
    before = path.read_bytes()
    read = SyncState.load(path, for_saving=False)
    assert read.stories[first].keys == SyncState.load(path).stories[first].keys
    assert read._lines == {}  # nothing encoded
    read.stories.clear()
    with pytest.raises(StateError, match="loaded to be read"):
        read.save(tmp_path)
    assert path.read_bytes() == before
