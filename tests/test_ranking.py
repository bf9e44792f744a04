"""Stories, not items: joins across feeds and runs, and the front page.

Real sites are built from invented feeds in Google News's exact shape: a
Japanese top stories feed (Google's order must survive), a Korean search
feed where two outlets report one story, one story in the top stories and
World feeds, and a story that grows between two syncs.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from html import unescape

import pytest
from feedmaker import Item, Related, feed_xml

from pelican_gnews.ingest.state import SyncState
from pelican_gnews.ingest.sync import sync
from pelican_gnews.settings import from_pelican

ATOM = "{http://www.w3.org/2005/Atom}"
NOW = datetime.now(timezone.utc).replace(microsecond=0)


def front_headlines(html: str, block: str = "top") -> list[str]:
    """The headlines of the front page's top block (before the first
    section block), or of every card."""
    if block == "top":
        html = html.split('<section class="section-block"', 1)[0]
    return [unescape(h) for h in re.findall(r'<h[23]><a href="[^"]*"><bdi>(.*?)</bdi></a></h[23]>', html)]


def coverage_of(page: str) -> list[str]:
    listed = page.split('<ol class="coverage">', 1)[1].split("</ol>", 1)[0]
    return [unescape(h) for h in re.findall(r'<li><a href="[^"]*"><bdi>(.*?)</bdi>', listed)]


def write_feed(site, name: str, title: str, language: str, items: list[Item], link: str = ""):
    path = site.root / f"{name}.xml"
    path.write_text(feed_xml(title, link or f"https://news.google.com/topics/{name}", language, items),
                    encoding="utf-8")
    return str(path)


def synced(site, feeds: list[str], now: datetime, **settings):
    config = from_pelican({**site.settings, "GNEWS_FEEDS": feeds, "GNEWS_RETENTION_DAYS": 0, **settings})
    report = sync(config, now=now)
    assert report.ok, report.failed
    return report


# -- Google's order ------------------------------------------------------------------------------

# A ja-JP top stories feed as Google orders it: a major foreign story first,
# the newest item (a minor fire) far down; outlets per story as real ones vary.
JA_TOP = [
    ("米大統領、関税の大幅引き上げを発表 世界市場に動揺", "日本経済新聞", 5, 40),
    ("衆院予算委 首相が補正予算の早期成立に意欲", "NHK", 3, 55),
    ("東海道新幹線 大雨で一時運転見合わせ", "朝日新聞デジタル", 4, 30),
    ("日銀 金融政策決定会合で利上げを見送り", "読売新聞オンライン", 2, 70),
    ("大谷翔平 今季初の2試合連続本塁打", "スポニチアネックス", 1, 20),
    ("北海道で震度4の地震 津波の心配なし", "毎日新聞", 3, 50),
    ("新型ロケット打ち上げ成功 H3の6号機", "産経ニュース", 2, 65),
    ("都内のマンションで火災 1人けが", "TBS NEWS DIG", 1, 5),
]


@pytest.mark.slow
def test_the_front_page_keeps_an_editions_order(site):
    items = [Item(headline, outlet, f"https://o{n}.example.jp", f"https://o{n}.example.jp/a/{n}",
                  NOW - timedelta(minutes=minutes),
                  [Related(f"{headline}（続報 {r}）", f"別の社 {n}-{r}", f"https://r{n}.example.jp/{r}")
                   for r in range(1, sources)])
             for n, (headline, outlet, sources, minutes) in enumerate(JA_TOP)]
    feed = write_feed(site, "top_ja", "トップニュース - Google ニュース", "ja", items,
                      "https://news.google.com/?hl=ja&gl=JP&ceid=JP:ja")
    synced(site, [feed], NOW)
    site.build(GNEWS_SYNC_ON_BUILD=False, DEFAULT_LANG="ja", DEFAULT_PAGINATION=20)
    expected = [headline for headline, *_ in JA_TOP]
    assert front_headlines(site.page("index.html")) == expected
    # "Latest" keeps every story newest first, one click away.
    latest = front_headlines(site.page("latest.html"), block="all")
    assert latest[0] == "都内のマンションで火災 1人けが" and sorted(latest) == sorted(expected)
    assert 'href="./latest.html"' in site.page("index.html")
    assert not list(site.output.glob("index?*.html"))  # one front page


# -- joins ---------------------------------------------------------------------------------------

def test_a_korean_search_story_from_two_outlets_is_one_story_with_two_sources(site):
    """A search feed has no clusters: each outlet's article is an item of
    its own (and, since 2024, its link is an opaque token)."""
    rows = [
        ("정부, 반도체 특별법 국회 통과 촉구…“주52시간 예외 필요”", "조선일보", 30),
        ("서울 아파트값 3주 연속 상승…강남 3구 상승폭 확대", "한국경제", 45),
        ("정부 “반도체 특별법 국회 통과 시급”…주52시간 예외 재차 촉구", "뉴시스", 10),
        ("프로야구 개막전 전 구장 매진…역대 최다 관중", "스포츠조선", 70),
        ("반도체 수출 7개월 연속 증가…AI 수요 견인", "연합뉴스", 90),
    ]
    items = [Item(headline, outlet, f"https://k{n}.example.kr", f"https://k{n}.example.kr/news/{n}",
                  NOW - timedelta(minutes=minutes), opaque=True)
             for n, (headline, outlet, minutes) in enumerate(rows)]
    feed = write_feed(site, "search_ko", '"반도체" - Google 뉴스', "ko", items,
                      "https://news.google.com/search?q=%EB%B0%98%EB%8F%84%EC%B2%B4&hl=ko&gl=KR&ceid=KR:ko")
    report = synced(site, [feed], NOW)
    assert len(report.results[0].written) == 4 and len(report.results[0].updated) == 0
    site.build(GNEWS_SYNC_ON_BUILD=False, DEFAULT_LANG="ko", DEFAULT_PAGINATION=20)
    pages = [p for p in site.output.glob("*.html") if "조선일보" in p.read_text() and "뉴시스" in p.read_text()
             and "<article class=\"story\"" in p.read_text()]
    assert len(pages) == 1
    story = pages[0].read_text()
    # A Korean site (DEFAULT_LANG "ko") counts in Korean.
    assert "관련 보도 (출처 2곳)" in re.sub(r"<[^>]+>", "", story)
    cards = site.page("latest.html")
    assert cards.count("출처 2곳") == 1 and cards.count("출처 1곳<") == 3
    # The other semiconductor story (another event) stays apart.
    assert "반도체 수출 7개월 연속 증가" not in story


def test_one_story_in_the_top_stories_and_world_feeds_is_one_page(site, caplog):
    """Google leads with one article in the top stories feed and another in
    the World feed; each lists the other in its cluster."""
    caplog.set_level(logging.INFO, logger="pelican_gnews")
    a = ("https://harbor.example/treaty", "Delegates sign river treaty in Geneva", "Harbor Ledger")
    b = ("https://granite.example/treaty", "River treaty signed after all-night talks", "Granite Times")
    c = ("https://coastal.example/treaty", "What the river treaty means for farmers", "Coastal Wire")
    top = write_feed(site, "top", "Top stories - Google News", "en-US", [
        Item(a[1], a[2], "https://harbor.example", a[0], NOW - timedelta(hours=1),
             [Related(b[1], b[2], b[0])]),
        Item("Snowstorm closes mountain passes", "Valley Post", "https://valley.example",
             "https://valley.example/snow", NOW - timedelta(hours=2)),
    ])
    world = write_feed(site, "world", "World - Latest - Google News", "en-US", [
        Item(b[1], b[2], "https://granite.example", b[0], NOW - timedelta(minutes=50),
             [Related(a[1], a[2], a[0]), Related(c[1], c[2], c[0])]),
    ])
    report = synced(site, [top, world], NOW)
    assert [len(r.written) for r in report.results] == [2, 0]
    assert len(report.results[1].updated) == 1
    # The join says which rule made it.
    assert any("joins story news/delegates-sign-river-treaty" in r.getMessage() and "by its lead article"
               in r.getMessage() for r in caplog.records)
    site.build(GNEWS_SYNC_ON_BUILD=False)
    stories = [p for p in site.output.glob("*.html") if '<article class="story"' in p.read_text()]
    assert len(stories) == 2
    page = site.page("delegates-sign-river-treaty-in-geneva-harbor-ledger.html")
    assert "Related coverage (3 sources)" in re.sub(r"<[^>]+>", "", page)
    assert coverage_of(page) == [a[1], b[1], c[1]]
    # Every outlet of the merged story lists it, with the count of one story.
    for outlet in ("harbor-ledger", "granite-times", "coastal-wire"):
        assert "Delegates sign river treaty in Geneva" in site.page(f"outlet/{outlet}.html")
    assert 'href="./outlet/coastal-wire.html"' in site.page("outlets.html")


def test_the_rules_are_settings_and_a_headline_names_an_article_for_hours_not_days(site):
    """With the article rules off, the two feeds of one event make two
    stories. The same outlet's headline a day later ("Live updates") is a
    new story; with a new token an hour later, it is the same one."""
    def live(day: int, hour: int, url: str) -> Item:
        return Item("Live updates: the latest news", "Summit Daily", "https://summit.example", url,
                    NOW - timedelta(days=day, hours=hour))

    top = write_feed(site, "top", "Top stories - Google News", "en-US", [
        Item("Delegates sign river treaty in Geneva", "Harbor Ledger", "https://harbor.example",
             "https://harbor.example/t", NOW - timedelta(hours=1),
             [Related("River treaty signed", "Granite Times", "https://granite.example/t")])])
    world = write_feed(site, "world", "World - Latest - Google News", "en-US", [
        Item("River treaty signed", "Granite Times", "https://granite.example", "https://granite.example/t2",
             NOW - timedelta(hours=1), [Related("Delegates sign river treaty in Geneva", "Harbor Ledger",
                                                "https://harbor.example/t")])])
    report = synced(site, [top, world], NOW, GNEWS_JOIN_ARTICLES=False, GNEWS_SIMILARITY=0)
    assert [len(r.written) for r in report.results] == [1, 1]

    other = site.root / "live"
    other.mkdir()
    lives = write_feed(site, "live", "World - Latest - Google News", "en-US", [live(1, 0, "https://summit.example/1")])
    settings = {**site.settings, "PATH": str(other / "content"), "GNEWS_FEEDS": [lives], "GNEWS_RETENTION_DAYS": 0}
    assert len(sync(from_pelican(settings), now=NOW - timedelta(days=1)).results[0].written) == 1
    # A day later: another live blog.
    write_feed(site, "live", "World - Latest - Google News", "en-US", [live(0, 0, "https://summit.example/2")])
    assert len(sync(from_pelican(settings), now=NOW).results[0].written) == 1
    # An hour after that, the same headline under a new token: the same article.
    write_feed(site, "live", "World - Latest - Google News", "en-US", [live(0, -1, "https://summit.example/2b")])
    result = sync(from_pelican(settings), now=NOW + timedelta(hours=1)).results[0]
    assert len(result.written) == 0 and result.unchanged == 1


# -- developing stories --------------------------------------------------------------------------

def test_a_story_that_grows_moves_up_says_so_and_updates_its_feed_entry(site):
    old = NOW - timedelta(hours=12)
    lead = [("https://harbor.example/a", "Port strike ends after wage deal", "Harbor Ledger"),
            ("https://valley.example/b", "Dockers vote to accept pay offer", "Valley Post")]
    quiet = ("https://granite.example/q", "Museum returns artefacts to their country of origin", "Granite Times")

    def feed(extra: list[Related]):
        return write_feed(site, "top", "Top stories - Google News", "en-US", [
            Item(quiet[1], quiet[2], "https://granite.example", quiet[0], old,
                 [Related("Artefacts go home", "Coastal Wire", "https://coastal.example/q")]),
            Item(lead[0][1], lead[0][2], "https://harbor.example", lead[0][0], old - timedelta(minutes=10),
                 [Related(lead[1][1], lead[1][2], lead[1][0]), *extra]),
        ])

    synced(site, [feed([])], old)
    grown = [Related("Ports reopen as strike ends", "Coastal Wire", "https://coastal.example/p"),
             Related("What the port deal means", "Meridian Herald", "https://meridian.example/p")]
    synced(site, [feed(grown)], NOW - timedelta(minutes=10))
    # An editor touches the quiet story: edits do not move it up.
    quiet_file = next(site.content.glob("news/museum-*.md"))
    quiet_file.write_text(quiet_file.read_text() + "\nAn editor's note.\n")
    site.build(GNEWS_SYNC_ON_BUILD=False, SITEURL="https://news.example", RELATIVE_URLS=False,
               FEED_ALL_ATOM="feeds/all.atom.xml")
    index = site.page("index.html")
    # Second in the feed, it grew this hour: it now leads the first.
    assert front_headlines(index)[:2] == [lead[0][1], quiet[1]]
    assert index.count("+2 sources lately") == 1
    page = site.page("port-strike-ends-after-wage-deal-harbor-ledger.html")
    assert "First seen" in page and "updated" in page
    # Coverage in the order outlets joined; the two added later say when (tests/test_growth.py).
    assert coverage_of(page) == [lead[0][1], lead[1][1], grown[0].headline, grown[1].headline]
    assert page.count('<span class="joined">') == 2
    entries = {e.find(f"{ATOM}title").text.rsplit(" - ", 1)[0]: e
               for e in ET.parse(site.output / "feeds/all.atom.xml").getroot().iter(f"{ATOM}entry")}
    grew, stayed = entries[lead[0][1]], entries[quiet[1]]
    assert grew.find(f"{ATOM}updated").text > grew.find(f"{ATOM}published").text
    assert stayed.find(f"{ATOM}updated").text == stayed.find(f"{ATOM}published").text
    # The state says when each outlet joined.
    state = SyncState.load(site.root / "gnews-state.json")
    record = next(r for r in state.stories.values() if r.file.startswith("news/port-strike"))
    assert list(record.joined) == ["Harbor Ledger", "Valley Post", "Coastal Wire", "Meridian Herald"]
    assert record.rank == 2 and record.seen == old.isoformat()


@pytest.mark.slow
def test_outlets_that_join_an_edited_story_are_counted_without_touching_its_file(site):
    first = Item("Rail link reopens after 20 years", "Harbor Ledger", "https://harbor.example",
                 "https://harbor.example/rail", NOW - timedelta(hours=3),
                 [Related("Trains run again between the capitals", "Valley Post", "https://valley.example/rail")])
    path = write_feed(site, "top", "Top stories - Google News", "en-US", [first])
    synced(site, [path], NOW - timedelta(hours=3))
    story = next(site.content.glob("news/rail-link-*.md"))
    story.write_text(story.read_text().replace("draft: false", "draft: false\nnote: checked"))
    edited = story.read_bytes()
    first.related.append(Related("First passengers cross the border", "Summit Daily", "https://summit.example/r"))
    write_feed(site, "top", "Top stories - Google News", "en-US", [first])
    result = synced(site, [path], NOW).results[0]
    assert result.kept_edited == 1 and story.read_bytes() == edited
    site.build(GNEWS_SYNC_ON_BUILD=False)
    assert "3 sources" in site.page("latest.html")
    assert "Rail link reopens after 20 years" in site.page("outlet/summit-daily.html")
