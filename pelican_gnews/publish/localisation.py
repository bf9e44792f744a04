"""Localisation: the theme's words, dates and numbers in the page's language.

The theme marks its words for translation with Jinja's i18n extension; the
catalogs are gettext `.po` files in pelican_gnews/locale/<code>/LC_MESSAGES/,
compiled in memory by Babel when a build first needs one (no compiled `.mo`
files to keep in step). Plural forms come from each catalog's CLDR rules
(Arabic has six). Dates and numbers are formatted by Babel in the site's
TIMEZONE, absolute, with the zone shown.

The interface speaks the site's DEFAULT_LANG (English where there is no
catalog for it) on every page; a page's content keeps its own language: a
story page's <html lang> is its story's (search indexes it by that), and
the interface on it is marked with the site's language (`ui_attrs`). The
gettext callables read DEFAULT_LANG from the template's context.
"""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton, format_time, match_skeleton, tokenize_pattern
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import pass_context
from jinja2.ext import Extension
from markupsafe import Markup

from ..languages import primary, text_direction

logger = logging.getLogger(__name__)

CATALOGS = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"  # the theme's msgids are English

# Tags whose catalog is not named by their primary subtag: Chinese by script
# (Taiwan and Hong Kong write Traditional), and Hebrew's old code.
_CATALOG_ALIASES = {
    "zh": "zh_Hans", "zh-cn": "zh_Hans", "zh-sg": "zh_Hans", "zh-hans": "zh_Hans",
    "zh-tw": "zh_Hant", "zh-hk": "zh_Hant", "zh-mo": "zh_Hant", "zh-hant": "zh_Hant",
    "iw": "he",
}


@lru_cache(maxsize=1)
def available() -> frozenset[str]:
    """The catalogs shipped with the package, by folder name (ja, zh_Hant...)."""
    return frozenset(p.parent.parent.name for p in CATALOGS.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


@lru_cache(maxsize=256)
def catalog_for(language: str) -> str | None:
    """The catalog for a language tag (ja-JP, zh-TW, pt-419...), or None."""
    tag = (language or "").replace("_", "-").lower()
    for candidate in (tag, "-".join(tag.split("-")[:2]), tag.split("-")[0]):
        code = _CATALOG_ALIASES.get(candidate, candidate)
        if code in available():
            return code
    if primary(tag) == SOURCE_LANGUAGE:
        return SOURCE_LANGUAGE
    return None


@lru_cache(maxsize=32)
def translations(code: str | None) -> NullTranslations:
    """The compiled catalog; English (the msgids themselves) has none."""
    if not code or code == SOURCE_LANGUAGE:
        return NullTranslations()
    path = CATALOGS / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=code.replace("-", "_"))
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@lru_cache(maxsize=64)
def babel_locale(language: str) -> Locale:
    """Babel's locale for a tag, falling back to its language, then English."""
    tag = (language or SOURCE_LANGUAGE).replace("-", "_")
    for candidate in (tag, tag.split("_")[0]):
        try:
            return Locale.parse(candidate)
        except (ValueError, UnknownLocaleError):
            continue
    return Locale.parse(SOURCE_LANGUAGE)


def page_language(context) -> str:
    """The language a page's content is in: its story's, its search index's,
    or the site's."""
    article = context.get("article")
    language = getattr(article, "language", "") if article is not None else ""
    return language or context.get("search_lang") or context.get("DEFAULT_LANG") or SOURCE_LANGUAGE


def ui_language(context) -> str:
    """The language the interface speaks: the site's, if it has a catalog."""
    language = context.get("DEFAULT_LANG") or SOURCE_LANGUAGE
    return language if catalog_for(language) else SOURCE_LANGUAGE


@pass_context
def ui_attrs(context) -> Markup:
    """` lang=… dir=…` for the interface's elements on a page whose content
    is in another language; nothing where they are the same."""
    ui = ui_language(context)
    if primary(page_language(context)) == primary(ui):
        return Markup("")
    return Markup(' lang="%s" dir="%s"') % (ui, text_direction(ui))


@pass_context
def _gettext(context, message: str) -> str:
    return translations(catalog_for(ui_language(context))).gettext(message)


@pass_context
def _ngettext(context, singular: str, plural: str, n: int) -> str:
    return translations(catalog_for(ui_language(context))).ngettext(singular, plural, n)


