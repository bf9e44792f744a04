"""Pelican's reST reader, in a language docutils knows.

Pelican hands docutils the site's DEFAULT_LANG as it is, and warns on every
build when docutils has no such module ("pt", "ml"). This reader hands it
settings.docutils_language's choice instead: Portuguese for "pt", Swedish
for "sv-SE", English (docutils' own fallback) where docutils has nothing.
A DOCUTILS_SETTINGS language_code still wins, as in Pelican.
"""

from __future__ import annotations

from collections import ChainMap

from pelican.readers import RstReader

from ..settings import docutils_language
from .pelican_seams import reader_class, use_reader


class LocalisedRstReader(RstReader):
    def __init__(self, settings):
        # A live view of the settings with only the language docutils reads in.
        super().__init__(ChainMap({"DEFAULT_LANG": docutils_language(settings.get("DEFAULT_LANG"))}, settings))


def use_docutils_language(readers) -> None:
    """readers_init: Pelican's reST reader becomes this one, unless READERS
    names another reader for .rst or none (docutils missing: none is there)."""
    if reader_class(readers, "rst") is RstReader:
        use_reader(readers, "rst", LocalisedRstReader)
