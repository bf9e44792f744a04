"""Compiled templates kept between builds (publish/template_cache.py): the
same pages from kept code, a changed template or environment compiled
again, and a cache that cannot be written never stops a build."""

from __future__ import annotations

import shutil

from conftest import ROOT, Site, site_files
from jinja2 import Environment

from pelican_gnews.publish.template_cache import FOLDER, environment_key

STORY = "---\ntitle: Harbour bridge opens\ndate: 2026-03-02T08:00:00+00:00\ntags: [Harbour]\n---\nOpened.\n"


def _site(root, theme):
    site = Site(root)
    site.write("news/bridge.md", STORY)
    site.settings.update(THEME=str(theme), CACHE_PATH=str(root / "cache"), CACHE_CONTENT=True, GNEWS_SEARCH=False)
    return site


def test_kept_templates_give_the_same_pages_and_an_edit_is_compiled_again(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    site = _site(tmp_path / "site", theme)
    site.build()
    kept = sorted((tmp_path / "site" / "cache" / FOLDER).glob("*.cache"))
    assert len(kept) >= 5  # every template the build used
    first = site_files(site.output)
    site.build()
    assert site_files(site.output) == first
    # A template edited between builds: its new text is on the page.
    base = theme / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</footer>", "<p>Edited footer</p></footer>", 1),
                    encoding="utf-8")
    site.build()
    pages = list(site.output.rglob("*.html"))
    assert pages and all("Edited footer" in path.read_text(encoding="utf-8") for path in pages
                         if "</footer>" in path.read_text(encoding="utf-8"))


def test_a_cache_that_cannot_be_written_stops_nothing(tmp_path):
    site = _site(tmp_path / "site", ROOT / "theme")
    (tmp_path / "site" / "cache").mkdir()
    (tmp_path / "site" / "cache" / FOLDER).write_text("a file where the folder would be")
    site.build()
    assert any(site.output.rglob("*.html"))


def test_a_site_without_a_content_cache_gets_no_template_cache(tmp_path):
    site = _site(tmp_path / "site", ROOT / "theme")
    site.build(CACHE_CONTENT=False)
    assert any(site.output.rglob("*.html")) and not (tmp_path / "site" / "cache" / FOLDER).exists()


def test_the_environment_that_shapes_compiled_code_is_part_of_the_key():
    plain, trimmed = Environment(), Environment(trim_blocks=True)
    with_i18n = Environment(extensions=["jinja2.ext.i18n"])
    keys = {environment_key(plain), environment_key(trimmed), environment_key(with_i18n)}
    assert len(keys) == 3
    assert environment_key(Environment()) == environment_key(plain)
