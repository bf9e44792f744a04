"""The English word classes the tagger looks up (wordclass.py): for each
word, the parts of speech it can have ("reduces": VERB; "shows": NOUN and
VERB), and which adjectives have a comparative (white, whiter).

The table, pelican_gnews/data/english-wordclass.txt.gz, is made from
lemminflect's dictionary by scripts/make-english-lexicon. One line per set
of classes, its words after a tab; the last line lists the gradable
adjectives. It loads once, on the first English word.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

LEXICON = Path(__file__).resolve().parent.parent / "data" / "english-wordclass.txt.gz"
_GRADABLE = "GRADABLE"


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    classes: dict[str, frozenset[str]] = {}
    gradable: frozenset[str] = frozenset()
    with gzip.open(LEXICON, "rt", encoding="utf-8") as lines:
        for line in lines:
            key, _, words = line.rstrip("\n").partition("\t")
            if key == _GRADABLE:
                gradable = frozenset(words.split())
                continue
            kinds = frozenset(key.split(","))
            classes.update(dict.fromkeys(words.split(), kinds))
    return classes, gradable


def word_classes(word: str) -> frozenset[str]:
    """The universal parts of speech `word` can have (NOUN, VERB, ADJ, ADV,
    AUX); empty for a word the dictionary lacks."""
    return _table()[0].get(word.lower(), frozenset())


def gradable(word: str) -> bool:
    return word.lower() in _table()[1]


def write_table(path: Path, classes: dict[str, set[str]], gradable_words: set[str]) -> None:
    """The table's file, the same bytes for the same dictionary."""
    groups: dict[str, list[str]] = {}
    for word in sorted(classes):
        if classes[word] and _one_word(word):
            groups.setdefault(",".join(sorted(classes[word])), []).append(word)
    lines = [f"{key}\t{' '.join(words)}" for key, words in sorted(groups.items())]
    lines.append(f"{_GRADABLE}\t{' '.join(sorted(filter(_one_word, gradable_words)))}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=9, mtime=0))


def _one_word(entry: str) -> bool:
    """Phrases ("set off") are left out: headlines are looked up a word at a time."""
    return not any(c.isspace() for c in entry)
