"""file_stamps.py: Pelican's stamps of content files (a hash of each file's
bytes) are remembered between builds by what the file system says of each
file, so an hourly build hashes only the files that changed; and a file
changed in any way, even one whose size and mtime were put back, is read
again, as a cold build reads it."""

from __future__ import annotations

import os
import pickle

import pytest
from conftest import site_files

from pelican_gnews.publish import file_stamps

CACHED = dict(GNEWS_INCREMENTAL=True, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, CHECK_MODIFIED_METHOD="md5")


@pytest.fixture
def hashed(monkeypatch):
    """The names of the content files hashed, in order."""
    names: list[str] = []
    original = file_stamps.FileStamps.__init__

    def init(self, path, method, hash_file, load):
        original(self, path, method, lambda name: names.append(os.path.basename(name)) or hash_file(name), load)

    monkeypatch.setattr(file_stamps.FileStamps, "__init__", init)
    return names


@pytest.fixture
def cached_site(site, tmp_path):
    site.settings.update(CACHED, CACHE_PATH=str(tmp_path / "cache"))
    site.write_listed_stories(8)
    return site


def test_a_second_build_hashes_only_the_files_that_changed(cached_site, hashed, tmp_path, monkeypatch):
    site = cached_site
    # Files written before the build are not "racy" here: the two seconds
    # would make every file of a test too new to be remembered.
    monkeypatch.setattr(file_stamps, "RACY_NS", 0)
    site.build()
    assert sorted(hashed) == [f"s{n}.md" for n in range(8)]
    assert (tmp_path / "cache" / "gnews-stamps-ArticlesGenerator-Readers.pickle").is_file()

    site.grow("news/s3.md", "https://y.example/3", "Story 3 grows", "Third")
    # Same size, same mtime: only the change time tells (rsync -t, an editor that keeps mtimes).
    s5 = site.content / "news" / "s5.md"
    before = os.stat(s5)
    s5.write_text(s5.read_text(encoding="utf-8").replace("Other 5", "Other 6"), encoding="utf-8")
    os.utime(s5, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (os.stat(s5).st_size, os.stat(s5).st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    site.write("news/s9.md", (site.content / "news" / "s1.md").read_text(encoding="utf-8")
               .replace("Story 1", "Story 9").replace("/1", "/9"))
    hashed.clear()
    site.build()
    assert sorted(hashed) == ["s3.md", "s5.md", "s9.md"]
    cold = site.build_cold(tmp_path / "cold", **CACHED)
    assert site_files(site.output) == site_files(cold)
    assert any(b"Other 6" in data for data in site_files(site.output).values())


def test_a_file_changed_just_before_the_build_is_hashed_again_next_time(cached_site, hashed):
    """Written within two seconds of the build's start, a file's times may
    not tell a second write in the same tick: it is not remembered."""
    cached_site.build()
    hashed.clear()
    cached_site.build()
    assert sorted(hashed) == [f"s{n}.md" for n in range(8)]


def _entries_of_another_shape(site) -> bytes:
    stamps = {str(path): shape for path, shape in zip(sorted((site.content / "news").glob("*.md")), [
        "junk", (), (1,), (1, 2), ([1], b""), None, ((), b"", 3), (("x",), b"")])}
    return pickle.dumps({"version": file_stamps.VERSION, "method": "md5", "stamps": stamps})


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05N.", pickle.dumps({"version": 99}),
                                    _entries_of_another_shape])
def test_a_damaged_stamps_file_means_every_file_is_hashed(cached_site, hashed, tmp_path, monkeypatch, damage):
    monkeypatch.setattr(file_stamps, "RACY_NS", 0)
    cached_site.build()
    if callable(damage):
        damage = damage(cached_site)
    (tmp_path / "cache" / "gnews-stamps-ArticlesGenerator-Readers.pickle").write_bytes(damage)
    hashed.clear()
    cached_site.build()
    assert sorted(hashed) == [f"s{n}.md" for n in range(8)]


def test_stamps_by_mtime_keep_no_file(cached_site, tmp_path):
    cached_site.build(CHECK_MODIFIED_METHOD="mtime")
    assert (tmp_path / "cache").is_dir()
    assert not list((tmp_path / "cache").glob("gnews-stamps-*"))
