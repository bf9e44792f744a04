"""Why a story is where it is: the figures behind its score, for its page.

Each figure is stated as of an instant that changes only when the story
does, never as of the build: the score at the story's last update (when an
outlet last joined it; else when a sync first saw it; a story the state
does not know: its publication), which is ranking.score at that instant,
where age has not yet taken anything off, with the half-life that takes it
off after. So an hourly build leaves the page of a story that did not
change as it was (incremental.py fingerprints `why` with the story).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .. import frontmatter
from ..settings import setting
from . import ranking


@dataclass(frozen=True)
class Why:
    rank: int  # best place in a Google News feed; 0: no feed ranked it
    counted: int  # the place the score counts (rank, or ranking.UNRANKED)
    outlets: int  # distinct outlets now (the page's heading count)
    recent: int  # outlets that joined in the developing hours up to `at`
    hours: float  # GNEWS_DEVELOPING_HOURS
    at: datetime  # the instant the score is stated at
    since: str  # what `at` is: "grew" (an outlet joined), "seen" (first seen), "published"
    score: float  # ranking.score at `at`, rounded to 3 decimals
    exponent: float  # GNEWS_SCORE_OUTLETS
    half_life: float  # GNEWS_SCORE_HALF_LIFE; 0: age takes nothing off
    pinned: bool  # an editor pinned it (`pinned: true`)
    merged: int  # stories an editor joined to it (merge.py)


def _figure(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _pinned(article) -> bool:
    """The one reading of `pinned:` (frontmatter.flag), on retention's safe
    side: a value neither yes nor no keeps the file, so the page says pinned."""
    value = (getattr(article, "metadata", None) or {}).get("pinned")
    return frontmatter.flag(value, "pinned", unclear=True, absent=False, where=getattr(article, "source_path", ""))


def explain(article, settings) -> Why | None:
    """The figures of one story's place; None for a story an editor made
    part of another (its page names that one, which is ranked instead)."""
    if getattr(article, "merged_into", None) is not None:
        return None
    facts: ranking.Facts | None = getattr(article, "facts", None)
    hours = float(setting(settings, "GNEWS_DEVELOPING_HOURS"))
    if facts is not None:
        at, since = (facts.last_grew, "grew") if facts.last_grew else (facts.first_seen, "seen")
        floor = at - timedelta(hours=hours)
        recent = sum(1 for _, when in facts.joined if floor <= when <= at and when > facts.first_seen)
    else:
        at = article.date if article.date.tzinfo else article.date.replace(tzinfo=timezone.utc)
        since, recent = "published", 0
    rank = facts.rank if facts else 0
    return Why(rank=rank, counted=rank or ranking.UNRANKED,
               outlets=max(1, getattr(article, "sources_count", 0) or 1), recent=recent, hours=_figure(hours),
               at=at, since=since, score=round(ranking.score(article, at, settings), 3),
               exponent=_figure(float(setting(settings, "GNEWS_SCORE_OUTLETS"))),
               half_life=_figure(float(setting(settings, "GNEWS_SCORE_HALF_LIFE"))), pinned=_pinned(article),
               merged=len(getattr(article, "merged_from", None) or []))


def attach(articles, settings) -> None:
    """Each story's `why` (after ranking.attach, which gives the facts)."""
    for article in articles:
        article.why = explain(article, settings)

