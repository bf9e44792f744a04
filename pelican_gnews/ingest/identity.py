"""Story identity: which story, if any, a feed item is.

One event reaches a site through many items: the top stories feed and a
section feed carry it at once, Google picks another lead article from hour
to hour, a search feed lists each outlet's article on its own. The rules
below join such items into one story. Each is a setting, each join is
logged with the rule that made it, and each leans to a missed join: two
pages for one event are a nuisance, one page for two events is wrong.

1. **article**: the item's lead article is one a story already has, by link
   token, by the publisher URL decoded from the token (links.py), by guid
   or by link. Its related articles count too, unless the story is already
   another item of the same feed: Google keeps its own clusters apart.
2. **full coverage**: the item's "full coverage" story id is one a story
   has, within GNEWS_SIMILARITY_WINDOW hours.
3. **headline**: the same outlet and headline within GNEWS_IDENTITY_WINDOW
   hours (Google has changed tokens and guids of one article between
   fetches); never a story another item of the same feed already is, so
   "Live updates" of two days, or twice in one feed, stay apart.
4. **similar**: an item whose headline is like a story's, or like other
   items' of the same sync (likeness.py groups them, order aside), within
   GNEWS_SIMILARITY_WINDOW hours; items published close together need
   less likeness (GNEWS_SIMILARITY_CLOSE). Never a story that already has
   the item's outlet; never, for an item that carries Google's own
   cluster, a story another such item of its feed is (Google judged those
   apart). One-source items of any feed may join each other.

An item joins one story; two stories are never merged into one, so two
files an editor wrote for one event stay two.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from ..cluster import Coverage
from . import likeness
from .likeness import Grouping, Node, item_terms, normal_words
from .links import article_token, publisher_url
from .parse import Story

_FULL_COVERAGE = re.compile(r"/stories/([A-Za-z0-9_-]{8,})")


@dataclass(frozen=True)
class Rules:
    """The join rules' settings (settings.py, GNEWS_JOIN_* and friends)."""

    articles: bool = True
    full_coverage: bool = True
    title_window: timedelta = timedelta(hours=12)  # 0: the headline rule is off
    similarity: float = 0.25  # average likeness needed (likeness.py); 0: the similarity rule is off
    close_bonus: float = 0.15  # needed that much less for items published together...
    close_hours: float = 6.0  # ...falling to nothing at this distance
    similar_window: timedelta = timedelta(hours=120)

    @property
    def likeness(self) -> likeness.Rules:
        return likeness.Rules(self.similarity, self.close_bonus, self.close_hours, self.similar_window)


@dataclass(frozen=True)
class Match:
    sid: str
    rule: str  # article, related, full coverage, headline, similar
    detail: str = ""

    @property
    def explanation(self) -> str:
        if self.rule == "article":
            return f"by its lead article ({self.detail} key), which the story already lists"
        return f"by the {self.rule} rule" + (f" ({self.detail})" if self.detail else "")

    @property
    def same_article(self) -> bool:
        """The item's own lead article: an item listed twice, not news."""
        return self.rule == "article"


def _short(text: str) -> str:
    """A 12-character digest: keys stay short in a state of thousands of stories."""
    return base64.urlsafe_b64encode(hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                                    digest_size=9).digest()).decode()


def title_key(headline: str, outlet: str) -> str:
    words = normal_words(headline)
    return f"title:{words}|{normal_words(outlet)}" if words else ""


def article_keys(link: str) -> list[str]:
    """The keys of one article: its token and the URL the token embeds, or
    the link itself when it is not a Google News article link."""
    return list(_article_keys(link))


@lru_cache(maxsize=16384)  # an item's links are looked up and recorded: decoded once
def _article_keys(link: str) -> tuple[str, ...]:
    token = article_token(link)
    if not token:
        return (f"link:{link}",) if link else ()
    url = publisher_url(token)
    return (f"art:{_short(token)}", f"url:{_short(url)}") if url else (f"art:{_short(token)}",)


