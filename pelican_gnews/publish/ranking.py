"""Ranking: how important a story is now, and the front page built from it.

The sync state (ingest/state.py) keeps, for each story, its best place in a
feed (Google's own order of importance), when a sync first saw it, and when
each outlet joined it. From those, at build time:

    score = 0.5 ** (hours since the story last grew / GNEWS_SCORE_HALF_LIFE)
            * (1 / best place)
            * (distinct outlets) ** GNEWS_SCORE_OUTLETS

Google's order counts most: with the default exponent (0.1), ten outlets
weigh 1.26 times one, so the first three places of one feed keep their
order whatever their outlets, and a story four places down needs many more
outlets to pass. A story that gains outlets is younger again (it grew), and
rises. A story the state does not know (written by hand) counts as placed
UNRANKED, seen at its date.

The front page (index.html) opens with the GNEWS_FRONT_PAGE_TOP best
stories, then a block per section with its GNEWS_FRONT_PAGE_SECTION best
not shown above; "Latest" (latest.html) lists every story newest first.
A card says "+N sources" when N outlets joined the story in the last
GNEWS_DEVELOPING_HOURS, and an Atom entry's `updated` is when it last grew.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from ..ingest.identity import article_keys
from ..ingest.state import SyncState, StateError
from ..settings import SettingsError, from_pelican, setting

logger = logging.getLogger(__name__)

UNRANKED = 20  # the place a story the feeds never ranked counts as


@dataclass(frozen=True)
class Facts:
    """What the sync state knows of one story, as the theme shows it."""

    first_seen: datetime
    joined: tuple[tuple[str, datetime], ...]  # outlets in the order they joined, with when
    rank: int  # best place in a feed; 0: unknown

    @property
    def last_grew(self) -> datetime | None:
        later = [when for _, when in self.joined if when > self.first_seen]
        return max(later) if later else None


def _time(value: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def load_facts(settings) -> tuple[dict[str, Facts], dict[str, str]]:
    """Facts by story file (relative to PATH, posix style), and publisher
    URLs by article key (resolve.py); none when the site has no state (a
    site of hand-written stories)."""
    try:
        config = from_pelican(settings)
    except SettingsError:
        return {}, {}  # said once already, by the sync
    try:
        state = SyncState.load(config.state_file)
    except StateError as exc:
        logger.warning("pelican-gnews: %s; stories are ranked by date", exc)
        return {}, {}
    facts = {}
    for record in state.stories.values():
        seen = _time(record.seen) or _time(record.date)
        if seen is None:
            continue
        joined = tuple((outlet, when) for outlet, raw in record.joined.items() if (when := _time(raw)))
        facts[record.file] = Facts(seen, joined, record.rank)
    return facts, state.links


def _relative(article, settings) -> str:
    path = getattr(article, "source_path", "") or ""
    return os.path.relpath(path, settings.get("PATH", ".")).replace(os.sep, "/")


def score(article, now: datetime, settings) -> float:
    facts: Facts | None = getattr(article, "facts", None)
    rank = facts.rank if facts and facts.rank else UNRANKED
    if facts:
        fresh = facts.last_grew or facts.first_seen
    else:
        fresh = article.date if article.date.tzinfo else article.date.replace(tzinfo=timezone.utc)
    hours = max(0.0, (now - fresh).total_seconds() / 3600)
    half_life = float(setting(settings, "GNEWS_SCORE_HALF_LIFE")) or float("inf")
    outlets = max(1, getattr(article, "sources_count", 0) or 1)
    return 0.5 ** (hours / half_life) / rank * outlets ** float(setting(settings, "GNEWS_SCORE_OUTLETS"))


def attach(articles, settings, now: datetime | None = None) -> datetime:
    """Give each story its facts, its merged outlet count, what grew
    lately ("+N sources") and, when it grew, `modified`. Returns `now`."""
    now = now or datetime.now(timezone.utc)
    facts, links = load_facts(settings) if articles else ({}, {})
    recent = now - timedelta(hours=float(setting(settings, "GNEWS_DEVELOPING_HOURS")))
    for article in articles:
        known = facts.get(_relative(article, settings))
        article.facts = known
        article.new_sources = 0
        article.joined_outlets = []
        if not getattr(article, "publisher_link", "") and links:
            keys = article_keys(getattr(article, "link", "") or "")
            article.publisher_link = links.get(keys[0], "") if keys else ""  # resolved after its file was written
        coverage = [_direct(entry, links, article) for entry in getattr(article, "coverage", None) or []]
        article.timeline = [(entry, None) for entry in coverage]
        if known is None:
            continue
        # In the order the outlets joined (the file's order where the state
        # is silent: a story file from before it kept these facts).
        joined_at = dict(known.joined)
        article.timeline = sorted(((entry, joined_at.get(entry.get("outlet"))) for entry in coverage),
                                  key=lambda pair: pair[1] or known.first_seen)
        shown = {e.get("outlet") for e in getattr(article, "coverage", None) or []}
        # Outlets that joined a story whose file an editor changed (so the
        # sync no longer appends to it) still count.
        article.joined_outlets = [outlet for outlet, _ in known.joined if outlet not in shown]
        article.sources_count = len({o for o in shown if o} | {o for o, _ in known.joined})
        article.new_sources = sum(1 for _, when in known.joined if when > known.first_seen and when >= recent)
        if known.last_grew is not None:
            article.modified = known.last_grew
    return now


def _direct(entry: dict, links: dict[str, str], article) -> dict:
    """A coverage entry with its publisher's own address, when known (a
    copy: the reader's values may be cached between builds)."""
    keys = article_keys(entry.get("link", ""))
    direct = links.get(keys[0]) if keys else ""
    if not direct and entry.get("link") == getattr(article, "link", None):
        direct = getattr(article, "publisher_link", "")
    return {**entry, "direct": direct or ""}


@dataclass
class FrontPage:
    top: list = field(default_factory=list)
    sections: list = field(default_factory=list)  # (category, stories)


def front_page(articles, categories, settings, now: datetime) -> FrontPage:
    """The best stories, then each section's best not shown above."""
    scored = sorted(articles, key=lambda a: (-score(a, now, settings), -a.date.timestamp(), a.slug))
    page = FrontPage(top=scored[: int(setting(settings, "GNEWS_FRONT_PAGE_TOP"))])
    shown = {id(a) for a in page.top}
    per_section = int(setting(settings, "GNEWS_FRONT_PAGE_SECTION"))
    best: dict = {}
    for article in scored:
        category = getattr(article, "category", None)
        if category is None or id(article) in shown:
            continue
        chosen = best.setdefault(category, [])
        if len(chosen) < per_section:
            chosen.append(article)
    page.sections = [(category, best[category]) for category, _ in categories if best.get(category)]
    return page
