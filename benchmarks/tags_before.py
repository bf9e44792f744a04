"""The tagger before the tags of ingest/tags.py learnt names, nouns and
segmentation: its make_tags as it was, kept as the baseline of
benchmarks/tags.py. The helpers it used (stopwords, words, _acceptable,
_related) are unchanged in ingest/tags.py and imported from there.
"""

from __future__ import annotations

from pelican_gnews.ingest.tags import _acceptable, _related, stopwords_for, words


def make_tags(
    headline: str,
    *,
    outlet: str = "",
    others: list[str] | tuple[str, ...] = (),
    language: str = "en",
    limit: int = 5,
) -> list[str]:
    """Up to `limit` lower-case keywords for a headline.

    `others` are the other headlines of the story's cluster; a word they
    repeat ranks higher, and so does a name (capitalised mid-sentence, or
    capitalised in another headline too). Ties go to longer words, which are
    the more specific ones, then to the earlier.
    """
    if limit <= 0:
        return []
    stop = stopwords_for(language)
    excluded = {n for _, n in words(outlet)} | {outlet.lower()}
    # Each other headline tokenised once, its words grouped by their first
    # four letters: only those can be the same word or an inflection of it.
    other_words: list[dict[str, set[str]]] = []
    capitalised_elsewhere: dict[str, set[str]] = {}
    for other in others:
        grouped: dict[str, set[str]] = {}
        for original, normal in words(other):
            grouped.setdefault(normal[:4], set()).add(normal)
            if original[:1].isupper():
                capitalised_elsewhere.setdefault(normal[:4], set()).add(normal)
        other_words.append(grouped)

    def found_in(normal: str, grouped: dict[str, set[str]]) -> bool:
        return any(_related(normal, w) for w in grouped.get(normal[:4], ()))

    scored: dict[str, tuple[int, int, int]] = {}
    for position, (original, normal) in enumerate(words(headline)):
        if normal in scored or not _acceptable(normal, stop, excluded):
            continue
        repeats = sum(found_in(normal, grouped) for grouped in other_words)
        is_name = original[:1].isupper() and (position > 0 or found_in(normal, capitalised_elsewhere))
        scored[normal] = (2 * repeats + int(is_name), len(normal), -position)
    ranked = sorted(scored, key=lambda w: scored[w], reverse=True)
    # Two spellings of one word (zelensky, zelenskyy) make one tag.
    chosen: list[str] = []
    for word in ranked:
        if not any(_related(word, c) for c in chosen):
            chosen.append(word)
        if len(chosen) == limit:
            break
    return chosen