def full_coverage_key(story: Story) -> str:
    match = _FULL_COVERAGE.search(story.cluster.full_coverage or "")
    return f"fc:{_short(match.group(1))}" if match else ""


def identity_keys(story: Story) -> list[str]:
    """Every key a story is known by after this item: its lead article's,
    its guid (when it is not the token), the full coverage id, the lead's
    headline and outlet, then its related articles'."""
    keys = article_keys(story.link)
    token = article_token(story.link)
    if story.guid and story.guid != token:
        keys.append(f"guid:{story.guid}")
    keys += [k for k in (full_coverage_key(story), title_key(story.headline, story.outlet)) if k]
    for entry in related(story):
        keys += [k for k in article_keys(entry.link) if k not in keys]
    return keys


def related(story: Story) -> list[Coverage]:
    return [e for e in story.coverage if e.link != story.link]


def listed_apart(story: Story, lists_articles: bool) -> bool:
    """Whether Google listed the item as a story of its own, apart from the
    other items of its feed: an item that carries its own cluster, or any
    item of a feed of clustered stories (topics, top stories, places). A
    search feed's one-source items are articles, which may join each other."""
    return bool(related(story)) or not lists_articles


def _old_keys(story: Story) -> list[str]:
    """Keys that states written before the short keys hold."""
    token = article_token(story.link)
    return [f"token:{token}"] if token else []


