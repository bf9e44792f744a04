import re
import sys

import pytest
from conftest import ROOT, needs_shared, report_figure

from pelican_gnews.ingest.tags import Vocabulary, make_tags, stopwords_for

sys.path.insert(0, str(ROOT / "benchmarks"))
import tags as tag_quality


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
    headline = "alpha bravo charlie delta echo foxtrot golf hotel"
    assert len(make_tags(headline, limit=3)) == 3
    assert make_tags(headline, limit=0) == []


def test_spellings_of_one_name_make_one_tag():
    tags = make_tags("Zelensky meets Zelenskyy supporters", others=["Zelenskyy speaks"], limit=5)
    assert sum(t.lower().startswith("zelensk") for t in tags) == 1


@pytest.mark.slow
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


def test_a_first_word_is_no_name_because_other_headlines_start_with_it_too():
    # Every headline capitalises its first word, the cluster's others too:
    # only a capital mid-sentence, outside Title Case, marks a name.
    others = ["Drought deepens across the Plains as Kansas ranchers sell herds",
              "Drought Emergency Declared Across Kansas Plains", "Kansas governor: Drought is the worst in decades"]
    tags = make_tags("Drought forces farmers in Kansas to sell cattle early", others=others)
    assert "drought" in tags and "Drought" not in tags
    assert "Kansas" in tags
    # A word another headline does write capitalised mid-sentence is one.
    tags = make_tags("Artemis crew returns to Houston", others=["NASA says Artemis crew is safe"])
    assert "Artemis" in tags


def test_verbs_and_adverbs_are_not_tags():
    tags = make_tags("Reservoirs running dangerously low as drought revives fears, officials expected to act",
                     limit=10)
    assert not {"running", "dangerously", "revives", "expected"} & lower(tags)
    assert {"reservoirs", "drought"} <= lower(tags)


@pytest.mark.slow
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
    headlines = [(f"National monuments review: {place} ranchers weigh {thing}", "Wire")
                 for place, thing in (("Utah", "cattle"), ("Nevada", "water"), ("Oregon", "timber"),
                                      ("Maine", "tourism"), ("Idaho", "copper"), ("Texas", "oil"),
                                      ("Ohio", "corn"), ("Iowa", "deer"), ("Kansas", "fences"))]
    vocabulary = Vocabulary()
    vocabulary.add_feed(headlines, "en")
    assert vocabulary.is_common("national") and vocabulary.is_common("National Monuments")  # of this feed
    assert not vocabulary.is_common("Utah")
    tags = make_tags(headlines[0][0], vocabulary=vocabulary, limit=5)
    assert tags[0] == "Utah" and not {"national", "monuments", "review"} & lower(tags)
    shared = Vocabulary()
    shared.add_feed([("Glacier melt speeds up", "A"), ("Glacier study funded", "B")], "en")
    assert make_tags("Glacier melt speeds up", vocabulary=shared, limit=1) == ["glacier"]


def test_a_story_is_tagged_with_what_its_cluster_says_and_shares_it():
    """Two stories whose lead headlines share no word, whose clusters both
    write "Congress" and "impeachment", share those tags; a term only the
    cluster repeats, no other story, is no tag beyond two."""
    stories = [("Court rejects appeal over financial records", "Wire",
                ["Congress can seek tax records, court says", "Appeals court hands Congress a win",
                 "Impeachment inquiry widens as Congress subpoenas banks", "Lawyers weigh impeachment risk"]),
               ("Fed chair testifies before House budget panel", "Daily",
                ["Powell warns Congress about recession", "Powell tells Congress debt path is unsustainable",
                 "Markets eye impeachment hearing and Fed", "Impeachment week opens"]),
               ("Storm floods coastal towns", "Coast", ["Storm surge floods towns", "Rain and surge flood towns"])]
    vocabulary = Vocabulary()
    vocabulary.add_feed([(h, o) for h, o, _ in stories], "en", clusters=[c for _, _, c in stories])
    assert vocabulary.stories("Congress") == 2 and vocabulary.stories("impeachment") == 2
    tags = [make_tags(h, outlet=o, others=c, vocabulary=vocabulary) for h, o, c in stories]
    assert {"Congress", "impeachment"} <= set(tags[0]) and {"Congress", "impeachment"} <= set(tags[1])
    assert len(tags[2]) == 2  # "towns", "surge" are its cluster's alone: two tags, no more


