"""A property test of the editing rules: random sequences of syncs, feed
changes, items that join existing stories (another lead for the same
event, another outlet's article on it) and editor actions never lose an
edit, never bring back a story an editor deleted, and never merge two
story files an editor wrote for one event."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from feedmaker import Item, Related, feed_xml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from pelican_gnews import frontmatter
from pelican_gnews.ingest.sync import sync
from pelican_gnews.settings import from_pelican

T0 = datetime(2026, 1, 9, 8, tzinfo=timezone.utc)


class Newsroom(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="newsroom-"))
        self.news = self.root / "content" / "news"
        self.source = self.root / "feed.xml"
        self.config = from_pelican({"PATH": str(self.root / "content"), "GNEWS_FEEDS": [str(self.source)]})
        self.items: dict[int, Item] = {}  # what the feed holds now
        self.seen: set[int] = set()  # stories ever in the feed
        self.edited: dict[Path, bytes] = {}  # file -> the bytes the editor left
        self.deleted: set[str] = set()  # links of stories an editor deleted
        self.next_id = 0

    def teardown(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def _write_feed(self):
        self.source.write_text(feed_xml("World - Google News", "https://news.google.com/", "en",
                                        list(self.items.values())))

    def _files(self) -> dict[str, list[Path]]:
        """Story files by the link in their front matter."""
        found: dict[str, list[Path]] = {}
        for path in self.news.glob("*.md") if self.news.is_dir() else []:
            meta, _ = frontmatter.read(path)
            found.setdefault(meta["link"], []).append(path)
        return found

    def _pick(self, data, editable=True):
        files = [p for p in sorted(self.news.glob("*.md"))] if self.news.is_dir() else []
        return data.draw(st.sampled_from(files)) if files else None

    @rule(related=st.integers(0, 3), same_headline=st.booleans())
    def add_story(self, related, same_headline):
        n = self.next_id
        self.next_id += 1
        headline = "Same old headline" if same_headline else f"Story {n} on the river treaty"
        self.items[n] = Item(headline, "Wire", "https://wire.example", f"https://wire.example/{n}",
                             T0 + timedelta(minutes=n),
                             [Related(f"Take {n}.{r}", f"Outlet {r}", f"https://o{r}.example/{n}")
                              for r in range(related)])
        self.seen.add(n)
        self._write_feed()

    @precondition(lambda self: self.items)
    @rule(data=st.data())
    def grow_cluster(self, data):
        n = data.draw(st.sampled_from(sorted(self.items)))
        r = len(self.items[n].related) + 1
        self.items[n].related.append(Related(f"Later take {n}.{r}", f"Outlet {r}", f"https://o{r}.example/{n}/{r}"))
        self._write_feed()

    @precondition(lambda self: self.items)
    @rule(data=st.data(), single=st.booleans())
    def same_event_elsewhere(self, data, single):
        """Another item on a story's event: a new lead article whose cluster
        lists the story's lead (joins by the related rule), or another
        outlet's one-source article with a like headline (by likeness)."""
        n = data.draw(st.sampled_from(sorted(self.items)))
        first = self.items[n]
        m = self.next_id
        self.next_id += 1
        related = [] if single else [Related(first.headline, first.outlet, first.url)]
        self.items[m] = Item(f"{first.headline} draws reactions", f"Other Wire {m}", "https://other.example",
                             f"https://other.example/{m}", first.published + timedelta(minutes=30), related)
        self.seen.add(m)
        self._write_feed()

    @rule(data=st.data())
    def write_twin(self, data):
        """An editor writes a second file for a story's event, by hand."""
        path = self._pick(data)
        if path is not None:
            n = self.next_id  # a link and a name of its own, as an editor would give it
            self.next_id += 1
            twin = path.with_name(f"twin-{n}.md")
            meta, _ = frontmatter.read(path)
            text = path.read_text(encoding="utf-8").replace(f"link: '{meta['link']}'",
                                                            f"link: 'https://twin.example/{n}'")
            twin.write_text(text.replace(f'slug: "{meta["slug"]}"', f'slug: "twin-{n}"'), encoding="utf-8")
            self.edited[twin] = twin.read_bytes()

    @precondition(lambda self: self.items)
    @rule(data=st.data())
    def change_guid(self, data):
        n = data.draw(st.sampled_from(sorted(self.items)))
        self.items[n].guid = f"guid-{n}-{data.draw(st.integers(0, 10**6))}"
        self._write_feed()

    @precondition(lambda self: self.items)
    @rule(data=st.data())
    def drop_from_feed(self, data):
        del self.items[data.draw(st.sampled_from(sorted(self.items)))]
        self._write_feed()

    @rule()
    def run_sync(self):
        if self.source.exists():
            sync(self.config)

    @rule(data=st.data(), text=st.text(min_size=1, max_size=30))
    def edit(self, data, text):
        path = self._pick(data)
        if path is not None:
            path.write_bytes(path.read_bytes() + f"\nEditor's note: {text}\n".encode("utf-8", "replace"))
            self.edited[path] = path.read_bytes()

    @rule(data=st.data())
    def draft(self, data):
        path = self._pick(data)
        if path is not None:
            path.write_bytes(path.read_bytes().replace(b"draft: false", b"draft: true"))
            self.edited[path] = path.read_bytes()

    @rule(data=st.data())
    def delete(self, data):
        path = self._pick(data)
        if path is not None:
            meta, _ = frontmatter.read(path)
            path.unlink()
            self.edited.pop(path, None)
            if not any(p for p in self._files().get(meta["link"], [])):
                self.deleted.add(meta["link"])

    @rule(data=st.data())
    def rename(self, data):
        path = self._pick(data)
        if path is not None:
            target = path.with_name(f"renamed-{path.name}")
            if not target.exists():
                path.rename(target)
                if path in self.edited:
                    self.edited[target] = self.edited.pop(path)

    @invariant()
    def no_edit_is_lost(self):
        for path, data in self.edited.items():
            assert path.read_bytes() == data, path

    @invariant()
    def deleted_stories_stay_deleted_and_nothing_is_duplicated(self):
        files = self._files()
        for link in self.deleted:
            assert link not in files, link
        for paths in files.values():
            assert len(paths) == 1, paths

    @invariant()
    def nothing_temporary_in_content(self):
        content = self.root / "content"
        assert not [p for p in content.rglob("*") if p.suffix in (".tmp", ".gnews-tmp")] if content.exists() else True


Newsroom.TestCase.settings = settings(max_examples=40, stateful_step_count=20, deadline=None,
                                      suppress_health_check=[HealthCheck.too_slow])
test_editing_rules = pytest.mark.slow(Newsroom.TestCase)
