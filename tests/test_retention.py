"""Retention: stories leave the pages after GNEWS_RETENTION_DAYS for one line
in a monthly archive; pinned and edited stories stay; the state is pruned;
nothing is lost if a person writes into a file as it leaves."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from feedmaker import Item, Related, feed_xml

from pelican_gnews import frontmatter
from pelican_gnews.ingest import archive, atomic
from pelican_gnews.ingest.state import SyncState
from pelican_gnews.ingest.sync import sync
from pelican_gnews.settings import from_pelican

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


def items(day: int, count: int, prefix: str = "Story") -> list[Item]:
    """`count` stories published on day `day` after T0, each with one
    related outlet."""
    when = T0 + timedelta(days=day)
    return [Item(f"{prefix} {day} number {n} about harbour works", f"Outlet {n % 3}",
                 f"https://o{n % 3}.example", f"https://o{n % 3}.example/{prefix}/{day}/{n}",
                 when + timedelta(minutes=n),
                 [Related(f"Other view {day} {n}", "Second Outlet", f"https://second.example/{day}/{n}")])
            for n in range(count)]


class Rolling:
    """A site synced day after day from one feed that holds that day's stories."""

    def __init__(self, tmp_path: Path, **settings):
        self.root = tmp_path
        self.content = tmp_path / "content"
        self.content.mkdir(exist_ok=True)
        self.feed = tmp_path / "feed.xml"
        self.config = from_pelican({"PATH": str(self.content), "GNEWS_FEEDS": [str(self.feed)], **settings})

    def day(self, day: int, stories: list[Item], hours: float = 1):
        self.feed.write_text(feed_xml("World - Latest - Google News", "https://news.google.com/topics/W",
                                      "en-US", stories), encoding="utf-8")
        report = sync(self.config, now=T0 + timedelta(days=day, hours=hours))
        assert report.ok, report.failed[0].error
        return report

    def files(self) -> dict[str, Path]:
        return {p.stem: p for p in (self.content / "news").glob("*.md")}

    def state(self) -> SyncState:
        return SyncState.load(self.config.state_file)

    def archived(self) -> list[archive.Entry]:
        return [e for path in archive.month_files(self.config.archive_dir).values()
                for e in archive.read_month(path)]


def test_a_story_crosses_the_window_into_the_monthly_archive(tmp_path):
    site = Rolling(tmp_path)
    site.day(0, items(0, 3))
    old = site.files()
    assert len(old) == 3
    report = site.day(10, items(10, 2))
    assert report.retention.archived == 3
    assert len(site.files()) == 2 and not set(site.files()) & set(old)
    assert not any(path.exists() for path in old.values())
    entries = site.archived()
    assert sorted(e.slug for e in entries) == sorted(old)
    first = next(e for e in entries if e.headline == "Story 0 number 0 about harbour works")
    assert (first.outlet, first.sources, first.date) == ("Outlet 0", 2, T0)
    assert first.link.startswith("https://news.google.com/rss/articles/")
    assert list(archive.month_files(site.config.archive_dir)) == ["2026-03"]
    # The state keeps the window's stories only.
    assert len(site.state().stories) == 2
    # The old items still in a feed do not come back as stories.
    report = site.day(10, items(0, 3) + items(10, 2), hours=2)
    assert report.results[0].too_old == 3 and not report.results[0].written
    assert len(site.files()) == 2 and len(site.archived()) == 3


