"""Every day in the site's time zone (issue 23, point 4): archive day and
month pages, their counts, the 404 page's lookup and the day links group
stories by the day of TIMEZONE, the day printed beside each story.

Archive lines are filed by their UTC month (ingest/archive.py); a line near
a month's end belongs to the next (Tokyo) or the previous (São Paulo) local
month. Real Pelican builds of story files and archive lines written here:
a Tokyo, a São Paulo and a UTC site (each built once for the module), and a
site whose TIMEZONE changes between incremental builds.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from html import unescape
from pathlib import Path

import pytest
from conftest import Site, site_files

from pelican_gnews.ingest import archive

# Live stories (with a page): slug, UTC time.
STORIES = {
    "s-mid-january": datetime(2026, 1, 16, 22, 32, tzinfo=timezone.utc),
    "s-end-january": datetime(2026, 1, 31, 20, 0, tzinfo=timezone.utc),
    "s-start-february": datetime(2026, 2, 1, 1, 0, tzinfo=timezone.utc),
}
# Archived stories (a line in their UTC month's file): slug, UTC time.
LINES = {
    "a-new-year": datetime(2025, 12, 31, 16, 0, tzinfo=timezone.utc),
    "a-first-january": datetime(2026, 1, 1, 1, 30, tzinfo=timezone.utc),
    "a-before-tokyo-midnight": datetime(2026, 1, 16, 14, 59, tzinfo=timezone.utc),
    "a-tokyo-midnight": datetime(2026, 1, 16, 15, 0, tzinfo=timezone.utc),
    "a-end-january": datetime(2026, 1, 31, 20, 0, tzinfo=timezone.utc),
    "a-start-february": datetime(2026, 2, 1, 1, 0, tzinfo=timezone.utc),
    "a-end-february": datetime(2026, 2, 28, 23, 0, tzinfo=timezone.utc),
}

# What each site shows: {month: {day: [(slug, time printed), newest first]}}.
EXPECTED = {
    "UTC": {
        "2025-12": {31: [("a-new-year", "16:00")]},
        "2026-01": {1: [("a-first-january", "01:30")],
                    16: [("s-mid-january", "22:32"), ("a-tokyo-midnight", "15:00"),
                         ("a-before-tokyo-midnight", "14:59")],
                    31: [("s-end-january", "20:00"), ("a-end-january", "20:00")]},
        "2026-02": {1: [("s-start-february", "01:00"), ("a-start-february", "01:00")],
                    28: [("a-end-february", "23:00")]},
    },
    "Asia/Tokyo": {  # UTC+9
        "2026-01": {1: [("a-first-january", "10:30"), ("a-new-year", "01:00")],
                    16: [("a-before-tokyo-midnight", "23:59")],
                    17: [("s-mid-january", "07:32"), ("a-tokyo-midnight", "00:00")]},
        "2026-02": {1: [("s-start-february", "10:00"), ("a-start-february", "10:00"),
                        ("s-end-january", "05:00"), ("a-end-january", "05:00")]},
        "2026-03": {1: [("a-end-february", "08:00")]},
    },
    "America/Sao_Paulo": {  # UTC-3, no summer time since 2019
        "2025-12": {31: [("a-first-january", "22:30"), ("a-new-year", "13:00")]},
        "2026-01": {16: [("s-mid-january", "19:32"), ("a-tokyo-midnight", "12:00"),
                         ("a-before-tokyo-midnight", "11:59")],
                    31: [("s-start-february", "22:00"), ("a-start-february", "22:00"),
                         ("s-end-january", "17:00"), ("a-end-january", "17:00")]},
        "2026-02": {28: [("a-end-february", "20:00")]},
    },
}


def story_file(slug: str, when: datetime) -> str:
    link = f"https://news.example/{slug}"
    return (f"---\ntitle: \"Story {slug} - Harbor Ledger\"\ndate: {when.isoformat()}\nslug: \"{slug}\"\n"
            f"link: '{link}'\ncategories:\n- 'World'\ntags:\n- 'harbor'\ndraft: false\n---\n"
            f'<ol><li><a href="{link}" target="_blank">Story {slug}</a>&nbsp;&nbsp;'
            f'<font color="#6f6f6f">Harbor Ledger</font></li></ol>\n')


def make_site(root: Path, zone: str, **overrides) -> Site:
    site = Site(root)
    site.settings.update(TIMEZONE=zone, CACHE_PATH=str(root / "cache"), **overrides)
    for slug, when in STORIES.items():
        site.write(f"news/{slug}.md", story_file(slug, when))
    by_month: dict[str, list[str]] = {}
    for slug, when in LINES.items():
        entry = archive.Entry(id=slug, date=when, headline=f"Line {slug}", outlet="Valley Post",
                              link=f"https://valley.example/{slug}", sources=2, slug=slug)
        by_month.setdefault(archive.month_of(when), []).append(entry.as_line() + "\n")
    for month, lines in by_month.items():
        site.write(f"archive/{month}{archive.SUFFIX}", "".join(lines))
    return site


def built(tmp_path_factory, zone: str) -> Site:
    site = make_site(tmp_path_factory.mktemp(zone.replace("/", "-")), zone)
    site.build()
    return site


@pytest.fixture(scope="module")
def tokyo(tmp_path_factory) -> Site:
    return built(tmp_path_factory, "Asia/Tokyo")


@pytest.fixture(scope="module")
def sao_paulo(tmp_path_factory) -> Site:
    return built(tmp_path_factory, "America/Sao_Paulo")


@pytest.fixture(scope="module")
def utc(tmp_path_factory) -> Site:
    return built(tmp_path_factory, "UTC")


def count(html: str) -> int:
    """The story count a page's heading line gives ("5 stories")."""
    text = re.search(r'<p class="count">(.*?)</p>', html, re.DOTALL).group(1)
    return int(re.search(r"(\d+) stor(?:y|ies)", re.sub(r"<[^>]+>", "", text)).group(1))


