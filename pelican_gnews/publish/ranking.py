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
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cached_property

from ..ingest.identity import article_keys
from ..ingest.state import StateError, SyncState
from ..settings import SettingsError, from_pelican, setting

logger = logging.getLogger(__name__)

UNRANKED = 20  # the place a story the feeds never ranked counts as


@dataclass(frozen=True)
class Facts:
    """What the sync state knows of one story, as the theme shows it."""

    first_seen: datetime
    joined: tuple[tuple[str, datetime], ...]  # outlets in the order they joined, with when
    rank: int  # best place in a feed; 0: unknown
    editions: dict = field(default_factory=dict)  # editions that carried it: code -> sections (editions.py)

    @cached_property  # asked by the score, the card and the page's figures
    def last_grew(self) -> datetime | None:
        later = [when for _, when in self.joined if when > self.first_seen]
        return max(later) if later else None


def _time(value: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


@dataclass
class StateFacts:
    """What one build knows from the sync state: facts by story file, and
    by story id for the stories found by their lead article instead (a
    file an editor moved, before a sync has noted it), with publisher URLs
    by article key (resolve.py). Made once per build, kept by no module."""

    by_file: dict[str, Facts] = field(default_factory=dict)
    by_story: dict[str, tuple[str, Facts]] = field(default_factory=dict)  # id -> (its file, facts)
    owner: Callable[[str], str | None] = lambda key: None  # SyncState.owner: article key -> story id
    links: dict[str, str] = field(default_factory=dict)

    def find(self, relative: str, link: str, present: Container[str]) -> Facts | None:
        """A story's facts: by its file; else by its lead article's keys,
        when the file the state names is not one of this build's stories
        (so a copy never takes its original's facts)."""
        known = self.by_file.get(relative)
        if known is not None or not link or not self.by_story:
            return known
        for key in article_keys(link):
            found = self.by_story.get(self.owner(key) or "")
            if found is not None:
                return found[1] if found[0] not in present else None
        return None


def load_facts(settings) -> StateFacts:
    """The sync state's facts for this build (StateFacts); none when the
    site has no state (a site of hand-written stories)."""
    try:
        config = from_pelican(settings)
    except SettingsError:
        return StateFacts()  # said once already, by the sync
    try:
        state = SyncState.load(config.state_file, for_saving=False)
    except StateError as exc:
        logger.warning("pelican-gnews: %s; stories are ranked by date", exc)
        return StateFacts()
    known = StateFacts(owner=state.owner, links=state.links)
    for story_id, record in state.stories.items():
        seen = _time(record.seen) or _time(record.date)
        if seen is None:
            continue
        joined = tuple((outlet, when) for outlet, raw in record.joined.items() if (when := _time(raw)))
        facts = Facts(seen, joined, record.rank, record.editions)
        known.by_file[record.file] = facts
        known.by_story[story_id] = (record.file, facts)
    return known


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
    """Give each story its facts, its coverage as it grew (`timeline`),
    its outlet count, what grew lately ("+N sources") and, when it grew,
    `modified`. Returns `now`."""
    now = now or datetime.now(timezone.utc)
    state = load_facts(settings) if articles else StateFacts()
    links = state.links
    recent = now - timedelta(hours=float(setting(settings, "GNEWS_DEVELOPING_HOURS")))
    paths = [_relative(article, settings) for article in articles]
    present = frozenset(paths) if state.by_story else frozenset()
    for article, relative in zip(articles, paths):
        link = getattr(article, "link", "") or ""
        known = state.find(relative, link, present)
        article.facts = known
        article.new_sources = 0
        article.joined_outlets = []
        if not getattr(article, "publisher_link", "") and links:
            keys = article_keys(link)
            article.publisher_link = links.get(keys[0], "") if keys else ""  # resolved after its file was written
        own = getattr(article, "coverage", None) or []
        coverage = [_direct(entry, links, article) for entry in own + joined_coverage(article)]
        article.timeline = [(entry, None) for entry in coverage]
        if known is None:
            if len(coverage) > len(own):
                _count(article, own)
            continue
        article.timeline = timeline(coverage, known)
        _count(article, own)
        article.new_sources = sum(1 for _, when in known.joined if when > known.first_seen and when >= recent)
        if known.last_grew is not None:
            article.modified = known.last_grew
    return now


def joined_coverage(article) -> list[dict]:
    """The coverage entries of stories an editor joined to this one
    (merge.py) whose outlets it does not list itself, in file order."""
    listed = _outlets(getattr(article, "coverage", None) or [])
    extra = []
    for other in getattr(article, "merged_from", None) or []:
        for entry in getattr(other, "coverage", None) or []:
            outlet = entry.get("outlet")
            if outlet and outlet not in listed:
                listed[outlet] = None
                extra.append(entry)
    return extra


def _count(article, own: list[dict]) -> None:
    """A story's outlet count and other outlets, from what its page lists:
    the heading's count is the number of outlets shown."""
    listed = _outlets(entry for entry, _ in article.timeline)
    # Outlets that joined a story whose file an editor changed (so the
    # sync no longer appends to it): listed from the state, and counted;
    # and those of stories an editor joined to it (merge.py).
    in_file = _outlets(own)
    article.joined_outlets = [outlet for outlet in listed if outlet not in in_file]
    article.sources_count = len(listed)
    lead = getattr(article, "outlet", "")
    article.related_outlets = [outlet for outlet in listed if outlet != lead]


def timeline(coverage: list[dict], known: Facts) -> list[tuple[dict, datetime | None]]:
    """The coverage in the order its outlets joined, each with when it was
    added, or None for those the story had when a sync first saw it (their
    time is the sync's, not a publication time).

    Then the outlets the state says joined later but the file does not list
    (its editor changed it, so the sync no longer appends): by name, with
    no headline. An outlet the story had from the start that the file no
    longer lists was taken out by its editor, and stays out."""
    joined_at = dict(known.joined)

    def added(outlet: str) -> datetime | None:
        when = joined_at.get(outlet)
        return when if when is not None and when > known.first_seen else None

    in_file = _outlets(coverage)
    rows = [(entry, added(entry.get("outlet", ""))) for entry in coverage]
    rows += [({"outlet": outlet, "headline": "", "link": "", "direct": ""}, when)
             for outlet, when in known.joined if outlet and outlet not in in_file and when > known.first_seen]
    # Stable: the file's order among outlets of the first sight (and where
    # the state is silent: a story file from before it kept these facts).
    return sorted(rows, key=lambda row: row[1] or known.first_seen)


def _outlets(entries) -> dict[str, None]:
    """The distinct outlet names of coverage entries, in order."""
    return dict.fromkeys(o for entry in entries if (o := entry.get("outlet")))


def _direct(entry: dict, links: dict[str, str], article) -> dict:
    """A coverage entry with its publisher's own address, when known (a
    copy: the reader's values may be cached between builds)."""
    # No publisher address known (link resolution off): no link to decode.
    keys = article_keys(entry.get("link", "")) if links else ()
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