def test_pinned_and_edited_old_stories_keep_their_pages(tmp_path):
    site = Rolling(tmp_path)
    site.day(0, items(0, 4))
    plain, edited, pin, unpinned = (site.files()[s] for s in sorted(site.files()))
    edited.write_text(edited.read_text(encoding="utf-8") + "\nAn editor's note.\n", encoding="utf-8")
    pin.write_text(pin.read_text(encoding="utf-8").replace("draft: false", "draft: false\npinned: true"),
                   encoding="utf-8")
    unpinned.write_text(unpinned.read_text(encoding="utf-8").replace("draft: false", "draft: false\npinned: false")
                        + "\nNoted, and let go.\n", encoding="utf-8")
    kept = {edited.name: edited.read_bytes(), pin.name: pin.read_bytes()}

    report = site.day(10, items(10, 1))
    assert (report.retention.archived, report.retention.kept_pinned, report.retention.kept_edited) == (2, 1, 1)
    assert not plain.exists() and not unpinned.exists()
    assert {p.name: p.read_bytes() for p in (edited, pin)} == kept
    assert sorted(e.slug for e in site.archived()) == sorted([plain.stem, unpinned.stem])
    # Still kept, byte for byte, a month later; the state still knows them.
    site.day(40, items(40, 1))
    assert {p.name: p.read_bytes() for p in (edited, pin)} == kept
    files = {r.file for r in site.state().stories.values()}
    assert {f"news/{edited.name}", f"news/{pin.name}"} <= files


@pytest.mark.slow
def test_the_state_and_the_pages_follow_the_window_not_the_age(tmp_path):
    site = Rolling(tmp_path, GNEWS_RETENTION_DAYS=5, GNEWS_IDENTITY_WINDOW=24)
    sizes = []
    for day in range(40):
        site.day(day, items(day, 6))
        sizes.append((len(site.state().stories), len(site.files())))
    # Pages: the last 5 days (and the day the window starts in); state: a
    # day of identity window more. Neither grows after the first week.
    assert max(pages for _, pages in sizes) <= 6 * 6
    assert max(stories for stories, _ in sizes) <= 7 * 6
    assert sizes[-1] == sizes[20]
    assert len(site.archived()) == 40 * 6 - sizes[-1][1]
    assert len({e.id for e in site.archived()}) == len(site.archived())


def test_archive_months_past_their_limit_are_removed(tmp_path):
    site = Rolling(tmp_path, GNEWS_RETENTION_DAYS=2, GNEWS_ARCHIVE_MONTHS=1)
    for day in (0, 35, 70, 100):
        site.day(day, items(day, 1))
    months = list(archive.month_files(site.config.archive_dir))
    # The window starts in June (day 98); May is kept, March and April go.
    assert months == ["2026-05"]


def test_adding_an_archive_line_twice_changes_nothing(tmp_path):
    entry = archive.Entry(id="abc", date=T0, headline='Quote " and \n newline', outlet="O", link="https://x.example/",
                          sources=3, slug="quote-and-newline")
    (tmp_path / "tmp").mkdir()
    assert archive.add(tmp_path, [entry, entry], tmp_path / "tmp") == 1
    before = (tmp_path / "2026-03.jsonl").read_bytes()
    assert archive.add(tmp_path, [entry], tmp_path / "tmp") == 0
    assert (tmp_path / "2026-03.jsonl").read_bytes() == before
    assert before.count(b"\n") == 1
    # Read back as text is read everywhere: one line, spaces collapsed.
    assert archive.read_month(tmp_path / "2026-03.jsonl") == [replace(entry, headline='Quote " and newline')]


def test_a_broken_archive_line_is_reported_with_its_line_and_kept(tmp_path, caplog):
    good = archive.Entry(id="a", date=T0, headline="Fine", outlet="O", link="", sources=1, slug="fine")
    path = tmp_path / "2026-03.jsonl"
    path.write_text(good.as_line() + "\n{broken\n" + json.dumps({"id": "b"}) + "\n", encoding="utf-8")
    assert archive.read_month(path) == [good]
    assert f"{path}:2:" in caplog.text and f"{path}:3:" in caplog.text
    (tmp_path / "tmp").mkdir()
    later = archive.Entry(id="c", date=T0, headline="Later", outlet="O", link="", sources=1, slug="later")
    archive.add(tmp_path, [later], tmp_path / "tmp")
    assert "{broken" in path.read_text(encoding="utf-8")  # a person's line is never dropped


