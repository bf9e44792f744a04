"""Fetch a feed's bytes from an http(s) URL or a local file.

feedparser can fetch by itself, but with no timeout and no size limit; the
bytes are fetched here and handed to the parser.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from . import __version__

# Real Google News feeds are under 1 MB; anything far larger is not a feed.
MAX_BYTES = 10 * 1024 * 1024
USER_AGENT = f"pelican-gnews/{__version__} (+https://pypi.org/project/pelican-gnews/)"


class FetchError(Exception):
    """The feed could not be read. The message says why."""


def fetch(source: str, timeout: float = 30, base_dir: Path | None = None) -> bytes:
    if source.lower().startswith(("http://", "https://")):
        return _fetch_url(source, timeout)
    path = Path(source).expanduser()
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise FetchError(f"larger than {MAX_BYTES // 1024 // 1024} MB")
    return data


def _fetch_url(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/xml;q=0.9, */*;q=0.1"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"cannot fetch: {reason}") from None
    if len(data) > MAX_BYTES:
        raise FetchError(f"larger than {MAX_BYTES // 1024 // 1024} MB")
    return data
