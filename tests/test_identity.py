"""Story identity measured: B-cubed precision and recall of the stories a
sync makes, against Google's own clusters exploded into one-source items
and against an invented stream of known events (benchmarks/identity.py).
The figures are printed in the test summary."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT, report_figure

sys.path.insert(0, str(ROOT / "benchmarks"))
import identity  # noqa: E402


def test_b_cubed_scores_known_cases():
    truth = {"a": "x", "b": "x", "c": "y", "d": "y"}
    same = identity.b_cubed({"a": 1, "b": 1, "c": 2, "d": 2}, truth)
    assert (same.precision, same.recall, same.f1) == (1.0, 1.0, 1.0)
    # One story for everything: every item's story is half wrong.
    one = identity.b_cubed(dict.fromkeys(truth, 1), truth)
    assert (one.precision, one.recall) == (0.5, 1.0)
    # Nothing joined (and an item never filed): precision 1, recall 1/2.
    apart = identity.b_cubed({"a": 1, "b": 2, "c": 3}, truth)
    assert (apart.precision, apart.recall, apart.stories) == (1.0, 0.5, 4)
    # Bagga and Baldwin's uneven case: {a, b, c} found for events {a, b}, {c}.
    uneven = identity.b_cubed({"a": 1, "b": 1, "c": 1}, {"a": "x", "b": "x", "c": "y"})
    assert uneven.precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3) and uneven.recall == 1.0


def test_the_invented_streams_events_are_measured(tmp_path):
    scores, site = identity.run_invented(tmp_path)
    report_figure(f"story identity, invented stream (3 days, 6 feeds, leads changing hourly): {scores}")
    assert scores.events == 39
    # Each event is in the top stories feed and in its section's feed:
    # an item in both (same lead) is one story file, not two.
    files = list((site.root / "content").rglob("*.md"))
    assert len(files) == len(set(site.stories().values())) == scores.stories


def test_googles_clusters_exploded_are_never_joined_wrongly(tmp_path):
    if not identity.REAL_CLUSTERS.exists():
        pytest.skip(f"{identity.REAL_CLUSTERS} is absent (it ships with ../shared, beside the repository in CI)")
    scores = identity.measure_exploded(tmp_path)
    report_figure(f"story identity, Google's clusters of the 2019 top stories feed exploded into one-source "
                  f"items: {scores}")
    assert scores.items == 171 and scores.events == 38
    # A wrong join is worse than a missed one.
    assert scores.precision >= 0.95