@pytest.mark.slow
def test_one_spelling_per_subject_and_no_verb_forms_in_swedish():
    assert "Kina" in make_tags("Kinas president besöker Putin i Moskva", language="sv", limit=10)
    florida = make_tags("Florida kan förbjuda samtal om mens i skolor", language="sv", limit=10)
    assert "Florida" in florida and "skola" in florida and not {"förbjuda", "florida", "skolor"} & set(florida)
    for headline, verb in (("Risk med sötningsmedel tonas ner", "tonas"), ("Person hittad död i gruvhål", "hittad"),
                           ("Pojke anhållen för mordförsök på skola", "anhållen"),
                           ("Flyttade oväntat till Göteborg efter säsongen", "oväntat"),
                           ("Ytterligare en svensk död i lavin", "Ytterligare")):
        assert verb.lower() not in lower(make_tags(headline, language="sv", limit=10)), headline


def test_english_verbs_before_their_preposition_and_adjectives_before_a_noun_are_no_tags():
    tags = make_tags("Trump hotel sales pitch boasts of millions from foreign governments", limit=10)
    assert "boasts" not in tags and "hotel" in tags
    tags = make_tags("AOC slams adviser as white nationalist, calls for his resignation", limit=10)
    assert not {"white", "calls"} & set(tags) and "resignation" in tags
    tags = make_tags("Ford unveils its all-electric SUV for the iPhone generation", limit=10)
    assert "all-electric" not in tags and "iPhone" in tags


def test_a_tag_page_of_one_story_only_to_reach_two_tags():
    """Terms no other story of the site holds are tags only as far as a
    story needs two; the site's headlines come from the sync state."""
    site = Vocabulary.of_site(lambda: ["drought grips the river basin", "drought relief fund opens"])
    site.add_feed([("Drought deepens as reservoirs fall; farmers seek aid from the state", "Wire")], "en")
    tags = make_tags("Drought deepens as reservoirs fall; farmers seek aid from the state", vocabulary=site)
    assert tags[0] == "drought" and len(tags) == 2  # one shared, one to reach two
    alone = Vocabulary()
    alone.add_feed([("Storm closes schools across the county", "Wire")], "en")
    assert len(make_tags("Storm closes schools across the county", vocabulary=alone)) == 2


def test_a_sync_prefers_the_terms_of_the_sites_earlier_stories(tmp_path):
    """The vocabulary is the site's: a story synced today shares a term
    with the stories of an earlier sync, which only the sync state holds."""
    from datetime import datetime, timezone

    from feedmaker import Item, feed_xml

    from pelican_gnews import frontmatter
    from pelican_gnews.ingest.sync import sync
    from pelican_gnews.settings import from_pelican

    content = tmp_path / "content"
    content.mkdir()

    def feed(name, headlines, day):
        items = [Item(h, f"Outlet {n}", f"https://o{n}.example", f"https://o{n}.example/{name}/{n}",
                      datetime(2026, 3, day, 8 + n, tzinfo=timezone.utc)) for n, h in enumerate(headlines)]
        path = tmp_path / f"{name}.xml"
        path.write_text(feed_xml(name, "https://news.google.com/", "en-US", items), encoding="utf-8")
        return str(path)

    monday = feed("monday", ["Drought grips the river basin", "Farmers count the cost of the drought"], 2)
    tuesday = feed("tuesday", ["Reservoirs fall as towns ration water; drought relief fund opens"], 3)
    assert sync(from_pelican({"PATH": str(content), "GNEWS_FEEDS": [monday]})).ok
    report = sync(from_pelican({"PATH": str(content), "GNEWS_FEEDS": [tuesday]}))
    [path] = report.results[0].written
    meta, _ = frontmatter.read(path)
    # Alone, the longest term would come first ("reservoirs").
    assert meta["tags"][0] == "drought" and len(meta["tags"]) == 2


