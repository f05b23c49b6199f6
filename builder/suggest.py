"""Suggesting: companies the articles report on that the taxonomy lacks, ranked by how many
articles name them, with a context line each and ready-to-paste YAML (`check --suggest`).

Chinese: names beside stock codes, names ending in a company word, items of enumerations with
known companies, bare names a clause starts with before a company verb (X宣布, X董事长, X旗下),
parties of deals (与X签署) and short names (（以下简称“X”）). Latin: legal forms, names the text
calls companies, and names an article repeats as the subject of a company verb (X said, X hat
… bekannt gegeben). Never pieces of sentences, people, places or public bodies."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .textutil import HAN, slugify

if TYPE_CHECKING:
    from .taxonomy import Taxonomy

# --- Chinese: a short name before a stock code, or a name ending in a company word --------

_CJK = HAN
_ONE_HAN = re.compile(f"[{HAN}]")
_STOCK = re.compile(rf"([{_CJK}A-Za-z*]{{2,12}})\s*[（(]\s*(?:[A-Za-z]{{2,6}}[:：]\s*)?"
                    r"(\d{6}|\d{4,5}\.HK|\d{6}\.(?:SZ|SH|BJ)|[A-Z]{2,5}\.[A-Z]{1,2}|"
                    r"(?:NYSE|NASDAQ|Nasdaq|HK|SZ|SH)[:：]\s*[A-Z0-9.]{2,8})\s*[)）]")
"""宁德时代(300750.SZ), 比亚迪（002594）, 蔚来（NYSE: NIO), 赣锋锂业(01772.HK)."""
_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "股份", "集团", "控股", "科技", "高科",
             "新能源", "能源", "电气", "电力", "锂业", "锂能", "钴业", "矿业", "电池", "动力", "光伏",
             "光电", "储能", "汽车", "材料", "环境", "环保", "实业", "资源", "证券", "基金", "银行",
             "电子", "电源", "重工", "风电", "风能", "氢能", "精密", "硅业", "新材", "纳米", "电缆",
             "化工", "钨业", "钢铁", "石化", "电器", "机电")
_LEGAL_ZH = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|公司)$")
_ZH_NAME = re.compile(rf"[{_CJK}]{{2,6}}(?:{'|'.join(_SUFFIXES)})(?:股份有限公司|有限公司)?")
_MERGE = ("股份有限公司", "有限责任公司", "有限公司", "公司", "集团", "股份", "控股")
_ZH_CUE_AFTER = re.compile(
    r"\s*(?:股份有限公司|有限责任公司|有限公司|公司|方面|官方|董事长|总裁|总经理|副总裁|CEO|"
    r"创始人|董事会|表示|宣布|发布|公告|披露|透露|携手|联合|签约|签署|中标|推出|近日|日前|此前|"
    r"旗下|于\d|在\d|今年|去年|\d+年|（以下简称|\(以下简称|（下称|全资|的全资|的子公司|的控股|"
    r"的董事长|的股价|股价|市值|营收|净利润)")
_ZH_CUE_BEFORE = re.compile(r"(?:子公司|旗下|龙头|厂商|企业|公司|合作伙伴|供应商|客户|联合|携手|与|和|及|、)"
                            r"\s*[“\"]?$")
"""Words beside a name that make it a company's (宁德时代董事长, 旗下的…, 与…签约): a
candidate found only by its last word needs one such occurrence."""
_BOUNDARY = set("的与和及在由对向从被把将为于是了等并也称据、，。：；“”‘’（）《》「」【】 \n\t")
"""Characters a company name can follow (punctuation and function words): the candidate
starts right after one of them, never inside a run of text."""
_NOT_IN_NAME = re.compile(r"[的了是将在对为把被和与及等个月年日该本其这那他她它们占于从向以到也又并而"
                          r"或此每某些各多少全第两家]|公司|企业|我们|行业|产业|市场|项目|领域")
"""Characters and words that make a Chinese candidate a fragment (于新能源, 他新能源,
占公司股份, 其他新能源, 国内储能企业)."""
_GENERIC_BASE = frozenset({
    "发展", "布局", "进军", "推动", "加快", "传统", "国内", "国际", "全球", "中国", "相关", "主要",
    "旗下", "上市", "清洁", "可再生", "绿色", "智能", "数字", "新型", "综合", "储能", "光伏",
    "电力", "风电", "新能源", "动力", "锂电", "汽车", "能源", "科技", "材料", "电池", "高科",
    "氢能", "光电", "电气", "电子", "环保", "环境", "实业", "资源", "证券", "基金", "银行",
    "金融", "投资", "控股", "集团", "股份", "大型", "头部", "龙头", "领先", "知名", "海外",
    "欧洲", "美国", "日本", "韩国", "德国", "地方", "民营", "国有", "央企", "国企", "下游",
    "上游", "中游", "整车", "电动", "新兴", "未来", "智慧", "低碳", "零碳", "节能", "先进",
    "创新", "研发", "生产", "制造", "应用", "服务", "技术", "产品", "核心", "关键", "重点",
    "一体化", "规模化", "商业化", "产业化", "数字化", "智能化", "现代", "化学", "电化学",
    "分布式", "集中式", "户用", "工商业", "动力电池", "储能电池", "固态", "钠离子", "磷酸铁锂",
    "三元", "太阳能", "可持续", "高端", "大力", "积极", "持续", "不断", "进一步", "支持",
})
"""Words that with a company word make a phrase, not a name (发展新能源, 全球储能)."""
_GENERIC = frozenset({"股份有限公司", "有限责任公司", "有限公司", "上市公司", "子公司", "母公司",
                      "该公司", "本公司", "这家公司", "清洁能源", "可再生能源", "新能源汽车",
                      "新能源", "传统能源", "化石能源", "绿色能源", "综合能源", "储能电池",
                      "动力电池", "锂电池", "太阳能电池", "光伏电池", "燃料电池", "固态电池",
                      "钠离子电池", "智能汽车", "电动汽车", "新材料", "半导体"})

# --- Latin: legal forms, and capitalised names the text says are companies ---------------

_WORD = r"(?:[A-ZÄÖÜ][\w&'’.-]*|[A-Z0-9]{2,}|&|and|und|de|von|der|of|for|für)"
_LEGAL = (r"GmbH & Co\.? KG|Co\.,? Ltd\.?|Inc\.?|Incorporated|Ltd\.?|Limited|AG|GmbH|SE|plc|PLC|"
          r"Corp\.?|Corporation|LLC|ASA|AB|A/S|N\.V\.|S\.A\.|SpA|S\.p\.A\.|KG|Oyj|Oy")
_LATIN_LEGAL = re.compile(rf"\b([A-ZÄÖÜ][\w&'’.-]*(?:\s{_WORD}){{0,3}}),?\s({_LEGAL})(?![\w])")
_LATIN_NAME = re.compile(r"\b([A-ZÄÖÜ][a-zäöüß]+[A-Z]\w*|[A-ZÄÖÜ][\w&'’-]+(?:\s[A-ZÄÖÜ][\w&'’-]+){1,3}"
                         r"|[A-Z]{3,6})\b")
_COMPANY_CUE = re.compile(
    r"\b(?:company|companies|firm|manufacturer|maker|developer|operator|utility|supplier|"
    r"provider|startup|start-up|consultancy|"
    r"Unternehmen|Firma|Hersteller|Konzern|Energieversorger|Anbieter|Betreiber|Netzbetreiber|"
    r"Start-up|Tochter|Landesenergieversorger)\b", re.I)
"""Words that call the name beside them a company (not CEO or Vorstand: they name people)."""
_NOUNISH = re.compile(r"(?:ung|ungen|heit|keit|schaft|tion|tionen|nisse|ismus|behörde|Euro|"
                      r"Milliarden|Millionen|Pandemie|Diese|Viele|Lokale|Neue|Alle|Einige)$")
_ARTICLES = frozenset({"The", "A", "An", "Die", "Der", "Das", "Den", "Dem", "Des", "Ein", "Eine",
                       "Einer", "In", "Im", "Mit", "Und", "And", "Laut", "Von", "Bei", "For",
                       "Für", "With", "At", "By", "From", "Of", "To", "On", "Am", "Zur", "Zum"})
_LATIN_STOP = frozenset({
    "The", "This", "That", "These", "Those", "In", "On", "At", "For", "With", "From", "And",
    "But", "Our", "Its", "Der", "Die", "Das", "Ein", "Eine", "Im", "Am", "Mit", "Und", "Für",
    "Auch", "Wie", "Was", "Wir", "Sie", "Es", "Bei", "Nach", "Von", "Zum", "Zur", "Mehr",
    "Energie", "Strom", "Österreich", "Europe", "European", "Europa", "China", "Germany",
    "Deutschland", "Austria", "Wien", "Vienna", "January", "February", "March", "April", "May",
    "June", "July", "August", "September", "October", "November", "December", "Januar",
    "Februar", "März", "Juni", "Juli", "Oktober", "Dezember", "EU", "USA", "CEO", "CO2", "PV",
    "GW", "MW", "GWh", "MWh", "kWh", "EV", "EVs", "AI", "KI", "UN", "IEA", "ESG", "NEWS",
    "FAQ", "PDF", "LES", "WRF", "ERA", "MCP", "GIS", "API", "DNA", "GDP", "BIP", "LED",
})


@dataclass
class Suggestion:
    name: str
    """The name as the articles write it most often (the Chinese short name, or the Latin name
    without its legal form)."""
    script: str
    """`zh` or `latin`."""
    articles: set[str] = field(default_factory=set)
    forms: Counter = field(default_factory=Counter)
    """Every way it was written (full names with legal forms, names beside stock codes)."""
    context: str = ""
    cued: bool = False
    """Seen at least once beside a word that makes it a company's (see _ZH_CUE_AFTER)."""
    how: str = ""
    """What found it: `stock code 300750.SZ`, `company word 集团`, `legal form AG`, `named
    as a company`."""

    def slug(self) -> str:
        return slugify(self.name) or "company"

    def yaml(self) -> str:
        aliases = [f for f, _ in self.forms.most_common() if f != self.name]
        lines = [f"  - slug: {self.slug()}"
                 + ("   # from the pinyin: use the company's English name" if self.script == "zh"
                    else "")]
        if self.script == "zh":
            lines += [f"    zh: {self.name}", "    en: ''"]
        else:
            lines += [f"    en: {_quote(self.name)}"]
        if aliases:
            lines.append(f"    aliases: [{', '.join(_quote(a) for a in aliases)}]")
        return "\n".join(lines)


