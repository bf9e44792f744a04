"""Tag, section and outlet addresses spelled as story slugs are, one per
name, and a redirect at each address Pelican's own slugify gave them
(slugs.name_slug, reader.settle_name_slugs, publish/redirects.py)."""

from __future__ import annotations

import itertools
import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from conftest import Site
from feedmaker import Item, Related, feed_xml
from pelican.settings import DEFAULT_CONFIG

from pelican_gnews import frontmatter
from pelican_gnews.ingest import slugs
from pelican_gnews.ingest.slugs import base_slug, name_language, name_slug, pelican_name_slug
from pelican_gnews.publish import reader

LATIN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KINDS = ("tag", "category", "outlet")
SETTINGS = dict(DEFAULT_CONFIG)

# A name per script, with the language of the story carrying it.
NAMES = [
    ("東京", "ja"), ("毎日新聞", "ja"), ("トップニュース", "ja"),
    ("台湾新闻", "zh"), ("반도체", "ko"), ("연합뉴스", "ko"),
    ("البرلمان", "ar"), ("الجزيرة", "ar"),
    ("Regionalzüge", "de"), ("Süddeutsche Zeitung", "de"),
    ("Москва", "ru"), ("Climate change", "en"),
]


@pytest.mark.slow
@pytest.mark.parametrize("name, language", NAMES)
@pytest.mark.parametrize("kind", KINDS)
def test_a_names_address_follows_the_story_slug_rules(name, language, kind):
    slug = name_slug(name, SETTINGS, kind, language=language)
    assert LATIN.fullmatch(slug), slug
    # The story slug of the same text, by the same romanizer.
    assert slug == base_slug(name, language)


@pytest.mark.slow
def test_addresses_read_as_their_script_is_read_not_as_unidecode_reads_it():
    old = {name: pelican_name_slug(name, SETTINGS, "tag") for name, _ in NAMES}
    new = {name: name_slug(name, SETTINGS, "tag", language=language) for name, language in NAMES}
    assert old["東京"] == "dong-jing" and new["東京"] != "dong-jing"  # no Mandarin reading in Japanese
    assert old["毎日新聞"] == "mei-ri-xin-wen" and "mei-ri" not in new["毎日新聞"]
    assert new["台湾新闻"] == "taiwan-xinwen"
    assert (old["반도체"], new["반도체"]) == ("bandoce", "bandoche")
    assert (old["연합뉴스"], new["연합뉴스"]) == ("yeonhabnyuseu", "yeonhapnyuseu")
    assert (old["البرلمان"], new["البرلمان"]) == ("lbrlmn", "al-brlman")
    assert (old["Regionalzüge"], new["Regionalzüge"]) == ("regionalzuge", "regionalzuege")
    assert new["Москва"] == old["Москва"] == "moskva"
    assert new["Climate change"] == old["Climate change"] == "climate-change"


def test_unicode_addresses_symbols_and_the_sites_substitutions():
    wanted = {**SETTINGS, "GNEWS_SLUG_UNICODE": ["ja", "ar"]}
    assert name_slug("東京", wanted, "tag", language="ja") == "東京"
    assert name_slug("البرلمان", wanted, "category", language="ar") == "البرلمان"
    assert name_slug("반도체", wanted, "tag", language="ko") == "bandoche"
    assert name_slug("반도체", {**SETTINGS, "GNEWS_SLUG_UNICODE": True}, "tag", language="ko") == "반도체"
    # A bad value (named when the build starts) is no Unicode.
    assert name_slug("반도체", {**SETTINGS, "GNEWS_SLUG_UNICODE": 5}, "tag", language="ko") == "bandoche"
    # A name of symbols only keeps its visible address of its own.
    assert name_slug("★", SETTINGS, "tag", language="ja") == pelican_name_slug("★", SETTINGS, "tag")
    assert re.fullmatch(r"tag-[0-9a-f]{8}", name_slug("★", SETTINGS, "tag"))
    # <KIND>_REGEX_SUBSTITUTIONS shape the romanized name, as Pelican's did.
    underscored = {**SETTINGS, "TAG_REGEX_SUBSTITUTIONS": [(r"[^\w\s-]", ""), (r"[-\s]+", "_")]}
    assert name_slug("Regionalzüge in Bayern", underscored, "tag", language="de") == "regionalzuege_in_bayern"
    assert name_slug("Regionalzüge in Bayern", underscored, "category", language="de") == "regionalzuege-in-bayern"


