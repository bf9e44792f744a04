"""Headline likeness: which items of one sync tell one event.

A search feed lists each outlet's article as an item of its own, and a
top stories feed lists stories Google did not cluster: such one-source
items of one event share no link, only words. This module finds them
together, for the **similar** rule of identity.py, in two steps:

1. **Terms.** A headline's outlet suffix and boilerplate ("| NHK",
   "- 조선일보", "LIVE:", "[속보]") are cut off; words are found by the
   segmenters the tags use where a script does not space its words
   (segment.py: Japanese, Chinese, Korean, Thai; character pairs when
   one is not installed), by spaces elsewhere. Names and numbers weigh
   more than common words (a number or a name is what tells two events
   of one kind apart); the site's languages' function words weigh
   nothing; long words are compared by their first letters, so
   inflections of one word meet (protesters ~ protests).
2. **Groups.** Every item of the sync and every recent story of the
   state is a node; two nodes are alike by the IDF-weighted cosine of
   their headlines (averaged over a story's headlines), plus a bonus for
   items published close together (a malus for items far apart). Two
   headlines that name different people, places or numbers are not alike
   ("Earthquake of magnitude 5 in Peru", "... 4 in Chile"): a name is a
   word the sync's headlines capitalise and never write in small letters. Nodes are joined by average-linkage
   agglomeration until no two groups are alike enough. A group never
   holds two stories (stories are never merged), two items that one feed
   listed as stories apart (identity.listed_apart: Google judged them
   apart), or two articles of one outlet. The IDF and the groups come from the
   whole sync at once, with ties broken by the nodes' own keys, so the
   outcome does not depend on the order of items or feeds.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from ..languages import unspaced_language
from . import segment
from .tags import stopwords_for

# How much more a name or a number weighs than a common word.
NAME_WEIGHT = 1.6
NUMBER_WEIGHT = 1.6
# Words longer than this are compared by this many first letters.
_STEM = 6
_MIN_SHARED = 2  # terms two headlines must share: one is a coincidence as often as not
_PROBE_TERMS = 6  # an item's rarest terms, used to find its candidates
_PROBE_MIN_CAP, _PROBE_SHARE = 20, 0.01  # terms in more headlines than this are not probed

_WORD = re.compile(r"[\w'’.]+")
_DIGIT = re.compile(r"\d")
_LEAD_LABEL = re.compile(
    r"^\s*(?:[\[【〔(（〈<«]\s*[^\]】〕)）〉>»]{1,12}\s*[\]】〕)）〉>»]|"
    r"(?:live(?:\s+updates?)?|breaking(?:\s+news)?|watch|video|exclusive|update[ds]?|opinion|analysis|photos?|"
    r"en direct|direct|ao vivo|urgente|exclusivo|v[íi]deo|liveticker|live-ticker|eilmeldung|just nu|"
    r"senaste nytt|direkt|速報|動画|独自|속보|단독|종합|عاجل|بالفيديو|بالصور)\s*[:：|｜\-–—]+)\s*",
    re.IGNORECASE)
_TAIL = re.compile(r"\s+[|｜\-–—]\s+|\s*[|｜]\s*")
# Scripts written without spaces between words (or, for Hangul, with
# particles glued to them): Thai, Lao, Myanmar, Hangul Jamo, Khmer, CJK
# punctuation, kana, Hangul compatibility Jamo, CJK ideographs (and their
# extensions and compatibility forms), Hangul syllables, half-width kana.
_UNSPACED_CHARS = ("\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3040-\u30ff\u3130-\u318f"
                   "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
                   "\U00020000-\U0003134f")
_RUNS = re.compile(f"([{_UNSPACED_CHARS}]+)|([^{_UNSPACED_CHARS}]+)")


@dataclass(frozen=True)
class Rules:
    """The similar rule's settings (GNEWS_SIMILARITY and friends)."""

    similarity: float = 0.25  # average likeness a group needs; 0: the rule is off
    close_bonus: float = 0.15  # ...that much less for items published together,
    close_hours: float = 6.0  # ...falling to nothing at this distance
    window: timedelta = timedelta(hours=120)  # never joined further apart


