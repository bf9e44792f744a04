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
4. **similar**: an item with no related coverage, whose headline is like
   a story's headlines (IDF-weighted cosine, averaged over the story's
   headlines), within GNEWS_SIMILARITY_WINDOW hours; items published close
   together need less likeness (GNEWS_SIMILARITY_CLOSE). Never a story
   that already has the item's outlet, and never a story another item of a
   clustered feed already is (Google judged those apart).

An item joins one story; two stories are never merged into one, so two
files an editor wrote for one event stay two.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from ..cluster import Coverage
from .links import article_token, publisher_url
from .parse import Story
from .tags import stopwords_for

_NOT_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"\w+")
_FULL_COVERAGE = re.compile(r"/stories/([A-Za-z0-9_-]{8,})")
# Terms of an item used to find candidate stories: its rarest few.
_PROBE_TERMS = 5
_PROBE_MIN_CAP, _PROBE_SHARE = 20, 0.005  # terms in more headlines than this are not probed
_MIN_WORD = 3
_MIN_SHARED = 2


@dataclass(frozen=True)
class Rules:
    """The join rules' settings (settings.py, GNEWS_JOIN_* and friends)."""

    articles: bool = True
    full_coverage: bool = True
    title_window: timedelta = timedelta(hours=12)  # 0: the headline rule is off
    similarity: float = 0.4  # cosine needed; 0: the similarity rule is off
    close_bonus: float = 0.3  # needed that much less for items published together...
    close_hours: float = 6.0  # ...falling to nothing at this distance
    similar_window: timedelta = timedelta(hours=120)


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


def normal_words(text: str) -> str:
    return _NOT_WORD.sub(" ", text.casefold()).strip()


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


def _old_keys(story: Story) -> list[str]:
    """Keys that states written before the short keys hold."""
    token = article_token(story.link)
    return [f"token:{token}"] if token else []


# -- headline likeness ---------------------------------------------------------------------------


