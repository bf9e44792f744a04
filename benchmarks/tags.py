"""How good the tags are, before and after the tagger of tags.py.

The corpus: the real feeds in ../shared/feeds (English: top stories, a
search feed, a legacy topic feed), the invented sample feeds in
samples/feeds (English, German, Arabic, Japanese), and three invented here
in Google News's format: Chinese (Taiwan), Korean, and an English search
feed whose query is in most headlines. Each
story is tagged as a sync tags it: its headline, its cluster's other
headlines, the feed's language and, after, the run's Vocabulary. "Before"
is the tagger as it was (benchmarks/tags_before.py, kept verbatim).

Three figures, over all the corpus's tags:

* **whole**: the share of tags that are whole words or names. A tag is
  whole when it starts and ends on a word boundary of its headline (for
  Japanese, Chinese and Korean, on a boundary of the language's segmenter,
  and not ending in a particle or verb ending) and is not one word of a
  longer capitalised name ("sea" of "Red Sea").
* **shared**: the share of tag pages (tags of one feed group, as one site
  would have them) that hold at least 2 stories.
* **top share**: the largest share of one feed's stories that its most
  common tag holds.

Used by tests/test_tags.py; on its own (`--write` puts the figures in
BENCHMARKS.md, in place of its "Tags" section):

    python benchmarks/tags.py [--write]
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

import tags_before  # noqa: E402
from feedmaker import Item, Related, feed_xml  # noqa: E402

from pelican_gnews.ingest import segment  # noqa: E402
from pelican_gnews.ingest.parse import parse_feed  # noqa: E402
from pelican_gnews.ingest.tags import Vocabulary, make_tags  # noqa: E402

SHARED_FEEDS = ROOT.parent / "shared" / "feeds"
CORPUS_FOLDERS = (SHARED_FEEDS, ROOT / "samples" / "feeds")


# Invented stories: (headline, outlet, [(related headline, outlet)...]).
INVENTED = {
    ("zh_TW_top_invented.xml", "zh-TW"): [
        ("立法院三讀通過能源轉型條例 再生能源占比目標提高", "中央通訊社",
         [("能源轉型條例三讀 再生能源目標上修", "聯合新聞網"), ("立法院通過能源轉型條例", "自由時報")]),
        ("颱風凱米逼近 氣象署發布海上警報", "聯合新聞網", [("凱米颱風海上警報發布", "中央通訊社")]),
        ("台積電高雄新廠量產 半導體供應鏈擴大", "經濟日報", [("台積電高雄廠開始量產", "工商時報")]),
        ("總統出訪友邦 外交部證實行程", "自由時報", []),
        ("颱風凱米影響 多縣市宣布停班停課", "中央通訊社", [("凱米來襲 停班停課一覽", "聯合新聞網")]),
        ("半導體出口創新高 經濟部看好全年成長", "工商時報", []),
        ("台北捷運新路線試營運 市民搶先體驗", "自由時報", []),
        ("衛福部宣布流感疫苗開打 長者優先接種", "中央通訊社", []),
    ],
    ("ko_top_invented.xml", "ko"): [
        ("국회, 반도체특별법 본회의 통과…주52시간 예외 포함", "연합뉴스",
         [("반도체특별법 국회 통과", "조선일보"), ("반도체특별법 본회의 가결", "한겨레")]),
        ("서울시, 지하철 요금 인상 확정…다음달부터 적용", "조선일보", [("지하철 요금 다음달 인상", "연합뉴스")]),
        ("태풍 북상에 제주공항 항공편 무더기 결항", "한겨레", [("제주공항 결항 속출", "뉴시스")]),
        ("삼성전자, 인공지능 반도체 신제품 공개", "한국경제", []),
        ("정부, 의대 정원 조정안 발표…의료계 반발", "연합뉴스", [("의대 정원 조정안에 의료계 반발", "조선일보")]),
        ("프로야구 개막전 전 구장 매진", "스포츠조선", []),
        ("한국은행, 기준금리 동결…물가 상승 우려", "한국경제", [("기준금리 동결 결정", "연합뉴스")]),
        ("태풍 영향으로 남부지방 호우 특보", "뉴시스", []),
    ],
    ("en_US_search_invented.xml", "en-US"): [
        (f"National monuments review: {place} {thing}", outlet, [])
        for place, thing, outlet in [
            ("Utah", "tribes push back on Bears Ears cuts", "Desert News Daily"),
            ("Nevada", "Gold Butte ranchers weigh in", "Basin Courier"),
            ("Maine", "Katahdin woods see record visitors", "Pine Tree Ledger"),
            ("Oregon", "Cascade-Siskiyou logging plan paused", "Valley Herald"),
            ("New Mexico", "Rio Grande del Norte hearing set", "Mesa Tribune"),
            ("Arizona", "Grand Canyon uranium ban upheld", "Canyon State Wire"),
            ("California", "Sand to Snow boundary survey begins", "Coast Gazette"),
            ("Montana", "Upper Missouri Breaks grazing rules eased", "Big Sky Post"),
            ("Idaho", "Craters of the Moon expansion studied", "Snake River Times"),
            ("Colorado", "Camp Hale anniversary draws crowds", "Front Range Daily"),
        ]
    ],
}


def _invented_feed(name: str, language: str, stories) -> bytes:
    from datetime import datetime, timedelta, timezone  # noqa: PLC0415

    start = datetime(2026, 3, 2, 6, tzinfo=timezone.utc)
    items = []
    for n, (headline, outlet, related) in enumerate(stories):
        host = f"https://news{n}.example"
        items.append(Item(headline, outlet, host, f"{host}/a/{n}", start - timedelta(minutes=20 * n),
                          related=[Related(headline, outlet, f"{host}/a/{n}")]
                          + [Related(h, o, f"https://other{n}-{k}.example/a") for k, (h, o) in enumerate(related)]
                          if related else []))
    return feed_xml(f"{name} - Google News", "https://news.google.com/", language, items).encode("utf-8")


def corpus() -> list[tuple[str, object]]:
    found = [(name, parse_feed(_invented_feed(name, language, stories), name))
             for (name, language), stories in INVENTED.items()]
    for folder in CORPUS_FOLDERS:
        for path in sorted(folder.glob("*.xml")) if folder.is_dir() else []:
            found.append((path.name, parse_feed(path.read_bytes(), path.name)))
    return found


def _boundaries(headline: str, language: str) -> tuple[set[int], set[int]]:
    """Character offsets where words start and end, and where a particle or
    ending starts (a tag must not end inside one)."""
    primary = (language or "en").split("-")[0]
    starts, ends = set(), set()
    if primary == "ja":
        offset = 0
        for token in segment._janome().tokenize(headline):
            starts.add(offset)
            offset += len(token.surface)
            if token.part_of_speech.split(",")[0] not in ("助詞", "助動詞"):
                ends.add(offset)
    elif primary == "ko":
        for token in segment._kiwi().tokenize(headline):
            starts.add(token.start)
            if not token.tag.startswith(("J", "E", "X")):
                ends.add(token.start + token.len)
    elif primary == "zh":
        offset = 0
        for word in segment.chinese_words(headline):
            starts.add(offset)
            offset += len(word)
            ends.add(offset)
    else:
        for match in re.finditer(r"[^\W_]+(?:[.-][^\W_]+)*", headline):
            starts.add(match.start())
            ends.add(match.end())
    return starts, ends


def _names(headline: str) -> list[tuple[int, int]]:
    """Spans of capitalised runs of two words or more, mid-headline or not;
    none in a headline in title case, where capitals mark no name."""
    letters = [w for w in re.findall(r"[^\W\d_][\w’'-]*", headline)]
    if len(letters) >= 4 and sum(w[:1].isupper() for w in letters) >= 0.7 * len(letters):
        return []
    return [(m.start(), m.end()) for m in re.finditer(r"\b[A-Z][\w-]*(?: [A-Z][\w-]*)+", headline)]


def is_whole(tag: str, headline: str, language: str) -> bool:
    starts, ends = _boundaries(headline, language)
    lowered = headline.lower()
    position = lowered.find(tag.lower())
    while position >= 0:
        end = position + len(tag)
        if position in starts and end in ends:
            inside = [span for span in _names(headline)
                      if span[0] <= position and end <= span[1] and (span[0], span[1]) != (position, end)]
            if not inside:
                return True
        position = lowered.find(tag.lower(), position + 1)
    return False


def tag_corpus(after: bool) -> list[tuple[str, str, str, list[str]]]:
    """(feed, headline, language, tags) of every story of the corpus."""
    out = []
    for name, feed in corpus():
        language = feed.language or "en"
        vocabulary = Vocabulary()
        vocabulary.add_feed([(s.headline, s.outlet) for s in feed.stories], language)
        for story in feed.stories:
            others = [e.headline for e in story.coverage if e.link != story.link and e.headline != story.headline]
            if after:
                tags = make_tags(story.headline, outlet=story.outlet, others=others, language=language,
                                 vocabulary=vocabulary)
            else:
                tags = tags_before.make_tags(story.headline, outlet=story.outlet, others=others,
                                             language=language)
            out.append((name, story.headline, language, tags))
    return out


def figures(after: bool) -> dict[str, float]:
    tagged = tag_corpus(after)
    all_tags = [(tag, headline, language) for _, headline, language, tags in tagged for tag in tags]
    whole = sum(is_whole(t, h, lang) for t, h, lang in all_tags) / max(1, len(all_tags))
    pages: dict[str, Counter] = defaultdict(Counter)
    per_feed: dict[str, Counter] = defaultdict(Counter)
    stories: Counter = Counter()
    for name, _, language, tags in tagged:
        stories[name] += 1
        for tag in {t.lower() for t in tags}:
            pages[language.split("-")[0]][tag] += 1
            per_feed[name][tag] += 1
    counts = [n for site in pages.values() for n in site.values()]
    shared = sum(n >= 2 for n in counts) / max(1, len(counts))
    top = max((max(c.values()) / stories[name] for name, c in per_feed.items() if c and stories[name] >= 8),
              default=0.0)
    return {"stories": len(tagged), "tags": len(all_tags), "whole": whole, "shared": shared, "top share": top}


def report() -> str:
    before, after = figures(False), figures(True)
    lines = [f"{len(corpus())} feeds, {after['stories']} stories:", "",
             "| tagger | tags | whole words or names | tag pages with 2+ stories | most common tag's share of a feed |",
             "|---|---:|---:|---:|---:|"]
    for label, f in (("before", before), ("after", after)):
        lines.append(f"| {label} | {f['tags']} | {f['whole']:.3f} | {f['shared']:.3f} | {f['top share']:.3f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    table = report()
    print(table)
    if "--write" in sys.argv[1:]:
        from run import write_section  # noqa: PLC0415

        write_section(ROOT / "BENCHMARKS.md", "## Tags\n\nMeasured by `python benchmarks/tags.py --write`: "
                      "the tags of the real feeds in ../shared/feeds and the invented samples, before and "
                      "after the tagger learnt names, nouns and segmentation (see README, \"Tags\").\n\n"
                      + table + "\n")
