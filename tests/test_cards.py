"""A story's card is rendered once a build for each heading level and page
folder, and reads as a card rendered every time (publish/cards.py)."""

from __future__ import annotations

from jinja2 import Environment, pass_context
from markupsafe import Markup

from pelican_gnews.publish import cards


class Story:
    def __init__(self, name):
        self.name = name


def test_a_card_is_rendered_once_for_each_story_level_and_folder():
    env = Environment(autoescape=True)
    cards.install(env, {})
    made = []
    env.globals["made"] = lambda story: made.append(story.name) or story.name
    page = env.from_string('{% for s in stories %}{% call keep_card(s, "card", level) %}<p>{{ made(s) }} <b>'
                           '</b></p>{% endcall %}{% endfor %}')
    one, two = Story("one"), Story("t<w>o")
    first = page.render(stories=[one, two], level=2, SITEURL=".")
    assert first == "<p>one <b></b></p><p>t&lt;w&gt;o <b></b></p>" and made == ["one", "t<w>o"]
    assert page.render(stories=[two, one], level=2, SITEURL=".") == "<p>t&lt;w&gt;o <b></b></p><p>one <b></b></p>"
    assert made == ["one", "t<w>o"]  # kept: neither was rendered again
    page.render(stories=[one], level=3, SITEURL=".")
    page.render(stories=[one], level=2, SITEURL="..")
    page.render(stories=[one], level=2, SITEURL=".", DEFAULT_LANG="de")
    assert made == ["one", "t<w>o", "one", "one", "one"]
    # Each build has its own cards: what a story shows may change between builds.
    cards.install(env, {})
    page.render(stories=[one], level=2, SITEURL=".")
    assert made[-1] == "one" and len(made) == 6


def _pages(output) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*.html"))}


def test_kept_cards_read_as_cards_rendered_every_time(site, tmp_path, monkeypatch):
    site.write_listed_stories()
    settings = {"DIRECT_TEMPLATES": ["index", "tags", "categories", "archives"], "DEFAULT_PAGINATION": 3}
    site.build(**settings)
    kept = _pages(site.output)
    calls = []

    @pass_context
    def every_time(self, context, article, *kind, caller):
        calls.append((article, kind[0]))
        return Markup(caller())

    monkeypatch.setattr(cards.Cards, "keep_card", every_time)
    site.build(OUTPUT_PATH=str(tmp_path / "every-time"), **settings)
    assert _pages(tmp_path / "every-time") == kept
    # The same story's card is on several pages: rendered once, kept for the others.
    shown = [story for story, kind in calls if kind == "card"]
    assert len(shown) > len(set(map(id, shown))) * 2
    assert sum(page.count(b'<article class="card">') for page in kept.values()) == len(shown)
    lines = [story for story, kind in calls if kind == "outlet"]
    assert len(lines) == sum(page.count(b'<span class="role">') for name, page in kept.items()
                             if name.startswith("outlet/")) > 0


def test_cards_kept_between_builds_are_the_cards_a_cold_build_renders(site, tmp_path, monkeypatch):
    site.write_listed_stories()
    cache = tmp_path / "cache"
    settings = {"DIRECT_TEMPLATES": ["index", "tags", "categories", "archives"], "DEFAULT_PAGINATION": 3,
                "GNEWS_INCREMENTAL": True, "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True,
                "CACHE_PATH": str(cache)}
    site.build(**settings)
    assert (cache / cards.FILE_NAME).is_file()
    reused = []
    save = cards.Cards.save
    monkeypatch.setattr(cards.Cards, "save", lambda self, stories: (reused.append(self.reused), save(self, stories)))

    def cold() -> dict[str, bytes]:
        return _pages(site.build_cold(tmp_path / f"cold-{len(reused)}", **settings))

    # One story gains an outlet (its address stays), another joins two lists.
    edited = site.grow("news/s1.md", "https://y.example/1", "Third 1", "Third Desk")
    site.write("news/s8.md", (site.content / "news" / "s2.md").read_text(encoding="utf-8")
               .replace("Story 2", "Story 8").replace("/2", "/8").replace("01-03 02:00", "01-04 09:00"))
    site.build(**settings)
    assert reused[-1] > 0  # cards of unchanged stories on the pages rendered again
    assert _pages(site.output) == cold()
    kept = load_cards(cache)
    story_1 = [text for text in kept if ">Story 1<" in text and text.startswith('<article class="card">')]
    assert story_1 and all("Third Desk" in text for text in story_1)  # the card before it grew is not kept

    # A damaged file: every card is made again, and the same.
    (cache / cards.FILE_NAME).write_bytes(b"\x80\x04not a pickle")
    edited.write_text(edited.read_text(encoding="utf-8").replace("Third Desk", "Fourth Desk"), encoding="utf-8")
    site.build(**settings)
    assert reused[-1] == 0 and _pages(site.output) == cold()


def load_cards(cache) -> list[str]:
    import pickle

    with open(cache / cards.FILE_NAME, "rb") as handle:
        return [data.decode() for data in pickle.load(handle)["made"].values()]
