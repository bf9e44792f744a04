"""The bundled sample feeds: reproducible, and varied enough to show the site."""

from conftest import SAMPLE_FEEDS
from make_samples import render_all

from pelican_gnews.ingest.parse import parse_feed


def test_committed_sample_feeds_match_their_generator():
    rendered = render_all()
    assert sorted(rendered) == sorted(p.name for p in SAMPLE_FEEDS.glob("*.xml"))
    for name, text in rendered.items():
        assert (SAMPLE_FEEDS / name).read_text(encoding="utf-8") == text, (
            f"{name} is stale: run python tests/make_samples.py")


def test_samples_cover_sections_languages_and_cluster_shapes():
    feeds = [parse_feed(p.read_bytes(), p.name) for p in sorted(SAMPLE_FEEDS.glob("*.xml"))]
    stories = [s for f in feeds for s in f.stories]
    assert len(stories) >= 20
    assert len({f.section for f in feeds}) >= 3
    assert any(not f.language.startswith("en") for f in feeds)
    assert any(len(s.cluster.entries) == 1 for s in stories)
    assert any(len(s.cluster.entries) >= 4 for s in stories)
    assert any(s.cluster.full_coverage for s in stories if len(s.cluster.entries) == 1)
    assert any(s.cluster.full_coverage for s in stories if len(s.cluster.entries) > 1)
    assert all(s.outlet and s.headline != s.title for s in stories)