def day_lines(html: str) -> list[tuple[str, str]]:
    """A day page's stories: (anchor, time printed), in page order."""
    return [(anchor, time) for anchor, time in
            re.findall(r'<li id="([^"]+)"><time datetime="[^"]+">([0-9:]+) [^<]*</time>', html)]


def month_days(html: str) -> dict[int, int]:
    """A month page's days with their counts."""
    found = re.findall(r'<li><a href="[^"]*archive/\d{4}/\d{2}/(\d{2})/"><time datetime="([0-9-]+)">.*?</a> '
                       r'<span class="count">(.*?)</span>', html)
    return {int(day): int(re.sub(r"\D", "", unescape(re.sub(r"<[^>]+>", "", n)))) for day, _, n in found}


def archive_pages(site: Site) -> set[str]:
    root = site.output / "archive"
    return {p.parent.relative_to(root).as_posix() for p in root.rglob("index.html")}


SITES = {"UTC": "utc", "Asia/Tokyo": "tokyo", "America/Sao_Paulo": "sao_paulo"}


@pytest.fixture(params=list(SITES))
def case(request):
    zone = request.param
    return request.getfixturevalue(SITES[zone]), EXPECTED[zone]


def test_stories_sit_on_their_local_days_with_their_local_times(case):
    site, expected = case
    pages = {f"{m[:4]}/{m[5:]}" for m in expected} | {
        f"{m[:4]}/{m[5:]}/{day:02d}" for m, days in expected.items() for day in days}
    assert archive_pages(site) == pages
    for month, days in expected.items():
        for day, lines in days.items():
            page = site.page(f"archive/{month[:4]}/{month[5:]}/{day:02d}/index.html")
            assert day_lines(page) == lines, (month, day)
            assert count(page) == len(lines)


def test_month_pages_and_the_archives_count_local_days(case):
    site, expected = case
    for month, days in expected.items():
        page = site.page(f"archive/{month[:4]}/{month[5:]}/index.html")
        assert month_days(page) == {day: len(lines) for day, lines in days.items()}, month
        assert count(page) == sum(len(lines) for lines in days.values())
    listing = site.page("archives.html")
    links = re.findall(r'<li><a href="[^"]*archive/(\d{4})/(\d{2})/">.*?</a> <span class="count">(.*?)</span>',
                       listing)
    assert [(f"{y}-{m}", int(re.sub(r"\D", "", re.sub(r"<[^>]+>", "", n)))) for y, m, n in links] == [
        (month, sum(len(lines) for lines in days.values())) for month, days in sorted(expected.items(),
                                                                                     reverse=True)]


def test_the_day_pages_link_their_neighbouring_local_days(case):
    site, expected = case
    order = [(month, day) for month in sorted(expected) for day in sorted(expected[month])]
    for n, (month, day) in enumerate(order):
        page = site.page(f"archive/{month[:4]}/{month[5:]}/{day:02d}/index.html")
        newer = re.search(r'<a rel="prev" href="[^"]*archive/(\d{4})/(\d{2})/(\d{2})/"', page)
        older = re.search(r'<a rel="next" href="[^"]*archive/(\d{4})/(\d{2})/(\d{2})/"', page)
        assert (newer and (f"{newer[1]}-{newer[2]}", int(newer[3]))) == (order[n + 1] if n + 1 < len(order) else None)
        assert (older and (f"{older[1]}-{older[2]}", int(older[3]))) == (order[n - 1] if n else None)
        # The day's heading names the local day.
        assert re.search(rf"<h1>Archive: \w+, \w+ {day}, {month[:4]}</h1>", page), (month, day)
        # And it links to the local month it is in.
        assert re.search(rf'<p class="count">.*?<a href="[^"]*archive/{month[:4]}/{month[5:]}/">', page), (month, day)