def test_one_language_per_name_whatever_the_order():
    cases = [
        # (name, languages of the stories naming it, DEFAULT_LANG, expected)
        ("東京", ["ja", "zh"], "ja", "ja"),
        ("東京", ["zh", "ja"], "zh", "zh"),
        ("東京", ["ja", "zh"], "en", "zh"),  # Han alone, with Chinese among them: Chinese
        ("東京", ["ja", "zh", "en"], "en", "en"),
        ("トップニュース", ["zh", "ja", "en"], "en", "ja"),  # kana: Japanese
        ("반도체", ["en", "ko"], "en", "ko"),
        ("München", ["de", "en"], "de", "de"),
        ("München", ["de", "en"], "en", "en"),
        ("München", ["fr", "de"], "en", "de"),  # neither script nor site decides: by code
        ("München", ["de", ""], "en", "de"),  # a story naming no language does not count
        ("東京", [""], "ja", "ja"),
        ("東京", [""], "en", "zh"),
        ("반도체", [], "en", "ko"),
    ]
    for name, languages, default, expected in cases:
        for order in itertools.permutations(languages):
            assert name_language(name, order, default, order) == expected, (name, order, default)


# ---- sites built with Pelican ----------------------------------------------------------

WHEN = datetime(2026, 1, 12, 8, 0, tzinfo=timezone.utc)


def _item(n: int, headline: str, outlet: str, host: str, related=()) -> Item:
    return Item(headline, outlet, f"https://{host}", f"https://{host}/a/{n}", WHEN - timedelta(hours=n),
                related=[Related(h, o, f"https://{u}/r/{n}") for h, o, u in related])


# Per language: the feed's section, its items, and names whose address
# must read as the story slug of a headline holding them reads.
EDITIONS = {
    "ja": ("トップニュース - Google ニュース", [
        _item(1, "東京湾の新しい橋が開通", "毎日新聞", "mainichi.example",
              [("東京の新橋、来月開通へ", "東都新聞", "toto.example")]),
        _item(2, "国際宇宙ステーションへ補給船", "毎日新聞", "mainichi.example"),
    ], []),
    "ko": ("반도체 - Google 뉴스", [
        _item(1, "반도체 수출 사상 최대", "연합뉴스", "yna.example",
              [("반도체 수출 역대 최고", "국회방송", "natv.example")]),
        _item(2, "국회 반도체 지원법 통과", "연합뉴스", "yna.example"),
    ], ["반도체", "연합뉴스"]),
    "ar": ("اقتصاد - أخبار Google", [
        _item(1, "البرلمان يقر ميزانية جديدة للتعليم", "الجزيرة", "aljazeera.example",
              [("البرلمان يوافق على الميزانية", "العربية", "alarabiya.example")]),
        _item(2, "الجزيرة تطلق قناة جديدة", "الجزيرة", "aljazeera.example"),
    ], ["البرلمان", "الجزيرة"]),
    "de": ("Wirtschaft - Google News", [
        _item(1, "Regionalzüge fallen in Bayern aus", "Süddeutsche Zeitung", "sz.example",
              [("Ausfälle bei Regionalzügen", "Münchner Merkur", "merkur.example")]),
        _item(2, "Süddeutsche Zeitung berichtet über Regionalzüge", "Süddeutsche Zeitung", "sz.example"),
    ], ["Regionalzüge", "Süddeutsche Zeitung"]),
}


def _stories(site: Site) -> list[dict]:
    out = []
    for path in sorted((site.content / "news").glob("*.md")):
        yaml_text, body, line = frontmatter.split(path.read_text(encoding="utf-8"))
        meta = frontmatter.load(yaml_text, path, line)
        meta["coverage_outlets"] = re.findall(r'<font color="#6f6f6f">([^<]+)</font>', body)
        out.append(meta)
    return out


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, Site]:
    built = {}
    for language, (title, items, _) in EDITIONS.items():
        root = tmp_path_factory.mktemp(f"edition-{language}")
        feed = root / "feed.xml"
        feed.write_text(feed_xml(title, "https://news.google.com/", language, items), encoding="utf-8")
        site = Site(root / "site")
        site.build(GNEWS_FEEDS=[str(feed)], DEFAULT_LANG=language, GNEWS_SEARCH=False)
        built[language] = site
    return built


@pytest.mark.slow
@pytest.mark.parametrize("language", list(EDITIONS))
def test_an_editions_addresses_read_like_its_story_slugs(editions, language):
    site = editions[language]
    stories = _stories(site)
    assert len(stories) == len(EDITIONS[language][1])
    named: dict[str, set[str]] = {"tag": set(), "category": set(), "outlet": set()}
    for story in stories:
        assert story["language"] == language
        named["tag"] |= set(story.get("tags") or ())
        named["category"] |= set(story.get("categories") or ())
        named["outlet"] |= {story["outlet"], *story["coverage_outlets"]}
    assert named["category"] and named["outlet"]
    html = "".join(p.read_text(encoding="utf-8") for p in site.output.glob("*.html"))
    for kind, names in named.items():
        for name in names:
            slug = name_slug(name, SETTINGS, kind, language=language)
            assert LATIN.fullmatch(slug), (kind, name, slug)
            assert (site.output / kind / f"{slug}.html").is_file(), (kind, name, slug)
            assert f'href="./{kind}/{slug}.html"' in html, (kind, name, slug)
            if language == "ja":
                assert slug == base_slug(name, "ja")
                assert slug != pelican_name_slug(name, SETTINGS, kind), (kind, name)  # not Mandarin
    # A name written in a headline is spelled in its address as in the story's slug.
    story_slugs = {s["slug"] for s in stories}
    for name in EDITIONS[language][2]:
        slug = name_slug(name, SETTINGS, "tag", language=language)
        assert any(f"-{slug}-" in f"-{s}-" for s in story_slugs), (name, slug, story_slugs)
        assert slug != pelican_name_slug(name, SETTINGS, "tag")