@lru_cache(maxsize=8)
def zone_named(name: str):
    """The zone a TIMEZONE names; UTC, with a warning, when it names none."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("pelican-gnews: TIMEZONE %r is not a known zone; showing times in UTC", name)
        return ZoneInfo("UTC")


# A story's time is shown on its page, its cards, its tag, section and
# outlet pages: formatted once.
@lru_cache(maxsize=65536)
def format_moment(moment: datetime, language: str, zone_name: str, *, with_zone: bool = True) -> str:
    """An absolute date and time in the language's form, in the site's zone."""
    locale = babel_locale(language)
    zone = zone_named(zone_name)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    date = format_skeleton("yMMMd", moment, tzinfo=zone, locale=locale)
    time = format_time(moment, "short", tzinfo=zone, locale=locale)
    text = str(locale.datetime_formats["medium"]).replace("{1}", date).replace("{0}", time)
    if with_zone:
        text += " " + format_datetime(moment, "z", tzinfo=zone, locale=locale)
    return text


@pass_context
def moment_filter(context, moment: datetime, with_zone: bool = True) -> str:
    return format_moment(moment, ui_language(context), context.get("TIMEZONE") or "UTC", with_zone=with_zone)


def N_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural message for `pybabel extract -k N_:1,2` (babel.cfg)."""
    return singular, plural


# The theme's counts, with each language's plural forms.
COUNTS = {
    "sources": N_("%(num)s source", "%(num)s sources"),
    "growing": N_("+%(num)s source lately", "+%(num)s sources lately"),
    "stories": N_("%(num)s story", "%(num)s stories"),
}


@lru_cache(maxsize=8192)
def _count_html(kind: str, n: int, language: str) -> Markup:
    singular, plural = COUNTS[kind]
    text = translations(catalog_for(language)).ngettext(singular, plural, n) % {"num": _number(n, language)}
    return Markup("<bdi%s>%s</bdi>") % (Markup(' class="growing"') if kind == "growing" else "", text)


@pass_context
def count_html(context, kind: str, n: int) -> Markup:
    """"3 sources", "+2 sources lately", "5 stories", isolated (<bdi>)."""
    return _count_html(kind, n, ui_language(context))


@lru_cache(maxsize=65536)
def _moment_html(moment: datetime, language: str, zone_name: str) -> Markup:
    return Markup('<bdi><time datetime="%s">%s</time></bdi>') % (
        moment.isoformat(), format_moment(moment, language, zone_name))


@pass_context
def moment_html(context, moment: datetime) -> Markup:
    """A time as the theme shows it: <time> with its ISO form, isolated (a
    Python function, not a macro: a list page shows dozens)."""
    return _moment_html(moment, ui_language(context), context.get("TIMEZONE") or "UTC")


@pass_context
def day_text_filter(context, moment: datetime, skeleton: str) -> str:
    """A date (or time) by a CLDR skeleton ("yMMMM" is a month, "Hm" a
    time), or the language's "full" date (its weekday written out). A time
    is shown in the site's zone; a date alone is a calendar day (the
    archive's days are already the site's days) and is shown as it is."""
    locale = babel_locale(ui_language(context))
    if skeleton == "full":
        return format_date(moment, "full", locale=locale)
    if not any(field in skeleton for field in "Hhm"):
        return format_skeleton(skeleton, moment.replace(tzinfo=None), locale=locale)
    zone = zone_named(context.get("TIMEZONE") or "UTC")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return format_skeleton(skeleton, moment, tzinfo=zone, locale=locale)


@lru_cache(maxsize=64)
def _day_form(language: str) -> str:
    locale = babel_locale(language)
    pattern = locale.datetime_skeletons[match_skeleton("yMMMMd", locale.datetime_skeletons)].pattern
    parts: list = []
    for kind, value in tokenize_pattern(pattern):
        if kind != "field":
            parts.append(value)
            continue
        char, count = value
        if char in "ML" and count >= 3:  # a month's name, as Babel writes it in this form
            names = [format_date(date(2000, month, 1), char * count, locale=locale) for month in range(1, 13)]
            parts.append([char, count, names])
        else:  # y, d, a month's number: Latin digits, as Babel writes them
            parts.append([char, count])
    return json.dumps(parts, ensure_ascii=False)


