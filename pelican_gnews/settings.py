"""The plugin's settings, with their defaults, read from Pelican's settings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULTS = {
    "GNEWS_FEEDS": [],
    "GNEWS_CONTENT_DIR": "news",
    "GNEWS_MAX_TAGS": 5,
    "GNEWS_SYNC_ON_BUILD": True,
    "GNEWS_TIMEOUT": 30,
}


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class FeedSpec:
    """One entry of GNEWS_FEEDS: where to read it, and an optional section name."""

    url: str
    category: str = ""

    @property
    def is_remote(self) -> bool:
        return self.url.lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class GNewsSettings:
    path: Path  # Pelican's PATH
    content_dir: Path  # PATH / GNEWS_CONTENT_DIR
    feeds: tuple[FeedSpec, ...]
    max_tags: int
    sync_on_build: bool
    timeout: float


def feed_spec(entry) -> FeedSpec:
    if isinstance(entry, (str, os.PathLike)):
        return FeedSpec(str(entry))
    if isinstance(entry, dict) and entry.get("url"):
        return FeedSpec(str(entry["url"]), str(entry.get("category") or ""))
    raise SettingsError(
        f"GNEWS_FEEDS entry {entry!r} is neither a URL or path nor a dict with a 'url'"
    )


def from_pelican(settings: dict) -> GNewsSettings:
    """Read and check the GNEWS_* settings from a Pelican settings dict."""

    def get(key):
        return settings.get(key, DEFAULTS[key])

    path = Path(settings.get("PATH") or "content").resolve()
    content_dir = (path / str(get("GNEWS_CONTENT_DIR"))).resolve()
    if not content_dir.is_relative_to(path):
        raise SettingsError(f"GNEWS_CONTENT_DIR {get('GNEWS_CONTENT_DIR')!r} is outside PATH")
    feeds = get("GNEWS_FEEDS")
    if isinstance(feeds, (str, dict)):
        feeds = [feeds]
    try:
        max_tags = int(get("GNEWS_MAX_TAGS"))
        timeout = float(get("GNEWS_TIMEOUT"))
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"GNEWS_MAX_TAGS and GNEWS_TIMEOUT must be numbers: {exc}") from None
    return GNewsSettings(
        path=path,
        content_dir=content_dir,
        feeds=tuple(feed_spec(f) for f in feeds or ()),
        max_tags=max(0, max_tags),
        sync_on_build=bool(get("GNEWS_SYNC_ON_BUILD")),
        timeout=timeout,
    )
