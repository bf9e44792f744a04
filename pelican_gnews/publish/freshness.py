"""Freshness you can see: every page says when the site last synced, and a
status page lists each feed of GNEWS_FEEDS with what its syncs did.

Both come from the sync state's "status" section (ingest/feed_status.py),
never from the build's clock: a build without a sync (GNEWS_SYNC_ON_BUILD
off, every feed failing) shows the last successful sync, and a site that
never synced says so.

The footer's stamp changes with every sync, and an incremental build keeps
every page whose inputs did not change (incremental.py). So the stamp is
no input of any page's fingerprint: a page that is rendered gets the stamp
from its template (`synced_stamp()`); a page that is kept gets it at the
build's end (`restamp`), which swaps the stamp's one element in the written
file, byte for byte the element the template writes (the one function
`stamp_html` makes both), and leaves every file that already has it alone.
An hourly build then rewrites the kept pages' stamps (the last 2 KB of each
read, the stamp and what follows it written) and renders nothing more; the
output stays byte for byte what a cold build writes.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
from datetime import datetime
from functools import lru_cache

from jinja2 import pass_context
from markupsafe import Markup
from pelican.generators import Generator

from ..ingest import feed_status
from ..settings import SettingsError, from_pelican, setting
from ..text import safe_url
from . import localisation

logger = logging.getLogger(__name__)

TEMPLATE = "status"
# The stamp's element: one line, nothing inside it closes a <p> (its words
# are the catalog's, its time Babel's), so it is found without parsing.
_OPEN = '<p class="synced" data-pagefind-ignore>'
_TAIL = 2048  # bytes from a page's end that hold its footer
_STAMP = re.compile(re.escape(_OPEN[:-1]).encode() + rb"[^>\n]*>[^\n]*?</p>")


def read_status(settings) -> dict[str, feed_status.FeedStatus]:
    """The state's status records, or none: a state or record that cannot
    be read is reported by the build's other read of the state
    (ranking.load_facts), once."""
    try:
        config = from_pelican(settings)
        data = json.loads(config.state_file.read_text(encoding="utf-8"))
    except (SettingsError, OSError, UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return feed_status.read_all(data.get("status"), str(config.state_file), warn=False)


@lru_cache(maxsize=64)
def stamp_html(synced: str, language: str, zone_name: str, has_feeds: bool) -> str:
    """The footer's stamp: "Last synced: <time>" in the site's language and
    zone; "Not synced yet" on a site with feeds that never synced; an empty,
    hidden element on a site without feeds."""
    words = localisation.translations(localisation.catalog_for(language))
    if synced:
        moment = datetime.fromisoformat(synced)
        zone = localisation.zone_named(zone_name)
        when = Markup('<bdi><time datetime="%s">%s</time></bdi>') % (
            moment.astimezone(zone).isoformat(), localisation.format_moment(moment, language, zone_name))
        text = Markup.escape(words.gettext("Last synced: %(time)s")).replace("%(time)s", when)
        return f"{_OPEN}{text}</p>"
    if has_feeds:
        return f"{_OPEN}{Markup.escape(words.gettext('Not synced yet.'))}</p>"
    return f"{_OPEN[:-1]} hidden></p>"


def current_stamp(context) -> str:
    """The stamp every page of this build carries."""
    return stamp_html(context.get("GNEWS_SYNCED") or "", localisation.ui_language(context),
                      context.get("TIMEZONE") or "UTC", bool(context.get("GNEWS_STATUS_FEEDS")))


@pass_context
def synced_stamp(context) -> Markup:
    """The footer's stamp, for base.html."""
    return Markup(current_stamp(context))


@pass_context
def status_time(context, iso: str) -> Markup:
    """A time of the status page (ISO 8601 text, as the state keeps it) as
    the theme shows times."""
    return localisation.moment_html(context, datetime.fromisoformat(iso))


