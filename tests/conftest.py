"""Shared fixtures: real Pelican builds in temporary folders, the repo's files,
and ../shared (the real Google News feeds), which a newcomer's clone may lack."""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SHARED_FEEDS = SHARED / "feeds"
SEED_STORY = ROOT / "content" / "000_fa3c9c86aace03b1.md"  # the seed, byte for byte
SAMPLE_FEEDS = ROOT / "samples" / "feeds"

sys.path.insert(0, str(Path(__file__).resolve().parent))

needs_shared = pytest.mark.skipif(
    not SHARED_FEEDS.is_dir(),
    reason="../shared/feeds (the real Google News feeds) is not beside this clone; "
    "CI always has it",
)


class Site:
    """A Pelican site in a temporary folder, built in-process."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        self.content.mkdir(parents=True, exist_ok=True)
        self.settings: dict = {
            "PATH": str(self.content),
            "OUTPUT_PATH": str(self.output),
            "PLUGINS": ["pelican_gnews"],
            "THEME": str(ROOT / "theme"),
            "TIMEZONE": "UTC",
            "SITEURL": "",
            "RELATIVE_URLS": True,
            "FEED_ALL_ATOM": None,
            "CATEGORY_FEED_ATOM": None,
            "TRANSLATION_FEED_ATOM": None,
            "AUTHOR_FEED_ATOM": None,
            "AUTHOR_FEED_RSS": None,
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
            "GNEWS_FEEDS": [],
        }

    def write(self, relpath: str, text: str) -> Path:
        path = self.content / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def build(self, **overrides):
        from pelican import Pelican
        from pelican.settings import read_settings

        settings = read_settings(None, override={**self.settings, **overrides})
        pelican = Pelican(settings)
        pelican.run()
        return pelican

    def page(self, relpath: str) -> str:
        return (self.output / relpath).read_text(encoding="utf-8")


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(tmp_path / "site")


@pytest.fixture
def errors(caplog):
    """Messages logged at ERROR or above during the test."""
    caplog.set_level(logging.INFO)

    def _errors():
        return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]

    return _errors


@pytest.fixture
def sample_feeds(tmp_path) -> Path:
    dest = tmp_path / "feeds"
    shutil.copytree(SAMPLE_FEEDS, dest)
    return dest
