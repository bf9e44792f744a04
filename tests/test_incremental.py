"""Incremental builds: after a sync with new, grown, edited, deleted and
expired stories, the incremental build (previous output and caches kept) is
byte for byte the cold build of the same content, and renders less."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import ROOT, report_figure, run_tool, site_files, unstamped
from feedmaker import Item, Related, feed_xml

from pelican_gnews.ingest.sync import sync
from pelican_gnews.settings import from_pelican

T0 = datetime(2026, 5, 4, 6, tzinfo=timezone.utc)
OUTLETS = ["Harbor Ledger", "Granite Times", "Coastal Wire", "Valley Post"]
TOPICS = ["river treaty", "port strike", "rail link", "storm warning", "school budget"]


def story(day: int, n: int, related: int = 2) -> Item:
    outlet = OUTLETS[n % 4]
    topic = TOPICS[(day + n) % 5]
    host = outlet.lower().replace(" ", "")
    return Item(f"{topic.title()} update {day}.{n}", outlet, f"https://{host}.example",
                f"https://{host}.example/{day}/{n}", T0 + timedelta(days=day, hours=n),
                [Related(f"{topic} view {day}.{n}.{r}", OUTLETS[(n + r + 1) % 4], f"https://r{r}.example/{day}/{n}")
                 for r in range(related)])


def conf(project: Path) -> None:
    settings = dict(
        PATH="content", OUTPUT_PATH="output", THEME=str(ROOT / "theme"), PLUGINS=["pelican_gnews"],
        SITEURL="https://example.org/news", RELATIVE_URLS=False, TIMEZONE="UTC", DEFAULT_LANG="en",
        FEED_DOMAIN="https://example.org/news", FEED_ALL_ATOM="feeds/all.atom.xml",
        CATEGORY_FEED_ATOM="feeds/category/{slug}.atom.xml", TAG_FEED_ATOM="feeds/tag/{slug}.atom.xml",
        AUTHOR_FEED_ATOM=None, AUTHOR_FEED_RSS=None, TRANSLATION_FEED_ATOM=None,
        DEFAULT_PAGINATION=6, PAGINATED_TEMPLATES={"index": None, "tag": None, "category": None, "outlet": 6},
        DIRECT_TEMPLATES=["index", "tags", "categories", "archives", "404"],
        GNEWS_FEEDS=["feed.xml"], GNEWS_SYNC_ON_BUILD=False, GNEWS_INCREMENTAL=True, CACHE_PATH="cache",
        CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, CHECK_MODIFIED_METHOD="md5",
        CONTENT_CACHING_LAYER="reader", DELETE_OUTPUT_DIRECTORY=True)
    (project / "conf.py").write_text("".join(f"{k} = {v!r}\n" for k, v in settings.items()))
    (project / "content").mkdir(exist_ok=True)


def sync_feed(project: Path, items: list[Item], now: datetime, uk: list[Item] = ()):
    """The US World feed of `items`, and with `uk`, a UK Business feed too:
    a story both carry names both editions, and its figures (spread.py)."""
    (project / "feed.xml").write_text(feed_xml("World - Latest - Google News", "https://news.google.com/topics/W"
                                               "?hl=en-US&gl=US&ceid=US:en", "en-US", items), encoding="utf-8")
    feeds = [str(project / "feed.xml")]
    if uk:
        (project / "uk.xml").write_text(feed_xml("Business - Latest - Google News", "https://news.google.com/topics/B"
                                                 "?hl=en-GB&gl=GB&ceid=GB:en", "en-GB", list(uk)), encoding="utf-8")
        feeds.append(str(project / "uk.xml"))
    config = from_pelican({"PATH": str(project / "content"), "GNEWS_FEEDS": feeds})
    report = sync(config, now=now)
    assert report.ok, report.failed
    return report


def build(project: Path) -> str:
    proc = run_tool("pelican", "content", "-s", "conf.py", "-v", cwd=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def assert_same_as_cold(project: Path, cold: Path) -> None:
    """The project's output is, byte for byte, a cold build of its content."""
    cold.mkdir()
    conf(cold)
    shutil.copytree(project / "content", cold / "content", dirs_exist_ok=True)
    build(cold)
    built, expected = site_files(project / "output"), site_files(cold / "output")
    assert sorted(built) == sorted(expected)
    assert [name for name in expected if built[name] != expected[name]] == []


