"""languages.py: the one reading of language tags and scripts, and the
extras a language's stories need."""

from __future__ import annotations

import logging
import sys

import pytest

from pelican_gnews import languages
from pelican_gnews.cli import main
from pelican_gnews.languages import extra_for, primary, script_of, stack_ready, text_direction, unspaced_language


def test_primary_reads_every_spelling_of_a_tag():
    assert [primary(t) for t in ["pt-BR", "pt_br", "PT", " zh-Hant-TW ", "", None]] == ["pt", "pt", "pt", "zh", "", ""]
    assert primary("", "en") == "en" and primary(None, "en") == "en"
    assert text_direction("ar_EG") == "rtl" and text_direction("he") == "rtl" and text_direction("en-US") == "ltr"


def test_scripts_and_the_language_of_unspaced_text():
    assert [script_of(c) for c in "漢ひカｶーAк한ไع々"] == [
        "han", "hiragana", "katakana", "katakana", "katakana", "other", "other", "hangul", "thai", "arabic", "han"]
    assert unspaced_language("東京の橋") == "ja"
    assert unspaced_language("台湾新闻") == "zh"
    assert unspaced_language("東京湾", ["ja-JP", "en"]) == "ja"  # Han alone in a Japanese site
    assert unspaced_language("東京湾", ["ja", "zh-TW"]) == "zh"
    assert unspaced_language("반도체") == "ko" and unspaced_language("กรุงเทพ") == "th"
    assert unspaced_language("Tokyo") == ""


def test_extras_are_named_for_the_languages_that_need_one():
    tags = ["ja-JP", "zh_Hant", "ko", "th", "en", "ar", ""]
    assert [extra_for(t) for t in tags] == ["ja", "zh", "ko", "th", "", "", ""]


def test_a_missing_extra_warns_once_naming_it(monkeypatch, caplog):
    stack_ready.cache_clear()
    monkeypatch.setitem(sys.modules, "kiwipiepy", None)  # not importable, as without the [ko] extra
    try:
        with caplog.at_level(logging.WARNING, logger="pelican_gnews"):
            assert stack_ready("ko") is False
            assert stack_ready("ko") is False
            assert stack_ready("en") is True
        warnings = [r.getMessage() for r in caplog.records if "extra" in r.getMessage()]
        assert len(warnings) == 1
        assert "[ko]" in warnings[0] and "kiwipiepy" in warnings[0] and "pelican-gnews[ko]" in warnings[0]
    finally:
        stack_ready.cache_clear()


def test_extras_command_lists_what_the_feeds_and_default_language_need(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    feed = tmp_path / "local.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><language>th</language>'
                    "<item><title>ข่าว - ไทยนิวส์</title><link>https://example.com/a</link></item>"
                    "</channel></rss>", encoding="utf-8")
    settings = tmp_path / "conf.py"
    settings.write_text(
        'PATH = "content"\nDEFAULT_LANG = "zh-TW"\nGNEWS_FEEDS = [\n'
        '    "https://news.google.com/rss?hl=ko&gl=KR&ceid=KR:ko",\n'
        '    "https://news.google.com/rss?hl=en-US&gl=US&ceid=US:en",\n'
        f'    {str(feed)!r},\n]\n', encoding="utf-8")
    assert main(["extras", "-s", str(settings)]) == 0
    assert capsys.readouterr().out.split() == ["ko", "th", "zh"]


@pytest.mark.parametrize("module", sorted({m for mods in languages.EXTRAS.values() for m in mods}))
def test_every_module_an_extra_needs_is_in_the_test_install(module):
    """The test extra pulls [all]: a module named in EXTRAS but missing
    from pyproject's extras would show up here as not installed."""
    import importlib.util

    assert importlib.util.find_spec(module) is not None
