"""Write the bundled sample feeds (samples/feeds/*.xml) from invented stories.

    python tests/make_samples.py

The stories and outlets are fictional; the format is Google News's own (see
feedmaker.py). tests/test_samples.py checks the committed files match this.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feedmaker import Item, Related, feed_xml, topic_link

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "samples" / "feeds"
T0 = datetime(2026, 1, 12, 9, 0, tzinfo=timezone.utc)

OUTLETS = {
    "Harbor Ledger": "https://www.harborledger.example",
    "Northfield Tribune": "https://northfieldtribune.example",
    "Meridian Post": "https://www.meridianpost.example",
    "Coastal Wire": "https://coastalwire.example",
    "Granite Times": "https://www.granitetimes.example",
    "The Continental": "https://thecontinental.example",
    "Open Circuit": "https://opencircuit.example",
    "Byte Review": "https://www.bytereview.example",
    "Lab Notes Weekly": "https://labnotesweekly.example",
    "Stellar Observer": "https://stellarobserver.example",
    "Berliner Morgenblatt": "https://www.morgenblatt.example",
    "Rheinische Rundschau": "https://rundschau-rhein.example",
    "Handelsblatt Nord": "https://handelsblatt-nord.example",
    "Wirtschaftswoche Süd": "https://wiwo-sued.example",
    "صحيفة الأفق": "https://alufuq.example",
    "وكالة النهار للأنباء": "https://annahar-news.example",
    "قناة المدار": "https://almadar-tv.example",
    "東都新聞": "https://www.toto-shimbun.example",
    "みなと経済新報": "https://minato-keizai.example",
    "北辰テレビ": "https://hokushin-tv.example",
}


def url(outlet: str, slug: str) -> str:
    return f"{OUTLETS[outlet]}/{slug}"


def item(hours, headline, outlet, related=(), full=""):
    """One story: `related` is a list of (headline, outlet) pairs."""
    slug = "-".join(headline.lower().split()[:6]).strip(".,:;'\"")
    return Item(
        headline=headline,
        outlet=outlet,
        outlet_url=OUTLETS[outlet],
        url=url(outlet, slug),
        published=T0 - timedelta(hours=hours),
        related=[Related(h, o, url(o, "-".join(h.lower().split()[:6]))) for h, o in related],
        full_coverage=(f"https://news.google.com/stories/{full}?hl=en-US&gl=US&ceid=US:en" if full else ""),
    )


WORLD = [
    item(1, "Delegates agree river treaty after all-night talks in Geneva", "Harbor Ledger", [
        ("River treaty signed as delegates emerge from Geneva talks", "Northfield Tribune"),
        ("What the Geneva river treaty means for farmers downstream", "Meridian Post"),
        ("Geneva talks: treaty caps dam releases during drought", "Coastal Wire"),
    ], full="CAAqNggKIjBDQklTSGpvSmMzUnZjbmt0TXpZd1NoRUtEd2pudXZpd0R4RTlRaDlDWU1tRk9pZ0FQAQ"),
    item(2, "Port workers end strike as wage deal is approved", "Coastal Wire", [
        ("Strike over: port wage deal approved by members", "Granite Times"),
        ("Ports reopen after workers approve wage deal", "Harbor Ledger"),
    ]),
    item(3, "Snowstorm closes mountain passes across the Alps", "The Continental", [
        ("Alpine passes shut as snowstorm strands drivers", "Meridian Post"),
    ]),
    item(5, "Island nation holds snap election after coalition collapse", "Meridian Post", [
        ("Coalition collapse triggers snap election on the island", "Northfield Tribune"),
        ("Snap election: what voters need to know", "The Continental"),
        ("Island election campaign opens with coalition blame", "Harbor Ledger"),
        ("Opposition leads early polls in island snap election", "Coastal Wire"),
    ], full="CAAqNggKIjBDQklTSGpvSmMzUnZjbmt0TXpZd1NoRUtEd2p1OXZpd0R4RkxzUHBNS2JjT2VpZ0FQAQ"),
    item(6, "Museum returns 300 artefacts to their country of origin", "Granite Times"),
    item(8, "Ceasefire holds for a third day along the northern border", "Northfield Tribune", [
        ("Northern border ceasefire enters third day", "Harbor Ledger"),
        ("Monitors report ceasefire largely holding", "The Continental"),
    ]),
    item(9, "\"We can't wait\": mayors call for flood defences funding", "Harbor Ledger", [
        ("Mayors demand flood defences money before spring", "Granite Times"),
    ]),
    item(11, "Rail link between the two capitals reopens after 20 years", "The Continental",
         full="CAAqNggKIjBDQklTSGpvSmMzUnZjbmt0TXpZd1NoRUtEd2pSNnZpd0R4RTFtNlZvS2pLVWRpZ0FQAQ"),
]

TECHNOLOGY = [
    item(1, "Open-source browser engine passes major web standards test", "Open Circuit", [
        ("Browser engine clears web standards test suite", "Byte Review"),
        ("Why the open browser engine's standards score matters", "Meridian Post"),
    ]),
    item(2, "Chipmaker delays new factory as demand cools", "Byte Review", [
        ("New chip factory pushed back a year", "Granite Times"),
        ("Chip demand slowdown hits factory plans", "Open Circuit"),
        ("Chipmaker: factory delay will not affect supply", "Harbor Ledger"),
    ]),
    item(4, "Regulators fine app store over payment rules", "Meridian Post", [
        ("App store fined for blocking rival payment systems", "Open Circuit"),
    ]),
    item(7, "Satellite internet reaches remote mountain schools", "Coastal Wire"),
    item(10, "Password managers: what the latest breach means for users", "Open Circuit", [
        ("Password manager breach: change your master password", "Byte Review"),
        ("Breach at password manager exposes encrypted vaults", "Northfield Tribune"),
    ]),
    item(13, "Robot lawnmowers recalled over blade fault", "Byte Review"),
]

SCIENCE = [
    item(2, "Telescope spots water vapour on a distant rocky planet", "Stellar Observer", [
        ("Water vapour found in rocky planet's atmosphere", "Lab Notes Weekly"),
        ("Rocky exoplanet has water vapour, telescope data show", "Meridian Post"),
        ("Astronomers detect water on rocky world 40 light years away", "Harbor Ledger"),
    ]),
    item(4, "Ancient forest found preserved under glacier", "Lab Notes Weekly", [
        ("Glacier retreat reveals ancient preserved forest", "Northfield Tribune"),
    ]),
    item(6, "Bee populations recover in meadow restoration trial", "Lab Notes Weekly"),
    item(9, "New battery chemistry survives 10,000 charge cycles", "Stellar Observer", [
        ("Battery chemistry breakthrough: 10,000 cycles in lab tests", "Byte Review"),
        ("Long-life battery chemistry could cut grid storage costs", "Granite Times"),
    ]),
    item(12, "Deep-sea survey finds 30 new species", "Meridian Post", [
        ("Thirty new deep-sea species found in survey", "Stellar Observer"),
    ]),
]

WIRTSCHAFT = [
    item(1, "Exporte steigen im Dezember überraschend stark", "Handelsblatt Nord", [
        ("Deutsche Exporte legen im Dezember kräftig zu", "Berliner Morgenblatt"),
        ("Exportplus im Dezember: Maschinenbau vorn", "Rheinische Rundschau"),
    ]),
    item(3, "Bahn bestellt hundert neue Regionalzüge", "Berliner Morgenblatt", [
        ("Hundert neue Regionalzüge für die Bahn", "Wirtschaftswoche Süd"),
    ]),
    item(5, "Mittelstand klagt über Fachkräftemangel", "Rheinische Rundschau"),
    item(8, "Zinsentscheidung: Notenbank lässt Leitzins unverändert", "Wirtschaftswoche Süd", [
        ("Leitzins bleibt unverändert: Notenbank wartet ab", "Handelsblatt Nord"),
        ("Notenbank: Inflation sinkt langsamer als erwartet", "Berliner Morgenblatt"),
    ]),
]

ALAM = [
    item(2, "البرلمان يقر ميزانية جديدة للتعليم", "صحيفة الأفق", [
        ("الميزانية الجديدة تزيد رواتب المعلمين", "وكالة النهار للأنباء"),
        ("التعليم يحصل على أكبر حصة في الميزانية", "قناة المدار"),
    ]),
    item(4, "افتتاح أكبر محطة للطاقة الشمسية في المنطقة", "قناة المدار"),
    item(7, "منتخب الشباب يتأهل إلى نهائي البطولة", "وكالة النهار للأنباء", [
        ("الشباب في النهائي بعد فوز مثير", "صحيفة الأفق"),
    ]),
]

TOP_JA = [
    item(1, "国際宇宙ステーションへの補給船、打ち上げに成功", "東都新聞", [
        ("補給船の打ち上げ成功　物資３トンを運ぶ", "北辰テレビ"),
        ("宇宙ステーション補給船、軌道に到達", "みなと経済新報"),
    ]),
    item(3, "東京湾の新しい橋、来月開通へ", "北辰テレビ", [
        ("湾岸の新橋、開通日が決定", "東都新聞"),
    ]),
    item(6, "円相場、一時１ドル＝１４０円台に", "みなと経済新報"),
]

FEEDS = {
    "world.xml": ("World - Latest - Google News",
                  topic_link("CAAqJggKIiBDQkFTRWdvSUwyMHZNRGx1YlY4U0FtVnVHZ0pWVXlnQVAB"), "en-US", WORLD),
    "technology.xml": ("Technology - Latest - Google News",
                       topic_link("CAAqJggKIiBDQkFTRWdvSUwyMHZNRGRqTVhZU0FtVnVHZ0pWVXlnQVAB"), "en-US", TECHNOLOGY),
    "science.xml": ("Science - Latest - Google News",
                    topic_link("CAAqJggKIiBDQkFTRWdvSUwyMHZNRFp0Y1RjU0FtVnVHZ0pWVXlnQVAB"), "en-US", SCIENCE),
    "wirtschaft_de.xml": ("Wirtschaft - Neueste - Google News",
                          topic_link("CAAqJggKIiBDQkFTRWdvSUwyMHZNRGx6TVdZU0FtUmxHZ0pFUlNnQVAB", "de", "DE"),
                          "de", WIRTSCHAFT),
    "alam_ar.xml": ("العالم - الأحدث - Google News",
                    topic_link("CAAqJggKIiBDQkFTRWdvSUwyMHZNRGx1YlY4U0FtRnlHZ0pGUnlnQVAB", "ar", "EG"),
                    "ar", ALAM),
    "top_ja.xml": ("トップニュース - Google ニュース", "https://news.google.com/?hl=ja&gl=JP&ceid=JP:ja", "ja",
                   TOP_JA),
}


def render_all() -> dict[str, str]:
    return {name: feed_xml(title, link, lang, items, built=T0)
            for name, (title, link, lang, items) in FEEDS.items()}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in render_all().items():
        (OUT / name).write_text(text, encoding="utf-8")
        print("wrote", OUT / name)


if __name__ == "__main__":
    main()