@pytest.mark.slow
def test_an_edition_redirects_every_old_address(editions):
    site = editions["ko"]
    old, new = "category/bandoce.html", "category/bandoche.html"
    assert (site.output / new).is_file()
    page = site.page(old)
    assert '<meta http-equiv="refresh" content="0; url=../category/bandoche.html">' in page
    assert '<link rel="canonical" href="../category/bandoche.html">' in page
    assert '<a href="../category/bandoche.html"><bdi>반도체</bdi></a>' in page
    assert '<meta name="robots" content="noindex">' in page and '<html lang="ko"' in page
    assert 'url=../outlet/yeonhapnyuseu.html"' in site.page("outlet/yeonhabnyuseu.html")
    # A redirect for each address that changed, and none for another.
    redirects = {p.relative_to(site.output).as_posix() for p in site.output.rglob("*.html")
                 if "http-equiv" in p.read_text(encoding="utf-8")}
    assert redirects == set(_moves(site))


def test_a_name_in_two_languages_has_one_address_whatever_the_reading_order(tmp_path):
    """Two stories, Japanese and Chinese, tag 東京; read in both orders
    (file names swapped), the tag has one page, spelled in Japanese on a
    Japanese site."""
    def story(language: str, n: int) -> str:
        return (f'---\ntitle: "Story {n}"\ndate: 2026-01-0{n}\nslug: "story-{n}"\ncategories:\n- "新聞"\n'
                f'tags:\n- "東京"\noutlet: "毎日新聞"\nlanguage: "{language}"\n---\n')

    found = []
    for order, languages in enumerate((("ja", "zh"), ("zh", "ja"))):
        site = Site(tmp_path / f"order{order}")
        for n, language in enumerate(languages, 1):
            site.write(f"news/{n}.md", story(language, n))
        site.build(DEFAULT_LANG="ja", GNEWS_SEARCH=False)
        found.append(tuple(sorted({re.sub(r"-\d{8}-\d{4}", "", p.name)  # the first page, not older ones
                                   for p in (site.output / kind).glob("*.html")
                                   if "http-equiv" not in p.read_text(encoding="utf-8")})
                           for kind in ("tag", "category")))
        for n in (1, 2):
            assert f'href="./tag/{base_slug("東京", "ja")}.html"' in site.page(f"story-{n}.html")
    assert found[0] == found[1] == ([f"{base_slug('東京', 'ja')}.html"], [f"{base_slug('新聞', 'ja')}.html"]), found


def test_a_tag_is_spelled_as_most_of_its_stories_write_it_whatever_the_reading_order(tmp_path):
    """Stories tag "drought" twice and "Drought" once: whichever is read
    first, or newest, the tag page and every story say "drought"."""
    def story(n: int, spelling: str) -> str:
        return (f'---\ntitle: "Story {n}"\ndate: 2026-01-0{n}\nslug: "story-{n}"\n'
                f'tags:\n- "{spelling}"\n- "kansas"\noutlet: "Wire"\n---\n')

    for order, spellings in enumerate((("Drought", "drought", "drought"), ("drought", "drought", "Drought"))):
        site = Site(tmp_path / f"order{order}")
        for n, spelling in enumerate(spellings, 1):
            site.write(f"news/{n}.md", story(n, spelling))
        site.build()
        assert "<bdi>drought</bdi>" in site.page("tag/drought.html"), order
        for n in (1, 2, 3):
            assert ">Drought<" not in site.page(f"story-{n}.html"), (order, n)


# ---- an old site, built again ------------------------------------------------------------

SITEURL = "https://example.org/news"


