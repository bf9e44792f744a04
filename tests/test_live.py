"""Live feeds: faults served over real HTTP on 127.0.0.1, conditional GET,
refreshes, editors' changes, locks, and a sync killed mid-write."""

from __future__ import annotations

import functools
import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from conftest import copy_project, report_figure, serve
from feedmaker import Item, Related, feed_xml

from pelican_gnews import frontmatter
from pelican_gnews.cli import main
from pelican_gnews.ingest.state import LockTimeout, SyncState, locked
from pelican_gnews.ingest.sync import sync
from pelican_gnews.settings import from_pelican

T0 = datetime(2026, 1, 9, 8, tzinfo=timezone.utc)
FEED_LINK = "https://news.google.com/topics/T?hl=en-US&gl=US&ceid=US:en"


def story(n: int, related: int = 1, guid: str | None = None, outlet: str = "Wire") -> Item:
    return Item(f"Story number {n} about river talks", outlet, "https://wire.example",
                f"https://wire.example/story-{n}", T0 - timedelta(minutes=n),
                related=[Related(f"Other take {n}.{r}", f"Outlet {r}", f"https://o{r}.example/{n}")
                         for r in range(1, related + 1)], guid=guid)


def feed(items) -> bytes:
    return feed_xml("World - Latest - Google News", FEED_LINK, "en-US", items).encode()


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def config(tmp_path, feeds, **settings):
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    return from_pelican({"PATH": str(content), "GNEWS_FEEDS": feeds, "GNEWS_BACKOFF": 0.05, **settings})


# -- a server with every fault ---------------------------------------------------

GOOD = feed([story(1, 2), story(2), story(3, 3)])
STOP = threading.Event()


