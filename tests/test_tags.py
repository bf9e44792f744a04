import re
import sys

from conftest import ROOT, needs_shared, report_figure

from pelican_gnews.ingest.tags import Vocabulary, make_tags, stopwords_for

sys.path.insert(0, str(ROOT / "benchmarks"))
import tags as tag_quality  # noqa: E402


def lower(tags):
    return {t.lower() for t in tags}

SEED_HEADLINE = "Zelensky says Ukraine does not have clear security pledge from allies"
SEED_OTHERS = [
    "UK and France agree to send troops to Ukraine in event of peace deal with Russia",
    "Zelenskyy says US security guarantee text ready to be finalised with Trump",
    "Ukraine war briefing: US backs European ceasefire security guarantees for first time",
    "NATO ambassador: ‘We could be on the cusp’ of peace deal between Russia, Ukraine",
]


def test_seed_story_tags():
    tags = make_tags(SEED_HEADLINE, outlet="BBC", others=SEED_OTHERS, language="en-US")
    assert {"Zelensky", "Ukraine", "security"} <= set(tags)  # names keep their case
    assert len(tags) == 5
    # Words the other outlets repeat rank first.
    assert tags.index("Ukraine") < tags.index("pledge")


def test_never_stopwords_filler_or_the_outlet():
    tags = make_tags("The Hill says Congress will not have votes after the break, does it matter?",
                     outlet="The Hill", language="en", limit=10)
    for word in ("says", "does", "not", "have", "from", "will", "after", "the", "hill"):
        assert word not in lower(tags)
    assert "Congress" in tags


def test_limit_is_honoured():
    headline = "Alpha Bravo Charlie Delta Echo Foxtrot Golf Hotel"
    assert len(make_tags(headline, limit=3)) == 3
    assert make_tags(headline, limit=0) == []


def test_spellings_of_one_name_make_one_tag():
    tags = make_tags("Zelensky meets Zelenskyy supporters", others=["Zelenskyy speaks"], limit=5)
    assert sum(t.lower().startswith("zelensk") for t in tags) == 1


def test_stopwords_follow_the_feeds_language():
    tags = make_tags("Die Regierung und der Bundestag streiten über das neue Heizungsgesetz",
                     language="de", limit=10)
    assert not {"die", "und", "der", "das", "über", "streiten", "neue"} & lower(tags)  # nouns only
    assert {"Regierung", "Bundestag", "Heizungsgesetz"} <= set(tags)
    assert "und" in stopwords_for("de") and "und" not in stopwords_for("en")
    fr = make_tags("Le gouvernement et les syndicats trouvent un accord sur les retraites", language="fr")
    assert not {"le", "et", "les", "un", "sur"} & set(fr) and "retraites" in fr
    es = make_tags("El gobierno y los sindicatos firman un acuerdo para las pensiones", language="es")
    assert not {"el", "y", "los", "un", "para", "las"} & set(es) and "pensiones" in es


def test_japanese_headlines_split_into_words_without_particles():
    tags = make_tags("東京都で新たに感染者、トヨタが新型車を発表", language="ja", limit=10)
    assert "東京都" in tags and "トヨタ" in tags
    assert not any(t in ("で", "が", "を", "に") for t in tags)


def test_arabic_stopwords_removed():
    tags = make_tags("الحكومة تعلن عن خطة جديدة في مجال الطاقة", language="ar", limit=10)
    assert "في" not in tags and "عن" not in tags
    assert "الحكومة" in tags


def test_no_tags_from_punctuation_emoji_or_numbers():
    assert make_tags("🔥🔥 !!! 2024 — 100%") == []


def test_names_of_several_words_stay_whole_with_their_case():
    tags = make_tags("Trump revives plan to shrink Bears Ears and other monuments in Utah",
                     outlet="The Hill", others=["Bears Ears could shrink again, Interior says"], limit=10)
    assert "Bears Ears" in tags and "Utah" in tags
    assert not {"bears", "ears"} & set(tags)
    tags = make_tags("Houthis threaten ships in the Red Sea as Middle East tensions rise", limit=10)
    assert {"Red Sea", "Middle East"} <= set(tags)
    assert not {"red", "sea", "east", "middle"} & lower(tags)
    assert make_tags("Bank of England holds rates", limit=3)[0] == "Bank of England"