@pytest.mark.slow
def test_incremental_build_equals_a_cold_build_after_every_kind_of_change(tmp_path):
    project = tmp_path / "site"
    project.mkdir()
    conf(project)
    first = [story(day, n) for day in range(14) for n in range(8)]
    sync_feed(project, first, T0 + timedelta(days=14), uk=[story(13, 0)])
    build(project)  # the previous hourly build: output and caches stay
    before = site_files(project / "output")
    stamps = {p.name: p.stat().st_mtime_ns for p in (project / "output").glob("latest-*.html")}
    day_page = project / "output" / "archive" / f"{T0 + timedelta(days=10):%Y/%m/%d}" / "index.html"
    digest_page = project / "output" / "digest" / f"{T0 + timedelta(days=10):%Y/%m/%d}" / "index.html"
    news = project / "content" / "news"

    # Days 14 and 15 are new; a day-13 story's cluster grows; the UK feed
    # carries a day-12 story too (its editions, figures and cards change); an
    # editor edits one story and deletes another; retention moves days 6 to 8 out.
    second = [story(day, n) for day in range(4, 16) for n in range(8)]
    second[second.index(story(13, 1))] = story(13, 1, related=4)
    report = sync_feed(project, second, T0 + timedelta(days=16), uk=[story(13, 0), story(12, 5)])
    assert report.results[0].written and report.results[0].updated and report.retention.archived
    edited = news / next(p.name for p in news.glob("*update-13-2*"))
    edited.write_text(edited.read_text(encoding="utf-8").replace("update 13.2", "update 13.2 (corrected)"),
                      encoding="utf-8")
    deleted = next(news.glob("*update-12-3*"))
    deleted.unlink()
    build(project)
    incremental = site_files(project / "output")

    cold = tmp_path / "cold"
    cold.mkdir()
    conf(cold)
    shutil.copytree(project / "content", cold / "content", dirs_exist_ok=True)
    shutil.copy(project / "gnews-state.json", cold)  # what ranking reads: an input of every build
    build(cold)
    expected = site_files(cold / "output")

    assert sorted(incremental) == sorted(expected)
    assert [name for name in expected if incremental[name] != expected[name]] == []
    # The build kept pages, and rendered fewer than the site has.
    stats = json.loads((project / "cache" / "gnews-build-stats.json").read_text())
    rendered, kept, removed = stats["rendered"], stats["kept"], stats["removed"]
    assert kept > 0 and rendered > 0 and removed > 0
    # An older page of "Latest" that no change touched is not rendered
    # again: only its footer's sync time changed (freshness.restamp).
    synced = f'<time datetime="{(T0 + timedelta(days=16)).isoformat()}">'.encode()
    older = [name for name in stamps if name in incremental and unstamped(before[name]) == unstamped(incremental[name])]
    assert older and all(synced in incremental[name] and synced not in before[name] for name in older)
    # So is an archive day that no story joined or left; the month page,
    # whose counts changed, is.
    day = day_page.relative_to(project / "output").as_posix()
    assert unstamped(before[day]) == unstamped(incremental[day]) and synced in incremental[day]
    # The digests (frozen days, their index and feed) and the stories'
    # feeds, retired ones included, are in the comparison; a finished
    # day's digest is kept as it was, but for its sync stamp.
    digest = digest_page.relative_to(project / "output").as_posix()
    assert unstamped(before[digest]) == unstamped(incremental[digest]) and synced in incremental[digest]
    assert "feeds/digest.json" in expected
    assert f"digest/{T0 + timedelta(days=15):%Y/%m/%d}/index.html" in expected
    retired = [n for n in expected if n.startswith("feeds/story/") and b"moved to the archive" in expected[n]]
    assert retired and len([n for n in expected if n.startswith("feeds/story/")]) > len(retired)
    month = f"archive/{T0:%Y/%m}/index.html"
    assert unstamped(before[month]) != unstamped(incremental[month])
    # Every page says when the site last synced, the kept ones as well.
    for name, data in incremental.items():
        if name.endswith(".html") and b"<footer" in data:
            assert synced in data, name
    changed = sum(1 for name, data in incremental.items() if before.get(name) != data)
    report_figure(f"incremental build after a sync (16 new, 1 grown, 1 edited, 1 deleted, "
                  f"{report.retention.archived} expired stories): {rendered} pages "
                  f"rendered, {kept} kept, {removed} stale removed; {changed} of {len(incremental)} files differ "
                  "from the previous build; output = cold build, byte for byte")
    assert "corrected" in (project / "output" / f"{edited.stem}.html").read_text(encoding="utf-8")
    # The day-12 story now names both editions; its page changed with its story.
    spread = next((project / "output").glob("*update-12-5*.html"))
    assert "Editions: <bdi>United States</bdi>, <bdi>United Kingdom</bdi>" in spread.read_text(encoding="utf-8")
    assert before[spread.name] != incremental[spread.name]
    assert 'class="why"' in incremental[spread.name].decode()
    assert not (project / "output" / f"{deleted.stem}.html").exists()
    assert 0 < stats["stamped"] <= kept

    # A build with no new sync changes no byte, and rewrites no kept page.
    untouched = [*(project / "output").glob("latest-*.html"), project / "output" / "status.html"]
    times = {p: p.stat().st_mtime_ns for p in untouched}
    build(project)
    assert site_files(project / "output") == incremental
    assert {p: p.stat().st_mtime_ns for p in untouched} == times  # the status page too: what it shows is unchanged
    assert json.loads((project / "cache" / "gnews-build-stats.json").read_text())["stamped"] == 0


