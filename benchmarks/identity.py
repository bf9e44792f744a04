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

Used by tests/test_identity.py; on its own:

    python benchmarks/identity.py
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from feedmaker import Item, Related, feed_xml  # noqa: E402

from pelican_gnews.ingest.parse import parse_feed  # noqa: E402
from pelican_gnews.ingest.state import SyncState  # noqa: E402
from pelican_gnews.ingest.sync import sync  # noqa: E402
from pelican_gnews.settings import from_pelican  # noqa: E402

SHARED_FEEDS = ROOT.parent / "shared" / "feeds"
REAL_CLUSTERS = SHARED_FEEDS / "en_US_top_stories_2019-11-14_view_full_coverage.xml"
_TOKEN = re.compile(r"/articles/([A-Za-z0-9_-]+)")


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

    def sync(self, feeds: dict[str, tuple[str, list[Item]]], now: datetime) -> None:
        """Write each feed (name -> (title, items)) and sync them all."""
        for name, (title, items) in feeds.items():
            path = self.root / f"{name}.xml"
            path.write_text(feed_xml(title, f"https://news.google.com/topics/{name}", "en-US", items),
                            encoding="utf-8")
            self.feeds[name] = path
        config = from_pelican({"PATH": str(self.root / "content"),
                               "GNEWS_FEEDS": [str(self.feeds[name]) for name in feeds],
                               "GNEWS_RETENTION_DAYS": 0})
        report = sync(config, now=now)
        if not report.ok:
            raise RuntimeError(report.failed[0].error)

    def stories(self) -> dict[str, str]:
        """Every link token the state knows, with its story."""
        state = SyncState.load(self.root / "gnews-state.json")
        return {key[len("token:"):]: sid for sid, record in state.stories.items()
                for key in record.keys if key.startswith("token:")}


def exploded_clusters(feed: Path = REAL_CLUSTERS) -> tuple[list[Item], dict[str, str]]:
    """Every article of every cluster of a real feed as a one-source item,
    and the cluster each came from (by the item's link token)."""
    parsed = parse_feed(feed.read_bytes(), feed.name)
    items, truth = [], {}
    for number, story in enumerate(parsed.stories):
        for entry in story.coverage:
            item = Item(entry.headline, entry.outlet, "", entry.link, story.published)
            items.append(item)
            truth[item.token] = f"cluster {number}"
    return items, truth


def measure_exploded(work: Path, feed: Path = REAL_CLUSTERS) -> Scores:
    items, truth = exploded_clusters(feed)
    site = Site(work / "exploded")
    site.sync({"search": ("satellite - Google News", items)}, max(i.published for i in items) + timedelta(hours=1))
    return b_cubed(site.stories(), truth)


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
            articles = [Related(rnd.choice(ANGLES).format(s=subject, p=place).capitalize(), outlet,
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
    return b_cubed(site.stories(), {seen[url]: event for url, event in truth.items() if url in seen}), site


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="gnews-identity-") as work:
        print("invented stream:", measure_invented(Path(work)))
        if REAL_CLUSTERS.exists():
            print("Google's clusters of", REAL_CLUSTERS.name, "exploded:", measure_exploded(Path(work)))
        else:
            print(f"{REAL_CLUSTERS} not found: the real clusters were not measured")
    return 0


if __name__ == "__main__":
    sys.exit(main())
