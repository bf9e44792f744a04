"""Following a story (its own Atom and JSON Feed) and the daily digest, over
one site synced and built four times in Tokyo's time zone
(publish/story_feeds.py, publish/digest_pages.py, ingest/digest_freeze.py)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest
from conftest import SEED_STORY, Site, unstamped
from feedmaker import Item, Related, feed_xml

from pelican_gnews.ingest.sync import sync
from pelican_gnews.settings import from_pelican

ATOM = "{http://www.w3.org/2005/Atom}"
URL = "https://example.org/news"
X = datetime(2026, 5, 4, tzinfo=timezone.utc)  # JST is UTC+9: its 5 May starts at X + 15 h
SETTINGS = dict(TIMEZONE="Asia/Tokyo", SITEURL=URL, FEED_DOMAIN=URL, RELATIVE_URLS=False,
                FEED_ALL_ATOM="feeds/all.atom.xml", GNEWS_SYNC_ON_BUILD=False, GNEWS_SEARCH=False,
                GNEWS_RETENTION_DAYS=2, DIRECT_TEMPLATES=["index", "archives", "404"])


def item(name: str, outlet: str, when: datetime, related: int = 1) -> Item:
    host = outlet.lower().replace(" ", "")
    return Item(f"{name} story headline", outlet, f"https://{host}.example", f"https://{host}.example/{name}",
                when, [Related(f"{name} view {r}", f"Outlet {name}{r}", f"https://r{r}.example/{name}")
                       for r in range(related)])


def sync_and_build(site: Site, items: list[Item], now: datetime) -> dict[str, bytes]:
    feed = site.root / "feed.xml"
    feed.write_text(feed_xml("World - Google News", "https://news.google.com/topics/W", "en-US", items),
                    encoding="utf-8")
    config = from_pelican({**site.settings, **SETTINGS, "GNEWS_FEEDS": [str(feed)]})
    assert sync(config, now=now).ok
    shutil.rmtree(site.output, ignore_errors=True)
    site.build(**SETTINGS)
    return {p.relative_to(site.output).as_posix(): p.read_bytes() for p in site.output.rglob("*") if p.is_file()}


# A: 23:30 on 4 May in Tokyo; B: 00:30 on 5 May (both 4 May in UTC).
A = item("alpha", "Harbor Ledger", X + timedelta(hours=14, minutes=30))
B = item("bravo", "Granite Times", X + timedelta(hours=15, minutes=30))
A_SLUG = "alpha-story-headline-harbor-ledger"
B_SLUG = "bravo-story-headline-granite-times"
DAY_A, DAY_B = "digest/2026/05/04/index.html", "digest/2026/05/05/index.html"
SYNC_2 = X + timedelta(days=1, hours=18)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("follow") / "site")
    # A hand-written story in the seed's format: no state, no join times.
    site.write("news/seed.md", SEED_STORY.read_text(encoding="utf-8"))
    # 1. 01:00 on 6 May in Tokyo: 4 and 5 May are over.
    first = sync_and_build(site, [A, B], X + timedelta(days=1, hours=16))
    # 2. A gains two outlets; C is new (6 May, not over).
    c = item("charlie", "Coastal Wire", X + timedelta(days=1, hours=17))
    second = sync_and_build(site, [item("alpha", "Harbor Ledger", A.published, related=3), B, c], SYNC_2)
    # 3. An editor deletes A's file; D, 3 days on, sends B to the archive.
    next((site.content / "news").glob("alpha-*.md")).unlink()
    d = item("delta", "Valley Post", X + timedelta(days=3))
    third = sync_and_build(site, [B, c, d], X + timedelta(days=3, hours=1))
    # 4. Five days on: B left the pages more than GNEWS_RETENTION_DAYS ago.
    fourth = sync_and_build(site, [d, item("echo", "Harbor Ledger", X + timedelta(days=15))],
                            X + timedelta(days=15, hours=1))
    return site, [first, second, third, fourth]


def entries(data: bytes) -> list[dict]:
    root = ET.fromstring(data)
    return [{"id": e.find(f"{ATOM}id").text, "title": e.find(f"{ATOM}title").text,
             "updated": e.find(f"{ATOM}updated").text, "link": e.find(f"{ATOM}link").get("href")}
            for e in root.iter(f"{ATOM}entry")]


@pytest.mark.slow
def test_a_storys_feed_gains_an_entry_for_each_outlet_that_joins(builds):
    _, (first, second, *_) = builds
    atom = f"feeds/story/{A_SLUG}.atom.xml"
    before, after = entries(first[atom]), entries(second[atom])
    assert len(before) == 2 and len(after) == 4
    # The two new outlets come first, at the time the sync saw them join.
    assert [e["title"] for e in after[:2]] == ["alpha view 1 — Outlet alpha1", "alpha view 2 — Outlet alpha2"]
    assert {e["updated"] for e in after[:2]} == {SYNC_2.isoformat(timespec="seconds")}
    assert [e["updated"] for e in after] == sorted((e["updated"] for e in after), reverse=True)
    # Ids are stable: a reader sees the old entries once, unchanged.
    assert after[2:] == before and len({e["id"] for e in after}) == 4
    assert after[0]["link"].startswith("https://news.google.com/")  # the outlet's article
    # The JSON Feed beside it: the same entries, valid JSON Feed 1.1.
    doc = json.loads(second[f"feeds/story/{A_SLUG}.json"])
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["id"] for i in doc["items"]] == [e["id"] for e in after]
    assert all("content_html" not in i and i["content_text"] == "" for i in doc["items"])  # no text of articles
    # The story page links both.
    page = second[f"{A_SLUG}.html"].decode()
    assert f'<link rel="alternate" type="application/atom+xml" href="{URL}/{atom}"' in page
    assert f'type="application/feed+json" href="{URL}/feeds/story/{A_SLUG}.json"' in page


@pytest.mark.slow
def test_a_hand_written_story_has_a_feed_dated_by_the_story(builds):
    _, (first, *_) = builds
    seed = entries(first["feeds/story/zelensky-says-ukraine-does-not-have-clear-security-pledge-from-allies-bbc"
                         ".atom.xml"])
    assert len(seed) == 5 and {e["updated"] for e in seed} == {"2026-01-09T00:00:00+00:00"}


@pytest.mark.slow
def test_a_retired_storys_feed_says_so_then_goes(builds):
    _, (_, second, third, fourth) = builds
    atom = f"feeds/story/{B_SLUG}.atom.xml"
    assert len(entries(second[atom])) == 2
    [last] = entries(third[atom])
    assert last["title"] == "bravo story headline: moved to the archive"
    assert last["link"] == f"{URL}/archive/2026/05/05/#{B_SLUG}"  # its line on Tokyo's day
    assert f'id="{B_SLUG}"' in third["archive/2026/05/05/index.html"].decode()
    assert json.loads(third[f"feeds/story/{B_SLUG}.json"])["items"][0]["url"] == last["link"]
    assert atom not in fourth and f"feeds/story/{B_SLUG}.json" not in fourth


@pytest.mark.slow
def test_digest_days_are_tokyos_and_never_change_once_over(builds):
    _, (first, second, third, fourth) = builds
    day_a, day_b = first[DAY_A].decode(), first[DAY_B].decode()
    assert "alpha story headline" in day_a and "bravo" not in day_a
    assert "bravo story headline" in day_b and "alpha" not in day_b
    assert "Digest: Monday, May 4, 2026" in day_a and "<bdi>2 sources</bdi>" in day_a
    assert f'href="{URL}/{A_SLUG}.html"' in day_a and f'href="{URL}/archive/2026/05/04/"' in day_a
    assert f'href="{URL}/digest/2026/05/04/"' in day_b  # the day before
    # A grew, then was deleted; B retired; scores decayed: both days stay byte
    # for byte, but for the footer's last-sync time that every page carries.
    for later in (second, third, fourth):
        assert unstamped(later[DAY_A]) == unstamped(first[DAY_A]) and unstamped(later[DAY_B]) == unstamped(first[DAY_B])
    assert first[DAY_A] != fourth[DAY_A]  # the stamp did move on
    # 6 May (C) was frozen by the third sync, and the index and footer link them.
    assert "charlie story headline" in third["digest/2026/05/06/index.html"].decode()
    assert f'href="{URL}/digest/2026/05/05/"' in third["digest/index.html"].decode()
    assert f'<a href="{URL}/digest/">Daily digest</a>' in third["index.html"].decode()


@pytest.mark.slow
def test_the_digest_feed_has_a_fixed_entry_per_finished_day(builds):
    _, (first, _, third, _) = builds
    old, new = (json.loads(b["feeds/digest.json"])["items"] for b in (first, third))
    assert [i["url"] for i in old] == [f"{URL}/digest/2026/05/05/", f"{URL}/digest/2026/05/04/"]
    assert new[-2:] == old  # the finished days' entries, unchanged
    assert new[0]["date_modified"] == "2026-05-06T15:00:00+00:00"  # 7 May, 00:00 in Tokyo
    assert "<li><a href" in old[1]["content_html"] and "alpha story headline" in old[1]["content_html"]
    atom = entries(third["feeds/digest.atom.xml"])
    assert [e["id"] for e in atom] == [i["id"] for i in new] and atom[0]["title"].startswith("Digest: ")


def test_a_broken_digest_line_is_named_and_left_out(tmp_path, caplog):
    from pelican_gnews import digest_file

    good = digest_file.FrozenDay(datetime(2026, 5, 4).date(), (digest_file.Pick(
        "a-story", "A <b>story</b>\u202e", "Wire", 3, X),))
    (tmp_path / "digest-2026-05.jsonl").write_text(
        "\n".join([good.as_line(), '{"day": "2026-05-05", "stories": [{"slug": ""}]}', "{not json",
                   '{"day": "2026-05-04", "stories": []}']) + "\n", encoding="utf-8")
    (tmp_path / "digest-2026-13.jsonl").write_text("{}\n")  # no month of the calendar: not read
    days = digest_file.read_days(tmp_path)
    assert list(days) == [good.day] and days[good.day].picks[0].headline == "A <b>story</b>"  # cleaned, kept as text
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2 and all("digest-2026-05.jsonl:" in w and "\n" not in w for w in warnings)