class Matcher:
    """Finds an item's story in the sync state (state.py), rule by rule."""

    def __init__(self, state, rules: Rules, since: datetime | None = None):
        self.state, self.rules = state, rules
        self._since = since
        self._grouping: Grouping | None = None
        self._filed: dict[int, str] = {}  # group -> the story its first item was filed under
        self._planned: dict[str, str] = {}  # item key -> its node in the groups (a story's, or its own)
        # What editors decided in story files (sync.follow_decisions):
        self.closed: set[str] = set()  # `joins: false`: nothing else joins these stories
        self.merged: dict[str, tuple[str, str]] = {}  # `story: <slug>`: story -> (story it is in, file)

    def plan(self, feeds: list[tuple[str, bool, list[Story]]], languages: frozenset[str]) -> None:
        """Group the items of every feed of this sync by headline likeness
        (likeness.py), before any of them is filed, with the stories recent
        enough to be joined."""
        if not self.rules.similarity:
            return
        grouping = Grouping(self.rules.likeness)
        for sid, record in self.state.stories.items():
            when = record.published
            if when is None or (self._since is not None and when < self._since) or sid in self.closed:
                continue
            titles = [key[len("title:"):].rpartition("|") for key in record.keys if key.startswith("title:")]
            grouping.add(Node(f"story:{sid}", item_terms(((h, o) for h, _, o in titles), languages),
                              {o for _, _, o in titles} | {normal_words(o) for o in record.joined},
                              [when], story=sid))
        for url, lists_articles, stories in feeds:
            for story in stories:
                if not story.outlet or story.date_is_fallback:
                    continue  # likeness needs an outlet and a real date
                owner = self._known(story)
                node = self._planned.setdefault(self._item_key(story),
                                                f"story:{owner}" if owner else self._item_key(story))
                # Its lead's headline, as a story of the state is known by its leads'.
                grouping.add(Node(node,
                                  item_terms([(story.headline, story.outlet)], languages),
                                  {normal_words(e.outlet) for e in story.coverage} | {normal_words(story.outlet)},
                                  [story.published], story=owner or "",
                                  apart={url} if listed_apart(story, lists_articles) else set()))
        grouping.run()
        self._grouping = grouping

    def _known(self, story: Story) -> str:
        """The story of the state an item already is, by its lead article
        or its headline within GNEWS_IDENTITY_WINDOW."""
        sid = self.lead_owner(story)[0] if self.rules.articles else None
        if sid is None and self.rules.title_window:
            title = title_key(story.headline, story.outlet)
            for candidate in self.state.titled(title) if title else ():
                when = self.state.stories[candidate].published
                if when is not None and abs(when - story.published) <= self.rules.title_window:
                    return candidate
        return sid or ""

    @staticmethod
    def _item_key(story: Story) -> str:
        keys = article_keys(story.link)
        return keys[0] if keys else title_key(story.headline, story.outlet) or f"guid:{story.guid}"

    def filed(self, story: Story, sid: str) -> None:
        """An item was filed under `sid`: the rest of its group follows it."""
        if self._grouping is not None:
            found = self._grouping.group_of(self._key_in_plan(story))
            if found is not None:
                self._filed.setdefault(found[0], sid)

    def _key_in_plan(self, story: Story) -> str:
        return self._planned.get(self._item_key(story), "")

    def lead_owner(self, story: Story) -> tuple[str | None, str]:
        """The story that has the item's lead article, and by which key."""
        lead = article_keys(story.link) + _old_keys(story)
        if story.guid:
            lead.append(f"guid:{story.guid}")
        for key in lead:
            sid = self.state.owner(key)
            if sid is not None:
                return sid, key.split(":", 1)[0]
        return None, ""

    def taken(self, stories, lists_articles: bool) -> set[str]:
        """The stories that items of one feed are by their lead articles, of
        the items Google listed as stories of their own (listed_apart): no
        other item of the feed joins them."""
        if not self.rules.articles:
            return set()
        return {sid for story in stories if listed_apart(story, lists_articles)
                and (sid := self.lead_owner(story)[0]) is not None}

    def match(self, story: Story, claimed: set[str], apart: set[str]) -> Match | None:
        """The story the item is (match_rules), in the story an editor
        merged it into, if one did."""
        found = self.match_rules(story, claimed, apart)
        if found is not None and found.sid in self.merged:
            into, file = self.merged[found.sid]
            return Match(into, found.rule, f"{found.detail}; merged into this story by {file}".lstrip("; "))
        return found

    def match_rules(self, story: Story, claimed: set[str], apart: set[str]) -> Match | None:
        """The story the item is, by the first rule that names one.
        `claimed`: the stories earlier items of this feed were filed under;
        `apart`: the stories items of this feed that Google listed as
        stories of their own are (taken(), and those filed so far)."""
        rules, state = self.rules, self.state
        if rules.articles:
            sid, kind = self.lead_owner(story)
            if sid is not None:
                return Match(sid, "article", kind)
        def free(sid: str) -> bool:
            # What Google listed apart in this feed and hour stays apart;
            # what an editor closed takes no other article.
            return sid not in apart and sid not in self.closed

        if rules.articles:
            for entry in related(story):
                for key in article_keys(entry.link):
                    sid = state.owner(key)
                    if sid is not None and free(sid):
                        return Match(sid, "related", f"{entry.outlet}: {entry.headline[:60]}")
        fc = full_coverage_key(story)
        if rules.full_coverage and fc:
            sid = state.owner(fc)
            when = state.stories[sid].published if sid is not None else None
            if sid is not None and free(sid) and when is not None \
                    and abs(when - story.published) <= rules.similar_window:
                return Match(sid, "full coverage")
        title = title_key(story.headline, story.outlet)
        if rules.title_window and title:
            best, distance = None, rules.title_window
            for sid in state.titled(title):
                when = state.stories[sid].published
                # Never a story an item of this feed already is: "Live
                # updates" twice in one feed are two.
                if when is None or sid in claimed or not free(sid):
                    continue
                gap = abs(when - story.published)
                if gap <= distance:
                    best, distance = sid, gap
            if best is not None:
                return Match(best, "headline", f"published {distance} apart")
        if self._grouping is not None:
            found = self._grouping.group_of(self._key_in_plan(story))
            if found is not None:
                group, detail = found
                sid = self._grouping.story_of(group) or self._filed.get(group)
                if sid and sid in state.stories and free(sid):
                    return Match(sid, "similar", detail)
        return None