@pass_context
def day_form(context) -> str:
    """A calendar day's form in the interface's language (the archive's
    "yMMMMd", as day_text writes it), for a script that knows the day only in
    the browser: Babel's CLDR pattern as JSON parts, literal text or
    [field, width, month names]."""
    return _day_form(ui_language(context))


@pass_context
def zone_filter(context, moment: datetime) -> str:
    """The site's zone at that moment, as the language names it (JST, MEZ, +0300)."""
    zone = zone_named(context.get("TIMEZONE") or "UTC")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return format_datetime(moment, "z", tzinfo=zone, locale=babel_locale(ui_language(context)))


@pass_context
def language_name_filter(context, language: str) -> str:
    """A language's name in that language (日本語, العربية), for links to it."""
    try:
        return babel_locale(language).get_display_name() or language
    except (ValueError, UnknownLocaleError):
        return language


@lru_cache(maxsize=4096)
def _territory(code: str, language: str) -> str:
    return babel_locale(language).territories.get(code, code)


@pass_context
def territory_filter(context, code: str) -> str:
    """An edition's territory as the interface's language names it
    (United States, アメリカ合衆国), from Babel's CLDR names."""
    return _territory(str(code), ui_language(context))


@pass_context
def plural_table(context, singular: str, plural: str) -> dict[str, str]:
    """The message for each CLDR plural category of the page's language, for
    a script to choose with Intl.PluralRules."""
    language = ui_language(context)
    rules = babel_locale(language).plural_form
    catalog = translations(catalog_for(language))
    table: dict[str, str] = {}
    for n in range(200):
        table.setdefault(rules(n), catalog.ngettext(singular, plural, n))
    return table


@lru_cache(maxsize=4096)
def _number(number, language: str) -> str:
    return format_decimal(number, locale=babel_locale(language))


@pass_context
def number_filter(context, number) -> str:
    return _number(number, ui_language(context))


@pass_context
def ui_lang_global(context) -> str:
    return ui_language(context)


@pass_context
def ui_dir(context) -> str:
    return text_direction(ui_language(context))


# Stops after which a language writes the next sentence with no space:
# Chinese and Japanese full-width ones. Every other script takes one space.
_CLOSED_STOPS = ("\u3002", "\uff01", "\uff1f", "\uff0e")  # 。！？．
_TAG = re.compile(r"<[^>]*>")


def sentence_gap(sentence: str) -> str:
    """What goes between a sentence (text or HTML) and the next one."""
    return "" if _TAG.sub("", str(sentence)).rstrip().endswith(_CLOSED_STOPS) else " "


def sentences(*parts) -> Markup:
    """Sentences (translated separately) joined as their language writes
    them; empty parts are left out. Text that is not Markup is escaped."""
    joined = Markup("")
    for part in (p for p in parts if str(p).strip()):
        joined += (Markup(sentence_gap(joined)) if joined else Markup("")) + part
    return joined


def _install_callables(env) -> None:
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    env.filters.update(moment=moment_filter, day_text=day_text_filter, zone=zone_filter,
                       language_name=language_name_filter, number=number_filter, territory=territory_filter)
    env.globals.update(moment_html=moment_html, count_html=count_html, ui_lang=ui_lang_global,
                       ui_attrs=ui_attrs, ui_dir=ui_dir, plural_table=plural_table,
                       sentences=sentences, sentence_gap=sentence_gap, day_form=day_form)


def install(env) -> None:
    """Jinja's i18n extension with context-aware callables, and the filters
    (the plugin does this for every generator's environment)."""
    env.add_extension("jinja2.ext.i18n")
    _install_callables(env)


class ThemeExtension(Extension):
    """The same for a site built with the theme but not the plugin:
    JINJA_ENVIRONMENT = {"extensions": ["jinja2.ext.i18n",
    "pelican_gnews.publish.localisation.ThemeExtension"]} (after i18n).
    Without the plugin a card is rendered each time (the plugin keeps
    them: cards.py)."""

    def __init__(self, environment):
        super().__init__(environment)
        _install_callables(environment)
        environment.globals.setdefault("keep_card", _each_time)


def _each_time(*kind, caller) -> Markup:
    return Markup(caller())
