from hypothesis import given
from hypothesis import strategies as st

from pelican_gnews.text import MAX_TEXT, clean_text, html_to_text, safe_url


def test_clean_text_removes_controls_and_collapses_space():
    assert clean_text("a\x00b\x0b c\u0085\u2028d\u00a0\u00a0e\t\nf") == "ab c d e f"


def test_clean_text_of_plain_ascii_trims_and_collapses_like_any_text():
    assert clean_text("  Rail strike  ends ") == "Rail strike ends"
    assert clean_text(" Rail strike ends ") == "Rail strike ends"
    assert clean_text("Rail\tstrike\x7fs") == "Rail strikes"
    assert clean_text("Rail strike ends", 10) == "Rail stri…"


def test_clean_text_bounds_giant_values():
    out = clean_text("word " * 500_000)
    assert len(out) <= MAX_TEXT and out.endswith("…")


def test_html_to_text_decodes_entities_exactly_once():
    assert html_to_text("Tom &amp;amp; Jerry &lt;b&gt;") == "Tom &amp; Jerry <b>"
    assert html_to_text("<b>Bold</b>&nbsp;&nbsp;<font>Outlet</font>") == "Bold Outlet"


def test_safe_url_keeps_only_absolute_http_links():
    assert safe_url("https://example.com/a?b=1&c=2") == "https://example.com/a?b=1&c=2"
    assert safe_url("HTTP://EXAMPLE.COM/") == "HTTP://EXAMPLE.COM/"
    for bad in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
                "data:text/html,<script>", "vbscript:x", "//evil.example/x", "/relative",
                "https://", "https://ex ample.com", 'https://e.com/"onmouseover="x',
                "https://e.com/\x00", "ftp://e.com/x", ""]:
        assert safe_url(bad) == "", bad
    # Each character that ends or escapes an attribute, or hides, refuses the address.
    for char in "<>\"'`\\ \t\u00a0\u3000\u2028\u200b\u202e\ufeff\x85":
        assert safe_url(f"https://e.com/a{char}b") == "", repr(char)


@given(st.text())
def test_clean_text_output_is_clean_and_stable(value):
    out = clean_text(value)
    assert out == clean_text(out)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in out)
    assert out == out.strip()