def _old_rules(monkeypatch) -> None:
    """The build as this project made it before: Pelican's slugify for names."""
    def old(name, settings, kind, *, language="", preserve_case=None):
        return pelican_name_slug(name, settings, kind, preserve_case=preserve_case)

    monkeypatch.setattr(slugs, "name_slug", old)
    monkeypatch.setattr(reader, "name_slug", old)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """A Japanese site with an English and a German story, built with the
    old names, then with the new ones and again unchanged (incremental
    builds, Pelican's content cache holding the old names' objects): the
    output of each build, and the last build's figures."""
    root = tmp_path_factory.mktemp("rebuilt")
    feed = root / "feed.xml"
    title, items, _ = EDITIONS["ja"]
    feed.write_text(feed_xml(title, "https://news.google.com/", "ja", items), encoding="utf-8")
    site = Site(root / "site")
    # An English story whose tag "Muller" has the page the old address of
    # the German "Müller" had: a real page is never replaced by a redirect.
    site.write("extra/muller.md", '---\ntitle: "Muller wins"\ndate: 2026-01-10\nslug: "muller-wins"\n'
                                  'categories:\n- "Sport"\ntags:\n- "Muller"\nlanguage: "en"\n---\n')
    site.write("extra/mueller.md", '---\ntitle: "Müller gewinnt"\ndate: 2026-01-09\nslug: "mueller-gewinnt"\n'
                                   'categories:\n- "Sport"\ntags:\n- "Müller"\nlanguage: "de"\n---\n')
    settings = {"GNEWS_FEEDS": [str(feed)], "DEFAULT_LANG": "ja", "GNEWS_SEARCH": False, "SITEURL": SITEURL,
                "RELATIVE_URLS": False, "GNEWS_INCREMENTAL": True, "CACHE_PATH": str(root / "cache"),
                "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    snapshots = []
    with pytest.MonkeyPatch.context() as monkeypatch:
        _old_rules(monkeypatch)
        site.build(**settings)
    snapshots.append({p.relative_to(site.output).as_posix(): p.read_text(encoding="utf-8")
                      for p in site.output.rglob("*") if p.is_file() and p.suffix in (".html", ".xml")})
    for _ in range(2):
        site.build(**settings)
        snapshots.append({p.relative_to(site.output).as_posix(): p.read_text(encoding="utf-8")
                          for p in site.output.rglob("*") if p.is_file() and p.suffix in (".html", ".xml")})
    stats = json.loads((root / "cache" / "gnews-build-stats.json").read_text())
    return site, snapshots, stats


def _moves(site: Site) -> dict[str, str]:
    """Old first-page address -> new, for every name of the site whose address changed."""
    moves = {}
    for path in sorted((site.content).rglob("*.md")):
        yaml_text, body, line = frontmatter.split(path.read_text(encoding="utf-8"))
        meta = frontmatter.load(yaml_text, path, line)
        language = meta.get("language", "")
        names = [("tag", t) for t in meta.get("tags") or ()] + [("category", c) for c in meta.get("categories") or ()]
        outlets = [meta.get("outlet"), *re.findall(r'<font color="#6f6f6f">([^<]+)</font>', body)]
        names += [("outlet", o) for o in outlets if o]
        for kind, name in names:
            old = pelican_name_slug(name, SETTINGS, kind)
            new = name_slug(name, SETTINGS, kind, language=language)
            if old != new:
                moves[f"{kind}/{old}.html"] = f"{kind}/{new}.html"
    return moves


@pytest.mark.slow
def test_old_addresses_become_redirects_to_the_new_ones(rebuilt):
    site, (before, after, again), stats = rebuilt
    moves = _moves(site)
    moves.pop("tag/muller.html")  # Müller's old address is Muller's page
    assert {"category/totsupuniyu-su.html", "outlet/mei-ri-xin-wen.html"} <= set(moves)
    assert any(old.startswith("tag/") for old in moves)
    for old, new in moves.items():
        assert "http-equiv" not in before[old] and "<main" in before[old], old  # a real page before
        assert new not in before
        target = f"{SITEURL}/{new}"
        assert f'<meta http-equiv="refresh" content="0; url={target}">' in after[old], old
        assert f'<link rel="canonical" href="{target}">' in after[old]
        assert f'<a href="{target}">' in after[old] and 'content="noindex"' in after[old]
        assert "http-equiv" not in after[new] and "<main" in after[new]
        assert again[old] == after[old]  # kept by the next incremental build
    # The real page at an old address stays a page.
    assert "Muller wins" in after["tag/muller.html"] and "http-equiv" not in after["tag/muller.html"]
    assert "Müller gewinnt" in after["tag/mueller.html"]
    # Every link of every page goes to the new addresses; redirects are not in the sitemap.
    old_links = {f"{SITEURL}/{old}" for old in moves}
    for path, text in after.items():
        if "http-equiv" in text:
            continue
        linked = set(re.findall(r'href="([^"]+)"', text)) | set(re.findall(r"<loc>([^<]+)</loc>", text))
        assert not linked & old_links, (path, sorted(linked & old_links))
    sitemap = after["sitemap.xml"]
    assert all(f"<loc>{SITEURL}/{new}</loc>" in sitemap for new in moves.values())
    assert stats["kept"] > 0 and stats["removed"] == 0
