"""Pelican's own part of a build, as a Pelican plugin for benchmarks/year.py.

Any `pelican content` of a site starts Python, imports Pelican, reads the
settings and gives every story, read from Pelican's content cache (or anew
when its file changed), to the generators' context. This plugin lets
Pelican do just that with the story reader and ends the process once every
generator has its context: nothing is ranked, fingerprinted, rendered or
written. What it takes is the part of an hourly build a plugin cannot
shed; what the build takes beyond it is the plugin's.
"""

from __future__ import annotations

import logging
import os

from pelican import signals

from pelican_gnews.publish.plugin import use_story_reader


def stop(generators) -> None:
    # os._exit: no output, no cache saved, no exit handlers; the content
    # cache was saved by the articles generator's generate_context.
    logging.shutdown()
    os._exit(0)


def register() -> None:
    signals.readers_init.connect(use_story_reader)
    signals.all_generators_finalized.connect(stop)
