"""pelican_seams.py: the installed Pelican has every piece the plugin
replaces, and a Pelican that moved one stops the build at once, naming it."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pelican.cache
import pelican.generators
import pytest
from conftest import copy_project

from pelican_gnews.publish import pelican_seams
from pelican_gnews.publish.pelican_seams import PelicanShapeError, check_shape


def test_the_installed_pelican_has_every_piece():
    assert [(p.name, p.check()) for p in pelican_seams.PIECES if p.check()] == []
    check_shape()


def test_a_changed_signature_is_named(monkeypatch):
    def get_files(self, paths, exclude=None, extensions=None, follow_links=True):
        return set()

    monkeypatch.setattr(pelican.generators.Generator, "get_files", lambda self, where, skip=None: set())
    with pytest.raises(PelicanShapeError) as caught:
        check_shape()
    message = str(caught.value)
    assert "Generator.get_files takes (self, where, skip)" in message
    assert "link loop" in message  # what the piece is for
    assert "ArticlesGenerator" not in message  # only the broken piece is named
    monkeypatch.setattr(pelican.generators.Generator, "get_files", get_files)
    check_shape()  # a new parameter at the end still fits


def test_a_removed_method_and_a_removed_attribute_are_named(monkeypatch):
    monkeypatch.delattr(pelican.generators.ArticlesGenerator, "generate_authors")
    # A Pelican whose cacher keeps its file under another name.
    real_source = inspect.getsource
    original = pelican.cache.FileDataCacher.__init__
    monkeypatch.setattr(pelican_seams.inspect, "getsource", lambda obj: real_source(obj).replace(
        "self._cache_path", "self.cache_file") if obj is original else real_source(obj))
    with pytest.raises(PelicanShapeError) as caught:
        check_shape()
    message = str(caught.value)
    assert "generate_authors is gone" in message
    assert "FileDataCacher.__init__ no longer sets _cache_path" in message
    assert "_cache_open" not in message.split("FileDataCacher.__init__ no longer sets")[1].split("(")[0]


@pytest.mark.slow
def test_a_build_on_a_changed_pelican_stops_before_it_starts(tmp_path):
    """`pelican content` with Generator.get_files changed (as a newer Pelican
    might): the build fails at once with the piece's name, writes nothing,
    and shows no traceback."""
    project = copy_project(tmp_path / "site")
    script = ("import sys, pelican, pelican.generators\n"
              "pelican.generators.Generator.get_files = lambda self, paths: set()\n"
              "sys.argv = ['pelican', 'content']\n"
              "pelican.main()\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, text=True,
                          env={"COLUMNS": "1000", "PATH": "/usr/bin:/bin"})
    log = done.stdout + done.stderr
    assert done.returncode == 1, log
    assert "pelican-gnews does not fit Pelican" in log and "Generator.get_files takes (self, paths)" in log
    assert "Traceback" not in log
    assert not (project / "output" / "index.html").exists()
    assert not (project / "content" / "news").exists()  # not even the sync ran


def test_a_pelican_that_writes_other_pages_before_the_stories_is_named(monkeypatch):
    """The writer starts the search index at the first page that is not a
    story, so it needs the story pages written first."""
    real_source = inspect.getsource
    original = pelican.generators.ArticlesGenerator.generate_pages
    moved = real_source(original).replace("self.generate_articles(write)\n", "").replace(
        "self.generate_drafts(write)", "self.generate_drafts(write)\n        self.generate_articles(write)")
    monkeypatch.setattr(pelican_seams.inspect, "getsource",
                        lambda obj: moved if obj is original else real_source(obj))
    with pytest.raises(PelicanShapeError) as caught:
        check_shape()
    assert ("ArticlesGenerator.generate_pages calls another self.generate_ method before "
            "self.generate_articles(write)") in str(caught.value)


@pytest.mark.parametrize("layer", ["reader", "generator"])
def test_a_generator_stamps_content_files_only_for_the_cache_in_use(tmp_path, layer):
    """With the reader's cache in use, the articles generator's own cache
    is off: it answers "not cached" without reading the file to hash it."""
    from pelican.settings import read_settings

    (tmp_path / "content").mkdir()
    story = tmp_path / "content" / "story.md"
    story.write_text("Title: A story\nDate: 2026-01-09\n\nText.\n", encoding="utf-8")
    settings = read_settings(override={"PATH": str(tmp_path / "content"), "CACHE_PATH": str(tmp_path / "cache"),
                                       "CONTENT_CACHING_LAYER": layer, "CHECK_MODIFIED_METHOD": "md5",
                                       "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True})
    generator = pelican.generators.ArticlesGenerator(
        context={}, settings=settings, path=settings["PATH"], theme=settings["THEME"],
        output_path=str(tmp_path / "output"))
    stamped = []
    stamp = generator._filestamp_func
    generator._filestamp_func = lambda name: stamped.append(name) or stamp(name)
    pelican_seams.skip_unused_stamps(generator)
    generator.cache_data("story.md", "read")
    assert generator.get_cached_data("story.md", "not cached") == ("not cached" if layer == "reader" else "read")
    assert stamped == ([] if layer == "reader" else [str(story)] * 2)


def test_a_story_s_attached_file_is_found_though_most_content_is_not_scanned(site, monkeypatch):
    # A hand-written story linking a file outside STATIC_PATHS: Pelican
    # copies it because the link was found in the story.
    site.write("news/with-file.md", '---\ntitle: "Harbor report - Wire"\ndate: 2026-01-02 10:00\n'
               'slug: harbor-report\nsave_as: reports/harbor-report.html\nurl: reports/harbor-report.html\n---\n'
               '<p>The <a class="x" href = "{static}/files/report.txt">full report</a>.</p>\n')
    site.write("files/report.txt", "figures\n")
    for n in range(3):
        site.write(f"news/s{n}.md", f'---\ntitle: "Story {n} | extra - Wire"\ndate: 2026-01-01 0{n}:00\n---\n'
                   f'<ol><li><a href="https://w.example/{n}">Story {n} {{x}}</a></li></ol>\n')
    scanned = []
    original = pelican.generators.Generator.add_static_links

    def add_static_links(self, content):  # Pelican's, which scans the content
        scanned.append(content.slug)
        original(self, content)

    monkeypatch.setattr(pelican.generators.Generator, "add_static_links", add_static_links)
    site.build()
    assert scanned == ["harbor-report"]
    assert (site.output / "files" / "report.txt").read_text() == "figures\n"
    assert 'href = "../files/report.txt"' in site.page("reports/harbor-report.html")
