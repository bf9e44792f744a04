"""cache_delta.py: Pelican's content cache is written whole only when much
of it changed; otherwise what changed goes to a file beside it, which the
next build lays over what Pelican loads. Either way a build reads only the
story files that changed, and builds what a cold build does."""

from __future__ import annotations

import gzip
import logging
import os
import pickle
from types import SimpleNamespace

import pytest
from conftest import site_files

from pelican_gnews.publish import cache_delta
from pelican_gnews.publish.reader import StoryReader

CACHED = dict(GNEWS_INCREMENTAL=True, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, CHECK_MODIFIED_METHOD="md5")
STORIES = 16  # an eighth of them, 2, may change before the cache is written whole


@pytest.fixture
def read(monkeypatch):
    """The names of the story files the story reader reads, in order."""
    names: list[str] = []
    original = StoryReader.read

    def spy(self, source_path):
        names.append(os.path.basename(source_path))
        return original(self, source_path)

    monkeypatch.setattr(StoryReader, "read", spy)
    return names


@pytest.fixture
def cached_site(site, tmp_path):
    site.settings.update(CACHED, CACHE_PATH=str(tmp_path / "cache"))
    site.write_listed_stories(STORIES)
    return site


def _files(tmp_path):
    whole = tmp_path / "cache" / "ArticlesGenerator-Readers"
    return whole, whole.with_name(whole.name + cache_delta.SUFFIX)


def _loaded(tmp_path) -> dict:
    """The cache as the next build has it: the whole file, the delta over it."""
    whole, delta = _files(tmp_path)
    contents = _whole(whole)
    if delta.exists():
        with open(delta, "rb") as handle:
            record = pickle.load(handle)
        contents.update(record["entries"])
        for key in record["removed"]:
            contents.pop(key)
    return {os.path.basename(key): value for key, value in contents.items()}


def _whole(path) -> dict:
    """Pelican's file, gzipped as GZIP_CACHE (Pelican's default) has it."""
    data = path.read_bytes()
    return pickle.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)


def _grow(site, n: int) -> None:
    site.grow(f"news/s{n}.md", f"https://y.example/{n}", f"Story {n} grows", "Third")


def test_a_few_changes_go_beside_the_cache_and_the_next_build_reads_only_new_ones(cached_site, read, tmp_path):
    site = cached_site
    site.build()
    whole, delta = _files(tmp_path)
    assert whole.is_file() and not delta.exists()
    written = (whole.read_bytes(), os.stat(whole).st_mtime_ns)

    _grow(site, 3)
    read.clear()
    site.build()
    assert read == ["s3.md"]
    assert (whole.read_bytes(), os.stat(whole).st_mtime_ns) == written  # not written again
    with open(delta, "rb") as handle:
        assert [os.path.basename(k) for k in pickle.load(handle)["entries"]] == ["s3.md"]

    _grow(site, 5)
    read.clear()
    site.build()
    assert read == ["s5.md"]  # s3 as the delta has it
    assert (whole.read_bytes(), os.stat(whole).st_mtime_ns) == written
    assert sorted(_loaded(tmp_path)) == sorted(f"s{n}.md" for n in range(STORIES))
    read.clear()
    site.build()
    assert read == []
    cold = site.build_cold(tmp_path / "cold", **CACHED)
    assert site_files(site.output) == site_files(cold)
    assert b"Story 5 grows" in b"".join(site_files(site.output).values())


def _built_with_a_delta(site, tmp_path, n: int = 1):
    """Built, story `n` grown, built again: the cache's files."""
    site.build()
    _grow(site, n)
    site.build()
    whole, delta = _files(tmp_path)
    assert delta.exists()
    return whole, delta


