"""Trust under pressure: identity, confinement, spoofing, linear parsing,
page collisions, link loops, and clear messages instead of tracebacks.

Each test names the failure class it guards against; the stress tests (an
editor racing the sync, kill -9 at random instants) are in test_stress.py.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zlib
from datetime import datetime, timedelta, timezone
from http.server import SimpleHTTPRequestHandler
from pathlib import Path, PurePosixPath

import pytest
from conftest import interruptible, report_figure, serve
from feedmaker import Item, Related
from test_live import T0, config, feed, story

from pelican_gnews import digest_file, frontmatter
from pelican_gnews.cli import main
from pelican_gnews.cluster import MAX_ENTRIES, MAX_MARKUP, parse_cluster
from pelican_gnews.ingest.parse import section_from_title
from pelican_gnews.ingest.state import VERSION as STATE_VERSION
from pelican_gnews.ingest.state import StateError, SyncState, _safe_file
from pelican_gnews.ingest.sync import sync
from pelican_gnews.text import clean_text


def _stories(tmp_path) -> list[Path]:
    return sorted((tmp_path / "content" / "news").glob("*.md"))


# -- 3. identity: different stories are never joined, and nobody is blamed ----------

def test_same_headline_days_apart_is_a_new_story(tmp_path):
    source = tmp_path / "feed.xml"
    cfg = config(tmp_path, [str(source)])
    live = Item("Live updates", "CNN", "https://cnn.example", "https://cnn.example/live-1", T0,
                related=[Related("First take", "BBC", "https://bbc.example/1")])
    source.write_bytes(feed([live]))
    [first] = sync(cfg).results[0].written
    first_bytes = first.read_bytes()
    later = Item("Live updates", "CNN", "https://cnn.example", "https://cnn.example/live-2",
                 T0 + timedelta(days=4), related=[Related("Another event", "AP", "https://ap.example/2")])
    source.write_bytes(feed([later]))
    result = sync(cfg).results[0]
    assert len(result.written) == 1 and result.updated == []
    assert first.read_bytes() == first_bytes  # the first story's file did not grow
    # With the first deleted by an editor, the new one is still published.
    first.unlink()
    third = Item("Live updates", "CNN", "https://cnn.example", "https://cnn.example/live-3",
                 T0 + timedelta(days=9))
    source.write_bytes(feed([third]))
    assert len(sync(cfg).results[0].written) == 1


def test_two_items_with_one_headline_in_one_feed_are_two_stories_and_nobody_is_blamed(tmp_path, caplog):
    source = tmp_path / "feed.xml"
    cfg = config(tmp_path, [str(source)])
    a = Item("Monument review", "Desert News", "https://d.example", "https://d.example/a", T0)
    b = Item("Monument review", "Desert News", "https://d.example", "https://d.example/b",
             T0 - timedelta(hours=1))
    source.write_bytes(feed([a, b]))
    caplog.set_level("INFO")
    result = sync(cfg).results[0]
    assert len(result.written) == 2 and result.kept_deleted == 0
    assert "deleted or moved by an editor" not in caplog.text
    # Both keep growing afterwards: neither was marked deleted.
    a.related.append(Related("Review begins", "AP", "https://ap.example/a"))
    b.related.append(Related("Review, second site", "Reuters", "https://r.example/b"))
    source.write_bytes(feed([a, b]))
    result = sync(cfg).results[0]
    assert len(result.updated) == 2 and result.kept_deleted == 0
    state = SyncState.load(cfg.state_file)
    assert not any(r.deleted for r in state.stories.values())


def test_the_same_article_twice_in_a_feed_is_one_story(tmp_path):
    source = tmp_path / "feed.xml"
    cfg = config(tmp_path, [str(source)])
    source.write_bytes(feed([story(1, 2), story(1, 2)]))
    result = sync(cfg).results[0]
    assert len(result.written) == 1 and result.kept_deleted == 0


# -- 5. no write outside the content folder -------------------------------------------

def test_state_entries_pointing_outside_are_never_written(tmp_path, caplog):
    source = tmp_path / "feed.xml"
    cfg = config(tmp_path, [str(source)])
    source.write_bytes(feed([story(1), story(2), story(3)]))
    sync(cfg)
    outside, absolute, linked = tmp_path / "outside.md", tmp_path / "abs.md", tmp_path / "linked-target.md"
    data = json.loads(cfg.state_file.read_text())
    records = list(data["stories"].values())
    for record, target, copy in zip(records, ["../outside.md", str(absolute), "news/link.md"],
                                    [outside, absolute, linked]):
        # The very bytes the state expects, so only the path guards them.
        copy.write_bytes((tmp_path / "content" / record["file"]).read_bytes())
        record["file"] = target
    (tmp_path / "content" / "news" / "link.md").symlink_to(linked)
    cfg.state_file.write_text(json.dumps(data))
    before = {p: p.read_bytes() for p in (outside, absolute, linked)}
    source.write_bytes(feed([story(1, 3), story(2, 3), story(3, 3)]))
    caplog.set_level("INFO")
    result = sync(cfg).results[0]
    assert result.updated == [] and result.written == []
    assert {p: p.read_bytes() for p in (outside, absolute, linked)} == before
    assert "is not a path inside the site" in caplog.text


def test_a_staging_folder_that_is_a_link_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    precious = elsewhere / "precious.tmp"
    precious.write_text("keep me")
    (tmp_path / ".gnews-tmp").symlink_to(elsewhere)
    source = tmp_path / "feed.xml"
    source.write_bytes(feed([story(1)]))
    with pytest.raises(StateError, match="is a link"):
        sync(config(tmp_path, [str(source)]))
    assert precious.read_text() == "keep me"


# -- 6. spoofing ---------------------------------------------------------------------

def test_invisible_formatting_is_removed_but_script_joiners_stay():
    assert clean_text("\u202eCBB") == "CBB"
    assert clean_text("B\u200dB\u200dC") == "BBC"
    assert clean_text("B\u200bB\u2060C\ufeff\u00ad") == "BBC"
    assert clean_text("\u2066Reuters\u2069 \u200fAP\u061c") == "Reuters AP"
    assert clean_text("می\u200cخواهم") == "می\u200cخواهم"  # Persian ZWNJ is spelling
    assert clean_text("क्\u200dष") == "क्\u200dष"  # Devanagari half form
    assert clean_text("👩\u200d💻") == "👩\u200d💻"  # an emoji sequence


def test_a_variant_spelling_never_renames_an_outlet_page(site):
    body = '<ol><li><a href="https://b.example/{n}">Story {n}</a>&nbsp;&nbsp;<font>{o}</font></li></ol>\n'
    for n, outlet in enumerate(["BBC", "BBC", "BBC", "bbc", "B\u200dB\u200dC", "Β B C"]):
        site.write(f"news/s{n}.md", f"---\ntitle: \"Story {n} - {outlet}\"\ndate: 2026-01-0{n + 1}\n"
                                    f"outlet: \"{outlet}\"\n---\n" + body.format(n=n, o=outlet))
    site.build()
    page = site.page("outlet/bbc.html")
    assert "<h1><bdi>BBC</bdi></h1>" in page


def test_every_feed_value_on_a_page_is_isolated(site):
    site.write("news/s.md", '---\ntitle: "Budget passes - قناة 1"\ndate: 2026-01-02\noutlet: "قناة 1"\n'
                            "categories: ['عالم']\ntags: ['ميزانية']\n---\n"
                            '<ol><li><a href="https://q.example/1">Budget passes</a>&nbsp;&nbsp;'
                            "<font>قناة 1</font></li><li><a href=\"https://r.example/1\">ميزانية</a>"
                            "&nbsp;&nbsp;<font>Reuters</font></li></ol>\n")
    site.build()
    from lxml import html as lxml_html

    checked = 0
    for page in site.output.rglob("*.html"):
        root = lxml_html.fromstring(page.read_text(encoding="utf-8"))
        for element in root.iter():
            for text, owner in ((element.text, element), (element.tail, element.getparent())):
                if not text or owner is None or owner.tag in ("title", "script", "style"):
                    continue
                for value in ("قناة 1", "عالم", "ميزانية", "Budget passes", "Reuters"):
                    if value in text:
                        # Each value is the whole text of its own <bdi>.
                        assert owner.tag == "bdi" and text.strip() == value, (page.name, value, text)
                        checked += 1
    assert checked > 10


# -- 7. linear parsing of hostile markup -------------------------------------------------

def _parse_seconds(markup: str) -> float:
    start = time.perf_counter()
    parse_cluster(markup)
    return time.perf_counter() - start


def test_hostile_descriptions_parse_in_linear_time():
    """Below the parse cap (MAX_MARKUP), 10x the markup costs about 10x the
    time (html.parser took 100x); above it, a 10 MB description costs no
    more than the cap's worth."""
    worst = {}
    for name, unit in [("<ol ", "<ol "), ("nested fonts", "<font a=1>"), ("anchors", "<a href=x>"),
                       ("strong anchors", "<strong><a>"), ("entities", "&amp;"), ("comments", "<!--")]:
        small = _parse_seconds(unit * (MAX_MARKUP // 10 // len(unit)))
        capped = _parse_seconds(unit * (MAX_MARKUP // len(unit)))
        huge = _parse_seconds(unit * (10_000_000 // len(unit)))
        worst[name] = huge
        assert capped <= max(30 * small, 0.2), (name, small, capped)
        assert huge <= max(3 * capped, 0.2), (name, capped, huge)
    report_figure("10 MB hostile description, worst parse: "
                  + ", ".join(f"{k} {v:.2f} s" for k, v in worst.items()))


@pytest.mark.slow
def test_a_hostile_story_body_builds_quickly_and_alone(site, errors):
    site.write("news/ok.md", '---\ntitle: "Fine - Wire"\ndate: 2026-01-02\n---\n<ol></ol>\n')
    for name, unit in [("ols", "<ol "), ("brackets", "["), ("lists", "- "), ("tags", "<a ")]:
        site.write(f"news/{name}.md", f'---\ntitle: "{name} - Wire"\ndate: 2026-01-03\n---\n'
                   + unit * (900_000 // len(unit)))
    site.write("news/huge.md", '---\ntitle: "Huge - Wire"\ndate: 2026-01-03\n---\n' + "<ol " * 2_600_000)
    start = time.perf_counter()
    site.build(GNEWS_SEARCH=True)  # Pagefind reads the huge pages too
    seconds = time.perf_counter() - start
    report_figure(f"build with four 0.9 MB hostile story bodies and a 10 MB one: {seconds:.1f} s")
    assert site.page("fine-wire.html")
    assert (site.output / "ols-wire.html").is_file() and not (site.output / "huge-wire.html").exists()
    assert any("huge.md" in e and "larger than" in e for e in errors())


# -- 8. YAML alias bombs --------------------------------------------------------------------

BOMB = ('---\ntitle: "Bomb - Wire"\ndate: 2026-01-02\na: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9))
        + "---\n<ol></ol>\n")


def test_a_yaml_alias_bomb_is_refused_with_its_line(site, errors):
    with pytest.raises(frontmatter.FrontMatterError) as info:
        frontmatter.load(BOMB.split("---\n")[1], "bomb.md")
    assert info.value.line == 5 and "aliases" in str(info.value)
    site.write("news/bomb.md", BOMB)
    site.write("news/ok.md", '---\ntitle: "Fine - Wire"\ndate: 2026-01-02\n---\n<ol></ol>\n')
    site.build()
    assert (site.output / "fine-wire.html").is_file()
    assert any("bomb.md:5" in e for e in errors())


# -- 9. no slug takes another page's file -----------------------------------------------------

def _story_file(site, name, title, date, slug=None, outlet="Wire", tags=()):
    slug_line = f'slug: "{slug}"\n' if slug else ""
    tag_lines = f"tags: {json.dumps(list(tags))}\n" if tags else ""
    site.write(f"news/{name}.md", f'---\ntitle: "{title} - {outlet}"\ndate: {date}\n{slug_line}{tag_lines}'
                                  f'outlet: "{outlet}"\ncategories: ["World"]\n---\n'
                                  f'<ol><li><a href="https://w.example/{name}">{title}</a>&nbsp;&nbsp;'
                                  f"<font>{outlet}</font></li></ol>\n")


@pytest.mark.slow
def test_no_story_tag_or_outlet_takes_a_generated_page(site, errors):
    # 60 stories from "Wire": its outlet page, its tag page and the index
    # have older pages (pagination.py names them after a time).
    for n in range(60):
        _story_file(site, f"w{n}", f"Wire story {n}", f"2026-01-01 {n // 6:02d}:{n % 6 * 10:02d}",
                    tags=["harbor"])
    settings = dict(DEFAULT_PAGINATION=20, PAGINATED_TEMPLATES={"index": None, "tag": 20, "category": None,
                                                                "outlet": 20},
                    DIRECT_TEMPLATES=["index", "tags", "categories", "archives", "404"])
    site.build(**settings)

    def older(prefix):
        return sorted(p.relative_to(site.output).as_posix()[:-5] for p in site.output.glob(f"{prefix}-*.html"))

    index_page, outlet_page, tag_page = older("latest")[0], older("outlet/wire")[0], older("tag/harbor")[0]
    # A story, an outlet and a tag named after those pages.
    _story_file(site, "clash", "Clash", "2026-01-03", slug=index_page,
                outlet=outlet_page.split("/")[1].replace("-", " "), tags=[tag_page.split("/")[1].replace("-", " ")])
    for n, slug in enumerate(["index", "latest", "outlets", "404", "archives", "tag/harbor", "outlet/wire",
                              "category/world", "tags", "theme/css/gnews", "archive/2026/01/index",
                              "archive/2026/01/01/index"]):
        _story_file(site, f"e{n}", f"Editor page {n}", "2026-01-02", slug=slug)
    shutil.rmtree(site.output)
    site.build(**settings)
    assert not errors(), errors()
    for page in (index_page, outlet_page, tag_page):
        assert "Wire story" in site.page(f"{page}.html"), page  # the older page, not the story
    published = [p for p in site.output.rglob("*.html") if '<ol class="coverage">' in p.read_text()]
    assert len(published) == 73  # every story has its own page (60 + 1 + 12)
    for path, marker in [("index.html", '<article class="card"'), ("outlets.html", 'class="terms"'),
                         ("archives.html", 'class="terms months"'), ("tag/harbor.html", "Stories tagged"),
                         ("outlet/wire.html", "<h1><bdi>Wire</bdi></h1>"), ("tags.html", 'class="terms"'),
                         ("category/world.html", "<h1><bdi>World</bdi></h1>"), ("404.html", "Page not found"),
                         ("archive/2026/01/index.html", "Archive: January 2026"),
                         ("archive/2026/01/01/index.html", "Archive: Thursday, January 1, 2026")]:
        text = site.page(path)
        assert marker in text and '<ol class="coverage">' not in text, path


def test_a_story_moved_off_a_page_is_linked_where_it_went(site, errors):
    # Its slug would make its page the tags page: it is published beside it,
    # and every page that lists it (its archive day and the day's digest
    # too) links it there.
    _story_file(site, "clash", "Clash", "2026-01-02", slug="tags")
    _story_file(site, "other", "Other", "2026-01-02")
    pick = digest_file.Pick("tags", "Clash", "Wire", 1, datetime(2026, 1, 2, tzinfo=timezone.utc))
    site.write("archive/" + digest_file.file_name(pick.date.date()),
               digest_file.FrozenDay(pick.date.date(), (pick,)).as_line() + "\n")
    site.build(DIRECT_TEMPLATES=["index", "tags", "categories", "archives"])
    moved = [p.name for p in site.output.glob("tags-*.html")]
    assert len(moved) == 1 and '<ol class="coverage">' in site.page(moved[0])
    links = re.compile(r'<a href="(?:\.\.?/)*([^"#:]+)"[^>]*>(?:<[^>]+>)*Clash\b')
    linked = {}
    for path in site.output.rglob("*.html"):
        for target in links.findall(path.read_text(encoding="utf-8")):
            linked.setdefault(target, []).append(path.relative_to(site.output).as_posix())
    assert set(linked) == {moved[0]}, linked
    assert {"archive/2026/01/02/index.html", "digest/2026/01/02/index.html"} <= set(linked[moved[0]])
    day = site.page("archive/2026/01/02/index.html")
    assert f'<li id="{moved[0][:-5]}">' in day  # its anchor is its new slug


# -- 10. link loops -------------------------------------------------------------------------------

def test_link_loops_under_content_publish_each_story_once(site, errors):
    _story_file(site, "one", "Only story", "2026-01-02")
    (site.content / "news" / "loop").symlink_to(site.content / "news")
    (site.content / "news" / "again").symlink_to(site.content)
    site.build()
    published = [p for p in site.output.rglob("*.html") if '<ol class="coverage">' in p.read_text()]
    assert len(published) == 1


# -- 11. bad compression is one feed's failure ------------------------------------------------------

class Encoded(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = feed([story(int(self.path.strip("/").split("-")[-1] or 0))])
        headers = {}
        if self.path.startswith("/gzip-plain"):
            headers["Content-Encoding"] = "gzip"  # says gzip, sends plain bytes
        elif self.path.startswith("/raw-deflate"):
            squeeze = zlib.compressobj(wbits=-zlib.MAX_WBITS)
            body, headers["Content-Encoding"] = squeeze.compress(body) + squeeze.flush(), "deflate"
        elif self.path.startswith("/zlib-deflate"):
            body, headers["Content-Encoding"] = zlib.compress(body), "deflate"
        self.send_response(200)
        for key, value in {"Content-Type": "application/xml", "Content-Length": str(len(body)), **headers}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


def test_broken_compression_fails_one_feed_and_raw_deflate_is_accepted(tmp_path):
    with serve(tmp_path, Encoded) as url:
        cfg = config(tmp_path, [f"{url}/gzip-plain-1", f"{url}/raw-deflate-2", f"{url}/zlib-deflate-3"],
                     GNEWS_RETRIES=0)
        report = sync(cfg)
    broken, raw, wrapped = report.results
    assert "not valid gzip" in broken.error
    assert raw.ok and len(raw.written) == 1 and wrapped.ok and len(wrapped.written) == 1


# -- 12. messages, not tracebacks ------------------------------------------------------------------

def _conf(tmp_path, source, extra=""):
    conf = tmp_path / "conf.py"
    conf.write_text(f"PATH = {str(tmp_path / 'content')!r}\nGNEWS_FEEDS = [{str(source)!r}]\n{extra}")
    (tmp_path / "content").mkdir(exist_ok=True)
    return conf


def test_hand_edited_state_values_are_read_or_reported(tmp_path, caplog):
    source = tmp_path / "feed.xml"
    source.write_bytes(feed([story(1), story(2)]))
    cfg = config(tmp_path, [str(source)])
    [first, second] = sync(cfg).results[0].written
    data = json.loads(cfg.state_file.read_text())
    records = list(data["stories"].values())
    records[0]["deleted"] = "false"
    records[1]["deleted"] = "true"
    data["feeds"][str(source)]["not_before"] = 1767225600  # a Unix time: 2026-01-01, past
    data["feeds"]["other"] = {"not_before": "2026-01-01T00:00:00"}  # no zone: UTC
    cfg.state_file.write_text(json.dumps(data))
    state = SyncState.load(cfg.state_file)
    assert [r.deleted for r in state.stories.values()] == [False, True]
    assert state.feeds["other"]["not_before"] == "2026-01-01T00:00:00+00:00"
    source.write_bytes(feed([story(1, 2), story(2, 2)]))
    result = sync(cfg).results[0]
    assert result.ok and len(result.updated) == 1 and result.kept_deleted == 1
    data["feeds"]["other"] = {"not_before": "next tuesday"}
    cfg.state_file.write_text(json.dumps(data))
    caplog.set_level("WARNING")
    SyncState.load(cfg.state_file)
    assert "is not a time" in caplog.text


def test_state_and_settings_problems_exit_with_the_documented_codes(tmp_path, capsys):
    source = tmp_path / "feed.xml"
    source.write_bytes(feed([story(1)]))
    conf = _conf(tmp_path, source)
    (tmp_path / "gnews-state.json").mkdir()
    assert main(["sync", "-s", str(conf)]) == 3
    err = capsys.readouterr().err
    assert "cannot read the sync state" in err and "Traceback" not in err
    (tmp_path / "gnews-state.json").rmdir()
    bad = tmp_path / "bad.py"
    bad.write_text("PATH = 'content'\nGNEWS_FEEDS = [\n")
    assert main(["sync", "-s", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:" in err and "not valid Python" in err and "Traceback" not in err


def test_a_full_disk_at_the_state_save_is_a_message_and_is_repaired_next_time(tmp_path, monkeypatch):
    import pelican_gnews.ingest.state as state_module

    source = tmp_path / "feed.xml"
    source.write_bytes(feed([story(1), story(2)]))
    cfg = config(tmp_path, [str(source)])
    sync(cfg)
    source.write_bytes(feed([story(1, 3), story(2, 3), story(3)]))
    real = state_module.write_atomic

    def full(path, data, temp_dir):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(state_module, "write_atomic", full)
    with pytest.raises(StateError, match="No space left"):
        sync(cfg)
    monkeypatch.setattr(state_module, "write_atomic", real)
    # The files were moved in, the state was not saved: the journal repairs it.
    result = sync(cfg).results[0]
    assert result.ok and result.kept_edited == 0
    source.write_bytes(feed([story(1, 4), story(2, 4), story(3, 2)]))
    result = sync(cfg).results[0]
    assert len(result.updated) == 3 and result.kept_edited == 0  # nothing frozen


def test_broken_story_files_name_their_file_and_line(site, errors, caplog):
    site.write("news/ok.md", '---\ntitle: "Fine - Wire"\ndate: 2026-01-02\n---\n<ol></ol>\n')
    site.write("news/month.md", '---\ntitle: "Month - Wire"\ndate: 2026-13-45\n---\n<ol></ol>\n')
    site.write("news/offset.md", '---\ntitle: "Offset - Wire"\ndate: 2026-01-02 10:00:00+25:00\n---\n')
    site.write("news/listtitle.md", '---\ntitle: {a: b}\ndate: 2026-01-02\n---\n')
    site.write("news/words.md", '---\ntitle: "Words - Wire"\ndate: "yesterday"\n---\n')
    (site.content / "news" / "bytes.md").write_bytes(
        b'---\ntitle: "Bytes \xff - Wire"\ndate: 2026-01-02\n---\n<ol></ol>\nnote \xfe\n')
    (site.content / "news" / "listy.md").write_text(
        '---\ntitle: "Listy - Wire"\ndate: 2026-01-02\noutlet: [a, b]\n---\n<ol></ol>\n')
    caplog.set_level("WARNING")
    site.build()
    messages = errors()
    for file, line in [("month.md", 3), ("offset.md", 3), ("listtitle.md", 2), ("words.md", 3)]:
        assert any(f"{file}:{line}" in m for m in messages), (file, messages)
    assert "bytes.md:2: invalid UTF-8" in caplog.text
    assert "listy.md:4: outlet is a list" in caplog.text
    assert "\ufffd" in site.page("bytes-wire.html")
    assert "<bdi>a, b</bdi>" in site.page("listy-wire.html")
    assert "['a', 'b']" not in site.page("listy-wire.html")
    assert site.page("fine-wire.html")


# -- 13. one unreadable story file ----------------------------------------------------------------------

def test_an_unreadable_story_file_is_skipped_and_the_rest_refreshed(tmp_path, monkeypatch):
    source = tmp_path / "feed.xml"
    source.write_bytes(feed([story(1), story(2), story(3)]))
    cfg = config(tmp_path, [str(source)])
    first, *others = sync(cfg).results[0].written
    real = Path.read_bytes

    def read_bytes(self):
        if self == first:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    source.write_bytes(feed([story(1, 2), story(2, 2), story(3, 2)]))
    result = sync(cfg).results[0]
    assert result.ok and sorted(result.updated) == sorted(others)
    assert any("Permission denied" in s and first.name in s for s in result.skipped)


# -- 14. Ctrl-C -----------------------------------------------------------------------------------------------

class Slow(SimpleHTTPRequestHandler):
    stop = threading.Event()

    def log_message(self, *args):
        pass

    def do_GET(self):
        Slow.stop.wait(60)


@pytest.mark.slow
def test_ctrl_c_stops_at_once_with_one_line_and_exit_130(tmp_path):
    Slow.stop.clear()
    with serve(tmp_path, Slow) as url:
        feeds = [f"{url}/slow-{n}" for n in range(12)]
        conf = tmp_path / "conf.py"
        conf.write_text(f"PATH = {str(tmp_path / 'content')!r}\nGNEWS_FEEDS = {feeds!r}\n")
        (tmp_path / "content").mkdir()
        exe = str(Path(sys.executable).parent / "pelican-gnews")
        proc = subprocess.Popen([exe, "sync", "-s", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, preexec_fn=interruptible)
        time.sleep(1.5)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        seconds = time.monotonic() - sent
        Slow.stop.set()
    report_figure(f"Ctrl-C during 12 stalled fetches: exit after {seconds:.2f} s")
    assert proc.returncode == 130
    assert "Traceback" not in err and err.count("interrupted") == 1
    assert err.strip().splitlines()[-1].startswith("pelican-gnews: interrupted")
    # The stalled feeds' deadline is 30 s; the sync did not wait for it.
    assert seconds < 10
    assert not list((tmp_path / ".gnews-tmp").glob("*.tmp"))


# -- 15. growth is capped --------------------------------------------------------------------------------------

def test_a_rotating_cluster_never_grows_past_the_cap(tmp_path):
    source = tmp_path / "feed.xml"
    cfg = config(tmp_path, [str(source)])
    item = story(1, 10)
    source.write_bytes(feed([item]))
    [path] = sync(cfg).results[0].written
    for round_ in range(1, 8):
        item.related = [Related(f"Take {round_}.{r}", f"Outlet {round_}.{r}", f"https://o.example/{round_}/{r}")
                        for r in range(10)]
        source.write_bytes(feed([item]))
        sync(cfg)
    _, body = frontmatter.read(path)
    # Counted in the file itself (a parse would cap what it reads).
    assert body.count("<li><a ") == MAX_ENTRIES


# -- 16. text as written -------------------------------------------------------------------------------------

def test_headlines_and_sections_keep_what_was_written():
    assert section_from_title('""Bears Ears" monument" - Google News') == '"Bears Ears" monument'
    assert section_from_title('"satellite data" - Google News') == "satellite data"
    assert section_from_title("World - Latest - Google News") == "World"
    assert clean_text("東京\u3000大阪で  会議\n開催") == "東京\u3000大阪で 会議 開催"
    assert clean_text("Macron\u00a0: « oui »") == "Macron\u00a0: « oui »"


# -- 2. the state merge behind scripts/commit-sync ---------------------------------------------------------------

def test_state_merge_keeps_the_editors_entries_and_the_syncs_others():
    from pelican_gnews.ingest.state import merge

    base = {"version": 1, "feeds": {"f": {"sha256": "1"}},
            "stories": {"a": {"file": "news/a.md", "sha256": "a1"}, "b": {"file": "news/b.md", "sha256": "b1"}}}
    ours = {"version": 1, "feeds": {"f": {"sha256": "2"}},
            "stories": {"a": {"file": "news/a.md", "sha256": "a2"}, "b": {"file": "news/b.md", "sha256": "b2"},
                        "c": {"file": "news/c.md", "sha256": "c1"}}}
    theirs = {"version": 1, "feeds": {"f": {"sha256": "1"}},
              "stories": {"b": {"file": "news/b.md", "sha256": "b1", "deleted": True}}}
    merged = merge(base, ours, theirs)
    assert merged["feeds"] == {"f": {"sha256": "2"}}
    assert merged["stories"] == {"b": {"file": "news/b.md", "sha256": "b1", "deleted": True},
                                 "c": {"file": "news/c.md", "sha256": "c1"}}


def test_state_times_read_in_any_form_and_each_bad_one_reported(tmp_path, caplog):
    # Many stories seen in the same hours: each text is read once, and a
    # time written otherwise reads as the same time.
    path = tmp_path / "gnews-state.json"
    same = ["2026-01-09T10:00:00+00:00", "2026-01-09T10:00:00", "2026-01-09 10:00:00Z", 1767952800]
    stories = {f"s{n}": {"file": f"news/s{n}.md", "keys": [f"art:{n}"], "seen": same[n % 4],
                         "joined": {"Wire": same[(n + 1) % 4], "Desk": "yesterday"}} for n in range(8)}
    path.write_text(json.dumps({"version": STATE_VERSION, "feeds": {}, "stories": stories}))
    caplog.set_level("WARNING")
    state = SyncState.load(path, for_saving=False)
    assert {r.seen for r in state.stories.values()} == {"2026-01-09T10:00:00+00:00"}
    assert all(r.joined == {"Wire": "2026-01-09T10:00:00+00:00"} for r in state.stories.values())
    bad = [m for m in caplog.messages if "'yesterday' is not a time" in m]
    assert len(bad) == 8 and f"{path}: story s3: joined: Desk" in bad[3]


def test_a_state_file_path_is_safe_as_a_path_reads_it():
    def as_path(file):
        rel = PurePosixPath(file.replace("\\", "/"))
        return bool(rel.parts) and not rel.is_absolute() and ".." not in rel.parts and ":" not in rel.parts[0]

    rnd = random.Random(5)
    pieces = ["a", "/", "\\", ".", "..", ":", "c:", "", "news", "x.md", "//", "é"]
    for _ in range(20000):
        file = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 7)))
        assert _safe_file(file) == as_path(file), file
    assert _safe_file("news/a.md") and not _safe_file("news/../../etc/passwd") and not _safe_file("/etc/x")