@pytest.mark.slow
def test_outlets_left_in_headlines_are_never_tags():
    vocabulary = Vocabulary()
    vocabulary.add_feed([("Casal é preso no Jardim Santa Maria - ACidade ON São Carlos", "ACidade ON"),
                         ("Bebê de 4 meses morre em São Carlos", "São Carlos Agora")], "pt-BR")
    tags = make_tags("Casal é preso no Jardim Santa Maria - ACidade ON São Carlos", outlet="ACidade ON",
                     language="pt-BR", vocabulary=vocabulary)
    assert "Jardim Santa Maria" in tags and not any("ACidade" in t for t in tags)
    # A place an outlet is named after stays a tag.
    assert "São Carlos" in make_tags("Bebê de 4 meses morre em São Carlos", outlet="São Carlos Agora",
                                     language="pt-BR", vocabulary=vocabulary)
    ja = make_tags("「台風10号」東海でも大雨のおそれ 交通機関に影響 - NHK", outlet="NHK NEWS WEB", language="ja")
    assert "NHK" not in ja and "台風" in ja
    assert "ニュース" not in make_tags("台風10号の影響で新幹線が運転見合わせ(ニュース)", language="ja")


# Real-shaped headlines, per language: (language, headline, cluster's others,
# tags it must have, tags it must not have).
PER_LANGUAGE = [
    ("en-US", "Trump Administration Reduces Bears Ears National Monument",
     ["Bears Ears monument to be shrunk by Interior Department"], {"Bears Ears"}, {"reduces", "bears", "ears"}),
    ("en-US", "Interior Secretary Slashes Grand Staircase-Escalante Boundaries",
     ["Grand Staircase-Escalante monument cut in half"], {"Grand Staircase-Escalante"},
     {"slashes", "grand", "staircase"}),
    ("en-US", "Wildfires Burn Nearly 1,000 Acres In Greece, Satellite Data Show", [], {"Greece"},
     {"burn", "nearly", "show"}),
    ("en", "Houthis threaten ships in the Red Sea as Middle East tensions rise", [], {"Red Sea", "Middle East"},
     {"threaten", "rise", "red", "sea"}),
    ("en", "Reservoirs running dangerously low as drought revives fears", [], {"drought"},
     {"running", "dangerously", "low", "revives"}),
    ("pt-BR", "Pesquisas mostram queda do desmatamento na Amazônia", [], {"Amazônia", "desmatamento"},
     {"mostram"}),
    ("pt-BR", "Lula anuncia novo programa de habitação em São Paulo", [], {"São Paulo", "habitação"},
     {"anuncia", "novo", "Paulo"}),
    ("pt-BR", "Câmara aprova texto-base da reforma tributária", [], {"reforma"}, {"aprova"}),
    ("fr", "Le gouvernement trouve un accord avec les syndicats sur les retraites", [],
     {"gouvernement", "retraites"}, {"trouve", "le", "les"}),
    ("sv", "Regeringen meddelar nya regler för elpriset i Sverige", [], {"Sverige", "elpris", "regel"},
     {"meddelar", "nya"}),
    ("de", "Bundesregierung beschließt neues Heizungsgesetz für Deutschland", [],
     {"Bundesregierung", "Heizungsgesetz", "Deutschland"}, {"beschließt", "neues"}),
    ("ja", "マイクロソフト、｢Windows風｣の新OSを公開", [], {"マイクロソフト", "Windows"}, {"｢Windows風｣", "Windows風"}),
    ("ja", "ソニー、PlayStation/Xbox向けの新作ゲームを発表", [], {"PlayStation", "Xbox", "新作ゲーム"},
     {"/Xbox", "Xbox向け", "PlayStation/Xbox向け"}),
    ("ja", "東京都、新たな少子化対策を発表 保育料を無償化へ", [], {"東京都", "少子化対策"}, {"新た", "発表"}),
    ("ja", "大雨特別警報を発表 気象庁「命を守る行動を」（気象予報士 森田）", [], {"気象庁", "大雨特別警報"},
     {"気象予報士 森田）", "森田)"}),
    ("zh-TW", "颱風凱米逼近 氣象署發布海上警報", [], {"颱風", "凱米"}, {"逼近", "發布"}),
    ("zh-CN", "国务院发布新能源汽车产业发展规划", [], {"国务院", "新能源"}, {"发布"}),
    ("ko", "한국은행, 기준금리 동결…물가 상승 우려", [], {"한국은행", "기준금리"}, {"한국은행,", "동결…물가"}),
    ("th", "รัฐบาลไทยประกาศมาตรการกระตุ้นเศรษฐกิจ", [], {"รัฐบาล", "เศรษฐกิจ"}, {"ประกาศ", "กระตุ้น"}),
    ("ar", "الحكومة المصرية تعلن خطة جديدة لدعم قطاع الطاقة", [], {"الحكومة", "الطاقة"}, {"تعلن", "جديدة"}),
]


