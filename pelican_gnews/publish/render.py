"""The site side: coverage HTML, outlet pages and feeds, story neighbours.

Everything rendered here is built from the plain values the reader parsed,
with every value escaped, so no markup from a feed reaches a page or a feed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from html import escape

from pelican.generators import Generator, PelicanTemplateNotFound

from ..settings import setting
from .outputs import later_pages_taken, outlet_pages_on, outlets_save_as, short_hash
from .spread import outlet_figures

logger = logging.getLogger(__name__)

def story_language(metadata) -> str:
    """The language a story file names (`language`, or Pelican's `lang`),
    '' when it names none."""
    return str(metadata.get("language") or metadata.get("lang") or "")


def coverage_html(entries, full_coverage: str = "") -> str:
    """The related-coverage list as shown on pages and in Atom entries."""
    items = "".join(
        # An outlet a legacy feed names alone: linked by its name, or text.
        ('<li><a href="{0}"><bdi>{1}</bdi></a> <span class="outlet"><bdi>{2}</bdi></span></li>'
         if e["link"] and e["headline"]
         else '<li><a class="outlet" href="{0}"><bdi>{2}</bdi></a></li>' if e["link"]
         else '<li><span class="outlet"><bdi>{2}</bdi></span></li>').format(
            escape(e["link"]), escape(e["headline"], quote=False), escape(e["outlet"], quote=False)
        )
        for e in entries
    )
    html = f'<ol class="coverage">{items}</ol>' if items else ""
    if full_coverage:
        html += f'<p class="full-coverage"><a href="{escape(full_coverage)}">Full coverage on Google News</a></p>'
    return html


@dataclass
class Outlet:
    """An outlet (source) and the stories it leads or appears in."""

    name: str
    slug: str
    url: str
    save_as: str
    feed_path: str
    led: list = field(default_factory=list)  # stories whose lead outlet it is
    related: list = field(default_factory=list)  # stories it appears in as other coverage
    spellings: list = field(default_factory=list)  # every name it is known by (redirects.py)

    @cached_property
    def stories(self) -> list:
        """Every story it is in, newest first (read only once collected:
        templates and the outlets index ask for it many times)."""
        seen = {id(a) for a in self.led}
        both = self.led + [a for a in self.related if id(a) not in seen]
        return sorted(both, key=lambda a: a.date, reverse=True)

    @property
    def count(self) -> int:
        return len(self.stories)

    def __str__(self) -> str:
        return self.name


def outlet_slug(name: str, settings, language: str = "") -> str:
    from ..ingest.slugs import name_slug  # noqa: PLC0415 - one helper for every name's page

    return name_slug(name, settings, "outlet", language=language, preserve_case=False)


def _outlet_names(article) -> list[str]:
    """Every outlet of the merged story (ranking.py): its lead, its
    coverage's and those that joined a story whose file an editor has since
    changed."""
    names = [getattr(article, "outlet", "")]
    names += [e.get("outlet") for e in getattr(article, "coverage", None) or []]
    return [n for n in names + list(getattr(article, "joined_outlets", None) or []) if n]


def outlet_slugs(articles, settings) -> dict[str, str]:
    """Each outlet name's slug, spelled in the language of the stories it
    is in (one language for a name in stories of several:
    slugs.name_language, as tags have)."""
    from ..ingest.slugs import name_language  # noqa: PLC0415

    carriers: dict[str, set[str]] = {}
    for article in articles:
        language = story_language(getattr(article, "metadata", {}))
        for name in _outlet_names(article):
            carriers.setdefault(name, set()).add(language)
    site = {language for languages in carriers.values() for language in languages}
    default = str(settings.get("DEFAULT_LANG", "en"))
    return {name: outlet_slug(name, settings, name_language(name, languages, default, site))
            for name, languages in carriers.items()}


def _place(outlet: Outlet, slug: str, settings) -> None:
    outlet.slug = slug
    outlet.url = setting(settings, "GNEWS_OUTLET_URL").format(slug=slug)
    outlet.save_as = setting(settings, "GNEWS_OUTLET_SAVE_AS").format(slug=slug)
    outlet.feed_path = (setting(settings, "GNEWS_OUTLET_FEED_ATOM") or "").format(slug=slug)


def collect_outlets(articles, settings) -> dict[str, Outlet]:
    """Outlets by slug. Names that slug alike ("CNN", "C.N.N.") are one
    outlet, named by its most used spelling (ties: the spelling of its
    oldest story), so a variant in one new story never renames a page."""
    outlets: dict[str, Outlet] = {}
    spellings: dict[str, dict[str, list[int]]] = {}
    slugs = outlet_slugs(articles, settings)  # a few hundred names, each met thousands of times

    def get(name: str, position: int) -> Outlet:
        slug = slugs[name]
        if slug not in outlets:
            outlets[slug] = Outlet(name=name, slug="", url="", save_as="", feed_path="")
            _place(outlets[slug], slug, settings)
        # [uses, position of the latest use]; articles come newest first.
        seen = spellings.setdefault(slug, {}).setdefault(name, [0, 0])
        seen[0] += 1
        seen[1] = position
        return outlets[slug]

    for position, article in enumerate(articles):
        lead = getattr(article, "outlet", "")
        if lead:
            outlet = get(lead, position)
            outlet.led.append(article)
            if outlet_pages_on(settings):
                article.outlet_page = outlet
        for name in _outlet_names(article):
            if name != lead:
                outlet = get(name, position)
                if not outlet.related or outlet.related[-1] is not article:
                    outlet.related.append(article)
    for slug, names in spellings.items():
        outlets[slug].name = max(names, key=lambda n: (names[n][0], names[n][1], n))
        outlets[slug].spellings = sorted(names)
    _paginate_apart(outlets, settings)
    return outlets


def _paginate_apart(outlets: dict[str, Outlet], settings) -> None:
    """An outlet whose page is page 2 or later of another ("Wire2" and a
    "Wire" with more than a page of stories) moves to a suffixed slug."""
    for outlet, owner in later_pages_taken([(o, o.stories) for o in outlets.values()], settings, "outlet"):
        slug = f"{outlet.slug}-{short_hash(outlet.name)}"
        logger.warning("Outlet %r: its page %s is a later page of %r; published at %s",
                       outlet.name, outlet.save_as, owner, slug)
        _place(outlet, slug, settings)


def link_neighbours(articles) -> None:
    """prev_story / next_story along the site's order (newest first)."""
    for newer, older in zip(articles, articles[1:]):
        newer.next_story = older
        older.prev_story = newer


class OutletsGenerator(Generator):
    """Writes outlet/<slug>.html for every outlet, outlets.html, and a feed per outlet."""

    def generate_context(self):
        articles = self.context.get("articles", [])
        outlets = collect_outlets(articles, self.settings)
        self.outlets = sorted(outlets.values(), key=lambda o: (-o.count, o.name.lower()))
        self.context["outlets"] = self.outlets
        on = outlets_save_as(self.settings)
        self.context["OUTLETS_URL"] = setting(self.settings, "GNEWS_OUTLETS_URL") if on else ""

    def generate_output(self, writer):
        if not self.outlets:
            return
        relative = self.settings.get("RELATIVE_URLS")
        try:
            outlet_template = self.get_template("outlet")
            outlets_template = self.get_template("outlets")
        except PelicanTemplateNotFound:
            logger.warning("pelican-gnews: the theme has no outlet.html/outlets.html; no outlet pages")
            return
        # An empty SAVE_AS switches pages off, as in Pelican's own settings.
        for outlet in self.outlets if outlet_pages_on(self.settings) else ():
            # Paginated like tag and section pages (PAGINATED_TEMPLATES).
            writer.write_file(
                outlet.save_as, outlet_template, self.context, relative_urls=relative,
                paginated={"articles": outlet.stories}, template_name="outlet",
                outlet=outlet, url=outlet.url, list_summary=(outlet.count, len(outlet.led), len(outlet.related)),
                outlet_figures=outlet_figures(outlet),
            )
            if outlet.feed_path and self.settings.get("FEED_ALL_ATOM"):
                writer.write_feed(
                    outlet.stories[: self.settings.get("FEED_MAX_ITEMS") or None], self.context,
                    outlet.feed_path, feed_title=f"{self.settings.get('SITENAME', '')} — {outlet.name}",
                )
        if self.context["OUTLETS_URL"]:
            writer.write_file(
                setting(self.settings, "GNEWS_OUTLETS_SAVE_AS"), outlets_template, self.context,
                relative_urls=relative, url=setting(self.settings, "GNEWS_OUTLETS_URL"),
                template_name="outlets",
            )