@pytest.mark.slow
def test_a_changed_template_renders_every_page_again(tmp_path):
    project = tmp_path / "site"
    project.mkdir()
    conf(project)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    text = (project / "conf.py").read_text().replace(repr(str(ROOT / "theme")), repr(str(theme)))
    (project / "conf.py").write_text(text)
    sync_feed(project, [story(0, n) for n in range(8)], T0 + timedelta(days=1))
    build(project)
    base = theme / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("Built with", "Made with"), encoding="utf-8")
    build(project)
    assert json.loads((project / "cache" / "gnews-build-stats.json").read_text())["kept"] == 0
    for page in (project / "output").rglob("*.html"):
        assert "Built with" not in page.read_text(encoding="utf-8"), page


@pytest.mark.slow
def test_ignore_cache_builds_every_page_again(tmp_path):
    project = tmp_path / "site"
    project.mkdir()
    conf(project)
    sync_feed(project, [story(day, n) for day in range(10) for n in range(8)], T0 + timedelta(days=10))
    build(project)
    build(project)
    kept = json.loads((project / "cache" / "gnews-build-stats.json").read_text())
    assert kept["kept"] > 0  # an unchanged site: pages kept
    proc = run_tool("pelican", "content", "-s", "conf.py", "--ignore-cache", cwd=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    stats = json.loads((project / "cache" / "gnews-build-stats.json").read_text())
    assert stats["kept"] == 0 and stats["rendered"] > 0, stats  # asked for a build from nothing
    # The time spent rendering is the rendered pages' alone: kept pages add none.
    assert 0 <= kept["rendering_seconds"] < stats["rendering_seconds"], (kept, stats)


@pytest.mark.slow
def test_a_build_that_fails_half_way_is_followed_by_a_full_one(tmp_path):
    project = tmp_path / "site"
    project.mkdir()
    conf(project)
    sync_feed(project, [story(0, n) for n in range(8)], T0 + timedelta(days=1))
    build(project)
    manifest = project / "cache" / "gnews-pages.json"
    assert manifest.is_file()
    # A template error stops the next build after the manifest was taken.
    (project / "content" / "broken.md").write_text("---\ntitle: x\ndate: 2026-05-04\n---\nbody\n")
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "article.html").write_text("{% extends 'base.html' %}{% block content %}{{ 1 / 0 }}"
                                                      "{% endblock %}")
    (project / "conf.py").write_text((project / "conf.py").read_text().replace(repr(str(ROOT / "theme")),
                                                                               repr(str(theme))))
    proc = run_tool("pelican", "content", "-s", "conf.py", cwd=project)
    assert proc.returncode != 0
    assert not manifest.exists() and not (project / "cache" / "gnews-build-key").exists()