class Faults(SimpleHTTPRequestHandler):
    hits: dict[str, int] = {}
    headers_seen: dict[str, list] = {}

    def log_message(self, *args):
        pass

    def send_body(self, status, body, ctype="application/xml; charset=UTF-8", **headers):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        Faults.hits[path] = Faults.hits.get(path, 0) + 1
        Faults.headers_seen.setdefault(path, []).append(dict(self.headers))
        if path == "/good.xml":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_body(200, GOOD, ETag='"v1"', Last_Modified="Fri, 09 Jan 2026 08:00:00 GMT")
        elif path == "/hang":
            STOP.wait(30)
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.end_headers()
            for byte in GOOD:
                if STOP.wait(0.2):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        elif path == "/429":
            self.send_body(429, b"slow down", "text/plain", Retry_After="3600")
        elif path == "/flaky":
            if Faults.hits[path] == 1:
                self.send_body(500, b"oops", "text/plain")
            else:
                self.send_body(200, feed([story(40)]))
        elif path == "/500":
            self.send_body(503, b"down", "text/plain")
        elif path == "/consent":
            self.send_body(200, b"<!doctype html><html><head><title>Before you continue to Google</title>"
                                b"</head><body><form>consent</form></body></html>", "text/html")
        elif path == "/empty":
            self.send_body(200, b"")
        elif path == "/truncated":
            self.send_body(200, GOOD[: len(GOOD) // 2])
        elif path == "/noitems":
            self.send_body(200, feed([]))
        elif path == "/bomb":
            self.send_body(200, _bomb(), Content_Encoding="gzip")
        elif path == "/oversize":
            self.send_body(200, b"<rss>" + b" " * (3 * 1024 * 1024) + b"</rss>")
        elif path == "/redirect-consent":
            self.send_response(302)
            self.send_header("Location", "/consent")
            self.end_headers()
        else:
            self.send_body(404, b"no", "text/plain")


@functools.cache
def _bomb() -> bytes:
    """64 MB of spaces in 64 KB of gzip, compressed once, not on each request
    (which takes longer than a short deadline)."""
    return gzip.compress(b" " * (64 * 1024 * 1024), 9)


@pytest.fixture
def faults(tmp_path):
    Faults.hits, Faults.headers_seen = {}, {}
    STOP.clear()
    with serve(tmp_path, Faults) as url:
        yield url
        STOP.set()


FAULTY = ["/hang", "/drip", "/429", "/500", "/consent", "/empty", "/truncated", "/bomb", "/oversize"]


@pytest.mark.slow
def test_good_feed_and_nine_faulty_ones(tmp_path, faults, capsys):
    """One good feed among nine faulty ones: a reason for every failed
    feed, exit 1, the good feed's stories written, nothing else touched.
    The limits are shorter than the defaults (a 4 s deadline, not 30 s): the
    hung and dripping feeds would otherwise hold the run for the whole
    default deadline, and the defaults change how long it waits, not what."""
    project = tmp_path / "site"
    project.mkdir()
    (project / "content").mkdir()
    (project / "content" / "mine.md").write_text("---\ntitle: Mine\ndate: 2026-01-01\n---\nHand-written\n")
    urls = [f"{faults}/good.xml"] + [f"{faults}{p}" for p in FAULTY]
    conf = project / "pelicanconf.py"
    conf.write_text(f'PATH = "content"\nGNEWS_FEEDS = {urls!r}\nGNEWS_MAX_BYTES = 2 * 1024 * 1024\n'
                    'GNEWS_TIMEOUT = 2\nGNEWS_CONNECT_TIMEOUT = 2\nGNEWS_FEED_DEADLINE = 4\n')
    before = snapshot(project / "content")
    started = time.monotonic()
    code = main(["sync", "-s", str(conf)])
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    report_figure(f"sync of 1 good and 9 faulty feeds (4 s deadline): {elapsed:.1f} s, exit {code}")
    assert code == 1
    assert "3 new" in out and "9 failed" in out
    for path, reason in [("/hang", "no complete response"), ("/drip", "no complete response"),
                         ("/429", "HTTP 429"), ("/500", "HTTP 503"), ("/consent", "not a feed"),
                         ("/empty", "empty document"), ("/truncated", "malformed"),
                         ("/bomb", "larger than"), ("/oversize", "larger than")]:
        line = next((said for said in err.splitlines() if f"{faults}{path}:" in said), "")
        assert reason in line, (path, err)
    after = snapshot(project / "content")
    assert {k: v for k, v in after.items() if k in before} == before
    assert len([k for k in after if k.startswith("news/")]) == 3
    # A 429 is remembered: the next run does not ask before Retry-After.
    state = json.loads((project / "gnews-state.json").read_text())
    assert "not_before" in state["feeds"][f"{faults}/429"]
    hits = Faults.hits["/429"]
    main(["sync", "-s", str(conf), f"{faults}/429"])
    assert Faults.hits["/429"] == hits
    assert "deferred" in capsys.readouterr().out


def test_conditional_get_304_writes_nothing(tmp_path, faults):
    cfg = config(tmp_path, [f"{faults}/good.xml"])
    assert sync(cfg).ok
    before = snapshot(tmp_path)
    report = sync(cfg)
    assert report.ok and report.results[0].not_modified
    assert Faults.headers_seen["/good.xml"][-1]["If-None-Match"] == '"v1"'
    assert Faults.headers_seen["/good.xml"][-1]["If-Modified-Since"] == "Fri, 09 Jan 2026 08:00:00 GMT"
    assert Faults.headers_seen["/good.xml"][0]["User-Agent"].startswith("pelican-gnews/")
    assert snapshot(tmp_path) == before


def test_retry_after_a_server_error(tmp_path, faults):
    report = sync(config(tmp_path, [f"{faults}/flaky"]))
    assert report.ok and len(report.results[0].written) == 1
    assert Faults.hits["/flaky"] == 2


def test_redirect_to_a_consent_page_is_a_failure(tmp_path, faults):
    report = sync(config(tmp_path, [f"{faults}/redirect-consent", f"{faults}/noitems"]))
    consent, noitems = report.results
    assert "not a feed" in consent.error and "no items" in noitems.error


# -- refreshes and identity ---------------------------------------------------------

def _entries(path: Path) -> list[str]:
    from pelican_gnews.cluster import parse_cluster

    _, body = frontmatter.read(path)
    return [e.outlet for e in parse_cluster(body).entries]


def test_cluster_growth_appends_and_never_drops(tmp_path):
    source = tmp_path / "feed.xml"
    cfg = config(tmp_path, [str(source)])
    source.write_bytes(feed([story(1, 1)]))
    [path] = sync(cfg).results[0].written
    assert _entries(path) == ["Wire", "Outlet 1"]
    source.write_bytes(feed([story(1, 3)]))
    result = sync(cfg).results[0]
    assert result.updated == [path] and _entries(path) == ["Wire", "Outlet 1", "Outlet 2", "Outlet 3"]
    meta, _ = frontmatter.read(path)
    assert "Outlet 3" in meta["summary"]
    # Google drops two entries and adds one: nothing is lost, the new one is appended.
    shrunk = story(1, 0)
    shrunk.related = [Related("Brand new take", "Outlet 9", "https://o9.example/1")]
    source.write_bytes(feed([shrunk]))
    sync(cfg)
    assert _entries(path) == ["Wire", "Outlet 1", "Outlet 2", "Outlet 3", "Outlet 9"]
    before = snapshot(tmp_path / "content")
    assert sync(cfg).results[0].not_modified  # the same bytes: not even parsed
    source.write_bytes(source.read_bytes() + b"\n")  # new bytes, same stories
    assert sync(cfg).results[0].unchanged == 1
    assert snapshot(tmp_path / "content") == before


def test_an_edited_file_is_not_refreshed(tmp_path):
    source = tmp_path / "feed.xml"
    cfg = config(tmp_path, [str(source)])
    source.write_bytes(feed([story(1, 1)]))
    [path] = sync(cfg).results[0].written
    path.write_bytes(path.read_bytes().replace(b"draft: false", b"draft: true"))
    edited = path.read_bytes()
    source.write_bytes(feed([story(1, 4)]))
    result = sync(cfg).results[0]
    assert result.kept_edited == 1 and path.read_bytes() == edited


def test_changed_guid_or_link_does_not_duplicate(tmp_path):
    source = tmp_path / "feed.xml"
    cfg = config(tmp_path, [str(source)])
    source.write_bytes(feed([story(1, guid="first-guid")]))
    sync(cfg)
    source.write_bytes(feed([story(1, guid="second-guid")]))
    assert sync(cfg).results[0].written == []
    moved = story(1, guid="third-guid")
    moved.url = "https://wire.example/moved"  # new link token, same headline and outlet
    source.write_bytes(feed([moved]))
    assert sync(cfg).results[0].written == []
    assert len(list((tmp_path / "content" / "news").glob("*.md"))) == 1


def test_a_deleted_story_never_comes_back_and_departed_stories_stay(tmp_path):
    source = tmp_path / "feed.xml"
    cfg = config(tmp_path, [str(source)])
    source.write_bytes(feed([story(1), story(2)]))
    first, second = sync(cfg).results[0].written
    first.unlink()
    source.write_bytes(feed([story(1, 3)]))  # story 2 left the feed; story 1 grew
    result = sync(cfg).results[0]
    assert result.kept_deleted == 1 and not first.exists() and second.exists()
    state = SyncState.load(cfg.state_file)
    assert [r.deleted for r in state.stories.values()].count(True) == 1


def test_state_file_is_outside_path_and_readable(tmp_path):
    source = tmp_path / "feed.xml"
    source.write_bytes(feed([story(1)]))
    cfg = config(tmp_path, [str(source)])
    sync(cfg)
    assert cfg.state_file == (tmp_path / "gnews-state.json").resolve()
    data = json.loads(cfg.state_file.read_text())
    [record] = data["stories"].values()
    assert record["file"].startswith("news/") and len(record["sha256"]) == 64
    assert any(k.startswith("art:") for k in record["keys"])
    with pytest.raises(Exception, match="outside PATH"):
        from_pelican({"PATH": str(tmp_path / "content"), "GNEWS_STATE_FILE": str(tmp_path / "content" / "s.json")})
    cfg.state_file.write_text("{not json")
    with pytest.raises(Exception, match="unreadable sync state"):
        sync(cfg)


# -- two syncs, and a killed one -----------------------------------------------------

@pytest.mark.slow
def test_a_second_sync_waits_for_the_lock_or_says_why_it_stops(tmp_path):
    source = tmp_path / "feed.xml"
    source.write_bytes(feed([story(1)]))
    cfg = config(tmp_path, [str(source)], GNEWS_LOCK_TIMEOUT=0.3)
    with locked(cfg.lock_file, 1):
        with pytest.raises(LockTimeout, match="another sync holds"):
            sync(cfg)
        conf = tmp_path / "conf.py"
        conf.write_text(f"PATH = {str(tmp_path / 'content')!r}\nGNEWS_FEEDS = [{str(source)!r}]\n"
                        "GNEWS_LOCK_TIMEOUT = 0.3\n")
        assert main(["sync", "-s", str(conf)]) == 3
    # Released after a moment: the waiting sync goes ahead.
    holder = threading.Thread(target=lambda: _hold(cfg.lock_file, 0.5))
    holder.start()
    time.sleep(0.1)
    assert sync(config(tmp_path, [str(source)], GNEWS_LOCK_TIMEOUT=10)).ok
    holder.join()


def _hold(lock_file, seconds):
    with locked(lock_file, 1):
        time.sleep(seconds)


def _all_story_files_whole(news: Path) -> int:
    count = 0
    for path in news.glob("*.md"):
        meta, body = frontmatter.read(path)
        assert meta["title"] and body.rstrip().endswith("</ol>"), path
        count += 1
    return count


@pytest.mark.slow
def test_a_sync_killed_mid_write_leaves_nothing_partial(tmp_path):
    project = copy_project(tmp_path / "project")
    big = project / "big.xml"
    big.write_bytes(feed([story(n, 2) for n in range(300)]))
    (project / "pelicanconf.py").write_text('PATH = "content"\nGNEWS_FEEDS = ["big.xml"]\n')
    news = project / "content" / "news"
    exe = str(Path(sys.executable).parent / "pelican-gnews")
    for kill_after in (5, 60, 165):  # story files written: early, a fifth in, past half
        proc = subprocess.Popen([exe, "sync"], cwd=project, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        while proc.poll() is None and len(list(news.glob("*.md"))) < kill_after:
            time.sleep(0.002)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL  # it was still running: killed mid-sync
        assert not [p for p in project.joinpath("content").rglob("*") if p.suffix in (".tmp", ".gnews-tmp")]
        _all_story_files_whole(news)
    finish = subprocess.run([exe, "sync"], cwd=project, capture_output=True, text=True)
    assert finish.returncode == 0, finish.stderr
    assert _all_story_files_whole(news) == 300
    assert not list((project / ".gnews-tmp").glob("*.tmp"))
    before = snapshot(news)
    again = subprocess.run([exe, "sync"], cwd=project, capture_output=True, text=True)
    assert "0 new, 0 updated" in again.stdout and "1 not modified" in again.stdout
    assert snapshot(news) == before


def test_url_helper(capsys):
    for argv, expected in [
        ([], "https://news.google.com/rss?hl=en-US&gl=US&ceid=US:en"),
        (["--topic", "technology"], "https://news.google.com/rss/headlines/section/topic/TECHNOLOGY?hl=en-US&gl=US&ceid=US:en"),
        (["--topic", "CAAqJggKIiBDQkFTRWdvSUwyMHZNRGx1YlY4U0FtVnVHZ0pWVXlnQVAB", "--hl", "de"],
         "https://news.google.com/rss/topics/CAAqJggKIiBDQkFTRWdvSUwyMHZNRGx1YlY4U0FtVnVHZ0pWVXlnQVAB?hl=de&gl=DE&ceid=DE:de"),
        (["--search", "heat pumps when:7d"], "https://news.google.com/rss/search?q=heat+pumps+when:7d&hl=en-US&gl=US&ceid=US:en"),
        (["--place", "São Paulo", "--hl", "pt-BR"],
         "https://news.google.com/rss/headlines/section/geo/S%C3%A3o%20Paulo?hl=pt-BR&gl=BR&ceid=BR:pt-419"),
        (["--topic", "SCIENCE", "--hl", "ja"], "https://news.google.com/rss/headlines/section/topic/SCIENCE?hl=ja&gl=JP&ceid=JP:ja"),
        # Editions whose ceid is not COUNTRY:language, as Google's own feeds spell them.
        (["--hl", "pt-BR"], "https://news.google.com/rss?hl=pt-BR&gl=BR&ceid=BR:pt-419"),
        (["--hl", "zh-TW"], "https://news.google.com/rss?hl=zh-TW&gl=TW&ceid=TW:zh-Hant"),
        (["--hl", "zh-CN"], "https://news.google.com/rss?hl=zh-CN&gl=CN&ceid=CN:zh-Hans"),
        (["--hl", "es-419"], "https://news.google.com/rss?hl=es-419&gl=MX&ceid=MX:es-419"),
        (["--hl", "es-419", "--gl", "AR"], "https://news.google.com/rss?hl=es-419&gl=AR&ceid=AR:es-419"),
        (["--hl", "pt-PT"], "https://news.google.com/rss?hl=pt-PT&gl=PT&ceid=PT:pt-150"),
        (["--hl", "de-DE"], "https://news.google.com/rss?hl=de&gl=DE&ceid=DE:de"),
        (["--hl", "de", "--gl", "AT"], "https://news.google.com/rss?hl=de-AT&gl=AT&ceid=AT:de"),
        (["--hl", "ar"], "https://news.google.com/rss?hl=ar&gl=EG&ceid=EG:ar"),
    ]:
        assert main(["url", *argv]) == 0
        assert capsys.readouterr().out.strip() == expected


def test_url_helper_refuses_unknown_editions_and_topics_with_the_choices(capsys, caplog):
    for argv, wanted in [(["--hl", "xx"], "pt-BR (BR)"), (["--hl", "es-419", "--gl", "FR"], "es-419 (MX)"),
                         (["--topic", "SPORT"], "SPORTS"), (["--topic", "../../etc"], "WORLD")]:
        caplog.clear()
        assert main(["url", *argv]) == 2
        assert capsys.readouterr().out == ""
        message = " ".join(r.getMessage() for r in caplog.records)
        assert wanted in message, message


def test_a_failed_write_is_not_recorded_and_the_next_sync_writes_it(tmp_path, monkeypatch):
    source = tmp_path / "feed.xml"
    source.write_bytes(feed([story(n) for n in range(5)]))
    cfg = config(tmp_path, [str(source)])
    import pelican_gnews.ingest.atomic as atomic_module

    real_create, calls = atomic_module.create, []

    def flaky_create(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_create(src, dst)

    monkeypatch.setattr(atomic_module, "create", flaky_create)
    result = sync(cfg).results[0]
    assert "No space left" in result.error and len(result.written) == 2
    state = SyncState.load(cfg.state_file)
    assert len(state.stories) == 2  # only the files that are on disk
    assert not list((tmp_path / ".gnews-tmp").glob("*.tmp"))
    monkeypatch.setattr(atomic_module, "create", real_create)
    result = sync(cfg).results[0]
    assert result.ok and len(result.written) == 3
    assert len(list((tmp_path / "content" / "news").glob("*.md"))) == 5


def test_a_feed_failing_midway_records_nothing_it_did_not_write(tmp_path, monkeypatch):
    """Stories queued before a feed fails were never written: the state must
    not remember them, or the next sync would take them for deleted."""
    import pelican_gnews.ingest.sync as sync_module

    source = tmp_path / "feed.xml"
    source.write_bytes(feed([story(n) for n in range(4)]))
    cfg = config(tmp_path, [str(source)])
    real, seen = sync_module._sync_story, []

    def failing_on_the_third(story, *args):
        seen.append(story)
        if len(seen) == 3:
            raise PermissionError(13, "Permission denied")
        return real(story, *args)

    monkeypatch.setattr(sync_module, "_sync_story", failing_on_the_third)
    result = sync(cfg).results[0]
    assert "Permission denied" in result.error and result.written == []
    assert SyncState.load(cfg.state_file).stories == {}
    assert not list((tmp_path / "content").rglob("*.md"))
    monkeypatch.setattr(sync_module, "_sync_story", real)
    assert len(sync(cfg).results[0].written) == 4
