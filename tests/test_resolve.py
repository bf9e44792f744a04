"""Link resolution (GNEWS_RESOLVE_LINKS) against a fake Google on 127.0.0.1:
its article pages give a signature and a timestamp, its batchexecute turns
several tokens into publisher URLs; and it can answer 429, send a "sorry"
page, change its markup or be slow. Resolution must find what it can, stop
at the first refusal, and never fail or hold up a sync."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote

import pytest
from conftest import LoopbackServer
from feedmaker import Item, Related, article_token, feed_xml

from pelican_gnews import frontmatter
from pelican_gnews.ingest.state import SyncState
from pelican_gnews.ingest.sync import sync
from pelican_gnews.settings import from_pelican

NOW = datetime.now(timezone.utc).replace(microsecond=0)


class FakeGoogle(LoopbackServer):
    """news.google.com's two endpoints, with a mode: ok, 429, sorry,
    consent, changed (article pages without the signature), slow."""

    def __init__(self, urls: dict[str, str], mode: str = "ok"):
        self.urls, self.mode = urls, mode  # token -> publisher URL
        self.requests: list[tuple[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes = b"", headers: dict | None = None):
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _refuse(self) -> bool:
                if fake.mode == "slow":
                    time.sleep(2)
                if fake.mode == "429":
                    self._send(429, b"Too Many Requests", {"Retry-After": "3600"})
                elif fake.mode == "sorry":
                    self._send(302, headers={"Location": "https://www.google.com/sorry/index?continue=x"})
                elif fake.mode == "consent":
                    self._send(302, headers={"Location": "https://consent.google.com/m?continue=x"})
                else:
                    return False
                return True

            def do_GET(self):
                fake.requests.append(("GET", self.path))
                if self._refuse():
                    return
                token = unquote(self.path.split("/rss/articles/", 1)[-1].split("?")[0])
                attrs = "" if fake.mode == "changed" else f' data-n-a-sg="SIG{token[-6:]}" data-n-a-ts="1767225600"'
                self._send(200, f'<html><body><c-wiz><div jscontroller="aLI87"{attrs}></div></c-wiz>'
                                f"</body></html>".encode())

            def do_POST(self):
                fake.requests.append(("POST", self.path))
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                if self._refuse():
                    return
                calls = json.loads(parse_qs(body)["f.req"][0])[0]
                answers = []
                for rpc, payload, _, number in calls:
                    request = json.loads(payload)
                    token, timestamp, signature = request[2], request[3], request[4]
                    ok = rpc == "Fbv4je" and timestamp == 1767225600 and signature == f"SIG{token[-6:]}"
                    url = fake.urls.get(token, "") if ok else ""
                    answers.append(["wrb.fr", "Fbv4je", json.dumps(["garturlres", url, 1]), None, None, None, number])
                text = ")]}'\n\n" + json.dumps(answers + [["di", 42], ["af.httprm", 42, "-1", 7]])
                self._send(200, text.encode())

        self.start(Handler)


def opaque_feed(site, count: int = 3) -> tuple[str, dict[str, str]]:
    """A feed whose links are opaque tokens (as since 2024), each item with
    one related article; and each token's publisher URL."""
    items = [Item(f"Harbour works story {n} reaches a milestone", f"Outlet {n}", f"https://o{n}.example",
                  f"https://o{n}.example/story/{n}", NOW - timedelta(minutes=10 * n),
                  [Related(f"Another view of harbour works story {n}", f"Other {n}", f"https://p{n}.example/v/{n}")],
                  opaque=True) for n in range(count)]
    urls = {article_token(i.url, True): i.url for i in items}
    urls |= {article_token(r.url, True): r.url for i in items for r in i.related}
    path = site.root / "feed.xml"
    path.write_text(feed_xml("World - Latest - Google News", "https://news.google.com/topics/W", "en-US", items),
                    encoding="utf-8")
    return str(path), urls


def run(site, feed: str, google: FakeGoogle | None, **settings):
    config = from_pelican({**site.settings, "GNEWS_FEEDS": [feed], "GNEWS_RESOLVE_LINKS": True,
                           "GNEWS_RESOLVE_SPACING": 0, "GNEWS_RESOLVE_BASE": google.base if google else "",
                           **settings})
    report = sync(config, now=NOW)
    assert report.ok, report.failed  # resolution never fails a sync
    return report


def leads(site) -> dict[str, str]:
    return {frontmatter.read(p)[0]["outlet"]: frontmatter.read(p)[0].get("publisher_link", "")
            for p in (site.content / "news").glob("*.md")}


