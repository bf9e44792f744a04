"""Invented clusters in Japanese, Chinese, Korean and Arabic, written as
Google News top stories feeds, for benchmarks/identity.py: the real feeds
in ../shared/feeds have clusters in English, Swedish, French and
Portuguese only. Stories and outlets are fictional. Each language has
events of one kind told apart by place (two earthquakes, two rate
decisions), the hard case for headline likeness.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from feedmaker import Item, Related, feed_xml

T0 = datetime(2026, 5, 20, 12, tzinfo=timezone.utc)

# language -> (hl, events); an event is its articles as (headline, outlet), lead first.
CLUSTERS: dict[str, tuple[str, list[list[tuple[str, str]]]]] = {
    "ja": ("ja", [
        [("東京湾の新しい橋が開通 渋滞緩和に期待", "東都新聞"),
         ("東京湾横断の新橋、きょう開通 式典に知事ら出席", "北辰テレビ"),
         ("新橋開通で東京湾岸の通勤時間短縮へ", "みなと経済新報"),
         ("東京湾に新たな橋 10年がかりの工事終え開通", "港北日報")],
        [("日銀、政策金利を据え置き 物価動向を見極め", "みなと経済新報"),
         ("日銀が金融政策決定会合 金利据え置きを決定", "東都新聞"),
         ("日銀総裁「賃上げの動き注視」 金利は据え置き", "北辰テレビ")],
        [("北海道東部で震度5強 津波の心配なし", "北辰テレビ"),
         ("北海道で震度5強の地震 けが人の情報なし", "東都新聞"),
         ("釧路で震度5強 北海道の鉄道が一部運転見合わせ", "港北日報")],
        [("熊本県で震度4の地震 被害の報告なし", "港北日報"),
         ("九州・熊本で震度4 新幹線に遅れ", "東都新聞")],
        [("米FRB、利下げを見送り インフレ警戒続く", "みなと経済新報"),
         ("FRBが政策金利据え置き 利下げは年後半か", "東都新聞"),
         ("米連邦準備制度理事会 利下げ見送りを決定", "北辰テレビ")],
        [("プロ野球が開幕 満員の球場に歓声", "北辰テレビ"),
         ("プロ野球開幕戦 各地で熱戦", "港北日報")],
        [("新型ロケット「あさかぜ」3号機、打ち上げ成功 衛星を軌道に", "東都新聞"),
         ("あさかぜ3号機 打ち上げに成功", "北辰テレビ"),
         ("国産新型ロケット打ち上げ成功 商業受注に弾み", "みなと経済新報")],
    ]),
    "zh": ("zh-CN", [
        [("跨海大桥今日正式通车 两地车程缩短至半小时", "东方日报"),
         ("历时八年建设 跨海大桥正式通车", "华南新闻网"),
         ("跨海大桥通车首日车流量创新高", "北辰财经")],
        [("央行宣布维持基准利率不变", "北辰财经"),
         ("央行按兵不动 基准利率保持不变", "东方日报"),
         ("央行维持利率 市场预期下半年降息", "华南新闻网")],
        [("四川发生5.8级地震 暂无人员伤亡报告", "华南新闻网"),
         ("四川5.8级地震 多地震感强烈", "东方日报"),
         ("四川地震后铁路部分停运", "新京晚报")],
        [("云南发生4.5级地震", "新京晚报"),
         ("云南4.5级地震 暂无损失报告", "东方日报")],
        [("前五个月电动汽车出口同比增长三成", "北辰财经"),
         ("电动汽车出口强劲增长 欧洲市场需求旺盛", "华南新闻网"),
         ("电动车出口增长三成 企业加快海外布局", "东方日报")],
        [("国家队两球击败对手 晋级亚洲杯八强", "新京晚报"),
         ("亚洲杯：国家队晋级八强", "东方日报")],
    ]),
    "ko": ("ko", [
        [('김민수 "호남 반도체 팹 증설도 구상"', "한빛일보"),
         ("김민수, 호남 반도체 팹 증설 구상 밝혀", "동해신문"),
         ('김민수 의원 "호남에 반도체 클러스터…팹 증설 검토"', "서울경제타임즈")],
        [("한국은행, 기준금리 연 3.25% 동결", "서울경제타임즈"),
         ('한은 기준금리 동결…"물가 흐름 지켜볼 것"', "한빛일보"),
         ("기준금리 3.25% 동결 결정", "동해신문")],
        [("경북 경주서 규모 4.2 지진…피해 신고 없어", "동해신문"),
         ("경주 규모 4.2 지진 발생", "한빛일보"),
         ('경북 경주 지진에 원전 "이상 없음"', "서울경제타임즈")],
        [("제주 해역서 규모 3.1 지진", "한빛일보"),
         ("제주 서쪽 바다 규모 3.1 지진…피해 없어", "남도뉴스")],
        [("5월 반도체 수출 역대 최대", "서울경제타임즈"),
         ("반도체 수출 사상 최대…AI 수요 덕분", "동해신문"),
         ("반도체 수출 역대 최대 기록", "남도뉴스")],
        [("국회, 내년도 예산안 처리 지연", "남도뉴스"),
         ("여야 대립에 예산안 처리 또 지연", "한빛일보")],
    ]),
    "ar": ("ar", [
        [("البرلمان يقر ميزانية جديدة للتعليم", "صحيفة الأفق"),
         ("إقرار ميزانية التعليم في البرلمان بأغلبية كبيرة", "وكالة النهار للأنباء"),
         ("ميزانية التعليم الجديدة تحصل على موافقة البرلمان", "قناة المدار")],
        [("افتتاح أكبر محطة للطاقة الشمسية في المنطقة", "قناة المدار"),
         ("تدشين محطة الطاقة الشمسية الأكبر في المنطقة", "صحيفة الأفق"),
         ("محطة الطاقة الشمسية الجديدة تبدأ الإنتاج", "وكالة النهار للأنباء")],
        [("منتخب الشباب يتأهل إلى نهائي البطولة", "وكالة النهار للأنباء"),
         ("منتخب الشباب إلى النهائي بعد فوز مثير", "قناة المدار"),
         ("تأهل منتخب الشباب لنهائي البطولة العربية", "صحيفة الأفق")],
        [("زلزال بقوة 5 درجات يضرب شمال المغرب", "قناة المدار"),
         ("هزة أرضية بقوة 5 درجات في شمال المغرب", "صحيفة الأفق")],
        [("زلزال بقوة 4 درجات يضرب جنوب تركيا", "وكالة النهار للأنباء"),
         ("تركيا: زلزال بقوة 4 درجات دون أضرار", "صحيفة الغد")],
        [("أسعار النفط ترتفع بعد قرار أوبك خفض الإنتاج", "صحيفة الغد"),
         ("النفط يقفز بعد خفض أوبك للإنتاج", "قناة المدار"),
         ("ارتفاع أسعار النفط عقب قرار أوبك", "وكالة النهار للأنباء")],
    ]),
}


def write_feed(language: str, path: Path) -> Path:
    """The language's events as a top stories feed: one clustered item each,
    an hour apart."""
    hl, events = CLUSTERS[language]
    gl = {"ja": "JP", "zh-CN": "CN", "ko": "KR", "ar": "EG"}[hl]
    items = []
    for n, articles in enumerate(events):
        (headline, outlet), *others = articles
        items.append(Item(headline, outlet, f"https://{outlet}.example", _stable_url(outlet, n, 0),
                          T0 - timedelta(hours=n),
                          [Related(h, o, _stable_url(o, n, k)) for k, (h, o) in enumerate(others, 1)]))
    lang = hl.split("-")[0]
    path.write_text(feed_xml("Top stories - Google News",
                             f"https://news.google.com/topstories?hl={hl}&gl={gl}&ceid={gl}:{lang}",
                             hl, items), encoding="utf-8")
    return path


def _stable_url(outlet: str, n: int, k: int) -> str:
    # The outlet's name spelt in code points: stable across runs (hash() is not).
    return f"https://o{'-'.join(f'{ord(c):x}' for c in outlet[:4])}.example/{n}/{k}"
