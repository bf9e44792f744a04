"""Files of the site written beside the templates' pages, and the two
settings every writer of them reads.

The archive's data files, robots.txt, the sitemap, the favicon and the
redirect pages are written here, never by a template: kept when what they
show is unchanged (with incremental builds), and written in one rename, so
a server reading the output meanwhile gets the old file or the new one.
A module of its own so that the page modules (archive_pages, crawlers,
favicon, redirects) and the writer all use it without importing each other.
The plugin's own caches in CACHE_PATH (the archive's, the cards') are
pickled files read and written here too.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from pathlib import Path


def per_page(settings, template_name: str | None) -> int | None:
    """Stories a page of this template: None when it is not paginated, 0
    for all on one page (as Pelican does without DEFAULT_PAGINATION)."""
    paginated = settings.get("PAGINATED_TEMPLATES", {})
    if template_name not in paginated:
        return None
    return paginated[template_name] or settings.get("DEFAULT_PAGINATION") or 0


def incremental_on(settings) -> bool:
    return bool(settings.get("GNEWS_INCREMENTAL", False))


def write_data(writer, context, save_as: str, shown, make_text) -> None:
    """A data file of the site: kept when what it shows (`shown`) is as
    the last build recorded it (with incremental builds), else made and
    written, leaving the file untouched if its bytes are unchanged."""
    memo = getattr(writer, "data_unchanged", None)
    if shown is not None and memo is not None and memo(context, save_as, shown):
        return
    path = Path(writer.output_path) / save_as
    data = make_text()
    data = data.encode("utf-8") if isinstance(data, str) else data  # bytes: an image (favicon.py)
    with contextlib.suppress(OSError):
        if path.read_bytes() == data:
            data = None
    if data is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # One rename: a server reading the output meanwhile gets the old file or the new one.
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    getattr(writer, "data_written", lambda *args: None)(context, save_as, shown)


def load_pickle(path: Path):
    """A cache file's value; None when it is missing or cannot be read
    (any damage: the cache is made again)."""
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception:  # noqa: BLE001 - a missing file, a disk error, any damage to the pickle
        return None


def save_pickle(path: Path, value) -> str:
    """Write a cache file in one rename: '' once written, else why not
    (a disk or a pickling error; the file is then as it was)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception as exc:  # noqa: BLE001 - a disk error or a pickling one
        with contextlib.suppress(OSError):
            tmp.unlink()
        return str(getattr(exc, "strerror", None) or exc)
    return ""
