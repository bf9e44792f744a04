"""Story files: front matter that round-trips, atomic writes, slugs."""

from datetime import date, datetime, timezone

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pelican_gnews import frontmatter
from pelican_gnews.ingest.atomic import BESIDE_SUFFIX, write_atomic
from pelican_gnews.ingest.slugs import MAX_LENGTH, RESERVED, unique_slug
from pelican_gnews.text import clean_text

TRICKY = ["no", "yes", "on", "off", "null", "~", "2024-01-05", "012", "0x1F", "1e3", "#1", "#tag",
          "Breaking: x", "- dash", "---", "...", "a: b: c", "'quoted'", '"double"', "back\\slash",
          "{flow}", "[list]", "&anchor", "*alias", "!tag", "%directive", "@at", "`tick`", "|", ">",
          "tab\tinside", "emoji 🎉", "العربية", "日本語", " leading space"]


def _fields(value):
    return [("title", value, '"'), ("slug", value, '"'), ("link", value, "'"),
            ("tags", [value, value + "x"], "'"), ("draft", False, ""),
            ("date", datetime(2026, 1, 9, 11, 32, tzinfo=timezone.utc), "")]


@pytest.mark.parametrize("value", TRICKY)
def test_tricky_values_read_back_as_text(value):
    text = frontmatter.dump(_fields(value))
    yaml_text, body, _ = frontmatter.split(text + "<ol></ol>")
    data = frontmatter.load(yaml_text, "x.md")
    assert data["title"] == value and data["link"] == value and data["tags"] == [value, value + "x"]
    assert data["draft"] is False and data["date"] == datetime(2026, 1, 9, 11, 32, tzinfo=timezone.utc)
    assert body == "<ol></ol>"


@settings(max_examples=300)
@given(st.text())
def test_any_cleaned_text_round_trips(value):
    value = clean_text(value)
    data = yaml.safe_load(frontmatter.dump(_fields(value)).strip("-\n"))
    assert data["title"] == value and data["link"] == value and data["tags"][0] == value


def test_bare_date_reads_as_a_date():
    data = frontmatter.load("date: 2026-01-09", "x.md")
    assert data["date"] == date(2026, 1, 9)


def test_broken_front_matter_names_file_and_line():
    with pytest.raises(frontmatter.FrontMatterError) as info:
        frontmatter.load('title: ok\nsummary: "unclosed\n', "story.md")
    assert str(info.value).startswith("story.md:")
    assert info.value.line in (3, 4)
    with pytest.raises(frontmatter.FrontMatterError) as info:
        frontmatter.load("title: Breaking: x\n", "s.md")
    assert info.value.line == 2 and "s.md:2" in str(info.value)
    with pytest.raises(frontmatter.FrontMatterError, match="could not determine a constructor"):
        frontmatter.load("title: !!python/object/apply:os.system ['echo hi']\n", "evil.md")


def test_write_atomic_replaces_whole_files_and_leaves_no_temp(tmp_path):
    target = tmp_path / "content" / "news" / "a.md"
    temp = tmp_path / ".gnews-tmp"
    write_atomic(target, b"one\n", temp)
    write_atomic(target, b"two\n", temp)
    assert target.read_text() == "two\n"
    assert [p.name for p in target.parent.iterdir()] == ["a.md"]
    assert list(temp.iterdir()) == []


def test_write_atomic_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "a.md"
    target.write_text("old\n")

    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, b"new\n", tmp_path / "tmp")
    assert target.read_text() == "old\n"
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not list(tmp_path.glob(f"*{BESIDE_SUFFIX}"))


SEED_TITLE = "Zelensky says Ukraine does not have clear security pledge from allies - BBC"


def test_slug_from_full_title_like_the_seed():
    assert unique_slug(SEED_TITLE, "fa3c9c86aace03b1", set()) == (
        "zelensky-says-ukraine-does-not-have-clear-security-pledge-from-allies-bbc")


def test_slugs_never_empty_unique_bounded_and_stable():
    assert unique_slug("🔥🔥🔥", "abcdef0123456789", set()) == "story-abcdef01"
    assert unique_slug("!!!", "abcdef0123456789", set()) == "story-abcdef01"
    taken = {"same-title"}
    first = unique_slug("Same Title", "1111111111111111", taken)
    assert first == "same-title-111111"
    assert unique_slug("Same Title", "1111111111111111", taken) == first  # stable
    assert unique_slug("same—title!", "2222222222222222", taken | {first}) == "same-title-222222"
    long = unique_slug("word " * 200, "3333333333333333", set())
    assert 0 < len(long) <= MAX_LENGTH
    assert len(unique_slug("word " * 200, "3333333333333333", {long})) <= MAX_LENGTH


@pytest.mark.parametrize("title", ["CON", "nul", "Index", "tags", "../../x", "404"])
def test_reserved_and_path_like_titles_get_safe_slugs(title):
    slug = unique_slug(title, "4444444444444444", set())
    assert slug not in RESERVED and "/" not in slug and "." not in slug and slug


@pytest.mark.parametrize("headline, outlet, language, slug", [
    # The headline already names its outlet: the slug says it once.
    ("米国株式市場 ダウ反発 | NHK", "nhk.or.jp", "ja", "beikoku-kabushiki-shijou-dau-hanpatsu-nhk"),
    ("Storm hits coast - BBC News", "BBC", "en", "storm-hits-coast-bbc-news"),
    ("Floods in the north | Reuters", "Reuters", "en", "floods-in-the-north-reuters"),
    # Otherwise the outlet ends it, as in the seed; an article of the
    # outlet's name is no sign of it.
    ("Storm on the beach", "The Guardian", "en", "storm-on-the-beach-the-guardian"),
    ("Plain headline", "CNN", "en", "plain-headline-cnn"),
])
def test_a_slug_names_the_outlet_once(headline, outlet, language, slug):
    from pelican_gnews.cluster import Cluster
    from pelican_gnews.ingest.parse import Story
    from pelican_gnews.ingest.store import ContentIndex, new_slug

    story = Story(f"{headline} - {outlet}", headline, outlet, "", "https://x.example/a", "g",
                  datetime(2026, 1, 9, tzinfo=timezone.utc), Cluster(()))
    assert new_slug(story, ContentIndex(), "0" * 16, language) == slug