def test_archive_lines_are_grouped_by_day_and_a_misplaced_one_is_reported(tmp_path, caplog):
    from pelican_gnews.publish.archive_pages import collect_months

    content = tmp_path / "content"
    (content / "archive").mkdir(parents=True)
    lines = [archive.Entry(id=str(n), date=T0 + timedelta(hours=12 * n), headline=f"H{n}", outlet="O", link="",
                           sources=1, slug=f"s{n}") for n in range(4)]
    stray = replace(lines[0], id="x", date=datetime(2026, 2, 27, tzinfo=timezone.utc), slug="stray")
    (content / "archive" / "2026-03.jsonl").write_text("\n".join(e.as_line() for e in [*lines, stray]) + "\n",
                                                      encoding="utf-8")
    [month] = collect_months([], {"PATH": str(content), "GNEWS_FEEDS": []})
    # T0 is 2 March 09:00: two lines on the 2nd, two on the 3rd; the line
    # dated February is shown on the month's first day, with a warning.
    assert [(d.number, d.count) for d in month.day_list()] == [(3, 2), (2, 2), (1, 1)]
    assert f"{content / 'archive' / '2026-03.jsonl'}:5: a line dated 2026-02-27" in caplog.text
    assert [line.anchor for line in month.days[2].lines] == ["s1", "s0"]  # newest first
    assert [line.anchor for line in month.days[1].lines] == ["stray"]
    assert month.days[2].older is month.days[1] and month.days[2].newer is month.days[3]


def test_a_story_back_on_the_site_replaces_its_line_and_a_new_one_with_its_slug_does_not(tmp_path):
    from types import SimpleNamespace

    from pelican_gnews.publish.archive_pages import collect_months

    content = tmp_path / "content"
    (content / "archive").mkdir(parents=True)
    old = [archive.Entry(id=str(n), date=T0, headline=f"Weather today {n}", outlet="O",
                         link=f"https://news.google.com/rss/articles/A{n}", sources=1, slug=f"weather-today-{n}")
           for n in range(2)]
    (content / "archive" / "2026-03.jsonl").write_text("".join(e.as_line() + "\n" for e in old), encoding="utf-8")

    def live(entry, link):
        return SimpleNamespace(slug=entry.slug, link=link, date=T0 + timedelta(hours=1), url=f"{entry.slug}.html",
                               title=entry.headline, headline=entry.headline, outlet="O", sources_count=1,
                               foreign_lang="")

    # Story 0 restored by an editor (same slug and link); a new story took
    # story 1's slug once it was archived (another link).
    [month] = collect_months([live(old[0], old[0].link), live(old[1], "https://news.google.com/rss/articles/B")],
                             {"PATH": str(content), "GNEWS_FEEDS": []})
    [day] = month.day_list()
    lines = [(line.anchor, line.internal) for line in day.lines]
    # The live story keeps its slug as anchor; the archived one is told apart.
    assert sorted(lines) == [("weather-today-0", True), ("weather-today-1", True), ("weather-today-1-2", False)]
    assert day.count == month.count == 3


def test_a_file_written_into_as_it_leaves_goes_back(tmp_path, monkeypatch):
    site = Rolling(tmp_path)
    site.day(0, items(0, 1))
    [path] = site.files().values()
    remove = atomic.remove_unchanged

    def editor_writes_late(target, expected, temp_dir):
        held = remove(target, expected, temp_dir)
        # The editor's program still had the file open and saves into it.
        with open(held.held, "ab") as handle:
            handle.write(b"\nA late note.\n")
        return held

    monkeypatch.setattr(atomic, "remove_unchanged", editor_writes_late)
    report = site.day(10, items(10, 1))
    assert report.retention.archived == 0 and report.retention.kept_edited == 1
    assert path.read_bytes().endswith(b"A late note.\n")
    record = next(r for r in site.state().stories.values() if r.file == f"news/{path.name}")
    assert record.sha256 is None  # a person's file from now on
    meta, _ = frontmatter.read(path)
    assert meta["title"].startswith("Story 0 number 0")


def test_retention_off_keeps_every_story(tmp_path):
    site = Rolling(tmp_path, GNEWS_RETENTION_DAYS=0)
    site.day(0, items(0, 2))
    report = site.day(400, items(400, 1))
    assert len(site.files()) == 3 and report.retention.archived == 0 and not site.archived()