@pytest.mark.slow
@pytest.mark.parametrize("language, headline, others, wanted, unwanted", PER_LANGUAGE,
                         ids=[f"{row[0]}-{n}" for n, row in enumerate(PER_LANGUAGE)])
def test_tags_are_whole_names_and_nouns_in_every_language(language, headline, others, wanted, unwanted):
    tags = make_tags(headline, others=others, language=language, limit=10)
    assert wanted <= set(tags), tags
    assert not unwanted & set(tags), tags
    assert not any(tag_quality.has_punctuation(t) for t in tags), tags
    assert len(tags) >= 2


@pytest.mark.slow
@needs_shared
def test_tag_targets_on_real_and_invented_feeds():
    """benchmarks/tags.py, per language, over the real feeds, the samples and
    the invented feeds: no punctuation, no piece of a name, verbs at most 2 %,
    no story of five words or more with fewer than two tags, and at least
    25 % of a feed's tags on two stories or more on the feeds of 30 stories
    whose stories share their subjects (not the Swedish and American top
    stories of 2019-2023 nor the Malayalam one-site feed, whose stories
    share few subjects: those must be better than before)."""
    before, after = tag_quality.figures(after=False), tag_quality.figures(after=True)
    for line in tag_quality.report(before, after).splitlines():
        report_figure(f"tags: {line}")
    total = after["all"]
    assert total["punctuation"] == 0 and total["split names"] == 0
    assert total["verb share"] <= 0.02 and total["fewer than 2"] == 0
    for language, figures in after.items():
        if figures["verb share"] is not None:
            assert figures["verb share"] <= 0.02, language
    full = dict(total["full shared"])
    apart = {"sv_SE_top_stories_2023-03-20.xml", "en_US_top_stories_2019-11-14_view_full_coverage.xml",
             "ml_IN_search_site_2026-07-19_no_clusters.xml"}
    assert {"ja_JP_top_invented.xml", "pt_BR_top_invented.xml", "en_US_title_case_invented.xml"} <= set(full)
    full_before = dict(before["all"]["full shared"])
    for name, share in full.items():
        assert share >= 0.25 or name in apart and share > full_before[name], (name, share, full_before[name])
    assert total["shared"] > before["all"]["shared"]
    assert after["all"]["split names"] < before["all"]["split names"]


@pytest.mark.slow
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