def _unspaced(char: str) -> bool:
    """Scripts written without spaces between words (or, for Hangul, with
    particles glued to them): compared by character pairs."""
    name = unicodedata.name(char, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR"))


@lru_cache(maxsize=4096)  # each item's headline: matched, then learnt
def terms(headline: str) -> frozenset[str]:
    """A headline's terms: words (case-folded, English stopwords and short
    words out, a plural's s dropped) and, in unspaced scripts, character
    pairs. Other languages' common words weigh little by their IDF; one
    word list for all keeps a story's terms the same whatever feed it
    came from."""
    stop = stopwords_for("en")
    out = set()
    for word in _WORD.findall(headline.casefold().replace("’", "'")):
        if not word.isascii() and any(_unspaced(c) for c in word):
            out.update(word[i:i + 2] for i in range(len(word) - 1))
            continue
        if len(word) < _MIN_WORD or word in stop or word.isdigit():
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.add(word)
    return frozenset(out)


@dataclass
class _Known:
    """A story as the similarity rule sees it."""

    headlines: list[frozenset[str]]
    outlets: set[str]
    times: list[datetime]


class Likeness:
    """Stories' headlines, indexed by term, for the similarity rule."""

    def __init__(self) -> None:
        self.stories: dict[str, _Known] = {}
        self.postings: dict[str, set[str]] = {}
        self.df: Counter = Counter()
        self.docs = 0

    def add(self, sid: str, headline_terms: frozenset[str], outlet: str, when: datetime | None) -> None:
        known = self.stories.setdefault(sid, _Known([], set(), []))
        if headline_terms and headline_terms not in known.headlines:
            known.headlines.append(headline_terms)
            self.df.update(headline_terms)
            self.docs += 1
            for term in headline_terms:
                self.postings.setdefault(term, set()).add(sid)
        if outlet:
            known.outlets.add(outlet)
        if when is not None:
            known.times.append(when)

    def _idf(self, term: str) -> float:
        return math.log((self.docs + 1) / (self.df[term] + 0.5))

    def best(self, item_terms: frozenset[str], outlet: str, when: datetime, rules: Rules,
             allowed=None) -> tuple[str, float, float] | None:
        """The story most like the item that passes the rule (of those
        `allowed` lets it join), with its likeness and the likeness it
        needed; None if none does."""
        # Candidates share one of the item's rarer terms: a term in many
        # headlines names no one event, and probing it would make each item
        # cost as much as the whole index.
        cap = max(_PROBE_MIN_CAP, self.docs * _PROBE_SHARE)
        probes = sorted((t for t in item_terms if 0 < self.df[t] <= cap), key=lambda t: (self.df[t], t))[:_PROBE_TERMS]
        candidates = set().union(*(self.postings[t] for t in probes)) if probes else set()
        weights: dict[str, float] = {}  # squared IDF of each term met, for this item

        def weight(term: str) -> float:
            if term not in weights:
                weights[term] = self._idf(term) ** 2
            return weights[term]

        item_norm = math.sqrt(sum(weight(t) for t in item_terms))

        def cosine(headline: frozenset[str]) -> float:
            shared = sum(weight(t) for t in item_terms & headline)
            return shared / (item_norm * math.sqrt(sum(weight(t) for t in headline))) if shared else 0.0

        best = None
        for sid in sorted(candidates):
            known = self.stories[sid]
            if (allowed and not allowed(sid)) or (outlet and outlet in known.outlets) or not known.times:
                continue
            gap = min(abs(when - t) for t in known.times)
            if gap > rules.similar_window:
                continue
            hours = gap.total_seconds() / 3600
            needed = rules.similarity - rules.close_bonus * max(0.0, 1 - hours / rules.close_hours) \
                if rules.close_hours else rules.similarity
            # One shared word ("defense", "close") is a coincidence as often
            # as not; two are the least that is evidence.
            if max(len(item_terms & h) for h in known.headlines) < _MIN_SHARED:
                continue
            score = sum(cosine(h) for h in known.headlines) / len(known.headlines)
            if score >= needed and (best is None or score - needed > best[1] - best[2]):
                best = (sid, score, needed)
        return best


class Matcher:
    """Finds an item's story in the sync state (state.py), rule by rule."""

    def __init__(self, state, rules: Rules, since: datetime | None = None):
        self.state, self.rules = state, rules
        self._since = since
        self._likeness: Likeness | None = None

    @property
    def likeness(self) -> Likeness:
        # Built on the first item that needs it: from the headline keys of
        # the stories recent enough to be joined.
        if self._likeness is None:
            self._likeness = Likeness()
            for sid, record in self.state.stories.items():
                when = record.published
                if when is None or (self._since is not None and when < self._since):
                    continue
                for key in record.keys:
                    if key.startswith("title:"):
                        headline, _, outlet = key[len("title:"):].rpartition("|")
                        self._likeness.add(sid, terms(headline), outlet, when)
                for outlet in record.joined:
                    self._likeness.add(sid, frozenset(), normal_words(outlet), None)
        return self._likeness

    def learn(self, sid: str, story: Story) -> None:
        """An item filed under `sid`: the similarity rule knows it from now on."""
        if self.rules.similarity and self._likeness is not None:
            self._likeness.add(sid, terms(normal_words(story.headline)), normal_words(story.outlet),
                               story.published)

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

    def taken(self, stories) -> set[str]:
        """The stories that items of one feed are by their lead articles:
        Google listed them apart, so no other item of the feed joins them."""
        if not self.rules.articles:
            return set()
        return {sid for story in stories if (sid := self.lead_owner(story)[0]) is not None}

    def match(self, story: Story, claimed: set[str], taken: set[str], clustered_feed: bool) -> Match | None:
        """The story the item is, by the first rule that names one.
        `claimed`: the stories earlier items of this feed were filed under;
        `taken`: the stories items of this feed are by their lead articles
        (taken()); `clustered_feed`: the feed has related coverage, so
        Google grouped its items itself."""
        rules, state = self.rules, self.state
        if rules.articles:
            sid, kind = self.lead_owner(story)
            if sid is not None:
                return Match(sid, "article", kind)

        def free(sid: str) -> bool:  # (the item's own lead's story would have matched above)
            return sid not in claimed and sid not in taken

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
                if when is None or not free(sid):
                    continue
                gap = abs(when - story.published)
                if gap <= distance:
                    best, distance = sid, gap
            if best is not None:
                return Match(best, "headline", f"published {distance} apart")
        # Likeness needs an outlet (two outlets' articles are what it joins)
        # and a real date (closeness in time lowers the bar).
        if rules.similarity and not related(story) and story.outlet and not story.date_is_fallback:
            # A search feed's items are Google's separate results, not its
            # separate stories: they may join each other.
            found = self.likeness.best(terms(normal_words(story.headline)), normal_words(story.outlet),
                                       story.published, rules, free if clustered_feed else None)
            if found is not None:
                sid, score, needed = found
                return Match(sid, "similar", f"likeness {score:.2f}, {needed:.2f} needed")
        return None
