"""Coverage spread and a story's place, on real builds: a story carried by a
US and a UK feed names both editions on its page and card (in English and
Japanese, by Babel's names), a story of one edition says so, outlet pages
count stories, editions, sections and firsts, and each story page explains
its place with ranking.py's own figures (publish/spread.py, explain.py)."""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from conftest import ROOT, Site, heading_count
from feedmaker import Item, Related, feed_xml
from pelican.settings import read_settings

from pelican_gnews import editions
from pelican_gnews.ingest.state import SyncState
from pelican_gnews.ingest.sync import sync
from pelican_gnews.publish import ranking
from pelican_gnews.settings import FeedSpec, SettingsError, feed_spec, from_pelican, problems

NOW = datetime.now(timezone.utc).replace(microsecond=0)
TREATY = Item("Delegates agree river treaty in Geneva", "Harbor Ledger", "https://harbor.example",
              "https://harbor.example/treaty", NOW - timedelta(hours=3),
              [Related("River treaty signed", "Northfield Tribune", "https://north.example/treaty")])
STRIKE = Item("Port strike enters third week", "Coastal Wire", "https://coastal.example",
              "https://coastal.example/strike", NOW - timedelta(hours=4),
              [Related("Dockers hold out", "Harbor Ledger", "https://harbor.example/strike")])
BUDGET = Item("Council passes school budget", "Granite Times", "https://granite.example",
              "https://granite.example/budget", NOW - timedelta(hours=5),
              [Related("Budget row ends", "Harbor Ledger", "https://harbor.example/budget")])
MARKETS = Item("Markets rally on rate hopes", "Valley Post", "https://valley.example",
               "https://valley.example/markets", NOW - timedelta(hours=2))
US_LINK = "https://news.google.com/topics/CAAqJggKIiBDQkFTRWdvSUwyMHZNRGx1YlY4U0FtVnVHZ0pWVXlnQVAB?hl=en-US&gl=US&ceid=US:en"
GB_LINK = "https://news.google.com/topics/CAAqJggKIiBDQkFTRWdvSUwyMHZNRGx1YlY4U0FtVnVHZ0pIUWlnQVAB?hl=en-GB&gl=GB&ceid=GB:en"


def _slug_of(site: Site, headline: str) -> str:
    for path in (site.content / "news").glob("*.md"):
        if headline in path.read_text(encoding="utf-8"):
            return path.stem
    raise AssertionError(headline)


@pytest.fixture(scope="module")
def spread_sites(tmp_path_factory):
    """One sync of a US World feed (treaty 1st, strike, budget) and a UK
    Business feed (markets, then the treaty 2nd): built in English, then, from
    the same files and state, in Japanese. The budget story is pinned, the
    markets story joined to the strike story by an editor."""
    root = tmp_path_factory.mktemp("spread")
    feeds = root / "feeds"
    feeds.mkdir()
    (feeds / "us.xml").write_text(feed_xml("World - Latest - Google News", US_LINK, "en-US", [TREATY, STRIKE, BUDGET]),
                                  encoding="utf-8")
    (feeds / "gb.xml").write_text(feed_xml("Business - Latest - Google News", GB_LINK, "en-GB", [MARKETS, TREATY]),
                                  encoding="utf-8")
    english = Site(root / "en")
    settings = dict(GNEWS_FEEDS=[str(feeds / "us.xml"), str(feeds / "gb.xml")], GNEWS_SEARCH=False,
                    SITENAME="Newsroom", GNEWS_RANKING_DOCS_URL="https://example.org/docs/ranking.html")
    report = sync(from_pelican({**english.settings, **settings}), now=NOW)
    assert report.ok, report.failed
    news = english.content / "news"
    budget = news / f"{_slug_of(english, 'Council passes school budget')}.md"
    budget.write_text(budget.read_text(encoding="utf-8").replace("draft: false", "draft: false\npinned: true"),
                      encoding="utf-8")
    strike = _slug_of(english, "Port strike enters third week")
    markets = news / f"{_slug_of(english, 'Markets rally on rate hopes')}.md"
    markets.write_text(markets.read_text(encoding="utf-8").replace("draft: false", f"draft: false\nstory: {strike}"),
                       encoding="utf-8")
    settings["GNEWS_SYNC_ON_BUILD"] = False  # synced above, at NOW
    english.build(**settings)
    japanese = Site(root / "ja")
    shutil.rmtree(japanese.content)
    shutil.copytree(english.content, japanese.content)
    shutil.copy(root / "en" / "gnews-state.json", root / "ja" / "gnews-state.json")
    japanese.build(**settings, DEFAULT_LANG="ja", TIMEZONE="Asia/Tokyo")
    return SimpleNamespace(en=english, ja=japanese, root=root, settings=settings)


