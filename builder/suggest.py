"""Suggesting: companies the articles report on that the taxonomy lacks, ranked by how many
articles name them, with a context line each and ready-to-paste YAML (`check --suggest`)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .textutil import slugify

if TYPE_CHECKING:
    from .taxonomy import Taxonomy

# --- Chinese: a short name before a stock code, or a name ending in a company word --------

_CJK = "\u4e00-\u9fff"
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
        if known < (1 if _ITEM_EDGE.search(items[-1][0]) else 2):
            continue
        for part, start in items:
            name = _ITEM_EDGE.sub("", part)
            start += part.find(name) if name else 0
            if not name or any(covered[start:start + len(name)]) or len(name) < 2 \
                    or len(name) > 8 or _NOT_IN_NAME.search(name) or name in _GENERIC \
                    or name in _GENERIC_BASE or re.search(r"\d|[%％]|年|月", name):
                continue
            out.append((name, name, start, start + len(name), "listed with known companies"))
    return out


def _zh_candidates(text: str, covered: bytearray) -> list[tuple[str, str, int, int, str]]:
    """(name, full form, start, end, how) for the Chinese names in `text`."""
    out = _listed(text, covered)
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
                    and "\u4e00" <= text[at - 1] <= "\u9fff":
                continue
            form = full[i:]
            name = _LEGAL_ZH.sub("", form)
            base = next((name[:-len(s)] for s in _SUFFIXES if name.endswith(s)), name)
            if len(base) < 2 or _NOT_IN_NAME.search(name) or base in _GENERIC_BASE \
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


_IN_ZH = re.compile(r"(?<![A-Za-z0-9.&-])([A-Z][A-Za-z0-9&-]*[a-z][A-Za-z0-9&-]*"
                    r"(?: (?:&|[A-Z][A-Za-z0-9&-]*)){0,3})(?![A-Za-z0-9&-])")
_ZH_COMPANY_BEFORE = re.compile(r"(?:公司|制造商|生产商|供应商|企业|初创|品牌|合资企业|合资公司|子公司|"
                                r"厂商|车企|运营商|开发商|收购|入股|携手|牵手|签署|联手)[^，。；]{0,2}$")
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
    r"supplier|provider|Firma)\s+([A-Z][\w&-]+(?:\s(?:&\s)?[A-Z][\w&-]+){0,2})")
"""A name right after a word that calls it a company ("the consultancy Everoze", "die Firma
Tellus"); not after German nouns such as Unternehmen, which begin sentences and lists."""


def _latin_candidates(text: str) -> list[tuple[str, str, int, int, str]]:
    out = _latin_in_zh(text) if re.search(f"[{_CJK}]", text[:400]) else []
    for m in _AFTER_CUE.finditer(text):
        words = m.group(1).split()
        while words and (words[-1] in _LATIN_STOP or words[-1] in _ARTICLES):
            words.pop()
        if not words or words[0] in _LATIN_STOP or words[0] in _ARTICLES \
                or any(_NOUNISH.search(w) for w in words):
            continue
        name = " ".join(words)
        out.append((name, name, m.start(1), m.start(1) + len(name),
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


def suggest(articles: list[tuple[str, str, str]], tax: Taxonomy, min_articles: int = 2,
            limit: int = 80) -> list[Suggestion]:
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
                    cued = how.startswith(("stock", "legal", "named", "listed", "called")) \
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
    strong = ("stock", "legal", "named as a company in Chinese", "called a")
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
