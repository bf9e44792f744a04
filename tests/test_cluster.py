

import pytest
from conftest import SEED_STORY
from hypothesis import given
from hypothesis import strategies as st

from pelican_gnews import frontmatter
from pelican_gnews.cluster import MAX_OUTLET, Coverage, parse_cluster, render_cluster

OL = (
    '<ol><li><a href="https://news.google.com/rss/articles/A?oc=5" target="_blank">First - part</a>'
    '&nbsp;&nbsp;<font color="#6f6f6f">Outlet One</font></li>'
    '<li><a href="https://news.google.com/rss/articles/B?oc=5" target="_blank">Second</a>'
    '&nbsp;&nbsp;<font color="#6f6f6f">Outlet Two</font></li>'
    '<li><strong><a href="https://news.google.com/stories/XYZ?oc=5" target="_blank">'
    "View full coverage on Google News</a></strong></li></ol>"
)
SINGLE = (
    '<a href="https://news.google.com/rss/articles/C?oc=5" target="_blank">Only one</a>'
    '&nbsp;&nbsp;<font color="#6f6f6f">Lone Outlet</font>'
    '<strong><a href="https://news.google.com/stories/S1?oc=5" target="_blank">'
    "View full coverage on Google News</a></strong>"
)


def test_ordered_list_shape_keeps_order_and_sets_full_coverage_apart():
    cluster = parse_cluster(OL)
    assert [(e.headline, e.outlet) for e in cluster.entries] == [
        ("First - part", "Outlet One"), ("Second", "Outlet Two")]
    assert cluster.full_coverage == "https://news.google.com/stories/XYZ?oc=5"
    assert cluster.outlets == ["Outlet One", "Outlet Two"]


def test_single_source_shape_without_ol():
    cluster = parse_cluster(SINGLE)
    assert [(e.headline, e.link, e.outlet) for e in cluster.entries] == [
        ("Only one", "https://news.google.com/rss/articles/C?oc=5", "Lone Outlet")]
    assert cluster.full_coverage.endswith("/stories/S1?oc=5")


def test_hostile_links_are_dropped_and_markup_stays_text():
    desc = ('<ol><li><a href="javascript:alert(1)">Bad</a><font>Evil</font></li>'
            '<li><a href="https://ok.example/x">&lt;script&gt;alert(1)&lt;/script&gt;</a>'
            '<font>Fine &amp; Dandy</font></li></ol>')
    cluster = parse_cluster(desc)
    assert [(e.headline, e.outlet) for e in cluster.entries] == [
        ("<script>alert(1)</script>", "Fine & Dandy")]
    rendered = render_cluster(cluster.entries)
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered


def test_broken_markup_does_not_raise():
    for junk in ["<a href='https://x.example/'>unclosed", "<ol><li><font>", "</a></font>",
                 "<a href=https://x.example/a>A<font>B", "\x00<a", "<" * 1000]:
        parse_cluster(junk)


def test_seed_body_is_rebuilt_byte_for_byte():
    """The seed's <ol> parsed and written again is exactly Google's markup."""
    _, body, _ = frontmatter.split(SEED_STORY.read_text(encoding="utf-8"))
    cluster = parse_cluster(body)
    assert [e.outlet for e in cluster.entries] == [
        "BBC", "CNN", "Al Jazeera", "The Guardian", "The Hill"]
    assert render_cluster(cluster.entries) == body.strip()


_text = st.text(min_size=1).map(lambda s: " ".join(s.split())).filter(
    lambda s: s and all(ord(c) >= 32 and not 0x7F <= ord(c) <= 0x9F and not 0xD800 <= ord(c) <= 0xDFFF
                        and c not in "\ufffe\uffff" and not 0xFDD0 <= ord(c) <= 0xFDEF for c in s))


@pytest.mark.slow
@given(st.lists(st.tuples(_text, st.from_regex(r"https://[a-z]{1,10}\.example/[a-z0-9]{0,8}", fullmatch=True), _text),
                max_size=6, unique_by=lambda t: t[1]))
def test_render_then_parse_round_trips(entries):
    from pelican_gnews.text import clean_text

    entries = [Coverage(clean_text(h), link, clean_text(o, MAX_OUTLET)) for h, link, o in entries]
    entries = [e for e in entries if e.headline and e.outlet]
    assert list(parse_cluster(render_cluster(entries)).entries) == entries