def _page(site: Site, headline: str) -> str:
    return site.page(f"{_slug_of(site, headline)}.html")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_editions_from_urls_settings_and_channel_links():
    assert editions.from_url("https://news.google.com/rss?hl=en-GB&gl=GB&ceid=GB:en") == "GB"
    assert editions.from_url("https://news.google.com/rss?hl=pt-BR&gl=BR") == "BR"
    assert editions.from_url("https://news.google.com/rss?hl=en-IN") == "IN"
    assert editions.from_url("https://news.google.com/news?pz=1&ned=uk&hl=en") == ""  # 2012: no edition
    assert editions.from_url("feeds/world.xml") == ""
    assert editions.of_feed("", "feeds/world.xml", US_LINK) == "US"  # a local copy: its channel link
    assert editions.of_feed("gb", "https://news.google.com/rss?ceid=US:en") == "GB"  # the setting first
    assert feed_spec({"url": "x.xml", "edition": "GB:en"}) == FeedSpec("x.xml", "", edition="GB")
    with pytest.raises(SettingsError, match="edition a territory code"):
        feed_spec({"url": "x.xml", "edition": "Narnia"})
    assert editions.parse(["US:World", "GB:Business", "US:Politics", "XX:Nope", 7], "f.md:3") == {
        "US": ["World", "Politics"], "GB": ["Business"]}
    assert editions.entries({"US": ["World"], "JP": []}) == ["US:World", "JP"]


def test_the_sync_writes_editions_and_unions_them_on_a_join(spread_sites):
    site = spread_sites.en
    treaty = (site.content / "news" / f"{_slug_of(site, 'Delegates agree river treaty')}.md").read_text()
    assert "editions:\n- 'US:World'\n- 'GB:Business'\n" in treaty
    strike = (site.content / "news" / f"{_slug_of(site, 'Port strike enters third week')}.md").read_text()
    assert "editions:\n- 'US:World'\n" in strike and "GB:" not in strike
    state = SyncState.load(site.root / "gnews-state.json")
    record = next(r for r in state.stories.values() if r.file.endswith(f"{_slug_of(site, 'Delegates agree')}.md"))
    assert record.editions == {"US": ["World"], "GB": ["Business"]} and record.rank == 1


@pytest.mark.parametrize("language, both, only", [
    ("en", "Editions: United States, United Kingdom", "Only in the United States edition"),
    ("ja", "掲載版： アメリカ合衆国、イギリス", "アメリカ合衆国版のみ"),
])
def test_story_pages_and_cards_name_their_editions(spread_sites, language, both, only):
    site = getattr(spread_sites, language)
    treaty = _page(site, "Delegates agree river treaty")
    assert both in _text(re.search(r'<p class="editions"[^>]*>.*?</p>', treaty).group(0))
    assert only in _text(_page(site, "Council passes school budget"))  # the strike story has a UK story joined
    assert only not in _text(treaty)
    index = site.page("index.html")
    card = next(c for c in index.split('<article class="card">')[1:] if "Delegates agree river treaty" in c)
    assert both in _text(card[: card.index("</article>")])
    card = next(c for c in index.split('<article class="card">')[1:] if "Council passes school" in c)
    assert only in _text(card[: card.index("</article>")])


