"""Python's cyclic garbage collector during a build.

A build holds every story of the site in memory and keeps nearly all of it
to the end: at 5,000 stories, about 230,000 objects the collector tracks.
With Python's default thresholds (700, 10, 10) it ran about 880 young,
80 middle and 6 full collections in an hourly build, each full one over
everything, and one more full pass as the interpreter exits: 0.8 to 1.0 s
of a 6.5 s build (docs/benchmarks.md, "One hour, against the code before").

So from `initialized` to `finalized` a collection starts after 5,000 new
objects rather than 700 and the older generations wait 20 rather than 10
younger collections; the build's peak memory stayed the same. When the
process exits, what is left is frozen (gc.freeze) so that the
interpreter does not walk it once more just before the system frees the
whole process; Pelican's writer and this plugin close every file they
write themselves, not through the collector. The thresholds are put back at
`finalized`, so a process that builds again (`pelican --autoreload`, the
tests) keeps its own between builds.
"""

from __future__ import annotations

import atexit
import gc

BUILD_THRESHOLDS = (5000, 20, 20)


def collect_less(pelican) -> None:
    """As a build starts: fewer collections, none at exit."""
    pelican.gnews_gc_thresholds = gc.get_threshold()
    gc.set_threshold(*BUILD_THRESHOLDS)
    if hasattr(gc, "freeze"):  # CPython; other interpreters have their own collectors
        atexit.unregister(gc.freeze)  # once however many builds a process runs
        atexit.register(gc.freeze)


def collect_as_before(pelican) -> None:
    """As a build ends: the thresholds it started with."""
    previous = getattr(pelican, "gnews_gc_thresholds", None)
    if previous:
        gc.set_threshold(*previous)