def test_the_404_lookup_finds_an_archived_story_on_its_local_day(case):
    site, expected = case
    months = json.loads(site.page("archive/months.json"))
    assert [m["month"] for m in months] == sorted(expected, reverse=True)
    for entry in months:
        looked_up = dict(line.split("\t")[:2] for line in site.page(entry["urls"]).splitlines())
        archived = {f"{slug}.html": f"{day:02d}" for day, lines in expected[entry["month"]].items()
                    for slug, _ in lines if slug in LINES}
        assert looked_up == archived, entry["month"]
        assert entry["days"] == f"archive/{entry['month'][:4]}/{entry['month'][5:]}/{{day}}/"


def test_a_story_page_prints_the_day_its_archive_page_is(tokyo):
    # 22:32 UTC on 16 January is 07:32 on the 17th in Tokyo.
    page = tokyo.page("s-mid-january.html")
    assert re.search(r"Jan 17, 2026[^<]*7:32", unescape(page))


INCREMENTAL = {"GNEWS_INCREMENTAL": True, "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True,
               "CHECK_MODIFIED_METHOD": "md5", "CONTENT_CACHING_LAYER": "reader"}
# Lines added to February's file between builds: on Tokyo's 1 February
# (with lines of January's file) and 1 March.
LATE = {"a-late-first-february": datetime(2026, 2, 1, 0, 30, tzinfo=timezone.utc),
        "a-tokyo-march": datetime(2026, 2, 28, 16, 0, tzinfo=timezone.utc)}


def add_lines(site: Site, lines: dict[str, datetime]) -> None:
    path = site.content / "archive" / "2026-02.jsonl"
    with path.open("a", encoding="utf-8") as handle:
        for slug, when in lines.items():
            handle.write(archive.Entry(id=slug, date=when, headline=f"Line {slug}", outlet="Valley Post",
                                       link=f"https://valley.example/{slug}", sources=1, slug=slug).as_line() + "\n")


@pytest.mark.slow
def test_a_timezone_change_between_incremental_builds_moves_the_stories(tmp_path, tokyo, sao_paulo):
    site = make_site(tmp_path / "site", "Asia/Tokyo", **INCREMENTAL)
    site.build()
    assert (site.root / "cache" / "gnews-archive.pickle").is_file()
    assert site_files(site.output) == site_files(tokyo.output)
    site.build(TIMEZONE="America/Sao_Paulo")
    assert site_files(site.output) == site_files(sao_paulo.output)
    site.build()
    assert site_files(site.output) == site_files(tokyo.output)
    # Unchanged settings: January's file is known to the cache and read
    # only for the pages of Tokyo's February it has lines on.
    add_lines(site, LATE)
    site.build()
    stats = json.loads((site.root / "cache" / "gnews-build-stats.json").read_text())
    assert stats["kept"] > 0
    cold = make_site(tmp_path / "cold", "Asia/Tokyo")
    add_lines(cold, LATE)
    cold.build()
    assert site_files(site.output) == site_files(cold.output)
    february = day_lines(site.page("archive/2026/02/01/index.html"))
    assert [slug for slug, _ in february] == ["s-start-february", "a-start-february", "a-late-first-february",
                                              "s-end-january", "a-end-january"]
    assert day_lines(site.page("archive/2026/03/01/index.html")) == [("a-end-february", "08:00"),
                                                                   ("a-tokyo-march", "01:00")]


def test_the_archive_cache_knows_the_zone_it_grouped_in(tmp_path):
    from pelican_gnews.publish.archive_pages import collect_months

    site = make_site(tmp_path / "site", "UTC")
    settings = {"PATH": str(site.content), "GNEWS_FEEDS": [], "GNEWS_INCREMENTAL": True,
                "CACHE_PATH": str(tmp_path / "cache"), "LOAD_CONTENT_CACHE": True}
    for zone in ("Asia/Tokyo", "America/Sao_Paulo", "Asia/Tokyo"):
        months = collect_months([], {**settings, "TIMEZONE": zone})
        assert {m.name: sorted(m.days) for m in months} == {
            month: sorted(days) for month, days in EXPECTED[zone].items()}, zone
        assert (tmp_path / "cache" / "gnews-archive.pickle").is_file()


def test_a_timezone_that_names_no_zone_is_utc_with_one_line(tmp_path, utc, caplog):
    site = make_site(tmp_path / "site", "Mars/Olympus")
    site.build()
    named = [r for r in caplog.records if "Mars/Olympus" in r.getMessage()]
    assert len(named) == 1 and named[0].exc_info is None
    archived = {name: data for name, data in site_files(site.output).items() if name.startswith("archive/")}
    assert archived and archived == {name: data for name, data in site_files(utc.output).items()
                                     if name.startswith("archive/")}