def test_a_site_of_one_edition_says_nothing_of_editions(tmp_path):
    feed = tmp_path / "us.xml"
    feed.write_text(feed_xml("World - Latest - Google News", US_LINK, "en-US", [TREATY, STRIKE]), encoding="utf-8")
    site = Site(tmp_path / "one")
    site.build(GNEWS_FEEDS=[str(feed)], GNEWS_SEARCH=False)
    assert "editions:\n- 'US:World'" in next((site.content / "news").glob("*.md")).read_text()
    for path in site.output.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert 'class="editions"' not in text and "<dt>Editions</dt>" not in text, path


def test_outlet_pages_count_stories_editions_sections_and_firsts(spread_sites):
    page = spread_sites.en.page("outlet/harbor-ledger.html")
    text = _text(page)
    # Harbor Ledger leads the treaty story (US World, UK Business), and is related coverage of the
    # strike story (US World, and UK Business by the markets story joined to it) and of the budget (US World).
    assert "In 3 stories: first outlet of 1, in the related coverage of 2." in text
    assert "<dt>Editions</dt><dd><bdi>United States</bdi> (3), <bdi>United Kingdom</bdi> (2)</dd>" in page
    assert "<dt>Sections</dt><dd><bdi>World</bdi> (3), <bdi>Business</bdi> (2)</dd>" in page
    japanese = _text(spread_sites.ja.page("outlet/harbor-ledger.html"))
    assert "アメリカ合衆国 (3)、イギリス (2)" in japanese


def _why(page: str) -> str:
    section = re.search(r'<section class="why".*?</section>', page, re.S).group(0)
    return _text(section.replace("<sup>", "^"))


def test_each_story_explains_its_place_with_rankings_figures(spread_sites):
    site = spread_sites.en
    state = ranking.load_facts({"PATH": str(site.content)})
    for headline in ("Delegates agree river treaty", "Port strike enters third week"):
        page = _page(site, headline)
        facts = state.by_file[f"news/{_slug_of(site, headline)}.md"]
        outlets = heading_count(page)
        at = facts.last_grew or facts.first_seen
        story = SimpleNamespace(facts=facts, sources_count=outlets, date=at)
        expected = ranking.score(story, at, site.settings)
        why = _why(page)
        assert f"Its best place in a Google News feed: {facts.rank}." in why
        assert f"Covered by {outlets} outlets." in why
        score = re.search(r"Score ([\d.]+) \(1/(\d+) × (\d+)\^([\d.]+)\) (at its last update|when first seen)", why)
        assert score, why
        assert float(score.group(1)) == round(expected, 3) and int(score.group(2)) == facts.rank
        assert int(score.group(3)) == outlets and score.group(4) == "0.1"
        assert "A score halves every 12 hours while no outlet joins." in why
        assert 'href="https://example.org/docs/ranking.html"' in page and "How stories are ranked" in why
    # The treaty story's best place is the US feed's first, not the UK feed's second.
    assert "best place in a Google News feed: 1." in _why(_page(site, "Delegates agree river treaty"))


def test_pins_and_merges_say_so(spread_sites):
    site = spread_sites.en
    assert "An editor pinned this story" in _why(_page(site, "Council passes school budget"))
    assert "An editor joined 1 other story to this one; its outlets count here." in _why(
        _page(site, "Port strike enters third week"))
    assert "An editor made this story part of another one" in _why(_page(site, "Markets rally on rate hopes"))
    japanese = spread_sites.ja
    why = _why(_page(japanese, "Council passes school budget"))
    assert "ランキング" in why or "順位" in why
    assert re.search(r"[A-Za-z]{4,}", why.replace("Google", "")) is None, why  # every word Japanese


