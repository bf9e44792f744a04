"""How good the tags are, per language, before and after the tagger of
tags.py.

The corpus: every real feed in ../shared/feeds, the invented sample feeds in
samples/feeds, and the feeds invented in benchmarks/tags_invented.py
(Chinese, Korean, Japanese, Brazilian, an English search feed whose query
is in most headlines, English top stories in Title Case). Each feed is a
site of its own, tagged as a sync tags it: each story's headline, its
cluster's other headlines, the feed's language, the Vocabulary of the feed
(its headlines, names and outlets). "Before" is the tagger before tags were
names and noun phrases (benchmarks/tags_before.py, kept verbatim).

Per language, over its feeds:

* **punctuation**: tags holding a bracket, quote, slash or sentence sign,
  or starting or ending on one (target 0);
* **split names**: tags that are a piece of a name of several words of
  their headline ("bears" of Bears Ears): the names are the runs of
  capitalised words that the feed's headlines in sentence case write
  mid-headline, found in the headline in any casing (target 0; languages
  without capitals: none to split, "–");
* **verbs**: the share of tags that are verbs or adverbs by the part of
  speech of the segmenter (janome, jieba, kiwipiepy, pythainlp) or the
  library (lemminflect's dictionary for English; simplemma's lemma for Portuguese,
  French, Spanish, Swedish) (target ≤ 2 %; "–" where none tells);
* **shared**: the share of a feed's tags that are on two stories or more
  (target ≥ 25 % on a feed of 30 stories or more);
* **< 2 tags**: stories whose headline has five words or more and that got
  fewer than two tags (target 0);
* **top share**: the largest share of one feed's stories that its most
  common tag holds.

Used by tests/test_tags.py; on its own (`--write` puts the figures in
docs/benchmarks.md, in place of its "Tags" section):

    python benchmarks/tags.py [--write]
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

import tags_before  # noqa: E402
from feedmaker import Item, Related, feed_xml  # noqa: E402
from tags_invented import INVENTED  # noqa: E402

from pelican_gnews.ingest import segment, wordclass  # noqa: E402
from pelican_gnews.ingest.parse import parse_feed  # noqa: E402
from pelican_gnews.ingest.tags import Vocabulary, make_tags, words  # noqa: E402
from pelican_gnews.languages import primary  # noqa: E402

SHARED_FEEDS = ROOT.parent / "shared" / "feeds"
CORPUS_FOLDERS = (SHARED_FEEDS, ROOT / "samples" / "feeds")
FULL_FEED = 30  # stories: a feed on which the shared target applies
TARGETS = {"punctuation": 0, "split names": 0, "verbs": 0.02, "shared": 0.25, "fewer than 2": 0}


def _invented_feed(name: str, language: str, stories) -> bytes:
    from datetime import datetime, timedelta, timezone

    start = datetime(2026, 3, 2, 6, tzinfo=timezone.utc)
    items = []
    for n, (headline, outlet, related) in enumerate(stories):
        host = f"https://news{n}.example"
        items.append(Item(headline, outlet, host, f"{host}/a/{n}", start - timedelta(minutes=20 * n),
                          related=[Related(headline, outlet, f"{host}/a/{n}")]
                          + [Related(h, o, f"https://other{n}-{k}.example/a") for k, (h, o) in enumerate(related)]
                          if related else []))
    return feed_xml(f"{name} - Google News", "https://news.google.com/", language, items).encode("utf-8")


@lru_cache(maxsize=1)
def corpus() -> tuple[tuple[str, object], ...]:
    found = [(name, parse_feed(_invented_feed(name, language, stories), name))
             for (name, language), stories in INVENTED.items()]
    for folder in CORPUS_FOLDERS:
        for path in sorted(folder.glob("*.xml")) if folder.is_dir() else []:
            found.append((path.name, parse_feed(path.read_bytes(), path.name)))
    return tuple(found)


# -- the measures --------------------------------------------------------------

_JOINERS = "-.’'&+・"


def has_punctuation(tag: str) -> bool:
    """A sign other than a joiner inside a word ("GOES-19", "U.S.", "AT&T"),
    or a joiner at either end (a trailing dot of an abbreviation aside)."""
    if any(c not in _JOINERS and unicodedata.category(c)[0] in "PS" for c in tag):
        return True
    end = tag[:-1] if re.fullmatch(r"(?:\w\.){2,}", tag) else tag
    return bool(end) and (end[0] in _JOINERS or end[-1] in _JOINERS)


_CAPITAL_RUN = re.compile(r"(?<![\w’'])[A-ZÀ-ÖØ-Þ][\w’'.-]*(?:\s+(?:(?:of|de|da|do|dos|del|la|von|van)\s+)?"
                          r"[A-ZÀ-ÖØ-Þ][\w’'.-]*)+")


def feed_names(headlines: list[str]) -> set[str]:
    """Names of several words the feed's headlines in sentence case write
    capitalised, lower case (their first word may start the headline only
    when another headline writes the name mid-headline too)."""
    mid, first = set(), set()
    for headline in headlines:
        letters = re.findall(r"[^\W\d_][\w’'-]*", headline)
        if len(letters) >= 4 and sum(w[:1].isupper() for w in letters) >= 0.7 * len(letters):
            continue  # Title Case: its capitals mark no name
        for match in _CAPITAL_RUN.finditer(headline):
            name = re.sub(r"[’']s$", "", match.group(0)).rstrip(".").lower()
            name = re.sub(r"^(?:(?:the|a|an|in|on|at|how|what|why|watch|live) )+", "", name)
            at_start = match.start() == 0 or re.search(r"[:|–—]\s*$", headline[:match.start()])
            if " " in name:
                (first if at_start else mid).add(name)
    return mid | {n for n in first if any(n in m or m in n for m in mid)}


def splits_name(tag: str, headline: str, names: set[str]) -> bool:
    """The tag is a piece of a name of several words its headline holds."""
    key = tag.lower()
    lowered = headline.lower()
    return any(key != name and f" {key} " in f" {name} "
               and re.search(rf"(?<![\w’'-]){re.escape(name)}(?![\w-])", lowered) for name in names)


def is_verb(tag: str, language: str, headline: str = "") -> bool | None:
    """Whether the tag is a verb or an adverb by the language's part-of-speech
    source; None where there is none. A word the headline writes with a
    capital past its start, in a headline not in Title Case, is a name
    (the dictionaries have no names: "Mars" is a verb to them)."""
    code = primary(language, "en")
    if code == "ja":
        tokens = [t.part_of_speech.split(",") for t in segment._janome().tokenize(tag)]
        return any(pos[0] in ("動詞", "副詞", "形容詞") for pos in tokens) or (
            len(tokens) == 1 and tokens[0][1] == "形容動詞語幹")
    if code == "zh":
        flags = [p.flag for p in segment._jieba().posseg.cut(tag)]
        return all(f.startswith(("v", "d")) and f != "vn" for f in flags)
    if code == "ko":
        return any(t.tag.startswith(("VV", "VA", "MAG")) for t in segment._kiwi().tokenize(tag))
    if code == "th":
        from pythainlp.tag import pos_tag

        return all(flag.startswith(("V", "ADV")) for _, flag in pos_tag(segment._thai_words(tag), corpus="orchid"))
    if not wordclass.knows(code):
        return None
    parts = tag.split()
    if len(parts) > 1:  # a name or noun phrase: its last word is what it is
        return False
    letters = re.findall(r"[^\W\d_][\w’'-]*", headline)
    title_case = len(letters) >= 4 and sum(w[:1].isupper() for w in letters) >= 0.7 * len(letters)
    if tag[:1].isupper() and not title_case and re.search(rf"\w\W+{re.escape(tag)}(?!\w)", headline):
        return False
    return wordclass.kind(tag.lower(), code) in (wordclass.VERB, wordclass.ADVERB)


def word_count(headline: str, language: str) -> int:
    """Words of a spaced headline; nouns of a segmented one (its particles
    and counters are not words of their own)."""
    tokens = segment.tokens(headline, primary(language, "en"))
    if tokens is None:
        return len(words(headline))
    return sum(kind != "other" and any(c.isalpha() for c in surface) for surface, kind in tokens)


# -- tagging -------------------------------------------------------------------

def tag_corpus(after: bool) -> list[tuple[str, str, str, list[str]]]:
    """(feed, headline, language, tags) of every story of the corpus."""
    out = []
    for name, feed in corpus():
        language = feed.language or "en"
        vocabulary = Vocabulary()
        clusters = [[e.headline for e in s.coverage if e.link != s.link and e.headline != s.headline]
                    for s in feed.stories]
        vocabulary.add_feed([(s.headline, s.outlet) for s in feed.stories], language,
                            [e.outlet for s in feed.stories for e in s.coverage], clusters)
        for story, others in zip(feed.stories, clusters):
            if after:
                tags = make_tags(story.headline, outlet=story.outlet, others=others, language=language,
                                 vocabulary=vocabulary)
            else:
                tags = tags_before.make_tags(story.headline, outlet=story.outlet, others=others,
                                             language=language)
            out.append((name, story.headline, language, tags))
    return out


def figures(after: bool) -> dict[str, dict]:
    """Per language (primary subtag), and "all": the measures above."""
    tagged = tag_corpus(after)
    feeds_of: dict[str, list] = defaultdict(list)
    for row in tagged:
        feeds_of[row[0]].append(row)
    headlines_of = {name: [s.headline for s in feed.stories] + [e.headline for s in feed.stories for e in s.coverage]
                    for name, feed in corpus()}
    out: dict[str, dict] = {}
    for name, rows in feeds_of.items():
        language = primary(rows[0][2], "en")
        names = feed_names(headlines_of[name])
        pages = Counter(t.lower() for _, _, _, tags in rows for t in set(tags))
        for key in (language, "all"):
            f = out.setdefault(key, {"feeds": 0, "stories": 0, "tags": 0, "punctuation": 0, "split names": 0,
                                     "verbs": 0, "verbs known": 0, "pages": 0, "shared pages": 0,
                                     "fewer than 2": 0, "top share": 0.0, "full shared": []})
            f["feeds"] += 1
            f["stories"] += len(rows)
            f["pages"] += len(pages)
            f["shared pages"] += sum(n >= 2 for n in pages.values())
            if len(rows) >= FULL_FEED:
                f["full shared"].append((name, sum(n >= 2 for n in pages.values()) / max(1, len(pages))))
            if len(rows) >= 8 and pages:
                f["top share"] = max(f["top share"], max(pages.values()) / len(rows))
            for _, headline, lang, tags in rows:
                f["tags"] += len(tags)
                f["punctuation"] += sum(has_punctuation(t) for t in tags)
                f["split names"] += sum(splits_name(t, headline, names) for t in tags)
                verbs = [is_verb(t, lang, headline) for t in tags]
                f["verbs"] += sum(v is True for v in verbs)
                f["verbs known"] += sum(v is not None for v in verbs)
                f["fewer than 2"] += len(tags) < 2 and word_count(headline, lang) >= 5
    for f in out.values():
        f["shared"] = f["shared pages"] / max(1, f["pages"])
        f["verb share"] = f["verbs"] / f["verbs known"] if f["verbs known"] else None
    return out


def _row(label: str, language: str, f: dict) -> str:
    verbs = f"{f['verbs']} ({f['verb share']:.1%})" if f["verb share"] is not None else "–"
    full = ", ".join(f"{share:.0%} ({name.removesuffix('.xml')[:20]})" for name, share in f["full shared"]) or "–"
    return (f"| {language} | {label} | {f['feeds']} | {f['stories']} | {f['tags']} | {f['punctuation']} "
            f"| {f['split names']} | {verbs} | {f['shared']:.0%} | {full} | {f['fewer than 2']} "
            f"| {f['top share']:.2f} |")


def report(before: dict | None = None, after: dict | None = None) -> str:
    before = before if before is not None else figures(False)
    after = after if after is not None else figures(True)
    lines = [f"{len(corpus())} feeds, {after['all']['stories']} stories. Targets: punctuation 0, split names 0, "
             "verbs ≤ 2 %, shared ≥ 25 % on each feed of 30 stories or more, fewer than 2 tags 0.", "",
             "| language | tagger | feeds | stories | tags | punctuation | split names | verbs | shared "
             "| shared, feeds of 30+ | < 2 tags (5+ words) | top share |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
    for language in sorted(after, key=lambda k: (k == "all", k)):
        lines.append(_row("before", language, before[language]))
        lines.append(_row("after", language, after[language]))
    return "\n".join(lines)


if __name__ == "__main__":
    table = report()
    print(table)
    if "--write" in sys.argv[1:]:
        from run import write_section

        write_section(ROOT / "docs" / "benchmarks.md", "## Tags\n\nMeasured by `python benchmarks/tags.py --write`: "
                      "the tags of the real feeds in ../shared/feeds, the sample feeds and the feeds invented "
                      "in benchmarks/tags_invented.py, before and after tags became names and noun phrases "
                      "(see docs/languages.md, \"Tags\", and the measures in benchmarks/tags.py).\n\n" + table + "\n")