def install(env) -> None:
    env.globals.update(synced_stamp=synced_stamp, status_time=status_time)


def restamp(output_path: str, names, stamp: str) -> dict[str, int | None]:
    """Put this build's stamp into pages kept from an earlier build. Returns
    the new size of each file it rewrote (the writer's manifest records
    sizes), or None for a file it could not (to be rendered next time).
    The stamp is in the footer, at a page's end: only the file's tail is
    read, and only from the stamp on is written, in place (as Pelican
    writes pages), when the stamp differs."""
    data = stamp.encode("utf-8")
    sizes = {}
    for name in names:
        try:
            size = _restamp_file(os.path.join(output_path, name), data)
        except OSError as exc:
            logger.warning("pelican-gnews: %s: cannot update its sync time (%s); the next build renders it",
                           name, exc.strerror or exc)
            sizes[name] = None
            continue
        if size is not None:
            sizes[name] = size
    return sizes


def _restamp_file(path: str, data: bytes) -> int | None:
    """Swap the stamp in one file; its new size, or None when it already
    had `data` or has no stamp. Plain descriptors (pread/pwrite): an hour
    restamps thousands of pages, and file objects cost half again as much."""
    handle = os.open(path, os.O_RDWR)
    try:
        size = os.fstat(handle).st_size
        at = max(0, size - _TAIL)
        tail = os.pread(handle, size - at, at)
        found = _STAMP.search(tail)
        if found is None and at:
            at, tail = 0, os.pread(handle, size, 0)
            found = _STAMP.search(tail)
        if found is None or found.group(0) == data:
            return None
        rest = data + tail[found.end():]
        start = at + found.start()
        if os.pwrite(handle, rest, start) != len(rest):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        os.ftruncate(handle, start + len(rest))
        return start + len(rest)
    finally:
        os.close(handle)


def feed_rows(settings, records, synced: datetime | None) -> list[dict]:
    """One row per feed of GNEWS_FEEDS, in their order, as plain values (the
    page's fingerprint is what it shows). Its stories "in the last day" are
    counted up to the site's last sync, so a build alone changes nothing."""
    try:
        feeds = from_pelican(settings).feeds
    except SettingsError:
        return []
    rows = []
    for spec in feeds:
        status = records.get(spec.url) or feed_status.FeedStatus()
        rows.append({
            "name": spec.name or status.name or "", "url": spec.url, "link": safe_url(spec.url),
            "ok": status.ok, "failed": status.failed, "reason": status.reason if status.failed else "",
            "failing": bool(status.failed and status.failed >= status.ok),
            "new": status.last_day(synced) if synced else 0,
        })
    return rows


class StatusGenerator(Generator):
    """The site's last sync for every page's footer, and the status page."""

    def generate_context(self):
        records = read_status(self.settings)
        synced = feed_status.last_sync(records)
        save_as = setting(self.settings, "GNEWS_STATUS_SAVE_AS")
        self.rows = feed_rows(self.settings, records, synced)
        self.synced = synced.isoformat() if synced else ""
        # In the context, not the settings: the build key (incremental.py)
        # is the settings', and the sync time is in no fingerprint.
        self.context["GNEWS_SYNCED"] = self.synced
        self.context["GNEWS_STATUS_FEEDS"] = len(self.rows)
        self.context["GNEWS_STATUS_URL"] = setting(self.settings, "GNEWS_STATUS_URL") if save_as else ""
        self.save_as_paths = [save_as] if save_as else []

    def generate_output(self, writer):
        save_as = setting(self.settings, "GNEWS_STATUS_SAVE_AS")
        if not save_as:
            return
        writer.write_file(save_as, self.get_template(TEMPLATE), self.context,
                          relative_urls=self.settings.get("RELATIVE_URLS"), template_name=TEMPLATE,
                          url=setting(self.settings, "GNEWS_STATUS_URL"), page_name=TEMPLATE,
                          feeds=self.rows, synced=self.synced)
