"""A story's card rendered once, however many lists and builds show it.

A list page shows each of its stories as a card (the theme's `card` macro;
an outlet's page, as a line), and a story is on many lists: the latest
stories, its section, each of its tags and outlets, the front page. An
hourly build renders a few hundred list pages, each because one of its
stories changed; most of their cards are of stories that did not. The
theme wraps a card in `{% call keep_card(article, kind...) %}`: a card
already made is used again, within the build and, with incremental builds,
from the last one.

A card is kept by what it can show: its story, what the theme passes after
the story (its kind and heading level, the outlet whose page lists it), the
page's SITEURL (with RELATIVE_URLS it depends on the page's folder), and
the page's content and interface languages (localisation.ui_attrs). A
theme's card must show nothing else of the page it is on. Between builds
a story is known by its fingerprint as a card shows it (the one that
decides whether a list page showing it is kept, incremental.Fingerprints),
so a card kept is the card a build from nothing renders; the file is
dropped whole when the code, settings or theme change (the fingerprints'
base), and keeps the cards of the stories still on the site.

The cards belong to one build: they live in its context (the one dict every
generator of a build shares) and go with it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup

from .data_files import load_pickle, save_pickle
from .localisation import page_language, ui_language

logger = logging.getLogger(__name__)

CONTEXT_KEY = "_gnews_cards"
FILE_NAME = "gnews-cards.pickle"
VERSION = 3  # 2: cards as UTF-8 bytes; 3: under "made"


class StoryStore:
    """What is made of one story (a card, a feed entry), as UTF-8 bytes:
    made once a build for each story and variant, and with incremental
    builds kept in a file of CACHE_PATH for the next build, by the story's
    fingerprint (see the module's docstring)."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        # This build's, by story object: the story (held, so that its id is
        # no other object's meanwhile) and what was made of it.
        self.made: dict[tuple, tuple[object, bytes]] = {}
        # Between builds, by the story's fingerprint (see `keep`).
        self.fingerprint: Callable[[object], str] | None = None
        self.base: str | None = None
        self.path: Path | None = None
        # As UTF-8 (a card's "·" and narrow spaces would make a str take two
        # bytes a character: 23 MB of str for the 12 MB of a 5,000-story site).
        self.old: dict[tuple, bytes] = {}
        self.new: dict[tuple, bytes] = {}
        self.reused = 0  # taken from the last build

    def keep(self, cache: Path, base: str, fingerprint: Callable[[object], str], load: bool) -> None:
        """Keep what is made between builds in the `cache` folder, for
        fingerprints on `base` (what another base made is dropped); `load`:
        use the last build's (not with `pelican --ignore-cache`)."""
        self.path, self.base, self.fingerprint = cache / self.file_name, base, fingerprint
        if not load:
            return
        record = load_pickle(self.path)
        if isinstance(record, dict) and record.get("version") == VERSION and record.get("base") == base \
                and isinstance(record.get("made"), dict):
            self.old = record["made"]

    def find(self, story, variant: tuple) -> bytes | None:
        """What this build, or the last one, made of `story` in `variant`."""
        key = (id(story), *variant)
        found = self.made.get(key)
        if found is not None and found[0] is story:
            return found[1]
        if self.fingerprint is None:
            return None
        lasting = (self.fingerprint(story), *variant)
        data = self.old.get(lasting)
        if type(data) is not bytes:  # none kept (or not bytes: a damaged file)
            return None
        self.reused += 1
        self.new[lasting] = data
        self.made[key] = (story, data)
        return data

    def add(self, story, variant: tuple, data: bytes) -> None:
        self.made[(id(story), *variant)] = (story, data)
        if self.fingerprint is not None:
            self.new[(self.fingerprint(story), *variant)] = data

    def save(self, stories) -> None:
        """Keep this build's and the last build's of `stories` (the stories
        on the site) for the next build."""
        if self.path is None or self.fingerprint is None:
            return
        current = {self.fingerprint(story) for story in stories}
        made = {key: data for key, data in self.old.items() if key[0] in current}
        made.update(self.new)
        if made.keys() == self.old.keys():
            return  # what is kept is what its key says: the file holds these already
        failed = save_pickle(self.path, {"version": VERSION, "base": self.base, "made": made})
        if failed:
            logger.warning("pelican-gnews: cannot save %s (%s); the next build makes them again", self.path,
                           failed)


class Cards(StoryStore):
    def __init__(self):
        super().__init__(FILE_NAME)

    @pass_context
    def keep_card(self, context, article, *kind, caller) -> Markup:
        page = (*kind, context.get("SITEURL"), page_language(context), ui_language(context))
        data = self.find(article, page)
        if data is not None:
            return Markup(data.decode("utf-8", "surrogatepass"))
        card = Markup(caller())
        self.add(article, page, card.encode("utf-8", "surrogatepass"))
        return card


def install(env, context) -> None:
    """`keep_card` for the theme, with the build's cards (made with the
    build's context, by its first generator)."""
    env.globals["keep_card"] = of_build(context).keep_card


def of_build(context) -> Cards:
    return store_of_build(context, CONTEXT_KEY, Cards)


def store_of_build(context, key: str, make: Callable[[], StoryStore]):
    """The build's store under `key` of its context (made at the first ask)."""
    store = context.get(key)
    if not isinstance(store, StoryStore):
        store = context[key] = make()
    return store
