from pelican_gnews.ingest.tags import make_tags, stopwords_for

SEED_HEADLINE = "Zelensky says Ukraine does not have clear security pledge from allies"
SEED_OTHERS = [
    "UK and France agree to send troops to Ukraine in event of peace deal with Russia",
    "Zelenskyy says US security guarantee text ready to be finalised with Trump",
    "Ukraine war briefing: US backs European ceasefire security guarantees for first time",
    "NATO ambassador: ‘We could be on the cusp’ of peace deal between Russia, Ukraine",
]


def test_seed_story_tags():
    tags = make_tags(SEED_HEADLINE, outlet="BBC", others=SEED_OTHERS, language="en-US")
    assert {"zelensky", "ukraine", "security"} <= set(tags)
    assert len(tags) == 5
    # Words the other outlets repeat rank first.
    assert tags.index("ukraine") < tags.index("pledge")


def test_never_stopwords_filler_or_the_outlet():
    tags = make_tags("The Hill says Congress will not have votes after the break, does it matter?",
                     outlet="The Hill", language="en", limit=10)
    for word in ("says", "does", "not", "have", "from", "will", "after", "the", "hill"):
        assert word not in tags
    assert "congress" in tags
    assert all(t == t.lower() for t in tags)


def test_limit_is_honoured():
    headline = "Alpha Bravo Charlie Delta Echo Foxtrot Golf Hotel"
    assert len(make_tags(headline, limit=3)) == 3
    assert make_tags(headline, limit=0) == []


def test_spellings_of_one_name_make_one_tag():
    tags = make_tags("Zelensky meets Zelenskyy supporters", others=["Zelenskyy speaks"], limit=5)
    assert sum(t.startswith("zelensk") for t in tags) == 1


def test_stopwords_follow_the_feeds_language():
    tags = make_tags("Die Regierung und der Bundestag streiten über das neue Heizungsgesetz",
                     language="de", limit=10)
    assert not {"die", "und", "der", "das", "über"} & set(tags)
    assert {"regierung", "bundestag", "heizungsgesetz"} <= set(tags)
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