# An editor saving while the build runs: after every story was read, before
# any page is written (the plugin runs in the pelican process).
SAVER = '''
from pathlib import Path
from pelican import signals

def save(*args):
    job = Path("save-during-build.json")
    if job.is_file():
        import json, os
        for target, old, new in json.loads(job.read_text()):
            path = Path(target)
            if new is None:
                path.unlink()
            else:
                tmp = path.with_name(path.name + ".swp")
                tmp.write_text(path.read_text(encoding="utf-8").replace(old, new) if path.exists() else old + new,
                               encoding="utf-8")
                os.replace(tmp, path)
        job.unlink()

def register():
    signals.all_generators_finalized.connect(save)
'''

FILTER = '''

def shout(text):
    return str(text).upper()

JINJA_FILTERS = {"shout": shout}
'''


def _differing(project: Path, where: Path) -> list[str]:
    cold = where
    cold.mkdir()
    shutil.copy(project / "conf.py", cold)
    shutil.copy(project / "saver.py", cold)
    shutil.copytree(project / "content", cold / "content", dirs_exist_ok=True)
    shutil.copy(project / "gnews-state.json", cold)
    build(cold)
    built, expected = site_files(project / "output"), site_files(cold / "output")
    return sorted(name for name in set(built) | set(expected) if built.get(name) != expected.get(name))


