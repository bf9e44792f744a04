"""translations.py groups translations as Pelican's own process_translations
does (same originals, same translations, same order, same warnings), in
time linear in the site."""

from __future__ import annotations

import logging
import random

from pelican.contents import Article
from pelican.log import LimitFilter
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import process_translations as pelicans

from pelican_gnews.publish.translations import process_translations as ours


def articles(seed: int) -> list[Article]:
    """Stories sharing slugs at random: some translated, some marked as
    translations, some duplicates in one language."""
    rnd = random.Random(seed)
    settings = {**DEFAULT_CONFIG, "DEFAULT_LANG": "en"}
    out = []
    for n in range(60):
        metadata = {"title": f"T{n}", "slug": f"s{rnd.randint(0, 25)}", "lang": rnd.choice(["en", "en", "de", "ja"])}
        if rnd.random() < 0.2:
            metadata["translation"] = rnd.choice(["true", "false"])
        out.append(Article("<p>x</p>", metadata=metadata, settings=settings, source_path=f"/c/{n}.md"))
    return out


def run(function, items, caplog):
    caplog.clear()
    # Pelican's log filter drops a warning it has given before: both runs
    # start from a clean filter.
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
    with caplog.at_level(logging.WARNING):
        index, translations = function(items, translation_id="slug")
    return ([a.source_path for a in index], [a.source_path for a in translations],
            {a.source_path: [t.source_path for t in a.translations] for a in items},
            [r.getMessage() for r in caplog.records])


def test_the_same_groups_and_warnings_as_pelicans_own(caplog):
    for seed in range(20):
        theirs = run(pelicans, articles(seed), caplog)
        mine = run(ours, articles(seed), caplog)
        assert mine == theirs, seed
        assert theirs[1] and theirs[3]  # each case has translations and warnings to compare


def test_a_bad_translation_id_fails_with_pelicans_message():
    import pytest

    with pytest.raises(AttributeError, match="as 'translation_id'"):
        ours(articles(0), translation_id="no_such_field")
    assert ours(articles(0), translation_id=None)[1] == []
