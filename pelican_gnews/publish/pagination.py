"""Stable pagination: page boundaries that stay put as stories come and go.

Pelican numbers a list's pages from the newest story, so one new story moves
every story of every page down by one and rewrites them all, and every pager
says "page X of Y". Here a list is cut into pages from its oldest story on,
and whether a page ends after a story depends on that story alone (a hash
of its slug, like the content-defined chunks of rsync or restic), with a
lower and an upper bound on a page's length. A new story, or one that
expires at the old end, changes the page it is on (and at most the next
one), never the others. Each older page is named after the time of its
newest story (`index-20261126-1403.html`), so its address says what it
holds and does not change when the list grows. The newest stories are
always on the list's own address (`index.html`).
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
from dataclasses import dataclass, field


@dataclass
class Page:
    """One page of a list, newest stories first. Its names follow Pelican's
    Page objects where templates use them (object_list, url, save_as)."""

    object_list: list
    save_as: str
    url: str
    is_front: bool
    newer: Page | None = field(default=None, repr=False)
    older: Page | None = field(default=None, repr=False)

    def has_previous(self) -> bool:
        return self.newer is not None

    def has_next(self) -> bool:
        return self.older is not None

    @property
    def newest(self):
        return self.object_list[0] if self.object_list else None

    @property
    def oldest(self):
        return self.object_list[-1] if self.object_list else None


@dataclass
class Pages:
    """All pages of a list (Pelican's `*_paginator` in templates)."""

    pages: list[Page]

    @property
    def num_pages(self) -> int:
        return len(self.pages)

    @property
    def page_range(self) -> range:
        return range(1, len(self.pages) + 1)


def _ends_page(item, spread: int) -> bool:
    return _slug_hash(str(getattr(item, "slug", item))) % spread == 0


@functools.lru_cache(maxsize=1 << 16)
def _slug_hash(slug: str) -> int:
    """Every list a story is in asks: computed once per story and build."""
    return int.from_bytes(hashlib.sha1(slug.encode("utf-8", "surrogatepass")).digest()[:4], "big")


def chunks(items_newest_first: list, per_page: int) -> list[list]:
    """The list cut into pages, oldest page first, each oldest story first.

    A page ends after a story whose hash says so once the page holds at
    least per_page/2 stories, and always at per_page: about 5/6 of
    per_page a page, and a change moves only the boundaries next to it.
    The last part is the front page; when it holds fewer than per_page/2
    stories, the newest of the page before are shown on it too.
    """
    per_page = max(1, per_page)
    least, spread = max(1, per_page // 2), max(1, per_page // 3)
    out: list[list] = []
    current: list = []
    for item in reversed(items_newest_first):
        current.append(item)
        if len(current) >= per_page or (len(current) >= least and _ends_page(item, spread)):
            out.append(current)
            current = []
    if out and len(current) < least:
        current = out[-1][len(current) - least:] + current
    out.append(current)
    return out


def _older_name(path: str, stamp: str) -> str:
    """`index.html` -> `index-<stamp>.html`; `tag/x/` -> `tag/x/index-<stamp>.html`."""
    if not path or path.endswith("/"):
        return f"{path}index-{stamp}.html"
    root, ext = posixpath.splitext(path)
    return f"{root}-{stamp}{ext or '.html'}"


def paginate(items_newest_first: list, save_as: str, url: str, per_page: int) -> Pages:
    """Stable pages for a list whose front page is at `save_as` / `url`."""
    parts = chunks(items_newest_first, per_page)
    pages: list[Page] = []
    taken: set[str] = {save_as}
    for number, part in enumerate(reversed(parts)):
        newest_first = part[::-1]
        if number == 0:
            page = Page(newest_first, save_as, url, True)
        else:
            newest = newest_first[0]
            stamp = newest.date.strftime("%Y%m%d-%H%M") if hasattr(newest, "date") else str(number)
            name = _older_name(save_as, stamp)
            if name in taken:  # two pages ending in one minute
                stamp = f"{stamp}-{hashlib.sha1(str(newest.slug).encode()).hexdigest()[:6]}"
                name = _older_name(save_as, stamp)
            taken.add(name)
            page = Page(newest_first, name, name if url == save_as else _older_name(url, stamp), False)
        if pages:
            page.newer, pages[-1].older = pages[-1], page
        pages.append(page)
    return Pages(pages)