@pytest.mark.slow
@pytest.mark.parametrize("function_setting", [False, True])
def test_incremental_equals_cold_after_saves_during_a_build_and_renamed_archive_months(tmp_path,
                                                                                     function_setting):
    """The differential test, with what made stale pages for good: files
    saved, added and deleted while a build runs, an archive month renamed
    with the same bytes (and saved with a byte-order mark), and a setting
    whose value is a function (which Pelican's content cache cannot hold)."""
    project = tmp_path / "site"
    project.mkdir()
    conf(project)
    text = (project / "conf.py").read_text().replace("PLUGINS = ['pelican_gnews']",
                                                     "PLUGINS = ['pelican_gnews', 'saver']\nPLUGIN_PATHS = ['.']")
    (project / "conf.py").write_text(text + (FILTER if function_setting else ""))
    (project / "saver.py").write_text(SAVER)
    # The search index is left out of every comparison (site_files): not built.
    (project / "conf.py").write_text((project / "conf.py").read_text() + "GNEWS_SEARCH = False\n")
    sync_feed(project, [story(day, n) for day in range(14) for n in range(6)], T0 + timedelta(days=14))
    news, folder = project / "content" / "news", project / "content" / "archive"
    months = sorted(folder.glob("*.jsonl"))
    assert months, "the first sync archived old items"
    build(project)
    n = 0

    def check(label: str) -> None:
        nonlocal n
        n += 1
        assert _differing(project, tmp_path / f"cold{n}") == [], label

    # 1. Saved during a build: an edit, a new story, a deletion.
    edited, deleted = next(news.glob("*update-13-2*")), next(news.glob("*update-12-3*"))
    (project / "save-during-build.json").write_text(json.dumps([
        [str(edited), "update 13.2", "update 13.2 (corrected)"], [str(deleted), "", None],
        [str(news / "late.md"), "---\ntitle: Late story\ndate: 2026-05-17T09:00:00+00:00\n---\n", "Late.\n"]]))
    build(project)
    assert not (project / "save-during-build.json").exists()
    for label in ("after the build it was saved in", "two builds later"):
        build(project)
        check(label)
    assert "update 13.2 (corrected)" in (project / "output" / f"{edited.stem}.html").read_text(encoding="utf-8")
    assert "update 13.2 (corrected)" in (project / "output" / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert not (project / "output" / f"{deleted.stem}.html").exists()
    if function_setting:
        # Nothing is kept from one build to the next (the rest, renamed and
        # re-encoded months, is about what is kept: checked without it).
        stats = json.loads((project / "cache" / "gnews-build-stats.json").read_text())
        assert stats["kept"] == 0 and not (project / "cache" / "ArticlesGenerator-Readers").exists()
        return

    # 2. An archive month renamed with the same bytes, then saved with a BOM.
    renamed = months[0].with_name("2025-12.jsonl")
    os.replace(months[0], renamed)
    build(project)
    check("renamed month")
    first_day = (project / "output" / "archive" / "2025" / "12" / "01" / "index.html").read_text(encoding="utf-8")
    assert first_day.count("<li id=") == len([line for line in renamed.read_text().splitlines() if line.strip()])
    renamed.write_bytes(b"\xef\xbb\xbf" + renamed.read_bytes())
    build(project)
    check("month with a byte-order mark")

    # 3. A month file saved while a build runs.
    (project / "save-during-build.json").write_text(json.dumps([[str(renamed), '"sources": ', '"sources": 1']]))
    build(project)
    build(project)
    check("month saved during a build")
    assert '"sources": 1' in renamed.read_text(encoding="utf-8-sig")
    build(project)
    check("and the build after it")
    assert json.loads((project / "cache" / "gnews-build-stats.json").read_text())["kept"] > 0


@pytest.mark.slow
def test_a_tags_spelling_that_changes_with_new_stories_renders_every_page_showing_it(tmp_path):
    """A tag is shown as most of its stories write it (reader.settle_name_spellings):
    when new stories change that, the pages of older stories, whose files did
    not change, show the new spelling too, as a cold build does."""
    project = tmp_path / "site"
    project.mkdir()
    conf(project)
    news = project / "content" / "news"
    news.mkdir()

    def write(n: int, spelling: str) -> None:
        (news / f"story-{n}.md").write_text(
            f'---\ntitle: "Story {n}"\ndate: 2026-05-0{n} 06:00\nslug: "story-{n}"\ncategories:\n- "World"\n'
            f'tags:\n- "{spelling}"\n- "harbour"\noutlet: "Harbor Ledger"\n---\n', encoding="utf-8")

    for n, spelling in enumerate(("Drought", "Drought", "drought"), 1):
        write(n, spelling)
    build(project)
    assert "<bdi>Drought</bdi>" in (project / "output" / "story-3.html").read_text(encoding="utf-8")
    for n in (4, 5):
        write(n, "drought")
    build(project)
    assert "<bdi>drought</bdi>" in (project / "output" / "story-1.html").read_text(encoding="utf-8")

    assert_same_as_cold(project, tmp_path / "cold")


@pytest.mark.slow
def test_an_edit_only_its_own_file_shows_renders_its_page_and_cards_again(tmp_path):
    """An edit that changes nothing but what one story file says (a word of
    its headline, its editor's note; same slug, tags and neighbours) is on
    every page showing that story after the next incremental build, as a
    cold build has it: the build knows a story by the bytes it read."""
    project = tmp_path / "site"
    project.mkdir()
    conf(project)
    news = project / "content" / "news"
    news.mkdir()

    def write(n: int, headline: str, note: str = "") -> None:
        (news / f"story-{n}.md").write_text(
            f'---\ntitle: "{headline} - Harbor Ledger"\ndate: 2026-05-0{n} 06:00\nslug: "story-{n}"\n'
            f'categories:\n- "World"\ntags:\n- "Harbour"\n---\n{note}', encoding="utf-8")

    for n in range(1, 6):
        write(n, f"Ferry timetable {n}")
    build(project)
    write(3, "Ferry timetable three", "A note from the desk.")
    build(project)
    page = (project / "output" / "story-3.html").read_text(encoding="utf-8")
    assert "Ferry timetable three" in page and "A note from the desk." in page
    assert "Ferry timetable three" in (project / "output" / "tag" / "harbour.html").read_text(encoding="utf-8")

    assert_same_as_cold(project, tmp_path / "cold")


@pytest.mark.slow
def test_a_file_naming_the_read_digest_itself_cannot_pass_for_unchanged(tmp_path):
    """`gnews_read_digest` written in a file (Pelican's own Markdown
    metadata, or front matter) is text, never the reader's digest: an edit
    to such a file is on its page after the next incremental build, though
    no story beside it changed."""
    project = tmp_path / "site"
    project.mkdir()
    conf(project)
    news = project / "content" / "news"
    news.mkdir()

    def story(name: str, day: int, text: str = "", named: bool = False) -> None:
        (news / f"{name}.md").write_text(
            f'---\ntitle: "{name.title()} - Harbor Ledger"\ndate: 2026-05-0{day} 06:00\nslug: "{name}"\n'
            f'categories:\n- "World"\n' + ('gnews_read_digest: "0000"\n' if named else "") + f"---\n{text}\n",
            encoding="utf-8")

    def notes(text: str) -> None:
        (news / "notes.md").write_text("Title: Harbour notes\nDate: 2026-05-02 06:00\nSlug: notes\nCategory: World\n"
                                       f"Gnews_read_digest: 0000\n\n{text}\n", encoding="utf-8")

    story("before", 1)
    story("after", 3)
    story("last", 5, "The first word.", named=True)
    notes("The first word.")
    build(project)
    story("last", 5, "The second word.", named=True)
    notes("The second word.")
    build(project)
    for page in ("notes.html", "last.html"):
        assert "The second word." in (project / "output" / page).read_text(encoding="utf-8"), page
    assert_same_as_cold(project, tmp_path / "cold")


def test_the_build_key_ignores_where_the_workflow_commits_and_not_what_a_page_shows():
    """Moving the sync's files to a data branch renders no page again; a
    setting a page shows does."""
    from pelican.settings import DEFAULT_CONFIG

    from pelican_gnews.publish.incremental import build_key

    settings = {**DEFAULT_CONFIG, "SITENAME": "Newsroom", "GNEWS_DATA_BRANCH": ""}
    key = build_key(settings)
    assert key is not None
    assert build_key({**settings, "GNEWS_DATA_BRANCH": "gnews-data", "GNEWS_DATA_KEEP": 24}) == key
    assert build_key({**settings, "SITENAME": "Newsdesk"}) != key


@pytest.mark.slow
def test_an_archive_line_corrected_by_hand_renders_its_retired_storys_feed_again(tmp_path):
    """A retired story's feed is kept by its archive line's values: an
    editor's correction of the line's headline reaches the feed."""
    project = tmp_path / "site"
    project.mkdir()
    conf(project)
    sync_feed(project, [story(day, n) for day in range(12) for n in range(3)], T0 + timedelta(days=12))
    report = sync_feed(project, [story(day, n) for day in range(4, 14) for n in range(3)], T0 + timedelta(days=14))
    assert report.retention.archived
    build(project)
    month = next((project / "content" / "archive").glob("*.jsonl"))
    retired = [n for n, data in site_files(project / "output").items()
               if n.startswith("feeds/story/") and n.endswith(".atom.xml") and b"moved to the archive" in data]
    assert retired
    slug = retired[0].removeprefix("feeds/story/").removesuffix(".atom.xml")
    lines = month.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if json.loads(line)["slug"] == slug)
    line = json.loads(lines[number])
    line["headline"] += " (corrected)"
    lines[number] = json.dumps(line)
    month.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build(project)
    assert b"(corrected): moved to the archive" in (project / "output" / retired[0]).read_bytes()
    cold = tmp_path / "cold"
    cold.mkdir()
    conf(cold)
    shutil.copytree(project / "content", cold / "content", dirs_exist_ok=True)
    shutil.copy(project / "gnews-state.json", cold)
    build(cold)
    built, expected = site_files(project / "output"), site_files(cold / "output")
    assert [name for name in expected if built.get(name) != expected[name]] == []