def _quote(text: str) -> str:
    return text if re.fullmatch(r"[\w .&'’-]+", text) and not text[0].isdigit() \
        else "'" + text.replace("'", "''") + "'"


def _sentence(text: str, start: int, end: int, width: int = 110) -> str:
    left = max(text.rfind(ch, 0, start) for ch in "。！？\n!?") + 1
    left = max(left, start - width // 2)
    right = min([i for i in (text.find(ch, end) for ch in "。！？\n") if i >= 0] or [len(text)])
    right = min(right + 1, end + width // 2)
    return " ".join(text[left:right].split())


_ENUMERATION = re.compile(r"[^\s、，。；：:,;！？“”（）()]{2,16}(?:、[^\s、，。；：:,;！？“”（）()]{2,16})+")
_LEAD_IN = set("的与和及在由对向从被把将为于是了并也称据跟同让给如括有")
_ITEM_EDGE = re.compile(r"^(?:如|包括|其中|以及|例如|比如|像|有|是|为|和|及|与)|(?:等\w{0,3})$")


_FIRM_WORDS = ("基金", "证券", "银行", "集团", "股份", "控股", "科技", "高科", "锂业", "锂能", "钴业",
               "矿业", "重工", "实业", "电气", "新材", "硅业", "能源", "材料", "汽车")
_PRODUCT_END = re.compile(r"(?:[液剂膜箔片器机线板管]|技术|系统|集成|设备|产品|业务|方案|EPC|服务)$")


_RANKED = re.compile(r"排名|排行|榜|前[二三四五六七八九十\d]+(?:名|位|强)|TOP ?\d+|中标|入围|入选|获奖|"
                     r"市场份额|市占率|装机量|出货量")
"""Words of a sentence that reports a ranking or winners: every item of its list is reported."""


def _shaped(name: str) -> bool:
    """A name of a firm's word after a specific base (广发基金, 美科硅能源), not a phrase
    (电池正极材料, 源网侧储能)."""
    base = next((name[:-len(x)] for x in _FIRM_WORDS if name.endswith(x)), "")
    return 2 <= len(base) <= 6 and base not in _GENERIC_BASE and not _NOT_IN_NAME.search(name) \
        and not re.search(r"\d", name) \
        and not any(g in base for g in _GENERIC_BASE if len(g) >= 2)


def _listed(text: str, covered: bytearray) -> list[tuple[str, str, int, int, str]]:
    """Items of an enumeration (A、B、C) that names at least two taxonomy companies: the
    others are companies too ("远景动力、多氟多、PEVE、瑞浦能源、捷威动力")."""
    out = []
    for m in _ENUMERATION.finditer(text):
        items, at = [], m.start()
        raws = m.group(0).split("、")
        # The first item starts after the enumeration's last function word (终于跟无锡尚德);
        # the last ends at 等 (天合光能等光伏企业).
        cut = max((i for i, ch in enumerate(raws[0]) if ch in _LEAD_IN), default=-1)
        if cut >= 0:
            at += cut + 1
            raws[0] = raws[0][cut + 1:]
        ends = raws[-1].find("等")
        if ends > 0:
            raws[-1] = raws[-1][:ends + 1]
        count = re.search(r"\d", raws[-1])  # 大成基金8家公募基金公司: the list ends at the count
        if count and count.start() >= 2:
            raws[-1] = raws[-1][:count.start()]
        for raw in raws:
            parts = re.split(r"(?<=[^和及与])(?:和|及|与)(?=[^和及与]{2,})", raw) \
                if len(raw) > 6 else [raw]
            for part in parts:
                start = text.find(part, at)
                at = start + len(part)
                items.append((part, start))
        # Known: an item that is a taxonomy name as a whole (not 联想笔记本电脑).
        known = sum(1 for part, start in items
                    if part and all(covered[start:start + len(_ITEM_EDGE.sub("", part))]))
        # Names with a company word (广发基金、富国基金): two of them count as one known.
        shaped = sum(1 for part, _ in items if _shaped(_ITEM_EDGE.sub("", part)))
        # A ranking or a list of winners needs one known company beside the others.
        left = max(text.rfind(ch, 0, m.start()) for ch in "。！？\n") + 1
        right = min([i for i in (text.find(ch, m.end()) for ch in "。！？\n") if i >= 0]
                    or [len(text)])
        ranked = _RANKED.search(text, left, right) is not None
        if known + shaped // 2 < (1 if ranked or _ITEM_EDGE.search(items[-1][0]) else 2):
            continue
        for part, start in items:
            name = _ITEM_EDGE.sub("", part)
            start += part.find(name) if name else 0
            if not name or any(covered[start:start + len(name)]) or len(name) < 2 \
                    or len(name) > 8 or _NOT_IN_NAME.search(name) or name in _GENERIC \
                    or name in _GENERIC_BASE or re.search(r"\d|[%％]|年|月", name) \
                    or _PRODUCT_END.search(name) or any(
                        name.startswith(g) for g in _GENERIC_BASE if len(g) >= 2):
                continue
            out.append((name, name, start, start + len(name), "listed with known companies"))
    return out


def _zh_candidates(text: str, covered: bytearray) -> list[tuple[str, str, int, int, str]]:
    """(name, full form, start, end, how) for the Chinese names in `text`."""
    out = _listed(text, covered) + _zh_cued(text, covered)
    for m in _STOCK.finditer(text):
        run = m.group(1)
        if not re.fullmatch(rf"[{_CJK}]+", run):
            continue
        # A-share short names are at most four characters: the run's last four, after any
        # boundary character inside it.
        name = run[-4:]
        cut = max((i for i, ch in enumerate(name) if ch in _BOUNDARY), default=-1)
        name = name[cut + 1:]
        if len(name) >= 2 and not _NOT_IN_NAME.search(name) and name not in _GENERIC:
            out.append((name, name, m.start(1) + len(run) - len(name), m.end(1),
                        f"stock code {m.group(2)}"))
    for m in _ZH_NAME.finditer(text):
        full = m.group(0)
        # Every start inside the match where a name could begin: right after a boundary.
        for i in range(0, len(full) - 3):
            at = m.start() + i
            if text[at] in _BOUNDARY or at > 0 and text[at - 1] not in _BOUNDARY \
                    and _ONE_HAN.match(text[at - 1]):
                continue
            form = full[i:]
            name = _LEGAL_ZH.sub("", form)
            base = next((name[:-len(s)] for s in _SUFFIXES if name.endswith(s)), name)
            if len(base) < 2 or _NOT_IN_NAME.search(name) or base in _GENERIC_BASE \
                    or _ZH_NOT_NAME_WORDS.search(name) or any(
                        name.startswith(p) and name[len(p):] in _GENERIC for p in _ZH_PLACES) \
                    or name in _GENERIC or any(name.startswith(g) and len(name) - len(g) <= 2
                                               and name[len(g):] in _SUFFIXES
                                               for g in _GENERIC_BASE):
                continue
            cued = bool(_ZH_CUE_AFTER.match(text, at + len(form))
                        or _ZH_CUE_BEFORE.search(text, max(0, at - 6), at)) \
                and (form != name or not _ZH_CUE_BEFORE.search(text, max(0, at - 6), at)
                     or _ZH_CUE_AFTER.match(text, at + len(form)) is not None)
            out.append((name, form, at, m.end(),
                        f"company word {name[len(base):] or form}" + (" (cued)" if cued else "")))
            break
    return out


# --- Chinese: bare names that the sentence makes a company's subject or party -------------

_ZH_VERB = re.compile(
    r"(?:宣布|发布(?!会)|表示|称(?![为之作])|中标|签约|推出|获得|入选|披露|透露|"
    r"投资(?=\d|约|超|逾|近|建设|兴建|设立|成立)|"
    r"董事长|总裁|CEO|首席执行官|总经理|创始人|旗下|的子公司|的全资子公司|的控股子公司|"
    r"子公司|股价)")
"""Words after a bare name that make it a company's: what it said, won, signed, launched, its
chairman, its subsidiaries, its share price (宁德时代宣布, 远景董事长, 国轩高科旗下)."""
_ZH_PARTY = re.compile(
    rf"(?<=[{_CJK}A-Za-z)）])[与和]((?:[{_CJK}A-Za-z0-9·&]{{2,12}}?、)*"
    rf"[{_CJK}A-Za-z0-9·&]{{2,12}}?)(?:分别|正式|成功)?"
    r"(?:签署|签订|签约|达成|合作(?!用)|共同|联合|携手|合资|组建)")
"""Y of "X与Y签署…": the run between 与 and the deal verb (与宁德时代签署, 和远景合作)."""
_ZH_SHORT = re.compile(r"[（(](?:以下简称|下称|简称)[“\"「『]?([^”\"」』）)]{2,8})[”\"」』]?[）)]")
"""（以下简称“盛新锂能”）: the short name the article goes on to use."""
_ZH_STOP_PREFIX = re.compile(
    r"^(?:\d+月\d+日|\d+月|\d+日|\d+年|今年|去年|明年|此前|此后|近日|日前|目前|同时|此外|另外|其中|"
    r"随后|最近|当天|当日|昨日|今日|近期|早前|未来|记者|消息|报道|据悉|据了解|据报道|公告显示|"
    r"数据显示|资料显示|今天|昨天|年内|年初|年底|上半年|下半年|一季度|二季度|三季度|四季度|"
    r"前不久|不久前|新近|[据而但且另并该又还已再亦也则就均都将于此])+")
_ZH_STOP_SUFFIX = re.compile(
    r"(?:[也还已再亦则就即更将于正又曾仍拟]|已经|正式|近日|日前|今日|此前|目前|今年|"
    r"去年|首次|再次|率先|官方|方面|也曾|日前正式|将于|有限公司|股份有限公司|公司)+$")
_ZH_NOT_COMPANY = re.compile(
    r"(?:部|局|委|厅|署|办|会|院|所|校|处|站|中心|大学|学院|协会|联盟|联合会|商会|政府|法院|"
    r"机构|媒体|记者|专家|人士|分析师|研究员|官员|网站|报告|数据|统计|调查|研究|分析|文件|"
    r"通知|意见|规划|方案|政策|指数|标准|平台|市场|行业|产业|领域|板块|项目|计划|消息|报道|"
    r"国家|地区|城市|政策|省|市|县|镇|村|州|国|洲|岛|湾|(?<!电)网|报|台|刊|社|者|人|们|员|家|"
    r"方|长|师|士|总|生|女|男|哥|姐|弟|妹|党|中|后|上|下|时|前|间|里|内|外)$")
"""Last words of bodies, places, media and people, not companies (国家能源局, 中国光伏行业协会,
北京市, 每经网, 董事长)."""
_ZH_ROLE = re.compile(r"董事长|总裁|总经理|副总|CEO|创始人|主任|院士|教授|局长|部长|秘书长|理事长|"
                      r"首席|负责人|经理|主席|专家|分析师|研究员|市长|省长|书记|工程师|先生|女士")
_ZH_PLACES = frozenset({
    "中国", "美国", "日本", "韩国", "德国", "法国", "英国", "欧盟", "欧洲", "印度", "俄罗斯",
    "澳大利亚", "澳洲", "加拿大", "巴西", "意大利", "西班牙", "荷兰", "瑞典", "挪威", "丹麦",
    "芬兰", "波兰", "匈牙利", "奥地利", "瑞士", "比利时", "土耳其", "沙特", "阿联酋", "越南",
    "泰国", "印尼", "印度尼西亚", "马来西亚", "新加坡", "菲律宾", "墨西哥", "智利", "阿根廷",
    "南非", "埃及", "北京", "上海", "天津", "重庆", "广东", "深圳", "广州", "江苏", "浙江",
    "福建", "山东", "河南", "河北", "湖南", "湖北", "四川", "云南", "贵州", "江西", "安徽",
    "山西", "陕西", "甘肃", "青海", "宁夏", "新疆", "西藏", "内蒙古", "广西", "海南", "辽宁",
    "吉林", "黑龙江", "香港", "澳门", "台湾", "全国", "全球", "国内", "海外", "国外", "世界",
    "各地", "地方", "当地", "亚洲", "非洲", "美洲", "中东", "东南亚", "拉美", "北美", "南美",
    "欧美", "宁德", "苏州", "杭州", "南京", "武汉", "成都", "西安", "合肥", "厦门", "青岛",
})
_ZH_NOT_NAME_WORDS = re.compile(
    r"公司|企业|我们|你们|他们|行业|产业|市场|项目|领域|目前|已经|可以|能够|需要|进行|通过|"
    r"以及|之后|之前|其中|同比|环比|增长|下降|提升|实现|成为|进入|开始|继续|没有|不是|就是|"
    r"还是|只是|但是|因为|所以|如果|虽然|这个|那个|一个|一些|这些|那些|哪些|什么|怎么|如何|"
    r"为何|为什么|电池厂|主机厂|车企|厂商|厂家|巨头|龙头|头部|大厂|玩家|对手|客户|用户|消费者|"
    r"投资者|股东|方面|领导|团队|员工|研究|政府|官方|媒体|网友|业内|人士|机构|数据|报告|"
    r"新闻|记者|文章|本文|作者|编辑|来源|图片|视频|年度|季度|上半年|下半年|总计|合计|累计|"
    r"单位|都有|自产|储能方面|方面的|发布|宣布|表示|投资|获得|签署|签订|合作|公告|计划|预计|"
    r"透露|披露|推出|生产|设立|审批|执行|尚未|不乏|知名|广泛|普通|成功|顺利|分别|相继|"
    r"连续|最终|初步|联合|共同|进一步|具体|整体|归母|净利|营收|传闻|不构成|免责|声明|资金|"
    r"资产|产能|工厂|销量|价格|电价|成本|规模|增速|目标|时间|周期|建设期|审批|标的|机会|"
    r"大会|会议|论坛|展会|演讲|采访|介绍|指出|认为|看来|期间|以来|过程|条件|背景|情况|"
    r"小哥|网友|民众|居民|百姓|老师|同学|父亲|母亲|孩子|朋友|马斯克|巴菲特|平均|业务|警告|"
    r"强调|回应|坦言|直言|招标|采购|广大|股权|创业|合资|期$|^[使让令被把]")
"""Words that no company name contains: a candidate with one is a piece of a sentence
(单位都有储能, 自产电池)."""


def _zh_clean(raw: str) -> str:
    """The name in a run of text before a company verb, or "" when it is no name."""
    name = raw.strip(" “”\"'‘’「」《》·")
    for _ in range(2):
        name = _ZH_STOP_PREFIX.sub("", name)
        name = _ZH_STOP_SUFFIX.sub("", name)
    name = name.strip(" “”\"'‘’「」《》·")
    if not 2 <= len(name) <= 10 or not re.search(f"[{_CJK}]", name) \
            or re.fullmatch(r"[A-Za-z0-9 .&·-]+", name):
        return ""
    if _NOT_IN_NAME.search(name) or _ZH_NOT_NAME_WORDS.search(name) or _ZH_ROLE.search(name) \
            or name in _GENERIC or name in _GENERIC_BASE or name in _ZH_PLACES \
            or _ZH_NOT_COMPANY.search(name) or re.search(r"\d|[%％]", name) \
            or any(name.startswith(p) and name[len(p):] in _SUFFIXES for p in _ZH_PLACES) \
            or any(name.startswith(g) and name[len(g):] in _SUFFIXES for g in _GENERIC_BASE):
        return ""
    return name


_ZH_RUN = re.compile(rf"[{_CJK}A-Za-z0-9·&]+$")
_SPEECH = frozenset({"表示", "称", "透露", "披露"})
_CLAUSE_START = set("，。；：！？、“”\"（）()《》【】「」 \n\t,;:!?")
_SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
                      "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范廖石贾夏韦付方邹熊孟秦白江"
                      "阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧")
"""Common family names: a two- or three-character subject of 表示/称 that starts with one is
a person far more often than a company (谢秋称, 王志轩表示)."""


def _after_lead_in(run: str, keep: str = "") -> str:
    """The run after its last function character (not 有 of 有限公司, nor those in `keep`)."""
    cut = max((i for i, ch in enumerate(run) if ch in _LEAD_IN and ch not in keep
               and run[i:i + 2] != "有限"), default=-1)
    return run[cut + 1:]


def _zh_people(text: str) -> set[str]:
    """Names the article gives a person's title (董事长曾毓群, 院士欧阳明高): not companies."""
    return {m.group(1)[:n] for m in re.finditer(rf"(?:{_ZH_ROLE.pattern})([{_CJK}]{{2,4}})", text)
            for n in (2, 3, 4)}


def _zh_cued(text: str, covered: bytearray) -> list[tuple[str, str, int, int, str]]:
    """Bare names the sentence makes a company's: the subject of a company verb, a party of a
    deal (与…签署), the full name before （以下简称…） and the short name in it."""
    out = []
    people = None
    for m in _ZH_VERB.finditer(text):
        # The run before the verb, back to the clause's start (punctuation or a space).
        head = _ZH_RUN.search(text, max(0, m.start() - 14), m.start())
        if head is None or any(covered[head.start():m.start()]) \
                or head.start() > 0 and text[head.start() - 1] not in _CLAUSE_START:
            continue  # no clause start within reach: a piece of a longer sentence
        # A subject starts after the last function character of the run (由宁德时代 → 宁德时代).
        name = _zh_clean(_after_lead_in(head.group(0)))
        if not name:
            continue
        if people is None:
            people = _zh_people(text)
        if name in people or len(name) <= 3 and _ZH_ROLE.search(text, max(0, head.start() - 4),
                                                                 head.start()) \
                or len(name) <= 3 and name[0] in _SURNAMES and m.group(0) in _SPEECH:
            continue  # a person: 谢秋称, 董事长曾毓群表示
        start = text.rfind(name, head.start(), m.start())
        verb = m.group(0).lstrip("（(").removeprefix("的")
        out.append((name, name, start, start + len(name), f"subject of {verb}"))
    for m in _ZH_PARTY.finditer(text):
        at = m.start(1)
        for part in m.group(1).split("、"):  # 与双良硅材料、美科硅能源分别签订
            start, at = at, at + len(part) + 1
            name = _zh_clean(part)
            if name and not any(covered[start:start + len(part)]) \
                    and not (len(name) == 3 and name[0] in _SURNAMES):  # 与陈棠华合资
                start = text.find(name, start)
                out.append((name, name, start, start + len(name), "party to a deal"))
    for m in _ZH_SHORT.finditer(text):
        short = _zh_clean(m.group(1))
        head = _ZH_RUN.search(text, max(0, m.start() - 24), m.start())
        if not short or head is None or any(covered[head.start():m.start()]):
            continue
        full = _after_lead_in(head.group(0), "和与及")
        out.append((short, full if len(full) > len(short) else short, m.start(1), m.end(1),
                    "short name of a company"))
    return out


_IN_ZH = re.compile(r"(?<![A-Za-z0-9.&-])([A-Z][A-Za-z0-9&-]*[a-z][A-Za-z0-9&-]*"
                    r"(?: (?:&|[A-Z][A-Za-z0-9&-]*)){0,3})(?![A-Za-z0-9&-])")
_ZH_COMPANY_BEFORE = re.compile(r"(?:公司|制造商|生产商|供应商|企业|初创|品牌|合资企业|合资公司|子公司|"
                                r"厂商|车企|运营商|开发商|经销商|收购|入股|携手|牵手|签署|联手)[^，。；]{0,2}$")
"""A Latin name in Chinese text that the words before it call a company (英国电池初创Britishvolt,
美国商用电动汽车制造商Electric Last Mile Solutions)."""


def _latin_in_zh(text: str) -> list[tuple[str, str, int, int, str]]:
    out = []
    for m in _IN_ZH.finditer(text):
        name = m.group(1)
        if name in _LATIN_STOP or len(name) < 3 \
                or not _ZH_COMPANY_BEFORE.search(text, max(0, m.start() - 14), m.start()):
            continue
        out.append((name, name, m.start(), m.end(), "named as a company in Chinese text"))
    return out


_AFTER_CUE = re.compile(
    r"\b(?:company|firm|consultancy|developer|manufacturer|maker|utility|operator|start-?up|"
    r"supplier|provider|Firma)\s+([A-Z][\w&-]+(?:\s(?:&\s)?[A-Z][\w&-]+){0,2})"
    r"|\b(?i:company|firm|start-?up|Unternehmen|Firma|Anbieter)\s+(?:namens|called|named)\s+"
    r"([A-Za-z][\w&.-]*[\w&](?:\s(?:&\s)?[A-Z][\w&-]+){0,2})")
"""A name right after a word that calls it a company ("the consultancy Everoze", "die Firma
Tellus"); not after German nouns such as Unternehmen, which begin sentences and lists, unless
a name follows namens or called ("ein Start-up namens kW-Solutions")."""


def _latin_candidates(text: str) -> list[tuple[str, str, int, int, str]]:
    out = _latin_in_zh(text) if re.search(f"[{_CJK}]", text[:400]) else _latin_subjects(text)
    for m in _AFTER_CUE.finditer(text):
        group = 1 if m.group(1) else 2
        words = m.group(group).split()
        while words and (words[-1] in _LATIN_STOP or words[-1] in _ARTICLES):
            words.pop()
        if not words or words[0] in _LATIN_STOP or words[0] in _ARTICLES \
                or any(_NOUNISH.search(w) for w in words):
            continue
        name = " ".join(words)
        out.append((name, name, m.start(group), m.start(group) + len(name),
                    f"called a {m.group(0).split()[0].lower()}"))
    for m in _LATIN_LEGAL.finditer(text):
        words = m.group(1).split()
        while words and words[0] in _ARTICLES:
            words.pop(0)
        if not words:
            continue
        name = " ".join(words)
        if name in ("Co.", "Co") or name in _LATIN_STOP:
            continue
        out.append((name, f"{name} {m.group(2)}", m.end(1) - len(name), m.end(),
                    f"legal form {m.group(2)}"))
    for m in _LATIN_NAME.finditer(text):
        words = m.group(1).split()
        while words and (words[0] in _LATIN_STOP or words[0] in _ARTICLES
                         or _COMPANY_CUE.fullmatch(words[0])):
            words.pop(0)
        if not words or words[-1] in _LATIN_STOP or len(words) == 1 \
                and not _LATIN_NAME.fullmatch(words[0]):
            continue
        name = " ".join(words)
        if any(_NOUNISH.search(w) for w in words):
            continue
        start = m.end() - len(name)
        before = text[max(0, start - 25):start]
        after = text[m.end():m.end() + 30]
        if _COMPANY_CUE.search(before) or re.match(r",?\s(?:an?|the|ein|eine|der|die|das)\s"
                                                   r"(?:\w+\s){0,2}", after) \
                and _COMPANY_CUE.search(after):
            out.append((name, name, start, m.end(), "named as a company"))
    return out


# --- Latin: capitalised names an article repeats and makes the subject of a company verb ----

_SUBJECT_VERB = re.compile(
    r"\s(?:(?:has|have|had|will|would|also|now|recently|today|then|has now|has also|"
    r"hat|hatte|will|wird|wurde|soll|möchte|auch|nun|jetzt|bereits)\s)?"
    r"(?:said|says|announced|announces|won|wins|signed|signs|launched|launches|unveiled|"
    r"unveils|acquired|acquires|agreed|plans|planned|commissioned|installed|completed|"
    r"awarded|secured|secures|delivered|delivers|supplies|supplied|develops|developed|builds|"
    r"built|operates|invested|invests|opened|confirmed|partnered|selected|ordered|reported|"
    r"kündigt|kündigte|plant|plante|baut|baute|errichtet|errichtete|investiert|investierte|"
    r"übernimmt|übernahm|liefert|lieferte|meldet|meldete|teilte|erhielt|gewann|"
    r"unterzeichnete|unterzeichnet|senkt|senkte|vermeldet|präsentiert|präsentierte)\b"
    r"|\shat\s(?:[\w-]+\s){1,8}bekannt\s?gegeben\b|\sgab\s(?:[\w-]+\s){0,8}bekannt\b")
_SUBJECT = re.compile(r"((?:[A-ZÄÖÜ][\w&'’-]*|[A-Z0-9]{2,}[\w-]*)"
                      r"(?:\s(?:&\s)?(?:[A-ZÄÖÜ][\w&'’-]*|[A-Z0-9]{2,}[\w-]*)){0,3})$")
_NOT_LATIN_COMPANY = re.compile(
    r"\b(?:Agency|Authority|Ministry|Minister|Department|Association|Institute|Institution|"
    r"University|Council|Commission|Government|Office|Committee|Forum|Federation|Parliament|"
    r"Republic|Union|Court|Senate|Congress|Administration|Bureau|Society|Foundation|Network|"
    r"Conference|Congress|Summit|Alliance|Initiative|Programme|Program|Project|Report|Index|"
    r"Mr|Ms|Mrs|Dr|Prof|Herr|Frau)\b|"
    r"(?:agentur|Agentur|ministerium|Ministerium|behörde|Behörde|verband|Verband|institut|"
    r"Institut|Universität|Hochschule|regierung|Regierung|kommission|Kommission|Parlament|"
    r"Gemeinde|Stadt|Land|Bund|kammer|Kammer|Verein|stiftung|Stiftung|Gesetz|Verordnung|"
    r"Förderung|programm|Programm|fonds|Fonds|amt|Amt|stelle|Stelle)\b")
_PERSON_BEFORE = re.compile(
    r"(?:CEO|CTO|CFO|COO|chief|head|director|manager|founder|president|chairman|minister|"
    r"spokesperson|spokesman|spokeswoman|analyst|professor|Mr\.?|Ms\.?|Dr\.?|Prof\.?|Mag\.?|"
    r"Herr|Frau|Geschäftsführer(?:in)?|Vorstand|Vorständin|Sprecher(?:in)?|Ministerin|"
    r"Minister|Direktor(?:in)?|Leiter(?:in)?|Chef(?:in)?|Experte|Expertin)[\s,]+$", re.I)


def _latin_subjects(text: str) -> list[tuple[str, str, int, int, str]]:
    """Capitalised names an article repeats and uses as the subject of a company verb ("Vestas
    said", "Wien Energie hat … bekannt gegeben"); not people (a title before them, or a first
    name before them elsewhere in the text), places or public bodies."""
    out = []
    german = _german(text)
    for m in _SUBJECT_VERB.finditer(text):
        head = _SUBJECT.search(text, max(0, m.start() - 60), m.start())
        if head is None:
            continue
        words = head.group(1).split()
        while words and (words[0] in _LATIN_STOP or words[0] in _ARTICLES
                         or _COMPANY_CUE.fullmatch(words[0])):
            words.pop(0)
        if not words or words[-1] in _ARTICLES or words[-1] in _LATIN_STOP \
                and not (len(words) >= 2 and words[-1] in ("Energie", "Strom")):
            continue  # Wien Energie, Alpen Strom: a company's last word
        name = " ".join(words)
        start = m.start() - len(name)
        before = text[max(0, start - 30):start]
        at_sentence_start = re.search(r"(?:^|[.!?:]\s+|\n)$", before) is not None
        if len(name) < 3 or _NOT_LATIN_COMPANY.search(name) or _PERSON_BEFORE.search(before) \
                or any(_NOUNISH.search(w) for w in words) or name in _PLACES \
                or len(words) == 1 and at_sentence_start and name in _SENTENCE_WORDS \
                or len(words) == 1 and not re.search(r"[A-Z0-9].*[A-Z0-9]", name) and german \
                or len(words) == 2 and words[0] in _FIRST_NAMES:
            continue  # German capitalises every noun: one plain word is no evidence
        # Repeated in the article, and never as a person's surname (Anna Muster … Muster said).
        if len(re.findall(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)) < 2 \
                or len(words) == 1 and re.search(
                    rf"\b[A-ZÄÖÜ][a-zäöüß]+\s{re.escape(name)}\b(?!\s[A-ZÄÖÜ])", text) \
                and not re.search(rf"\b{re.escape(name)}\s[A-ZÄÖÜ]", text) \
                or len(words) == 2 and _surname_speaks(text, words):
            continue
        out.append((name, name, start, m.start(), f"subject of '{m.group(0).split()[-1]}'"))
    return out


_PLACES = frozenset({
    "France", "Spain", "Italy", "Britain", "Great Britain", "UK", "US", "U.S.", "America",
    "Denmark", "Norway", "Sweden", "Finland", "Poland", "Portugal", "Ireland", "Scotland",
    "England", "Wales", "Netherlands", "Belgium", "Greece", "Turkey", "India", "Japan", "Korea",
    "South Korea", "Brazil", "Mexico", "Chile", "Argentina", "Canada", "Australia", "Taiwan",
    "Vietnam", "Africa", "South Africa", "Egypt", "Morocco", "Texas", "California", "Schweiz",
    "Frankreich", "Italien", "Spanien", "Polen", "Ungarn", "Tschechien", "Slowenien", "Bayern",
    "Tirol", "Kärnten", "Steiermark", "Salzburg", "Vorarlberg", "Burgenland", "Niederösterreich",
    "Oberösterreich", "Graz", "Linz", "Innsbruck", "Klagenfurt", "Brussels", "Brüssel", "London",
    "Paris", "Berlin", "Madrid", "Beijing", "Washington", "Asia", "Asien", "Afrika", "Amerika"})
_FIRST_NAMES = frozenset({
    "Bill", "Elon", "Jeff", "Warren", "Mark", "Tim", "Steve", "John", "James", "Robert",
    "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles", "Peter", "Paul",
    "Andrew", "Daniel", "Matthew", "Anthony", "Chris", "Christopher", "George", "Martin",
    "Simon", "Mary", "Anna", "Anne", "Maria", "Elizabeth", "Sarah", "Laura", "Julia", "Lisa",
    "Emma", "Sophie", "Claudia", "Sabine", "Petra", "Andreas", "Stefan", "Stephan", "Markus",
    "Christian", "Wolfgang", "Klaus", "Jürgen", "Hans", "Werner", "Helmut", "Alexander",
    "Florian", "Johannes", "Leonore", "Karl", "Franz", "Josef", "Herbert", "Gerhard", "Walter",
    "Manfred", "Günther", "Olaf", "Angela", "Ursula", "Frank", "Jens", "Jan", "Lars", "Henrik",
    "Anders", "Ole", "Kristian", "Carlos", "Juan", "José", "Luis", "Pedro", "Antonio",
    "Francisco", "Giovanni", "Marco", "Pierre", "Jean", "François", "Emmanuel", "Gil",
})
"""Given names: "Bill Gates plant…" is a person, not a company."""
_SENTENCE_WORDS = frozenset({"It", "He", "She", "They", "We", "I", "You", "Er", "Sie", "Es",
                             "Man", "Wir", "Ich", "Everyone", "Nobody", "Someone"})


_SAYS = r"\s(?:said|says|sagt|sagte|erklärt|erklärte|meint|meinte)\b"


def _surname_speaks(text: str, words: list[str]) -> bool:
    """The last of two words speaks on its own ("Anna Breeze … Breeze said"): a person."""
    alone = len(re.findall(rf"(?<![\w-]){re.escape(words[1])}{_SAYS}", text))
    return alone > len(re.findall(rf"{re.escape(words[0])}\s{re.escape(words[1])}{_SAYS}", text))


def _german(text: str) -> bool:
    return len(re.findall(r"\b(?:der|die|das|und|ist|nicht)\b", text[:2000])) >= 5


def suggest(articles: list[tuple[str, str, str]], tax: Taxonomy, min_articles: int = 2,
            limit: int = 200) -> list[Suggestion]:
    """Candidates from (id, title, text) articles: names the taxonomy does not match, ranked
    by the number of articles that name them (legal forms and stock codes count from one
    article; names found only as capitalised words need `min_articles`)."""
    from .taxonomy import find_mentions

    found: dict[str, Suggestion] = {}
    for article_id, title, text in articles:
        for body in (title, text):
            covered = bytearray(len(body) + 1)
            for mention in find_mentions(body, tax):
                if mention.pattern.kind == "company":
                    covered[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)
            for script, cands in (("zh", _zh_candidates(body, covered)),
                                  ("latin", _latin_candidates(body))):
                for name, form, start, end, how in cands:
                    if any(covered[start:end]):
                        continue
                    s = found.get(name)
                    if s is None:
                        s = found[name] = Suggestion(name, script)
                    s.articles.add(article_id)
                    s.forms[form] += 1
                    cued = how.startswith(("stock", "legal", "named", "listed", "called", "subject",
                                           "party", "short name")) \
                        or how.endswith("(cued)")
                    s.cued = s.cued or cued
                    how = how.removesuffix(" (cued)")
                    if s.script == "zh" and re.search("[A-Za-z]", name) \
                            and not re.search(rf"[{_CJK}]", name):
                        s.script = "latin"
                    if not s.context or (how.startswith(("stock", "legal"))
                                         and not s.how.startswith(("stock", "legal"))):
                        s.context, s.how = _sentence(body, start, end), how
    # 盛新锂能集团 and 盛新锂能: one company, the short name with the long one as an alias.
    for name in sorted(found, key=len, reverse=True):
        short = next((name[:-len(x)] for x in _MERGE if name.endswith(x)
                      and name[:-len(x)] in found), None)
        if short is not None:
            long = found.pop(name)
            found[short].articles |= long.articles
            found[short].forms.update(long.forms)
            found[short].cued = found[short].cued or long.cued
    strong = ("stock", "legal", "named as a company in Chinese", "called a", "short name",
              "subject of '")
    ranked = [s for s in found.values()
              if s.how.startswith(strong) or s.cued
              and (len(s.articles) >= min_articles or s.script == "zh")]
    ranked.sort(key=lambda s: (-len(s.articles), not s.how.startswith(strong), s.name))
    return ranked[:limit]


def report(suggestions: list[Suggestion]) -> str:
    """The ranked list with a context line each, then the YAML to paste into companies.yaml."""
    lines = [f"{len(suggestions)} candidate companies not in the taxonomy "
             "(articles, name, what found it, context):"]
    for s in suggestions:
        lines.append(f"{len(s.articles):5d}  {s.name}   [{s.how}]")
        lines.append(f"       {s.context}")
    lines += ["", "# Ready to paste into content/taxonomy/companies.yaml (check each: slug, names,",
              "# aliases; leave out what is not a company the archive reports on):", ""]
    lines += [s.yaml() for s in suggestions]
    return "\n".join(lines)
