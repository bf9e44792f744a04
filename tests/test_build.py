"""Real Pelican builds in temporary folders: the reader, the theme, the guards."""

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED_STORY, SHARED, Site, needs_shared, site_files

SEED_SLUG = "zelensky-says-ukraine-does-not-have-clear-security-pledge-from-allies-bbc"


def _coverage(page: str) -> list[tuple[str, str, str]]:
    block = page[page.index('<ol class="coverage">'):]
    block = block[: block.index("</ol>")]
    return [(html.unescape(h), html.unescape(t), html.unescape(o)) for h, t, o in re.findall(
        r'<li><a href="([^"]+)"[^>]*><bdi>([^<]+)</bdi></a> <span class="outlet"><bdi>([^<]+)</bdi></span></li>',
        block)]


def test_the_seed_file_unchanged_builds_its_story_page(site, errors):
    shutil.copy(SEED_STORY, site.content / SEED_STORY.name)
    site.build()
    page = site.page(f"{SEED_SLUG}.html")
    assert "<h1><bdi>Zelensky says Ukraine does not have clear security pledge from allies</bdi></h1>" in page
    entries = _coverage(page)
    assert [o for _, _, o in entries] == ["BBC", "CNN", "Al Jazeera", "The Guardian", "The Hill"]
    assert all(link.startswith("https://news.google.com/rss/articles/CBMi") for link, _, _ in entries)
    assert entries[1][1] == "UK and France agree to send troops to Ukraine in event of peace deal with Russia"
    for tag in ("zelensky", "security", "ukraine", "pledge", "allies"):
        assert f'href="./tag/{tag}.html"><bdi>{tag}</bdi></a>' in page
        assert (site.output / "tag" / f"{tag}.html").is_file()
    assert "&amp;nbsp;" not in page and "&nbsp;" not in page
    assert '<time datetime="2026-01-09T00:00:00+00:00">' in page  # a bare date is midnight UTC
    assert errors() == []


def test_plain_markdown_without_front_matter_still_builds(site, errors):
    site.write("hello.md", "Title: Hello there\nDate: 2026-01-02 10:00\nTags: a, b\n\nSome *Markdown* text.\n")
    site.build()
    page = site.page("hello-there.html")
    assert "<em>Markdown</em>" in page and "<h1><bdi>Hello there</bdi></h1>" in page
    assert errors() == []


def test_broken_yaml_is_an_error_naming_file_and_line_and_the_rest_builds(site, errors):
    shutil.copy(SEED_STORY, site.content / "good.md")
    site.write("broken.md", '---\ntitle: "fine"\ndate: 2026-01-02\nsummary: "unclosed\n---\n<ol></ol>\n')
    site.write("tabs.md", "---\ntitle: x\n\tdate: 2026-01-02\n---\nbody\n")
    site.write("evil.md", "---\ntitle: !!python/object/apply:os.system ['touch pwned']\ndate: 2026-01-02\n---\n")
    site.build()
    assert (site.output / f"{SEED_SLUG}.html").is_file()
    messages = "\n".join(errors())
    assert re.search(r"broken\.md:[45]: invalid YAML front matter", messages)
    assert re.search(r"tabs\.md:[34]: invalid YAML front matter", messages)
    assert "evil.md:2:" in messages
    assert not (site.root / "pwned").exists() and not Path("pwned").exists()


def test_drafts_stay_off_the_index(site):
    story = SEED_STORY.read_text(encoding="utf-8").replace("draft: false", "draft: true")
    site.write("draft.md", story)
    site.build()
    assert SEED_SLUG not in site.page("index.html")
    assert (site.output / "drafts" / f"{SEED_SLUG}.html").is_file()


def test_two_files_with_one_slug_both_publish(site, errors):
    shutil.copy(SEED_STORY, site.content / "a.md")
    shutil.copy(SEED_STORY, site.content / "b.md")
    site.build()
    pages = sorted(p.name for p in site.output.glob(f"{SEED_SLUG}*.html"))
    assert len(pages) == 2 and f"{SEED_SLUG}.html" in pages
    assert errors() == []


def test_values_from_files_are_escaped_everywhere(site):
    site.write("x.md", """---
title: "<script>alert(1)</script> & {{ 7*191 }} - <b>Outlet</b>"
date: 2026-01-05
description: "<img src=x onerror=alert(2)>"
link: 'javascript:alert(3)'
categories: ['<i>Sec</i>']
tags: ['<svg onload=alert(4)>']
outlet: "<b>Outlet</b>"
---
<ol><li><a href="https://ok.example/a">&lt;script&gt;alert(5)&lt;/script&gt;</a>&nbsp;&nbsp;<font>O&lt;u&gt;t</font></li>
<li><a href="javascript:alert(6)">Bad link</a>&nbsp;&nbsp;<font>X</font></li></ol>
""")
    site.build(GNEWS_SEARCH=True)  # its search page too
    for path in site.output.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        assert "<script>" not in page and "<svg" not in page and "<img" not in page, path
        assert "javascript:" not in page and "onerror=" not in page.replace("onerror=alert(2)&gt;", ""), path
        assert "1337" not in page, path  # a Jinja expression in feed text stays text
    story = next(p for p in site.output.glob("*.html") if "script" in p.name)
    page = story.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; {{ 7*191 }}" in page
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in page


@pytest.mark.slow
def test_sync_on_build_writes_stories_and_a_failing_feed_is_a_warning(site, sample_feeds, caplog):
    site.build(GNEWS_FEEDS=[str(sample_feeds / "world.xml"), str(sample_feeds / "missing.xml")])
    assert len(list((site.content / "news").glob("*.md"))) == 8
    stories = [p for p in site.output.glob("*.html") if '<ol class="coverage">' in p.read_text()
               and p.stem not in {"index", "archives"}]
    assert len(stories) == 8
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("missing.xml" in w and "building with what is on disk" in w for w in warnings)