def test_a_story_page_says_the_same_hours_later(spread_sites, tmp_path, monkeypatch):
    """What a page explains is stated as of the story's last update: a build
    seven hours later, with no story changed, shows the same figures (so the
    hourly incremental build keeps its page)."""

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(hours=7)

    later = Site(tmp_path / "later")
    shutil.rmtree(later.content)
    shutil.copytree(spread_sites.en.content, later.content)
    shutil.copy(spread_sites.root / "en" / "gnews-state.json", tmp_path / "later" / "gnews-state.json")
    monkeypatch.setattr(ranking, "datetime", Later)
    later.build(**spread_sites.settings)
    for headline in ("Delegates agree river treaty", "Port strike enters third week", "Council passes school"):
        before, after = _page(spread_sites.en, headline), _page(later, headline)
        for part in (r'<section class="why".*?</section>', r'<p class="editions".*?</p>'):
            assert re.search(part, before, re.S).group(0) == re.search(part, after, re.S).group(0), headline


def test_an_edited_story_keeps_its_bytes_and_still_gains_an_edition(tmp_path, caplog):
    """The editing rules hold: an item of a UK feed that joins a story whose
    file an editor changed leaves the file as it is; the state counts the
    edition and the page names it. A hand-written story's bad `editions:`
    is one warning with its file and line, and the story builds."""
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "us.xml").write_text(feed_xml("World - Latest - Google News", US_LINK, "en-US", [TREATY, STRIKE]),
                                  encoding="utf-8")
    (feeds / "gb.xml").write_text(feed_xml("Business - Latest - Google News", GB_LINK, "en-GB", [TREATY]),
                                  encoding="utf-8")
    site = Site(tmp_path / "site")
    config = from_pelican({**site.settings, "GNEWS_FEEDS": [str(feeds / "us.xml")]})
    assert sync(config, now=NOW).ok
    story = site.content / "news" / f"{_slug_of(site, 'Delegates agree river treaty')}.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Geneva", "Geneva (corrected)", 1), encoding="utf-8")
    edited = story.read_bytes()
    config = from_pelican({**site.settings, "GNEWS_FEEDS": [str(feeds / "gb.xml")]})
    assert sync(config, now=NOW + timedelta(hours=1)).ok
    assert story.read_bytes() == edited
    site.write("hand.md", '---\ntitle: "Hand-written <script>"\ndate: 2026-01-09\ncategories: [World]\n'
                          "editions:\n- 'GB:<b>Politics</b>'\n- 'Atlantis:Sea'\n---\n")
    caplog.set_level("WARNING")
    site.build(GNEWS_FEEDS=[str(feeds / "us.xml"), str(feeds / "gb.xml")], GNEWS_SYNC_ON_BUILD=False,
               GNEWS_SEARCH=False)
    assert "Editions: United States, United Kingdom" in _text(_page(site, "Delegates agree river treaty"))
    assert any("hand.md:5: editions: 'Atlantis:Sea' names no edition" in r.getMessage() for r in caplog.records)
    hand = site.page("hand-written-script.html")
    assert "Only in the <bdi>United Kingdom</bdi> edition" in hand


def test_the_published_site_links_the_ranking_docs_of_its_own_repository(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("GITHUB_REPOSITORY", "someone/their-news")
    monkeypatch.delenv("GITHUB_SERVER_URL", raising=False)
    settings = read_settings(str(ROOT / "publishconf.py"))
    assert settings["GNEWS_RANKING_DOCS_URL"] == ("https://github.com/someone/their-news/blob/HEAD/docs/"
                                                  "joining-and-ranking.md#why-a-story-is-where-it-is")
    assert [p for p in problems(settings) if p[0] == "GNEWS_RANKING_DOCS_URL"] == []
    monkeypatch.delenv("GITHUB_REPOSITORY")
    assert "GNEWS_RANKING_DOCS_URL" not in read_settings(str(ROOT / "publishconf.py"))  # the default: no link
