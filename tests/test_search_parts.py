"""The search index in parts (publish/search.py): where the parts are cut
depends on the pages alone, so an hour's new stories change the newest part
and an expired story the oldest; a build makes again only the parts whose
pages changed, and the index then holds what a cold build's holds; the
search page searches all its language's parts as one, in real Chromium."""

from __future__ import annotations

import random
import re
import shutil
import threading
from collections import ChainMap
from datetime import datetime, timedelta, timezone

import pytest
from conftest import SEED_STORY, Site, search_fragments, search_index, serve

from pelican_gnews.publish import freshness
from pelican_gnews.publish.search import LONGEST, RECORD_NAME, IndexJob, StoryPage, parts_for, plan_parts

T0 = datetime(2026, 1, 9, 8, 0, tzinfo=timezone.utc)


def pages(numbers, language: str = "en") -> list[StoryPage]:
    return [StoryPage(f"{language}/story-{n}.html", language, float(n), f"fingerprint {n}") for n in numbers]


def cut(parts) -> list[list[str]]:
    return [[page.name for page in part.pages] for part in parts]


def test_parts_are_cut_by_the_pages_alone_whatever_order_they_come_in():
    every = pages(range(2000)) + pages(range(300), language="sv")
    shuffled = random.Random(7).sample(every, len(every))
    parts = plan_parts(every, 64)
    assert cut(plan_parts(shuffled, 64)) == cut(parts)
    assert sorted(name for part in cut(parts) for name in part) == sorted(page.name for page in every)
    assert {part.language for part in parts} == {"en", "sv"}
    assert all(len({page.language for page in part.pages}) == 1 for part in parts)
    assert all(len(part.pages) <= LONGEST * 64 for part in parts)
    assert 2300 / 64 / 3 < len(parts) < 2300 / 64 * 3  # about one part per 64 pages
    # Each part holds stories next to each other in date order.
    for part in parts:
        times = [page.when for page in part.pages]
        assert times == sorted(times)


def test_a_new_story_changes_the_newest_part_and_an_expired_one_the_oldest():
    before = plan_parts(pages(range(1000)), 32)
    grown = plan_parts(pages(range(1000 + 30)), 32)  # an hour's 30 new stories, the newest
    assert cut(grown)[: len(before) - 1] == cut(before)[:-1]
    expired = plan_parts(pages(range(30, 1000)), 32)  # the 30 oldest left the site
    assert cut(expired)[1:] == cut(before)[-len(expired) + 1:]
    # A story in the middle changes its own part only (or cuts it in two).
    middle = plan_parts(pages([*range(1000), 500.5]), 32)
    assert len([p for p in cut(middle) if p not in cut(before)]) <= 2
    gone = [p for p in cut(before) if p not in cut(middle)]
    assert len(gone) == 1 and {"en/story-500.html", "en/story-501.html"} & set(gone[0])


def test_a_part_is_made_again_when_a_page_in_it_changed_and_its_name_holds():
    before = plan_parts(pages(range(200)), 16)
    after = plan_parts([*pages(range(199)), StoryPage("en/story-199.html", "en", 199.0, "edited")], 16)
    assert [part.name for part in after] == [part.name for part in before]
    changed = [a.name for a, b in zip(after, before, strict=True) if a.digest("tool") != b.digest("tool")]
    assert changed == [before[-1].name]
    assert before[0].digest("tool") != before[0].digest("another Pagefind")
    unknown = plan_parts([StoryPage("a.html", "en", 0.0, None)], 16)
    assert unknown[0].digest("tool") is None  # never taken as unchanged


def test_a_search_page_lists_its_languages_parts_newest_first_or_else_the_largest_languages():
    parts = plan_parts(pages(range(100)) + pages(range(300), language="sv") + pages(range(5), language="ja"), 8)
    swedish = [part.name for part in parts if part.language == "sv"]
    assert parts_for(parts, "sv") == swedish[::-1]
    assert parts_for(parts, "ja") == [part.name for part in parts if part.language == "ja"][::-1]
    assert parts_for(parts, "en") == [part.name for part in parts if part.language == "en"][::-1]
    assert parts_for(parts, "de") == swedish[::-1]  # no German story: Pagefind's own fallback
    assert parts_for([], "en") == []