def test_verbs_and_adverbs_are_not_tags():
    tags = make_tags("Reservoirs running dangerously low as drought revives fears, officials expected to act",
                     limit=10)
    assert not {"running", "dangerously", "revives", "expected"} & lower(tags)
    assert {"reservoirs", "drought"} <= lower(tags)


def test_unspaced_languages_are_segmented_into_whole_words():
    ja = make_tags("21年衆院選で与党が過半数割れ、軌道を歩く人が避難", language="ja", limit=10)
    assert "衆院選" in ja and "与党" in ja
    assert not {"年衆院選", "軌道歩", "人避難"} & set(ja)
    zh = make_tags("台湾新闻中央社报道习近平访问美国", language="zh-TW", limit=10)
    assert {"习近平", "美国", "中央社"} <= set(zh)
    assert "报道" not in zh  # a verb
    ko = make_tags("데이터센터 증설도 체감하죠 대통령 뽑아야", language="ko", limit=10)
    assert {"데이터센터", "증설", "대통령"} <= set(ko)
    assert not {"증설도", "체감하죠", "뽑아야"} & set(ko)
    th = make_tags("นายกรัฐมนตรีเดินทางไปกรุงเทพมหานคร", language="th", limit=10)
    assert "กรุงเทพมหานคร" in th


def test_a_word_in_most_of_a_feed_is_dropped_and_shared_words_are_preferred():
    headlines = [(f"National monuments review: {place} park plan draws comment", "Wire")
                 for place in ("Utah", "Nevada", "Oregon", "Maine", "Idaho", "Texas", "Ohio", "Iowa", "Kansas")]
    vocabulary = Vocabulary()
    vocabulary.add_feed(headlines, "en")
    assert {"national", "monuments"} <= vocabulary.common  # of this feed, for its stories
    tags = make_tags(headlines[0][0], vocabulary=vocabulary, limit=5)
    assert not {"national", "monuments"} & lower(tags)
    assert "Utah" in tags
    shared = Vocabulary()
    shared.add_feed([("Glacier melt speeds up", "A"), ("Glacier study funded", "B")], "en")
    assert make_tags("Glacier melt speeds up", vocabulary=shared, limit=1) == ["glacier"]


@needs_shared
def test_tag_figures_on_real_and_invented_feeds_are_better_than_before():
    """benchmarks/tags.py: whole words or names, tag pages with 2+ stories,
    the most common tag's share of a feed; before (benchmarks/tags_before.py)
    and after."""
    before, after = tag_quality.figures(after=False), tag_quality.figures(after=True)
    for line in tag_quality.report().splitlines():
        report_figure(f"tags: {line}")
    assert after["whole"] > before["whole"] and after["whole"] >= 0.95
    assert after["shared"] > before["shared"]
    assert after["top share"] < before["top share"] and after["top share"] <= 0.3


def test_the_tags_page_is_paginated_most_stories_first_and_stays_light(tmp_path):
    from conftest import Site

    site = Site(tmp_path / "site")
    # 451 tags: "common" on every story, "pair-N" on two, "single-N" on one.
    for n in range(300):
        site.write(f"news/story-{n}.md", f"""---
title: "Story {n}"
date: 2026-01-{1 + n % 28:02d}T{n % 24:02d}:00:00+00:00
slug: "story-{n}"
tags:
- 'common'
- 'pair-{n // 2}'
- 'single-{n}'
---
<ol><li><a href="https://example.com/{n}">Story {n}</a>&nbsp;&nbsp;<font color="#6f6f6f">Wire</font></li></ol>
""")
    site.build(GNEWS_SEARCH=False)
    pages = sorted(site.output.glob("tags*.html"))
    assert [p.name for p in pages] == ["tags-2.html", "tags.html"]
    first = site.page("tags.html")
    names = re.findall(r'<a href="\./tag/[^"]+"><bdi>([^<]+)</bdi></a>', first)
    assert names[0] == "common" and names[1].startswith("pair-") and len(names) == 250
    listed = set(names)
    for page in pages:
        assert page.stat().st_size < 30 * 1024, (page.name, page.stat().st_size)
        listed |= set(re.findall(r'<a href="\./tag/[^"]+"><bdi>([^<]+)</bdi></a>', page.read_text(encoding="utf-8")))
        text = page.read_text(encoding="utf-8")
        assert 'href="./tags.html"' in text and 'href="./tags-2.html"' in text  # each page links to each
    assert len(listed) == 1 + 150 + 300