def test_sync_on_build_can_be_switched_off(site, sample_feeds):
    site.build(GNEWS_FEEDS=[str(sample_feeds / "world.xml")], GNEWS_SYNC_ON_BUILD=False)
    assert not (site.content / "news").exists()


@pytest.mark.slow
def test_newcomer_build_of_the_sample_site(tmp_path, sample_build):
    """README's path: `pelican content` in the project builds every story, offline."""
    built, log = sample_build  # returned 0
    assert "ERROR" not in log and "CRITICAL" not in log, log
    project = shutil.copytree(built, tmp_path / "project", symlinks=True)  # built again below
    pelican = Path(sys.executable).parent / "pelican"
    stories = list((project / "content" / "news").glob("*.md"))
    assert len(stories) >= 20
    index = (project / "output" / "index.html").read_text(encoding="utf-8")
    for story in stories:
        page = project / "output" / f"{story.stem}.html"
        assert page.is_file()
        text = page.read_text(encoding="utf-8")
        assert '<ol class="coverage">' in text and "<h1><bdi>" in text
    latest = "".join(p.read_text(encoding="utf-8") for p in (project / "output").glob("latest*.html"))
    assert index.count("<article class=\"card\"") >= 12 and latest  # the front page, and every story
    # The hand-made seed story lives in samples/stories: no section of its
    # own ("news.google.com") leaks into the site's navigation.
    nav = index[index.index("<nav"):index.index("</nav>")]
    assert "news.google.com" not in nav and SEED_SLUG not in latest
    # Building again syncs nothing new: no story file changes.
    before = {p: p.stat().st_mtime_ns for p in stories}
    subprocess.run([str(pelican), "content"], cwd=project, capture_output=True, check=True)
    assert {p: p.stat().st_mtime_ns for p in stories} == before


def test_story_files_named_txt_build_and_other_txt_files_stay_static(site, errors):
    """The seed as it was handed over (a .txt file with front matter) builds;
    a robots.txt or a note without front matter is not taken for a story."""
    shutil.copy(SEED_STORY, site.content / "000_fa3c9c86aace03b1.txt")
    site.write("extra/robots.txt", "User-agent: *\nDisallow:\n")
    site.write("notes.txt", "just some notes\n")
    site.build(STATIC_PATHS=["extra"], EXTRA_PATH_METADATA={"extra/robots.txt": {"path": "robots.txt"}})
    assert "<h1><bdi>Zelensky says Ukraine does not have clear security pledge from allies</bdi></h1>" in site.page(
        f"{SEED_SLUG}.html")
    assert site.page("robots.txt") == "User-agent: *\nDisallow:\n"
    assert not list(site.output.glob("notes*.html")) and not list(site.output.glob("robots*.html"))
    assert errors() == []


@needs_shared
def test_bundled_seed_is_the_seed_byte_for_byte():
    assert SEED_STORY.read_bytes() == (SHARED / "seeds" / "000_fa3c9c86aace03b1.txt").read_bytes()


def test_outlet_pages_can_be_switched_off(site, sample_feeds):
    site.build(GNEWS_FEEDS=[str(sample_feeds / "world.xml")], GNEWS_OUTLET_SAVE_AS="")
    assert not (site.output / "outlet").exists() and not (site.output / "outlets.html").exists()
    for page in site.output.rglob("*.html"):
        assert "outlet/" not in page.read_text() and "outlets.html" not in page.read_text(), page


@pytest.mark.slow
def test_tag_and_section_pages_are_the_same_as_pelicans_own(tmp_path, monkeypatch):
    """taxonomy.py writes tag, section and author pages with one lookup per
    story instead of Pelican's scan of every story per tag: the output is the
    same, byte for byte."""
    import pelican_gnews.publish.plugin as plugin

    def build(root: Path) -> dict:
        site = Site(root)
        for n in range(120):
            tags = json.dumps([f"t{n % 7}", f"t{n % 11}", "all"])
            site.write(f"news/s{n}.md", f'---\ntitle: "Story {n} - Wire"\ndate: 2026-01-{n % 28 + 1:02d} '
                                        f'{n % 24:02d}:00\ntags: {tags}\ncategories: ["Sec {n % 5}"]\n'
                                        f'author: "Desk {n % 3}"\n---\n<ol></ol>\n')
        site.build(DEFAULT_PAGINATION=10, PAGINATED_TEMPLATES={"index": None, "tag": None, "category": None,
                                                               "author": None, "archives": 100, "outlet": 50})
        return site_files(site.output)

    import pelican_gnews.publish.taxonomy as taxonomy

    real, checked = taxonomy._write_each, []

    def compared(generator, write, *args):
        def checking_write(*a, **kw):
            # Pelican's own formula, run beside ours on the same values.
            assert kw["dates"] == [x for x in generator.dates if x in kw["articles"]]
            checked.append(kw["template_name"])
            return write(*a, **kw)
        return real(generator, checking_write, *args)

    monkeypatch.setattr(taxonomy, "_write_each", compared)
    ours = build(tmp_path / "ours")
    assert sum(name.startswith("tag/") for name in ours) > 20
    # Tags t0-t10 and "all", 5 sections, 3 authors.
    assert {"tag", "category", "author"} <= set(checked) and len(checked) == 12 + 5 + 3
    monkeypatch.setattr(plugin, "ArticlesGenerator", type("NotArticles", (), {}))  # Pelican's own methods
    pelicans = build(tmp_path / "pelicans")
    assert ours == pelicans