def story(n: int, hours: float, headline: str = "") -> str:
    """The seed story as story n, published `hours` after T0, its headline
    starting with `headline`."""
    when = (T0 + timedelta(hours=hours)).isoformat()
    return (SEED_STORY.read_text(encoding="utf-8")
            .replace('slug: "', f'slug: "s{n}-', 1)
            .replace('title: "', f'title: "{headline or f"Story {n}"}: ', 1)
            .replace("date: 2026-01-09", f"date: {when}", 1))


def parts_listed(output, page: str = "search.html") -> list[str]:
    listed = re.search(r'data-parts="([^"]*)"', (output / page).read_text(encoding="utf-8")).group(1)
    return re.findall(r"[0-9a-f]{12}", listed)


def part_stamps(output) -> dict[str, int]:
    """Each part's folder, with when Pagefind last made it."""
    return {p.name: (p / "pagefind-entry.json").stat().st_mtime_ns for p in (output / "pagefind").iterdir()}


def made(output, before: dict[str, int]) -> set[str]:
    """The parts made since `before`."""
    return {name for name, stamp in part_stamps(output).items() if before.get(name) != stamp}


def twelve_stories(tmp_path) -> tuple[Site, dict]:
    """Twelve stories an hour apart, built incrementally in parts of three
    pages on average: the site and its settings."""
    site = Site(tmp_path / "site")
    for n in range(12):
        site.write(f"news/story-{n}.md", story(n, n))
    settings = {"GNEWS_SEARCH": True, "GNEWS_INCREMENTAL": True, "CACHE_PATH": str(site.root / "cache"),
                "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "GNEWS_SEARCH_PART_PAGES": 3}
    site.build(**settings)
    return site, settings


def test_an_incremental_build_makes_the_changed_parts_only_and_holds_what_a_cold_one_does(tmp_path, errors):
    site, settings = twelve_stories(tmp_path)
    stamps = part_stamps(site.output)
    assert len(stamps) > 2 and sorted(parts_listed(site.output)) == sorted(stamps)

    site.build(**settings)  # nothing changed: no part made
    assert part_stamps(site.output) == stamps

    # The index of an earlier layout (one bundle) goes; a record that cannot
    # be read makes every part again.
    (site.output / "pagefind" / "pagefind.js").write_text("", encoding="utf-8")
    (site.output / "pagefind" / "fragment").mkdir()
    (site.root / "cache" / "gnews-search.json").write_text("{not json", encoding="utf-8")
    site.build(**settings)
    assert made(site.output, stamps) == set(stamps) == set(part_stamps(site.output))
    stamps = part_stamps(site.output)

    site.write("news/story-12.md", story(12, 12))  # the newest story
    (site.content / "news" / "story-0.md").unlink()  # the oldest leaves
    site.build(**settings)
    now = part_stamps(site.output)
    assert 1 <= len(made(site.output, stamps)) <= 3 < len(now)
    assert sum(search_index(site.output).values()) == 12
    incremental = search_fragments(site.output)
    listed = parts_listed(site.output)
    assert sorted(listed) == sorted(now)

    cold = Site(tmp_path / "cold")
    for path in (site.content / "news").iterdir():
        cold.write(f"news/{path.name}", path.read_text(encoding="utf-8"))
    cold.build(**{**settings, "CACHE_PATH": str(cold.root / "cache")})
    assert search_fragments(cold.output) == incremental
    assert parts_listed(cold.output) == listed
    assert errors() == []


def test_kept_pages_pagefind_reads_get_the_sync_time_once_it_is_done(tmp_path, monkeypatch):
    """Kept pages get the last sync's time in place (freshness.restamp)
    while Pagefind still indexes, except the story pages of the parts it
    makes again: it reads those through hard links, which share their bytes."""
    site, settings = twelve_stories(tmp_path)
    # Pagefind held back until the writer waits for it: any page restamped
    # before that is restamped while it runs.
    jobs, calls, gate = [], [], threading.Event()
    index, wait, restamp, stamp = IndexJob._index, IndexJob.wait, freshness.restamp, freshness.current_stamp

    def held_index(self, todo, runs):
        jobs.append(self)
        gate.wait(60)
        index(self, todo, runs)

    def opened_wait(self):
        gate.set()
        wait(self)

    def spy(output_path, names, new_stamp):
        names = list(names)
        calls.append((names, jobs[-1]._thread.is_alive()))
        return restamp(output_path, names, new_stamp)

    monkeypatch.setattr(IndexJob, "_index", held_index)
    monkeypatch.setattr(IndexJob, "wait", opened_wait)
    monkeypatch.setattr(freshness, "restamp", spy)
    monkeypatch.setattr(freshness, "current_stamp",  # a sync since the last build
                        lambda context: stamp(ChainMap({"GNEWS_SYNCED": "2026-01-10T08:00:00+00:00"}, context)))
    site.write("news/story-12.md", story(12, 12))  # the newest part is made again
    site.build(**settings)
    read = jobs[-1].reading()
    restamped = {name for names, _ in calls for name in names}
    assert read & restamped  # kept story pages of a part made again
    assert restamped - read  # and other kept pages
    assert not [name for names, running in calls if running for name in names if name in read]
    assert [name for names, running in calls if running for name in names]  # the others meanwhile
    for name in read & restamped:
        assert '<time datetime="2026-01-10T08:00:00+00:00">' in (site.output / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def parted_site(tmp_path_factory) -> Site:
    """Ten stories an hour apart, in parts of two pages on average."""
    site = Site(tmp_path_factory.mktemp("parts") / "site")
    for n in range(10):
        site.write(f"news/story-{n}.md", story(n, n, headline=f"Harbour crane number {n} lifted"))
    site.build(GNEWS_SEARCH=True, GNEWS_SEARCH_PART_PAGES=2)
    assert len(parts_listed(site.output)) > 2
    return site


def numbers(headlines: list[str]) -> list[int]:
    return [int(re.search(r"crane number (\d+)", h).group(1)) for h in headlines]


@pytest.mark.browser
def test_the_search_page_searches_every_part_as_one(browser, parted_site):
    context = browser.new_context()
    with serve(parted_site.output) as url:
        page = context.new_page()
        page.goto(f"{url}/search.html")
        page.wait_for_selector("form[data-search]:not([hidden])")
        page.fill("#query", "crane")
        page.wait_for_function("document.querySelector('[data-search-status]').textContent.includes('found')")
        found = page.eval_on_selector_all("[data-search-results] li a", "links => links.map(a => a.innerText)")
        assert sorted(numbers(found)) == list(range(10))
        # Without words, a section's stories come newest first, across parts.
        page.fill("#query", "")
        page.select_option("#section", index=1)
        page.wait_for_function("document.querySelectorAll('[data-search-results] li').length === 10")
        listed = page.eval_on_selector_all("[data-search-results] li a", "links => links.map(a => a.innerText)")
        assert numbers(listed) == list(reversed(range(10)))
    context.close()


def test_a_build_stopped_before_its_index_is_in_place_leaves_no_record(tmp_path):
    """Else a part put in place by a killed build could be taken, by the
    record of the build before, for the part of that build."""
    record = tmp_path / "cache" / RECORD_NAME
    record.parent.mkdir()
    record.write_text('{"parts": {"0123456789ab": "digest"}}', encoding="utf-8")
    job = IndexJob(tmp_path / "output", pages([1, 2]), 256, record, reuse=True)
    assert not record.exists()
    job.cancel()
    assert not (tmp_path / "output" / ".gnews-search").exists()


def test_whatever_holds_the_index_folder_s_name_the_index_takes_its_place(site, errors):
    site.write("news/story-1.md", story(1, 1))
    site.build(GNEWS_SEARCH=True)
    shutil.rmtree(site.output / "pagefind")
    (site.output / "pagefind").write_text("not a folder", encoding="utf-8")
    site.build(GNEWS_SEARCH=True)
    assert search_index(site.output) == {"en": 1}
    assert errors() == []