@pytest.mark.slow
def test_opaque_links_are_resolved_in_batches_kept_in_the_state_and_shown_first(site):
    feed, urls = opaque_feed(site)
    with FakeGoogle(urls) as google:
        run(site, feed, google, GNEWS_RESOLVE_BATCH=4)
    # Six tokens: six article pages, then two batches (4 and 2).
    assert [m for m, _ in google.requests] == ["GET"] * 4 + ["POST"] + ["GET"] * 2 + ["POST"]
    assert leads(site) == {f"Outlet {n}": f"https://o{n}.example/story/{n}" for n in range(3)}
    state = SyncState.load(site.root / "gnews-state.json")
    assert sorted(state.links.values()) == sorted(urls.values())
    site.build(GNEWS_SYNC_ON_BUILD=False)
    page = site.page("harbour-works-story-0-reaches-a-milestone-outlet-0.html")
    assert '<a href="https://o0.example/story/0">Read the story at <bdi>Outlet 0</bdi></a> <a class="via" ' \
           'href="https://news.google.com/rss/articles/' in page
    assert '<li><a href="https://p0.example/v/0"><bdi>Another view' in page
    # Known for good: the next sync of a changed feed asks nothing again.
    with FakeGoogle(urls) as again:
        path = site.root / "feed.xml"
        path.write_text(path.read_text(encoding="utf-8").replace("reaches a milestone", "reaches its milestone"),
                        encoding="utf-8")
        run(site, feed, again)
    assert again.requests == []


@pytest.mark.slow
def test_resolution_is_off_by_default_and_older_tokens_decode_offline(site):
    feed, urls = opaque_feed(site)
    with FakeGoogle(urls) as google:
        report = sync(from_pelican({**site.settings, "GNEWS_FEEDS": [feed], "GNEWS_RESOLVE_BASE": google.base}),
                      now=NOW)
    assert report.ok and google.requests == [] and set(leads(site).values()) == {""}
    # A token that embeds its URL (older feeds) needs no request at all.
    other = site.root / "other"
    other.mkdir()
    embedded = other / "feed.xml"
    embedded.write_text(feed_xml("World - Google News", "https://news.google.com/", "en-US", [
        Item("Bridge reopens after repairs", "Wire", "https://wire.example", "https://wire.example/bridge",
             NOW)]), encoding="utf-8")
    with FakeGoogle({}) as google:
        config = from_pelican({**site.settings, "PATH": str(other / "content"), "GNEWS_FEEDS": [str(embedded)],
                               "GNEWS_RESOLVE_LINKS": True, "GNEWS_RESOLVE_BASE": google.base})
        assert sync(config, now=NOW).ok
    assert google.requests == []
    [story] = (other / "content" / "news").glob("*.md")
    assert frontmatter.read(story)[0]["publisher_link"] == "https://wire.example/bridge"


@pytest.mark.slow
@pytest.mark.parametrize("mode, said", [
    ("429", "429 Too Many Requests"),
    ("sorry", 'a "sorry" page'),
    ("consent", "a consent page"),
    ("changed", "without the signature"),
    ("slow", "no complete response within 0.5 s"),
])
def test_a_refusal_stops_resolution_at_once_and_the_sync_goes_on(site, caplog, mode, said):
    caplog.set_level(logging.INFO, logger="pelican_gnews")
    feed, urls = opaque_feed(site)
    with FakeGoogle(urls, mode) as google:
        # Requests an hour apart: a resolver that asked a second time would
        # hold the sync for an hour. The slow server answers in 2 s.
        report = run(site, feed, google, GNEWS_RESOLVE_SPACING=3600, GNEWS_RESOLVE_TIMEOUT=0.5)
    assert len(google.requests) == 1
    assert len(report.results[0].written) == 3 and set(leads(site).values()) == {""}
    stopped = [r.getMessage() for r in caplog.records if "link resolution stopped" in r.getMessage()]
    assert len(stopped) == 1 and "6 link(s) left for a later run" in stopped[0], stopped
    assert said in stopped[0], stopped
    # A later run asks again, and what it finds is shown from the state.
    with FakeGoogle(urls) as google:
        path = site.root / "feed.xml"
        path.write_text(path.read_text(encoding="utf-8").replace("milestone", "milestone again"), encoding="utf-8")
        run(site, feed, google)
    assert len(SyncState.load(site.root / "gnews-state.json").links) == 6


def test_the_budget_bounds_a_run_and_the_leads_come_first(site):
    feed, urls = opaque_feed(site, count=5)
    with FakeGoogle(urls) as google:
        run(site, feed, google, GNEWS_RESOLVE_BUDGET=4, GNEWS_RESOLVE_BATCH=5)
    assert len(google.requests) == 4  # 3 article pages and one batch
    resolved = set(SyncState.load(site.root / "gnews-state.json").links.values())
    assert resolved == {f"https://o{n}.example/story/{n}" for n in range(3)}
