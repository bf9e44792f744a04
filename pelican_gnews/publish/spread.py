"""Coverage spread: which editions carried each story, and each outlet's
figures (stories, editions, sections, first outlet).

A story's editions are the union of its file's `editions:` list, the sync
state's record of it (which keeps counting once an editor owns the file),
and those of the stories an editor joined to it (merge.py). The site's
editions are those of its stories and of its configured feeds: a story
page names its editions only on a site of several, and then says so when a
story was carried by one edition only (theme: _spread.html).

An outlet's "first outlet" count is the stories it leads: the outlet of the
item each story was first made from (its title's outlet, `outlet:`), which
heads its coverage (docs/joining-and-ranking.md, "First outlet").
"""

from __future__ import annotations

from .. import editions
from ..settings import SettingsError, from_pelican


def _own(article) -> dict[str, list[str]]:
    facts = getattr(article, "facts", None)
    written = getattr(article, "editions", None)
    return editions.union(written if isinstance(written, dict) else {}, facts.editions if facts else {})


def attach(articles, settings) -> tuple[str, ...]:
    """Give each story its `carried` editions ({code: sections}); returns
    the site's editions, sorted."""
    own = {id(article): _own(article) for article in articles}
    site: set[str] = set()
    for article in articles:
        merged = [own.get(id(other), {}) for other in getattr(article, "merged_from", None) or []]
        article.carried = editions.union(own[id(article)], *merged)
        site.update(article.carried)
    try:
        feeds = from_pelican(settings).feeds
    except SettingsError:
        feeds = ()  # said once already
    site.update(code for spec in feeds if (code := editions.of_feed(spec.edition, spec.url)))
    return tuple(sorted(site))


def sections_of(article) -> list[str]:
    """The sections a story was carried in, or its own section."""
    carried = getattr(article, "carried", None) or {}
    found = list(dict.fromkeys(s for sections in carried.values() for s in sections))
    category = getattr(article, "category", None)
    return found or ([str(category)] if category is not None else [])


def outlet_figures(outlet) -> tuple:
    """(stories, first outlet of, [(edition, stories)], [(section, stories)])
    for an outlet's page: plain values, so that the page's fingerprint
    (incremental.py) covers them. Editions and sections most stories first."""
    by_edition: dict[str, int] = {}
    by_section: dict[str, int] = {}
    for article in outlet.stories:
        for code in getattr(article, "carried", None) or {}:
            by_edition[code] = by_edition.get(code, 0) + 1
        for section in sections_of(article):
            by_section[section] = by_section.get(section, 0) + 1

    def ranked(counts: dict[str, int]) -> tuple:
        return tuple(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])))

    return (outlet.count, len(outlet.led), ranked(by_edition), ranked(by_section))
