"""The English word-class table ships made from lemminflect's dictionary;
it must be what scripts/make-english-lexicon makes from the installed one
(the test extra installs lemminflect), byte for byte."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

from pelican_gnews.ingest.english_lexicon import LEXICON, gradable, word_classes


@pytest.mark.slow
def test_the_shipped_table_is_the_one_the_script_makes(tmp_path):
    made = tmp_path / "table.txt.gz"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "make-english-lexicon"), str(made)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert made.read_bytes() == LEXICON.read_bytes(), (
        "pelican_gnews/data/english-wordclass.txt.gz is stale: run scripts/make-english-lexicon")


def test_lookups_answer_as_lemminflect_does():
    import lemminflect

    for word in ["reduces", "Shows", "white", "satellite", "off", "house", "setting", "Boeing", "xyzzy"]:
        assert word_classes(word) == frozenset(lemminflect.getAllLemmas(word)), word
        assert gradable(word) == ("JJR" in lemminflect.getAllInflections(word, upos="ADJ")), word