def test_more_changes_write_the_cache_whole_and_drop_the_delta(cached_site, read, tmp_path):
    site = cached_site
    whole, delta = _built_with_a_delta(site, tmp_path)
    for n in (2, 4):  # three changed since the cache was written whole: more than an eighth
        _grow(site, n)
    read.clear()
    site.build()
    assert sorted(read) == ["s2.md", "s4.md"]
    assert not delta.exists()
    assert sorted(os.path.basename(k) for k in _whole(whole)) == sorted(f"s{n}.md" for n in range(STORIES))
    read.clear()
    site.build()
    assert read == []


def test_a_deleted_story_leaves_the_cache(cached_site, tmp_path):
    site = cached_site
    site.build()
    (site.content / "news" / "s7.md").unlink()
    site.build()
    _, delta = _files(tmp_path)
    with open(delta, "rb") as handle:
        assert [os.path.basename(k) for k in pickle.load(handle)["removed"]] == ["s7.md"]
    assert "s7.md" not in _loaded(tmp_path)
    cold = site.build_cold(tmp_path / "cold", **CACHED)
    assert site_files(site.output) == site_files(cold)


def test_an_unchanged_site_keeps_no_delta(cached_site, tmp_path):
    site = cached_site
    whole, delta = _built_with_a_delta(site, tmp_path)
    (site.content / "news" / "s1.md").write_text((site.content / "news" / "s1.md").read_text(encoding="utf-8"))
    site.build()
    assert delta.exists()  # s1 still differs from the whole file
    site.build(CACHE_CONTENT=True, LOAD_CONTENT_CACHE=False)  # --ignore-cache: written whole
    assert not delta.exists()
    site.build()
    assert not delta.exists() and not list(whole.parent.glob("*.delta"))


def test_a_delta_changed_outside_a_build_means_every_story_is_read(cached_site, read, tmp_path):
    """The build key guards the delta as it does Pelican's file."""
    site = cached_site
    _, delta = _built_with_a_delta(site, tmp_path, 3)
    delta.write_bytes(delta.read_bytes() + b"\0")
    read.clear()
    site.build()
    assert sorted(read) == sorted(f"s{n}.md" for n in range(STORIES))


def _cacher(tmp_path, contents: dict):
    """What pelican_seams.cache_contents reads of a Pelican cacher."""
    path = tmp_path / "Cache"
    path.write_bytes(pickle.dumps(contents))
    return SimpleNamespace(_cache_data_policy=True, _cache_path=str(path), _cache_open=open, _cache=dict(contents))


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05N.", pickle.dumps({"version": 99}),
                                    pickle.dumps({"version": cache_delta.VERSION, "entries": [], "removed": []}),
                                    pickle.dumps({"version": cache_delta.VERSION, "entries": {}, "removed": "ab"})])
def test_a_damaged_delta_is_left_out_with_one_line(tmp_path, caplog, damage):
    cacher = _cacher(tmp_path, {"a": 1, "b": 2})
    (tmp_path / f"Cache{cache_delta.SUFFIX}").write_bytes(damage)
    with caplog.at_level(logging.INFO, logger="pelican_gnews"):
        delta = cache_delta.CacheDelta(cacher, load=True)
    assert cacher._cache == {"a": 1, "b": 2}
    assert len([r for r in caplog.records if "Cache.delta" in r.getMessage()]) == 1
    # The next save starts from what Pelican's file holds.
    cacher._cache["c"] = 3
    assert not delta.save(cacher._cache)  # one change of three: more than an eighth


@pytest.mark.parametrize("load", [False, True])
def test_a_delta_over_a_cache_not_loaded_is_not_laid(tmp_path, load):
    """Pelican loaded nothing: LOAD_CONTENT_CACHE off, or a file it could
    not read (which it only logs)."""
    cacher = _cacher(tmp_path, {"a": 1})
    cacher._cache = {}
    (tmp_path / f"Cache{cache_delta.SUFFIX}").write_bytes(
        pickle.dumps({"version": cache_delta.VERSION, "entries": {"b": 2}, "removed": ["a"]}))
    delta = cache_delta.CacheDelta(cacher, load=load)
    assert cacher._cache == {}
    assert not delta.save({"b": 2})  # what the file holds is unknown: written whole