@lru_cache(maxsize=16384)  # outlets' names, again and again
def normal_words(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def plain_headline(headline: str, outlet: str = "") -> str:
    """The headline without boilerplate before it and outlets after it."""
    text = headline.strip()
    for _ in range(2):  # "LIVE: [속보] ..."
        cut = _LEAD_LABEL.sub("", text, count=1)
        if cut == text or not cut.strip():
            break
        text = cut
    outlet_words = normal_words(outlet)
    while True:
        parts = _TAIL.split(text)
        if len(parts) < 2:
            break
        last = parts[-1]
        # After "|" a site's name is the rule; after a dash, only the outlet's own.
        piped = bool(re.search(r"[|｜]\s*" + re.escape(last) + r"\s*$", text))
        named = outlet_words and (normal_words(last) == outlet_words
                                  or (len(last) > 3 and normal_words(last) in outlet_words)
                                  or (len(outlet_words) > 3 and outlet_words in normal_words(last)))
        if not (named or (piped and len(last.split()) <= 5)):
            break
        text = text[: len(text) - len(last)].rstrip().rstrip("|｜-–—").rstrip()
    return text or headline


def _script_runs(text: str) -> list[tuple[bool, str]]:
    """(unspaced, text) runs: words of spaced scripts, stretches of unspaced ones."""
    return [(bool(unspaced), unspaced or spaced) for unspaced, spaced in _RUNS.findall(text)]


@lru_cache(maxsize=16)
def _stopwords(languages: frozenset[str]) -> frozenset[str]:
    out: set[str] = set()
    for language in languages or {"en"}:
        out |= stopwords_for(language)
    return frozenset(out)


# Arabic's article and the particles glued to it (light stemming): النفط ~ نفط.
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")


def _stem(word: str) -> str:
    if "\u0600" <= word[:1] <= "\u06ff":
        for prefix in _ARABIC_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                return word[len(prefix):]
        return word
    return word[:_STEM] if len(word) > _STEM and word.isalpha() else word


# How a term is written in one headline, as evidence that it is a name:
NAMED, FIRST, LOWER, UNKNOWN = "N", "F", "l", ""  # capitals mid-headline or a proper noun; capitals
# at its start or in Title Case; small letters; a script without case


def _unspaced_terms(chunk: str, languages: frozenset[str]) -> dict[str, str]:
    language = unspaced_language(chunk, languages)
    tokens = segment.tokens(chunk, language)
    if tokens is None:  # no segmenter installed for it: character pairs
        return {chunk[i:i + 2]: UNKNOWN for i in range(len(chunk) - 1)} if len(chunk) > 1 else {}
    out: dict[str, str] = {}
    for surface, kind in tokens:
        # One Han character is a word (米, 中): a common one weighs little by its IDF.
        if kind == "other" or (len(surface) < 2 and not surface.isdigit() and not _RUNS.match(surface).group(1)):
            continue
        term = surface.casefold()
        out[term] = NAMED if kind == "name" or out.get(term) == NAMED else LOWER
    return out


@lru_cache(maxsize=65536)  # headlines share most of their words
def _term(word: str, languages: frozenset[str]) -> str:
    """The term a word of a spaced script stands for; '' for none."""
    lower = word.casefold()
    # Short words are grammar, except numbers and acronyms (EU, FN, HD).
    short = len(lower) < 3 and not lower.isdigit() and not (word.isupper() and len(word) == 2)
    stop = _stopwords(languages)
    if short or lower in stop or lower.rstrip("s") in stop:
        return ""
    if lower.endswith("'s"):
        lower = lower[:-2]
    return _stem(lower[:-1] if len(lower) > 4 and lower.endswith("s") and not lower.endswith("ss")
                 and lower.isascii() else lower)


@lru_cache(maxsize=8192)  # a headline is seen by the state and by several feeds
def headline_terms(headline: str, outlet: str = "", languages: frozenset[str] = frozenset()
                   ) -> tuple[tuple[str, str], ...]:
    """A headline's terms, each with how it is written (NAMED, FIRST,
    LOWER, UNKNOWN): whether a term is a name is told by all the headlines
    of a sync together (Grouping.run)."""
    text = plain_headline(headline, outlet).replace("’", "'")
    runs = _script_runs(text)
    spaced = [w for m in _WORD.finditer(" ".join(c for unspaced, c in runs if not unspaced))
              if (w := m.group(0).strip(".'"))]
    # Capitals tell names only where the headline is not in Title Case.
    capitals = sum(1 for w in spaced if w[:1].isupper())
    title_case = len(spaced) >= 3 and capitals >= 0.6 * len(spaced)
    out: dict[str, str] = {}
    for number, word in enumerate(spaced):
        term = _term(word, languages)
        if not term:
            continue
        if term[:1].isdigit() or not word[:1].isupper():
            # Small letters are evidence against a name; a script without
            # capitals (Arabic, Hebrew) gives none either way.
            case = LOWER if word[:1].islower() and _DIGIT.search(word) is None else UNKNOWN
        elif (word.isupper() and len(word) > 1) or (number and not title_case):
            case = NAMED
        else:
            case = FIRST
        out[term] = case if out.get(term) in (None, UNKNOWN, FIRST) else out[term]
    for unspaced, chunk in runs:
        if unspaced:
            out.update(_unspaced_terms(chunk, languages))
    return tuple(sorted(out.items()))


# -- groups ---------------------------------------------------------------------------------------


@dataclass
class Node:
    """A story of the state (`story` set) or an item of this sync."""

    key: str  # what orders nodes: a stable key of its own
    headlines: list[dict[str, str]]  # terms and how each is written (headline_terms)
    outlets: set[str]
    times: list[datetime]
    story: str = ""  # the state's story id
    apart: set[str] = field(default_factory=set)  # feeds in which Google listed it as a story of its own


@dataclass
class _Group:
    size: int
    stories: set[str]
    apart: set[str]  # feeds that listed one of its items as a story of its own
    outlets: set[str]
    members: list[int] = field(default_factory=list)


class Grouping:
    """Nodes grouped by headline likeness (see the module's docstring)."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.nodes: list[Node] = []
        self._by_key: dict[str, int] = {}
        self._root: dict[int, int] = {}
        self._detail: dict[int, str] = {}

    def add(self, node: Node) -> int:
        """Add a node, or merge it into the node of the same key (an item
        in two feeds, a story's new headline). Returns its number."""
        number = self._by_key.get(node.key)
        if number is None:
            self._by_key[node.key] = number = len(self.nodes)
            self.nodes.append(node)
            return number
        known = self.nodes[number]
        known.headlines += [h for h in node.headlines if h not in known.headlines]
        known.outlets |= node.outlets
        known.times += node.times
        known.story = known.story or node.story
        known.apart |= node.apart
        return number

    def group_of(self, key: str) -> tuple[int, str] | None:
        """The group of the node with this key, and why it was joined."""
        number = self._by_key.get(key)
        if number is None:
            return None
        root = self._root.get(number, number)
        return root, self._detail.get(number, "")

    def story_of(self, group: int) -> str:
        """The state's story in a group, if it has one."""
        return self.nodes[group].story if group < len(self.nodes) else ""

    def run(self) -> None:
        """Group the nodes. Deterministic: nodes are numbered by key."""
        rules = self.rules
        if not rules.similarity or len(self.nodes) < 2:
            return
        order = sorted(range(len(self.nodes)), key=lambda n: self.nodes[n].key)
        nodes = [self.nodes[n] for n in order]
        df: dict[str, int] = defaultdict(int)
        docs = 0
        for node in nodes:
            for headline in node.headlines:
                docs += 1
                for term in headline:
                    df[term] += 1
        idf = {term: math.log(1 + docs / count) for term, count in df.items()}
        # Names: words the sync's headlines write with a capital (or a
        # segmenter calls proper nouns) and never in small letters mid-
        # headline; a state's headlines are in small letters: no evidence.
        # Numbers count as names: "magnitude 5 in Morocco", "magnitude 4
        # in Turkey" are two events in a script without capitals.
        evidence: dict[str, set[str]] = defaultdict(set)
        for node in nodes:
            if not node.story:
                for headline in node.headlines:
                    for term, case in headline.items():
                        evidence[term].add(case)
        names = {t for t, cases in evidence.items()
                 if (cases & {NAMED, FIRST} and LOWER not in cases) or t[:1].isdigit()}
        # Written with a capital mid-headline somewhere: surely a name (a
        # first word may be a common noun: "Wildfires burn ...").
        sure = {t for t in names if NAMED in evidence[t] and not t[:1].isdigit()}
        vectors: dict[int, list] = {}

        def vector(n: int) -> list:  # made for the nodes that have candidates only
            if n not in vectors:
                vectors[n] = [_vector(h, idf, names, sure, known_case=not nodes[n].story and not _title_case(h))
                              for h in nodes[n].headlines]
            return vectors[n]

        edges = self._edges(nodes, vector, df, docs)
        groups = {n: _Group(1, {node.story} if node.story else set(),
                            set(node.apart), set(node.outlets), [n])
                  for n, node in enumerate(nodes)}
        sums: dict[int, dict[int, float]] = defaultdict(dict)
        for (a, b), value in edges.items():
            sums[a][b] = sums[b][a] = value
        heap = [(-_average(value, groups[a], groups[b]), a, b) for (a, b), value in edges.items()]
        heapq.heapify(heap)
        alive = set(groups)
        while heap:
            negative, a, b = heapq.heappop(heap)
            if a not in alive or b not in alive or sums[a].get(b) is None:
                continue
            average = _average(sums[a][b], groups[a], groups[b])
            if abs(average + negative) > 1e-12:  # stale: pushed before a merge
                continue
            if average < rules.similarity:
                break
            ga, gb = groups[a], groups[b]
            if (ga.stories and gb.stories) or (ga.apart & gb.apart) or (ga.outlets & gb.outlets):
                del sums[a][b], sums[b][a]
                continue
            # b goes into a.
            for member in gb.members:
                self._detail[order[member]] = (f"likeness {average:.2f} counting closeness in time, "
                                               f"{rules.similarity:.2f} needed")
            ga.size += gb.size
            ga.stories |= gb.stories
            ga.apart |= gb.apart
            ga.outlets |= gb.outlets
            ga.members += gb.members
            alive.discard(b)
            del sums[a][b]
            for other, value in sums.pop(b).items():
                if other == a:
                    continue
                del sums[other][b]
                sums[a][other] = sums[other][a] = sums[a].get(other, 0.0) + value
            for other, value in sums[a].items():
                heapq.heappush(heap, (-_average(value, ga, groups[other]), min(a, other), max(a, other)))
        for root in alive:
            group = groups[root]
            # The group is named after its story, else its first member.
            head = next((m for m in group.members if nodes[m].story), min(group.members))
            for member in group.members:
                self._root[order[member]] = order[head]

    def _edges(self, nodes: list[Node], vector, df, docs: int) -> dict[tuple[int, int], float]:
        """Likeness of every pair of nodes that share a rare term and are
        close enough in time: the mean cosine of their headlines, plus the
        bonus for closeness."""
        rules = self.rules
        cap = max(_PROBE_MIN_CAP, docs * _PROBE_SHARE)
        postings: dict[str, list[int]] = defaultdict(list)
        for n, node in enumerate(nodes):
            for term in {t for h in node.headlines for t in h}:
                postings[term].append(n)
        edges: dict[tuple[int, int], float] = {}
        for a, node in enumerate(nodes):
            terms = {t for h in node.headlines for t in h}
            probes = sorted((t for t in terms if df[t] <= cap), key=lambda t: (df[t], t))[:_PROBE_TERMS]
            for b in {m for t in probes for m in postings[t] if m > a}:
                pair = (a, b)
                if pair in edges or (node.story and nodes[b].story):  # stories are never merged
                    continue
                value = _likeness(node, nodes[b], vector(a), vector(b), rules)
                if value > 0:
                    edges[pair] = value
        return edges


def _vector(headline: dict[str, str], idf: dict[str, float], names: set[str], sure: set[str], known_case: bool):
    """(weights, norm, terms, (names, sure names)) of a headline; names
    None when its case is not known (a state's headline)."""
    weights = {t: idf[t] * (NAME_WEIGHT if t in names else NUMBER_WEIGHT if t[:1].isdigit() else 1.0)
               for t in headline}
    return (weights, math.sqrt(sum(v * v for v in weights.values())) or 1.0, frozenset(weights),
            (frozenset(t for t in headline if t in names), frozenset(t for t in headline if t in sure))
            if known_case else None)


def _likeness(a: Node, b: Node, va, vb, rules: Rules) -> float:
    if not a.times or not b.times:
        return 0.0
    gap = min(abs(x - y) for x in a.times for y in b.times)
    if gap > rules.window:
        return 0.0
    total, best_shared = 0.0, 0
    for wa, na, ta, names_a in va:
        for wb, nb, tb, names_b in vb:
            shared = ta & tb
            # Two headlines that each name someone or somewhere, and not the
            # same: two events of one kind ("Earthquake in Peru", "... in
            # Chile"). A headline whose case is not known must have one of
            # the other's names.
            if _apart(names_a, tb) or _apart(names_b, ta) or _named_apart(names_a, names_b):
                continue
            best_shared = max(best_shared, len(shared))
            if shared:
                total += sum(wa[t] * wb[t] for t in shared) / (na * nb)
    if best_shared < _MIN_SHARED:
        return 0.0
    hours = gap.total_seconds() / 3600
    # Published together: less likeness needed; further apart than
    # close_hours: more, up to three times the bonus (two events of one place
    # and kind, hours apart, read alike).
    bonus = rules.close_bonus * max(-3.0, 1 - hours / rules.close_hours) if rules.close_hours else 0.0
    return total / (len(va) * len(vb)) + bonus


def _title_case(headline: dict[str, str]) -> bool:
    """Every word capitalised: its case tells no name from a word."""
    cases = set(headline.values())
    return FIRST in cases and not cases & {NAMED, LOWER}


def _apart(names, other_terms) -> bool:
    """A headline of known case names someone (surely, else at all) that
    the other, whose case is not known, does not mention."""
    if names is None:
        return False
    named = names[1] or names[0]
    return bool(named) and not named & other_terms


def _named_apart(a, b) -> bool:
    """Two headlines name different people or places: by their sure names,
    or, where one has none, by every name (first words too)."""
    if a is None or b is None:
        return False
    if a[1] and b[1]:
        return not a[1] & b[1]
    return bool(a[0]) and bool(b[0]) and not a[0] & b[0]


def _average(total: float, a: _Group, b: _Group) -> float:
    # A story of the state counts as one member: its headlines are averaged already.
    return total / (a.size * b.size)


def item_terms(headlines: Iterable[tuple[str, str]], languages: frozenset[str]) -> list[dict[str, str]]:
    """Terms of (headline, outlet) pairs, those with any."""
    out = []
    for headline, outlet in headlines:
        terms = dict(headline_terms(headline, outlet, languages))
        if terms and terms not in out:
            out.append(terms)
    return out
